/**
 * SQL embedded in TypeScript and JavaScript. The file is parsed with typescript-estree (no
 * program, no type checker) and every SQL string becomes an *embedded* document whose offsets
 * map back to the host file through escapes, line breaks and `${…}` interpolations. ESTree
 * ranges are used throughout, so the ESLint plugin (which gets the same tree) can reuse
 * `extractFromProgram` and report at the same places.
 *
 * What counts as SQL:
 * - tagged templates whose tag matches `embedded.tags` (`sql`…`, `prisma.$queryRaw`…`);
 * - the first argument of a call matching `embedded.functions` (`pool.query('…')`), when it is a
 *   string, a template, a `+` concatenation, `{ text: … }` / `{ sql: … }`, or a `const` of this
 *   file holding one;
 * - any other string that starts with an SQL keyword and parses completely (`embedded.literals`).
 *
 * `${…}` becomes `$1`, `$2`…; where that does not parse, the placeholder is retried as an
 * identifier (`"${table}"`), then as a list (`($1)`), then as a query (`SELECT $1`, for
 * `FROM (${subquery}) t`). An interpolation inside a quoted name or written against a name's
 * letters (`"IDX_${prefix}x"`, `${tablePrefix}execution_entity`) is a piece of that one name,
 * which holds the code's own text. A string that still does not parse is a fragment: skipped,
 * never reported. Messages quote the code, not the stand-ins (`SqlDocument.display`).
 *
 * The pieces live in ./code/: settings (which names are sinks), host (parsing the file, minified
 * and test files), gate (cheap looks before a parse), walker (the candidate strings), pieces (the
 * SQL text of a string and its map to the host), judge (SQL, fragment or empty).
 */
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { SqlDocument } from "../sql/document.js";
import { directiveText, fileTransactionDirective, isDirective } from "../directives/words.js";
import { mayHoldSql, looksLikeSql } from "./code/gate.js";
import { isTestFile, minifiedCode, parseCode } from "./code/host.js";
import { decide } from "./code/judge.js";
import { build, piecesOf, type Mode } from "./code/pieces.js";
import { defaultEmbeddedSettings, findPattern, pathOf, type EmbeddedSettings } from "./code/settings.js";
import type { CodeSql, EmbeddedOptions } from "./code/types.js";
import { loadVisitorKeys, Walker, type Candidate } from "./code/walker.js";
import type { VisitorKeys } from "../util/lazy-deps.js";
import { dialectOf, type LibraryFacts } from "./code/libraries.js";
import { isNothing, property } from "./code/ast.js";
import { codeDocumentRun } from "../run-model/index.js";
import type { CodeRunModel, DocumentRun } from "../run-model/types.js";

type Node = TSESTree.Node;

export { CODE_EXTENSIONS } from "./extensions.js";
export {
  DEFAULT_FUNCTIONS,
  DEFAULT_TAGS,
  DEFAULT_TRANSACTIONS,
  defaultEmbeddedSettings,
  embeddedSchema,
  resolveEmbedded,
  type EmbeddedConfig,
  type EmbeddedSettings,
  type NamePattern,
} from "./code/settings.js";
export type { CodeComment, CodeProject, CodeSql, EmbeddedOptions, EmbeddedPart, Origin, SkippedString } from "./code/types.js";
export { isTestFile, looksMinified, minifiedCode, parseCode, type CodeParse, type MinifiedCode } from "./code/host.js";
export { mayHoldSql } from "./code/gate.js";

/**
 * Parses a code file (when it may hold SQL) and extracts its SQL strings. With `program` (the
 * tree ESLint already built for the file), nothing is parsed again.
 */
export function extractCode(text: string, filePath: string, options: EmbeddedOptions & { program?: TSESTree.Program } = {}): CodeSql {
  const settings = options.settings ?? defaultEmbeddedSettings;
  const empty: CodeSql = { parsed: false, error: null, parts: [], skipped: [], comments: [] };
  if (!mayHoldSql(text, settings)) return empty;
  const minified = minifiedCode(text);
  if (minified) return { ...empty, minified };
  let program = options.program;
  if (!program) {
    const parsed = parseCode(text, filePath);
    if (!parsed.ok) return { ...empty, error: { offset: parsed.offset, message: parsed.message } };
    program = parsed.program;
  }
  return extractFromProgram(program, text, { ...options, testFile: options.testFile ?? isTestFile(filePath) });
}

