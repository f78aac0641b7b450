/**
 * Host policy for connection strings: is a host local/development, a placeholder, a production
 * database, or some other machine? Pure functions of the host text and the config's
 * `prodHosts` / `localHosts` globs; no DNS, no I/O.
 */
import { picomatch } from "../util/lazy-deps.js";

/** The config's host globs (`prodHosts`, `localHosts`); both optional. */
export interface HostPolicy {
  readonly prodHosts?: readonly string[];
  readonly localHosts?: readonly string[];
}

export type HostKind =
  /** A template or an obvious stand-in (`${DB_HOST}`, `<host>`, `your-host`): nothing to report. */
  | "placeholder"
  /** Loopback, a unix socket, a reserved test/documentation name, a compose service… */
  | "local"
  /** A managed database, a name saying prod/production/prd/live, or a `prodHosts` match. */
  | "production"
  /** Anything else: a machine on some network, maybe production, maybe not. */
  | "remote";

export interface HostVerdict {
  kind: HostKind;
  /** Why, in words that fit after the host name: "an Amazon RDS / Aurora database". */
  reason: string;
}

/** Managed database services: host suffix (or pattern) → what it is. */
const MANAGED: { test: (h: string) => boolean; what: string }[] = [
  suffix([".rds.amazonaws.com", ".rds.amazonaws.com.cn"], "an Amazon RDS / Aurora database"),
  pattern(/\.dsql\.[a-z0-9-]+\.on\.aws$/, "an Amazon Aurora DSQL database"),
  suffix([".redshift.amazonaws.com", ".redshift-serverless.amazonaws.com"], "an Amazon Redshift cluster"),
  suffix([".docdb.amazonaws.com"], "an Amazon DocumentDB cluster"),
  suffix([".cache.amazonaws.com"], "an Amazon ElastiCache cluster"),
  pattern(/\.memorydb\.[a-z0-9-]+\.amazonaws\.com$/, "an Amazon MemoryDB cluster"),
  pattern(/(^|\.)compute(-1)?\.amazonaws\.com$|\.compute\.amazonaws\.com$/, "an Amazon EC2 host (where Heroku Postgres runs)"),
  suffix([".herokuapp.com"], "a Heroku host"),
  suffix([".postgres.database.azure.com"], "an Azure Database for PostgreSQL server"),
  suffix([".mysql.database.azure.com"], "an Azure Database for MySQL server"),
  suffix([".mariadb.database.azure.com"], "an Azure Database for MariaDB server"),
  suffix([".database.windows.net"], "an Azure SQL Database server"),
  suffix([".postgres.cosmos.azure.com", ".documents.azure.com", ".mongo.cosmos.azure.com", ".mongocluster.cosmos.azure.com"], "an Azure Cosmos DB account"),
  suffix([".redis.cache.windows.net", ".redis.azure.net"], "an Azure Cache for Redis"),
  suffix([".sql.goog"], "a Google Cloud SQL instance"),
  suffix([".supabase.co", ".supabase.com"], "a Supabase database"),
  suffix([".neon.tech"], "a Neon database"),
  suffix([".render.com"], "a Render database"),
  suffix([".railway.app", ".rlwy.net", ".railway.internal"], "a Railway database"),
  suffix([".db.ondigitalocean.com"], "a DigitalOcean managed database"),
  suffix([".aivencloud.com"], "an Aiven database"),
  suffix([".postgresbridge.com"], "a Crunchy Bridge database"),
  suffix([".tsdb.cloud.timescale.com", ".timescale.com"], "a Timescale database"),
  suffix([".elephantsql.com"], "an ElephantSQL database"),
  suffix([".psdb.cloud"], "a PlanetScale database"),
  suffix([".cockroachlabs.cloud"], "a CockroachDB Cloud cluster"),
  suffix([".mongodb.net"], "a MongoDB Atlas cluster"),
  suffix([".redislabs.com", ".redis-cloud.com"], "a Redis Cloud database"),
  suffix([".upstash.io"], "an Upstash database"),
  suffix([".xata.sh"], "a Xata database"),
  suffix([".tembo.io"], "a Tembo database"),
  suffix(["db.prisma.io"], "a Prisma Postgres database"),
  suffix([".services.clever-cloud.com"], "a Clever Cloud database"),
  suffix([".rds.aliyuncs.com"], "an Alibaba Cloud ApsaraDB instance"),
  suffix([".databases.appdomain.cloud"], "an IBM Cloud Databases instance"),
  suffix([".database.cloud.ovh.net"], "an OVHcloud managed database"),
];

