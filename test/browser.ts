/**
 * What the tests and the bench need to drive a real browser: the installed Chromium (Debian's, or
 * $CHROMIUM_PATH; puppeteer-core never downloads one), launched headless with a fresh profile, and
 * a static file server for a folder on 127.0.0.1 that counts the bytes it sends.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser } from "puppeteer-core";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** The browser to drive: $CHROMIUM_PATH (which must exist), else Debian's chromium, else none. */
export function chromiumPath(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : null;
}

/** Headless Chromium with a fresh profile; `close` also removes the profile. */
export async function launchChromium(executablePath: string): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = mkdtempSync(path.join(os.tmpdir(), "sqlguard-chromium-profile-"));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true, // DevTools over a pipe: no debugging port is opened
    userDataDir: profile, // nothing from another run
    timeout: 30_000,
    args: [
      "--no-sandbox", // CI containers run as root, where Chromium's sandbox cannot start
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm", // what WebAssembly.instantiateStreaming requires
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Bytes of response bodies sent so far. */
  sent(): number;
  /** Paths served so far (`/index.html`…), in order. */
  paths(): string[];
  close(): Promise<void>;
}

/** Serves the files of `dir` (GET only, nothing outside it, never cached) on a free port of 127.0.0.1. */
export function serveFolder(dir: string): Promise<StaticServer> {
  let bytes = 0;
  const served: string[] = [];
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = path.join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname);
    if (req.method !== "GET" || !file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(file);
    bytes += body.length;
    served.push(`/${path.relative(root, file).split(path.sep).join("/")}`);
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "content-length": body.length, "cache-control": "no-store" });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        sent: () => bytes,
        paths: () => [...served],
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
