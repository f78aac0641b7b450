/**
 * `--format html`: one self-contained page for people (a CI artifact, a file opened from disk):
 * the summary, the problems grouped by file with code frames, the help line, related locations
 * and each rule's documentation, and filters by severity, rule and text.
 *
 * - Self-contained: the CSS and the script are inline; nothing is loaded from anywhere (no fonts,
 *   images, CDN). A Content-Security-Policy in the page says so to the browser too: it allows
 *   exactly this style sheet and this script (by hash) and nothing else, so even text that got
 *   past the escaping could neither run nor fetch anything.
 * - Safe: every piece of text (file names, messages, code lines) is HTML-escaped; the script
 *   holds no data (it reads the page), so no text ever lands inside a script. Control and
 *   bidirectional-override characters are shown as visible marks, so a line cannot pretend to
 *   be another. Like every reporter it reads only the results: messages and frame lines there
 *   already have secrets replaced by `****`; fix texts are never printed.
 * - Works without JavaScript: every problem is shown, and the filters (which need it) stay hidden.
 * - Deterministic: the same results give the same bytes (no time, no absolute paths).
 */
import { createHash } from "node:crypto";
import { docsUrl, type Rule } from "../engine/rule.js";
import type { Diagnostic, FileResult, Location } from "../engine/types.js";
import { VERSION } from "../version.js";
import { originalLength, shiftColumn } from "./frame.js";
import { displayPath } from "./paths.js";
import type { ReportContext } from "./types.js";
import { plural } from "../util/plural.js";

/** Characters shown of a long line: a window around the marked range. */
const WINDOW = 160;
/** The filter value of problems that belong to no rule (a rule id is never `-`). */
const NO_RULE = "-";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Characters that must not reach the page as they are: C0/C1 controls but tab and line feed,
 * bidirectional controls (a "Trojan Source" line would read as another), and lone surrogates.
 */
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escaped text; hidden characters become a visible mark naming them. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(HIDDEN, (c) => {
    const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    return `<span class="cc" title="${code}">${code}</span>`;
  });
}

/** Attribute values: escaped, and never markup (hidden characters become U+FFFD). */
function attr(s: string): string {
  return s.replace(HIDDEN, "\uFFFD").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}


