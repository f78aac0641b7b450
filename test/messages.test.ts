import { suite } from "uvu";
import * as assert from "uvu/assert";
import { formatMessage } from "../src/engine/rule.js";

const test = suite("messages");

test("placeholders are filled from the data, each time the template is used", () => {
  const template = "column {{column}} of {{ table }}: {{column}} again";
  assert.is(formatMessage(template, { column: "a", table: "t" }), "column a of t: a again");
  // the same template, cut once, with other data
  assert.is(formatMessage(template, { column: "b", table: 3 }), "column b of 3: b again");
});

test("values are inserted as they are: no replacement patterns, no second pass", () => {
  assert.is(formatMessage("x {{v}} y", { v: "$& $1 $$" }), "x $& $1 $$ y");
  assert.is(formatMessage("{{a}}", { a: "{{b}}", b: "no" }), "{{b}}");
});

test("unknown placeholders stay as written; no data, or no placeholder, gives the template", () => {
  assert.is(formatMessage("{{ missing }} and {{known}}", { known: "k" }), "{{ missing }} and k");
  assert.is(formatMessage("plain text", { a: 1 }), "plain text");
  assert.is(formatMessage("{{a}}", undefined), "{{a}}");
  assert.is(formatMessage("{{a.b-c}}", { "a.b-c": "dotted" }), "dotted");
});

test.run();
