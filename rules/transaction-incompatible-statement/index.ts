import { defineRule, options } from "../../src/engine/rule.js";
import { quotedName } from "../../src/sql/clause.js";
import { nodeBody, walk } from "../../src/sql/classify.js";
import type { Statement } from "../../src/sql/document.js";
import type { PgNode } from "../../src/sql/parser.js";
import { scanQuoted } from "../../src/sql/lexer.js";
import { assumedBy, blockNeed, type BlockRefusal, blockRefusal, byStatement, openedHere, postgresTransactions } from "../../src/sql/transaction.js";

export interface Options {
  postgresVersion?: number;
  newEnumValues: boolean;
  implicitTransaction: boolean;
}

interface AddedValue {
  type: string;
  value: string;
  stmt: Statement;
}

export default defineRule({
  id: "transaction-incompatible-statement",
  description: "Statements PostgreSQL refuses inside a transaction block (or that need one) where they run",
  defaultSeverity: "error",
  appliesTo: ["script", "embedded"],
  messages: {
    inBlock: "{{command}} cannot run inside a transaction block{{condition}}, and here it runs in the block opened{{where}}",
    inAssumed: "{{command}} cannot run inside a transaction block{{condition}}, and here it runs inside {{by}}",
    inImplicit:
      "{{command}} cannot run inside a transaction block{{condition}}: a string of several statements runs as one implicit transaction",
    inImplicitFile:
      "{{command}} cannot run inside a transaction block{{condition}}: the migration tool sends this file as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
    inToolImplicit:
      "{{command}} cannot run inside a transaction block{{condition}}: {{tool}} sends this {{unit}} as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
    inToolImplicitOptOut:
      "{{command}} cannot run inside a transaction block{{condition}}: even with {{marker}}, {{tool}} sends this {{unit}} as one query, and PostgreSQL runs several statements sent together as one implicit transaction",
    flywayMixed:
      "{{command}} cannot run inside a transaction block, and this migration mixes it with statements that can: Flyway refuses to run the migration (“Detected both transactional and non-transactional statements within the same migration”)",
    blockHelp: "PostgreSQL stops with “{{command}} cannot run inside a transaction block”: run it on its own, outside BEGIN … COMMIT",
    assumedHelp: "move it to a migration of its own marked -- sqlguard-no-transaction, and have the runner apply that one outside a transaction",
    toolHelp: "with {{tool}}: {{help}}",
    implicitHelp: "send it as a query of its own (in a migration: a migration of its own)",
    needsBlock: "{{command}} outside a transaction block: PostgreSQL refuses it (it can only be used in transaction blocks)",
    needsBlockUnknown:
      "{{command}} outside a transaction block, unless the migration tool runs this file in one: PostgreSQL refuses it outside (it can only be used in transaction blocks)",
    needsUnknownHelp:
      "nothing in this file opens or closes a transaction: if a migration tool runs it in one, list it in the config's assumeInTransaction (or add -- sqlguard-assume-in-transaction); otherwise put it inside BEGIN … COMMIT",
    noEffect: "{{command}} outside a transaction block has no effect: PostgreSQL only warns, and the setting is gone before the next statement",
    needsHelp: "put it inside BEGIN … COMMIT together with the statements it is meant for",
    newEnumValue:
      "'{{value}}' was added to {{type}} by ALTER TYPE … ADD VALUE{{where}} in this same transaction: PostgreSQL refuses to use it before that transaction commits (unsafe use of new value)",
    newEnumHelp: "commit the ALTER TYPE … ADD VALUE first (a separate migration), then use the value",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      postgresVersion: {
        type: "integer",
        minimum: 9,
        description:
          "Oldest PostgreSQL major version the SQL must run on (default: the config's `postgresVersion`). Below 12, `ALTER TYPE … ADD VALUE` inside a block is reported too (PostgreSQL 11 and older refuse it).",
      },
      newEnumValues: {
        type: "boolean",
        default: true,
        description: "Report a value added by `ALTER TYPE … ADD VALUE` that a later statement of the same transaction uses.",
      },
      implicitTransaction: {
        type: "boolean",
        default: false,
        description:
          "For files listed in `assumeInTransaction` that no known migration tool runs: the runner sends the whole file as one query instead of opening a transaction with `BEGIN`. PostgreSQL runs several statements sent together as one implicit transaction, but a file of a single statement outside any, so a lone `CREATE INDEX CONCURRENTLY` is fine there. Files of the tools sqlguard recognises (Prisma Migrate and golang-migrate send a file as one query) follow their run model without it.",
      },
    },
  }),
  create(context) {
    const doc = context.doc;
    // a file for another database (its folder says so): PostgreSQL's blocks are not its own
    if (!postgresTransactions(doc)) return {};
    const { newEnumValues, implicitTransaction } = context.options;
    const postgresVersion = context.options.postgresVersion ?? context.settings.postgresVersion;
    const script = doc.kind === "script";
    const run = doc.run;
    const by = assumedBy(doc);
    /** Sent as one query string: several statements run as one implicit transaction. */
    const sentWhole = run.mode === "implicit";
    /** Subscriptions whose slot was detached earlier in the script (`SET (slot_name = NONE)`). */
    const slotless = new Set<string>();
    /** Refused statements with no block, in a unit sent as one query: they fail if it holds several statements. */
    const implicit: { stmt: Statement; refusal: BlockRefusal; file: boolean }[] = [];
    /** Refused statements Flyway recognises: fine if the migration holds nothing else, else Flyway refuses it. */
    const flyway: { stmt: Statement; refusal: BlockRefusal }[] = [];
    let topLevel = 0;
    /**
     * The script opens or closes transactions itself, or the tool that runs it sends each statement
     * on its own: a statement outside a block surely is outside one.
     */
    let managesTransactions = doc.transactionDirective === "no-transaction" || (run.tool !== null && run.mode === "none");
    /** LOCK / DECLARE CURSOR outside a block, judged at the end: by then we know the above. */
    const needing: { start: number; end: number; command: string }[] = [];
    /** SET LOCAL and the like outside a block, in a unit sent as one query: judged at the end. */
    const noEffect: { start: number; end: number; command: string }[] = [];
    // Enum values added in the transaction now open, and the enum types it created.
    let added: AddedValue[] = [];
    let created = new Set<string>();

    const condition = (r: BlockRefusal) => (r.subscriptionSlot !== undefined ? " while the subscription has a replication slot" : "");

    return {
      statement(stmt) {
        if (!stmt.parsed) return;
        topLevel++;
        const c = stmt.txControl;
        if (c || stmt.implicitBegin) managesTransactions = true;
        if (c && c.effect !== "savepoint" && c.effect !== "none" && c.effect !== "nested") {
          added = [];
          created = new Set();
        }
        const refusal = blockRefusal(stmt, { postgresVersion });
        if (refusal && refusal.subscriptionSlot !== undefined && slotless.has(refusal.subscriptionSlot)) {
          // its slot was detached earlier: PostgreSQL accepts it in a block
        } else if (refusal) {
          const data = { command: refusal.command, condition: condition(refusal) };
          if (stmt.tx === "explicit") {
            const opener = stmt.block;
            context.report({
              messageId: "inBlock",
              data: {
                ...data,
                where: byStatement(opener),
              },
              start: stmt.start, end: stmt.end,
              helpId: "blockHelp",
              ...openedHere(opener),
            });
          } else if (run.refused === "apart" && run.apart.includes(refusal.command)) {
            // the tool sends it on its own, outside its transaction (Prisma 7.4+)
          } else if (stmt.tx === "assumed" && (run.refused === "flyway" || run.refused === "flyway-mixed") && run.apart.includes(refusal.command)) {
            flyway.push({ stmt, refusal });
          } else if (stmt.tx === "assumed" && implicitTransaction && script && run.tool === null) {
            implicit.push({ stmt, refusal, file: true });
          } else if (stmt.tx === "assumed") {
            context.report({
              messageId: "inAssumed",
              data: { ...data, by, help: run.refusedHelp, tool: run.toolName ?? "" },
              start: stmt.start, end: stmt.end,
              helpId: run.tool ? "toolHelp" : "assumedHelp",
            });
          } else if (sentWhole) {
            implicit.push({ stmt, refusal, file: script });
          }
        }
        if (stmt.tx === "none" && script) {
          const need = blockNeed(stmt);
          if (need?.outside === "error") needing.push({ start: stmt.start, end: stmt.end, command: need.command });
          else if (need && sentWhole) noEffect.push({ start: stmt.start, end: stmt.end, command: need.command });
          else if (need) context.report({ messageId: "noEffect", data: { command: need.command }, start: stmt.start, end: stmt.end, helpId: "needsHelp", atMostWarning: true });
        }
        noteSlot(stmt, slotless);
        if (newEnumValues) checkEnumValues(stmt);
      },
      end() {
        // In a unit sent as one query, several statements share its implicit transaction: LOCK and
        // SET LOCAL work there, and a refused statement fails.
        const together = sentWhole && topLevel >= 2;
        if (together) needing.length = 0;
        else for (const n of noEffect) context.report({ messageId: "noEffect", data: { command: n.command }, start: n.start, end: n.end, helpId: "needsHelp", atMostWarning: true });
        // Flyway runs a migration of only such statements without a transaction, and refuses a mix.
        if (flyway.length > 0 && flyway.length < topLevel && run.refused === "flyway") {
          for (const { stmt, refusal } of flyway) {
            context.report({ messageId: "flywayMixed", data: { command: refusal.command, help: run.refusedHelp, tool: run.toolName ?? "Flyway" }, start: stmt.start, end: stmt.end, helpId: "toolHelp" });
          }
        }
        // A file with no transaction command at all may be one a migration tool wraps (graphile-worker,
        // Flyway, Rails…): without config saying so, a LOCK there is only suspicious, not surely wrong.
        for (const n of needing) {
          context.report({
            messageId: managesTransactions ? "needsBlock" : "needsBlockUnknown",
            data: { command: n.command },
            start: n.start,
            end: n.end,
            helpId: managesTransactions ? "needsHelp" : "needsUnknownHelp",
            ...(managesTransactions ? {} : { atMostWarning: true }),
          });
        }
        if (topLevel < 2) return;
        for (const { stmt, refusal, file } of implicit) {
          const data = { command: refusal.command, condition: condition(refusal) };
          if (file && run.tool) {
            const optOut = run.optOut?.present ? run.optOut : null;
            context.report({
              messageId: optOut ? "inToolImplicitOptOut" : "inToolImplicit",
              data: { ...data, tool: run.toolName ?? run.tool, unit: run.unit, marker: optOut?.marker ?? "", help: run.refusedHelp },
              start: stmt.start,
              end: stmt.end,
              helpId: "toolHelp",
            });
          } else {
            context.report({ messageId: file ? "inImplicitFile" : "inImplicit", data, start: stmt.start, end: stmt.end, helpId: "implicitHelp" });
          }
        }
      },
    };

    function checkEnumValues(stmt: Statement): void {
      // outside a block; but in a unit sent as one query, its implicit transaction holds them all
      if (!sentWhole && (stmt.tx === "none" || stmt.txAfter === "none")) return;
      // the node type is known without the tree; the tree is read only where it is needed
      if (stmt.nodeType === "CreateEnumStmt") {
        created.add(typeName(nodeBody(stmt.node).typeName));
        return;
      }
      if (stmt.nodeType === "AlterEnumStmt") {
        const body = nodeBody(stmt.node);
        const type = typeName(body.typeName);
        if (typeof body.newVal === "string" && !body.oldVal && !created.has(type)) added.push({ type, value: body.newVal, stmt });
        return;
      }
      if (added.length === 0) return;
      const node = stmt.node;
      if (!node) return;
      const used = new Map<string, number>();
      walk(node, (t, b) => {
        if (t !== "A_Const") return;
        const sval = (b.sval as PgNode | undefined)?.sval;
        if (typeof sval === "string" && !used.has(sval)) used.set(sval, Number(b.location ?? -1));
      });
      for (const a of added) {
        if (!used.has(a.value)) continue;
        const loc = used.get(a.value)!;
        const start = stmt.offsetOf(loc);
        const end = loc < 0 ? stmt.end : stmt.offsetOfIndex(literalEnd(stmt.parseText, stmt.indexOf(loc)));
        context.report({
          messageId: "newEnumValue",
          data: { value: a.value, type: a.type, where: a.stmt.doc.kind === "script" ? ` on line ${a.stmt.doc.lineOf(a.stmt.start)}` : " earlier in this string" },
          start,
          end,
          helpId: "newEnumHelp",
          related: [{ message: "the value is added here", start: a.stmt.start, end: a.stmt.end }],
        });
      }
    }
  },
});

