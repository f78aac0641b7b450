/**
 * `--format github`: GitHub Actions workflow commands, one per problem, which the runner turns
 * into annotations on the pull request's diff:
 *
 *   ::error file=db/fix.sql,line=3,col=1,endLine=3,endColumn=19,title=sqlguard (require-where)::DELETE without WHERE…
 *
 * Escaping follows GitHub's workflow-command rules (as @actions/core does): in the message `%`,
 * CR and LF become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A`, `%2C`.
 * Columns are only given for a range on one line (GitHub ignores them across lines). Paths are
 * relative to GitHub's workspace ($GITHUB_WORKSPACE, the checkout), so annotations land on the
 * right files when sqlguard runs in a subfolder (a package of a monorepo); else to the working folder.
 *
 * It reads only the results, whose messages already have secrets replaced.
 */
import type { FileResult } from "../engine/types.js";
import type { ReportContext } from "./types.js";
import { hasEscapedBytes } from "../util/file-names.js";
import { displayPath, plainPath } from "./paths.js";

export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * The file as GitHub must read it to put the annotation on it: the real name (property escaping
 * carries CR and LF); a name with another control character or bytes that are not UTF-8, which
 * no annotation can point at anyway, is quoted as git shows it.
 */
function annotationPath(file: string, base: string): string {
  const plain = plainPath(file, base);
  return /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/.test(plain) || hasEscapedBytes(plain) ? displayPath(file, base) : plain;
}

export function github(results: FileResult[], context: ReportContext): string {
  const lines: string[] = [];
  for (const r of results) {
    const file = annotationPath(r.filePath, context.workspace ?? context.cwd);
    for (const m of r.messages) {
      const props: [string, string | number][] =
        m.endLine === m.line
          ? [["file", file], ["line", m.line], ["col", m.column], ["endLine", m.endLine], ["endColumn", Math.max(m.endColumn, m.column)]]
          : [["file", file], ["line", m.line], ["endLine", m.endLine]];
      props.push(["title", m.ruleId ? `sqlguard (${m.ruleId})` : "sqlguard"]);
      const command = m.severity === 2 ? "error" : "warning";
      const text = m.help ? `${m.message}\nhelp: ${m.help}` : m.message;
      lines.push(`::${command} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(",")}::${escapeData(text)}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}
