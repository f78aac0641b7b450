/**
 * A text document: a whole file as text, for rules that read any file (connection strings). Its
 * connection strings are found once: the rule that reports them and the engine, which keeps every
 * password out of its output (reported or not), share them.
 */
import { findConnectionStrings, type ConnectionString, type HostPolicy } from "./connection-strings.js";

export interface TextDocument {
  kind: "text";
  text: string;
  filePath: string;
  /** Every connection string in the text, found once per policy. */
  connectionStrings(policy: HostPolicy): ConnectionString[];
}

export function textDocument(text: string, filePath: string): TextDocument {
  let found: { policy: HostPolicy; list: ConnectionString[] } | null = null;
  return {
    kind: "text",
    text,
    filePath,
    connectionStrings(policy) {
      if (found?.policy !== policy) found = { policy, list: findConnectionStrings(text, 0, policy) };
      return found.list;
    },
  };
}
