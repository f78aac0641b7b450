/**
 * What the project around a file says, read through a small read-only view of the file system.
 * The decision (sql-file.ts, code-file.ts) is pure: it only asks this module, and this module only
 * asks the view. The view that reads the disk (disk.ts) is the one place with I/O.
 */
import path from "node:path";
import { compareVersions } from "./versions.js";

/** A read-only view of the files near the linted file. Paths are absolute. */
export interface ProjectView {
  /** A file's text, or null (absent, a folder, unreadable, larger than the view reads). */
  read(file: string): string | null;
  /** The names in a folder (sub-folders end with `/`), or null when it is not a folder. */
  list(dir: string): readonly string[] | null;
}

/** A view of files given in memory (tests, stdin), keyed by absolute path. */
export function memoryView(entries: Record<string, string>): ProjectView {
  const norm = new Map(Object.entries(entries).map(([k, v]) => [path.resolve(k), v]));
  return {
    read: (file) => norm.get(path.resolve(file)) ?? null,
    list(dir) {
      const d = path.resolve(dir) + path.sep;
      const out = new Set<string>();
      for (const k of norm.keys()) {
        if (!k.startsWith(d)) continue;
        const rest = k.slice(d.length);
        const cut = rest.indexOf(path.sep);
        out.add(cut < 0 ? rest : `${rest.slice(0, cut)}/`);
      }
      return out.size > 0 ? [...out] : null;
    },
  };
}

/** Migration tools whose command in a package.json script says the project uses them. */
const SCRIPT_TOOLS = new Set(["node-pg-migrate", "knex", "typeorm", "sequelize", "sequelize-cli", "db-migrate", "graphile-migrate", "drizzle-kit", "prisma", "dbmate", "mikro-orm"]);

/** A dependency a project declares, and the version its lockfile resolved (or its pinned spec). */
export interface Dependency {
  name: string;
  /** Resolved version (lockfile), or the version in the manifest when it is exact; null if unknown. */
  version: string | null;
  /** The manifest that declares it. */
  manifest: string;
  /** Where the version came from (a lockfile or the manifest), when known. */
  versionSource: string | null;
  /** Not declared: a script of the manifest runs it, and the lockfile installed it (with another package). */
  viaScript?: true;
}

/**
 * The facts of the folders above a file, each folder read once: its listing, its manifests
 * (package.json, go.mod, Cargo.toml) and lockfiles. Memoised per folder, so every file of a
 * migrations folder costs one lookup.
 */
export class ProjectIndex {
  private readonly ancestors = new Map<string, string[]>();
  private readonly npm = new Map<string, Map<string, Dependency>>();
  private readonly go = new Map<string, Map<string, Dependency>>();
  private readonly cargo = new Map<string, Map<string, Dependency>>();
  private readonly lockCache = new Map<string, string | null>();
  private readonly answers = new Map<string, Map<string, unknown>>();

  constructor(readonly view: ProjectView) {}

  /**
   * An answer about a folder that reads the project (which sqlx crate runs it, whether a Migrator
   * near it turns transactions off), worked out once per index: every file of the folder asks.
   * `question` names what is asked.
   */
  answer<T>(question: string, dir: string, work: () => T): T {
    let known = this.answers.get(question);
    if (!known) this.answers.set(question, (known = new Map()));
    if (known.has(dir)) return known.get(dir) as T;
    const found = work();
    known.set(dir, found);
    return found;
  }

  /** The folders between the crate whose Cargo.toml is nearest above `file` and the file (null: no crate). */
  crateFolders(file: string): string[] | null {
    const crate = this.nearest(path.dirname(file), ["Cargo.toml"]);
    return crate ? path.relative(crate.dir, file).split(/[\\/]/).slice(0, -1) : null;
  }

  /** Names in a folder (sub-folders end with `/`); empty when it is not one. */
  list(dir: string): readonly string[] {
    return this.view.list(dir) ?? [];
  }

  has(dir: string, name: string): boolean {
    return this.list(dir).includes(name);
  }

  read(file: string): string | null {
    return this.view.read(file);
  }

