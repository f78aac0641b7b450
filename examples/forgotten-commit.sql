-- "Why didn't I use transactions? It's as easy as writing BEGIN, and then ROLLBACK
-- in case of a mistake." The second attempt at the Saturday clean-up:

-- Writes outside a transaction: if the second one fails, the first stays applied.
UPDATE orders SET is_deleted = true WHERE id IN (1, 2, 3);
INSERT INTO audit_log (action, at) VALUES ('soft-delete 1, 2, 3', now());

-- A ROLLBACK with no BEGIN undoes nothing: the two writes above are already committed.
ROLLBACK;

-- The block is opened, but the COMMIT was forgotten: the change is lost when the session
-- ends, and the rows stay locked until then.
BEGIN;
UPDATE orders SET is_deleted = true WHERE id IN (4, 5);
