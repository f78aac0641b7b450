import { promises as fs } from "node:fs";
import path from "node:path";

/**
 * Writes a file through a temporary file next to it and a rename, so a reader (or a crash) sees
 * the old content or the new, never half of it. The temporary file is removed if anything fails.
 */
export async function writeFileAtomically(file: string, text: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.sqlguard-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    await fs.writeFile(tmp, text, { flag: "wx", ...(mode === undefined ? {} : { mode }) });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
