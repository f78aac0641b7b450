// One lane of test/run.mjs: a child process that runs compiled test files one at a time, as the
// parent hands them out, and reports each file's counts and output over IPC. A file is imported
// and its uvu suites are run before the next file is asked for, so a file that throws at import
// (a stale compiled test, a missing module), rejects after its tests or runs no test at all is
// that file's failure, and the lane goes on with the next file. The WebAssembly parser and the
// modules the tests share are loaded once per lane, not once per file.
import { pathToFileURL } from "node:url";

globalThis.UVU_DEFER = 1; // uvu queues the suites instead of running them (set before uvu loads)
await import("uvu");

/** The file being run: its counts so far. Null between files. */
let current = null;

// While a file runs, what it prints goes to the parent with the file's other output, so each
// file's output is printed in one piece even with two lanes writing at once.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, encoding, callback) => {
    if (!current) return write(chunk, encoding, callback);
    process.send({ type: "output", text: typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8") });
    if (typeof encoding === "function") encoding();
    else if (typeof callback === "function") callback();
    return true;
  };
}

// An error no test caught (a promise rejected after its test ended, a throw in a timer) fails the
// file whose code its stack names, else the file being run; between files, or when its stack
// names another file, it goes to the parent, which counts it for that file. Never lost, and it
// never ends the lane.
const stray = (e) => {
  const text = `${e?.stack ?? e}`;
  const named = /\/dist\/(\S+?\.test\.js)/.exec(text)?.[1];
  if (current && (!named || current.file.endsWith(`/dist/${named}`))) {
    current.failed += 1;
    process.stderr.write(`\n  an error outside any test (a promise rejected or a timer threw after its test ended):\n${text}\n`);
  } else if (process.connected) process.send({ type: "stray", text, file: named ?? null });
  else {
    process.stderr.write(`${text}\n`);
    process.exitCode = 1;
  }
};
process.on("uncaughtException", stray);
process.on("unhandledRejection", stray);

/** Lets callbacks already due (a rejection right after a test, a zero timer) run while the file is current. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function runFile(file) {
  current = { file, passed: 0, failed: 0, skipped: 0, total: 0 };
  globalThis.UVU_INDEX = 0;
  globalThis.UVU_QUEUE = [[]];
  globalThis.SQLGUARD_SKIPPED = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await import(pathToFileURL(file).href);
    for (const suite of globalThis.UVU_QUEUE[0]) {
      const [errors, passed, skipped, total] = await suite();
      current.passed += passed;
      current.skipped += skipped;
      current.failed += total - passed;
      current.total += total;
      if (errors !== true) process.stdout.write(`\n${errors}\n`);
      // uvu swallows an error thrown by a `before` hook: its tests just do not run.
      else if (passed < total) process.stdout.write(`\n  ${total - passed} tests did not run (a before hook of the suite threw?)\n`);
    }
    if (current.total === 0 && current.skipped === 0) {
      current.failed += 1;
      process.stdout.write("\n  no test ran: the file defines none, or a suite's test.run() is missing\n");
    }
  } catch (e) {
    current.failed += 1;
    process.stderr.write(`\n  the file could not be loaded or run:\n${e?.stack ?? e}\n`);
  }
  await settle();
  const used = process.cpuUsage(cpu);
  const result = {
    type: "done",
    file,
    passed: current.passed,
    failed: current.failed,
    skipped: current.skipped,
    skippedNames: globalThis.SQLGUARD_SKIPPED,
    ms: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
  };
  current = null;
  process.send(result);
}

process.on("message", (message) => {
  if (message.type === "run") void runFile(message.file);
  else if (message.type === "stop") {
    // A short wait for errors a test left on a timer, then out: a handle a test left open (a
    // server, a watcher) must not keep the lane alive.
    setTimeout(() => process.exit(0), 100);
  }
});
process.send({ type: "ready" });
