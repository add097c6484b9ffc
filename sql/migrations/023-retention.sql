-- Retention (fcgi/core/retention.c): the one row that lets a single background worker of all app servers run
-- the daily clean-up, and the indexes its age conditions read.

-- last_run_at: when the daily run was last claimed; a worker claims it with one conditional UPDATE.
CREATE TABLE retention_state (
  id TINYINT UNSIGNED PRIMARY KEY,           -- the one row: 1
  last_run_at DATETIME NULL
) ENGINE=InnoDB;
INSERT INTO retention_state (id, last_run_at) VALUES (1, NULL);

-- Accounts whose address was never confirmed, oldest first; old previews; scans and check-ins by age.
ALTER TABLE person ADD KEY person_unconfirmed (email_confirmed_at, created_at);
ALTER TABLE register_import ADD KEY register_import_uploaded (uploaded_at);
ALTER TABLE scan_event ADD KEY scan_event_server_time (server_time);
ALTER TABLE attendance ADD KEY attendance_at (at);
ALTER TABLE rate_limit ADD KEY rate_limit_window (window_start);
ALTER TABLE account_token ADD KEY account_token_expires (expires_at);