  /**
   * The folder of the file and those above it, nearest first, up to the repository root (the first
   * folder holding `.git`) or the file system's root.
   */
  folders(dir: string): string[] {
    let out = this.ancestors.get(dir);
    if (out) return out;
    out = [dir];
    if (!this.has(dir, ".git/") && !this.has(dir, ".git")) {
      const up = path.dirname(dir);
      if (up !== dir) out = [dir, ...this.folders(up)];
    }
    this.ancestors.set(dir, out);
    return out;
  }

  /** The nearest folder at or above `dir` holding one of `names`, and the name found. */
  nearest(dir: string, names: readonly string[]): { dir: string; name: string } | null {
    for (const d of this.folders(dir)) {
      const list = this.list(d);
      for (const n of names) if (list.includes(n)) return { dir: d, name: n };
    }
    return null;
  }

  /** An npm dependency declared by a package.json at or above `dir` (monorepos: any of them). */
  npmDependency(dir: string, name: string): Dependency | null {
    for (const d of this.folders(dir)) {
      const dep = this.npmDeps(d).get(name);
      if (dep) return dep;
    }
    return null;
  }

  /**
   * A package published under a scope with exactly this name, `@<scope>/<name>` (n8n's fork
   * `@n8n/typeorm` for `typeorm`), declared by a package.json at or above `dir`, nearest first.
   * Typings (`@types/<name>`) are not the package.
   */
  npmScoped(dir: string, name: string): Dependency | null {
    for (const d of this.folders(dir)) {
      for (const dep of this.npmDeps(d).values()) {
        const slash = dep.name.indexOf("/");
        if (dep.name.startsWith("@") && slash > 1 && dep.name.slice(slash + 1) === name && !dep.name.startsWith("@types/")) return dep;
      }
    }
    return null;
  }

  /** A Go module required by the nearest go.mod. */
  goModule(dir: string, module: string): Dependency | null {
    const mod = this.nearest(dir, ["go.mod"]);
    if (!mod) return null;
    const deps = this.goDeps(mod.dir);
    for (const [name, dep] of deps) if (name === module || name.startsWith(`${module}/`)) return dep;
    return null;
  }

  /** A crate the Cargo.toml files at or above `dir` depend on (a workspace root locks it). */
  crate(dir: string, name: string): Dependency | null {
    for (const d of this.folders(dir)) {
      const dep = this.cargoDeps(d).get(name);
      if (dep) return dep;
    }
    return null;
  }

  /**
   * A crate a member of a Cargo workspace depends on, the workspace's root manifest being at or
   * above `dir`: a migrations folder kept at the workspace's root, run by one of its crates.
   */
  workspaceCrate(dir: string, name: string): Dependency | null {
    for (const d of this.folders(dir)) {
      for (const m of this.workspaceMembers(d)) {
        const dep = this.cargoDeps(m).get(name);
        if (dep) return dep;
      }
    }
    return null;
  }

  /** The folders of the members of the Cargo workspace whose root manifest is `dir`'s Cargo.toml (not the root itself). */
  workspaceMembers(dir: string): string[] {
    if (!this.has(dir, "Cargo.toml")) return [];
    const out: string[] = [];
    for (const member of cargoWorkspaceMembers(this.read(path.join(dir, "Cargo.toml")) ?? "")) {
      for (const m of this.expandMember(dir, member.split("/").filter((s) => s !== "" && s !== "."))) if (m !== dir && !out.includes(m)) out.push(m);
    }
    return out;
  }

  /** What a Cargo.toml writes about one crate it depends on (requirement, features), or null. */
  crateEntry(manifest: string, name: string): CrateEntry | null {
    return cargoEntry(this.read(manifest) ?? "", name);
  }

  /** The folders a workspace member's path names (`crates/*`: each folder of crates/). */
  private expandMember(dir: string, segments: string[]): string[] {
    if (segments.length === 0) return [dir];
    const [head, ...rest] = segments;
    if (head === "..") return this.expandMember(path.dirname(dir), rest);
    if (!head!.includes("*")) return this.expandMember(path.join(dir, head!), rest);
    const re = new RegExp(`^${head!.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*")}/$`);
    return this.list(dir)
      .filter((n) => re.test(n))
      .flatMap((n) => this.expandMember(path.join(dir, n.slice(0, -1)), rest));
  }

