/**
 * The run model's only I/O: a view of the disk that reads each folder listing and each file once,
 * synchronously (the ESLint plugin runs synchronously), and keeps them for the rest of the run.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import type { ProjectView } from "./project.js";

/** Files the view reads at most (lockfiles of large monorepos run to tens of megabytes). */
const MAX_READ = 64 * 1024 * 1024;

/** A view of the disk, caching every listing and file it reads. */
export function diskView(): ProjectView {
  const lists = new Map<string, readonly string[] | null>();
  const files = new Map<string, string | null>();
  return {
    list(dir) {
      let l = lists.get(dir);
      if (l === undefined) {
        try {
          l = readdirSync(dir, { withFileTypes: true }).map((d) => (d.isDirectory() ? `${d.name}/` : d.name));
        } catch {
          l = null;
        }
        lists.set(dir, l);
      }
      return l;
    },
    read(file) {
      let t = files.get(file);
      if (t === undefined) {
        try {
          t = statSync(file).size <= MAX_READ ? readFileSync(file, "utf8") : null;
        } catch {
          t = null;
        }
        files.set(file, t);
      }
      return t;
    },
  };
}

