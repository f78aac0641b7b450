-- A one-off fix to try first: npx sqlguard verify --dry-run cancel-stale-orders.sql --seed seed.sql
-- prints how many rows each statement changes, and rolls everything back.
BEGIN;
UPDATE orders SET status = 'cancelled' WHERE status = 'open' AND customer_id = 5;
DELETE FROM orders WHERE status = 'open';
INSERT INTO audit_log (action) VALUES ('cancelled stale orders');
COMMIT;