/** Extracts the SQL strings of a parsed file (`program` from typescript-estree or ESLint). */
export function extractFromProgram(program: TSESTree.Program, text: string, options: EmbeddedOptions = {}): CodeSql {
  const result: CodeSql = { parsed: true, error: null, parts: [], skipped: [], comments: [] };
  // the file directives of SQL scripts work in code comments too, for every string of the file
  let directive: "assume-in-transaction" | "no-transaction" | null = null;
  for (const c of program.comments ?? []) {
    const text = directiveText(c.value, c.type === "Block");
    if (!isDirective(text)) continue;
    const block = c.type === "Block";
    result.comments.push({ start: c.range[0], end: c.range[1], block, ...(block && c.value.startsWith("*") ? { jsdoc: true } : {}), text });
    directive = fileTransactionDirective(text) ?? directive;
  }
  const fileAssumes = directive ? directive === "assume-in-transaction" : (options.assumeInTransaction ?? false);
  // A migration written in code: its tool's calls are sinks too, and its transaction is the tool's
  // (a directive in the file still has the last word).
  const model = options.project?.runModel() ?? null;
  const run = model && !directive ? model : null;
  let settings = options.settings ?? defaultEmbeddedSettings;
  if (model) settings = withSinks(settings, model.sinks);

  const walker = new Walker(options.testFile ? { ...settings, literals: false } : settings, options.visitorKeys ?? loadVisitorKeys());
  walker.walk(program);
  walker.resolveConsts();
  walker.dropPieceConsts();
  const facts: LibraryFacts = {
    imports: walker.imports,
    tool: model?.tool ?? null,
    toolVersion: model?.version ?? null,
    depends: (name) => options.project?.depends(name) ?? false,
  };

  for (const c of walker.nested) {
    result.skipped.push({ start: c.node.range[0], end: c.node.range[1], origin: c.origin, reason: "nested" });
  }
  const seen = new Set<Node>();
  // where each SQL string of a migration is sent from (the call, or the string): to chain them
  const sites: number[] = [];
  // a migration's outermost functions (its `up`, its `down`…), found once and only for a migration
  const units = run ? outermostFunctions(program, options.visitorKeys ?? loadVisitorKeys()) : [];
  for (const c of walker.candidates) {
    if (seen.has(c.node)) continue;
    seen.add(c.node);
    const pieces = piecesOf(c.node, {
      tagged: c.origin === "tag",
      isSqlTag: (tag) => findPattern(settings.tags, pathOf(tag)) !== null,
      resolve: c.resolve,
    });
    if (pieces.length === 0) continue;
    if (c.origin === "literal") {
      // cheap look at the raw text before any parse
      const values = pieces.filter((p) => p.kind === "expr").map((): Mode => "value");
      const head = build(text, pieces, values, values.map(() => "")).text;
      if (!looksLikeSql(head)) continue;
    }
    const dialect = c.call && c.path ? dialectOf(c.call, c.path, facts) : null;
    const d = decide(text, pieces, { dialect, perStatement: c.origin !== "literal" });
    if (d.kind !== "sql") {
      const reason = c.origin === "literal" ? "not-sql" : d.kind;
      result.skipped.push({ start: c.node.range[0], end: c.node.range[1], origin: c.origin, reason });
      continue;
    }
    if (c.wordy && !/\S\s+\S/.test(d.text.trim())) {
      result.skipped.push({ start: c.node.range[0], end: c.node.range[1], origin: c.origin, reason: "fragment" });
      continue;
    }
    const inTransaction = c.inTransaction;
    const doc = new SqlDocument(d.text, {
      kind: "embedded",
      psql: false,
      ...(run ? { run: migrationRun(run, c, units[unitAt(units, c.call?.range[0] ?? c.node.range[0])]?.down ?? false) } : { assumeInTransaction: fileAssumes, codeTransaction: inTransaction }),
      ...(d.stmts ? { parsed: d.stmts } : {}),
      ...(d.parseSource !== d.text ? { parseSource: d.parseSource } : {}),
      ...(d.display ? { display: d.display } : {}),
    });
    result.parts.push({
      doc,
      toHost: d.toHost,
      start: c.node.range[0],
      end: c.node.range[1],
      origin: c.origin,
      sink: c.sink,
      inTransaction,
      anchors: c.anchors,
      library: d.library,
      dynamic: d.dynamic,
    });
    sites.push(c.call?.range[0] ?? c.node.range[0]);
  }
  if (run) chainMigrationStrings(units, result.parts, sites);
  return result;
}

/**
 * The SQL strings of one migration run one after another: a table the first creates is new to
 * the second. Strings sent from the same outermost function (a migration's `up`, its `down`) are
 * chained in the order they are written (see `SqlDocument.previous`); a helper function of the
 * file is a chain of its own.
 */
