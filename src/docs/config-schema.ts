/**
 * The JSON Schema of sqlguard.config.json, generated from the config's own schema and every
 * rule's option schema (the ones the command checks a config against), so that editors complete
 * and check the file as it is typed: `"$schema": "./node_modules/sqlguard/sqlguard.config.schema.json"`.
 * `npm run docs` writes it; the docs test fails when the committed file differs.
 */
import { builtinRules as rules } from "../../rules/index.js";
import { configSchema, SCHEMA_FILE } from "../engine/config.js";
import { docsUrl, type Rule } from "../engine/rule.js";
import type { JsonSchema } from "../engine/schema.js";

export { SCHEMA_FILE };

type Json = Record<string, unknown>;

/**
 * A schema of the subset sqlguard uses, as standard JSON Schema. sqlguard's `oneOf` accepts a
 * value that any branch accepts: `anyOf` says that.
 */
function standard(s: JsonSchema): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === "oneOf") out.anyOf = (value as JsonSchema[]).map(standard);
    else if (key === "properties") out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, standard(v)]));
    else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) out[key] = standard(value as JsonSchema);
    else out[key] = value;
  }
  return out;
}

function ruleSchema(rule: Rule): Json {
  const fix = rule.fixable ? "; --fix fixes it" : "";
  const scope = rule.migration ? "; a migration-safety rule (on by default in files detected as migrations)" : "";
  const description = `${rule.description} (default: ${rule.defaultSeverity}${scope}${fix}). ${docsUrl(rule.id)}`;
  const withOptions: Json = rule.schema
    ? { type: "array", items: [{ $ref: "#/definitions/severity" }, standard(rule.schema)], minItems: 1, maxItems: 2 }
    : { type: "array", items: [{ $ref: "#/definitions/severity" }], minItems: 1, maxItems: 1 };
  return { description, anyOf: [{ $ref: "#/definitions/severity" }, withOptions] };
}

/** The schema, as the object written to sqlguard.config.schema.json. */
export function configJsonSchema(): Json {
  const props = configSchema.properties!;
  const properties: Json = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === "$schema") properties[key] = { type: "string", description: "The JSON Schema of this file, for editors: ./node_modules/sqlguard/sqlguard.config.schema.json" };
    else if (key === "rules") properties[key] = { $ref: "#/definitions/rules" };
    else if (key === "overrides") {
      const entry = standard(value.items!);
      (entry.properties as Json).rules = { $ref: "#/definitions/rules" };
      properties[key] = { ...standard(value), items: entry, description: "Settings for some paths: the files (globs relative to the config file) and what changes for them." };
    } else properties[key] = standard(value);
  }
  // a size as the command reads it (see parseSize)
  const size = (properties.maxFileSize as { anyOf: Json[] }).anyOf.find((s) => s.type === "string");
  if (size) size.pattern = "^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][bB]?)?\\s*$";
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "sqlguard configuration",
    description: "sqlguard.config.json: rules, ignores and project settings for sqlguard (https://github.com/sqlguard/sqlguard#configuration). Generated from the rules' option schemas.",
    type: "object",
    additionalProperties: false,
    properties,
    definitions: {
      severity: {
        description: '"off", "warn" or "error" (or 0, 1, 2)',
        enum: ["off", "warn", "error", 0, 1, 2, "0", "1", "2"],
      },
      rules: {
        type: "object",
        description: (props.rules!.description ?? "") + " Rules the config does not name keep their defaults.",
        additionalProperties: false,
        properties: Object.fromEntries(rules.map((r) => [r.id, ruleSchema(r)])),
      },
    },
  };
}

/** The file's text. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + "\n";
}
