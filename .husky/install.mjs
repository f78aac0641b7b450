// Run by the "prepare" script: activates the hooks in .husky/ (husky sets core.hooksPath) when
// the project is installed for development. It does nothing in CI, for production installs or
// with HUSKY=0, and it never fails an install (no husky, no .git): hooks are a convenience for
// contributors, not part of the build.
const env = process.env;
const off = (v) => v !== undefined && v !== "" && v !== "0" && v !== "false";
if (off(env.CI) || env.NODE_ENV === "production" || env.HUSKY === "0") process.exit(0);
let husky;
try {
  husky = (await import("husky")).default;
} catch {
  process.exit(0); // devDependencies not installed
}
const message = husky();
if (message) console.log(`husky: ${message}`);