function chainMigrationStrings(units: MigrationFunction[], parts: CodeSql["parts"], sites: number[]): void {
  if (parts.length < 2) return;
  const order = parts.map((p, i) => ({ doc: p.doc, site: sites[i]!, unit: unitAt(units, sites[i]!) })).sort((x, y) => x.site - y.site);
  const last = new Map<number, SqlDocument>();
  for (const o of order) {
    if (o.unit < 0) continue;
    o.doc.previous = last.get(o.unit) ?? null;
    last.set(o.unit, o.doc);
  }
}

/** A function not inside another function, and whether it is the migration's `down`. */
interface MigrationFunction {
  start: number;
  end: number;
  /**
   * Named `down`: a TypeORM or MikroORM `down()` method, knex's and node-pg-migrate's
   * `exports.down = …` or `export async function down`, Sequelize's and umzug's `down: async () => …`.
   * What it runs undoes the `up` (see the rules' `skipDown`).
   */
  down: boolean;
}

/** The index of the function of `units` holding `at`; -1 at the top level of the file. */
function unitAt(units: MigrationFunction[], at: number): number {
  let lo = 0;
  let hi = units.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const u = units[mid]!;
    if (at < u.start) hi = mid - 1;
    else if (at >= u.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The functions not inside another function, in source order, each with the name it is given. */
function outermostFunctions(program: TSESTree.Program, keys: VisitorKeys): MigrationFunction[] {
  const out: MigrationFunction[] = [];
  // each node with the name its parent gives it: a method's or property's key, an assignment's
  // target (`exports.down`), a declared variable
  const stack: { node: Node; name: string | null }[] = [{ node: program, name: null }];
  while (stack.length > 0) {
    const { node, name } = stack.pop()!;
    if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") {
      const own = node.type === "FunctionDeclaration" ? (node.id?.name ?? null) : name;
      out.push({ start: node.range[0], end: node.range[1], down: own === "down" });
      continue;
    }
    const given = nameGiven(node);
    for (const key of keys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      const childName = key === "value" || key === "right" || key === "init" || key === "declaration" ? given : null;
      if (Array.isArray(child)) {
        for (const c of child) if (c && typeof c === "object" && "type" in c) stack.push({ node: c as Node, name: null });
      } else if (child && typeof child === "object" && "type" in child) stack.push({ node: child as Node, name: childName });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The name a node gives the function that is its value: `down` of `down() {}`, `exports.down = …`. */
function nameGiven(node: Node): string | null {
  switch (node.type) {
    case "MethodDefinition":
    case "Property":
    case "PropertyDefinition":
      return keyName(node.key);
    case "AssignmentExpression":
      return node.left.type === "MemberExpression" ? keyName(node.left.property) : node.left.type === "Identifier" ? node.left.name : null;
    case "VariableDeclarator":
      return node.id.type === "Identifier" ? node.id.name : null;
    default:
      return null;
  }
}

function keyName(key: Node): string | null {
  if (key.type === "Identifier") return key.name;
  if (key.type === "Literal" && typeof key.value === "string") return key.value;
  return null;
}

/** The settings with a migration tool's calls added to the sinks (`queryRunner.query`, `db.runSql`…). */
function withSinks(settings: EmbeddedSettings, sinks: readonly string[]): EmbeddedSettings {
  const known = new Set(settings.functions.map((f) => f.text));
  const extra = sinks.filter((s) => !known.has(s)).map((s) => ({ text: s, segments: s.split(".") }));
  return extra.length === 0 ? settings : { ...settings, functions: [...settings.functions, ...extra] };
}

/**
 * How a string of a code migration runs: inside the tool's transaction when the tool wraps the
 * migration (or the string runs in a transaction callback of the migration, or a Sequelize call
 * passes `{ transaction }`), else as one query of its own.
 */
function migrationRun(model: CodeRunModel, c: Candidate, down: boolean): DocumentRun {
  const run = codeDocumentRun(model);
  const wrapped = model.tool === "sequelize" ? c.inTransaction || passesTransaction(c.call) : run.mode === "wrapped" || c.inTransaction;
  return { ...run, mode: wrapped ? "wrapped" : "implicit", role: down ? "down" : "up" };
}

/** A call whose options name a transaction: `query(sql, { transaction: t })`. */
function passesTransaction(call: TSESTree.CallExpression | undefined): boolean {
  return (call?.arguments ?? []).some((a) => {
    const t = property(a, "transaction");
    return !isNothing(t) && !(t!.type === "Literal" && t!.value === false);
  });
}
