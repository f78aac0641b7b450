/** Version numbers as tools print them (`6.19.3`, `v3.27.1`, `1.0.0-beta.1-7946562`). */

/** Compares two versions numerically, part by part; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa.parts[i] ?? 0) - (pb.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === "") return 1;
  if (pb.pre === "") return -1;
  return pa.pre < pb.pre ? -1 : 1;
}

/** `version` is at least `min`; false when the version is unknown. */
export function atLeast(version: string | null, min: string): boolean {
  return version !== null && compareVersions(version, min) >= 0;
}

function parse(v: string): { parts: number[]; pre: string } {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([^+]*))?/.exec(v.trim());
  if (!m) return { parts: [], pre: "" };
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? "" };
}
