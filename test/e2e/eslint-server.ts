/**
 * The editor path, as an editor runs it (issue 17): the ESLint language server that editors run
 * (`vscode-eslint-language-server` of vscode-langservers-extracted, from npm) driven over stdio in
 * the newest cell of the matrix (test/e2e/eslint-matrix.ts: a TypeScript app, typed config plus
 * sqlguard's, the documented one). The client answers `workspace/configuration` with the settings
 * VS Code's ESLint extension sends by default, plus the ones docs/editors.md gives.
 *
 * For a `.sql` and a `.ts` file: initialize, didOpen, pull diagnostics (the same findings as
 * `npx eslint`), didChange (a new finding appears, and goes when the edit is undone), then every
 * code action the server offers for every diagnostic, run as the editor runs it (the server sends
 * the edit back with workspace/applyEdit): with the documented settings, every one leaves valid SQL
 * (no sqlguard/syntax-error after it) and removes what it targets. With VS Code's default comment
 * style, "Disable … for this line" writes a `//` comment into the SQL file: that breakage is
 * asserted too, so a server that learns SQL's comments is noticed (and the docs updated).
 * Latencies are printed, never asserted.
 *
 *   node dist/test/e2e/eslint-server.js [--profile documented]     (after the matrix: npm run e2e:eslint)
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { app, APP_FILES, cacheDir, configText, DOCUMENTED, findingsOf, label, newest, npmRun, npxRun, packSqlguard, registryField, type Versions } from "./project.js";

const SERVER_PACKAGE = "vscode-langservers-extracted";
const SERVER_VERSION = process.env.SQLGUARD_E2E_LSP_VERSION ?? "4.10.0";
const log = (s: string) => console.log(s);

// --- settings -----------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

/**
 * What VS Code's ESLint extension sends for a file whose language `eslint.validate` lists
 * (its package.json defaults, client/src/client.ts). `experimental: {}`: the 4.10.0 server reads
 * `experimental.useFlatConfig` without a guard.
 */
function vscodeSettings(project: string, disableRuleComment: Json): Json {
  return {
    validate: "on",
    packageManager: "npm",
    useESLintClass: false,
    experimental: {},
    codeActionOnSave: { mode: "all" },
    format: false,
    quiet: false,
    onIgnoredFiles: "off",
    options: {},
    rulesCustomizations: [],
    run: "onType",
    problems: { shortenToSingleLine: false },
    nodePath: null,
    workspaceFolder: { name: path.basename(project), uri: pathToFileURL(project).href },
    codeAction: { disableRuleComment, showDocumentation: { enable: true } },
  };
}

/**
 * What nvim-lspconfig's `eslint` config sends (lsp/eslint.lua: its `settings`, then its
 * `before_init`, which sets `experimental.useFlatConfig = true` when the project has an
 * eslint.config.* file), with the user's settings over it.
 */
function neovimSettings(project: string, user: { experimental?: Json; codeAction?: Json }): Json {
  return {
    validate: "on",
    useESLintClass: false,
    experimental: { useFlatConfig: true },
    codeActionOnSave: { enable: false, mode: "all" },
    format: true,
    quiet: false,
    onIgnoredFiles: "off",
    rulesCustomizations: [],
    run: "onType",
    problems: { shortenToSingleLine: false },
    nodePath: "",
    workingDirectory: { mode: "location" },
    codeAction: { disableRuleComment: { enable: true, location: "separateLine" }, showDocumentation: { enable: true } },
    workspaceFolder: { uri: project, name: path.basename(project) },
    ...user,
  };
}

const BLOCK = { enable: true, location: "separateLine", commentStyle: "block" };

interface Profile {
  name: string;
  settings(project: string): Json;
  /**
   * `valid`: every code action leaves valid SQL and removes what it targets; `line-comment-breaks-sql`:
   * the same, except "Disable … for this line" in SQL, which writes `//` (a syntax error);
   * `code-actions-fail`: the server fails every code action request for SQL; `no-diagnostics`: the
   * server cannot load ESLint's flat config API and reports nothing.
   */
  expect: "valid" | "line-comment-breaks-sql" | "code-actions-fail" | "no-diagnostics";
}

