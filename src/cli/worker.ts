/**
 * A lint worker thread: builds the same config as the main thread, then lints the files it is
 * handed one at a time and posts each result back. The parser is loaded once per worker.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Config, type SerializedConfig } from "../engine/config.js";
import { lintFile } from "./lint-files.js";
import type { LintFilesOptions, SourceFile } from "./types.js";
import { loadParser } from "../sql/parser.js";
import { builtin } from "../../rules/index.js";

interface Init {
  config: SerializedConfig;
  options: LintFilesOptions;
}

const init = workerData as Init;
void loadParser(); // compile the parser while the first file is sent over
const config = Config.deserialize(init.config, builtin);
const port = parentPort!;

port.on("message", async (msg: { index: number; file: SourceFile } | "stop") => {
  if (msg === "stop") {
    port.close();
    return;
  }
  try {
    const result = await lintFile(msg.file, config, init.options);
    port.postMessage({ index: msg.index, result });
  } catch (e) {
    port.postMessage({ index: msg.index, error: (e as Error)?.stack ?? String(e) });
  }
});
port.postMessage("ready");
