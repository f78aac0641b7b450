import { narrowKeyRule } from "./narrow-key.js";

export type { Options } from "./narrow-key.js";

export default narrowKeyRule({
  id: "prefer-bigint-over-int",
  description: "32-bit integer keys (int, integer, serial) that run out at 2,147,483,647",
  pgType: "int4",
  shown: "integer",
  word: "int",
  messages: {
    key: "column {{column}} {{type}} is {{why}}: a 32-bit integer runs out at 2,147,483,647, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    column: "column {{column}} {{type}}: a 32-bit integer runs out at 2,147,483,647, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    help: "use {{better}}: 4 more bytes a row, and no migration when the values pass 2 billion",
  },
});
