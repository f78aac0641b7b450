/**
 * Extractors turn a file into documents: a SQL script is one script document; code files yield
 * one embedded document per SQL string (see embedded.ts); every text file is also a text
 * document for text rules. Each SQL document maps its offsets back to the host file.
 */
import path from "node:path";
import type { TSESTree } from "@typescript-eslint/typescript-estree";
import { SqlDocument, transactionDirective } from "../sql/document.js";
import { codeRunModelOf, diskProject, documentRun, runModelOf, type ProjectIndex, type RunModel, type ToolId } from "../run-model/index.js";
import { lineIndex } from "../sql/text.js";
import { textDocument, type TextDocument } from "../secrets/text-document.js";
import type { DirectiveComment } from "../engine/directives.js";
import { commentBody, isDirectiveComment } from "../sql/document.js";
import { directiveText } from "../directives/words.js";
import { textComments } from "./text-comments.js";
import type { FileNotice } from "../engine/types.js";
import type { SqlPart } from "../engine/documents.js";
import { thousands } from "../util/thousands.js";

export type { SqlPart } from "../engine/documents.js";
import { extractCode, type CodeProject, type CodeSql, type EmbeddedSettings } from "./embedded.js";
import type { VisitorKeys } from "../util/lazy-deps.js";
import { CODE_EXTENSIONS, SQL_EXTENSIONS } from "./extensions.js";

export { isWalked } from "./extensions.js";

export type FileKind = "sql" | "code" | "text";

export function fileKind(filePath: string): FileKind {
  const ext = path.extname(filePath).toLowerCase();
  if ((SQL_EXTENSIONS as readonly string[]).includes(ext)) return "sql";
  if ((CODE_EXTENSIONS as readonly string[]).includes(ext)) return "code";
  return "text";
}

export interface Extraction {
  sql: SqlPart[];
  text: TextDocument;
  /** Comments that may hold directives, in host offsets; complete once every document was read. */
  comments(): DirectiveComment[];
  /** Problems with the file itself (a code file that does not parse). */
  notices?: FileNotice[];
}

export interface ExtractOptions {
  assumeInTransaction: boolean;
  /** Config `migrationTool` for this file (a SQL file, or a migration written in code): the tool that runs it, or `none`. */
  migrationTool?: ToolId | "none";
  /** A SQL file's run model, already worked out (default: `runModelOf` the file, reading the project on disk). */
  runModel?: RunModel;
  /** Where the run model reads project files (default: the disk); for code files, also their dependencies. */
  project?: ProjectIndex;
  /** 1-based line of a host offset. */
  lineOf(offset: number): number;
  /** Which strings in code files hold SQL (config `embedded`; default: the built-in lists). */
  embedded?: EmbeddedSettings;
  /** What the file is, when its name does not say (ESLint hands over code under any name). */
  kind?: FileKind;
  /** For a SQL file: its document, already built (the ESLint language parses the file itself). */
  doc?: SqlDocument;
  /** For a code file: its tree as ESLint parsed it (ESTree with ranges and comments), so it is not parsed again. */
  program?: TSESTree.Program;
  /** With `program`: the keys to walk it with (ESLint's `sourceCode.visitorKeys`, from the parser that built it). */
  visitorKeys?: VisitorKeys;
}

export function extract(filePath: string, text: string, options: ExtractOptions): Extraction {
  const kind = options.kind ?? fileKind(filePath);
  const textDoc = textDocument(text, filePath);
  if (kind === "sql") {
    const docs = options.doc ? [options.doc] : sqlDocuments(filePath, text, options);
    return {
      sql: docs.map((doc) => ({ doc, toHost: (o: number) => o })),
      text: textDoc,
      comments: () =>
        docs
          .flatMap((doc) => doc.comments)
          .filter((c) => isDirectiveComment(text, c))
          .map((c) => ({
            text: directiveText(commentBody(text, c), c.block),
            start: c.start,
            end: c.end,
            line: options.lineOf(c.start),
            endLine: options.lineOf(Math.max(c.start, c.end - 1)),
            // ESLint's language for .sql files reads its directives in every comment
            eslint: "sql" as const,
          })),
    };
  }
  if (kind === "code") {
    const code = extractCode(text, filePath, {
      ...(options.embedded ? { settings: options.embedded } : {}),
      ...(options.program ? { program: options.program } : {}),
      ...(options.visitorKeys ? { visitorKeys: options.visitorKeys } : {}),
      // `migrationTool: "none"` says the file is no migration: it wins over assumeInTransaction, as for SQL files
      assumeInTransaction: options.assumeInTransaction && options.migrationTool !== "none",
      project: codeProject(filePath, text, options.project, options.migrationTool),
    });
    const extraction: Extraction = {
      sql: code.parts.map((p) => ({ doc: p.doc, toHost: p.toHost })),
      text: textDoc,
      comments: () => codeDirectiveComments(code, options.lineOf),
    };
    if (code.error) extraction.notices = [{ offset: code.error.offset, severity: 2, fatal: true, message: code.error.message }];
    if (code.minified) {
      // Said, not skipped quietly: the file may have been meant to be read (see docs/embedded-sql.md).
      const chars = thousands(code.minified.chars);
      extraction.notices = [
        {
          offset: code.minified.offset,
          severity: 1,
          message: `minified or generated code (${chars} characters of code on this line): its strings were not read for SQL; list the file in the config's ignores to skip it`,
        },
      ];
    }
    return extraction;
  }
  return { sql: [], text: textDoc, comments: () => textComments(text, options.lineOf, filePath) };
}

