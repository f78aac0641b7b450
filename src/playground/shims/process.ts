/**
 * The `process` some dependencies read in the page (typescript-estree reads `process.env`,
 * `process.cwd()` and `process.platform` when it builds its parse settings; path-browserify's
 * `resolve` asks for the working directory). The build injects it wherever bundled code names
 * `process` without defining it; `globalThis.process` stays undefined, so nothing takes the page
 * for Node (TypeScript and the WASM module look for Node there and in `process.versions.node`).
 */
export const process = {
  env: {} as Record<string, string | undefined>,
  platform: "browser",
  browser: true,
  versions: {} as Record<string, string>,
  features: {} as Record<string, boolean>,
  argv: [] as string[],
  cwd: (): string => "/",
};
