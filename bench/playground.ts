/**
 * The playground page's weight and start-up (`npm run bench:playground`): builds dist/playground if
 * it is stale, serves it on 127.0.0.1, opens it in headless Chromium (the installed one) a few
 * times with an empty cache, and writes a short section into bench/RESULTS.md: the bytes each
 * load transferred (and what gzip and brotli would make of them on a host that compresses), and
 * the time from navigation to the first finding on screen (median of the loads).
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildPlayground, playgroundFiles, playgroundStale, PLAYGROUND_DIR } from "../src/build/playground.js";
import { chromiumPath, launchChromium, serveFolder } from "../test/browser.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RESULTS = path.join(root, "bench/RESULTS.md");
export const SECTION_START = "<!-- playground:start (written by npm run bench:playground) -->";
export const SECTION_END = "<!-- playground:end -->";
const LOADS = 5;

const kib = (n: number): string => `${Math.round(n / 1024).toLocaleString("en")} KiB`;

async function main(): Promise<void> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("no Chromium: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH");
  const stale = playgroundStale();
  if (stale) {
    const built = await buildPlayground();
    console.log(`built dist/playground (${stale}) in ${(built.ms / 1000).toFixed(1)} s`);
  }
  const server = await serveFolder(PLAYGROUND_DIR);
  const { browser, close } = await launchChromium(executablePath);
  const loads: { ms: number; bytes: number; requests: number }[] = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.newPage();
      await page.setCacheEnabled(false);
      let requests = 0;
      page.on("request", (r) => void (r.url().startsWith("data:") || requests++));
      const before = server.sent();
      await page.goto(`${server.origin}/`, { waitUntil: "load" });
      await page.waitForSelector("#findings > li.finding", { timeout: 60_000 });
      const ms = (await page.evaluate(`performance.getEntriesByName("sqlguard:first-finding")[0].startTime`)) as number;
      loads.push({ ms, bytes: server.sent() - before, requests });
      console.log(`load ${i + 1}: first finding ${(ms / 1000).toFixed(2)} s after navigation, ${kib(server.sent() - before)} in ${requests} requests`);
      await page.close();
    }
  } finally {
    await close();
    await server.close();
  }

  const { page: files, onDemand } = playgroundFiles();
  const sizeOf = (name: string) => {
    const bytes = readFileSync(path.join(PLAYGROUND_DIR, name));
    return {
      name,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  };
  const sizes = files.map(sizeOf);
  const later = onDemand.map(sizeOf);
  const total = (k: "raw" | "gzip" | "brotli", list = sizes): number => list.reduce((n, s) => n + s[k], 0);
  const pglite = later.filter((s) => !s.name.endsWith(".js"));
  const chunks = later.filter((s) => s.name.endsWith(".js"));
  const times = loads.map((l) => l.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const load = os.loadavg()[0]!;
  const section = [
    SECTION_START,
    "## Playground page",
    "",
    `Measured by \`npm run bench:playground\` on ${new Date().toISOString().slice(0, 10)}: dist/playground served from 127.0.0.1, opened ${LOADS} times in headless Chromium with the cache off (${os.cpus().length} cores, load average ${load.toFixed(1)} during the run).`,
    "",
    "| file | bytes | gzip -9 | brotli -11 |",
    "| --- | --- | --- | --- |",
    ...sizes.map((s) => `| ${s.name} | ${kib(s.raw)} | ${kib(s.gzip)} | ${kib(s.brotli)} |`),
    `| **total transferred per load** | **${kib(loads[0]!.bytes)}** (${loads[0]!.requests} requests: the page, the script and the chunks it imports, the WASM) | ${kib(total("gzip"))} | ${kib(total("brotli"))} |`,
    "",
    "Loaded on demand, by the first click on *Dry run* only (never by a page load), and counted apart:",
    "",
    "| file | bytes | gzip -9 | brotli -11 |",
    "| --- | --- | --- | --- |",
    ...pglite.map((s) => `| ${s.name} | ${kib(s.raw)} | ${kib(s.gzip)} | ${kib(s.brotli)} |`),
    `| ${chunks.length} script chunks (the dry run's code and PGlite's JavaScript) | ${kib(total("raw", chunks))} | ${kib(total("gzip", chunks))} | ${kib(total("brotli", chunks))} |`,
    `| **total of a dry run's first load** | **${kib(total("raw", later))}** | ${kib(total("gzip", later))} | ${kib(total("brotli", later))} |`,
    "",
    "- pglite-empty.tar.gz is an empty cluster dumped at build time: the page loads it instead of running initdb. The chunks that only PGlite's Node paths import are never fetched in a browser; they are counted anyway.",
    "",
    `- Navigation to the first finding on screen (the first example, linted): median ${(median / 1000).toFixed(2)} s (${times.map((t) => (t / 1000).toFixed(2)).join(", ")}); target under 3 s: ${median < 3000 ? "met" : "**not met**"}.`,
    "- Most of the script is TypeScript, which the `.ts` tab's reader needs (typescript-estree); it starts after the SQL tab's first findings. The served bytes are uncompressed (the test server does not compress); a host that compresses sends the gzip or brotli figures.",
    SECTION_END,
  ].join("\n");

  const old = readFileSync(RESULTS, "utf8");
  const at = old.indexOf(SECTION_START);
  const endAt = old.indexOf(SECTION_END);
  const next = at >= 0 && endAt > at ? old.slice(0, at) + section + old.slice(endAt + SECTION_END.length) : `${old.replace(/\n*$/, "\n\n")}${section}\n`;
  writeFileSync(RESULTS, next);
  console.log(`\n${section}\n\nwrote bench/RESULTS.md`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