function suffix(list: string[], what: string): { test: (h: string) => boolean; what: string } {
  const exact = list.map((s) => s.replace(/^\./, ""));
  return { test: (h) => list.some((s) => h.endsWith(s)) || exact.includes(h), what };
}

function pattern(re: RegExp, what: string): { test: (h: string) => boolean; what: string } {
  return { test: (h) => re.test(h), what };
}

/** Name tokens that say "production" (`prod-db`, `db01.prd`, `orders_production`, `live`). */
const PROD_TOKEN = /^(?:(prod|production|prd|live)\d*|(?:db|pg|sql|mysql|psql|postgres|mongo|redis)(prod|prd)\d*|(prod|prd)(?:db|pg|sql|mysql|psql|postgres|mongo|redis)\d*)$/i;

/** The production word in a name, if any (`"prod"` for `orders-prod-01.acme.com`). */
export function productionWord(name: string): string | null {
  for (const token of name.split(/[.\-_]+/)) {
    const m = PROD_TOKEN.exec(token);
    if (m) return (m[1] ?? m[2] ?? m[3] ?? token).toLowerCase();
  }
  return null;
}

/** Template expressions: `${X}`, `{{ x }}`, `<%= x %>`, `#{x}`, `%(x)s`, `$X`, `%X%`, psql `:x`. */
const TEMPLATE = /\$\{|\{\{|<%|#\{|%\(|^\$[A-Za-z_]|\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][\w]*%$|^:['"]?[A-Za-z_]/;

/** Whether text is a template expression or holds one (a value filled in at deploy time). */
export function isTemplate(text: string): boolean {
  return TEMPLATE.test(text.trim());
}

/**
 * Whether a value is wholly template expressions: `${DB_PASSWORD}`, `{{ .Values.pw }}`,
 * `<%= ENV["PW"] %>`, `%(password)s`, `$PGPASSWORD`, `%DB_PW%`. Stricter than `isTemplate`, because
 * a secret that is not redacted is printed: `Pa$$w0rd`, `$ecret` and `:x` are passwords.
 */
export function isTemplateValue(text: string): boolean {
  return /^(?:\$\{[^{}]*\}|\{\{[^{}]*\}\}|<%[\s\S]*?%>|#\{[^{}]*\}|%\([\w.-]+\)s|\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%)+$/.test(text.trim());
}

const PLACEHOLDER_HOST = /^(?:host(?:[-_]?name)?|(?:db|database|server|postgres|pg|mysql|redis|mongo)[-_]?host(?:[-_]?name)?|server(?:[-_]?name)?|address|ip(?:[-_]?address)?|placeholder|changeme|redacted|hidden)$/i;
const PLACEHOLDER_LABEL = /^(?:x{3,}|your[\w-]*|\*+|_+|\?+)$/i;

/** Whether a host is a stand-in rather than a machine: `${DB_HOST}`, `<host>`, `your-host`, `xxx.rds…`, `…`. */
export function isPlaceholderHost(host: string): boolean {
  const h = host.trim();
  if (h === "") return false;
  if (isTemplate(h)) return true;
  if (/[{}<>$%|]|…|\.\.\./.test(h)) return true;
  if (/^\[[^\]]*[^0-9a-fA-F:.\]%][^\]]*\]$/.test(h)) return true; // [YOUR-HOST], not [::1]
  if (PLACEHOLDER_HOST.test(h)) return true;
  const labels = h.split(".");
  if (labels.every((l) => /^x+$/i.test(l))) return true; // x.x.x.x
  // a label, or a dash/underscore part of one, that is a stand-in: xxx.rds…, ep-xxx.neon.tech, your-db
  return labels.some((l) => PLACEHOLDER_LABEL.test(l) || l.split(/[-_]/).some((t) => /^x{3,}$/i.test(t)));
}

/**
 * Stand-in passwords: the word itself, with a number at most (`secret1`, `password123`, `pw`, as
 * in tests that compare two URLs), or a masked value. Only whether a finding needs a password
 * depends on this: every password is redacted from the output all the same.
 */
const PLACEHOLDER_PASSWORD =
  /^(?:(?:password|passwd|pass|pwd|secret|changeme|change[-_]?me|mypassword|my[-_]password|your[-_]?password|yourpassword|your[-_]?pass|dummy|fake)\d{0,3}|pw|\*+|x+|\.+|…|redacted|hidden|placeholder)$/i;

/**
 * Whether a password is a stand-in rather than a secret: a template (`${DB_PASSWORD}`), `<password>`,
 * `[YOUR-PASSWORD]`, `****`, or the word `password` itself.
 */
export function isPlaceholderPassword(password: string): boolean {
  const p = password.trim();
  if (p === "") return true;
  if (isTemplateValue(p)) return true;
  if (/^<[^<>]*>$/.test(p) || /^\[[^\]]*\]$/.test(p) || /^\{[^{}]*\}$/.test(p)) return true;
  return PLACEHOLDER_PASSWORD.test(p);
}

