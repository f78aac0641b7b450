/**
 * --format html in a real browser: `sqlguard --format html examples` opened from file:// in
 * headless Chromium shows every finding of the examples, the severity, rule and text filters work
 * from the keyboard, every finding is shown without JavaScript, a report full of markup runs
 * nothing, and the page makes no request but for itself (any other one fails the test).
 *
 * The browser is the one installed on the machine (Debian's chromium; $CHROMIUM_PATH to use
 * another), driven by puppeteer-core, which never downloads one. With no browser installed the
 * test is skipped with a message; `.ci/run` installs chromium first. Screenshots (light and dark)
 * are written to a temporary folder, named on the output (look at them when the design changes).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules } from "../rules/index.js";
import { html } from "../src/report/html.js";
import { lint, root, skip } from "./helpers.js";
import { cli } from "./in-process.js";
import { chromiumPath, DEFAULT_CHROMIUM, launchChromium } from "./browser.js";

const test = suite("format html in Chromium");

interface Shown {
  file: string;
  loc: string;
  severity: string;
  rule: string;
  message: string;
  frame: boolean;
}

interface JsonFile {
  filePath: string;
  messages: { ruleId: string | null; severity: 1 | 2; message: string; line: number; column: number }[];
}

const executablePath = chromiumPath();

if (!executablePath) {
  skip(
    test,
    "--format html opens in Chromium with every finding, and its filters work",
    `no Chromium at ${DEFAULT_CHROMIUM} (install Debian's chromium, as .ci/run does, or set CHROMIUM_PATH)`,
  );
} else {
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  const work = mkdtempSync(path.join(os.tmpdir(), "sqlguard-html-report-"));
  /** SQLGUARD_KEEP_SCREENSHOTS=1 keeps the report and its screenshots to look at; else they go with the run. */
  const keep = Boolean(process.env.SQLGUARD_KEEP_SCREENSHOTS);

  let report: string;
  let expected: Shown[];

  /** `sqlguard --format html examples`, in-process, and the findings its JSON lists. */
  async function examples(): Promise<void> {
    const run = await cli(["--format", "html", "examples"], { cwd: root });
    assert.is(run.code, 1, run.stderr);
    report = run.stdout;
    const json = JSON.parse((await cli(["--format", "json", "examples"], { cwd: root })).stdout) as JsonFile[];
    expected = json.flatMap((f) =>
      f.messages.map((m) => ({
        file: path.relative(root, f.filePath),
        loc: `${m.line}:${m.column}`,
        severity: m.severity === 2 ? "error" : "warning",
        rule: m.ruleId ?? "-",
        message: m.message,
        frame: true,
      })),
    );
  }

  async function launch(): Promise<void> {
    ({ browser, close: closeBrowser } = await launchChromium(executablePath!));
  }

  // The browser starts while the CLI lints (both take a second or so; two cores).
  test.before(async () => {
    await Promise.all([launch(), examples()]);
  });

  test.after(async () => {
    await closeBrowser?.();
    if (!keep) rmSync(work, { recursive: true, force: true });
  });

  /** A page that fails on any request but the report's own, any console error, any dialog. */
  async function open(file: string, options: { javaScript?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
    const url = pathToFileURL(file).href;
    const page = await browser.newPage();
    const problems: string[] = [];
    await page.setJavaScriptEnabled(options.javaScript ?? true);
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.url() === url) void request.continue();
      else {
        problems.push(`request: ${request.url()}`);
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
    await page.setViewport({ width: 1100, height: 900 });
    const response = await page.goto(url, { waitUntil: "load" });
    assert.ok(response?.ok(), `${url} loaded`);
    return { page, problems };
  }

  const shown = (page: Page): Promise<Shown[]> =>
    page.$$eval("li.finding", (items) =>
      items
        .filter((el) => el.checkVisibility())
        .map((el) => ({
          file: el.closest("details.file")!.getAttribute("data-path")!,
          loc: el.querySelector(".loc")!.textContent!,
          severity: el.getAttribute("data-severity")!,
          rule: el.getAttribute("data-rule")!,
          message: el.querySelector(".msg")!.textContent!,
          frame: el.querySelector("pre.frame")?.checkVisibility() ?? false,
        })),
    );

  const status = (page: Page) => page.$eval("#shown", (el) => el.textContent);

  test("sqlguard --format html examples: every finding shown, filters by severity, rule and text, no request", async () => {
    const file = path.join(work, "report.html");
    writeFileSync(file, report);
    const { page, problems } = await open(file);

    const all = await shown(page);
    assert.equal(all, expected, "every finding of the examples, in order, each with its code frame");
    assert.is(await status(page), `Showing all ${expected.length} problems`);
    assert.ok(await page.$eval("#filters", (el) => el.checkVisibility()), "the script shows the filters");

    // Severity, from the keyboard: Space on the focused "Errors" checkbox.
    await page.focus("#sev-error");
    await page.keyboard.press("Space");
    const warnings = expected.filter((e) => e.severity === "warning");
    assert.equal(await shown(page), warnings, "errors hidden");
    assert.is(await status(page), `Showing ${warnings.length} of ${expected.length} problems`);
    const visibleFiles = await page.$$eval("details.file", (els) => els.filter((el) => el.checkVisibility()).map((el) => el.getAttribute("data-path")));
    assert.equal(visibleFiles, [...new Set(warnings.map((w) => w.file))], "a file with nothing left to show is hidden");
    await page.keyboard.press("Space");
    assert.equal(await shown(page), expected, "errors back");

    // Rule: the select, from the keyboard too (focus, then type the option's first letters).
    await page.select("#rule", "require-where");
    const requireWhere = expected.filter((e) => e.rule === "require-where");
    assert.ok(requireWhere.length >= 2);
    assert.equal(await shown(page), requireWhere);

    // Text, typed: narrows within the rule.
    await page.focus("#text");
    await page.keyboard.type("customers");
    assert.equal(
      await shown(page),
      requireWhere.filter((e) => /customers/.test(e.message)),
    );

    // Severity and rule together: warnings of require-where: none.
    await page.click("#sev-error");
    assert.equal(await shown(page), []);
    assert.is(await status(page), `Showing 0 of ${expected.length} problems`);

    // "Show all" resets every filter.
    await page.click("button[type=reset]");
    await page.waitForFunction(`document.getElementById("shown").textContent === "Showing all ${expected.length} problems"`);
    assert.equal(await shown(page), expected);

    await page.screenshot({ path: path.join(work, "report-light.png"), fullPage: true });
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
    await page.screenshot({ path: path.join(work, "report-dark.png") }); // the first screen is enough to judge the colours
    if (keep) console.log(`html-browser: report and screenshots in ${work}`);

    assert.equal(problems, [], "no request but the page itself, no console error, no dialog");
    await page.close();

    // Without JavaScript: every finding is shown, and the filters (which need it) are not.
    const noJs = await open(file, { javaScript: false });
    assert.equal(await shown(noJs.page), expected);
    assert.not.ok(await noJs.page.$eval("#filters", (el) => el.checkVisibility()));
    assert.equal(noJs.problems, []);
    await noJs.page.close();
  });

  test("a report whose file name, message and code are markup runs none of it", async () => {
    const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>${alert(4)}';
    const result = lint(`DELETE FROM "${hostile}";\nDELETE FROM t; -- ${hostile}\n`, { filePath: `x${hostile}.sql` });
    const file = path.join(work, "hostile.html");
    writeFileSync(file, html([result], { cwd: root, color: false, rules: builtinRules }));
    const { page, problems } = await open(file);
    assert.is(await page.$$eval("img, svg, iframe, object, embed", (els) => els.length), 0, "no element from the input");
    assert.is(await page.$$eval("script", (els) => els.length), 1, "the page's own script only");
    assert.is((await shown(page)).length, result.messages.length);
    const text = await page.$eval("main", (el) => el.textContent!);
    assert.ok(text.includes(`-- ${hostile}`), "the code is shown as written");
    assert.equal(problems, [], "no dialog, no request, no error");
    await page.close();
  });
}

test.run();