/**
 * What the project says about a code file: the migration tool that runs it (knex, TypeORM…, or the
 * one the config's `migrationTool` names) and the packages it depends on, read when the extractor
 * asks (a file with no SQL never does).
 */
export function codeProject(filePath: string, text: string, project?: ProjectIndex, migrationTool?: ToolId | "none"): CodeProject {
  const index = () => project ?? diskProject();
  const dir = path.dirname(path.resolve(filePath));
  return {
    runModel: () => codeRunModelOf(filePath, text, { project: index(), migrationTool }),
    depends: (name) => index().npmDependency(dir, name) !== null,
  };
}

/**
 * The documents of a SQL file: one per unit its run model finds (goose's Up and Down sections,
 * each named query…), each knowing how it is sent. A unit's document reads the file up to the
 * unit's end from the unit's start, so every offset is the file's own.
 */
export function sqlDocuments(filePath: string, text: string, options: Pick<ExtractOptions, "assumeInTransaction" | "migrationTool" | "runModel" | "project">): SqlDocument[] {
  const model =
    options.runModel ??
    runModelOf(filePath, text, {
      migrationTool: options.migrationTool,
      assumeInTransaction: options.assumeInTransaction,
      directive: transactionDirective(text),
      project: options.project,
    });
  const lines = model.units.length > 1 ? lineIndex(text) : undefined;
  return model.units.map(
    (u) =>
      new SqlDocument(u.end === text.length ? text : text.slice(0, u.end), {
        kind: "script",
        comments: "directives",
        run: documentRun(model, u),
        ...(u.start > 0 ? { from: u.start } : {}),
        ...(u.breaks.length ? { breaks: u.breaks } : {}),
        ...(u.endsStatement ? { endsStatement: true } : {}),
        ...(u.params?.length ? { params: u.params } : {}),
        ...(lines ? { lines } : {}),
      }),
  );
}

/**
 * Directive comments of a code file: `//` and `/* *\/` comments of the code, and SQL comments
 * inside its SQL strings, all in host offsets. A `disable-next-line` comment in the code covers
 * the whole SQL string whose code starts on the next line, however many lines the string spans;
 * one in SQL covers the next line of the SQL text (which may share the host line when the
 * string writes its line breaks as `\n`).
 */
function codeDirectiveComments(code: CodeSql, lineOf: (offset: number) => number): DirectiveComment[] {
  const out: DirectiveComment[] = [];
  for (const c of code.comments) {
    const line = lineOf(c.start);
    const endLine = lineOf(Math.max(c.start, c.end - 1));
    const next = endLine + 1;
    let until = next;
    for (const p of code.parts) {
      if (p.anchors.some((a) => lineOf(a) === next)) until = Math.max(until, lineOf(Math.max(p.start, p.end - 1)));
    }
    // ESLint reads its directives in code comments, but not in a `/** … */` block
    const eslint = !c.block ? "code-line" : c.jsdoc ? undefined : "code-block";
    out.push({ text: c.text, start: c.start, end: c.end, line, endLine, next: { line: next, untilLine: until }, ...(eslint ? { eslint } : {}) });
  }
  for (const p of code.parts) {
    const sql = p.doc.sql;
    for (const c of p.doc.comments) {
      if (!isDirectiveComment(sql, c)) continue;
      const start = p.toHost(c.start);
      const end = Math.max(start, p.toHost(c.end, true));
      const directive: DirectiveComment = {
        text: directiveText(commentBody(sql, c), c.block),
        start,
        end,
        line: lineOf(start),
        endLine: lineOf(Math.max(start, end - 1)),
        // ESLint never sees a comment inside a string
        inString: true,
      };
      // the next line of the SQL text, wherever it sits in the host
      const nl = sql.slice(c.end).search(/\r\n?|\n/);
      if (nl >= 0) {
        const from = c.end + nl + (sql.startsWith("\r\n", c.end + nl) ? 2 : 1);
        const stop = sql.slice(from).search(/[\r\n]/);
        const to = stop < 0 ? sql.length : from + stop;
        const first = lineOf(p.toHost(from));
        directive.next = { line: first, untilLine: Math.max(first, lineOf(Math.max(p.toHost(from), p.toHost(to, true) - 1))) };
      }
      out.push(directive);
    }
  }
  return out;
}
