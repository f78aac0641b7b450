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
  minLength?: number;
  uniqueItems?: boolean;
  default?: unknown;
  oneOf?: JsonSchema[];
}

/**
 * Validates `value`; returns messages like `minWrites: must be an integer ≥ 1` (empty when valid).
 * Only own properties count: a key named `constructor`, `toString` or `__proto__` is unknown
 * like any other, and an object whose prototype was changed (a `__proto__:` key in a JS config)
 * is not a plain object. Values are quoted shortened, however deep or circular.
 */
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
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return [`${at}: must be a plain object (its prototype was changed, e.g. by a "__proto__" key)`];
      const errors: string[] = [];
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!Object.hasOwn(obj, key)) errors.push(`${join(path, key)}: is required`);
      }
      for (const [key, v] of Object.entries(obj)) {
        const prop = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
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
      if (typeof value !== "string") return [`${at}: must be a string (got ${show(value)})`];
      if (schema.minLength !== undefined && value.length < schema.minLength) return [`${at}: must not be empty`];
      return [];
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

/** A value as JSON, cut at 40 characters; never deeper than it needs (5,000 nested arrays, a cycle). */
export function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = preview(v, 40);
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}

function preview(v: unknown, budget: number): string {
  if (budget <= 0) return "";
  if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return "a function";
  if (typeof v !== "object") return String(v);
  let out = Array.isArray(v) ? "[" : "{";
  const entries = Array.isArray(v) ? v.map((x) => [null, x] as const) : Object.entries(v as Record<string, unknown>);
  for (const [k, x] of entries) {
    if (out.length > budget) break;
    if (out.length > 1) out += ",";
    if (k !== null) out += JSON.stringify(k) + ":";
    out += x === undefined ? "null" : preview(x, budget - out.length);
  }
  return out + (Array.isArray(v) ? "]" : "}");
}

/** Fills in defaults declared in an object schema (one level; nested objects copied). */
export function withDefaults<T>(schema: JsonSchema | undefined, value: unknown): T {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema?.properties ?? {})) {
    if (p.default !== undefined) out[k] = structuredClone(p.default);
  }
  // defineProperty, not assignment: an own "__proto__" key is data, never the prototype
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}
