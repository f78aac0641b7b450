import { ruleTester } from "../../test/rule-tester.js";

ruleTester("no-alter-domain-add-constraint", {
  valid: [
    {
      name: "other ALTER DOMAIN actions",
      code: "ALTER DOMAIN d SET NOT NULL;\nALTER DOMAIN d DROP CONSTRAINT c;\nALTER DOMAIN d RENAME CONSTRAINT c TO e;\nALTER DOMAIN d VALIDATE CONSTRAINT e;\nALTER DOMAIN d OWNER TO admin;\nALTER DOMAIN d SET SCHEMA app;",
    },
    { name: "a domain created in this migration", code: "CREATE DOMAIN price AS numeric;\nALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);" },
  ],
  invalid: [
    {
      code: "ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);",
      errors: [
        {
          messageId: "scan",
          message:
            "ALTER DOMAIN price ADD CONSTRAINT checks every column of type price in every table, holding a SHARE lock on each table: writes to all of them wait until the scan is done",
          line: 1,
          column: 1,
          endColumn: 67,
          severity: 2,
          help: /put the check on the columns instead/,
        },
      ],
    },
    {
      name: "NOT VALID moves the scan to VALIDATE: at most a warning",
      code: "ALTER DOMAIN app.price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;",
      errors: [{ messageId: "notValid", message: /^ALTER DOMAIN app\.price ADD CONSTRAINT … NOT VALID checks nothing now/, line: 1, column: 1, severity: 1 }],
    },
  ],
});