function isIPv4(h: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : null;
}

function localIPv6(h: string): string | null {
  const a = h.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
  if (!a.includes(":")) return null;
  if (a === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(a)) return "the IPv6 loopback address";
  if (a === "::" || /^(0{1,4}:){7}0{1,4}$/.test(a)) return "the unspecified address (this machine)";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped && mapped[1]!.startsWith("127.")) return "a loopback address";
  if (/^2001:0?db8:/.test(a)) return "a documentation address (2001:db8::/32)";
  return null;
}

/** Local and development hosts: never a finding. Null when the host is not one. */
function localReason(h: string): string | null {
  if (h.startsWith("/") || h.startsWith("@")) return "a unix socket";
  if (h === "localhost" || h === "localhost.localdomain" || h === "ip6-localhost" || h === "ip6-loopback") return "this machine";
  const v4 = isIPv4(h);
  if (v4) {
    if (v4[0] === 127) return "a loopback address";
    if (v4.every((n) => n === 0)) return "the unspecified address (this machine)";
    const [a, b, c] = v4 as [number, number, number, number];
    if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) {
      return "a documentation address (TEST-NET)";
    }
    return null;
  }
  const v6 = localIPv6(h);
  if (v6) return v6;
  if (h.includes(":")) return null;
  if (/\.localhost$/.test(h)) return "a .localhost name (this machine)";
  for (const tld of ["test", "example", "invalid"]) if (h.endsWith(`.${tld}`) || h === tld) return `a reserved .${tld} name`;
  if (/(^|\.)example\.(com|net|org)$/.test(h)) return "a reserved example domain";
  if (/(^|\.)(docker|containers|minikube)\.internal$/.test(h)) return "the container host";
  // Public names whose DNS answers 127.0.0.1 for every subdomain, made for local development.
  if (/(^|\.)(localtest\.me|lvh\.me|localho\.st|vcap\.me)$/.test(h)) return "a name that resolves to this machine (127.0.0.1)";
  const embedded = /(?:^|\.)(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})\.(?:nip\.io|sslip\.io)$/.exec(h);
  if (embedded && embedded[1] === "127") return "a name that resolves to this machine (127.0.0.1)";
  return null;
}