  private npmDeps(dir: string): Map<string, Dependency> {
    let deps = this.npm.get(dir);
    if (deps) return deps;
    deps = new Map();
    this.npm.set(dir, deps);
    if (!this.has(dir, "package.json")) return deps;
    const manifest = path.join(dir, "package.json");
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(this.read(manifest) ?? "{}") as Record<string, unknown>;
    } catch {
      return deps;
    }
    for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
      const list = json[field];
      if (!list || typeof list !== "object") continue;
      for (const [name, spec] of Object.entries(list as Record<string, unknown>)) {
        if (deps.has(name) || typeof spec !== "string") continue;
        // The version is looked up in the lockfile when it is read, not here: each lookup scans
        // the whole lockfile, and only the few tools the run model asks about need one (a
        // project with 200 dependencies and a 2 MB package-lock.json paid seconds every run).
        let resolved: { version: string | null; versionSource: string | null } | undefined;
        const resolve = () => {
          if (!resolved) {
            const locked = this.lockedNpm(dir, name);
            const exact = exactSpec(spec);
            resolved = { version: locked?.version ?? exact, versionSource: locked?.source ?? (exact ? manifest : null) };
          }
          return resolved;
        };
        deps.set(name, {
          name,
          get version() {
            return resolve().version;
          },
          manifest,
          get versionSource() {
            return resolve().versionSource;
          },
        });
      }
    }
    // A tool run by a script that a dependency brings along (`"migrate": "node-pg-migrate up"`):
    // it counts when the lockfile installed it.
    const scripts = json.scripts;
    if (scripts && typeof scripts === "object") {
      for (const command of Object.values(scripts as Record<string, unknown>)) {
        if (typeof command !== "string") continue;
        for (const m of command.matchAll(/(?:^|[\s;&|(])(?:npx\s+|pnpm\s+(?:exec\s+)?|yarn\s+)?([a-z][\w.-]*)/g)) {
          const name = m[1]!;
          if (deps.has(name) || !SCRIPT_TOOLS.has(name)) continue;
          const locked = this.lockedNpm(dir, name);
          if (locked) deps.set(name, { name, version: locked.version, manifest, versionSource: locked.source, viaScript: true });
        }
      }
    }
    return deps;
  }

  /** The version of an npm package in the nearest lockfile at or above `dir`. */
  private lockedNpm(dir: string, name: string): { version: string; source: string } | null {
    const lock = this.nearest(dir, ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"]);
    if (!lock) return null;
    const file = path.join(lock.dir, lock.name);
    const text = this.lockText(file);
    if (!text) return null;
    const version = lockfileVersion(lock.name, text, name);
    return version ? { version, source: file } : null;
  }

  private lockText(file: string): string | null {
    let t = this.lockCache.get(file);
    if (t === undefined) {
      t = this.read(file);
      this.lockCache.set(file, t);
    }
    return t;
  }

  private goDeps(dir: string): Map<string, Dependency> {
    let deps = this.go.get(dir);
    if (deps) return deps;
    deps = new Map();
    this.go.set(dir, deps);
    const manifest = path.join(dir, "go.mod");
    const text = this.read(manifest);
    if (!text) return deps;
    // `require x v1` lines and `require ( … )` blocks
    const add = (line: string) => {
      const m = /^\s*([\w.\-/~]+)\s+(v[\w.\-+]+)/.exec(line);
      if (m) deps!.set(m[1]!, { name: m[1]!, version: m[2]!.replace(/^v/, "").replace(/\+incompatible$/, ""), manifest, versionSource: manifest });
    };
    let inBlock = false;
    for (const line of text.split(/\r?\n/)) {
      if (inBlock) {
        if (/^\s*\)/.test(line)) inBlock = false;
        else add(line);
      } else if (/^require\s*\(\s*$/.test(line)) inBlock = true;
      else if (/^require\s+/.test(line)) add(line.replace(/^require\s+/, ""));
    }
    return deps;
  }

  private cargoDeps(dir: string): Map<string, Dependency> {
    let deps = this.cargo.get(dir);
    if (deps) return deps;
    deps = new Map();
    this.cargo.set(dir, deps);
    if (!this.has(dir, "Cargo.toml")) return deps;
    const manifest = path.join(dir, "Cargo.toml");
    const text = this.read(manifest) ?? "";
    const lock = this.nearest(dir, ["Cargo.lock"]);
    const lockText = lock ? this.lockText(path.join(lock.dir, lock.name)) : null;
    // `diesel = "2"`, `diesel = { version = "2", … }`, `[dependencies.diesel]`, `diesel.workspace = true`
    for (const m of text.matchAll(/^\s*(?:\[(?:[\w-]+\.)*dependencies\.)?([A-Za-z][\w-]*)(?:\]|\s*(?:\.workspace\s*)?=)/gm)) {
      const name = m[1]!;
      if (deps.has(name) || /^(package|workspace|features|dependencies|dev-dependencies|build-dependencies|lib|bin|profile|name|version|edition|members|resolver)$/.test(name)) continue;
      const locked = lockText ? cargoLockVersion(lockText, name) : null;
      deps.set(name, { name, version: locked, manifest, versionSource: locked && lock ? path.join(lock.dir, lock.name) : null });
    }
    return deps;
  }
}

