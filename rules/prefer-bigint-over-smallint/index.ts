import { narrowKeyRule } from "../prefer-bigint-over-int/narrow-key.js";

export type { Options } from "../prefer-bigint-over-int/narrow-key.js";

export default narrowKeyRule({
  id: "prefer-bigint-over-smallint",
  description: "16-bit integer keys (smallint, smallserial) that run out at 32,767",
  pgType: "int2",
  shown: "smallint",
  word: "smallint",
  messages: {
    key: "column {{column}} {{type}} is {{why}}: a 16-bit integer runs out at 32,767, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    column: "column {{column}} {{type}}: a 16-bit integer runs out at 32,767, and making it bigint later rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
    help: "use {{better}}: 6 more bytes a row, and no migration when the values pass 32,767",
  },
});
