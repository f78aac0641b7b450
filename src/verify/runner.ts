/**
 * A PGlite instance, run apart: a child process (verify-child.ts) hosting a worker thread with a
 * big stack (verify-worker.ts) that owns PGlite. Every request has a deadline: PGlite ignores
 * `statement_timeout`, so a statement that does not finish in time gets the whole process killed,
 * and the request fails with `RunnerDied` ("timeout"). A PANIC, an abort or a crash of the process
 * fails it the same way ("crash"). After that the runner is gone; the caller starts a new one
 * from a dump if it wants to go on.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PgError, Reply, Request } from "./protocol.js";

export class RunnerDied extends Error {
  constructor(
    readonly kind: "timeout" | "crash",
    message: string,
  ) {
    super(message);
    this.name = "RunnerDied";
  }
}

/** A request PostgreSQL answered with an error. */
export class PgFailure extends Error {
  constructor(
    readonly error: PgError,
    readonly reply: Reply,
  ) {
    super(error.message);
    this.name = "PgFailure";
  }
}

export interface RunnerOptions {
  /** A gzip data-directory dump to start from; null: a fresh cluster. */
  load: string | null;
  extensions: string[];
  /** Deadline of one request, in milliseconds. */
  timeoutMs: number;
  /** Deadline of the start (a fresh cluster runs initdb). */
  startTimeoutMs?: number;
  /** Called with what the process printed when it died (for SQLGUARD_DEBUG). */
  debug?: (text: string) => void;
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Runner {
  private child: ChildProcess | null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: RunnerDied | null = null;
  private tail = "";

  private constructor(
    child: ChildProcess,
    private readonly options: RunnerOptions,
  ) {
    this.child = child;
    const keep = (d: Buffer) => {
      this.tail = (this.tail + d.toString("utf8")).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("message", (m: Reply | { crashed: string }) => {
      if ("crashed" in m) {
        this.die(new RunnerDied("crash", m.crashed));
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    child.on("exit", (code, signal) => {
      this.child = null;
      this.die(new RunnerDied("crash", `PGlite's process ended (${signal ?? `exit code ${code}`})`));
    });
    child.on("error", (e) => this.die(new RunnerDied("crash", `PGlite's process failed: ${e.message}`)));
  }

  static async start(options: RunnerOptions): Promise<Runner> {
    const script = fileURLToPath(new URL("./verify-child.js", import.meta.url));
    const child = fork(script, [], { serialization: "advanced", stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv: [] });
    const runner = new Runner(child, options);
    try {
      await runner.must({ op: "start", load: options.load, extensions: options.extensions }, options.startTimeoutMs ?? Math.max(options.timeoutMs, 300_000));
    } catch (e) {
      await runner.close();
      throw e instanceof PgFailure ? new RunnerDied("crash", `PGlite did not start: ${e.message}`) : e;
    }
    return runner;
  }

  get alive(): boolean {
    return this.dead === null;
  }

  private die(e: RunnerDied): void {
    if (this.dead) return;
    this.dead = e;
    if (this.options.debug && this.tail.trim()) this.options.debug(this.tail);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
    if (this.child) {
      this.child.kill("SIGKILL");
      this.child = null;
    }
  }

  /** Sends a request; resolves with the reply whatever PostgreSQL said (see `ok`). */
  request(req: Request, timeoutMs = this.options.timeoutMs): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const what = req.op === "start" ? "PGlite did not start" : "the statement did not finish";
        this.die(new RunnerDied("timeout", `${what} within ${Math.round(timeoutMs / 1000)} s (PGlite cannot cancel a statement: its process was stopped)`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child!.send({ id, req });
    });
  }

  /** Like `request`, but a PostgreSQL error rejects with `PgFailure`. */
  async must(req: Request, timeoutMs?: number): Promise<Reply> {
    const r = await this.request(req, timeoutMs);
    if (!r.ok) throw new PgFailure(r.error ?? { message: "unknown error" }, r);
    return r;
  }

  exec(sql: string, then?: string): Promise<Reply> {
    return this.request(then === undefined ? { op: "exec", sql } : { op: "exec", sql, then });
  }

  async rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const r = await this.must(params ? { op: "query", sql, params } : { op: "query", sql });
    return (r.rows ?? []) as T[];
  }

  describe(sql: string, paramTypes?: number[]): Promise<Reply> {
    return this.request(paramTypes ? { op: "describe", sql, paramTypes } : { op: "describe", sql });
  }

  async dump(path: string): Promise<void> {
    await this.must({ op: "dump", path }, Math.max(this.options.timeoutMs, 120_000));
  }

  /** Ends the process (and with it all the memory PGlite took). */
  async close(): Promise<void> {
    if (this.dead || !this.child) return;
    const child = this.child;
    try {
      await this.request({ op: "close" }, 10_000);
    } catch {
      // it is going away either way
    }
    this.dead = new RunnerDied("crash", "closed");
    if (child.exitCode === null) child.kill("SIGKILL");
    this.child = null;
  }
}
