-- Meant to remove one test customer's orders; the WHERE was forgotten.
DELETE FROM orders;

-- An always-true WHERE is no WHERE at all.
UPDATE customers SET newsletter = false WHERE 1 = 1;

-- Fine: the rows are named.
DELETE FROM orders WHERE customer_id = 42;

-- Fine: a deliberate backfill, said out loud and reviewable.
-- sqlguard-disable-next-line require-where -- backfill: every row gets the new default
UPDATE customers SET tier = 'standard';
