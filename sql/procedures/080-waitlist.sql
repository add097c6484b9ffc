-- The waiting list's order: the one definition that promotions (fcgi/core/db_places.c) and every position shown share.

-- A seminar's waiting list, per mode: first_group first, then first come (queued_at, id); position
-- counts from 1. first_group: the seminar puts organisations never trained first (priority, the
-- seminar's untrained_first) and the registration's organisation is one. An organisation is trained
-- in a seminar's sectors when it has coverage in one of them in any period (coverage_org 'all': one of
-- its people attended, not only registered, a seminar of that sector, ever); a person without an
-- organisation is in the second group. reordered: the organiser switched the option after the person
-- joined the list. Read it with a constant seminar_id (WHERE w.seminar_id = ?): that condition reaches
-- the window's partition and only that seminar's list is read.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW waitlist AS
SELECT e.registration_id, e.seminar_id, e.mode, e.priority, e.first_group, e.reordered,
       ROW_NUMBER() OVER (PARTITION BY e.seminar_id, e.mode
                          ORDER BY e.first_group DESC, e.queued_at, e.registration_id) AS position
  FROM (SELECT r.id AS registration_id, r.seminar_id, r.mode, r.queued_at, s.untrained_first AS priority,
               s.untrained_first AND r.organization_id IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM coverage_org c
                   JOIN seminar_sector x ON x.seminar_id = r.seminar_id AND x.sector_id = c.sector_id
                  WHERE c.organization_id = r.organization_id AND c.period = 'all' AND c.n > 0) AS first_group,
               IFNULL(s.queue_rule_changed_at > r.queued_at, FALSE) AS reordered
          FROM registration r
          JOIN seminar s ON s.id = r.seminar_id
         WHERE r.status = 'waitlisted') e;
