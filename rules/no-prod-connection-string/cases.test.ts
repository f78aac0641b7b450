import { ruleTester } from "../../test/rule-tester.js";

// Expected ranges are the exact span of the connection string in the file (1-based, UTF-16 columns).
ruleTester("no-prod-connection-string", {
  valid: [
    { name: "local host localhost", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@localhost:5432/app\n" },
    // Seen in the census code bases (docs/accuracy.md): each was an error before.
    { name: "localtest.me resolves to 127.0.0.1 (drizzle-orm's .env.example)", filename: ".env.example", code: "NEON_HTTP_CONNECTION_STRING=postgres://postgres:postgres@db.localtest.me:5432/postgres\n" },
    {
      name: "an RDS name with no instance identifier is an example (slonik's README)",
      filename: "README.md",
      code: '```ts\nconst pool = await createPool("postgres://iam_user@mydb.us-east-1.rds.amazonaws.com:5432/mydb?sslmode=require");\n```\n',
    },
    {
      name: "an RDS name with no region is an example (graphile-worker's docs)",
      filename: "connection-string.md",
      code: 'graphile-worker -c \\\n  "postgres://user:pass@DETAILS.FROM.AMAZON.rds.amazonaws.com:5432/dbname?ssl=true"\n',
    },
    {
      name: "a Cloud SQL socket with Google's placeholder names (slonik's parseDsn tests)",
      filename: "parseDsn.test.ts",
      code: 'test("postgresql://db_user:db_password@%2Fcloudsql%2Fproject-id%3Aregion-id1%3Acloudsqlinstance-name/database-name", testParse);\n',
    },
    { name: "local host 127.0.0.1", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@127.0.0.1:5432/app\n" },
    { name: "local host 127.10.0.7", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@127.10.0.7:5432/app\n" },
    { name: "local host [::1]", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@[::1]:5432/app\n" },
    { name: "local host 0.0.0.0", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@0.0.0.0:5432/app\n" },
    { name: "local host db", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@db:5432/app\n" },
    { name: "local host postgres", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@postgres:5432/app\n" },
    { name: "local host shop-db.local", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@shop-db.local:5432/app\n" },
    { name: "local host app.localhost", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@app.localhost:5432/app\n" },
    { name: "local host db.test", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@db.test:5432/app\n" },
    { name: "local host pg.example", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@pg.example:5432/app\n" },
    { name: "local host db.invalid", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@db.invalid:5432/app\n" },
    { name: "local host db.example.com", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@db.example.com:5432/app\n" },
    { name: "local host example.org", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@example.org:5432/app\n" },
    { name: "local host host.docker.internal", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@host.docker.internal:5432/app\n" },
    { name: "local host 192.0.2.15", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@192.0.2.15:5432/app\n" },
    { name: "local host [2001:db8::5]", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@[2001:db8::5]:5432/app\n" },
    { name: "local host %2Fvar%2Frun%2Fpostgresql", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@%2Fvar%2Frun%2Fpostgresql:5432/app\n" },
    { name: "placeholder host ${DB_HOST}", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@${DB_HOST}:5432/app\n" },
    { name: "placeholder host $DB_HOST", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@$DB_HOST:5432/app\n" },
    { name: "placeholder host {{ .Values.db.host }}", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@{{ .Values.db.host }}:5432/app\n" },
    { name: "placeholder host <host>", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@<host>:5432/app\n" },
    { name: "placeholder host host", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@host:5432/app\n" },
    { name: "placeholder host hostname", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@hostname:5432/app\n" },
    { name: "placeholder host your-host", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@your-host:5432/app\n" },
    { name: "placeholder host HOST", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@HOST:5432/app\n" },
    { name: "placeholder host xxx.rds.amazonaws.com", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@xxx.rds.amazonaws.com:5432/app\n" },
    { name: "placeholder host …", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@…:5432/app\n" },
    { name: "placeholder host <%= ENV['DB_HOST'] %>", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@<%= ENV['DB_HOST'] %>:5432/app\n" },
    { name: "placeholder host [YOUR-PROJECT].supabase.co", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@[YOUR-PROJECT].supabase.co:5432/app\n" },
    { name: "placeholder host x.x.x.x", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@x.x.x.x:5432/app\n" },
    { name: "placeholders everywhere", filename: ".env", code: "DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${DB_NAME}\n" },
    { name: "docs placeholder in angle brackets", filename: "README.md", code: "postgres://<user>:<password>@<host>:5432/<database>\n" },
    { name: "unix socket in the query", filename: ".env", code: "DATABASE_URL=postgres:///shop?host=/var/run/postgresql&password=LocalPw\n" },
    { name: "no host at all (local socket)", filename: ".env", code: "DATABASE_URL=postgresql:///shop\n" },
    { name: "libpq socket directory", filename: "run.sh", code: "psql \"host=/tmp dbname=shop password=LocalPw\"\n" },
    { name: "libpq without a host", filename: "sub.sql", code: "CREATE SUBSCRIPTION s CONNECTION 'dbname=regress_doesnotexist password=secret' PUBLICATION p WITH (connect = false);\n" },
    { name: "a user mapping for a server defined here without a host", filename: "fdw.sql", code: "CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'shop', port '5432');\nCREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'app', password 'LoopPw');\n" },
    { name: "a user mapping for a server defined here with a local host", filename: "fdw.sql", code: "CREATE SERVER s8 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', dbname 's8db');\nCREATE USER MAPPING FOR current_user SERVER s8 OPTIONS (user 'test', password 'secret');\n" },
    { name: "a user mapping without a password", filename: "fdw.sql", code: "CREATE USER MAPPING FOR app SERVER warehouse OPTIONS (user 'app');\n" },
    { name: "a placeholder password in a user mapping", filename: "fdw.sql", code: "CREATE USER MAPPING FOR app SERVER warehouse OPTIONS (user 'app', password '<password>');\n" },
    { name: "psql \\c without a host", filename: "x.sql", code: "\\c - -\n\\c regression\n\\c shop admin\nSELECT 1;\n" },
    { name: "SQLite Data Source", filename: "appsettings.json", code: "{ \"Db\": \"Data Source=app.db;Cache=Shared\" }\n" },
    { name: "SqlClient local server", filename: "appsettings.json", code: "{ \"Db\": \"Server=(localdb)\\\\MSSQLLocalDB;Database=shop;Trusted_Connection=True;\" }\n" },
    { name: "Go DSN over a unix socket", filename: "config.yaml", code: "dsn: app:Pw123456@unix(/var/run/mysqld/mysqld.sock)/shop\n" },
    { name: "not a connection string: http URL", filename: "README.md", code: "See https://db.prod.acme.com/status and ftp://files.acme.com\n" },
    { name: "not a connection string: one key", filename: ".env", code: "host=db.prod.acme.com\n" },
    { name: "not a connection string: code assignments", filename: "db.ts", code: "const host = 'db.prod.acme.com'; const user = 'app';\n" },
    { name: "localHosts", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@db.staging.corp/app\n", settings: {"localHosts": ["*.staging.corp"]} },
    { name: "the more specific glob wins: localHosts over a broad prodHosts", filename: ".env", code: "DATABASE_URL=postgres://app:Pw123456@db.dev.acme.com/app\n", settings: {"prodHosts": ["*.acme.com"], "localHosts": ["*.dev.acme.com"]} },
    { name: "remoteWithoutPassword: false", filename: ".env", code: "DATABASE_URL=postgres://app@db.internal/app\n", options: {"remoteWithoutPassword": false} },
    { name: "suppressed by a directive in a .env comment", filename: ".env", code: "# sqlguard-disable-next-line no-prod-connection-string -- staging, read-only user\nDATABASE_URL=postgres://app:Pw123456@db.internal/app\n" },
    { name: "suppressed by a trailing directive in YAML", filename: "config.yml", code: "url: postgres://app:Pw123456@db.internal/app # sqlguard-disable-line no-prod-connection-string\n" },
  ],
  invalid: [
    {
      name: "a test comparing URLs with dummy passwords on an internal host: a warning at most (trigger.dev's runOpsDbTopology.test.ts)",
      filename: "topology.test.ts",
      code: 'sameDatabaseTarget("postgresql://user:secret1@db.internal:5432/trigger", "postgresql://master:pw@rds-writer.internal:5432/pgtrigger");\n',
      errors: [
        { messageId: "remote", message: "PostgreSQL URI points at db.internal, which is not a local or development host", line: 1, column: 21, severity: 1 },
        { messageId: "remote", message: "PostgreSQL URI points at rds-writer.internal, which is not a local or development host", line: 1, column: 75, severity: 1 },
      ],
    },
    {
      name: "postgres:// URI with a password, RDS host",
      filename: ".env",
      code: "DATABASE_URL=postgres://app:S3cr3t@orders.c9akciq32.eu-west-1.rds.amazonaws.com:5432/shop\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host orders.c9akciq32.eu-west-1.rds.amazonaws.com (an Amazon RDS / Aurora database)", line: 1, column: 14, endLine: 1, endColumn: 90, severity: 2 },
      ],
    },
    {
      name: "postgresql:// URI without a password, host named prod",
      filename: "config.yml",
      code: "url: postgresql://reporting@db.prod.acme.com/analytics\n",
      errors: [
        { messageId: "production", message: "PostgreSQL URI points at production host db.prod.acme.com (its name says \"prod\")", line: 1, column: 6, endLine: 1, endColumn: 55, severity: 2 },
      ],
    },
    {
      name: "mysql:// with a password, unknown public host",
      filename: "docker-compose.yml",
      code: "  mysql: mysql://shop:Sh0pPass@mysql.acme.com:3306/shop\n",
      errors: [
        { messageId: "remotePassword", message: "MySQL URI with an inline password points at mysql.acme.com, which is not a local or development host", line: 1, column: 10, endLine: 1, endColumn: 56, severity: 2 },
      ],
    },
    {
      name: "mariadb:// without a password, unknown host: a warning",
      filename: "settings.json",
      code: "{ \"db\": \"mariadb://reader@maria.acme.com/shop\" }\n",
      errors: [
        { messageId: "remote", message: "MariaDB URI points at maria.acme.com, which is not a local or development host", line: 1, column: 10, endLine: 1, endColumn: 46, severity: 1 },
      ],
    },
    {
      name: "mongodb+srv:// on Atlas",
      filename: ".env.production",
      code: "MONGO_URL=mongodb+srv://admin:M0ngoPw@cluster0.ab1cd.mongodb.net/shop?retryWrites=true\n",
      errors: [
        { messageId: "productionPassword", message: "MongoDB URI with an inline password points at production host cluster0.ab1cd.mongodb.net (a MongoDB Atlas cluster)", line: 1, column: 11, endLine: 1, endColumn: 87, severity: 2 },
      ],
    },
    {
      name: "rediss:// with a password and no user",
      filename: ".env",
      code: "REDIS_URL=rediss://:R3disPw@cache.acme.com:6380/0\n",
      errors: [
        { messageId: "remotePassword", message: "Redis URI with an inline password points at cache.acme.com, which is not a local or development host", line: 1, column: 11, endLine: 1, endColumn: 50, severity: 2 },
      ],
    },
    {
      name: "redis:// on Upstash",
      filename: "app.toml",
      code: "cache = \"redis://default:UpPw1@eu1-fine-cat-1234.upstash.io:6379\"\n",
      errors: [
        { messageId: "productionPassword", message: "Redis URI with an inline password points at production host eu1-fine-cat-1234.upstash.io (an Upstash database)", line: 1, column: 10, endLine: 1, endColumn: 65, severity: 2 },
      ],
    },
    {
      name: "sqlserver:// URI",
      filename: "app.toml",
      code: "mssql = \"sqlserver://sa:Sq1Pass@sql.acme.com:1433?database=shop\"\n",
      errors: [
        { messageId: "remotePassword", message: "SQL Server URI with an inline password points at sql.acme.com, which is not a local or development host", line: 1, column: 10, endLine: 1, endColumn: 64, severity: 2 },
      ],
    },
    {
      name: "SQLAlchemy driver suffix",
      filename: "settings.ini",
      code: "sqlalchemy.url = postgresql+psycopg2://scott:T1ger@pg.acme.com/test\n",
      errors: [
        { messageId: "remotePassword", message: "PostgreSQL URI with an inline password points at pg.acme.com, which is not a local or development host", line: 1, column: 18, endLine: 1, endColumn: 68, severity: 2 },
      ],
    },
    {
      name: "jdbc:postgresql with ?user=&password=",
      filename: "application.properties",
      code: "spring.datasource.url=jdbc:postgresql://pg.acme.com:5432/shop?user=shop&password=JdbcPw1\n",
      errors: [
        { messageId: "remotePassword", message: "JDBC URL with an inline password points at pg.acme.com, which is not a local or development host", line: 1, column: 23, endLine: 1, endColumn: 89, severity: 2 },
      ],
    },
    {
      name: "jdbc:mysql, host named live",
      filename: "application.properties",
      code: "jdbc.url=jdbc:mysql://live-mysql.acme.com:3306/shop\n",
      errors: [
        { messageId: "production", message: "JDBC URL points at production host live-mysql.acme.com (its name says \"live\")", line: 1, column: 10, endLine: 1, endColumn: 52, severity: 2 },
      ],
    },
    {
      name: "jdbc:sqlserver with ;password= and an instance name",
      filename: "context.md",
      code: "<url>jdbc:sqlserver://sql.acme.com\\shop:1433;databaseName=shop;user=sa;password=MsPw99;encrypt=true</url>\n",
      errors: [
        { messageId: "remotePassword", message: "JDBC URL with an inline password points at sql.acme.com, which is not a local or development host", line: 1, column: 6, endLine: 1, endColumn: 100, severity: 2 },
      ],
    },
    {
      name: "libpq keywords in a shell script, quoted password",
      filename: "backup.sh",
      code: "#!/bin/sh\npg_dump \"host=db.prod.acme.com port=5432 dbname=shop user=backup password='s3 cr3t'\" > shop.sql\n",
      errors: [
        { messageId: "productionPassword", message: "libpq connection string with an inline password points at production host db.prod.acme.com (its name says \"prod\")", line: 2, column: 10, endLine: 2, endColumn: 84, severity: 2 },
      ],
    },
    {
      name: "libpq keywords in dblink, quotes doubled inside the SQL literal",
      filename: "report.sql",
      code: "SELECT * FROM dblink('host=10.20.0.5 dbname=shop user=report password=''Rep pw''', 'SELECT count(*) FROM orders') AS t(n bigint);\n",
      errors: [
        { messageId: "remotePassword", message: "libpq connection string with an inline password points at 10.20.0.5, which is not a local or development host", line: 1, column: 23, endLine: 1, endColumn: 81, severity: 2 },
      ],
    },
    {
      name: "CREATE SUBSCRIPTION … CONNECTION",
      filename: "replication.sql",
      code: "CREATE SUBSCRIPTION shop_sub\n  CONNECTION 'host=primary.shop.neon.tech dbname=shop user=repl password=R3plPw'\n  PUBLICATION shop_pub;\n",
      errors: [
        { messageId: "productionPassword", message: "libpq connection string with an inline password points at production host primary.shop.neon.tech (a Neon database)", line: 2, column: 15, endLine: 2, endColumn: 80, severity: 2 },
      ],
    },
    {
      name: "\\connect with a conninfo",
      filename: "switch.sql",
      code: "\\connect 'host=analytics.prod.acme.com dbname=analytics user=me'\nSELECT 1;\n",
      errors: [
        { messageId: "production", message: "libpq connection string points at production host analytics.prod.acme.com (its name says \"prod\")", line: 1, column: 11, endLine: 1, endColumn: 64, severity: 2 },
      ],
    },
    {
      name: "\\c with a URI",
      filename: "switch.sql",
      code: "\\c postgresql://me:MePw1@ep-cool-rain-123456.us-east-2.aws.neon.tech/neondb\nSELECT 1;\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host ep-cool-rain-123456.us-east-2.aws.neon.tech (a Neon database)", line: 1, column: 4, endLine: 1, endColumn: 76, severity: 2 },
      ],
    },
    {
      name: "\\c dbname user host port (positional)",
      filename: "switch.sql",
      code: "\\c shop admin db1.prd.acme.com 5432\nSELECT 1;\n",
      errors: [
        { messageId: "production", message: "psql \\connect points at production host db1.prd.acme.com (its name says \"prd\")", line: 1, column: 1, endLine: 1, endColumn: 36, severity: 2 },
      ],
    },
    {
      name: "multi-host libpq list: the worst host decides",
      filename: "pgbouncer.ini",
      code: "shop = host=replica1.acme.com,primary.prod.acme.com dbname=shop\n",
      errors: [
        { messageId: "production", message: "libpq connection string points at production host primary.prod.acme.com (its name says \"prod\")", line: 1, column: 8, endLine: 1, endColumn: 64, severity: 2 },
      ],
    },
    {
      name: "CREATE SERVER … OPTIONS (host, dbname) and its user mapping",
      filename: "fdw.sql",
      code: "CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw\n  OPTIONS (host 'billing.cluster-ro-c1x2.eu-west-1.rds.amazonaws.com', dbname 'billing', port '5432');\nCREATE USER MAPPING FOR app SERVER billing\n  OPTIONS (user 'app', password 'B1llingPw');\n",
      errors: [
        { messageId: "production", message: "foreign server billing points at production host billing.cluster-ro-c1x2.eu-west-1.rds.amazonaws.com (an Amazon RDS / Aurora database)", line: 2, column: 12, endLine: 2, endColumn: 101, severity: 2 },
        { messageId: "productionPassword", message: "user mapping for server billing with an inline password points at production host billing.cluster-ro-c1x2.eu-west-1.rds.amazonaws.com (an Amazon RDS / Aurora database)", line: 4, column: 12, endLine: 4, endColumn: 44, severity: 2 },
      ],
    },
    {
      name: "a user mapping whose server is defined elsewhere: a warning",
      filename: "mapping.sql",
      code: "CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER warehouse OPTIONS (user 'etl', password 'EtlPw123');\n",
      errors: [
        { messageId: "unknownServer", message: "user mapping for server warehouse has an inline password, and the server's host is not in this file", line: 1, column: 78, endLine: 1, endColumn: 109, severity: 1 },
      ],
    },
    {
      name: "a user mapping for a server named prod",
      filename: "mapping.sql",
      code: "ALTER USER MAPPING FOR etl SERVER prod_warehouse OPTIONS (SET password 'EtlPw123');\n",
      errors: [
        { messageId: "productionServer", message: "user mapping for server prod_warehouse has an inline password, and the server counts as production (its name says \"prod\")", line: 1, column: 59, endLine: 1, endColumn: 82, severity: 2 },
      ],
    },
    {
      name: "ALTER SERVER … OPTIONS (SET host …)",
      filename: "fdw.sql",
      code: "ALTER SERVER billing OPTIONS (SET host 'billing.db.ondigitalocean.com');\n",
      errors: [
        { messageId: "production", message: "foreign server billing points at production host billing.db.ondigitalocean.com (a DigitalOcean managed database)", line: 1, column: 31, endLine: 1, endColumn: 71, severity: 2 },
      ],
    },
    {
      name: "Npgsql Host=…;Password=… in appsettings.json",
      filename: "appsettings.json",
      code: "{\n  \"ConnectionStrings\": {\n    \"Default\": \"Host=pg.acme.com;Port=5432;Database=shop;Username=shop;Password=Npg5qlPw\"\n  }\n}\n",
      errors: [
        { messageId: "remotePassword", message: "ADO.NET connection string with an inline password points at pg.acme.com, which is not a local or development host", line: 3, column: 17, endLine: 3, endColumn: 89, severity: 2 },
      ],
    },
    {
      name: "SqlClient Server=tcp:…,1433 on Azure",
      filename: "appsettings.Production.json",
      code: "{ \"Db\": \"Server=tcp:shop.database.windows.net,1433;Initial Catalog=shop;User ID=shop;Password=Az5qlPw;Encrypt=True;\" }\n",
      errors: [
        { messageId: "productionPassword", message: "ADO.NET connection string with an inline password points at production host shop.database.windows.net (an Azure SQL Database server)", line: 1, column: 10, endLine: 1, endColumn: 115, severity: 2 },
      ],
    },
    {
      name: "Data Source= with an environment variable name before it",
      filename: ".env",
      code: "ConnectionStrings__Default=Data Source=sql01.acme.com;Initial Catalog=shop;User Id=sa;Password=Sa5aPw\n",
      errors: [
        { messageId: "remotePassword", message: "ADO.NET connection string with an inline password points at sql01.acme.com, which is not a local or development host", line: 1, column: 28, endLine: 1, endColumn: 102, severity: 2 },
      ],
    },
    {
      name: "ODBC Driver={…};Server=…;Pwd=…",
      filename: "odbc.ini",
      code: "conn = Driver={PostgreSQL Unicode};Server=pg.prod.acme.com;Port=5432;Database=shop;Uid=shop;Pwd=OdbcPw1;\n",
      errors: [
        { messageId: "productionPassword", message: "ODBC connection string with an inline password points at production host pg.prod.acme.com (its name says \"prod\")", line: 1, column: 8, endLine: 1, endColumn: 104, severity: 2 },
      ],
    },
    {
      name: "Go MySQL driver DSN",
      filename: "config.yaml",
      code: "dsn: shop:GoPw123@tcp(mysql.acme.com:3306)/shop?parseTime=true\n",
      errors: [
        { messageId: "remotePassword", message: "MySQL DSN with an inline password points at mysql.acme.com, which is not a local or development host", line: 1, column: 6, endLine: 1, endColumn: 63, severity: 2 },
      ],
    },
    {
      name: "multi-host URI: the worst host decides",
      filename: ".env",
      code: "DATABASE_URL=postgres://app:MhPw1@replica.acme.com,primary.prod.acme.com:5433/shop?target_session_attrs=read-write\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host primary.prod.acme.com (its name says \"prod\")", line: 1, column: 14, endLine: 1, endColumn: 115, severity: 2 },
      ],
    },
    {
      name: "percent-encoded password",
      filename: ".env",
      code: "DATABASE_URL=postgres://app:p%40ss%3Aw0rd%2F1@db.acme.com/app\n",
      errors: [
        { messageId: "remotePassword", message: "PostgreSQL URI with an inline password points at db.acme.com, which is not a local or development host", line: 1, column: 14, endLine: 1, endColumn: 62, severity: 2 },
      ],
    },
    {
      name: "a raw '@' and '/' in the password",
      filename: ".env",
      code: "DATABASE_URL=postgres://app:p@ss/w0rd@db.acme.com/app\n",
      errors: [
        { messageId: "remotePassword", message: "PostgreSQL URI with an inline password points at db.acme.com, which is not a local or development host", line: 1, column: 14, endLine: 1, endColumn: 54, severity: 2 },
      ],
    },
    {
      name: "IPv6 literal",
      filename: ".env",
      code: "DATABASE_URL=postgres://app:V6pw1@[2a00:1450:4001:80b::200e]:5432/app\n",
      errors: [
        { messageId: "remotePassword", message: "PostgreSQL URI with an inline password points at [2a00:1450:4001:80b::200e], which is not a local or development host", line: 1, column: 14, endLine: 1, endColumn: 70, severity: 2 },
      ],
    },
    {
      name: "Cloud SQL connector socket",
      filename: ".env",
      code: "DATABASE_URL=postgresql://app:CsPw1@/shop?host=/cloudsql/acme-prod:europe-west1:shop\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host /cloudsql/acme-prod:europe-west1:shop (a Google Cloud SQL instance (Cloud SQL connector socket))", line: 1, column: 14, endLine: 1, endColumn: 85, severity: 2 },
      ],
    },
    {
      name: "Supabase pooler",
      filename: ".env",
      code: "DATABASE_URL=postgresql://postgres.abcdefghijklmnopqrst:SbPw1@aws-0-eu-central-1.pooler.supabase.com:6543/postgres\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host aws-0-eu-central-1.pooler.supabase.com (a Supabase database)", line: 1, column: 14, endLine: 1, endColumn: 115, severity: 2 },
      ],
    },
    {
      name: "Heroku Postgres on EC2",
      filename: "app.json",
      code: "{ \"env\": { \"DATABASE_URL\": \"postgres://u1a2b3:HkPw1@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d4e5f6\" } }\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host ec2-52-1-2-3.compute-1.amazonaws.com (an Amazon EC2 host (where Heroku Postgres runs))", line: 1, column: 29, endLine: 1, endColumn: 101, severity: 2 },
      ],
    },
    {
      name: "a string literal in TypeScript",
      filename: "db.ts",
      code: "export const pool = new Pool({ connectionString: \"postgres://api:ApiPw1@api-db.prod.acme.com/api\" });\n",
      errors: [
        { messageId: "productionPassword", message: "PostgreSQL URI with an inline password points at production host api-db.prod.acme.com (its name says \"prod\")", line: 1, column: 51, endLine: 1, endColumn: 97, severity: 2 },
      ],
    },
    {
      name: "in Markdown prose: trailing punctuation is not part of it",
      filename: "README.md",
      code: "Connect with (`postgres://ops:OpsPw1@ops.acme.com/ops`).\n",
      errors: [
        { messageId: "remotePassword", message: "PostgreSQL URI with an inline password points at ops.acme.com, which is not a local or development host", line: 1, column: 16, endLine: 1, endColumn: 54, severity: 2 },
      ],
    },
    {
      name: "two on one line, positions after multi-byte text and CRLF",
      filename: ".env",
      code: "# café ☕ 😀\r\nA=postgres://a@one.prod.acme.com/x B=postgres://b@two.prod.acme.com/y\r\n",
      errors: [
        { messageId: "production", line: 2, column: 3, endLine: 2, endColumn: 35, severity: 2 },
        { messageId: "production", line: 2, column: 38, endLine: 2, endColumn: 70, severity: 2 },
      ],
    },
    {
      name: "multi-byte text before it on the same line",
      filename: "notes.md",
      code: "Prod 😀: postgres://x@db.prod.acme.com/x\n",
      errors: [
        { messageId: "production", line: 1, column: 10, endLine: 1, endColumn: 41, severity: 2 },
      ],
    },
    {
      name: "Dockerfile ENV",
      filename: "Dockerfile",
      code: "FROM node:20\nENV DATABASE_URL=postgres://app:DkPw1@db.acme.com:5432/app\n",
      errors: [
        { messageId: "remotePassword", line: 2, column: 18, endLine: 2, endColumn: 59, severity: 2 },
      ],
    },
    {
      name: "prodHosts marks an internal name as production",
      filename: ".env",
      code: "DATABASE_URL=postgres://app@pg.acme.internal/app\n",
      settings: {"prodHosts": ["*.acme.internal"]},
      errors: [
        { messageId: "production", message: "PostgreSQL URI points at production host pg.acme.internal (it matches prodHosts \"*.acme.internal\")", line: 1, column: 14, endLine: 1, endColumn: 49, severity: 2 },
      ],
    },
    {
      name: "prodHosts beats a single-label name",
      filename: ".env",
      code: "DATABASE_URL=postgres://app@shopdb/app\n",
      settings: {"prodHosts": ["shopdb"]},
      errors: [
        { messageId: "production", message: "PostgreSQL URI points at production host shopdb (it matches prodHosts \"shopdb\")", line: 1, column: 14, endLine: 1, endColumn: 39, severity: 2 },
      ],
    },
    {
      name: "the more specific glob wins: prodHosts over a broad localHosts",
      filename: ".env",
      code: "DATABASE_URL=postgres://app@db.prod.corp.lan/app\n",
      settings: {"prodHosts": ["*.prod.corp.lan"], "localHosts": ["*.lan"]},
      errors: [
        { messageId: "production", message: "PostgreSQL URI points at production host db.prod.corp.lan (it matches prodHosts \"*.prod.corp.lan\")", line: 1, column: 14, endLine: 1, endColumn: 49, severity: 2 },
      ],
    },
  ],
});