/** The extension's default, what docs/editors.md gives, and what breaks without it. */
const PROFILES: Profile[] = [
  { name: "VS Code, as docs/editors.md sets it (commentStyle block)", settings: (p) => vscodeSettings(p, BLOCK), expect: "valid" },
  { name: "VS Code defaults (commentStyle line)", settings: (p) => vscodeSettings(p, { enable: true, location: "separateLine", commentStyle: "line" }), expect: "line-comment-breaks-sql" },
  { name: "location sameLine", settings: (p) => vscodeSettings(p, { ...BLOCK, location: "sameLine" }), expect: "code-actions-fail" },
  {
    name: "Neovim, as docs/editors.md sets it (useFlatConfig false, commentStyle block)",
    settings: (p) => neovimSettings(p, { experimental: { useFlatConfig: false }, codeAction: { disableRuleComment: BLOCK, showDocumentation: { enable: true } } }),
    expect: "valid",
  },
  { name: "Neovim, nvim-lspconfig's defaults (useFlatConfig true)", settings: (p) => neovimSettings(p, {}), expect: "no-diagnostics" },
];

// --- JSON-RPC over stdio ------------------------------------------------------------------------

interface Diagnostic {
  range: Range;
  code?: string | number;
  message: string;
  severity?: number;
}
interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface TextEdit {
  range: Range;
  newText: string;
}
interface WorkspaceEdit {
  changes?: Record<string, TextEdit[]>;
  documentChanges?: { textDocument: { uri: string }; edits: TextEdit[] }[];
}
interface CodeAction {
  title: string;
  command?: { command: string; arguments?: unknown[] };
  edit?: WorkspaceEdit;
}

class Server {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();
  readonly log: string[] = [];
  onApplyEdit: ((edit: WorkspaceEdit) => void) | null = null;

  constructor(bin: string, cwd: string, private readonly settings: Json) {
    this.child = spawn(process.execPath, [bin, "--stdio"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.on("data", (chunk: Buffer) => this.read(chunk));
    this.child.stderr.on("data", (d: Buffer) => this.log.push(String(d)));
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request<T>(method: string, params: unknown, timeoutMs = 180_000): Promise<T> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} in ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
        method,
      });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString("utf8")) as {
        id?: number;
        method?: string;
        params?: { items?: unknown[]; edit?: WorkspaceEdit; message?: string };
        result?: unknown;
        error?: { message: string };
      };
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.handle(message);
    }
  }

  private handle(m: { id?: number; method?: string; params?: { items?: unknown[]; edit?: WorkspaceEdit; message?: string }; result?: unknown; error?: { message: string } }): void {
    if (m.id !== undefined && m.method === undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
      else p.resolve(m.result);
      return;
    }
    if (m.method && m.id !== undefined) {
      // a request from the server
      let result: unknown = null;
      if (m.method === "workspace/configuration") result = (m.params?.items ?? []).map(() => this.settings);
      else if (m.method === "workspace/applyEdit") {
        result = { applied: true };
        this.onApplyEdit?.(m.params!.edit!);
      } else if (m.method === "eslint/confirmESLintExecution") result = 4;
      else if (m.method.startsWith("eslint/")) {
        this.log.push(`${m.method} ${JSON.stringify(m.params)}`);
        result = {};
      }
      this.send({ id: m.id, result });
      return;
    }
    if (m.method === "window/logMessage" || m.method === "window/showMessage") this.log.push(m.params?.message ?? "");
  }

  async stop(): Promise<void> {
    try {
      await this.request("shutdown", null, 10_000);
      this.notify("exit", null);
    } catch {
      // the process goes anyway
    }
    setTimeout(() => this.child.kill(), 1000).unref();
  }
}

