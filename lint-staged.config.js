// lint-staged for sqlguard's own repository, run by .husky/pre-commit. sqlguard lints the
// same kinds of files `sqlguard init` sets up in users' projects, from the source being
// committed (tsx, no build needed); ESLint lints the TypeScript and JavaScript.
//
// Test data is left out of sqlguard's run: rule fixtures, examples, tests and the docs are full
// of deliberate hazards (DELETE without WHERE, fake production connection strings) that must
// be committed as they are.
import path from "node:path";

const here = import.meta.dirname;
const TEST_DATA = [
  /^examples\//,
  /(^|\/)fixtures\//,
  /^test\//,
  /\.test\.[cm]?[jt]s$/,
  /^docs\//,
  /^rules\/[^/]+\/README\.md$/,
];

const sqlguard = (files) => {
  const keep = files.filter((f) => {
    const rel = path.relative(here, f).split(path.sep).join("/");
    return !TEST_DATA.some((re) => re.test(rel));
  });
  return keep.length ? [`tsx src/cli/bin.ts ${keep.map((f) => JSON.stringify(f)).join(" ")}`] : [];
};

// The two globs are what lintStagedGlobs() in src/extract/extensions.ts gives (a test fails when
// they differ): the files a folder walk lints.
export default {
  "*.{sql,psql,pgsql,ts,tsx,mts,cts,js,jsx,mjs,cjs}": sqlguard,
  "{*.{env,yml,toml,properties,ini,conf,sh,bash,zsh,dockerfile,md,markdown},!(package-lock|npm-shrinkwrap).json,!(pnpm-lock).yaml,.env*,[Dd]ockerfile,[Dd]ockerfile.*,[Cc]ontainerfile}": sqlguard,
  "*.{ts,mts,cts,js,mjs,cjs}": "eslint --max-warnings 0 --no-warn-ignored",
};
