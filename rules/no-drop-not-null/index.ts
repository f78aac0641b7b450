import { columnChangeRule } from "../no-drop-column/column-change.js";

export default columnChangeRule({
  id: "no-drop-not-null",
  description: "ALTER COLUMN … DROP NOT NULL while readers may count on the column never being NULL",
  subtype: "AT_DropNotNull",
  messages: {
    drop: "DROP NOT NULL on {{table}}.{{column}}: from now on NULLs may be written, and code, reports and other services that read {{column}} as never NULL break on the first one",
    help: "first make every reader of {{column}} handle NULL and deploy that, then drop the constraint, then deploy the code that writes NULLs; then say so: -- sqlguard-disable-next-line no-drop-not-null -- <why it is safe now>",
  },
});
