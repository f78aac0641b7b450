/**
 * Which built-in functions are never volatile, read from the table generated from PostgreSQL's
 * pg_catalog (builtin-functions.data.ts, written by builtin-functions.gen.mjs), so
 * no-add-column-rewrite can tell `DEFAULT now()` (evaluated once) from `DEFAULT random()` (one
 * value per row: a rewrite).
 */
import { NON_VOLATILE } from "./builtin-functions.data.js";

export { MIXED_VOLATILITY_FUNCTIONS } from "./builtin-functions.data.js";

let nonVolatile: ReadonlyMap<string, readonly (readonly [number, number])[]> | undefined;

/**
 * The argument counts a built-in function none of whose overloads is volatile accepts, or
 * undefined. The table is built on first use (5 ms of a run's start otherwise, used or not).
 */
export function nonVolatileFunction(name: string): readonly (readonly [number, number])[] | undefined {
  nonVolatile ??= new Map(
    NON_VOLATILE.join(" ")
      .split(" ")
      .map((entry) => {
        const [fn, counts] = entry.split(":") as [string, string];
        const ranges = counts.split(",").map((r): [number, number] => {
          const [min, max] = r.endsWith("+") ? [r.slice(0, -1), "1000"] : r.split("-");
          return [Number(min), Number(max ?? min)];
        });
        return [fn, ranges] as const;
      }),
  );
  return nonVolatile.get(name);
}
