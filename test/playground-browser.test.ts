/**
 * The playground page in a real browser. dist/playground is served by a small static server in
 * this process (127.0.0.1, a free port) and opened in headless Chromium: typing the story's SQL
 * into the .sql tab shows the split at line 3; its fix, applied from the finding's CodeMirror
 * action, removes it; the config panel's errors are the command line's; a copied link reproduces
 * the page. Any request outside the local server fails the test (the page must work offline once
 * loaded), and so does any console error.
 *
 * The page is built first when dist/playground is missing or older than its sources (a few
 * seconds with esbuild); `npm run playground` builds it and also type-checks the page's code. The
 * browser is the one installed on the machine (Debian's chromium; $CHROMIUM_PATH for another),
 * driven by puppeteer-core, which never downloads one; without it the tests are skipped with a
 * message, and .ci/run installs it. The time from navigation to the first finding and the bytes
 * the page transferred are printed (figures, not assertions); a screenshot goes to a temp folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "puppeteer-core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildPlayground, playgroundFiles, playgroundStale, PLAYGROUND_DIR } from "../src/build/playground.js";
import { chromiumPath, DEFAULT_CHROMIUM, launchChromium, serveFolder, type StaticServer } from "./browser.js";
import { skip, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("playground in Chromium");

const STORY = "UPDATE orders\nSET is_deleted = true\n\nWHERE id IN (1, 2, 3)";

const executablePath = chromiumPath();

if (!executablePath) {
  skip(test, "the playground in Chromium: the story's finding, its fix, the config panel, a shared link", `no Chromium at ${DEFAULT_CHROMIUM} (install Debian's chromium, as .ci/run does, or set CHROMIUM_PATH)`);
} else {
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  let server: StaticServer | undefined;
  let origin = "";
  const work = mkdtempSync(path.join(os.tmpdir(), "sqlguard-playground-"));

  test.before(async () => {
    const stale = playgroundStale();
    const build = async (): Promise<void> => {
      if (!stale) return;
      const done = await buildPlayground();
      console.log(`playground-browser: built dist/playground (${stale}) in ${(done.ms / 1000).toFixed(1)} s`);
    };
    // the browser starts while esbuild bundles
    const [chromium] = await Promise.all([launchChromium(executablePath), build()]);
    ({ browser, close: closeBrowser } = chromium);
    server = await serveFolder(PLAYGROUND_DIR);
    origin = server.origin;
  });

  test.after(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  /** A page on the local server that records any request elsewhere (and blocks it), console error or dialog. */
  async function open(hash = ""): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      // data: URLs (CodeMirror's icons in its CSS) are not requests to anywhere
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) void request.continue();
      else {
        problems.push(`request outside ${origin}: ${url}`);
        void request.abort();
      }
    });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.setViewport({ width: 1280, height: 900 });
    const response = await page.goto(`${origin}/${hash}`, { waitUntil: "load" });
    assert.ok(response?.ok(), "the page loads");
    await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
    return { page, problems };
  }

  const findings = (page: Page): Promise<string[]> =>
    page.$$eval("#findings > li.finding", (items) => items.map((li) => `${li.getAttribute("data-rule")} ${li.querySelector(".loc")!.textContent}`));

  /** Waits until the list shows exactly these findings (`rule line:column`). */
  async function waitForFindings(page: Page, expected: string[]): Promise<void> {
    try {
      const want = JSON.stringify(JSON.stringify(expected));
      await page.waitForFunction(
        `JSON.stringify([...document.querySelectorAll("#findings > li.finding")].map((li) => li.getAttribute("data-rule") + " " + li.querySelector(".loc").textContent)) === ${want}`,
        { timeout: 15_000 },
      );
    } catch {
      assert.equal(await findings(page), expected, "the findings shown");
    }
  }

  /** The value of a form control. */
  const value = (page: Page, selector: string): Promise<string> => page.evaluate(`document.querySelector(${JSON.stringify(selector)}).value`) as Promise<string>;

  const editorLines = (page: Page, tab: "sql" | "ts"): Promise<string[]> => page.$$eval(`#editor-${tab} .cm-line`, (lines) => lines.map((l) => l.textContent ?? ""));

  async function replaceText(page: Page, tab: "sql" | "ts", text: string): Promise<void> {
    await page.click(`#editor-${tab} .cm-content`);
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.press("Backspace");
    await page.keyboard.type(text);
  }

  test("the story typed into the .sql tab: the split at line 3, fixed from its CodeMirror action; no request beyond the folder", async () => {
    const before = server!.sent();
    const started = Date.now();
    const { page, problems } = await open();
    await page.waitForSelector("#findings > li.finding");
    const fromGoto = Date.now() - started;
    const mark = await page.evaluate(() => performance.getEntriesByName("sqlguard:first-finding")[0]?.startTime ?? NaN);
    const bytes = server!.sent() - before;
    const { page: pageFiles, onDemand } = playgroundFiles();
    const files = pageFiles.map((f) => readFileSync(path.join(PLAYGROUND_DIR, f)));
    const fetched = server!.paths();
    assert.equal(fetched.filter((p) => onDemand.includes(p.replace(/^\//, ""))), [], "a page load fetches none of the dry run's files (PGlite is loaded on demand)");
    const gzip = files.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
    console.log(
      `playground-browser: first finding ${(mark / 1000).toFixed(2)} s after navigation (${(fromGoto / 1000).toFixed(2)} s from page.goto); ` +
        `the page transferred ${(bytes / 1024).toFixed(0)} KiB uncompressed (${(gzip / 1024).toFixed(0)} KiB gzipped)`,
    );
    assert.equal(await findings(page), ["ambiguous-statement-split 6:1"], "the first example, the story as examples/ tells it, is open");

    await replaceText(page, "sql", STORY);
    assert.equal(await editorLines(page, "sql"), STORY.split("\n"), "typed as is (no auto-indent, brackets closed once)");
    await waitForFindings(page, ["ambiguous-statement-split 3:1", "require-semicolon 4:22"]);
    const message = await page.$eval('li.finding[data-rule="ambiguous-statement-split"] .msg', (el) => el.textContent);
    assert.match(message!, /a client that splits on blank lines would run `UPDATE orders SET is_deleted = true`/);
    assert.ok(await page.$('li.finding[data-rule="ambiguous-statement-split"] a.rule[href$="/rules/ambiguous-statement-split/README.md"]'), "a docs link");

    // The fix, from the editor: the gutter marker's tooltip offers it as a CodeMirror lint action.
    await page.hover(".cm-lint-marker-error");
    const action = await page.waitForSelector(".cm-tooltip-lint .cm-diagnosticAction", { timeout: 10_000 });
    assert.is(await action!.evaluate((b) => b.textContent), "Fix: remove the blank line");
    await action!.click();
    await waitForFindings(page, ["require-semicolon 3:22"]);
    assert.equal(await editorLines(page, "sql"), ["UPDATE orders", "SET is_deleted = true", "WHERE id IN (1, 2, 3)"], "only the blank line went");

    // The other fix, from the list: one click.
    await page.click('li.finding[data-rule="require-semicolon"] button.fix');
    await waitForFindings(page, []);
    assert.is(await page.$eval("#summary", (el) => el.textContent), "No problems in script.sql");
    assert.equal(await editorLines(page, "sql"), ["UPDATE orders", "SET is_deleted = true", "WHERE id IN (1, 2, 3);"]);

    const shot = path.join(work, "playground.png");
    await replaceText(page, "sql", STORY);
    await waitForFindings(page, ["ambiguous-statement-split 3:1", "require-semicolon 4:22"]);
    await page.screenshot({ path: shot });
    console.log(`playground-browser: screenshot ${shot}`);

    assert.equal(problems, [], "no request beyond the folder, no console error");
    await page.close();
  });

  test("dry run: a pasted schema and seed, the .sql tab's UPDATE on PGlite in the page: its row count and its lock, rolled back", async () => {
    const { page, problems } = await open();
    await waitForFindings(page, ["ambiguous-statement-split 6:1"]);
    await replaceText(page, "sql", "UPDATE orders SET is_deleted = true WHERE id <= 3;\nSELECT count(*) FROM orders WHERE is_deleted;");
    await page.type("#dry-schema", "CREATE TABLE orders (id int PRIMARY KEY, is_deleted boolean NOT NULL DEFAULT false);");
    await page.type("#dry-seed", "INSERT INTO orders (id) SELECT generate_series(1, 10);");
    const started = Date.now();
    await page.click("#dry-run");
    await page.waitForFunction(`["done", "failed"].includes(document.getElementById("dry-status").dataset.state)`, { timeout: 120_000 });
    console.log(`playground-browser: dry run done ${((Date.now() - started) / 1000).toFixed(1)} s after the click (PGlite loaded and started in the page)`);
    assert.is(await page.$eval("#dry-status", (el) => el.getAttribute("data-state")), "done", await page.$eval("#dry-status", (el) => el.textContent ?? ""));
    const update = await page.$('#dry-results li.dry-statement[data-command="UPDATE"]');
    assert.ok(update, "the UPDATE is listed");
    assert.is(await update!.$eval(".rows", (el) => el.textContent), "3 rows");
    assert.is(await update!.$eval("li.change", (el) => el.textContent), "orders: 3 updated (30% of its 10 rows)");
    assert.ok(await update!.$('li.lock[data-relation="orders"][data-mode="RowExclusiveLock"]'), "the lock the UPDATE took on orders");
    // the script's second statement sees the first one's change (one transaction), and nothing was kept
    assert.is(await page.$eval('#dry-results li.dry-statement[data-command="SELECT"] .rows', (el) => el.textContent), "1 row");
    assert.match(await page.$eval("#dry-status", (el) => el.textContent ?? ""), /Rolled back/);
    assert.equal(problems, [], "no request beyond the folder, no console error");
    await page.close();
  });

  test("the config panel: controls write the JSON, the rules follow, and errors are the command line's", async () => {
    const { page, problems } = await open();
    await waitForFindings(page, ["ambiguous-statement-split 6:1"]);

    await page.select("#sev-ambiguous-statement-split", "warn");
    await page.waitForFunction(`document.getElementById("config-json").value.includes('"ambiguous-statement-split": "warn"')`);
    await page.waitForSelector('li.finding[data-rule="ambiguous-statement-split"][data-severity="warning"]');
    await page.select("#sev-ambiguous-statement-split", "off");
    await waitForFindings(page, []);

    // A migration tool for every file: CREATE INDEX without CONCURRENTLY is now a finding.
    await page.select("#migration-tool", "flyway");
    await replaceText(page, "sql", "CREATE INDEX orders_status_idx ON orders (status);");
    await page.waitForSelector('li.finding[data-rule="require-concurrent-index"]', { timeout: 15_000 });

    // Errors: what the CLI prints for the same sqlguard.config.json.
    const dir = tempDir({ "a.sql": "SELECT 1;\n" });
    const cliError = async (json: string): Promise<string> => {
      writeFileSync(path.join(dir, "sqlguard.config.json"), json);
      const run = await cli(["a.sql"], { cwd: dir });
      assert.is(run.code, 2);
      return run.stderr.trim().replace(/^sqlguard: invalid configuration: /, "");
    };
    const panelError = (): Promise<string> => page.$eval("#config-error strong", (el) => el.textContent ?? "");

    await page.click("#pg-version", { count: 3 });
    await page.keyboard.type("100");
    await page.keyboard.press("Tab");
    await page.waitForSelector("#config-error:not([hidden])");
    const json = await value(page, "#config-json");
    assert.match(json, /"postgresVersion": 100/);
    assert.is(await panelError(), await cliError(json));
    assert.ok(await page.$('li.finding[data-rule="require-concurrent-index"]'), "the last valid config still lints");

    await page.click("#config-json");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.type('{"rules": {"require-where": "on"}}');
    await page.waitForFunction(`document.querySelector("#config-error strong")?.textContent.includes("require-where")`);
    assert.is(await panelError(), await cliError('{"rules": {"require-where": "on"}}'));

    await page.keyboard.press("Backspace"); // `{"rules": {"require-where": "on"}`: not JSON any more
    await page.waitForFunction(`document.querySelector("#config-error strong")?.textContent.includes("not valid JSON")`);
    assert.is(await panelError(), await cliError('{"rules": {"require-where": "on"}'));
    assert.ok(await page.evaluate(`document.getElementById("config-controls").disabled`), "the controls wait for valid JSON");

    rmSync(dir, { recursive: true, force: true });
    assert.equal(problems, []);
    await page.close();
  });

  test("a link reproduces the page: both files, the config and the open tab; a damaged one says so", async () => {
    const { page, problems } = await open();
    await waitForFindings(page, ["ambiguous-statement-split 6:1"]);
    await replaceText(page, "sql", "DELETE FROM orders;");
    await page.select("#sev-require-where", "warn");
    await page.click("#tab-ts");
    await page.waitForSelector('#tab-ts[aria-selected="true"]');
    await page.waitForSelector('li.finding[data-rule="require-where"][data-severity="warning"]'); // orders.ts: the lost WHERE
    const shown = await findings(page);
    const config = await value(page, "#config-json");
    await page.waitForFunction(`location.hash.startsWith("#v1=")`);
    await page.click("#copy-link"); // writes the latest state at once
    await page.waitForFunction(`document.getElementById("flash").textContent !== ""`);
    const link = page.url();
    await page.close();

    const again = await open(link.slice(link.indexOf("#")));
    assert.is(await again.page.$eval('[role="tab"][aria-selected="true"]', (el) => el.id), "tab-ts");
    await waitForFindings(again.page, shown);
    assert.equal(await editorLines(again.page, "sql"), ["DELETE FROM orders;"]);
    assert.is(await value(again.page, "#config-json"), config);
    assert.is(await value(again.page, "#sev-require-where"), "warn");
    await again.page.close();

    const damaged = await open("#v1=AAAA");
    assert.match(await damaged.page.$eval("#notice", (el) => el.textContent ?? ""), /This link could not be opened: the link is damaged/);
    await waitForFindings(damaged.page, ["ambiguous-statement-split 6:1"]);
    await damaged.page.close();

    assert.equal([...problems, ...again.problems, ...damaged.problems], []);
  });
}

test.run();
