import { constants, promises as fs, renameSync, rmSync, writeFileSync, type Stats } from "node:fs";
import path from "node:path";
import { decodeName, fsPath, quotePath } from "./file-names.js";

/**
 * Writes a file through a temporary file next to it and a rename, so a reader (or a crash) sees
 * the old content or the new, never half of it. The temporary file is removed if anything fails.
 * For files sqlguard creates itself (the cache); user files go through `replaceFileContent`.
 */
export async function writeFileAtomically(file: string, text: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = tempName(file);
  try {
    await fs.writeFile(tmp, text, { flag: "wx", ...(mode === undefined ? {} : { mode }) });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** `writeFileAtomically`, synchronous (verify's cache and its database dumps). */
export function writeFileAtomicallySync(file: string, data: string | Uint8Array): void {
  const tmp = tempName(file);
  try {
    writeFileSync(tmp, data, { flag: "wx" });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.sqlguard-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/** Why a file was not written, in words for the user (`message`). */
export class WriteRefused extends Error {}

/** What the file was when it was read: a write is refused if it changed since. */
export interface ReadStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function stampOf(st: Stats): ReadStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

/**
 * Replaces the content of a user's file, keeping everything else about it, the way an editor
 * saves:
 * - a symbolic link stays a link: its target is written;
 * - mode (set explicitly, whatever the umask), owner and group are kept;
 * - a read-only file is refused. Root may write anything, so for root "read-only" is read from
 *   the mode bits: a file nobody may write (`chmod a-w`, mode 0444) was protected on purpose;
 * - normally through a temporary file beside it and a rename (atomic: never half a file). Where a
 *   rename would change what the file is, it is rewritten in place instead: a file with other
 *   hard links (they would keep the old content) or one whose owner cannot be given to a new file
 *   (another user's file we may write to);
 * - with `stamp`, a file that changed since it was read is not overwritten.
 * Throws `WriteRefused` with a message naming what could not be written (file or folder).
 */
export async function replaceFileContent(file: string, data: Uint8Array, stamp?: ReadStamp): Promise<void> {
  let target: string;
  let st: Stats;
  try {
    target = decodeName(await fs.realpath(fsPath(file), { encoding: "buffer" }));
    st = await fs.stat(fsPath(target));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new WriteRefused("the file is gone (deleted or moved while it was being fixed)");
    throw new WriteRefused(describe(e, "the file"));
  }
  if (!st.isFile()) throw new WriteRefused("not a regular file");
  if (stamp && (st.size !== stamp.size || st.mtimeMs !== stamp.mtimeMs || st.ino !== stamp.ino)) {
    // Already what it would be (the same file fixed under two names, through a link): done.
    if (st.size === data.length && Buffer.from(data).equals(await fs.readFile(fsPath(target)).catch(() => Buffer.alloc(0)))) return;
    throw new WriteRefused("the file changed while it was being fixed; run sqlguard --fix again");
  }
  const mode = st.mode & 0o7777;
  const root = process.getuid?.() === 0;
  const readOnly = `the file is read-only (mode ${octal(mode)}); --fix leaves write-protected files alone (chmod u+w to let it fix this one)`;
  if (root && (mode & 0o222) === 0) throw new WriteRefused(readOnly);
  try {
    await fs.access(fsPath(target), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EROFS") throw new WriteRefused("the file is on a read-only file system");
    if ((mode & 0o222) === 0) throw new WriteRefused(readOnly);
    throw new WriteRefused(`no permission to write the file (mode ${octal(mode)}, owner ${st.uid})`);
  }
  if (st.nlink > 1) return writeInPlace(target, data);

  const dir = path.dirname(target);
  const tmp = tempName(target);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(fsPath(tmp), "wx", 0o600);
  } catch (e) {
    throw new WriteRefused(describe(e, `in folder ${quotePath(dir)}`, " (--fix writes a temporary file beside the file, then renames it over the file)"));
  }
  let inPlace = false;
  try {
    try {
      await handle.writeFile(data);
      // A new file is ours: give it the file's owner and group (root can; a user can keep their
      // own and any group they belong to). chown clears set-id bits, so the mode comes after.
      if (st.uid !== process.getuid?.() || st.gid !== process.getgid?.()) {
        try {
          await handle.chown(st.uid, st.gid);
        } catch {
          inPlace = true; // another user's file: rewrite it where it is rather than take it over
        }
      }
      if (!inPlace) await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    if (!inPlace) await fs.rename(fsPath(tmp), fsPath(target));
  } catch (e) {
    await fs.rm(fsPath(tmp), { force: true }).catch(() => undefined);
    throw new WriteRefused(describe(e, "the file"));
  }
  if (inPlace) {
    await fs.rm(fsPath(tmp), { force: true }).catch(() => undefined);
    await writeInPlace(target, data);
  }
}

/** Overwrites the file's bytes where it is (same inode: links, owner, mode untouched). */
async function writeInPlace(target: string, data: Uint8Array): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(fsPath(target), "r+");
  } catch (e) {
    throw new WriteRefused(describe(e, "the file"));
  }
  try {
    // write first, then cut: a full disk leaves the old bytes after the new ones, never nothing
    await handle.write(data, 0, data.length, 0);
    await handle.truncate(data.length);
  } catch (e) {
    throw new WriteRefused(describe(e, "the file"));
  } finally {
    await handle.close();
  }
}

function describe(e: unknown, what: string, more = ""): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return `cannot write ${what}: permission denied${more}`;
  if (code === "EROFS") return `cannot write ${what}: read-only file system`;
  if (code === "ENOSPC") return `cannot write ${what}: no space left on the device`;
  if (code === "EDQUOT") return `cannot write ${what}: disk quota exceeded`;
  return `cannot write ${what} (${code ?? (e as Error).message})${more}`;
}

function octal(mode: number): string {
  return "0" + mode.toString(8).padStart(3, "0");
}
