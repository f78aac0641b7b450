/**
 * The words of inline directives, recognised the same way in every kind of document: SQL comments
 * (`--`, `/* *\/`), code comments (`//`, `/* *\/`) and the comments of configuration files (`#`…).
 * A JSDoc-style block (`/** sqlguard-… *\/`, what editors write) reads like a plain one.
 */

/** The directive text of a comment: its inside, with a JSDoc-style leading `*` dropped. */
export function directiveText(inside: string, block: boolean): string {
  return block && inside.startsWith("*") ? inside.slice(1) : inside;
}

/** Whether a comment's directive text is a sqlguard directive (`sqlguard-…`). */
export function isDirective(text: string): boolean {
  let i = 0;
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  return text.startsWith("sqlguard-", i);
}

/** The file-level transaction directives: the whole file runs in, or out of, a transaction. */
export function fileTransactionDirective(text: string): "assume-in-transaction" | "no-transaction" | null {
  if (/^\s*sqlguard-assume-in-transaction\b/.test(text)) return "assume-in-transaction";
  if (/^\s*sqlguard-no-transaction\b/.test(text)) return "no-transaction";
  return null;
}
