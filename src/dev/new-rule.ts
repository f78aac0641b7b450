/**
 * `npm run new-rule -- <rule-id>`: creates rules/<rule-id>/ (the rule, its README with the usual
 * headings, a case test and a fixture with its snapshot), registers it in rules/index.ts and
 * regenerates the docs, so the test suite passes right after. Then write the listener.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** `no-truncate` → `noTruncate`. */
export function camel(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function files(id: string): Record<string, string> {
  return {
    "index.ts": `import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  id: "${id}",
  description: "TODO: what it catches, in one line (shown in docs, --help, SARIF and ESLint)",
  defaultSeverity: "warn",
  // the documents it reads: "script" (.sql files), "embedded" (SQL strings in code), "text" (any file)
  appliesTo: ["script", "embedded"],
  messages: {
    found: "TODO: what is wrong here, and what it does on a live database",
    help: "TODO: what to write instead",
  },
  create(context) {
    void context; // (remove this line once a listener reports)
    return {
      // Listen for the statement kinds the rule reads, by their parser names (UpdateStmt,
      // TruncateStmt, IndexStmt, AlterTableStmt…). Each is called with the node's fields and where
      // it was met, for every such statement that runs: at top level, in WITH queries, and inside
      // DO blocks and function bodies. For example (the first parameter is the node's fields; a
      // leading _ tells the compiler a listener does not read it):
      //
      // TruncateStmt(_node, at) {
      //   context.report({ messageId: "found", start: at.stmt.start, end: at.stmt.end, helpId: "help" });
      // },
    };
  },
});
`,
    "README.md": `# ${id}

## What it catches

TODO: the statements this rule reports, in a sentence or two.

## Why is this bad?

TODO: what happens on a live database or in the client: which lock is taken and for how long, what
is rewritten, what the user loses. Link the PostgreSQL documentation that says so.

## Example

\`\`\`sql
-- TODO: a statement the rule reports
\`\`\`

## Use instead

\`\`\`sql
-- TODO: the safe way to write it, step by step
\`\`\`

## When to switch it off

TODO: the cases where the finding is expected, and the directive that says so:
\`-- sqlguard-disable-next-line ${id} -- <reason>\`.
`,
    "cases.test.ts": `import { ruleTester } from "../../test/rule-tester.js";

ruleTester("${id}", {
  valid: ["SELECT 1;"],
  invalid: [
    // TODO: { code: "…", errors: [{ messageId: "found", line: 1, column: 1, endLine: 1, endColumn: 9 }] },
  ],
});
`,
    "fixtures/example.sql": `-- TODO: a realistic script this rule reads (its findings are kept in example.sql.snap)
SELECT 1;
`,
    "fixtures/example.sql.snap": "\n",
  };
}

/** Adds the rule's import and list entry to rules/index.ts (kept in the order they were added). */
export function register(indexText: string, id: string): string {
  const name = camel(id);
  const lines = indexText.split("\n");
  const lastImport = lines.reduce((at, l, i) => (/^import \w+ from "\.\/[^"]+\/index\.js";$/.test(l) ? i : at), -1);
  if (lastImport < 0) throw new Error("rules/index.ts: no rule import found");
  lines.splice(lastImport + 1, 0, `import ${name} from "./${id}/index.js";`);
  const close = lines.lastIndexOf("];");
  if (close < 0) throw new Error("rules/index.ts: the list of rules was not found");
  lines.splice(close, 0, `  ${name},`);
  return lines.join("\n");
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
  const id = process.argv[2];
  if (!id || !ID.test(id)) {
    console.error("usage: npm run new-rule -- <rule-id>   (lower-case words joined by '-', e.g. no-truncate)");
    process.exit(2);
  }
  const dir = path.join(root, "rules", id);
  if (existsSync(dir)) {
    console.error(`rules/${id} already exists`);
    process.exit(2);
  }
  for (const [name, text] of Object.entries(files(id))) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`created rules/${id}/${name}`);
  }
  const index = path.join(root, "rules", "index.ts");
  writeFileSync(index, register(readFileSync(index, "utf8"), id));
  console.log("registered it in rules/index.ts");
  // The generated docs (docs/rules.md, the README's rule table, the rule's settings block) follow.
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", root], { stdio: "inherit" });
  execFileSync(process.execPath, [path.join(root, "dist/src/docs/generate.js")], { stdio: "inherit" });
  console.log(`\nNext: write the listener in rules/${id}/index.ts, cases in cases.test.ts, the README, and run npm test.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