/** Index just past the string literal starting at `i` (`'…'`, `E'…'`), or past the token. */
function literalEnd(text: string, i: number): number {
  const escapes = /[eE]/.test(text[i] ?? "") && text[i + 1] === "'";
  const k = escapes ? i + 1 : i;
  if (text[k] !== "'") return Math.max(i + 1, i + (/^\S+/.exec(text.slice(i))?.[0].length ?? 1));
  const end = scanQuoted(text, k + 1, 39, escapes);
  return end < 0 ? text.length : end;
}

function typeName(list: unknown): string {
  return Array.isArray(list) ? quotedName((list as PgNode[]).map((n) => String(nodeBody(n).sval ?? (n.String as PgNode | undefined)?.sval ?? ""))) : "?";
}

/** `ALTER SUBSCRIPTION s SET (slot_name = NONE)`: a later DROP SUBSCRIPTION s may run in a block. */
function noteSlot(stmt: Statement, slotless: Set<string>): void {
  if (stmt.nodeType !== "AlterSubscriptionStmt") return;
  const b = nodeBody(stmt.node);
  for (const o of (b.options as PgNode[] | undefined) ?? []) {
    const d = (o.DefElem ?? {}) as PgNode;
    const v = nodeBody(d.arg as PgNode | undefined).sval;
    if (d.defname === "slot_name" && typeof v === "string" && v.toLowerCase() === "none") slotless.add(String(b.subname ?? ""));
  }
}
