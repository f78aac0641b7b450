/**
 * Finds database connection strings in any text and says where their hosts and secrets are.
 *
 * Forms: URIs (`postgres://`, `postgresql://`, `mysql://`, `mariadb://`, `mongodb(+srv)://`,
 * `redis(s)://`, `sqlserver://`, SQLAlchemy's `postgresql+psycopg2://`…), JDBC URLs
 * (`jdbc:postgresql://…?password=`, `jdbc:sqlserver://…;password=`), libpq keyword strings
 * (`host=… dbname=… password=…`, quoted values, inside SQL literals too), ADO.NET / ODBC strings
 * (`Host=…;Password=…`, `Server=…`, `Data Source=…`), Go MySQL DSNs (`user:pw@tcp(host)/db`), SQL
 * foreign servers and user mappings (`CREATE SERVER … OPTIONS (host '…')`, `CREATE USER MAPPING …
 * OPTIONS (password '…')`) and psql's positional `\connect db user host`.
 *
 * It works on a string plus a base offset, so the CLI's text rule and the ESLint plugin (on string
 * literals) share it. Pure: no I/O. Every returned range is `baseOffset` + an index of `text`.
 */
import { classifyHost, isPlaceholderPassword, isTemplate, isTemplateValue, productionWord, type HostPolicy, type HostVerdict } from "./hosts.js";

export type { HostPolicy, HostVerdict } from "./hosts.js";

export type ConnectionForm = "uri" | "jdbc" | "keyword" | "ado" | "mysql-dsn" | "fdw-server" | "user-mapping" | "psql-connect";

export interface Range {
  start: number;
  end: number;
}

export interface HostMention extends Range {
  /** The host as it connects: percent-decoded, IPv6 in brackets, socket paths as written. */
  host: string;
  verdict: HostVerdict;
}

export interface Finding {
  /**
   * `production`: a production host (always an error). `remote`: a host that is not local or
   * development (an error with an inline password, else a warning). `unknown`: a user mapping's
   * password whose server is not defined in the text (a warning).
   */
  kind: "production" | "remote" | "unknown";
  /** The host that decided it (for `unknown`, the foreign server's name). */
  host: string;
  reason: string;
}

export interface ConnectionString extends Range {
  form: ConnectionForm;
  /** What it is, for messages: "PostgreSQL URI", "JDBC URL", "libpq connection string"… */
  label: string;
  hosts: HostMention[];
  /** Where inline secrets are written (passwords, tokens); template expressions are left out. */
  secrets: Range[];
  /** Whether one of the secrets is a real value (not `password`, `<password>`, `****`…). */
  hasPassword: boolean;
  /** For a user mapping: the foreign server it belongs to. */
  server?: string;
  /** Null when nothing is wrong (local host, placeholder, no host at all). */
  finding: Finding | null;
}

/**
 * Every connection string in `text`, in order. Those with a `finding` are what the
 * `no-prod-connection-string` rule reports; the others are listed so callers may still redact.
 */
export function findConnectionStrings(text: string, baseOffset = 0, policy: HostPolicy = {}): ConnectionString[] {
  const scan = new Scanner(text, policy);
  scan.uris();
  scan.mysqlDsns();
  scan.foreignServers();
  scan.adoStrings();
  scan.keywordStrings();
  scan.psqlConnect();
  const out = scan.found.sort((a, b) => a.start - b.start || a.end - b.end);
  if (baseOffset === 0) return out;
  const shift = (r: Range) => {
    r.start += baseOffset;
    r.end += baseOffset;
  };
  for (const c of out) {
    shift(c);
    c.hosts.forEach(shift);
    c.secrets.forEach(shift);
  }
  return out;
}

const URI_START =
  /(?<![A-Za-z0-9+.\-])(jdbc:[a-z][a-z0-9]*(?::[a-z][a-z0-9]*)*|postgres(?:ql)?|pg|pgsql|postgis|mysql|mysqlx|mariadb|mongodb|rediss?|sqlserver|mssql|cockroachdb|redshift|timescale)((?:\+[a-z0-9_]+)?):\/\//gi;
const SECRET_KEY = /^(?:password|passwd|pwd|pass|sslpassword|secret|client_secret|oauth_client_secret|token|access_token|auth_token|api_?key)$/i;
export const LIBPQ_KEYS = new Set(
  (
    "host hostaddr port dbname user password passfile require_auth channel_binding connect_timeout client_encoding " +
    "options application_name fallback_application_name keepalives keepalives_idle keepalives_interval keepalives_count " +
    "tcp_user_timeout replication gssencmode sslmode sslnegotiation sslcompression sslcert sslkey sslpassword sslcertmode " +
    "sslrootcert sslcrl sslcrldir sslsni requirepeer ssl_min_protocol_version ssl_max_protocol_version min_protocol_version " +
    "max_protocol_version krbsrvname gsslib gssdelegation service target_session_attrs load_balance_hosts oauth_issuer " +
    "oauth_client_id oauth_client_secret oauth_scope sslkeylogfile"
  ).split(" "),
);
const LIBPQ_KEY_MAX = Math.max(...[...LIBPQ_KEYS].map((k) => k.length));

/** A match of a scanner below: where it starts, and the index just past it. */
export interface KeyMatch {
  index: number;
  end: number;
}

/*
 * The two scanners below find what a regular expression would, but start from each `=` sign and
 * look back, instead of trying a pattern at every position of the text: SQL and code are full of
 * `=`, yet most characters are not one, and a text rule runs on every file.
 */

/**
 * The next libpq keyword followed by `=` (not `==`, `=>`, `=~`) at or after `from`: only the known
 * keywords (`x = 1` in SQL is everywhere), a whole word, not after `.&?;/$-` (URL query strings,
 * shell variables). `end` is just past the `=`.
 */
export function nextLibpqKey(text: string, from: number): KeyMatch | null {
  for (let eq = text.indexOf("=", from); eq >= 0; eq = text.indexOf("=", eq + 1)) {
    const after = text.charCodeAt(eq + 1);
    if (after === 61 || after === 62 || after === 126) continue;
    let e = eq;
    while (e > from && isBlank(text.charCodeAt(e - 1))) e--;
    let k = e;
    while (k > from && e - k <= LIBPQ_KEY_MAX && isWordCode(text.charCodeAt(k - 1))) k--;
    if (k === e || e - k > LIBPQ_KEY_MAX) continue;
    const before = k > 0 ? text.charCodeAt(k - 1) : 32;
    // the word must start here: not in the middle of a longer one, nor after . & ? ; / $ -
    if (isWordCode(before) || before === 46 || before === 38 || before === 63 || before === 59 || before === 47 || before === 36 || before === 45) continue;
    if (LIBPQ_KEYS.has(text.slice(k, e))) return { index: k, end: eq + 1 };
  }
  return null;
}

/**
 * The next hint of an ADO.NET / ODBC string at or after `from`: a host, server, data source,
 * address or password key (also as the end of a longer word) and `=`, either after a `;` (the
 * match starts at the `;` and ends past the `=`), or followed by a `;` within 300 characters on
 * its line (the match ends past that `;`).
 */
export function nextAdoHint(text: string, from: number): KeyMatch | null {
  for (let eq = text.indexOf("=", from); eq >= 0; eq = text.indexOf("=", eq + 1)) {
    let e = eq;
    while (e > from && isBlank(text.charCodeAt(e - 1))) e--;
    const k = adoKeyStart(text, e, from);
    if (k < 0) continue;
    let semi = k;
    while (semi > from && isBlank(text.charCodeAt(semi - 1))) semi--;
    if (semi > from && text.charCodeAt(semi - 1) === 59) return { index: semi - 1, end: eq + 1 };
    for (let j = eq + 1; j < text.length && j <= eq + 301; j++) {
      const c = text.charCodeAt(j);
      if (c === 59) return { index: k, end: j + 1 };
      if (c === 10) break;
    }
  }
  return null;
}

