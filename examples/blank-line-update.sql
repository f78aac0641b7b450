-- The incident sqlguard exists for: a Saturday clean-up of a few corrupted orders.
-- A SQL client that treats a blank line as the end of a statement (DBeaver's default)
-- runs only the first two lines: every order in production is soft-deleted.
UPDATE orders
SET is_deleted = true

WHERE id IN (1, 2, 3);
