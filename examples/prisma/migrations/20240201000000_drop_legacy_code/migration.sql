-- Legacy codes moved to the billing service.
ALTER TABLE "customers" DROP COLUMN "legacy_code";
