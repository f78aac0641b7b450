/**
 * squawk's rule cases, run in-process through the same harness as `npm run conformance`: every
 * difference must be one listed with its reason (rules not written yet are counted apart), and
 * every squawk rule must be mapped. Skipped when the cases are not on this machine.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runSquawkConformance } from "./conformance/squawk.js";

const test = suite("squawk conformance");

test("every squawk case agrees or differs for a listed reason", async () => {
  const result = await runSquawkConformance();
  if (!result) return;
  assert.is(result.mapped, result.squawkRules, "every squawk rule is mapped");
  const unexpected = result.cases
    .filter((c) => c.status === "unexpected" || c.status === "stale")
    .map((c) => `${c.file}: squawk ${c.expect}, sqlguard ${c.ours}${c.status === "stale" ? " (listed as a difference, agrees now)" : ""}`);
  assert.equal(unexpected, []);
});

test.run();
