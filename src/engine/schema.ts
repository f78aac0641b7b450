/**
 * The subset of JSON Schema that rule options and the config use. The same schema objects are
 * handed to ESLint as `meta.schema`, so the CLI and the plugin accept exactly the same options.
 */

export interface JsonSchema {
  type?: "object" | "array" | "string" | "boolean" | "integer" | "number";
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: readonly (string | number | boolean)[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
  oneOf?: JsonSchema[];
}

/** Validates `value`; returns messages like `minWrites: must be an integer ≥ 1` (empty when valid). */
export function validate(schema: JsonSchema, value: unknown, path = ""): string[] {
  const at = path === "" ? "value" : path;
  if (schema.oneOf) {
    const results = schema.oneOf.map((s) => validate(s, value, path));
    if (results.some((r) => r.length === 0)) return [];
    return results[0] ?? [];
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    return [`${at}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")} (got ${show(value)})`];
  }
  switch (schema.type) {
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${at}: must be an object (got ${show(value)})`];
      const errors: string[] = [];
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!(key in obj)) errors.push(`${join(path, key)}: is required`);
      }
      for (const [key, v] of Object.entries(obj)) {
        const prop = schema.properties?.[key];
        if (prop) errors.push(...validate(prop, v, join(path, key)));
        else if (schema.additionalProperties === false) {
          const known = Object.keys(schema.properties ?? {});
          errors.push(`${join(path, key)}: unknown option${known.length ? ` (known: ${known.join(", ")})` : ""}`);
        } else if (typeof schema.additionalProperties === "object") errors.push(...validate(schema.additionalProperties, v, join(path, key)));
      }
      return errors;
    }
    case "array": {
      if (!Array.isArray(value)) return [`${at}: must be an array (got ${show(value)})`];
      const errors: string[] = [];
      if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: needs at least ${schema.minItems} item(s)`);
      if (schema.items) value.forEach((v, i) => errors.push(...validate(schema.items!, v, `${at}[${i}]`)));
      return errors;
    }
    case "string":
      return typeof value === "string" ? [] : [`${at}: must be a string (got ${show(value)})`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: must be true or false (got ${show(value)})`];
    case "integer":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value) || (schema.type === "integer" && !Number.isInteger(value))) {
        return [`${at}: must be ${schema.type === "integer" ? "an integer" : "a number"} (got ${show(value)})`];
      }
      if (schema.minimum !== undefined && value < schema.minimum) return [`${at}: must be ≥ ${schema.minimum} (got ${value})`];
      if (schema.maximum !== undefined && value > schema.maximum) return [`${at}: must be ≤ ${schema.maximum} (got ${value})`];
      return [];
    }
    default:
      return [];
  }
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/** Fills in defaults declared in an object schema (one level; nested objects copied). */
export function withDefaults<T>(schema: JsonSchema | undefined, value: unknown): T {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema?.properties ?? {})) {
    if (p.default !== undefined) out[k] = structuredClone(p.default);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) Object.assign(out, value);
  return out as T;
}
