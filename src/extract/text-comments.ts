/**
 * Directive comments in text files that sqlguard does not parse (.env, YAML, TOML, INI, shell,
 * Dockerfile, Markdown…): `# sqlguard-disable-next-line rule -- reason`, and the same after `//`,
 * `--`, `;`, `<!-- … -->` or `/* … *\/`. A marker counts at the start of a line or after a space
 * (a trailing comment: `DATABASE_URL=… # sqlguard-disable-line no-prod-connection-string`).
 */
import type { DirectiveComment } from "../engine/directives.js";

const MARKER = /(#|\/\/|--|;|<!--|\/\*)[ \t]*(?=sqlguard-(?:disable|enable))/g;

export function textComments(text: string, lineOf: (offset: number) => number): DirectiveComment[] {
  if (!text.includes("sqlguard-")) return [];
  const out: DirectiveComment[] = [];
  MARKER.lastIndex = 0;
  for (let m; (m = MARKER.exec(text)); ) {
    const before = m.index === 0 ? "\n" : text[m.index - 1]!;
    if (!/[\s]/.test(before)) continue;
    let end = text.length;
    for (let i = m.index; i < text.length; i++) {
      if (text[i] === "\n" || text[i] === "\r") {
        end = i;
        break;
      }
    }
    let body = text.slice(m.index + m[1]!.length, end);
    if (m[1] === "<!--") body = body.replace(/-->\s*$/, "");
    else if (m[1] === "/*") body = body.replace(/\*\/\s*$/, "");
    const line = lineOf(m.index);
    out.push({ text: body, start: m.index, end, line, endLine: line });
    MARKER.lastIndex = end;
  }
  return out;
}
