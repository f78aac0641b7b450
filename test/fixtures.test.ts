/**
 * Ruff-style fixtures: every file in rules/<id>/fixtures/ is linted with that rule (and
 * syntax-error) at its default settings (at warn if it is off by default), and its findings
 * compared to the snapshot beside it (`<file>.snap`), so adding a rule never rewrites another rule's snapshots.
 * UPDATE_SNAPSHOTS=1 rewrites them. A missing snapshot is written on a developer's machine (for a
 * new fixture) and fails in CI (CI=true), where nobody would read what was written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { builtinRules as rules } from "../rules/index.js";
import type { Severity } from "../src/engine/rule.js";
import { brief, lint, root } from "./helpers.js";

const test = suite("fixtures");

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

for (const id of readdirSync(path.join(root, "rules"))) {
  const dir = path.join(root, "rules", id, "fixtures");
  // The fixtures of what `sqlguard verify` measures are projects it runs (test/verify-fixtures.test.ts).
  if (!existsSync(dir) || rules.find((r) => r.id === id)?.verify) continue;
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".snap")) continue;
    const file = path.join(dir, name);
    test(`rules/${id}/fixtures/${name}`, () => {
      const rel = path.relative(root, file).split(path.sep).join("/");
      // a rule that is off by default is shown at warn: its fixtures are there to show what it finds
      const severity = (r: (typeof rules)[number]): "warn" | "error" => (r.defaultSeverity === "off" ? "warn" : r.defaultSeverity);
      const only = Object.fromEntries(rules.map((r): [string, Severity] => [r.id, r.id === id || r.id === "syntax-error" ? severity(r) : "off"]));
      const result = lint(readFileSync(file, "utf8"), { filePath: rel, config: { rules: only, reportUnusedDirectives: "off" } });
      const actual = brief(result.messages).join("\n") + "\n";
      const snap = `${file}.snap`;
      if (!existsSync(snap) && isCI()) assert.unreachable(`${rel}.snap is missing: run the tests locally to write it, read it, and commit it`);
      if (process.env.UPDATE_SNAPSHOTS || !existsSync(snap)) writeFileSync(snap, actual);
      assert.fixture(actual, readFileSync(snap, "utf8"));
    });
  }
}

test.run();
