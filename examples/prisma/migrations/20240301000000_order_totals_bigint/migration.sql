-- Totals in cents outgrew INTEGER. Changing the type copies the whole table under an
-- ACCESS EXCLUSIVE lock: `sqlguard verify` measures the rewrite.
ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE BIGINT;
