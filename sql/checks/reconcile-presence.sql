-- Reconciliation of the present-counters (session_presence, migration 031): every row returned is a session whose counter differs from its check-ins (none expected).
-- Run: scripts/stack.sh psql < sql/checks/reconcile-presence.sql
SELECT c.session_id, c.mode, c.counted, IFNULL(p.kept, 0) AS kept
FROM (SELECT session_id, mode, COUNT(*) AS counted FROM attendance WHERE undone_at IS NULL GROUP BY session_id, mode) c
LEFT JOIN (SELECT session_id, mode, SUM(n) AS kept FROM session_presence GROUP BY session_id, mode) p
  ON p.session_id = c.session_id AND p.mode = c.mode
WHERE IFNULL(p.kept, 0) <> c.counted
UNION ALL
SELECT p.session_id, p.mode, 0, p.kept
FROM (SELECT session_id, mode, SUM(n) AS kept FROM session_presence GROUP BY session_id, mode) p
WHERE p.kept <> 0
  AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = p.session_id AND a.mode = p.mode AND a.undone_at IS NULL);
