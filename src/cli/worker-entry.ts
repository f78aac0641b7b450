/** The worker script of the unbundled CLI (dist/src); the bundled CLI starts its own file instead. */
import { runWorker } from "./worker.js";

await runWorker();
