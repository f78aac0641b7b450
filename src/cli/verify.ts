/**
 * The entry of `sqlguard verify` (see src/verify/cli.ts), a module of its own so that the CLI loads
 * it only for that command: bundled as dist/bundle/verify.js next to the CLI.
 */
export { verifyCommand } from "../verify/cli.js";
