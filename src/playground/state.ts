/**
 * The playground's state in the URL: both files, the config and the open tab, so that a link
 * reproduces exactly what the sender saw. The state is JSON, compressed (deflate-raw, with the
 * platform's CompressionStream: no library) and written in base64url after `#v1=`. The fragment
 * never reaches a server: the text stays between the people who share the link.
 *
 * No DOM here (CompressionStream, TextEncoder, btoa exist in Node too): tested in Node.
 */
import type { Tab } from "./engine.js";

export interface PlaygroundState {
  tab: Tab;
  sql: string;
  ts: string;
  /** The config panel's JSON, as typed (it may be invalid: the link shows the same error). */
  config: string;
}

const PREFIX = "v1=";

/** Links longer than this are refused when read (a browser keeps URLs up to about 2 MB). */
export const MAX_HASH = 2_000_000;

/** The URL fragment (without `#`) for a state. */
export async function encodeState(state: PlaygroundState): Promise<string> {
  const json = JSON.stringify({ tab: state.tab, sql: state.sql, ts: state.ts, config: state.config });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream("deflate-raw"));
  return PREFIX + toBase64Url(packed);
}

/**
 * The state a URL fragment holds (with or without `#`); null for an empty fragment. Throws an
 * Error saying what is wrong with one that cannot be read (cut short, from another version).
 */
export async function decodeState(hash: string): Promise<PlaygroundState | null> {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  if (h === "") return null;
  if (h.length > MAX_HASH) throw new Error(`the link is too long (${h.length.toLocaleString("en-US")} characters)`);
  if (!h.startsWith(PREFIX)) throw new Error("the link was not made by this playground (it does not start with #v1=)");
  let json: string;
  try {
    const bytes = fromBase64Url(h.slice(PREFIX.length));
    json = new TextDecoder("utf-8", { fatal: true }).decode(await pipe(bytes, new DecompressionStream("deflate-raw")));
  } catch {
    throw new Error("the link is damaged (cut short when it was copied?)");
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error("the link is damaged (its state is not JSON)");
  }
  const v = value as Partial<Record<keyof PlaygroundState, unknown>> | null;
  if (!v || typeof v !== "object" || (v.tab !== "sql" && v.tab !== "ts") || typeof v.sql !== "string" || typeof v.ts !== "string" || typeof v.config !== "string") {
    throw new Error("the link's state is not one this playground knows");
  }
  return { tab: v.tab, sql: v.sql, ts: v.ts, config: v.config };
}

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // a damaged input fails the read below; these would only repeat that error, unhandled
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  return new Uint8Array(await new Response(stream.readable).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