const ADO_HINT_KEYS = ["password", "address", "server", "host", "addr", "pwd"];

/** Start of the ADO hint key (`host`, `data source`…) ending at `e`, not before `from`; -1 if none. */
function adoKeyStart(text: string, e: number, from: number): number {
  const tail = text.slice(Math.max(from, e - 8), e).toLowerCase();
  for (const key of ADO_HINT_KEYS) if (tail.endsWith(key)) return e - key.length;
  if (!tail.endsWith("source")) return -1;
  let d = e - 6;
  while (d > from && isBlank(text.charCodeAt(d - 1))) d--;
  return d - 4 >= from && text.slice(d - 4, d).toLowerCase() === "data" ? d - 4 : -1;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

const LIBPQ_ANCHORS = new Set(["host", "hostaddr", "dbname", "password", "user", "service"]);
const ADO_KEYS = new Set(
  (
    "host server datasource address addr networkaddress port database initialcatalog userid uid user username password pwd " +
    "integratedsecurity trustedconnection encrypt trustservercertificate sslmode timeout connecttimeout connectiontimeout " +
    "commandtimeout pooling maxpoolsize minpoolsize applicationname searchpath multipleactiveresultsets persistsecurityinfo " +
    "provider driver dsn charset characterset protocol sslcert sslkey rootcertificate multisubnetfailover failoverpartner " +
    "attachdbfilename workstationid keepalive includeerrordetail"
  ).split(" "),
);
const ADO_HOST_KEYS = new Set(["host", "server", "datasource", "address", "addr", "networkaddress"]);
const ADO_SECRET_KEYS = new Set(["password", "pwd"]);

const RANK: Record<HostVerdict["kind"], number> = { placeholder: 0, local: 0, remote: 1, production: 2 };

class Scanner {
  readonly found: ConnectionString[] = [];
  private readonly covered: Range[] = [];

  constructor(
    private readonly text: string,
    private readonly policy: HostPolicy,
  ) {}

  /** Whether [start, end) overlaps a connection string already found (`covered` is sorted and disjoint). */
  private isCovered(start: number, end = start + 1): boolean {
    const c = this.covered;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]!.end <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo < c.length && c[lo]!.start < end;
  }

  private cover(start: number, end: number): void {
    const c = this.covered;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    c.splice(lo, 0, { start, end: Math.max(end, start + 1) });
  }

  private host(host: string, start: number, end: number): HostMention {
    return { host, start, end, verdict: classifyHost(host, this.policy) };
  }

  private add(c: Omit<ConnectionString, "finding" | "hasPassword">, finding?: Finding | null): void {
    const hasPassword = c.secrets.some((s) => !isPlaceholderPassword(this.text.slice(s.start, s.end)));
    const full: ConnectionString = { ...c, hasPassword, finding: finding === undefined ? decide(c.hosts) : finding };
    this.found.push(full);
    this.cover(c.start, c.end);
  }

  private secret(list: Range[], start: number, end: number): void {
    if (end <= start) return;
    if (isTemplateValue(this.text.slice(start, end))) return;
    list.push({ start, end });
  }

  // ── URIs and JDBC URLs ────────────────────────────────────────────────────────────────────
  uris(): void {
    const text = this.text;
    if (!text.includes("://")) return; // the common case: no URI at all
    URI_START.lastIndex = 0;
    for (let m; (m = URI_START.exec(text)); ) {
      const start = m.index;
      if (this.isCovered(start)) continue;
      const scheme = m[1]!.toLowerCase();
      const { label, family, jdbc } = describeScheme(scheme);
      const bodyStart = start + m[0].length;
      const sqlserver = family === "sqlserver";
      const terms = sqlserver ? "/?#;" : "/?#";
      let rawEnd = scanUri(text, bodyStart, sqlserver);
      let end = trimTrailing(text, bodyStart, rawEnd);
      let s = text.slice(bodyStart, end);

      // Userinfo: up to the last '@' that a host follows. A password may hold a raw '@', '#', '/'
      // or '?' ("user:S3cr@et#x@host"), or a blank, a quote or a line break, where the URI scan
      // stopped ("user:pa ss@host"): then the '@' is looked for past that stop.
      let at = userinfoAt(s, terms, sqlserver);
      // An '@' whose host runs into the stop ("app:a@b c@db…/x", "app:;@/x`y@db…/x") may be the
      // password's own: a host the URI goes on after, further on the line, wins.
      // So may any '@' before a quote or an escape that does not end the string the URI is in.
      const stop = text[rawEnd] ?? "";
      const quote = enclosingQuote(text, rawEnd);
      const limit = quote ? stringEnd(text, rawEnd, quote) : text.length;
      const goesOn = stop !== "" && !/\s/.test(stop) && rawEnd < limit;
      // weak: no host, a host the scan ends in or a fragment follows, or an '@' after it that was
      // not taken: the password may go on
      const hostEnd = indexOut(s, terms, at + 1);
      const weak = at >= 0 && (hostEnd >= s.length || hostEnd === at + 1 || s[hostEnd] === "#" || indexOut(s, "@", at + 1) < s.length);
      let far = -1;
      if (at < 0) far = userinfoBeyond(text, bodyStart, rawEnd, limit, sqlserver, false);
      else if (goesOn || (weak && (stop === " " || stop === "\t"))) far = userinfoBeyond(text, bodyStart, rawEnd, limit, sqlserver, true);
      if (far >= 0) {
        at = far - bodyStart;
        rawEnd = scanUri(text, far + 1, sqlserver);
        end = trimTrailing(text, far + 1, rawEnd);
        s = text.slice(bodyStart, end);
      }
      URI_START.lastIndex = Math.max(end, bodyStart);
      const authEnd = indexOut(s, terms, at + 1);
      const secrets: Range[] = [];
      const hosts: HostMention[] = [];
      if (at >= 0) {
        const colon = indexOut(s, ":", 0, at);
        if (colon < at) this.secret(secrets, bodyStart + colon + 1, bodyStart + at);
      }
      for (const item of splitOut(s, ",", at + 1, authEnd)) {
        const h = splitHostPort(s.slice(item.start, item.end), sqlserver);
        if (!h) continue;
        const mention = this.host(decode(h.host), bodyStart + item.start + h.offset, bodyStart + item.start + h.offset + h.host.length);
        if (validHost(mention.host)) hosts.push(mention);
      }

      // Query parameters (`?host=…&password=…`) and SQL Server properties (`;password=…`).
      const q = sqlserver ? authEnd : indexOut(s, "?", authEnd);
      if (q < s.length) {
        const fragment = indexOut(s, "#", q);
        for (const p of queryParams(s, q, sqlserver)) {
          if (SECRET_KEY.test(p.key)) {
            // a password ending the URI keeps what was trimmed as a sentence's end ("…password=pw!"),
            // and runs on past a quote or an escape that does not end the string it is in ("password=a'b")
            let vEnd = p.valueEnd;
            if (vEnd === s.length) vEnd = (goesOn ? secretWordEnd(text, rawEnd) : rawEnd) - bodyStart;
            this.secret(secrets, bodyStart + p.valueStart, bodyStart + vEnd);
          } else if ((family === "pg" && (p.key === "host" || p.key === "hostaddr")) || (sqlserver && (p.key === "servername" || p.key === "server"))) {
            for (const item of splitOut(s, ",", p.valueStart, Math.min(p.valueEnd, fragment))) {
              const raw = s.slice(item.start, item.end);
              const mention = this.host(decode(raw.trim()), bodyStart + item.start, bodyStart + item.end);
              if (raw.trim() && validHost(mention.host)) hosts.push(mention);
            }
          }
        }
      }
      this.add({ form: jdbc ? "jdbc" : "uri", label, start, end, hosts, secrets });
    }
  }

  // ── Go MySQL driver DSNs: user:password@tcp(host:3306)/db ─────────────────────────────────
  mysqlDsns(): void {
    const text = this.text;
    if (!text.includes("@tcp") && !text.includes("@unix")) return;
    const re = /@(tcp6?|unix)\(([^()\s"'`]{0,300})\)/g;
    for (let m; (m = re.exec(text)); ) {
      const at = m.index;
      // userinfo: back to a space or quote; the user is the word before the first ':'
      let s = at;
      while (s > 0 && at - s < 300 && !/[\s"'`]/.test(text[s - 1]!)) s--;
      const colon = text.indexOf(":", s);
      const userEnd = colon >= 0 && colon < at ? colon : at;
      let start = userEnd;
      while (start > s && /[\w.-]/.test(text[start - 1]!)) start--;
      if (this.isCovered(start)) continue;
      let end = at + m[0].length;
      if (text[end] === "/") end = trimTrailing(text, end, scanValue(text, end, uriStop, 2048));
      const secrets: Range[] = [];
      if (userEnd < at) this.secret(secrets, userEnd + 1, at);
      const addr = m[2]!;
      const addrStart = at + m[1]!.length + 2;
      const hosts: HostMention[] = [];
      if (m[1] === "unix") hosts.push(this.host(addr.startsWith("/") ? addr : `/${addr}`, addrStart, addrStart + addr.length));
      else {
        const h = splitHostPort(addr, false);
        if (h && h.host) hosts.push(this.host(h.host, addrStart + h.offset, addrStart + h.offset + h.host.length));
      }
      this.add({ form: "mysql-dsn", label: "MySQL DSN", start, end, hosts, secrets });
      re.lastIndex = end;
    }
  }

  // ── SQL: CREATE/ALTER SERVER … OPTIONS (host '…'), CREATE/ALTER USER MAPPING … OPTIONS (password '…')
  foreignServers(): void {
    const text = this.text;
    // Statement heads first: OPTIONS lists elsewhere (foreign tables, COPY, prose) cost nothing.
    const heads: number[] = [];
    const headRe = /\b(?:CREATE|ALTER)\s+(?:SERVER|USER\s+MAPPING)\b/gi;
    for (let h; (h = headRe.exec(text)); ) heads.push(h.index);
    if (heads.length === 0) return;
    const re = /\bOPTIONS\s*\(/gi;
    interface Found {
      kind: "server" | "mapping";
      server: string;
      options: SqlOption[];
      start: number;
      end: number;
    }
    const all: Found[] = [];
    for (let m; (m = re.exec(text)); ) {
      const head = statementHead(text, m.index, heads);
      if (!head) continue;
      const parsed = parseSqlOptions(text, m.index + m[0].length);
      re.lastIndex = parsed.end;
      const withValue = parsed.options.filter((o) => o.value !== null);
      if (withValue.length === 0) continue;
      all.push({ ...head, options: parsed.options, start: parsed.options[0]!.start, end: Math.max(...parsed.options.map((o) => o.end)) });
    }
    if (all.length === 0) return;

    const serverHosts = new Map<string, HostMention[]>();
    const hostsOf = (f: Found): HostMention[] => {
      const out: HostMention[] = [];
      for (const o of f.options) {
        if (o.value === null) continue;
        const name = o.name.toLowerCase();
        if (name === "host" || name === "hostaddr" || name === "address" || name === "servername") {
          for (const item of splitOut(text, ",", o.valueStart, o.valueEnd)) {
            const raw = text.slice(item.start, item.end).trim();
            if (!raw) continue;
            const lead = text.slice(item.start, item.end).indexOf(raw);
            const mention = this.host(raw, item.start + lead, item.start + lead + raw.length);
            if (validHost(mention.host)) out.push(mention);
          }
        } else if (name === "dbserver") {
          // oracle_fdw: //host:port/service, host:port/service or a TNS alias
          const raw = o.value.replace(/^\/\//, "");
          const h = splitHostPort(raw.split("/")[0]!, false);
          if (h && h.host) {
            const at = o.valueStart + o.value.indexOf(h.host);
            const mention = this.host(h.host, at, at + h.host.length);
            if (validHost(mention.host)) out.push(mention);
          }
        }
      }
      return out;
    };
    const secretsOf = (f: Found): Range[] => {
      const out: Range[] = [];
      for (const o of f.options) if (o.value !== null && SECRET_KEY.test(o.name)) this.secret(out, o.valueStart, o.valueEnd);
      return out;
    };
    for (const f of all) {
      if (f.kind !== "server") continue;
      const hosts = hostsOf(f);
      if (hosts.length > 0) serverHosts.set(f.server, [...(serverHosts.get(f.server) ?? []), ...hosts]);
    }
    for (const f of all) {
      if (this.isCovered(f.start, f.end)) continue;
      const secrets = secretsOf(f);
      if (f.kind === "server") {
        const hosts = hostsOf(f);
        if (hosts.length === 0 && secrets.length === 0) continue;
        this.add({ form: "fdw-server", label: `foreign server ${f.server}`, start: f.start, end: f.end, hosts, secrets });
        continue;
      }
      if (secrets.length === 0) continue;
      const known = serverHosts.get(f.server);
      const base = { form: "user-mapping" as const, label: `user mapping for server ${f.server}`, start: f.start, end: f.end, secrets, server: f.server };
      if (known) {
        this.add({ ...base, hosts: known });
        continue;
      }
      const real = secrets.some((s) => !isPlaceholderPassword(text.slice(s.start, s.end)));
      const word = productionWord(f.server);
      const finding: Finding | null = !real
        ? null
        : word
          ? { kind: "production", host: f.server, reason: `its name says "${word}"` }
          : { kind: "unknown", host: f.server, reason: "its server's host is not in this file" };
      // A server defined in this file without a host is a local socket: nothing to report.
      const definedHere = all.some((x) => x.kind === "server" && x.server === f.server) || new RegExp(`\\bCREATE\\s+SERVER\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"?${escapeRe(f.server)}\\b`, "i").test(text);
      this.add({ ...base, hosts: [] }, definedHere ? null : finding);
    }
  }

  // ── ADO.NET / ODBC: Host=…;Port=…;Password=…  Server=tcp:x,1433;User Id=…;Password=… ──────────
  adoStrings(): void {
    const text = this.text;
    let doneUntil = -1;
    let next = 0; // where the next hint is looked for
    for (let h; (h = nextAdoHint(text, next)); ) {
      next = h.end;
      if (h.index < doneUntil) continue;
      // Key starts are looked for in a window around the hint (within its line), so a long
      // minified line stays linear.
      let from = h.index;
      while (from > 0 && h.index - from < 1000 && text[from - 1] !== "\n" && text[from - 1] !== "\r") from--;
      let lineEnd = h.index;
      while (lineEnd < text.length && lineEnd - h.index < 8000 && text[lineEnd] !== "\n" && text[lineEnd] !== "\r") lineEnd++;
      const until = Math.min(lineEnd, h.index + 2000);
      doneUntil = until;
      next = until;
      const keyStart = /(?<![A-Za-z0-9_.$@\-\/\\])[A-Za-z][A-Za-z0-9_]*/g;
      keyStart.lastIndex = from;
      for (let k; (k = keyStart.exec(text)) && k.index < until; ) {
        if (this.isCovered(k.index)) continue;
        const run = parseAdoRun(text, k.index, lineEnd);
        if (!run) continue;
        // "ConnectionStrings__Default=Server=…": an unknown first key swallowed the next one; start again at the next word.
        if (!ADO_KEYS.has(run.pairs[0]!.key)) continue;
        keyStart.lastIndex = run.end;
        doneUntil = Math.max(doneUntil, run.end);
        next = Math.max(next, run.end);
        const norm = run.pairs.map((p) => p.key);
        const known = norm.filter((key) => ADO_KEYS.has(key)).length;
        const hasHost = norm.some((key) => ADO_HOST_KEYS.has(key));
        const hasSecret = norm.some((key) => ADO_SECRET_KEYS.has(key));
        if (run.pairs.length < 2 || run.separators < 1 || known < 2 || !(hasHost || hasSecret)) continue;
        const hosts: HostMention[] = [];
        const secrets: Range[] = [];
        for (const p of run.pairs) {
          if (ADO_SECRET_KEYS.has(p.key)) this.secret(secrets, p.valueStart, p.valueEnd);
          else if (ADO_HOST_KEYS.has(p.key)) hosts.push(...this.adoHosts(p.key, p.valueStart, p.valueEnd));
        }
        const label = norm.includes("driver") || norm.includes("dsn") ? "ODBC connection string" : "ADO.NET connection string";
        this.add({ form: "ado", label, start: run.start, end: run.end, hosts, secrets });
      }
    }
  }

  private adoHosts(key: string, vStart: number, vEnd: number): HostMention[] {
    const value = this.text.slice(vStart, vEnd);
    const v = value.replace(/^(?:tcp|np|lpc|admin):/i, "");
    const shift = vStart + (value.length - v.length);
    if (/^\((local|localdb)\)|^\.(\\|$)/i.test(v)) return [this.host("localhost", vStart, vEnd)];
    if (/^[A-Za-z]:[\\/]|^[.~]|^\|DataDirectory\||\.(db|db3|sqlite3?|s3db|mdf|sdf|fdb)$|^:memory:$/i.test(v)) return [];
    const out: HostMention[] = [];
    const commaIsPort = key !== "host";
    const parts = commaIsPort ? [{ start: 0, end: v.search(/,\s*\d+\s*$/) >= 0 ? v.search(/,\s*\d+\s*$/) : v.length }] : splitOut(v, ",", 0, v.length);
    for (const part of parts) {
      let item = v.slice(part.start, part.end);
      item = item.split("\\")[0]!.split("/")[0]!;
      const h = splitHostPort(item.trim(), false);
      if (!h || !h.host) continue;
      const at = shift + part.start + v.slice(part.start).indexOf(h.host);
      const mention = this.host(h.host, at, at + h.host.length);
      if (validHost(mention.host)) out.push(mention);
    }
    return out;
  }

  // ── libpq keyword strings: host=… port=… dbname=… user=… password='…' ────────────────────────
  keywordStrings(): void {
    const text = this.text;
    for (let m, from = 0; (m = nextLibpqKey(text, from)); ) {
      from = m.end;
      if (this.isCovered(m.index)) continue;
      const pairs: LibpqPair[] = [];
      let i = m.index;
      for (;;) {
        const p = parseLibpqPair(text, i);
        if (!p) break;
        pairs.push(p);
        const ws = /[ \t]+/y;
        ws.lastIndex = p.end;
        if (!ws.exec(text)) break;
        i = ws.lastIndex;
      }
      if (pairs.length === 0) continue;
      from = pairs[pairs.length - 1]!.end;
      if (pairs.length < 2 || !pairs.some((p) => LIBPQ_ANCHORS.has(p.key))) continue;
      const hosts: HostMention[] = [];
      const secrets: Range[] = [];
      for (const p of pairs) {
        if (LIBPQ_SECRET_KEYS.has(p.key)) this.secret(secrets, p.valueStart, p.valueEnd);
        else if (p.key === "host" || p.key === "hostaddr") {
          for (const item of splitOut(text, ",", p.valueStart, p.valueEnd)) {
            const raw = text.slice(item.start, item.end);
            if (!raw.trim()) continue;
            const mention = this.host(raw.trim(), item.start, item.end);
            if (validHost(mention.host)) hosts.push(mention);
          }
        }
      }
      const start = pairs[0]!.start;
      const end = pairs[pairs.length - 1]!.end;
      this.add({ form: "keyword", label: "libpq connection string", start, end, hosts, secrets });
    }
  }

  // ── psql: \connect dbname user host port ─────────────────────────────────────────────────────
  psqlConnect(): void {
    const text = this.text;
    if (!text.includes("\\c")) return;
    const re = /(^|[\n\r])[ \t]*(\\(?:c|connect))(?=[ \t])([^\n\r]*)/g;
    for (let m; (m = re.exec(text)); ) {
      const cmdStart = m.index + m[1]!.length + m[0].slice(m[1]!.length).indexOf("\\");
      if (this.isCovered(cmdStart)) continue;
      const argsStart = cmdStart + m[2]!.length;
      const args = psqlArgs(text, argsStart, m.index + m[0].length).filter((a) => !/^-reuse-previous(=|$)/.test(a.value));
      if (args.length < 3) continue;
      if (/=|:\/\//.test(args[0]!.value)) continue; // a conninfo: read by the other scanners
      const host = args[2]!;
      if (host.value === "-" || host.value === "") continue;
      const mention = this.host(host.value, host.start, host.end);
      if (!validHost(mention.host)) continue;
      const end = args[args.length - 1]!.end;
      this.add({ form: "psql-connect", label: "psql \\connect", start: cmdStart, end, hosts: [mention], secrets: [] });
    }
  }
}

function decide(hosts: HostMention[]): Finding | null {
  let best: HostMention | null = null;
  for (const h of hosts) if (!best || RANK[h.verdict.kind] > RANK[best.verdict.kind]) best = h;
  if (!best || RANK[best.verdict.kind] === 0) return null;
  return { kind: best.verdict.kind === "production" ? "production" : "remote", host: best.host, reason: best.verdict.reason };
}

function describeScheme(scheme: string): { label: string; family: "pg" | "mysql" | "mongo" | "redis" | "sqlserver" | "other"; jdbc: boolean } {
  if (scheme.startsWith("jdbc:")) {
    const sub = scheme.split(":")[1]!;
    const family = sub === "postgresql" || sub === "pgsql" || sub === "redshift" ? "pg" : sub === "sqlserver" || sub === "jtds" ? "sqlserver" : sub === "mysql" || sub === "mariadb" ? "mysql" : "other";
    return { label: "JDBC URL", family, jdbc: true };
  }
  switch (scheme) {
    case "mysql":
    case "mysqlx":
      return { label: "MySQL URI", family: "mysql", jdbc: false };
    case "mariadb":
      return { label: "MariaDB URI", family: "mysql", jdbc: false };
    case "mongodb":
      return { label: "MongoDB URI", family: "mongo", jdbc: false };
    case "redis":
    case "rediss":
      return { label: "Redis URI", family: "redis", jdbc: false };
    case "sqlserver":
    case "mssql":
      return { label: "SQL Server URI", family: "sqlserver", jdbc: false };
    case "cockroachdb":
      return { label: "CockroachDB URI", family: "pg", jdbc: false };
    case "redshift":
      return { label: "Redshift URI", family: "pg", jdbc: false };
    default:
      return { label: "PostgreSQL URI", family: "pg", jdbc: false };
  }
}

/** Where a template expression starting at `i` ends (`${…}`, `{{…}}`, `<%…%>`, `#{…}`, `<name>`), or `i`. */
function skipTemplate(text: string, i: number): number {
  const c = text[i];
  let close: string | null = null;
  if (c === "$" && text[i + 1] === "{") close = "}";
  else if (c === "{" && text[i + 1] === "{") close = "}}";
  else if (c === "<" && text[i + 1] === "%") close = "%>";
  else if (c === "#" && text[i + 1] === "{") close = "}";
  else if (c === "<") {
    const m = /<[A-Za-z_][\w .\-]{0,40}>/y;
    m.lastIndex = i;
    return m.exec(text) ? m.lastIndex : i;
  }
  if (!close) return i;
  const j = text.indexOf(close, i + 2);
  if (j < 0 || j - i > 200 || text.slice(i, j).includes("\n")) return i;
  return j + close.length;
}

/** Scans a value from `i` until `stop` says so, stepping over template expressions. */
function scanValue(text: string, i: number, stop: (text: string, i: number) => boolean, limit: number): number {
  const n = Math.min(text.length, i + limit);
  while (i < n) {
    const t = skipTemplate(text, i);
    if (t > i) {
      i = t;
      continue;
    }
    if (stop(text, i)) break;
    i++;
  }
  return Math.min(i, text.length);
}

function uriStop(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c <= 32 || c === 0x7f) return true;
  const ch = text[i]!;
  if (ch === '"' || ch === "'" || ch === "`" || ch === "<" || ch === ">") return true;
  if (ch === "\\") return /["'`nrt\\]/.test(text[i + 1] ?? "");
  return false;
}

/**
 * Where a URI body starting at `i` ends (before trailing punctuation is trimmed): at a blank, a
 * quote or an escape, stepping over template expressions, SQL Server's braced values
 * (`password={a;b c}`) and `.properties` line continuations (a `\` that ends the line).
 */
function scanUri(text: string, i: number, sqlserver: boolean): number {
  const n = Math.min(text.length, i + 4096);
  while (i < n) {
    const c = text[i];
    if (sqlserver && c === "{" && text[i - 1] === "=") {
      const close = braceEnd(text, i);
      if (close > i) {
        i = close;
        continue;
      }
    }
    const t = skipTemplate(text, i);
    if (t > i) {
      i = t;
      continue;
    }
    if (c === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      i += text[i + 1] === "\r" ? 3 : 2;
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      continue;
    }
    if (uriStop(text, i)) break;
    i++;
  }
  return Math.min(i, text.length);
}

/** Where the string quoted with `q` that `i` sits in ends: its closing quote (doubled and escaped ones skipped), or the line end. */
function stringEnd(text: string, i: number, q: string): number {
  for (let e = i; e < text.length && e - i < 4096; e++) {
    const c = text[e];
    if (c === "\n" || c === "\r") return e;
    // `\'` is an escape in code strings, `\''` a backslash and a doubled quote in SQL: the longer reading wins
    if (c === "\\") e += text[e + 1] === q && text[e + 2] === q ? 0 : 1;
    else if (c === q) {
      if (text[e + 1] === q) e++;
      else return e;
    }
  }
  return Math.min(text.length, i + 4096);
}

/** Just past the `}` that closes the brace at `i` (`}}` is an escaped `}`), within the line; -1 if none. */
function braceEnd(text: string, i: number): number {
  for (let e = i + 1; e < text.length && e - i < 1024; e++) {
    const c = text[e];
    if (c === "\n" || c === "\r") return -1;
    if (c === "}") {
      if (text[e + 1] === "}") {
        e++;
        continue;
      }
      return e + 1;
    }
  }
  return -1;
}

/** A list of hosts as a URI writes them: `a.acme.com:5432,[::1]`, `${DB_HOST}`, `tcp(h:3306)`, or nothing. */
function hostListLike(h: string, sqlserver: boolean): boolean {
  if (h === "") return true;
  for (const raw of h.split(",")) {
    const item = /^\w+\([^()]*\)$/.test(raw) ? "x" : raw;
    const host = sqlserver ? /^(?:\[[\w:.%-]*\]|(?:[\p{L}\p{N}_.%~\\-]|\$\{[^{}]*\}|\{\{[^{}]*\}\}|<[\w .-]+>)+)/u : /^(?:\[[\w:.%-]*\]|(?:[\p{L}\p{N}_.%~-]|\$\{[^{}]*\}|\{\{[^{}]*\}\}|<[\w .-]+>)+)/u;
    const m = host.exec(item);
    // a name has a letter or a digit (`%`, `.` or `-` alone is a piece of a password)
    if (!m || !/[\p{L}\p{N}$<{[]/u.test(m[0])) return false;
    const rest = item.slice(m[0].length);
    if (rest !== "" && !/^:(?:\d*|\$\{[^{}]*\}|\{\{[^{}]*\}\}|<[\w .-]+>)$/.test(rest)) return false;
  }
  return true;
}

/** The '@' ending the userinfo of the URI body `s` (the last one a host list follows), or -1. */
function userinfoAt(s: string, terms: string, sqlserver: boolean): number {
  const ats: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const t = skipTemplate(s, i);
    if (t > i) {
      i = t - 1;
      continue;
    }
    if (s[i] === "@") ats.push(i);
  }
  if (ats.length === 0) return -1;
  // Where a query parameter starts (`?user=me@corp.com`): an '@' after it is a value's, unless
  // the userinfo before it is certain ("app:x?y=z@host": a password, not a port).
  const param = /[?&;][\w.-]+=/.exec(s)?.index ?? s.length;
  const colon = indexOut(s, ":", 0, s.length);
  for (let k = ats.length - 1; k >= 0; k--) {
    const p = ats[k]!;
    const hostEnd = indexOut(s, terms, p + 1);
    // no host at all only before a path or query (`postgres://u:pw@/db?host=/tmp`), not where the scan stopped
    if (hostEnd === p + 1 && hostEnd >= s.length) continue;
    if (!hostListLike(s.slice(p + 1, hostEnd), sqlserver)) continue;
    if (param < p) {
      if (colon >= param) continue;
      const password = s.slice(colon + 1, Math.min(p, indexOut(s, terms, colon + 1)));
      // a port (`host:5432/db?u=me@x`), or an '@' that another candidate ends at
      if (/^\d+$/.test(password) || password.includes("@") || (password === "" && (s[colon + 1] === "/" || colon + 1 >= p))) continue;
    }
    return p;
  }
  return -1;
}

/**
 * For a URI whose scan stopped before any '@' ("postgres://app:pa ss@host", a quote or a line
 * break in the password), or before a better one (`better`): the '@' past the stop that ends the
 * userinfo, within the string the URI is written in (`stringEnd`), as a text offset, or -1.
 * The userinfo must be `user:…`; when what follows ':' could be a port (`host:5432/db`), the host
 * after the '@' must go on as a URI does (`/db`, `:5432`, `?…`) and sit on the same line.
 */
function userinfoBeyond(text: string, bodyStart: number, end: number, stringEnd: number, sqlserver: boolean, better: boolean): number {
  const s = text.slice(bodyStart, end);
  const colon = indexOut(s, ":", 0, s.length);
  if (colon >= s.length || /[/?#[\]]/.test(s.slice(0, colon))) return -1;
  // a found '@' is only replaced by one, on its line, a host follows that the URI goes on after
  const portLike = better || /^\d*(?:[/?#].*)?$/s.test(s.slice(colon + 1));
  const limit = Math.min(stringEnd, end + 256);
  // The best '@' wins, the first of equals: one a host follows that the URI goes on after
  // (`/db`, `?…`, `:5432`) and that reads as a name (`db.acme.com`, `[::1]`, `:5432`) over
  // one a bare word follows (`@x/`, a piece of the password), over one the URI ends at.
  let best = -1;
  let bestScore = 0;
  for (let i = end; i < limit; i++) {
    const c = text[i];
    if (c === "\n" && (portLike || /^\n[ \t]*\r?\n/.test(text.slice(i, i + 40)))) break;
    if (c === ":" && text.startsWith("//", i + 1)) break;
    if (c !== "@") continue;
    let h = i + 1;
    while (h < text.length && h - i < 300 && !uriStop(text, h) && !"/?#@".includes(text[h]!)) h++;
    const host = trimTrailing(text, i + 1, h);
    const name = text.slice(i + 1, host);
    if (host === i + 1 || !hostListLike(name, sqlserver)) continue;
    const next = text[h] ?? "";
    let score = 0;
    if (next === "/" || next === "?" || /:\d/.test(name)) score = /[.[:]|^localhost$|^\$\{|^\{\{|^</.test(name) ? 3 : 2;
    else if (!portLike && host === h && (next === "" || uriStop(text, h) || next === "#")) score = 1;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

interface QueryParam {
  key: string;
  valueStart: number;
  valueEnd: number;
}

/**
 * The `key=value` parameters of a URI body from `q` (its `?`, or for SQL Server the first `;`).
 * A secret's value runs over `&`, `;` and `#` until what follows looks like the next `key=`
 * ("password=Str0ng;Secret42&ssl=1"); SQL Server's braced values (`{a;b}`) are read whole.
 */
function queryParams(s: string, q: number, sqlserver: boolean): QueryParam[] {
  const out: QueryParam[] = [];
  let i = q;
  while (i < s.length && out.length < 200) {
    while (i < s.length && "?&;".includes(s[i]!)) i++;
    let e = i;
    while (e < s.length && !"&;=?#".includes(s[e]!)) e++;
    if (e >= s.length || s[e] !== "=") {
      if (s[e] === "#") break;
      i = e + 1;
      continue;
    }
    const key = s.slice(i, e).trim().toLowerCase();
    const valueStart = e + 1;
    let valueEnd = valueStart;
    if (SECRET_KEY.test(key)) {
      if (s[valueStart] === "{" && sqlserver) {
        const close = braceEnd(s, valueStart);
        valueEnd = close > 0 ? close : s.length;
      } else {
        valueEnd = s.length;
        // `;` separates SQL Server's properties, not a PostgreSQL URI's parameters
        const seps = sqlserver ? "&;" : "&";
        for (let j = valueStart; j < s.length; j++) {
          if (seps.includes(s[j]!) && (j + 1 >= s.length || /^[\w.-]+=/.test(s.slice(j + 1, j + 80)))) {
            valueEnd = j;
            break;
          }
        }
      }
      // the braces are SQL Server's quoting, not the password
      const braced = s[valueStart] === "{" && s[valueEnd - 1] === "}" && sqlserver;
      out.push({ key, valueStart: braced ? valueStart + 1 : valueStart, valueEnd: braced ? valueEnd - 1 : valueEnd });
    } else {
      while (valueEnd < s.length && !"&;#".includes(s[valueEnd]!)) valueEnd++;
      out.push({ key, valueStart, valueEnd });
    }
    if (s[valueEnd] === "#" && !SECRET_KEY.test(key)) break;
    i = valueEnd;
  }
  return out;
}

/** Drops punctuation that ends a sentence or closes a bracket the URI did not open. */
function trimTrailing(text: string, start: number, end: number): number {
  while (end > start) {
    const c = text[end - 1]!;
    if (".,;:!?*".includes(c)) {
      end--;
      continue;
    }
    const open = c === ")" ? "(" : c === "]" ? "[" : c === "}" ? "{" : null;
    if (open) {
      const s = text.slice(start, end);
      if (s.split(open).length < s.split(c).length) {
        end--;
        continue;
      }
    }
    break;
  }
  return end;
}

/** First index in s[from, to) of a character in `chars`, outside template expressions; `to` when none. */
function indexOut(s: string, chars: string, from: number, to = s.length): number {
  for (let i = from; i < to; i++) {
    const t = skipTemplate(s, i);
    if (t > i) {
      i = t - 1;
      continue;
    }
    if (chars.includes(s[i]!)) return i;
  }
  return to;
}

/** Last index in s[from, to) of `ch` outside template expressions, or -1. */
function lastIndexOut(s: string, ch: string, from: number, to: number): number {
  let last = -1;
  for (let i = from; i < to; i++) {
    const t = skipTemplate(s, i);
    if (t > i) {
      i = t - 1;
      continue;
    }
    if (s[i] === ch) last = i;
  }
  return last;
}

/** Splits s[from, to) on `sep` outside brackets and templates. */
function splitOut(s: string, sep: string, from: number, to: number): Range[] {
  const out: Range[] = [];
  let start = from;
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = skipTemplate(s, i);
    if (t > i) {
      i = t - 1;
      continue;
    }
    const c = s[i];
    if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  if (to > start) out.push({ start, end: to });
  return out;
}

/** `host:port`, `[v6]:port`, `server\instance:port` → the host part and where it starts in `item`. */
function splitHostPort(item: string, sqlserver: boolean): { host: string; offset: number } | null {
  const lead = item.length - item.trimStart().length;
  let s = item.trim();
  if (!s) return null;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    return { host: close > 0 ? s.slice(0, close + 1) : s, offset: lead };
  }
  if (sqlserver) s = s.split("\\")[0]!;
  const colon = lastIndexOut(s, ":", 0, s.length);
  if (colon >= 0) {
    const after = s.slice(colon + 1);
    const bareIPv6 = /^[0-9a-fA-F:.]+$/.test(s) && s.indexOf(":") !== colon;
    if (!bareIPv6 || isTemplate(after)) s = s.slice(0, colon);
  }
  return { host: s, offset: lead };
}

function decode(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Whether a host string could be a host at all (else it is some other text and not reported). */
function validHost(h: string): boolean {
  if (!h) return false;
  if (isTemplate(h) || /[{}<>$]/.test(h)) return true;
  if (h.startsWith("/") || h.startsWith("@")) return true;
  if (/^\[[0-9a-fA-F:.%A-Za-z]*\]$/.test(h)) return true;
  if (/^\[[^\]]*\]$/.test(h)) return true;
  if (/^[0-9a-fA-F:]+:[0-9a-fA-F:.]*$/.test(h)) return true;
  return /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?\.?$/u.test(h);
}

interface LibpqPair {
  key: string;
  start: number;
  valueStart: number;
  valueEnd: number;
  end: number;
}

const LIBPQ_SECRET_KEYS = new Set(["password", "sslpassword", "oauth_client_secret"]);

function parseLibpqPair(text: string, i: number): LibpqPair | null {
  const k = /([a-z_]+)[ \t]*=[ \t]*/y;
  k.lastIndex = i;
  const m = k.exec(text);
  if (!m || !LIBPQ_KEYS.has(m[1]!)) return null;
  if (text[k.lastIndex] === "=" || text[k.lastIndex] === ">") return null;
  const j = k.lastIndex;
  const secret = LIBPQ_SECRET_KEYS.has(m[1]!);
  if (text[j] === "'") {
    // `''value''` in a SQL literal; in plain text `password='' x=…` is an empty value
    const doubled = text[j + 1] === "'" && (!/[\s'"`]/.test(text[j + 2] ?? " ") || (secret && enclosingQuote(text, j) === "'"));
    if (doubled) {
      // inside a SQL literal: ''value'' (quotes doubled; libpq's \' is written \'')
      let close = -1;
      for (let e = j + 2; e < text.length && e - j < 1024 && text[e] !== "\n"; e++) {
        if (text[e] === "\\") e += text[e + 1] === "'" && text[e + 2] === "'" ? 2 : 1;
        else if (text[e] === "'" && text[e + 1] === "'") {
          close = e;
          break;
        }
      }
      const end = close >= 0 ? close : lineEndOf(text, j + 2);
      return { key: m[1]!, start: i, valueStart: j + 2, valueEnd: end, end: close >= 0 ? end + 2 : end };
    }
    // A password's quoted value may go over lines, unless the text is itself in a string
    // (`dblink('… password=' || pw)`), where a line break is read as its end.
    const enclosing = enclosingQuote(text, j);
    const multiline = secret && enclosing === "";
    // In a code string (`"…"`, `` `…` ``) `\\` is one backslash once the string is read, and
    // libpq takes that backslash as escaping the character after it: `password='\\'x y'` in
    // the source is the password `'x y`.
    const code = enclosing === '"' || enclosing === "`";
    let e = j + 1;
    const limit = Math.min(text.length, j + 1024);
    while (e < limit && text[e] !== "'" && (multiline || text[e] !== "\n")) {
      if (code && text[e] === "\\" && text[e + 1] === "\\") e += text[e + 2] === "\\" ? 4 : 3;
      else e += text[e] === "\\" ? 2 : 1;
    }
    if (e >= limit && limit < text.length) e = lineEndOf(text, j + 1);
    e = Math.min(e, text.length);
    return { key: m[1]!, start: i, valueStart: j + 1, valueEnd: e, end: text[e] === "'" ? e + 1 : e };
  }
  const e = secret ? secretWordEnd(text, j) : scanValue(text, j, libpqStop, 1024);
  if (e === j) return null;
  return { key: m[1]!, start: i, valueStart: j, valueEnd: e, end: e };
}

/**
 * The quote character of the string that `at` sits in, judged on its line: the quote (`'`, `"`
 * or `` ` ``) written an odd number of times before it, not counting escaped ones; the one
 * opened last when several are. `""` when none.
 */
export function enclosingQuote(text: string, at: number): string {
  let from = at;
  while (from > 0 && at - from < 512 && text.charCodeAt(from - 1) !== 10 && text.charCodeAt(from - 1) !== 13) from--;
  // parity and last place of ' (39), " (34) and ` (96)
  let single = -1;
  let double = -1;
  let back = -1;
  let odd = 0; // bit 1: ', bit 2: ", bit 4: `
  for (let i = from; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      // `\''` in SQL is a backslash and a doubled quote; `\'` in code an escaped quote
      const n = text.charCodeAt(i + 1);
      if (!((n === 39 || n === 34) && text.charCodeAt(i + 2) === n)) i++;
    } else if (c === 39) {
      odd ^= 1;
      single = i;
    } else if (c === 34) {
      odd ^= 2;
      double = i;
    } else if (c === 96) {
      odd ^= 4;
      back = i;
    }
  }
  let best = "";
  let bestAt = -1;
  if (odd & 1 && single > bestAt) (best = "'"), (bestAt = single);
  if (odd & 2 && double > bestAt) (best = '"'), (bestAt = double);
  if (odd & 4 && back > bestAt) (best = "`"), (bestAt = back);
  return best;
}

function lineEndOf(text: string, i: number): number {
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}

/**
 * An unquoted secret value from `j`: to a blank or a line break, or to the quote that closes the
 * string it is written in. Any other quote is part of it (`it''s` inside a SQL literal, `N0t'So`
 * in a JSON string), and so is an escaped one (`pa\"ss`).
 */
function secretWordEnd(text: string, j: number): number {
  const enclosing = enclosingQuote(text, j);
  let e = j;
  const limit = Math.min(text.length, j + 1024);
  while (e < limit) {
    const t = skipTemplate(text, e);
    if (t > e) {
      e = t;
      continue;
    }
    const c = text[e]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") break;
    if (c === "\\" && e + 1 < text.length && text[e + 1] !== "\n" && text[e + 1] !== "\r") {
      e += 2;
      continue;
    }
    if (c === enclosing) {
      if (c === "'" && text[e + 1] === "'") {
        e += 2;
        continue;
      }
      break;
    }
    e++;
  }
  return Math.min(e, text.length);
}

function libpqStop(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c <= 32 || c === 0x7f) return true;
  const ch = text[i]!;
  if (ch === '"' || ch === "'" || ch === "`") return true;
  if (ch === "\\") return /["'`nrt]/.test(text[i + 1] ?? "");
  return false;
}

interface AdoPair {
  key: string;
  start: number;
  valueStart: number;
  valueEnd: number;
  end: number;
}

/** `key=value;key=value…` from `i` (the start of a key), within one line. */
function parseAdoRun(text: string, i: number, lineEnd: number): { pairs: AdoPair[]; separators: number; start: number; end: number } | null {
  const pairs: AdoPair[] = [];
  let separators = 0;
  let at = i;
  // A real connection string has a few dozen keys at most: bounding the run keeps long lines linear.
  while (pairs.length < 64 && at - i < 4096) {
    const k = /([A-Za-z][A-Za-z0-9_]*(?:[ \t]+[A-Za-z][A-Za-z0-9_]*){0,3})[ \t]*=(>?)[ \t]*/y;
    k.lastIndex = at;
    const m = k.exec(text);
    if (!m || m.index >= lineEnd) break;
    // `x == y` is code; `Password==x` a password that starts with `=`
    if (text[k.lastIndex] === "=" && !/(?:password|pwd)$/i.test(m[1]!)) break;
    // `key => value` is code too, but `Password=>x` after a `;` of this run, or written tight
    // against its value, is a password that starts with `>` (a value no rule may print)
    if (m[2]) {
      const arrow = m.index + m[0].indexOf("=") + 1;
      if (!/(?:password|pwd)$/i.test(m[1]!) || (pairs.length === 0 && !/^>[^\s'"`$@:]/.test(text.slice(arrow, arrow + 2)))) break;
      k.lastIndex = arrow;
    }
    // "Set the Server=…": the key is the longest known tail of the words.
    let keyText = m[1]!;
    let keyStart = at;
    const words = keyText.split(/[ \t]+/);
    // After a ';' the key must be a known key as a whole ("User Id"): `; const user = …` is code.
    if (words.length > 1 && pairs.length > 0 && !ADO_KEYS.has(keyText.toLowerCase().replace(/[ \t_]+/g, ""))) break;
    if (words.length > 1) {
      let found = false;
      for (let w = 0; w < words.length; w++) {
        const tail = words.slice(w).join(" ");
        if (ADO_KEYS.has(tail.toLowerCase().replace(/[ \t_]+/g, ""))) {
          keyStart = at + keyText.lastIndexOf(tail);
          keyText = tail;
          found = true;
          break;
        }
      }
      if (!found) {
        if (pairs.length > 0) break;
        const last = words[words.length - 1]!;
        keyStart = at + keyText.lastIndexOf(last);
        keyText = last;
      }
    }
    const key = keyText.toLowerCase().replace(/[ \t_]+/g, "");
    const j = k.lastIndex;
    let valueStart = j;
    let valueEnd: number;
    let end: number;
    // `\"` opens a value in double quotes written in a code or JSON string
    const escaped = text[j] === "\\" && (text[j + 1] === '"' || text[j + 1] === "'");
    const q = escaped ? text[j + 1] : text[j];
    if (q === '"' || q === "'" || q === "{") {
      const close = q === "{" ? "}" : escaped ? `\\${q}` : q!;
      let e = j + close.length;
      for (; e < lineEnd; e++) {
        if (text.startsWith(close, e)) {
          if (text.startsWith(close, e + close.length)) {
            e += 2 * close.length - 1;
            continue;
          }
          break;
        }
      }
      valueStart = j + close.length;
      valueEnd = Math.min(e, lineEnd);
      end = e < lineEnd ? e + close.length : lineEnd;
      if (q === "'" || q === '"') {
        // A quote that is really the end of the enclosing string ("Host=x;Password=")
        if (valueEnd === lineEnd && pairs.length > 0) break;
      }
    } else if (ADO_SECRET_KEYS.has(key)) {
      // A password runs to the `;` before the next `key=`, or to the quote that closes the
      // string it is written in: `Password=N0t'So-S3cret;`, `Pwd=a;b;Database=x`.
      const enclosing = enclosingQuote(text, j);
      let e = j;
      while (e < lineEnd) {
        const c = text[e]!;
        if (c === ";" && /^[ \t]*(?:[A-Za-z][A-Za-z0-9_]*[ \t]*){1,4}=|^[ \t]*$/.test(text.slice(e + 1, Math.min(lineEnd, e + 80)))) break;
        if (c === "\\" && e + 1 < lineEnd) {
          e += 2;
          continue;
        }
        if (c === enclosing) {
          if (c === "'" && text[e + 1] === "'") {
            e += 2;
            continue;
          }
          break;
        }
        e++;
      }
      valueEnd = Math.min(e, lineEnd);
      while (valueEnd > j && (text[valueEnd - 1] === " " || text[valueEnd - 1] === "\t")) valueEnd--;
      end = valueEnd;
    } else {
      let e = j;
      while (e < lineEnd && !";\"'`\r\n".includes(text[e]!)) e++;
      valueEnd = e;
      while (valueEnd > j && (text[valueEnd - 1] === " " || text[valueEnd - 1] === "\t")) valueEnd--;
      end = valueEnd;
    }
    pairs.push({ key, start: keyStart, valueStart, valueEnd, end });
    const sep = /[ \t]*;[ \t]*/y;
    sep.lastIndex = end;
    if (!sep.exec(text) || sep.lastIndex > lineEnd) break;
    separators++;
    at = sep.lastIndex;
  }
  if (pairs.length === 0) return null;
  return { pairs, separators, start: pairs[0]!.start, end: pairs[pairs.length - 1]!.end };
}

interface SqlOption extends Range {
  name: string;
  value: string | null;
  valueStart: number;
  valueEnd: number;
}

/** The statement a `OPTIONS (` belongs to, when it is a foreign server or user mapping. */
function statementHead(text: string, optionsAt: number, heads: number[]): { kind: "server" | "mapping"; server: string } | null {
  // the last CREATE/ALTER SERVER or USER MAPPING before it, in the same statement
  let lo = 0;
  let hi = heads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (heads[mid]! < optionsAt) lo = mid + 1;
    else hi = mid;
  }
  const from = lo > 0 ? heads[lo - 1]! : -1;
  if (from < 0 || optionsAt - from > 3000) return null;
  // comments are blanks here: `… SERVER billing /* prod */ OPTIONS (…)`
  const stmt = text.slice(from, optionsAt).replace(/\/\*[\s\S]*?\*\/|--[^\n]*/g, " ");
  if (stmt.includes(";")) return null;
  const ident = `("(?:[^"]|"")*"|[\\p{L}_][\\p{L}\\p{N}_$]*)`;
  const mapping = new RegExp(`\\b(?:CREATE|ALTER)\\s+USER\\s+MAPPING\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?FOR\\s+(?:"(?:[^"]|"")*"|\\S+)\\s+SERVER\\s+${ident}\\s*$`, "iu").exec(stmt);
  if (mapping) return { kind: "mapping", server: identName(mapping[1]!) };
  const server = new RegExp(`\\b(?:CREATE|ALTER)\\s+SERVER\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${ident}`, "iu").exec(stmt);
  if (server && !/\bFOREIGN\s+TABLE\b/i.test(stmt)) return { kind: "server", server: identName(server[1]!) };
  return null;
}

function identName(s: string): string {
  return s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase();
}

/** `[ADD|SET|DROP] name 'value', …)` from just after the `(`. */
function parseSqlOptions(text: string, i: number): { options: SqlOption[]; end: number } {
  const options: SqlOption[] = [];
  const ws = /(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/y;
  const skip = () => {
    ws.lastIndex = i;
    ws.exec(text);
    i = ws.lastIndex;
  };
  for (let n = 0; n < 200; n++) {
    skip();
    if (text[i] === ")") return { options, end: i + 1 };
    const start = i;
    const action = /(ADD|SET|DROP)\s+(?=["\p{L}_])/iuy;
    action.lastIndex = i;
    const a = action.exec(text);
    if (a) i = action.lastIndex;
    const name = /("(?:[^"]|"")*"|[\p{L}_][\p{L}\p{N}_$]*)/uy;
    name.lastIndex = i;
    const nm = name.exec(text);
    if (!nm) break;
    i = name.lastIndex;
    const optName = identName(nm[1]!);
    let value: string | null = null;
    let valueStart = i;
    let valueEnd = i;
    if (!a || a[1]!.toUpperCase() !== "DROP") {
      skip();
      const lit = /[Ee]?'/y;
      lit.lastIndex = i;
      if (!lit.exec(text)) break;
      const escapes = text[i] === "E" || text[i] === "e";
      valueStart = lit.lastIndex;
      let e = valueStart;
      let v = "";
      for (; e < text.length; e++) {
        const c = text[e]!;
        if (c === "'" && text[e + 1] === "'") {
          v += "'";
          e++;
        } else if (c === "'") break;
        else if (c === "\\" && escapes) {
          v += text[e + 1] ?? "";
          e++;
        } else if (c === "\n" && text.indexOf("'", e) < 0) break;
        else v += c;
      }
      valueEnd = Math.min(e, text.length);
      value = v;
      i = text[e] === "'" ? e + 1 : e;
    }
    options.push({ name: optName, value, valueStart, valueEnd, start, end: i });
    skip();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === ")") return { options, end: i + 1 };
    break;
  }
  return { options, end: i };
}

/** psql's arguments: words, 'single' or "double" quoted; a backslash ends them (next meta-command). */
function psqlArgs(text: string, i: number, end: number): { value: string; start: number; end: number }[] {
  const out: { value: string; start: number; end: number }[] = [];
  while (i < end) {
    while (i < end && (text[i] === " " || text[i] === "\t")) i++;
    if (i >= end || text[i] === "\\") break;
    const start = i;
    const q = text[i];
    if (q === "'" || q === '"') {
      let j = i + 1;
      while (j < end && text[j] !== q) j++;
      out.push({ value: text.slice(i + 1, j), start: i + 1, end: j });
      i = j + 1;
    } else {
      while (i < end && text[i] !== " " && text[i] !== "\t" && text[i] !== "\\") i++;
      out.push({ value: text.slice(start, i), start, end: i });
    }
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
