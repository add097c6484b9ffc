-- The attendance rule, in one place for certificates and coverage: which check-ins count, and whether they cover the seminar's share of sessions.

-- The sessions that count under the rule, of door_n checked in at the door and online_n attended
-- online (a session has at most one check-in, of one kind): door counts the door's, online the
-- online codes', either and both every one, by any means. With (1, 0) or (0, 1): whether one
-- check-in of that kind counts.
CREATE OR REPLACE FUNCTION attendance_counted(rule VARCHAR(8), door_n INT, online_n INT)
  RETURNS INT DETERMINISTIC NO SQL
  RETURN CASE rule WHEN 'door' THEN door_n WHEN 'online' THEN online_n
                   WHEN 'either' THEN door_n + online_n WHEN 'both' THEN door_n + online_n ELSE 0 END;

-- The sessions that must count: pct % of the seminar's sessions, rounded up, and one at least.
CREATE OR REPLACE FUNCTION attendance_needed(pct INT, sessions INT)
  RETURNS INT DETERMINISTIC NO SQL
  RETURN GREATEST(1, CEIL(pct * sessions / 100));

-- A registration qualifies when the sessions that count reach attendance_needed; both also needs
-- a check-in at the door and one online. A single session: door = checked in at the door, online
-- = the online code, either = one of them, both = never (one check-in per session).
CREATE OR REPLACE FUNCTION attendance_qualifies(rule VARCHAR(8), pct INT, sessions INT, door_n INT, online_n INT)
  RETURNS TINYINT DETERMINISTIC NO SQL
  RETURN attendance_counted(rule, door_n, online_n) >= attendance_needed(pct, sessions)
     AND (rule <> 'both' OR (door_n > 0 AND online_n > 0));
