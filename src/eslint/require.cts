/**
 * What `require("sqlguard/eslint")` gets (the `require` condition of package.json's exports): a
 * message saying what to write instead. The plugin is an ES module that loads its SQL parser
 * (WebAssembly) with a top-level `await` before it resolves, because ESLint parses a file
 * synchronously; Node's `require()` cannot wait for that, and would only say "require() cannot be
 * used on an ESM graph with top-level await".
 */
throw new Error(
  [
    'sqlguard/eslint is an ES module and cannot be loaded with require(): it loads its SQL parser before it resolves.',
    'Write the ESLint config as eslint.config.mjs (or eslint.config.js in a package with "type": "module"):',
    '  import sqlguard from "sqlguard/eslint";',
    '  export default [/* your configs */ ...sqlguard.configs.recommended];',
    'or, in eslint.config.cjs, export a promise (ESLint waits for it):',
    '  module.exports = import("sqlguard/eslint").then(({ default: sqlguard }) => [/* your configs */ ...sqlguard.configs.recommended]);',
  ].join("\n"),
);
