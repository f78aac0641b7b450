import { ruleTester } from "../../test/rule-tester.js";

ruleTester("require-not-valid-constraint", {
  valid: [
    { name: "NOT VALID, then VALIDATE in its own transaction", code: "ALTER TABLE accounts ADD CONSTRAINT positive CHECK (balance >= 0) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT positive;" },
    {
      name: "two blocks",
      code: "BEGIN;\nALTER TABLE a ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE a VALIDATE CONSTRAINT c;\nCOMMIT;",
    },
    { name: "ROLLBACK ends the block: the VALIDATE runs on its own", code: "BEGIN;\nSELECT 1;\nROLLBACK;\nALTER TABLE a ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\nALTER TABLE a VALIDATE CONSTRAINT c;" },
    { name: "a table created in the same block", code: "BEGIN;\nCREATE TABLE core_foo (id serial PRIMARY KEY, age int NOT NULL);\nALTER TABLE core_foo ADD CONSTRAINT age_check CHECK (age >= 0);\nCOMMIT;" },
    { name: "a table created in the tool's transaction", code: "CREATE TABLE core_foo (age int);\nALTER TABLE core_foo ADD CONSTRAINT age_check CHECK (age >= 0);", assumeInTransaction: true },
    { name: "USING INDEX constraints cannot be NOT VALID, and need no scan", code: "ALTER TABLE account ADD CONSTRAINT account_pk PRIMARY KEY USING INDEX account_pk_idx;" },
    { name: "FOREIGN KEY is require-not-valid-foreign-key's", code: "ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES c (id);" },
    { name: "NOT NULL as a table constraint before PostgreSQL 18", code: "ALTER TABLE a ADD CONSTRAINT a_b_nn NOT NULL b;", settings: { postgresVersion: 17 } },
    { name: "VALIDATE of a constraint added by an earlier migration", code: "ALTER TABLE a VALIDATE CONSTRAINT c;", assumeInTransaction: true },
  ],
  invalid: [
    {
      name: "CHECK without NOT VALID",
      code: "ALTER TABLE accounts ADD CONSTRAINT positive_balance CHECK (balance >= 0);",
      errors: [
        {
          messageId: "check",
          message:
            "ADD CONSTRAINT … CHECK without NOT VALID: PostgreSQL reads every row of accounts to check it while holding an ACCESS EXCLUSIVE lock, so reads and writes wait until the scan is done",
          line: 1,
          column: 22,
          endColumn: 74,
          help: /add it with NOT VALID \(no scan, brief lock\), commit, then VALIDATE CONSTRAINT in a later transaction/,
        },
      ],
    },
    {
      name: "PostgreSQL 18: NOT NULL without NOT VALID",
      code: "ALTER TABLE a ADD CONSTRAINT a_b_nn NOT NULL b;",
      settings: { postgresVersion: 18 },
      errors: [{ messageId: "check", message: /^ADD CONSTRAINT … NOT NULL without NOT VALID/, line: 1, column: 15 }],
    },
    {
      name: "a foreign key validated in the block that added it",
      code: "BEGIN;\nALTER TABLE app_email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES app_user (id) NOT VALID;\nALTER TABLE app_email VALIDATE CONSTRAINT fk_user;\nCOMMIT;",
      errors: [
        {
          messageId: "sameTransaction",
          message:
            "VALIDATE CONSTRAINT fk_user in the same transaction that added it NOT VALID (the block opened by BEGIN on line 1): the ADD's SHARE ROW EXCLUSIVE lock on app_email and app_user is held until COMMIT, so the validating scan blocks writes to both tables",
          line: 3,
          column: 23,
          endColumn: 50,
          related: ["2:1-2:102 added NOT VALID here"],
          help: /put VALIDATE CONSTRAINT in the next migration/,
        },
      ],
    },
    {
      name: "a CHECK validated in the tool's transaction, even with a stray COMMIT after it",
      code: "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;",
      assumeInTransaction: true,
      errors: [{ messageId: "sameTransaction", message: /\(the migration tool's transaction \(config assumeInTransaction\)\): the ADD's ACCESS EXCLUSIVE lock on t is held until COMMIT, so the validating scan blocks reads and writes$/, line: 2, column: 15 }],
    },
    {
      name: "both in one ALTER TABLE",
      code: "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID, VALIDATE CONSTRAINT c;",
      errors: [{ messageId: "sameTransaction", message: /\(one ALTER TABLE\)/, line: 1, column: 57 }],
    },
    {
      name: "COMMIT AND CHAIN ends the transaction: only the second pair counts",
      code: "BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nCOMMIT AND CHAIN;\nALTER TABLE t VALIDATE CONSTRAINT c;\nALTER TABLE t ADD CONSTRAINT d CHECK (a < 9) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT d;\nCOMMIT;",
      errors: [{ messageId: "sameTransaction", message: /^VALIDATE CONSTRAINT d .*opened by COMMIT AND CHAIN on line 3/, line: 6, column: 15 }],
    },
  ],
});
