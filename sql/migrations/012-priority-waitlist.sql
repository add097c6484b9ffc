-- The waiting list's priority option: organisations never trained in the seminar's sectors go first.
-- The order itself is the view waitlist (sql/procedures/080-waitlist.sql).
ALTER TABLE seminar
  ADD COLUMN untrained_first BOOLEAN NOT NULL DEFAULT FALSE AFTER org_limit,
  -- When the organiser last switched the option: those queued before were reordered by it.
  ADD COLUMN queue_rule_changed_at DATETIME(6) NULL AFTER untrained_first;
