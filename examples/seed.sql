-- Test data for dry runs: npx sqlguard verify --dry-run cancel-stale-orders.sql --seed seed.sql
INSERT INTO customers (email, name) SELECT 'customer' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 20) g;
INSERT INTO orders (customer_id, total, status) SELECT 1 + g % 20, g * 100, CASE WHEN g % 4 = 0 THEN 'open' ELSE 'paid' END FROM generate_series(1, 200) g;
