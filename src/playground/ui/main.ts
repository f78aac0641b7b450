/**
 * The playground page: two editors (a SQL script and a TypeScript file), the findings of the
 * engine as you type, one-click fixes, a config panel, and the whole state in the URL.
 *
 * CodeMirror 6 does the editing; its lint extension underlines the findings and offers each fix
 * and suggestion as an action in the finding's tooltip. The list under the editor shows the same
 * findings with their rule, help and documentation link, and the same actions. Linting is the
 * engine's (src/playground/engine.ts), synchronous once the parser's WASM is loaded.
 */
import { EditorView, basicSetup } from "codemirror";
import { EditorState, StateEffect, type Text } from "@codemirror/state";
import { javascript } from "@codemirror/lang-javascript";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { forceLinting, lintGutter, linter, type Action, type Diagnostic as EditorDiagnostic } from "@codemirror/lint";
import type { Config } from "../../engine/config.js";
import { DEFAULT_POSTGRES_VERSION } from "../../engine/config.js";
import { withDefaults } from "../../engine/schema.js";
import type { Diagnostic, EditFix, FileResult } from "../../engine/types.js";
import { TOOL_IDS, type ToolId } from "../../run-model/types.js";
import { TOOLS } from "../../run-model/tools.js";
import { FILES, docsUrl, lintTab, loadParser, readConfig, ruleSet, type Tab } from "../engine.js";
import { migrationToolOf, ruleControl, setMigrationTool, setPostgresVersion, setRule, toJson, type SeverityChoice } from "../config-edit.js";
import { decodeState, encodeState, type PlaygroundState } from "../state.js";
import type { UserConfig } from "../../engine/config.js";
import { EXAMPLES } from "./examples.js";
import { setupDryRun } from "./dry-run-panel.js";
import { plural } from "../../util/plural.js";

const TABS: readonly Tab[] = ["sql", "ts"];
const DEFAULT_CONFIG = '{\n  "rules": {}\n}\n';

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) el.setAttribute(k, v);
  el.append(...children); // strings become text nodes: nothing the user typed is ever markup
  return el;
}

// --- state ----------------------------------------------------------------------------------------

let activeTab: Tab = "sql";
/** The config the findings use: the panel's, or the last valid one while the panel's has an error. */
let config: Config;
let configText = DEFAULT_CONFIG;
/** Each tab's last findings, with the document they were found in (fixes apply to that one only). */
const results: Partial<Record<Tab, { doc: Text; result: FileResult }>> = {};
const views = {} as Record<Tab, EditorView>;
/** The fragment this page last wrote or read: a hashchange to anything else is a new link. */
let shownHash = "";
let firstFindingsMarked = false;

/** Said to a view when the config changed: its findings must be found again. */
const relint = StateEffect.define<null>();

// --- linting --------------------------------------------------------------------------------------

function lintSource(tab: Tab) {
  return (view: EditorView): EditorDiagnostic[] => {
    const doc = view.state.doc;
    const result = lintTab(tab, doc.toString(), config);
    results[tab] = { doc, result };
    showFindings();
    return result.messages.map((m) => toEditor(view, doc, m));
  };
}

function toEditor(view: EditorView, doc: Text, m: Diagnostic): EditorDiagnostic {
  const from = Math.min(m.start, doc.length);
  const d: EditorDiagnostic = {
    from,
    to: Math.max(from, Math.min(m.end, doc.length)),
    severity: m.severity === 2 ? "error" : "warning",
    message: m.message,
    renderMessage: () => tooltip(m),
    actions: actions(doc, m).map(([name, fix]): Action => ({ name, apply: () => applyFix(view, doc, fix) })),
  };
  if (m.ruleId) d.source = m.ruleId;
  return d;
}

/** A finding's fix and suggestions, as [button label, edit]. */
function actions(doc: Text, m: Diagnostic): [string, EditFix][] {
  const out: [string, EditFix][] = [];
  if (m.fix) out.push([describeFix(doc, m.fix), m.fix]);
  for (const s of m.suggestions ?? []) out.push([s.desc, s.fix]);
  return out;
}

/** A fix has no description of its own: say what it does to the text. */
function describeFix(doc: Text, fix: EditFix): string {
  const removed = doc.sliceString(fix.range[0], fix.range[1]);
  if (fix.text === "" && removed.includes("\n") && removed.trim() === "") return "Fix: remove the blank line";
  if (removed === "" && fix.text.length <= 20) return `Fix: insert ${fix.text.trim() || "a line break"}`;
  return "Fix";
}

