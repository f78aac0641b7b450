import { quotePath } from "../util/file-names.js";
import { shownPath } from "../util/paths.js";

/**
 * A path for display: relative to cwd when inside it, with `/` separators, and quoted the way
 * git quotes it when it holds a line break or another control character, `"`, `\` or a byte
 * that is not UTF-8 (`"a\nb.sql"`, `"lat\351.sql"`): one line per name, and no two alike.
 */
export function displayPath(file: string, cwd: string): string {
  return quotePath(plainPath(file, cwd));
}

/** The same path, unquoted (for formats with escaping of their own). */
export function plainPath(file: string, cwd: string): string {
  return shownPath(file, cwd);
}
