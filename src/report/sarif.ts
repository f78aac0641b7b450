/**
 * `--format sarif`: a SARIF 2.1.0 log (OASIS), for GitHub code scanning
 * (github/codeql-action/upload-sarif), Azure DevOps, GitLab and other result viewers.
 *
 * - `tool.driver.rules` lists every rule sqlguard ships (so `ruleIndex` is stable from run to
 *   run), then two descriptors for the problems sqlguard reports about a file itself, whose
 *   `ruleId` is null in the other formats: `sqlguard/not-linted` (unreadable, not text, too
 *   big, an internal error) and `sqlguard/notice` (invalid UTF-8, a directive that suppresses
 *   nothing…). Rule ids never contain `/`, so these cannot clash with a rule.
 * - Locations are relative to the working folder with `uriBaseId: "%SRCROOT%"`, which
 *   `originalUriBaseIds` maps to that folder; lines and columns are 1-based and columns count
 *   UTF-16 code units (`columnKind: "utf16CodeUnits"`), exactly as sqlguard counts them.
 * - `partialFingerprints["sqlguard/v1"]` hashes the rule id, the flagged line(s) with
 *   whitespace normalised, and the occurrence of that pair in the file: it survives edits
 *   elsewhere in the file (lines moving up or down), unlike a line number.
 *
 * Like every reporter it reads only the results: messages and line texts there already have
 * secrets replaced, so nothing here can print one.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { docsUrl, type Rule } from "../engine/rule.js";
import type { Diagnostic, FileResult } from "../engine/types.js";
import { encodeSegment, hasEscapedBytes } from "../util/file-names.js";
import { VERSION } from "../version.js";
import type { ReportContext } from "./types.js";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI = "https://github.com/sqlguard/sqlguard";
const SRCROOT = "%SRCROOT%";

/** Descriptors for problems that belong to no rule (ruleId null in the other formats). */
export const NOT_LINTED = "sqlguard/not-linted";
export const NOTICE = "sqlguard/notice";

type Level = "error" | "warning" | "note" | "none";

interface Descriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Level; enabled?: boolean };
  properties: { tags: string[] };
}

function pascal(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function ruleDescriptor(rule: Rule): Descriptor {
  const url = docsUrl(rule.id);
  const help = rule.messages.help && !rule.messages.help.includes("{{") ? ` ${rule.messages.help[0]!.toUpperCase()}${rule.messages.help.slice(1)}.` : "";
  const documents = rule.appliesTo.map((k) => (k === "script" ? "SQL scripts" : k === "embedded" ? "SQL in code" : "any text file")).join(", ");
  const d: Descriptor = {
    id: rule.id,
    name: pascal(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} (checks ${documents}).${help}` },
    helpUri: url,
    help: { text: `${rule.description}. Documentation: ${url}`, markdown: `${rule.description}. [Documentation](${url})` },
    defaultConfiguration: { level: rule.defaultSeverity === "error" ? "error" : "warning" },
    properties: { tags: ["sql", "postgresql", ...rule.appliesTo] },
  };
  if (rule.defaultSeverity === "off") d.defaultConfiguration.enabled = false;
  return d;
}

function ownDescriptor(id: string, short: string, full: string, level: Level): Descriptor {
  const url = `${INFORMATION_URI}#readme`;
  return {
    id,
    name: pascal(id),
    shortDescription: { text: short },
    fullDescription: { text: full },
    helpUri: url,
    help: { text: `${full} Documentation: ${url}`, markdown: `${full} [Documentation](${url})` },
    defaultConfiguration: { level },
    properties: { tags: ["sqlguard"] },
  };
}

/** The driver's rule list: every rule of the run's set, then sqlguard's own two descriptors. */
export function sarifRules(rules: readonly Rule[]): Descriptor[] {
  return [
    ...rules.map(ruleDescriptor),
    ownDescriptor(
      NOT_LINTED,
      "A file sqlguard could not lint",
      "sqlguard could not lint this file: it is unreadable, not text, over the size limit, or sqlguard failed on it.",
      "error",
    ),
    ownDescriptor(
      NOTICE,
      "A problem with the file itself or with a sqlguard directive",
      "A problem sqlguard found in the file rather than in its SQL: text that is not valid UTF-8, or a sqlguard directive that suppresses nothing or names an unknown rule.",
      "warning",
    ),
  ];
}

/** A relative reference for a path below `cwd` (percent-encoded per segment), else null. */
function relativeUri(file: string, cwd: string): string | null {
  if (!path.isAbsolute(file)) return file.split(/[\\/]/).map(encodeSegment).join("/");
  const rel = path.relative(cwd, file);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).map(encodeSegment).join("/");
}

function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = relativeUri(file, cwd);
  if (rel !== null) return { uri: rel, uriBaseId: SRCROOT };
  // a name with bytes that are not UTF-8 (POSIX only): each byte percent-encoded as itself
  return { uri: hasEscapedBytes(file) ? "file://" + file.split("/").map(encodeSegment).join("/") : pathToFileURL(file).href };
}

function normalize(line: string | undefined): string {
  return (line ?? "").trim().replace(/\s+/g, " ");
}

function level(m: Diagnostic): Level {
  return m.severity === 2 ? "error" : "warning";
}

export function sarif(results: FileResult[], context: ReportContext): string {
  const descriptors = sarifRules(context.rules);
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  const out: Record<string, unknown>[] = [];
  const notifications: Record<string, unknown>[] = [];
  let internal = false;

  for (const r of results) {
    const artifact = artifactLocation(r.filePath, context.cwd);
    const seen = new Map<string, number>();
    for (const m of r.messages) {
      const ruleId = m.ruleId ?? (m.fatal ? NOT_LINTED : NOTICE);
      const ruleIndex = index.get(ruleId);
      const physicalLocation = {
        artifactLocation: artifact,
        region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
      };

      const flagged = m.endLine !== m.line ? `${normalize(r.lines[m.line])}\n${normalize(r.lines[m.endLine])}` : normalize(r.lines[m.line]);
      const key = `${ruleId}\u0000${flagged}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      const hash = createHash("sha256").update(key).digest("hex").slice(0, 32);

      const result: Record<string, unknown> = {
        ruleId,
        level: level(m),
        message: { text: m.help ? `${m.message}\nHelp: ${m.help}` : m.message },
        locations: [{ physicalLocation }],
        partialFingerprints: { "sqlguard/v1": `${hash}:${occurrence}` },
      };
      if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
      if (m.related?.length) {
        result.relatedLocations = m.related.map((rel, i) => ({
          id: i + 1,
          message: { text: rel.message },
          physicalLocation: {
            artifactLocation: artifact,
            region: { startLine: rel.line, startColumn: rel.column, endLine: rel.endLine, endColumn: rel.endColumn },
          },
        }));
      }
      out.push(result);

      if (m.fatal) {
        if (m.internal) internal = true;
        notifications.push({ level: "error", message: { text: m.message }, locations: [{ physicalLocation: { artifactLocation: artifact } }] });
      }
    }
  }

  const invocation: Record<string, unknown> = { executionSuccessful: !internal };
  if (notifications.length) invocation.toolExecutionNotifications = notifications;
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "sqlguard",
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: INFORMATION_URI,
            rules: descriptors,
          },
        },
        invocations: [invocation],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(context.cwd).href.replace(/\/?$/, "/") } },
        columnKind: "utf16CodeUnits",
        results: out,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
