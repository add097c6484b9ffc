-- The attendance rule, in one place for certificates and coverage: whether a registration's check-ins meet its seminar's rule.

-- door = checked in at the door at least once; online = online codes in at least pct % of the
-- seminar's sessions; either; both.
CREATE OR REPLACE FUNCTION attendance_qualifies(rule VARCHAR(8), pct INT, sessions INT, door_n INT, online_n INT)
  RETURNS TINYINT DETERMINISTIC NO SQL
  RETURN CASE rule
    WHEN 'door' THEN door_n > 0
    WHEN 'online' THEN online_n > 0 AND online_n * 100 >= pct * sessions
    WHEN 'either' THEN door_n > 0 OR (online_n > 0 AND online_n * 100 >= pct * sessions)
    WHEN 'both' THEN door_n > 0 AND online_n > 0 AND online_n * 100 >= pct * sessions
    ELSE 0 END;
