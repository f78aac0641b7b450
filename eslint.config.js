// ESLint for sqlguard's own TypeScript and JavaScript (the pre-commit hook runs it on staged
// files through lint-staged; `npm run lint:code` runs it on everything). The compiler
// (strict, noUnused*, verbatimModuleSyntax) already catches most mistakes, so this adds the
// few checks tsc does not make, with no type information needed (fast on staged files).
import tsPlugin from "@typescript-eslint/eslint-plugin";
import tsParser from "@typescript-eslint/parser";

export default [
  {
    // Build output, dependencies, and fixtures that are test data (their content is the point).
    ignores: ["dist/**", "node_modules/**", "coverage/**", "**/fixtures/**"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts"],
    languageOptions: {
      parser: tsParser,
      parserOptions: { ecmaVersion: "latest", sourceType: "module" },
    },
    plugins: { "@typescript-eslint": tsPlugin },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unsafe-declaration-merging": "error",
      "@typescript-eslint/no-duplicate-enum-values": "error",
      "@typescript-eslint/prefer-as-const": "error",
    },
  },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.js", "**/*.mjs", "**/*.cjs"],
    rules: {
      "no-debugger": "error",
      "no-dupe-else-if": "error",
      "no-self-compare": "error",
      "no-self-assign": "error",
      "no-unsafe-finally": "error",
      "no-unsafe-negation": "error",
      "no-unreachable": "error",
      "no-sparse-arrays": "error",
      "no-var": "error",
      "prefer-const": ["error", { destructuring: "all" }],
      "no-throw-literal": "error",
      eqeqeq: ["error", "smart"],
    },
  },
];