// --- text ---------------------------------------------------------------------------------------

function offsetAt(text: string, p: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  // a character past the end of the line is the end of the line (LSP)
  const end = text.indexOf("\n", offset);
  return Math.min(offset + p.character, end < 0 ? text.length : end);
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  for (const e of sorted) text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
  return text;
}

function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  if (edit.documentChanges) return edit.documentChanges.filter((d) => d.textDocument.uri === uri).flatMap((d) => d.edits);
  return edit.changes?.[uri] ?? [];
}

const where = (r: Range) => `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
const show = (d: Diagnostic) => `${where(d.range)} ${String(d.code ?? "-")}`;

// --- a session ----------------------------------------------------------------------------------

interface Doc {
  file: string;
  languageId: string;
  uri: string;
  text: string;
  version: number;
}

interface Outcome {
  failures: string[];
  notes: string[];
}

async function session(project: string, serverBin: string, profile: Profile, eslintFindings: Map<string, string[]>): Promise<Outcome> {
  const failures: string[] = [];
  const notes: string[] = [];
  const fail = (s: string) => failures.push(s);
  const server = new Server(serverBin, project, profile.settings(project));
  const t0 = performance.now();
  try {
    const init = await server.request<{ capabilities: { diagnosticProvider?: unknown } }>("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(project).href,
      workspaceFolders: [{ uri: pathToFileURL(project).href, name: path.basename(project) }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, applyEdit: true, workspaceEdit: { documentChanges: true } },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          diagnostic: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true },
          codeAction: { dynamicRegistration: false, codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "source", "source.fixAll", "source.fixAll.eslint"] } } },
        },
      },
    });
    if (!init.capabilities.diagnosticProvider) fail("the server offers no pull diagnostics");
    server.notify("initialized", {});

    const docs: Doc[] = [
      { file: "migrations/001_create_orders.sql", languageId: "sql" },
      { file: "src/orders.ts", languageId: "typescript" },
    ].map((d) => ({ ...d, uri: pathToFileURL(path.join(project, d.file)).href, text: APP_FILES[d.file]!, version: 1 }));
    for (const d of docs) server.notify("textDocument/didOpen", { textDocument: { uri: d.uri, languageId: d.languageId, version: d.version, text: d.text } });

    const pull = async (d: Doc): Promise<Diagnostic[]> => (await server.request<{ items?: Diagnostic[] }>("textDocument/diagnostic", { textDocument: { uri: d.uri } })).items ?? [];
    const setText = (d: Doc, text: string) => {
      d.version++;
      server.notify("textDocument/didChange", { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ text }] });
    };

    for (const d of docs) {
      const tFirst = performance.now();
      const first = await pull(d);
      notes.push(`${d.file}: first diagnostics ${Math.round(performance.now() - t0)} ms after start (this pull ${Math.round(performance.now() - tFirst)} ms)`);
      if (profile.expect === "no-diagnostics") {
        const why = server.log.find((l) => /FlatESLint/.test(l));
        if (first.length > 0 || !why) fail(`${d.file}: expected no diagnostics and the server's FlatESLint error; got ${first.map(show).join(", ")}`);
        else notes.push(`${d.file}: no diagnostics; the server says: ${why.slice(0, 200).replace(/\n/g, " ")}`);
        continue;
      }
      // the same findings as `npx eslint`
      const got = first.map(show).sort();
      const expected = eslintFindings.get(d.file)!;
      if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`${d.file}: the server's diagnostics ${JSON.stringify(got)} are not npx eslint's ${JSON.stringify(expected)}`);

      // didChange: a new statement without WHERE (a new line of code) is reported, and goes away with it
      const added = d.languageId === "sql" ? "UPDATE orders SET archived = true;\n" : 'export const wipe = () => pool.query("DELETE FROM orders");\n';
      const tEdit = performance.now();
      setText(d, d.text + added);
      const afterEdit = await pull(d);
      const editMs = Math.round(performance.now() - tEdit);
      const newLine = d.text.split("\n").length;
      if (!afterEdit.some((x) => x.code === "sqlguard/require-where" && x.range.start.line + 1 === newLine)) fail(`${d.file}: after didChange, no sqlguard/require-where on the new line ${newLine}: ${afterEdit.map(show).join(", ")}`);
      setText(d, d.text);
      const back = await pull(d);
      if (JSON.stringify(back.map(show).sort()) !== JSON.stringify(got)) fail(`${d.file}: after undoing the edit: ${back.map(show).join(", ")}`);
      notes.push(`${d.file}: didChange + pull ${editMs} ms`);

      // every code action, for every diagnostic, run as the editor runs it
      let ran = 0;
      for (const diagnostic of first) {
        // each diagnostic's actions are asked for on the file as it was
        setText(d, d.text);
        await pull(d);
        const request = async () => server.request<CodeAction[] | null>("textDocument/codeAction", { textDocument: { uri: d.uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
        let actions: CodeAction[];
        try {
          actions = (await request()) ?? [];
        } catch (e) {
          if (profile.expect === "code-actions-fail" && d.languageId === "sql") {
            notes.push(`${d.file} ${show(diagnostic)}: code actions fail, as the docs say: ${(e as Error).message.slice(0, 160)}`);
            ran++;
            continue;
          }
          fail(`${d.file} ${show(diagnostic)}: code actions failed: ${(e as Error).message}`);
          continue;
        }
        if (process.env.SQLGUARD_E2E_DEBUG) log(`  [debug] ${show(diagnostic)}: ${actions.map((a) => a.title).join(" | ")}`);
        if (profile.expect === "code-actions-fail" && d.languageId === "sql") fail(`${d.file}: code actions with location sameLine answered (the docs say they fail for SQL): ${actions.map((a) => a.title).join(" | ")}`);
        for (const title of actions.map((a) => a.title)) {
          if (/^Show documentation/.test(title)) continue;
          // fresh: the server refuses commands made for an older version of the text
          setText(d, d.text);
          await pull(d);
          const action = ((await request()) ?? []).find((a) => a.title === title);
          if (!action) {
            fail(`${d.file} ${show(diagnostic)}: "${title}" is no longer offered`);
            continue;
          }
          let edit: WorkspaceEdit | null = action.edit ?? null;
          if (!edit && action.command) {
            server.onApplyEdit = (e) => (edit = e);
            await server.request("workspace/executeCommand", { command: action.command.command, arguments: action.command.arguments });
            server.onApplyEdit = null;
          }
          ran++;
          const edits = edit ? editsFor(edit, d.uri) : [];
          if (edits.length === 0) {
            fail(`${d.file} ${show(diagnostic)}: "${title}" changed nothing`);
            continue;
          }
          const after = applyEdits(d.text, edits);
          setText(d, after);
          const diagnostics = await pull(d);
          const inserted = edits.map((e) => JSON.stringify(e.newText)).join(" ");
          const broken = diagnostics.filter((x) => x.code === "sqlguard/syntax-error" || /Parsing error/.test(x.message));
          const disable = /^Disable /.test(title);
          const stillThere = disable
            ? diagnostics.filter((x) => x.code === diagnostic.code).length >= first.filter((x) => x.code === diagnostic.code).length
            : diagnostics.some((x) => x.code === diagnostic.code && show(x) === show(diagnostic));
          const line = `${d.file} ${show(diagnostic)} "${title}" → ${inserted}`;
          if (profile.expect === "line-comment-breaks-sql" && d.languageId === "sql" && /for this line$/.test(title)) {
            // the known breakage the documented setting avoids
            if (!(edits.some((e) => e.newText.startsWith("// eslint-disable-next-line")) && broken.length > 0)) fail(`${line}: expected the server to write a // comment that breaks the SQL; it left ${diagnostics.map(show).join(", ")}`);
            else notes.push(`${line}: ${broken.map(show).join(", ")} (why docs/editors.md sets commentStyle: "block")`);
          } else {
            if (broken.length > 0) fail(`${line}: left ${broken.map((x) => `${show(x)} ${x.message}`).join(", ")}`);
            if (stillThere && !/^Fix all /.test(title)) fail(`${line}: the finding is still there`);
            if (broken.length === 0) notes.push(`${line}: ok`);
          }
        }
      }
      if (ran === 0) fail(`${d.file}: no code action was run`);
      setText(d, d.text);
      await pull(d);
    }
  } catch (e) {
    fail(`session: ${(e as Error).message}`);
  } finally {
    await server.stop();
  }
  const serverErrors = server.log.filter((l) => /error|exception|fail/i.test(l) && !/DeprecationWarning/.test(l));
  if (failures.length > 0) for (const l of serverErrors.slice(0, 10)) notes.push(`server: ${l.slice(0, 300).replace(/\n/g, " ")}`);
  return { failures, notes };
}

