/**
 * The words of inline directives, recognised the same way in every kind of document: SQL comments
 * (`--`, `/* *\/`), code comments (`//`, `/* *\/`) and the comments of configuration files (`#`…).
 * A JSDoc-style block (`/** sqlguard-… *\/`, what editors write) reads like a plain one.
 *
 * ESLint's own directives (`eslint-disable…`, `eslint-enable`) are kept too where ESLint reads
 * them (SQL files and code comments): the command honours those that concern sqlguard's rules,
 * so a comment an editor wrote means the same to the hook (see engine/directives.ts).
 */

/** The directive text of a comment: its inside, with a JSDoc-style leading `*` dropped. */
export function directiveText(inside: string, block: boolean): string {
  return block && inside.startsWith("*") ? inside.slice(1) : inside;
}

/** Whether a comment's directive text is a sqlguard directive (`sqlguard-…`) or an ESLint disable/enable one. */
export function isDirective(text: string): boolean {
  let i = 0;
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  return text.startsWith("sqlguard-", i) || text.startsWith("eslint-disable", i) || text.startsWith("eslint-enable", i);
}

/** The file-level transaction directives: the whole file runs in, or out of, a transaction. */
export function fileTransactionDirective(text: string): "assume-in-transaction" | "no-transaction" | null {
  if (/^\s*sqlguard-assume-in-transaction\b/.test(text)) return "assume-in-transaction";
  if (/^\s*sqlguard-no-transaction\b/.test(text)) return "no-transaction";
  return null;
}
