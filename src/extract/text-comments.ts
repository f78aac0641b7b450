/**
 * Directive comments in text files that sqlguard does not parse (.env, YAML, TOML, INI, shell,
 * Dockerfile, Markdown…), in each type's own comment syntax: `# sqlguard-disable-next-line rule --
 * reason` in .env/YAML/TOML/shell/Dockerfile/.conf/.properties, `;` or `#` in INI, `<!-- … -->` in
 * Markdown (so SQL samples in a fenced block are not directives), none in JSON. Code files get
 * theirs from their own parser (`//` comments), never from here. A marker counts at the start of a
 * line or after a space: `DATABASE_URL=… # sqlguard-disable-line no-prod-connection-string`.
 */
import path from "node:path";
import type { DirectiveComment } from "../engine/directives.js";
import { CODE_EXTENSIONS } from "./extensions.js";

const CODE = new Set<string>(CODE_EXTENSIONS);

/** The comment markers of a file type ("" for none). */
function markers(filePath: string): string[] {
  const ext = path.extname(filePath).toLowerCase();
  if (CODE.has(ext) || ext === ".json") return [];
  if (ext === ".md" || ext === ".markdown") return ["<!--"];
  if (ext === ".ini") return [";", "#"];
  if (ext === ".properties") return ["#", "!"];
  return ["#"];
}

export function textComments(text: string, lineOf: (offset: number) => number, filePath: string): DirectiveComment[] {
  if (!text.includes("sqlguard-")) return [];
  const kinds = markers(filePath);
  if (kinds.length === 0) return [];
  const re = new RegExp(`(${kinds.map((k) => k.replace(/[.*+?^${}()|[\]\\!]/g, "\\$&")).join("|")})[ \\t]*(?=sqlguard-(?:disable|enable))`, "g");
  const out: DirectiveComment[] = [];
  for (let m; (m = re.exec(text)); ) {
    const before = m.index === 0 ? "\n" : text[m.index - 1]!;
    if (!/\s/.test(before)) continue;
    let end = text.length;
    for (let i = m.index; i < text.length; i++) {
      if (text[i] === "\n" || text[i] === "\r") {
        end = i;
        break;
      }
    }
    let body = text.slice(m.index + m[1]!.length, end);
    if (m[1] === "<!--") {
      const close = body.indexOf("-->");
      if (close < 0) continue;
      body = body.slice(0, close);
      end = m.index + m[1]!.length + close + 3;
    }
    const line = lineOf(m.index);
    out.push({ text: body, start: m.index, end, line, endLine: line });
    re.lastIndex = end;
  }
  return out;
}
