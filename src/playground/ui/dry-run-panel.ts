/**
 * The dry-run panel: a schema (a migration) and optional seed rows pasted by the user, and a button
 * that runs the .sql tab's script on PostgreSQL in the page and shows, per statement, the rows it
 * changed and the locks it took, then rolls it all back. PGlite is imported only on the first
 * click (./dry-run.ts, a chunk of its own): the page's load and its first finding never wait for it.
 */
import type { VerifyEvent } from "../../verify/events.js";
import type { DryRunStatement } from "../../verify/dry-run.js";
import { plural } from "../../util/plural.js";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** 1-based line and column of an offset. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length;
  const col = offset - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
  return `${line}:${col}`;
}

function share(x: number | null, rowsBefore: number): string {
  if (x === null) return "the table was empty";
  const p = x * 100;
  const pct = p === 0 ? "0%" : p < 0.1 ? "<0.1%" : `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`;
  return `${pct} of its ${plural(rowsBefore, "row")}`;
}

function errorText(where: string, text: string, e: VerifyEvent): string {
  const err = e.kind === "query" ? e.error : null;
  const parts = [`${where} ${lineCol(text, e.start)}: ${err?.message ?? "failed"}`];
  if (err?.detail) parts.push(err.detail);
  if (err?.hint) parts.push(`Hint: ${err.hint}`);
  return parts.join(" — ");
}

function statementItem(script: string, s: DryRunStatement): HTMLLIElement {
  const li = el("li", { class: "dry-statement", "data-line": lineCol(script, s.start).split(":")[0]!, "data-command": s.command });
  const head = el("div", { class: "head" }, el("span", { class: "loc" }, lineCol(script, s.start)), el("strong", {}, s.command));
  li.append(head);
  if (s.skipped) {
    li.dataset.outcome = "skipped";
    head.append(el("span", { class: "help" }, `skipped: ${s.skipped}`));
    return li;
  }
  if (s.failed) {
    li.dataset.outcome = "failed";
    head.append(el("span", { class: "sev error" }, `failed: ${s.failed}`));
    return li;
  }
  li.dataset.outcome = "ran";
  if (s.rowCount !== null) head.append(el("span", { class: "rows" }, plural(s.rowCount, "row")));
  const details = el("ul", { class: "related" });
  for (const t of s.tables) {
    const parts = [t.inserted && `${t.inserted} inserted`, t.updated && `${t.updated} updated`, t.deleted && `${t.deleted} deleted`].filter(Boolean).join(", ");
    details.append(el("li", { class: "change" }, `${t.table}: ${parts} (${share(t.share, t.rowsBefore)})`));
  }
  for (const l of s.locks) details.append(el("li", { class: "lock", "data-mode": l.mode, "data-relation": l.relation }, `${l.mode} on ${l.relation}`));
  if (s.tables.length === 0 && s.locks.length === 0) details.append(el("li", {}, "no row changed, no new lock"));
  li.append(details);
  return li;
}

/** Wires the panel; `script` reads the .sql tab's text. */
export function setupDryRun(script: () => string): void {
  const button = document.getElementById("dry-run") as HTMLButtonElement;
  const schema = document.getElementById("dry-schema") as HTMLTextAreaElement;
  const seed = document.getElementById("dry-seed") as HTMLTextAreaElement;
  const status = document.getElementById("dry-status")!;
  const list = document.getElementById("dry-results")!;
  button.addEventListener("click", () => {
    const text = script();
    const schemaText = schema.value;
    const seedText = seed.value;
    button.disabled = true;
    list.replaceChildren();
    delete status.dataset.state;
    status.textContent = "Loading PostgreSQL (PGlite) into the page…";
    void (async () => {
      try {
        const { pageDryRun } = await import("./dry-run.js");
        status.textContent = "Running…";
        const run = await pageDryRun(schemaText, seedText, text);
        if (run.schemaError) {
          status.dataset.state = "failed";
          status.textContent = errorText("The schema failed at", schemaText, run.schemaError);
          return;
        }
        const notes = [`Rolled back: nothing was kept. PostgreSQL started in ${(run.startMs / 1000).toFixed(1)} s.`];
        if (run.seedError) notes.unshift(errorText("The seed stopped at", seedText, run.seedError) + ".");
        for (const e of run.result!.events) notes.push(errorText("script.sql", text, e) + ".");
        for (const s of run.result!.statements) list.append(statementItem(text, s));
        if (run.result!.statements.length === 0) notes.unshift("The .sql tab has no statement to run.");
        status.dataset.state = run.seedError || run.result!.events.length > 0 ? "failed" : "done";
        status.textContent = notes.join(" ");
      } catch (e) {
        status.dataset.state = "failed";
        status.textContent = `The dry run could not run: ${(e as Error).message}`;
      } finally {
        button.disabled = false;
      }
    })();
  });
}
