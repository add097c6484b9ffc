-- The coverage upkeep of door scans, undos and online codes, queued in their transactions and applied by the checkin program's background runner (issue 16).

-- One row per check-in change: its registration's coverage fact is re-evaluated (coverage_touch) after the
-- change has committed, and the row is deleted in the transaction that applied it. A registration may be
-- queued more than once (the touch is idempotent); no foreign key, so a scan takes no lock for the queue
-- (a registration erased meanwhile touches nothing).
CREATE TABLE coverage_queue (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  registration_id INT UNSIGNED NOT NULL,
  queued_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