/** A package's version in an npm, pnpm, yarn or bun lockfile (the highest, when several are locked). */
export function lockfileVersion(kind: string, text: string, name: string): string | null {
  const esc = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const found: string[] = [];
  let re: RegExp;
  switch (kind) {
    case "package-lock.json":
    case "npm-shrinkwrap.json":
      // "node_modules/prisma": { "version": "6.19.3", …
      re = new RegExp(`"(?:[^"]*/)?node_modules/${esc}"\\s*:\\s*\\{[^{}]*?"version"\\s*:\\s*"([^"]+)"`, "g");
      break;
    case "pnpm-lock.yaml":
      // `/prisma@6.19.3:` (v6), `prisma@6.19.3:` (v9), `/prisma/6.19.3:` (v5)
      re = new RegExp(`^\\s+['"]?/?${esc}[@/](\\d[^:('"\\s]*)`, "gm");
      break;
    case "yarn.lock":
      // `prisma@^6.19.0:` / `"prisma@npm:^6":` then `  version "6.19.3"` or `  version: 6.19.3`
      re = new RegExp(`^"?${esc}@[^\\n]*:\\s*\\n\\s+version:?\\s+"?([^"\\s]+)`, "gm");
      break;
    case "bun.lock":
      // "prisma": ["prisma@6.19.3", …
      re = new RegExp(`"${esc}"\\s*:\\s*\\[\\s*"${esc}@([^"]+)"`, "g");
      break;
    default:
      return null;
  }
  for (const m of text.matchAll(re)) found.push(m[1]!);
  if (found.length === 0) return null;
  return found.sort(compareVersions)[found.length - 1]!;
}

/** What a Cargo.toml writes about one dependency, in every table that names it. */
export interface CrateEntry {
  /** The version requirement (`0.8`, `=0.7.4`, `^0.8.2`), when one is written. */
  spec: string | null;
  /** The features turned on, from every table naming the crate (dependencies, dev-dependencies…). */
  features: string[];
  /** `workspace = true`: the workspace's root manifest declares it too (its features add to these). */
  inherited: boolean;
}

/** The text of a TOML line without its comment (a `#` outside a string). */
function uncomment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

/**
 * The TOML value starting at `at` (a string, an inline table, an array, or a bare word), as written:
 * brackets are matched outside strings, so an inline table's array may span lines.
 */
function tomlValue(text: string, at: number): string {
  let depth = 0;
  let quote = "";
  for (let i = at; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) {
        quote = "";
        if (depth === 0) return text.slice(at, i + 1);
      }
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") {
      const nl = text.indexOf("\n", i);
      if (depth === 0) return text.slice(at, i);
      i = nl < 0 ? text.length : nl - 1;
    } else if (c === "{" || c === "[") depth++;
    else if (depth === 0 && (c === "\n" || c === "\r" || c === "," || c === "}" || c === "]")) return text.slice(at, i);
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return text.slice(at, i + 1);
    }
  }
  return text.slice(at);
}

