/** File name extensions by what sqlguard reads in the file: the one list every part uses. */
export const TS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"] as const;
export const JS_EXTENSIONS = [".js", ".jsx", ".mjs", ".cjs"] as const;
/** TypeScript and JavaScript: SQL in strings and templates, connection strings. */
export const CODE_EXTENSIONS = [...TS_EXTENSIONS, ...JS_EXTENSIONS] as const;
/** SQL scripts. */
export const SQL_EXTENSIONS = [".sql", ".psql", ".pgsql"] as const;
