/**
 * Extractors turn a file into documents: a SQL script is one script document; code files yield
 * one embedded document per SQL string (see embedded.ts); every text file is also a text
 * document for text rules. Each SQL document maps its offsets back to the host file.
 */
import path from "node:path";
import { SqlDocument } from "../sql/document.js";
import type { TextDocument } from "../engine/rule.js";
import type { DirectiveComment } from "../engine/directives.js";
import { commentBody } from "../sql/document.js";
import { textComments } from "./text-comments.js";

export const SQL_EXTENSIONS = [".sql", ".psql", ".pgsql"] as const;

export type FileKind = "sql" | "code" | "text";

export function fileKind(filePath: string): FileKind {
  const ext = path.extname(filePath).toLowerCase();
  if ((SQL_EXTENSIONS as readonly string[]).includes(ext)) return "sql";
  return "text";
}

/**
 * The text files a directory walk lints, beyond SQL: code (SQL strings, connection strings),
 * configuration and docs where connection strings get committed. Files named on the command line
 * are linted whatever their type (text rules only for unknown types); this list is only for walks.
 */
export const WALKED_EXTENSIONS: readonly string[] = [
  ...SQL_EXTENSIONS,
  // TypeScript / JavaScript
  ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs",
  // environment and configuration
  ".env", ".yml", ".yaml", ".json", ".toml", ".properties", ".ini", ".conf",
  // shell, containers, docs
  ".sh", ".bash", ".zsh", ".dockerfile", ".md", ".markdown",
];

/** Generated lockfiles: JSON/YAML, large, and never hold a connection string. */
const NOT_WALKED = new Set(["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock"]);

/** Whether a directory walk includes this file: `WALKED_EXTENSIONS`, `.env*`, `Dockerfile`, `Dockerfile.*`. */
export function isWalked(filePath: string): boolean {
  const base = path.basename(filePath).toLowerCase();
  if (NOT_WALKED.has(base)) return false;
  if (base.startsWith(".env")) return true; // .env, .env.production, .env.local, .envrc
  if (base === "dockerfile" || base.startsWith("dockerfile.") || base === "containerfile") return true;
  return WALKED_EXTENSIONS.includes(path.extname(base));
}

export interface SqlPart {
  doc: SqlDocument;
  /** Maps a document offset to an offset of the host file. */
  toHost(offset: number): number;
}

export interface Extraction {
  sql: SqlPart[];
  text: TextDocument;
  /** Comments that may hold directives, in host offsets; complete once every document was read. */
  comments(): DirectiveComment[];
}

export interface ExtractOptions {
  assumeInTransaction: boolean;
  /** 1-based line of a host offset. */
  lineOf(offset: number): number;
}

export function extract(filePath: string, text: string, options: ExtractOptions): Extraction {
  const kind = fileKind(filePath);
  const textDoc: TextDocument = { kind: "text", text, filePath };
  if (kind === "sql") {
    const doc = new SqlDocument(text, { kind: "script", assumeInTransaction: options.assumeInTransaction });
    return {
      sql: [{ doc, toHost: (o) => o }],
      text: textDoc,
      comments: () =>
        doc.comments
          .filter((c) => text.startsWith("sqlguard-", skipSpace(text, c.start + 2)))
          .map((c) => ({
            text: commentBody(text, c),
            start: c.start,
            end: c.end,
            line: options.lineOf(c.start),
            endLine: options.lineOf(Math.max(c.start, c.end - 1)),
          })),
    };
  }
  return { sql: [], text: textDoc, comments: () => textComments(text, options.lineOf, filePath) };
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  return i;
}