const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--dim:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--err:#c21a1a;--err-bg:#ffebe9;--warn:#8a5a00;--warn-bg:#fff8c5;--hit:#fff5f4;--hit-warn:#fffbe0;--mark:#ffc9c2;--mark-warn:#fde68a;--link:#0550ae;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--dim:#9198a1;--line:#3d444d;--panel:#151b23;--err:#ff7b72;--err-bg:#3c1618;--warn:#e3b341;--warn-bg:#37290b;--hit:#25171a;--hit-warn:#272010;--mark:#7d2d2d;--mark-warn:#6b5310;--link:#79c0ff;--focus:#58a6ff}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main,header,#filters{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.25rem}
h1{font-size:1.5rem;margin:0 0 .75rem}
h1 small{font-size:.9rem;font-weight:normal;color:var(--dim)}
a{color:var(--link)}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
code,pre,.path,.loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
.stats{display:flex;flex-wrap:wrap;gap:.75rem;margin:0 0 1rem;padding:0}
.stats div{border:1px solid var(--line);border-radius:6px;padding:.4rem .9rem;min-width:8rem;background:var(--panel)}
.stats dt{color:var(--dim);font-size:.85rem}
.stats dd{margin:0;font-size:1.4rem;font-weight:600}
.stats dd small{font-size:.8rem;font-weight:normal;color:var(--dim)}
.stats .e dd{color:var(--err)}.stats .w dd{color:var(--warn)}
table{border-collapse:collapse;margin:0 0 1rem;width:100%}
caption{text-align:left;font-weight:600;padding-bottom:.25rem}
th,td{text-align:left;border-bottom:1px solid var(--line);padding:.3rem .6rem .3rem 0;vertical-align:top}
table.rules td:first-child{white-space:nowrap}
@media (max-width:40rem){table.rules th:last-child,table.rules td:last-child{display:none}}
@media (min-width:40rem){#filters{position:sticky;top:0;z-index:1}}
td.n,th.n{text-align:right;padding-right:1rem;white-space:nowrap}
#filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;background:var(--bg);border-bottom:1px solid var(--line);padding-top:.5rem;padding-bottom:.5rem}
#filters fieldset{border:0;margin:0;padding:0;display:flex;gap:.75rem;align-items:center}
#filters legend{float:left;margin-right:.5rem;color:var(--dim)}
#filters label{white-space:nowrap}
#filters select,#filters input[type=search],#filters button{font:inherit;color:inherit;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.15rem .4rem}
#filters input[type=search]{width:11rem}
#shown{color:var(--dim);margin:0 0 0 auto}
.finding,details.file{scroll-margin-top:4rem}
.none{font-size:1.1rem}
details.file{margin:1rem 0;border:1px solid var(--line);border-radius:6px}
details.file>summary{cursor:pointer;padding:.5rem .75rem;background:var(--panel);border-radius:6px 6px 0 0;list-style-position:inside}
details.file>summary h2{display:inline;font-size:1rem;margin:0}
.counts{color:var(--dim);font-size:.9rem;margin-left:.5rem}
ol.findings{list-style:none;margin:0;padding:0}
.finding{padding:.6rem .75rem;border-top:1px solid var(--line)}
.finding .head{display:flex;flex-wrap:wrap;gap:.1rem .6rem;align-items:baseline}
.sev{font-size:.8rem;font-weight:600;border-radius:1rem;padding:0 .5rem}
.error .sev{color:var(--err);background:var(--err-bg)}
.warning .sev{color:var(--warn);background:var(--warn-bg)}
.loc{color:var(--dim);text-decoration:none}
.loc:hover{text-decoration:underline}
.msg{flex:1 1 20rem;overflow-wrap:anywhere;white-space:pre-wrap}
.tag{font-size:.8rem;color:var(--dim);border:1px solid var(--line);border-radius:1rem;padding:0 .45rem}
pre.frame{margin:.4rem 0 0;padding:.35rem 0;background:var(--panel);border-radius:6px;overflow-x:auto;tab-size:4;line-height:1.45}
pre.frame .row{display:block;padding:0 .75rem 0 0;min-width:max-content}
pre.frame .ln{display:inline-block;min-width:3.5rem;padding-right:.75rem;text-align:right;color:var(--dim);user-select:none}
pre.frame .hit .ln{font-weight:600;color:var(--fg)}
.error .hit{background:var(--hit)}
.warning .hit{background:var(--hit-warn)}
.notes .row.hit{background:none}
.notes .row.hit .ln{font-weight:normal;color:var(--dim)}
.notes mark,.error .notes mark,.warning .notes mark{background:none;box-shadow:0 2px 0 var(--dim)}
mark{color:inherit;border-radius:2px}
.error mark{background:var(--mark);box-shadow:0 2px 0 var(--err)}
.warning mark{background:var(--mark-warn);box-shadow:0 2px 0 var(--warn)}
mark.point{display:inline-block;width:.5ch;height:1.2em;vertical-align:text-bottom}
.cc{font-size:.75em;border:1px solid currentColor;border-radius:3px;padding:0 .15em;color:var(--err)}
ul.notes{margin:.4rem 0 0;padding:0 0 0 1rem;list-style:none}
ul.notes li{margin:.15rem 0}
ul.notes pre.frame{margin-top:.15rem}
.note,.help b{font-weight:600;color:var(--link)}
.help{margin:.4rem 0 0;overflow-wrap:anywhere}
footer{max-width:72rem;margin:2rem auto;padding:0 1rem;color:var(--dim);font-size:.85rem}
`.trim();

/**
 * The filters. It holds no data: it reads what the page says (data-severity and data-rule on each
 * problem) and only ever sets `hidden` and the status line's text.
 */
const SCRIPT = `
(() => {
  const form = document.getElementById("filters");
  if (!form) return;
  const status = document.getElementById("shown");
  const severities = [...form.querySelectorAll("input[name=severity]")];
  const rule = form.elements.namedItem("rule");
  const text = form.elements.namedItem("text");
  const files = [...document.querySelectorAll("details.file")];
  const items = files.flatMap((file) =>
    [...file.querySelectorAll("li.finding")].map((el) => ({ el, haystack: (file.dataset.path + "\\n" + el.textContent).toLowerCase() })),
  );
  const apply = () => {
    const wanted = new Set(severities.filter((c) => c.checked).map((c) => c.value));
    const words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const { el, haystack } of items) {
      const show = wanted.has(el.dataset.severity) && (rule.value === "" || el.dataset.rule === rule.value) && words.every((w) => haystack.includes(w));
      el.hidden = !show;
      if (show) shown++;
    }
    for (const file of files) file.hidden = !file.querySelector("li.finding:not([hidden])");
    status.textContent = shown === items.length ? "Showing all " + items.length + " problems" : "Showing " + shown + " of " + items.length + " problems";
  };
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", () => setTimeout(apply));
  form.addEventListener("submit", (e) => e.preventDefault());
  form.hidden = false;
  apply();
})();
`.trim();

const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
const CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

interface Row {
  line: number;
  html: string;
  hit: boolean;
}

/** A line clipped to the window, as HTML, with the masked-text range [from, to) (0-based) marked. */
function markedLine(text: string, from: number, to: number): string {
  let offset = 0;
  let end = text.length;
  if (text.length > WINDOW) {
    offset = Math.max(0, Math.min(from - 20, text.length - WINDOW));
    end = offset + WINDOW;
  }
  const a = Math.min(Math.max(from, offset), end);
  const b = Math.min(Math.max(to, a), end);
  const mark = b > a ? `<mark>${escapeHtml(text.slice(a, b))}</mark>` : `<mark class="point" title="here"></mark>`;
  return (offset > 0 ? "…" : "") + escapeHtml(text.slice(offset, a)) + mark + escapeHtml(text.slice(b, end)) + (end < text.length ? "…" : "");
}

function plainLine(text: string): string {
  return text.length > WINDOW ? escapeHtml(text.slice(0, WINDOW)) + "…" : escapeHtml(text);
}

/** The row of one line of the file: marked where `at` covers it, plain otherwise. */
function row(r: FileResult, line: number, at: Location | null): Row | null {
  const text = r.lines[line];
  if (text === undefined) return null;
  if (!at || line < at.line || line > at.endLine) return { line, html: plainLine(text), hit: false };
  const spans = r.redacted?.[line] ?? [];
  const from = line === at.line ? at.column : 1;
  const to = line === at.endLine ? at.endColumn : originalLength(text, spans) + 1;
  const a = shiftColumn(from, spans) - 1;
  return { line, html: markedLine(text, a, Math.max(a, shiftColumn(to, spans) - 1)), hit: true };
}

function frame(rows: (Row | null)[]): string {
  const shown = rows.filter((x): x is Row => x !== null).sort((x, y) => x.line - y.line);
  if (shown.length === 0) return "";
  const out: string[] = [];
  let last = 0;
  for (const x of shown) {
    if (x.line === last) continue;
    if (last && x.line > last + 1) out.push(`<span class="row"><span class="ln">⋮</span></span>`);
    out.push(`<span class="row${x.hit ? " hit" : ""}"><span class="ln">${x.line}</span>${x.html}</span>`);
    last = x.line;
  }
  return `<pre class="frame"><code>${out.join("")}</code></pre>`;
}

/** The frame of a problem: a line of context on each side of its range (the lines the engine kept). */
function problemFrame(m: Diagnostic, r: FileResult): string {
  const rows: (Row | null)[] = [row(r, m.line - 1, null)];
  for (let line = m.line; line <= m.endLine; line++) if (line in r.lines) rows.push(row(r, line, m));
  rows.push(row(r, m.endLine + 1, null));
  return frame(rows);
}

function ruleFilterValue(m: Diagnostic): string {
  return m.ruleId ?? NO_RULE;
}

function ruleLink(id: string, rules: Map<string, Rule>): string {
  const rule = rules.get(id);
  if (!rule) return `<code>${escapeHtml(id)}</code>`;
  return `<a class="rule" href="${attr(docsUrl(id))}" title="${attr(rule.description)}"><code>${escapeHtml(id)}</code></a>`;
}

function finding(m: Diagnostic, r: FileResult, id: string, rules: Map<string, Rule>): string {
  const severity = m.severity === 2 ? "error" : "warning";
  const parts: string[] = [];
  parts.push(
    `<li class="finding ${severity}" id="${id}" data-severity="${severity}" data-rule="${attr(ruleFilterValue(m))}">`,
    `<div class="head"><span class="sev">${severity}</span>`,
    `<a class="loc" href="#${id}">${m.line}:${m.column}</a>`,
    `<span class="msg">${escapeHtml(m.message)}</span>`,
  );
  if (m.fix) parts.push(`<span class="tag" title="sqlguard --fix fixes it">fixable</span>`);
  else if (m.suggestions?.length) parts.push(`<span class="tag" title="an editor with the ESLint plugin offers the change">suggestion</span>`);
  parts.push(m.ruleId ? ruleLink(m.ruleId, rules) : `<span class="tag">sqlguard</span>`, `</div>`);
  parts.push(problemFrame(m, r));
  if (m.related?.length) {
    parts.push(`<ul class="notes">`);
    for (const rel of m.related) {
      parts.push(`<li><span class="note">note</span> <span class="loc">${rel.line}:${rel.column}</span> ${escapeHtml(rel.message)}${frame([row(r, rel.line, rel)])}</li>`);
    }
    parts.push(`</ul>`);
  }
  if (m.help) parts.push(`<p class="help"><b>help:</b> ${escapeHtml(m.help)}</p>`);
  parts.push(`</li>`);
  return parts.join("");
}

function counts(errors: number, warnings: number): string {
  return [errors ? plural(errors, "error") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean).join(", ");
}

export function html(results: FileResult[], context: ReportContext): string {
  const rules = new Map(context.rules.map((r) => [r.id, r]));
  let errors = 0;
  let warnings = 0;
  let fixable = 0;
  let filesWithProblems = 0;
  // per rule filter value: [errors, warnings]
  const byRule = new Map<string, [number, number]>();
  const sections: string[] = [];
  results.forEach((r, i) => {
    if (r.messages.length === 0) return;
    filesWithProblems++;
    errors += r.errorCount;
    warnings += r.warningCount;
    fixable += r.fixableErrorCount + r.fixableWarningCount;
    const file = displayPath(r.filePath, context.cwd);
    const items = r.messages.map((m, j) => {
      const key = ruleFilterValue(m);
      const n = byRule.get(key) ?? [0, 0];
      n[m.severity === 2 ? 0 : 1]++;
      byRule.set(key, n);
      return finding(m, r, `p${i + 1}-${j + 1}`, rules);
    });
    sections.push(
      `<details class="file" open id="f${i + 1}" data-path="${attr(file)}">` +
        `<summary><h2 class="path">${escapeHtml(file)}</h2><span class="counts">${counts(r.errorCount, r.warningCount)}</span></summary>` +
        `<ol class="findings">${items.join("\n")}</ol></details>`,
    );
  });
  const total = errors + warnings;
  const ruleIds = [...byRule.keys()].sort((a, b) => (a === NO_RULE ? 1 : b === NO_RULE ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const ruleName = (id: string) => (id === NO_RULE ? "sqlguard (the file itself)" : id);

  const out: string[] = [];
  out.push(
    `<!doctype html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="color-scheme" content="light dark">`,
    `<meta name="generator" content="sqlguard ${attr(VERSION)}">`,
    `<link rel="icon" href="data:,">`,
    `<title>sqlguard: ${total === 0 ? "no problems" : `${plural(errors, "error")}, ${plural(warnings, "warning")}`}</title>`,
    `<style>${STYLE}</style>`,
    `</head>`,
    `<body>`,
    `<header>`,
    `<h1>sqlguard report <small>sqlguard ${escapeHtml(VERSION)}</small></h1>`,
    `<dl class="stats">`,
    `<div><dt>Files</dt><dd>${results.length} <small>${filesWithProblems} with problems</small></dd></div>`,
    `<div class="e"><dt>Errors</dt><dd>${errors}</dd></div>`,
    `<div class="w"><dt>Warnings</dt><dd>${warnings}</dd></div>`,
    `<div><dt>Fixable</dt><dd>${fixable} <small>with <code>--fix</code></small></dd></div>`,
    `</dl>`,
  );
  if (total > 0) {
    out.push(
      `<table class="rules"><caption>Problems by rule</caption>`,
      `<thead><tr><th scope="col">Rule</th><th scope="col" class="n">Errors</th><th scope="col" class="n">Warnings</th><th scope="col">What it catches</th></tr></thead><tbody>`,
    );
    for (const id of ruleIds) {
      const [e, w] = byRule.get(id)!;
      const what = id === NO_RULE ? "problems with a file itself (unreadable, not text, a directive that suppresses nothing…)" : (rules.get(id)?.description ?? "");
      out.push(`<tr><td>${id === NO_RULE ? escapeHtml(ruleName(id)) : ruleLink(id, rules)}</td><td class="n">${e}</td><td class="n">${w}</td><td>${escapeHtml(what)}</td></tr>`);
    }
    out.push(`</tbody></table>`);
  }
  out.push(`</header>`);
  if (total > 0) {
    // Hidden until the script runs: without JavaScript every problem is shown and no control is dead.
    out.push(
      `<form id="filters" hidden role="search" aria-label="Filter problems">`,
      `<fieldset><legend>Severity</legend>`,
      `<label><input type="checkbox" name="severity" value="error" id="sev-error" checked> Errors (${errors})</label>`,
      `<label><input type="checkbox" name="severity" value="warning" id="sev-warning" checked> Warnings (${warnings})</label>`,
      `</fieldset>`,
      `<label>Rule <select name="rule" id="rule"><option value="">all rules (${total})</option>`,
      ...ruleIds.map((id) => {
        const [e, w] = byRule.get(id)!;
        return `<option value="${attr(id)}">${escapeHtml(ruleName(id))} (${e + w})</option>`;
      }),
      `</select></label>`,
      `<label>Text <input type="search" name="text" id="text" placeholder="file, message, code…" autocomplete="off"></label>`,
      `<button type="reset">Show all</button>`,
      `<p id="shown" role="status" aria-live="polite"></p>`,
      `</form>`,
    );
  }
  out.push(`<main>`);
  if (total === 0) out.push(`<p class="none">No problems in ${plural(results.length, "file")}.</p>`);
  out.push(...sections, `</main>`);
  out.push(
    `<footer>Each rule's name links to its documentation. Passwords in connection strings are shown as <code>****</code>. <noscript>The filters need JavaScript; every problem is shown.</noscript></footer>`,
    `<script>${SCRIPT}</script>`,
    `</body>`,
    `</html>`,
  );
  return out.join("\n") + "\n";
}
