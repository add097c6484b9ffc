-- Reconciliation of places: every row returned is a broken invariant (none expected).
-- Run: scripts/stack.sh psql < sql/checks/reconcile-places.sql
SELECT s.id AS seminar_id, 'in-person counter differs from confirmed registrations' AS problem
FROM seminar s
WHERE s.taken_in_person <> (SELECT COUNT(*) FROM registration r
                            WHERE r.seminar_id = s.id AND r.mode = 'in_person' AND r.status = 'confirmed')
UNION ALL
SELECT s.id, 'online counter differs from confirmed registrations'
FROM seminar s
WHERE s.taken_online <> (SELECT COUNT(*) FROM registration r
                         WHERE r.seminar_id = s.id AND r.mode = 'online' AND r.status = 'confirmed')
UNION ALL
SELECT s.id, 'more confirmed in-person registrations than places'
FROM seminar s WHERE s.taken_in_person > s.cap_in_person
UNION ALL
SELECT s.id, 'more confirmed online registrations than places'
FROM seminar s WHERE s.cap_online IS NOT NULL AND s.taken_online > s.cap_online
UNION ALL
SELECT s.id, 'an in-person place is free while people wait for it'
FROM seminar s
WHERE s.taken_in_person < s.cap_in_person
  AND EXISTS (SELECT 1 FROM registration r
              WHERE r.seminar_id = s.id AND r.mode = 'in_person' AND r.status = 'waitlisted')
UNION ALL
SELECT s.id, 'an online place is free while people wait for it'
FROM seminar s
WHERE (s.cap_online IS NULL OR s.taken_online < s.cap_online)
  AND EXISTS (SELECT 1 FROM registration r
              WHERE r.seminar_id = s.id AND r.mode = 'online' AND r.status = 'waitlisted');
