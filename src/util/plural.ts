/** A count and its noun: `1 file`, `3 files`; `many` for nouns whose plural is not an added s. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
