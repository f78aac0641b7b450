/**
 * --format html, read as text: every problem with its frame, help, related locations and docs
 * link; everything escaped (file names, messages and code lines that hold markup); nothing loaded
 * from anywhere; the same bytes for the same results. test/html-browser.test.ts opens it in
 * Chromium; test/redaction.test.ts runs it with every other format.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules } from "../rules/index.js";
import { docsUrl } from "../src/engine/rule.js";
import type { FileResult } from "../src/engine/types.js";
import { escapeHtml, html } from "../src/report/html.js";
import { displayPath } from "../src/report/paths.js";
import { lint, root } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("format html");

interface JsonFile {
  filePath: string;
  messages: { ruleId: string | null; severity: 1 | 2; message: string; line: number; column: number; help?: string; related?: { message: string; line: number; column: number }[] }[];
}

/** The page's text as a reader gets it: tags dropped, entities decoded. */
function text(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);
}

/** Every tag name in the page. */
function tags(page: string): Set<string> {
  return new Set([...page.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()));
}

const ALLOWED_TAGS = new Set(
  "html head meta link title style body header h1 small dl div dt dd code table caption thead tbody tr th td form fieldset legend label input select option button p main details summary h2 span ol li a mark pre ul b footer noscript script".split(" "),
);

const report = (results: FileResult[]) => html(results, { cwd: root, color: false, rules: builtinRules });