const stringsOf = (value: string): string[] => [...value.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]!);

/**
 * What a Cargo.toml writes about crate `name`: `name = "0.8"`, `name = { version = "0.8", features
 * = [...] }`, `name.workspace = true`, or a `[dependencies.name]` table, in any dependencies table
 * (dev-, build-, target-specific, the workspace's). Null when no table names it.
 */
export function cargoEntry(text: string, name: string): CrateEntry | null {
  const esc = name.replace(/[-]/g, "\\-");
  const entry: CrateEntry = { spec: null, features: [], inherited: false };
  let found = false;
  const take = (key: string, value: string) => {
    if (key === "version") entry.spec ??= stringsOf(value)[0] ?? null;
    else if (key === "features") entry.features.push(...stringsOf(value).filter((f) => !entry.features.includes(f)));
    else if (key === "workspace" && /^true\b/.test(value.trim())) entry.inherited = true;
  };
  // the table the line is in: a dependencies table, this crate's own table, or another
  let table: "deps" | "own" | "other" = "other";
  const lines = text.split("\n");
  let offset = 0;
  for (const raw of lines) {
    const lineStart = offset;
    offset += raw.length + 1;
    const line = uncomment(raw).trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      const h = header[1]!.replace(/\s+/g, "");
      table = new RegExp(`(?:^|\\.)(?:dev-|build-)?dependencies\\.${esc}$`).test(h) ? "own" : /(?:^|\.)(?:dev-|build-)?dependencies$/.test(h) ? "deps" : "other";
      if (table === "own") found = true;
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*/.exec(line);
    if (!kv || table === "other") continue;
    const at = lineStart + raw.indexOf("=", raw.indexOf(kv[1]!) + kv[1]!.length) + 1;
    const value = tomlValue(text, at + (/^\s*/.exec(text.slice(at))![0].length)).trim();
    if (table === "own") {
      take(kv[1]!, value);
      continue;
    }
    const key = kv[1]!;
    if (key === name) {
      found = true;
      if (value.startsWith("{")) {
        const inner = value.slice(1, -1);
        for (const m of inner.matchAll(/(?:^|[{,])\s*([A-Za-z_-]+)\s*=\s*/g)) take(m[1]!, tomlValue(inner, m.index + m[0].length));
      } else entry.spec ??= stringsOf(value)[0] ?? null;
    } else if (key.startsWith(`${name}.`)) {
      found = true;
      take(key.slice(name.length + 1), value);
    }
  }
  return found ? entry : null;
}

/** The member paths of a Cargo.toml's `[workspace]` table (`members = ["app", "crates/*"]`). */
export function cargoWorkspaceMembers(text: string): string[] {
  const at = /^\s*\[\s*workspace\s*\]/m.exec(text);
  if (!at) return [];
  const rest = text.slice(at.index + at[0].length);
  const end = /^\s*\[/m.exec(rest)?.index ?? rest.length;
  const table = rest.slice(0, end);
  const m = /^\s*members\s*=\s*/m.exec(table);
  if (!m) return [];
  const value = tomlValue(table, m.index + m[0].length);
  return stringsOf(value.split("\n").map(uncomment).join("\n"));
}

/** A crate's version in Cargo.lock (`name = "diesel"` then `version = "2.3.7"`). */
export function cargoLockVersion(text: string, name: string): string | null {
  const esc = name.replace(/[-]/g, "\\-");
  const m = new RegExp(`^name = "${esc}"\\r?\\nversion = "([^"]+)"`, "m").exec(text);
  return m ? m[1]! : null;
}

/**
 * The exact version a package.json spec pins, or null for a range: `0.3.20`, and the same behind an
 * alias or a patch (`npm:typeorm@0.3.20`, yarn's `patch:typeorm@npm%3A0.3.20#./patches/x.patch`,
 * which twenty writes).
 */
export function exactSpec(spec: string): string | null {
  const pinned = /^(?:npm:|patch:)(?:@[^@/]+\/)?[^@]+@(?:npm(?::|%3A))?([^#]+)(?:#.*)?$/.exec(spec)?.[1] ?? spec;
  return /^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(pinned) ? pinned : null;
}