// --- main ---------------------------------------------------------------------------------------

function installServer(): string {
  const dir = path.join(cacheDir, `lsp-${SERVER_PACKAGE}-${SERVER_VERSION}`);
  const bin = path.join(dir, "node_modules", SERVER_PACKAGE, "bin", "vscode-eslint-language-server");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "lsp", private: true }));
    log(`installing ${SERVER_PACKAGE}@${SERVER_VERSION}…`);
    const r = npmRun(["install", `${SERVER_PACKAGE}@${SERVER_VERSION}`], dir);
    if (r.code !== 0) throw new Error(`npm install ${SERVER_PACKAGE}: ${r.stderr}`);
  }
  return bin;
}

async function main(): Promise<number> {
  const tseslint = newest("typescript-eslint");
  const eslint = newest("eslint");
  const v: Versions = {
    eslint,
    eslintJs: newest(`@eslint/js@^${eslint.split(".")[0]}`),
    typescript: newest(`typescript@${registryField(`typescript-eslint@${tseslint}`, "peerDependencies.typescript")}`),
    typescriptEslint: tseslint,
  };
  log(`The ESLint language server (${SERVER_PACKAGE} ${SERVER_VERSION}) in ${label(v)}`);
  const project = app(v, packSqlguard(), log);
  writeFileSync(path.join(project, "eslint.config.mjs"), configText(DOCUMENTED));
  const serverBin = installServer();

  // what `npx eslint` says about the two files
  const cliRun = npxRun(["eslint", "--format", "json", "migrations/001_create_orders.sql", "src/orders.ts"], project);
  const byFile = new Map<string, string[]>();
  for (const f of findingsOf(project, cliRun.stdout)) byFile.set(f.file, [...(byFile.get(f.file) ?? []), `${f.at} ${f.rule}`]);
  for (const file of ["migrations/001_create_orders.sql", "src/orders.ts"]) byFile.set(file, (byFile.get(file) ?? []).sort());
  log(`npx eslint: ${[...byFile].map(([f, l]) => `${f}: ${l.length}`).join(", ")}`);

  let failed = 0;
  let ran = 0;
  const only = process.argv.indexOf("--profile") >= 0 ? process.argv[process.argv.indexOf("--profile") + 1] : undefined;
  for (const profile of PROFILES.filter((p) => !only || p.name.includes(only))) {
    log(`\n== ${profile.name}`);
    const { failures, notes } = await session(project, serverBin, profile, byFile);
    for (const n of notes) log(`  ${n}`);
    for (const f of failures) log(`  FAIL ${f}`);
    log(`  ${failures.length === 0 ? "pass" : "FAIL"}`);
    if (failures.length > 0) failed++;
    ran++;
  }
  // the files on disk are the app's own again
  for (const [name, text] of Object.entries(APP_FILES)) if (readFileSync(path.join(project, name), "utf8") !== text) writeFileSync(path.join(project, name), text);
  log(`\n${ran - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