/** Applies an edit to the text it was computed for; a stale one (the text changed since) does nothing. */
function applyFix(view: EditorView, doc: Text, fix: EditFix): void {
  if (view.state.doc !== doc) return; // the findings are being refreshed: their fixes will be too
  view.dispatch({ changes: { from: fix.range[0], to: fix.range[1], insert: fix.text }, userEvent: "input.fix", scrollIntoView: true });
  view.focus();
}

function tooltip(m: Diagnostic): HTMLElement {
  const box = h("div", { class: "tip" }, h("p", { class: "msg" }, m.message));
  if (m.help) box.append(h("p", { class: "help" }, `help: ${m.help}`));
  if (m.ruleId) box.append(h("p", {}, docsLink(m.ruleId)));
  return box;
}

function docsLink(id: string): HTMLAnchorElement {
  return h("a", { class: "rule", href: docsUrl(id), target: "_blank", rel: "noopener noreferrer" }, id);
}

// --- the findings list ----------------------------------------------------------------------------

function showFindings(): void {
  for (const tab of TABS) {
    const r = results[tab]?.result;
    byId(`count-${tab}`).textContent = r ? String(r.messages.length) : "";
    byId(`tab-${tab}`).dataset.errors = r && r.errorCount > 0 ? "yes" : "no";
  }
  const current = results[activeTab];
  const list = byId<HTMLUListElement>("findings");
  const summary = byId("summary");
  if (!current) {
    list.replaceChildren();
    summary.textContent = "Linting…";
    return;
  }
  const { doc, result } = current;
  const view = views[activeTab];
  list.replaceChildren(...result.messages.map((m) => findingItem(view, doc, m)));
  const n = result.messages.length;
  summary.textContent =
    n === 0 ? `No problems in ${FILES[activeTab].split("/").pop()}` : `${n} problem${n === 1 ? "" : "s"} (${plural(result.errorCount, "error")}, ${plural(result.warningCount, "warning")})`;
  if (!firstFindingsMarked && n > 0) {
    firstFindingsMarked = true;
    performance.mark("sqlguard:first-finding");
  }
}

function findingItem(view: EditorView, doc: Text, m: Diagnostic): HTMLLIElement {
  const severity = m.severity === 2 ? "error" : "warning";
  const loc = h("button", { class: "loc", type: "button", title: "show it in the editor" }, `${m.line}:${m.column}`);
  loc.addEventListener("click", () => reveal(view, m.start, m.end));
  const head = h("div", { class: "head" }, h("span", { class: `sev ${severity}` }, severity), loc, m.ruleId ? docsLink(m.ruleId) : h("span", { class: "rule" }, "sqlguard"));
  const item = h("li", { class: "finding", "data-rule": m.ruleId ?? "", "data-severity": severity, "data-line": String(m.line) }, head, h("p", { class: "msg" }, m.message));
  if (m.help) item.append(h("p", { class: "help" }, `help: ${m.help}`));
  if (m.related?.length) {
    const at = (line: number, column: number): number => (line <= doc.lines ? Math.min(doc.line(line).from + column - 1, doc.line(line).to) : doc.length);
    const related = m.related.map((r) => {
      const go = h("button", { class: "loc", type: "button", title: "show it in the editor" }, `${r.line}:${r.column}`);
      go.addEventListener("click", () => reveal(view, at(r.line, r.column), at(r.endLine, r.endColumn)));
      return h("li", {}, go, ` ${r.message}`);
    });
    item.append(h("ul", { class: "related" }, ...related));
  }
  const buttons = actions(doc, m).map(([name, fix]) => {
    const b = h("button", { class: "fix", type: "button" }, name);
    b.addEventListener("click", () => applyFix(view, doc, fix));
    return b;
  });
  if (buttons.length) item.append(h("div", { class: "actions" }, ...buttons));
  return item;
}

function reveal(view: EditorView, from: number, to: number): void {
  const len = view.state.doc.length;
  view.dispatch({ selection: { anchor: Math.min(from, len), head: Math.min(to, len) }, scrollIntoView: true });
  view.focus();
}

// --- editors and tabs -----------------------------------------------------------------------------

function makeEditor(tab: Tab, text: string): EditorView {
  return new EditorView({
    parent: byId(`editor-${tab}`),
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        tab === "sql" ? sql({ dialect: PostgreSQL }) : javascript({ typescript: true }),
        linter(lintSource(tab), {
          delay: 200,
          needsRefresh: (update) => update.transactions.some((t) => t.effects.some((e) => e.is(relint))),
        }),
        lintGutter(),
        EditorView.contentAttributes.of({ "aria-label": `${FILES[tab].split("/").pop()} editor` }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) scheduleSave();
        }),
      ],
    }),
  });
}

