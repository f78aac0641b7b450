-- A typo no linter can see: the column is "email". PostgreSQL rejects the migration, and
-- Prisma Migrate would stop here in production.
CREATE UNIQUE INDEX "customers_email_key" ON "customers"("emial");
