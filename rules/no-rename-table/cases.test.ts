import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-rename-table", {
  valid: [
    { name: "a function body runs when the function is called", code: `CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ ALTER TABLE t RENAME TO u $$;` },
    { name: "a table created earlier in this migration", code: "CREATE TABLE n (a int);\nALTER TABLE n RENAME TO m;" },
    { name: "views, indexes, columns", code: "ALTER VIEW v RENAME TO w;\nALTER INDEX i RENAME TO j;\nALTER TABLE t RENAME COLUMN a TO b;" },
  ],
  invalid: [
    {
      code: "ALTER TABLE orders RENAME TO purchases;",
      errors: [
        {
          message: "RENAME orders TO purchases: code still deployed uses orders and fails from the moment this commits until code using purchases is out everywhere",
          help: "in the same transaction, rename and CREATE VIEW orders AS SELECT * FROM purchases (a simple view can be read and written like the table); drop the view once no deployed code uses the old name",
          line: 1,
          column: 1,
          endColumn: 39,
        },
      ],
    },
    {
      name: "renamed twice: only the first rename breaks deployed code",
      code: "ALTER TABLE a RENAME TO b;\nALTER TABLE b RENAME TO c;",
      errors: [{ message: /^RENAME a TO b:/, line: 1, column: 1 }],
    },
    {
      name: "a schema, IF EXISTS, a quoted new name",
      code: 'ALTER TABLE IF EXISTS app.orders RENAME TO "Purchases";',
      errors: [
        {
          message: /^RENAME app\.orders TO "Purchases":/,
          help: /CREATE VIEW app\.orders AS SELECT \* FROM app\."Purchases"/,
          line: 1,
          column: 1,
          endColumn: 55,
        },
      ],
    },
  ],
});