function showTab(tab: Tab, focus = false): void {
  activeTab = tab;
  for (const t of TABS) {
    const selected = t === tab;
    const button = byId(`tab-${t}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    byId(`editor-${t}`).hidden = !selected;
  }
  showFindings();
  views[tab].requestMeasure();
  if (focus) views[tab].focus();
}

function setText(tab: Tab, text: string): void {
  const view = views[tab];
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// --- the config panel -----------------------------------------------------------------------------

/** Reads the panel's JSON: the findings, the error line and the controls follow it. */
function applyConfigText(text: string, options: { fromControls?: boolean } = {}): void {
  configText = text;
  const json = byId<HTMLTextAreaElement>("config-json");
  if (options.fromControls || json.value !== text) json.value = text;
  const outcome = readConfig(text);
  const error = byId("config-error");
  if (outcome.ok) {
    config = outcome.config;
    error.hidden = true;
    error.textContent = "";
    json.removeAttribute("aria-invalid");
  } else {
    error.hidden = false;
    error.replaceChildren(h("strong", {}, outcome.message), h("span", {}, " (the findings use the last configuration without errors)"));
    json.setAttribute("aria-invalid", "true");
  }
  syncControls(text);
  for (const tab of TABS) {
    views[tab]?.dispatch({ effects: relint.of(null) });
    if (views[tab]) forceLinting(views[tab]);
  }
  scheduleSave();
}

/** The config object for the controls, when the JSON is one (it may still break the schema). */
function configObject(text: string): UserConfig | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as UserConfig) : null;
  } catch {
    return null;
  }
}

function editConfig(change: (user: UserConfig) => UserConfig): void {
  const user = configObject(configText);
  if (!user) return; // the controls are disabled while the JSON is broken
  applyConfigText(toJson(change(user)), { fromControls: true });
}

function buildControls(): void {
  const version = byId<HTMLInputElement>("pg-version");
  version.placeholder = String(DEFAULT_POSTGRES_VERSION);
  version.addEventListener("change", () => {
    const v = version.value.trim();
    editConfig((u) => setPostgresVersion(u, v === "" ? null : Number(v)));
  });

  const tool = byId<HTMLSelectElement>("migration-tool");
  tool.append(h("option", { value: "" }, "detected from the file"), h("option", { value: "none" }, "none: a plain script"));
  for (const id of TOOL_IDS) tool.append(h("option", { value: id }, TOOLS[id].name));
  tool.addEventListener("change", () => editConfig((u) => setMigrationTool(u, tool.value === "" ? null : (tool.value as ToolId | "none"))));

  const general = byId("rules-general");
  const migration = byId("rules-migration");
  for (const rule of ruleSet.rules) {
    const select = h("select", { id: `sev-${rule.id}`, "aria-label": `${rule.id} severity` });
    const fallback = rule.defaultSeverity;
    select.append(
      h("option", { value: "default" }, `default (${fallback})`),
      h("option", { value: "off" }, "off"),
      h("option", { value: "warn" }, "warn"),
      h("option", { value: "error" }, "error"),
    );
    const about = h("td", {}, docsLink(rule.id), h("div", { class: "desc" }, rule.description));
    let optionsInput: HTMLInputElement | null = null;
    if (rule.schema) {
      // empty: the defaults, shown as the placeholder
      optionsInput = h("input", {
        id: `opt-${rule.id}`,
        type: "text",
        spellcheck: "false",
        "aria-label": `${rule.id} options (JSON)`,
        placeholder: JSON.stringify(withDefaults(rule.schema, undefined)),
      });
      about.append(optionsInput);
    }
    (rule.migration ? migration : general).append(h("tr", { "data-rule": rule.id }, about, h("td", {}, select)));

    const write = (): void => {
      let options: unknown;
      if (optionsInput && optionsInput.value.trim() !== "") {
        try {
          options = JSON.parse(optionsInput.value);
        } catch {
          optionsInput.setAttribute("aria-invalid", "true");
          optionsInput.title = "not valid JSON";
          return;
        }
      }
      optionsInput?.removeAttribute("aria-invalid");
      optionsInput?.removeAttribute("title");
      editConfig((u) => setRule(u, rule.id, select.value as SeverityChoice, options, fallback));
    };
    select.addEventListener("change", write);
    optionsInput?.addEventListener("change", write);
  }

  const json = byId<HTMLTextAreaElement>("config-json");
  let timer: ReturnType<typeof setTimeout> | undefined;
  json.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => applyConfigText(json.value), 250);
  });
}

/** Shows in the controls what the JSON says. */
function syncControls(text: string): void {
  const user = configObject(text);
  byId<HTMLFieldSetElement>("config-controls").disabled = user === null;
  if (!user) return;
  const version = byId<HTMLInputElement>("pg-version");
  if (document.activeElement !== version) version.value = user.postgresVersion === undefined ? "" : String(user.postgresVersion);
  const tool = migrationToolOf(user);
  byId<HTMLSelectElement>("migration-tool").value = tool ?? "";
  for (const rule of ruleSet.rules) {
    const c = ruleControl(user, rule.id);
    byId<HTMLSelectElement>(`sev-${rule.id}`).value = c.severity;
    const input = document.getElementById(`opt-${rule.id}`) as HTMLInputElement | null;
    if (input && document.activeElement !== input) input.value = c.options === undefined ? "" : JSON.stringify(c.options);
  }
}

// --- the URL --------------------------------------------------------------------------------------

function currentState(): PlaygroundState {
  return { tab: activeTab, sql: views.sql.state.doc.toString(), ts: views.ts.state.doc.toString(), config: configText };
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let saving: Promise<void> = Promise.resolve();

/** Set once the page has started: until then nothing is written (a bare URL stays bare). */
let started = false;

function scheduleSave(): void {
  if (!started) return;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void save(), 300);
}

/** Writes the state into the URL (replacing the entry: typing does not fill the history). */
function save(): Promise<void> {
  clearTimeout(saveTimer);
  saving = saving.then(async () => {
    const hash = await encodeState(currentState());
    if (hash !== shownHash) {
      shownHash = hash;
      history.replaceState(null, "", `#${hash}`);
    }
  });
  return saving;
}

