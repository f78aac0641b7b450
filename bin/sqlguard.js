#!/usr/bin/env node
// sqlguard in a clone of its repository: `node bin/sqlguard.js [options] [paths]` is what
// `npx sqlguard` runs once the package is installed. It runs the build `npm ci` made (dist/,
// through the "prepare" script): nothing is installed or built again, so the first run of a fresh
// clone is as quick as the next. (`npx sqlguard` in the clone itself would install the clone into
// npx's cache and build it a second time.)
import { existsSync } from "node:fs";

const cli = new URL("../dist/bundle/bin.cjs", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("sqlguard: not built yet: run `npm ci` (or `npm run build`) first\n");
  process.exit(2);
}
await import(cli.href);
