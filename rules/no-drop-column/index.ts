import { columnChangeRule } from "./column-change.js";

export default columnChangeRule({
  id: "no-drop-column",
  description: "ALTER TABLE … DROP COLUMN while running code may still use the column",
  subtype: "AT_DropColumn",
  messages: {
    drop: "DROP COLUMN {{column}} of {{table}}: code still deployed that selects or writes {{column}} fails as soon as this commits (an ORM that lists every column fails even where it never uses it)",
    help: "first deploy code that no longer uses {{column}} (Rails: ignored_columns; Django: remove the field with SeparateDatabaseAndState), then drop it in a later migration; then say so: -- sqlguard-disable-next-line no-drop-column -- <why it is safe now>",
  },
});
