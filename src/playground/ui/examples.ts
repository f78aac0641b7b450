/**
 * The examples the page offers, the first being the story sqlguard exists for. The repository's
 * own examples/ files are bundled as text (`?raw`, see src/build/playground.ts): the page shows
 * exactly what `npx sqlguard examples` lints.
 */
import blankLine from "../../../examples/blank-line-update.sql?raw";
import deleteWithoutWhere from "../../../examples/delete-without-where.sql?raw";
import forgottenCommit from "../../../examples/forgotten-commit.sql?raw";
import orders from "../../../examples/orders.ts?raw";
import type { Tab } from "../engine.js";

export interface Example {
  title: string;
  tab: Tab;
  text: string;
}

const gooseMigration = `-- +goose Up
-- A goose migration for a busy table. goose runs it in a transaction; every statement
-- below still holds a lock that makes the application's queries wait.
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
CREATE INDEX orders_shipped_at_idx ON orders (shipped_at);
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- +goose Down
ALTER TABLE orders DROP COLUMN shipped_at;
`;

export const EXAMPLES: readonly Example[] = [
  { title: "The blank line that deleted every order", tab: "sql", text: blankLine },
  { title: "DELETE and UPDATE without WHERE", tab: "sql", text: deleteWithoutWhere },
  { title: "The forgotten COMMIT", tab: "sql", text: forgottenCommit },
  { title: "A goose migration on a busy table", tab: "sql", text: gooseMigration },
  { title: "SQL in TypeScript code", tab: "ts", text: orders },
];
