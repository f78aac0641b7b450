/**
 * A thin wrapper over the connection-string scanner (src/secrets/connection-strings.ts), which the
 * ESLint plugin calls on string literals too. The scanner finds the strings, their hosts and their
 * secrets; this rule turns findings into reports and hands every secret to the engine to redact.
 */
import { defineRule, options } from "../../src/engine/rule.js";

export interface Options {
  remoteWithoutPassword: boolean;
}

export default defineRule({
  id: "no-prod-connection-string",
  description: "Connection strings to production (or any non-local) databases committed to the repository; passwords are never printed",
  defaultSeverity: "error",
  appliesTo: ["text"],
  messages: {
    productionPassword: "{{form}} with an inline password points at production host {{host}} ({{reason}})",
    production: "{{form}} points at production host {{host}} ({{reason}})",
    productionServer: "{{form}} has an inline password, and the server counts as production ({{reason}})",
    remotePassword: "{{form}} with an inline password points at {{host}}, which is not a local or development host",
    remote: "{{form}} points at {{host}}, which is not a local or development host",
    unknownServer: "{{form}} has an inline password, and the server's host is not in this file",
    help: "move it to an environment variable or a secret store and read it at run time; commit only a placeholder such as ${DATABASE_URL}",
    helpRemote:
      "move it to an environment variable or a secret store and read it at run time; if {{host}} is a development host, add it to localHosts in the sqlguard config",
  },
  schema: options<Options>({
    type: "object",
    additionalProperties: false,
    properties: {
      remoteWithoutPassword: {
        type: "boolean",
        default: true,
        description:
          "Warn about a connection string without an inline password whose host is neither local nor known to be production (an internal or unknown host). Production hosts and inline passwords are reported either way.",
      },
    },
  }),
  create(context) {
    const { remoteWithoutPassword } = context.options;
    return {
      text(doc) {
        for (const c of doc.connectionStrings(context.settings)) {
          const f = c.finding;
          if (!f) continue;
          const data = { form: c.label, host: f.host, reason: f.reason };
          const redact = c.secrets;
          if (f.kind === "production") {
            const messageId = c.form === "user-mapping" && c.hosts.length === 0 ? "productionServer" : c.hasPassword ? "productionPassword" : "production";
            context.report({ messageId, data, start: c.start, end: c.end, helpId: "help", redact });
          } else if (f.kind === "unknown") {
            context.report({ messageId: "unknownServer", data, start: c.start, end: c.end, helpId: "help", redact, atMostWarning: true });
          } else if (c.hasPassword) {
            context.report({ messageId: "remotePassword", data, start: c.start, end: c.end, helpId: "helpRemote", redact });
          } else if (remoteWithoutPassword) {
            context.report({ messageId: "remote", data, start: c.start, end: c.end, helpId: "helpRemote", redact, atMostWarning: true });
          }
        }
      },
    };
  },
});