test("the examples: every problem, with its location, rule, docs link, frame, help and related locations", async () => {
  const page = await cli(["--format", "html", "examples"], { cwd: root });
  const json = await cli(["--format", "json", "examples"], { cwd: root });
  assert.is(page.code, 1);
  assert.is(page.stderr, "");
  const files = JSON.parse(json.stdout) as JsonFile[];
  const messages = files.flatMap((f) => f.messages.map((m) => ({ ...m, file: path.relative(root, f.filePath) })));
  assert.ok(messages.length >= 9, "the examples have their findings");
  const out = page.stdout;
  assert.is(out.match(/<li class="finding /g)?.length, messages.length);
  const shown = text(out);
  for (const m of messages) {
    assert.ok(shown.includes(m.message), m.message);
    if (m.help) assert.ok(shown.includes(`help: ${m.help}`), m.help);
    for (const r of m.related ?? []) assert.ok(shown.includes(`note ${r.line}:${r.column} ${r.message}`), r.message);
    assert.ok(out.includes(`<a class="rule" href="${docsUrl(m.ruleId!)}"`), m.ruleId!);
  }
  // every file with a finding has its section (a clean one, such as a dry-run script, has none)
  for (const f of files.filter((x) => x.messages.length > 0)) assert.ok(out.includes(`data-path="${path.relative(root, f.filePath)}"`), f.filePath);
  // the summary
  const errors = messages.filter((m) => m.severity === 2).length;
  assert.match(out, new RegExp(`<dt>Errors</dt><dd>${errors}</dd>`));
  assert.match(out, new RegExp(`<dt>Warnings</dt><dd>${messages.length - errors}</dd>`));
  assert.match(out, new RegExp(`<dt>Files</dt><dd>${files.length} `));
  // a code frame: the marked range of the blank-line story, and the line before it
  assert.match(out, /<span class="row"><span class="ln">5<\/span>SET is_deleted = true<\/span><span class="row hit"><span class="ln">6<\/span><mark class="point"/);
  assert.match(out, /<span class="ln">2<\/span><mark>DELETE FROM orders<\/mark>;/);
  // the filters, hidden until the script shows them
  assert.match(out, /<form id="filters" hidden /);
  for (const id of new Set(messages.map((m) => m.ruleId!))) assert.ok(out.includes(`<option value="${id}">${id} (`), id);
});

test("self-contained: nothing is loaded from anywhere, and the page's policy allows only its own style and script", async () => {
  const out = (await cli(["--format", "html", "examples"], { cwd: root })).stdout;
  assert.not.match(out, /\ssrc=/i);
  assert.not.match(out, /@import|url\(/i);
  for (const m of out.matchAll(/<(\w+)[^>]*\shref="([^"]*)"/g)) {
    const [, tag, href] = m;
    if (tag === "link") assert.is(href, "data:,", "the only link element stops the favicon request");
    else assert.ok(tag === "a" && (href!.startsWith("#") || href!.startsWith("https://github.com/sqlguard/sqlguard/")), `${tag} ${href}`);
  }
  const style = /<style>([\s\S]*?)<\/style>/.exec(out)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(out)![1]!;
  const sha = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(out)![1]!;
  assert.ok(csp.startsWith("default-src 'none';"), csp);
  assert.ok(csp.includes(`style-src ${sha(style)};`), "style hash");
  assert.ok(csp.includes(`script-src ${sha(script)};`), "script hash");
  assert.ok(out.indexOf("Content-Security-Policy") < out.indexOf("<style>"), "the policy comes before anything it governs");
  assert.is(out.match(/<script/g)!.length, 1);
});

test("deterministic: the same results give the same bytes, with no absolute path", async () => {
  const a = (await cli(["--format", "html", "examples"], { cwd: root })).stdout;
  const b = (await cli(["--format", "html", "examples"], { cwd: root })).stdout;
  assert.is(a, b);
  assert.not.ok(a.includes(root), "paths are relative to the working folder");
});

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>${alert(3)}"\'&amp;';

test("escaped: a file name, a message and a code line full of markup are shown as text and inject nothing", () => {
  const sql = `DELETE FROM "${HOSTILE.replace(/"/g, '""')}";\nDELETE FROM t; -- ${HOSTILE}\n`;
  const result = lint(sql, { filePath: `x${HOSTILE}.sql` });
  assert.ok(result.messages.some((m) => m.ruleId === "require-where"));
  const out = report([result]);
  assert.equal([...tags(out)].filter((t) => !ALLOWED_TAGS.has(t)), [], "no tag from the input");
  assert.is(out.match(/<script/g)!.length, 1, "one script: the page's own");
  assert.is(out.match(/<\/script/g)!.length, 1);
  for (const [tag] of out.matchAll(/<[a-zA-Z][^>]*>/g)) assert.not.match(tag.replace(/"[^"]*"/g, '""'), /\son\w+=/i, `no event handler attribute: ${tag}`);
  assert.not.match(out, /<img/i);
  const script = (page: string) => /<script>([\s\S]*?)<\/script>/.exec(page)![1];
  assert.is(script(out), script(report([lint("SELECT 1;\n")])), "the script holds no data: the same whatever the input");
  assert.not.ok(script(out)!.includes("${"), "and no template a value could be pasted into");
  const shown = text(out);
  assert.ok(shown.includes(displayPath(result.filePath, root)), "the file name is shown as written (quoted as git quotes it: it holds a double quote)");
  assert.ok(shown.includes(`-- ${HOSTILE}`), "the code line is shown as written");
  const message = result.messages.find((m) => m.ruleId === "require-where" && m.line === 1)!.message;
  assert.ok(message.includes("<img"), message);
  assert.ok(shown.includes(message), "the message is shown as written");
});

test("control and bidirectional-override characters are shown as visible marks, not applied", () => {
  const result = lint("DELETE FROM t; -- \u202e}; nimda_si ;\u0007\n", { filePath: "trojan\u202egpj.sql" });
  const out = report([result]);
  assert.not.ok(out.includes("\u202e"), "no raw RLO");
  assert.not.ok(out.includes("\u0007"), "no raw BEL");
  assert.match(out, /<span class="cc" title="U\+202E">U\+202E<\/span>/);
  assert.match(out, /<span class="cc" title="U\+0007">U\+0007<\/span>/);
  assert.is(escapeHtml("a\ud800b"), 'a<span class="cc" title="U+D800">U+D800</span>b', "a lone surrogate too");
  assert.match(out, /data-path="trojan\uFFFDgpj\.sql"/, "attributes get U+FFFD, never markup");
});

test("a long line shows a window around the range, and the masked password stays masked", () => {
  const line = `export const config = { ${"name: 'shop', ".repeat(20)}url: "postgres://app:Hx1-long@db.prod.acme.com/app", ${"retries: 3, ".repeat(20)}};\n`;
  const out = report([lint(line, { filePath: "long.ts" })]);
  assert.not.ok(out.includes("Hx1-long"));
  assert.match(out, /…[^<]*<mark>postgres:\/\/app:\*\*\*\*@db\.prod\.acme\.com\/app<\/mark>[^<]*…<\/span>/);
});

test("no problems: a summary that says so, and no filters", () => {
  const out = report([lint("SELECT 1;\n", { filePath: "ok.sql" })]);
  assert.match(out, /<p class="none">No problems in 1 file\.<\/p>/);
  assert.not.match(out, /id="filters"/);
  assert.match(out, /<title>sqlguard: no problems<\/title>/);
});

test("problems with a file itself (no rule) have a filter value of their own and no docs link", () => {
  const result = lint("-- sqlguard-disable-next-line require-where\nSELECT 1;\n", { filePath: "unused.sql" });
  const out = report([result]);
  assert.match(out, /data-rule="-"/);
  assert.match(out, /<option value="-">sqlguard \(the file itself\) \(1\)<\/option>/);
});

test.run();
