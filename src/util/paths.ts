/** Paths as sqlguard shows and matches them: relative to a folder, with `/` separators. */
import path from "node:path";

/** The path with `/` separators. */
export function posix(p: string): string {
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}

/**
 * The path of `file` relative to `dir`, with `/` separators, or null when it is not inside `dir`
 * (or is `dir` itself).
 */
export function relativeWithin(dir: string, file: string): string | null {
  const rel = path.relative(dir, path.resolve(dir, file));
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return null;
  return posix(rel);
}

/** The path to show for `file`: relative to `cwd` when inside it, else as given; `/` separators. */
export function shownPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return posix(file);
  return relativeWithin(cwd, file) ?? posix(file);
}