/** AWS regions as they appear in endpoints: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
const AWS_REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** Google Cloud regions: `us-central1`, `europe-west4`, `northamerica-northeast1`. */
const GCP_REGION = /^(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-[a-z]+\d{1,2}$/;

/**
 * A managed-database name that cannot exist, so it is an illustration: an RDS endpoint is always
 * `name.identifier.region.rds.amazonaws.com` (docs write `mydb.us-east-1.rds.amazonaws.com` or
 * `DETAILS.FROM.AMAZON.rds.amazonaws.com`), and a Cloud SQL instance is `project:region:instance`
 * with a real region (Google's docs write `project-id:region-id1:instance-name`). A MongoDB Atlas
 * host names its cluster and its project id, `cluster0.u7n6b.mongodb.net` (or, in the older form,
 * `cluster0-u7n6b.mongodb.net`, `cluster0-shard-00-00-u7n6b.mongodb.net`): a bare
 * `cluster.mongodb.net` or `cluster0.mongodb.net` cannot be one, nor can MongoDB's own
 * illustration, `cluster0.example.mongodb.net`.
 */
function impossibleManagedHost(h: string): boolean {
  const rds = /^(.*)\.rds\.amazonaws\.com(?:\.cn)?$/.exec(h);
  if (rds) {
    const labels = rds[1]!.split(".");
    return labels.length < 3 || !AWS_REGION.test(labels[labels.length - 1]!);
  }
  const atlas = /^(.*)\.mongodb\.net$/i.exec(h);
  if (atlas) {
    const labels = atlas[1]!.split(".");
    return labels.length < 2 ? /^cluster\d*$/i.test(labels[0]!) : labels[labels.length - 1]!.toLowerCase() === "example";
  }
  const cloudsql = /^\/cloudsql\/([^:/]+):([^:/]+):([^:/]+)/.exec(h);
  if (cloudsql) return !GCP_REGION.test(cloudsql[2]!);
  return false;
}

interface Compiled {
  prod: { glob: string; match: (h: string) => boolean; weight: number }[];
  local: { glob: string; match: (h: string) => boolean; weight: number }[];
}

const compiledCache = new WeakMap<object, Compiled>();
const EMPTY: readonly string[] = [];

function compile(policy: HostPolicy): Compiled {
  const key = policy as object;
  let c = compiledCache.get(key);
  if (!c) {
    const build = (globs: readonly string[]) =>
      globs.map((glob) => ({
        glob,
        match: picomatch(glob.toLowerCase(), { nocase: true, dot: true }),
        // The more literal characters a glob has, the more specific it is.
        weight: glob.replace(/[*?[\]{}!()]/g, "").length,
      }));
    c = { prod: build(policy.prodHosts ?? EMPTY), local: build(policy.localHosts ?? EMPTY) };
    compiledCache.set(key, c);
  }
  return c;
}

/**
 * Classifies one host. Order: placeholders; the config's globs (the more specific glob wins when
 * both lists match, production on a tie); Cloud SQL sockets; local and reserved names; managed
 * databases; names saying production; single-label names (compose services); everything else.
 */
export function classifyHost(rawHost: string, policy: HostPolicy = {}): HostVerdict {
  const host = rawHost.trim();
  if (host === "" || isPlaceholderHost(host)) return { kind: "placeholder", reason: "a placeholder" };
  const h = host.toLowerCase().replace(/\.$/, "");
  if (impossibleManagedHost(h)) return { kind: "placeholder", reason: "an example name (no such endpoint can exist)" };
  const bare = h.replace(/^\[|\]$/g, "");

  const c = compile(policy);
  const prod = c.prod.filter((g) => g.match(h) || g.match(bare)).sort((a, b) => b.weight - a.weight)[0];
  const local = c.local.filter((g) => g.match(h) || g.match(bare)).sort((a, b) => b.weight - a.weight)[0];
  if (prod && (!local || prod.weight >= local.weight)) return { kind: "production", reason: `it matches prodHosts "${prod.glob}"` };
  if (local) return { kind: "local", reason: `it matches localHosts "${local.glob}"` };

  if (h.startsWith("/cloudsql/")) return { kind: "production", reason: "a Google Cloud SQL instance (Cloud SQL connector socket)" };
  const why = localReason(h);
  if (why) return { kind: "local", reason: why };
  for (const m of MANAGED) if (m.test(h)) return { kind: "production", reason: m.what };
  const isIp = isIPv4(h) !== null || bare.includes(":");
  if (!isIp) {
    const word = productionWord(h);
    if (word) return { kind: "production", reason: `its name says "${word}"` };
    if (/\.local$/.test(h) || h === "local") return { kind: "local", reason: "a .local (mDNS) name" };
    if (!h.includes(".")) return { kind: "local", reason: "a single-label name (a compose service or a name on this machine)" };
  }
  return { kind: "remote", reason: "not a local or development host" };
}
