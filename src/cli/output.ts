/**
 * The command's standard output and error, written with write(2) when that can be done safely,
 * without the stream objects Node creates on first use of process.stdout (a pipe's pulls in the
 * net and stream modules: about 4 ms of a one-file run's 130). A write the system cannot take at
 * once (a non-blocking pipe that is full), any other failure, and Windows go through Node's
 * stream as before, for that write and every later one (the order stays).
 */
import { fstatSync, statSync, writeSync } from "node:fs";

type Stream = NodeJS.WriteStream;

/** `sqlguard … | head`: the reader went away. Stop quietly, as other command-line tools do. */
function quietOnEpipe(stream: Stream): Stream {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  return stream;
}

export function outputTo(fd: 1 | 2): { write(s: string): void; isTTY(): boolean; columns(): number | undefined } {
  let stream: Stream | null = null;
  const getStream = () => (stream ??= quietOnEpipe(fd === 1 ? process.stdout : process.stderr));
  let direct = process.platform !== "win32";
  let gone = false;
  return {
    write(s: string) {
      if (gone) return;
      if (direct) {
        const bytes = Buffer.from(s, "utf8");
        let done = 0;
        try {
          while (done < bytes.length) done += writeSync(fd, bytes, done);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EPIPE") {
            // the reader went away: the rest of the output has nowhere to go; the run ends as usual
            gone = true;
            return;
          }
          direct = false;
          getStream().write(bytes.subarray(done));
          return;
        }
      }
      getStream().write(s);
    },
    isTTY() {
      if (process.platform === "win32") return Boolean(getStream().isTTY);
      try {
        const st = fstatSync(fd);
        // a file or a pipe is no terminal; nor is /dev/null, the one common character device that is not one
        if (!st.isCharacterDevice()) return false;
        const nul = statSync("/dev/null");
        if (st.rdev === nul.rdev) return false;
      } catch {
        // no answer from the system: ask Node
      }
      return Boolean(getStream().isTTY);
    },
    /** The terminal's width; ask only when `isTTY()` said the output is one. */
    columns() {
      return (getStream() as { columns?: number }).columns || undefined;
    },
  };
}
