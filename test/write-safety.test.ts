/**
 * `--fix` writes a file back the way an editor saves it: through a symbolic link to its target,
 * keeping the mode (whatever the umask), owner and group and hard links; never a read-only file;
 * never over a change made since it was read; and when it cannot write, it says whether the file
 * or its folder is the problem. The other files of the run are still fixed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeAtomically } from "../src/cli/main.js";
import { bin, skip, tempDir } from "./helpers.js";
import { cli } from "./in-process.js";

const test = suite("write-safety");
const isRoot = process.getuid?.() === 0;

test("a symbolic link stays a link, and its target is fixed", async () => {
  const dir = tempDir({ "real/a.sql": "SELECT 1", "b.sql": "SELECT 2" });
  symlinkSync("real/a.sql", path.join(dir, "link.sql"));
  const r = await cli(["--fix", "-f", "compact", "link.sql", "b.sql"], { cwd: dir });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.ok(lstatSync(path.join(dir, "link.sql")).isSymbolicLink(), "still a link");
  assert.is(readFileSync(path.join(dir, "real/a.sql"), "utf8"), "SELECT 1;");
  assert.is(readFileSync(path.join(dir, "b.sql"), "utf8"), "SELECT 2;");
  // the same file reached under two names (the walk finds the link and its target): fixed once, no error
  writeFileSync(path.join(dir, "real/a.sql"), "SELECT 3");
  const both = await cli(["--fix", "-f", "compact", "link.sql", "real/a.sql"], { cwd: dir });
  assert.is(both.code, 0, both.stdout);
  assert.is(readFileSync(path.join(dir, "real/a.sql"), "utf8"), "SELECT 3;");
  assert.ok(lstatSync(path.join(dir, "link.sql")).isSymbolicLink());
  assert.equal(readdirSync(path.join(dir, "real")), ["a.sql"], "no temporary file left");
});

test("modes are kept exactly, whatever the umask (664, 666, 775, 777, 640, setgid)", async () => {
  const modes = [0o664, 0o666, 0o775, 0o777, 0o640, 0o2755];
  const files = Object.fromEntries(modes.map((m) => [`m${m.toString(8)}.sql`, "SELECT 1"]));
  const dir = tempDir(files);
  for (const m of modes) chmodSync(path.join(dir, `m${m.toString(8)}.sql`), m);
  const old = process.umask(0o077);
  try {
    const r = await cli(["--fix", "."], { cwd: dir });
    assert.is(r.code, 0, r.stdout);
  } finally {
    process.umask(old);
  }
  for (const m of modes) {
    const p = path.join(dir, `m${m.toString(8)}.sql`);
    assert.is(readFileSync(p, "utf8"), "SELECT 1;");
    assert.is((statSync(p).mode & 0o7777).toString(8), m.toString(8), `mode of ${p}`);
  }
});

const OWNER = "owner and group are kept (as root: a file of uid 1234)";
if (!isRoot) skip(test, OWNER, "only root can give a file to another user");
else test(OWNER, async () => {
  const dir = tempDir({ "theirs.sql": "SELECT 1" });
  chownSync(path.join(dir, "theirs.sql"), 1234, 1234);
  const r = await cli(["--fix", "theirs.sql"], { cwd: dir });
  assert.is(r.code, 0, r.stdout);
  const st = statSync(path.join(dir, "theirs.sql"));
  assert.is(readFileSync(path.join(dir, "theirs.sql"), "utf8"), "SELECT 1;");
  assert.equal([st.uid, st.gid], [1234, 1234]);
});

test("hard links keep sharing the fixed content", async () => {
  const dir = tempDir({ "a.sql": "SELECT 1" });
  linkSync(path.join(dir, "a.sql"), path.join(dir, "b.txt"));
  const ino = statSync(path.join(dir, "a.sql")).ino;
  const r = await cli(["--fix", "a.sql"], { cwd: dir });
  assert.is(r.code, 0, r.stdout);
  assert.is(readFileSync(path.join(dir, "b.txt"), "utf8"), "SELECT 1;");
  assert.is(statSync(path.join(dir, "a.sql")).ino, ino);
});

test("a read-only file (0444) is not written, even by root: a clear error on it; the other files are fixed", async () => {
  const dir = tempDir({ "ro.sql": "SELECT 1", "rw.sql": "SELECT 2" });
  chmodSync(path.join(dir, "ro.sql"), 0o444);
  const r = await cli(["--fix", "-f", "compact", "."], { cwd: dir });
  assert.is(r.code, 1, r.stdout);
  assert.is(readFileSync(path.join(dir, "ro.sql"), "utf8"), "SELECT 1");
  assert.is(statSync(path.join(dir, "ro.sql")).mode & 0o777, 0o444);
  assert.is(readFileSync(path.join(dir, "rw.sql"), "utf8"), "SELECT 2;");
  assert.match(
    r.stdout,
    "ro.sql: line 1, col 1, Error - could not write the fixes: the file is read-only (mode 0444); --fix leaves write-protected files alone (chmod u+w to let it fix this one); the file was left as it was",
  );
  assert.not.match(r.stdout, "rw.sql");
  assert.equal(readdirSync(dir).sort(), ["ro.sql", "rw.sql"]);
});

test("a file changed since it was read is not overwritten", async () => {
  const dir = tempDir({ "a.sql": "SELECT 1" });
  const file = path.join(dir, "a.sql");
  const st = statSync(file);
  writeFileSync(file, "SELECT 1; -- edited meanwhile\n");
  let error = "";
  try {
    await writeAtomically(file, "SELECT 1;", { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
  } catch (e) {
    error = (e as Error).message;
  }
  assert.is(error, "could not write the fixes: the file changed while it was being fixed; run sqlguard --fix again");
  assert.is(readFileSync(file, "utf8"), "SELECT 1; -- edited meanwhile\n");
});

const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
const UNWRITABLE = "a file or a folder that cannot be written: the error names which; the others are fixed (a real process, another user)";
if (isRoot && !setpriv) skip(test, UNWRITABLE, "running as root, and no setpriv to drop the permissions");
else test(UNWRITABLE, () => {
  const dir = tempDir({ "open/a.sql": "SELECT 1", "locked/b.sql": "SELECT 2", "locked/c.sql": "SELECT 3" });
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, "locked"), { recursive: true });
  if (isRoot) {
    // as uid 65534: open/ and its file are its own; locked/ is root's, b.sql too, c.sql anyone may write
    chownSync(path.join(dir, "open"), 65534, 65534);
    chownSync(path.join(dir, "open/a.sql"), 65534, 65534);
    chmodSync(path.join(dir, "locked/b.sql"), 0o644);
    chmodSync(path.join(dir, "locked/c.sql"), 0o666);
  } else {
    chmodSync(path.join(dir, "locked/b.sql"), 0o444);
    chmodSync(path.join(dir, "locked"), 0o555);
  }
  const args = [bin, "--fix", "-f", "compact", "."];
  const command = isRoot ? [setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...args] : [process.execPath, ...args];
  const r = spawnSync(command[0]!, command.slice(1), { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (!isRoot) chmodSync(path.join(dir, "locked"), 0o755);
  assert.is(r.stderr, "");
  assert.is(r.status, 1, r.stdout);
  assert.is(readFileSync(path.join(dir, "open/a.sql"), "utf8"), "SELECT 1;");
  assert.is(readFileSync(path.join(dir, "locked/b.sql"), "utf8"), "SELECT 2");
  assert.is(readFileSync(path.join(dir, "locked/c.sql"), "utf8"), "SELECT 3");
  const b = isRoot ? "no permission to write the file (mode 0644, owner 0)" : "the file is read-only (mode 0444)";
  assert.match(r.stdout, `locked/b.sql: line 1, col 1, Error - could not write the fixes: ${b}`);
  assert.match(
    r.stdout,
    `locked/c.sql: line 1, col 1, Error - could not write the fixes: cannot write in folder ${path.join(dir, "locked")}: permission denied (--fix writes a temporary file beside the file, then renames it over the file); the file was left as it was`,
  );
  assert.not.match(r.stdout, "EACCES");
  assert.equal(readdirSync(path.join(dir, "locked")).sort(), ["b.sql", "c.sql"]);
});

test.run();
