/**
 * `import()` of a module by URL (a JavaScript config file). The command replaces it with its own
 * (see src/cli/bin.ts): the CLI bundle is compiled from a V8 code cache, and code compiled that way
 * cannot call import() itself (V8's cache does not keep what Node needs to resolve it).
 */
let importer: (url: string) => Promise<unknown> = (url) => import(url);

export function importModule(url: string): Promise<unknown> {
  return importer(url);
}

export function setImportModule(f: (url: string) => Promise<unknown>): void {
  importer = f;
}
