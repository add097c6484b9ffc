-- Which organisations and registrations count for coverage: the one definition that the incremental upkeep and the full build share.

-- The organisations that count: active in the register (neither proposed nor merged). They are
-- the reports' denominator (register_cell) and the only ones whose registrations count.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW coverage_register AS
SELECT o.id, o.district_id, o.sector_id
  FROM organization o
 WHERE o.active AND o.status = 'register';

-- The seminars whose registrations can count: published or finished with a first session. With what
-- their facts are made of (held_on: the date of the first session) and what the rule reads (rule,
-- percent, number of sessions). The build reads it once per seminar, not once per registration.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW coverage_seminar AS
SELECT s.id AS seminar_id, DATE(s.starts_at) AS held_on, s.attendance_rule AS rule, s.online_min_percent AS pct,
       (SELECT COUNT(*) FROM seminar_session ss WHERE ss.seminar_id = s.id) AS sessions
  FROM seminar s
 WHERE s.status IN ('published', 'finished') AND s.starts_at IS NOT NULL;

-- The registrations that count once their check-ins meet the seminar's attendance rule: confirmed,
-- the seminar in coverage_seminar, the organisation in coverage_register and of one of the
-- seminar's sectors. coverage_build makes the same join over in-memory copies of the two views
-- (coverage_check compares what it builds with what the touches keep).
CREATE OR REPLACE SQL SECURITY INVOKER VIEW coverage_candidate AS
SELECT r.id AS registration_id, r.person_id, r.organization_id, o.district_id, o.sector_id, r.seminar_id,
       s.held_on, s.rule, s.pct, s.sessions
  FROM registration r
  JOIN coverage_seminar s ON s.seminar_id = r.seminar_id
  JOIN coverage_register o ON o.id = r.organization_id
  JOIN seminar_sector x ON x.seminar_id = r.seminar_id AND x.sector_id = o.sector_id
 WHERE r.status = 'confirmed';