function defaultState(): PlaygroundState {
  return { tab: "sql", sql: EXAMPLES[0]!.text, ts: EXAMPLES.find((e) => e.tab === "ts")!.text, config: DEFAULT_CONFIG };
}

/** The state in the URL, or the defaults (saying why, when the link could not be read). */
async function stateFromUrl(): Promise<PlaygroundState> {
  try {
    const state = await decodeState(location.hash);
    shownHash = location.hash.slice(1);
    return state ?? defaultState();
  } catch (e) {
    notice(`This link could not be opened: ${(e as Error).message}. Showing the first example instead.`);
    return defaultState();
  }
}

function applyState(state: PlaygroundState): void {
  for (const tab of TABS) if (views[tab].state.doc.toString() !== state[tab]) setText(tab, state[tab]);
  applyConfigText(state.config);
  showTab(state.tab);
}

function notice(text: string): void {
  const el = byId("notice");
  el.textContent = text;
  el.hidden = text === "";
}

// --- start ----------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const status = byId("status");
  const [state] = await Promise.all([stateFromUrl(), loadParser()]);
  configText = state.config;
  const outcome = readConfig(state.config);
  config = outcome.ok ? outcome.config : readDefaults();
  buildControls();
  for (const tab of TABS) views[tab] = makeEditor(tab, state[tab]);
  applyConfigText(state.config);
  showTab(state.tab);

  for (const tab of TABS) {
    const button = byId(`tab-${tab}`);
    button.addEventListener("click", () => {
      showTab(tab);
      scheduleSave();
    });
    button.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      const next = TABS[(TABS.indexOf(tab) + 1) % TABS.length]!;
      byId(`tab-${next}`).focus();
      showTab(next);
      scheduleSave();
    });
  }

  const examples = byId<HTMLSelectElement>("example");
  EXAMPLES.forEach((ex, i) => examples.append(h("option", { value: String(i) }, ex.title)));
  examples.addEventListener("change", () => {
    const ex = EXAMPLES[Number(examples.value)];
    examples.value = "";
    if (!ex) return;
    setText(ex.tab, ex.text);
    showTab(ex.tab, true);
  });

  byId("copy-link").addEventListener("click", () => {
    void save().then(async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        flash("Link copied");
      } catch {
        flash("The link is in the address bar");
      }
    });
  });

  addEventListener("hashchange", () => {
    if (location.hash.slice(1) === shownHash) return;
    void stateFromUrl().then(applyState);
  });

  setupDryRun(() => views.sql.state.doc.toString());

  status.hidden = true;
  started = true;
  document.body.dataset.ready = "true";
}

function readDefaults(): Config {
  const outcome = readConfig("{}");
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.config;
}

let flashTimer: ReturnType<typeof setTimeout> | undefined;
function flash(text: string): void {
  const el = byId("flash");
  el.textContent = text;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => (el.textContent = ""), 2500);
}

start().catch((e: unknown) => {
  const status = byId("status");
  status.hidden = false;
  status.textContent = `The playground could not start: ${e instanceof Error ? e.message : String(e)}`;
  status.classList.add("failed");
  throw e;
});
