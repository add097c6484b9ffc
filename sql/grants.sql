-- Database users of the programs and their least privileges; scripts/stack.sh substitutes the @..._PW@ passwords and runs this on every start.

-- portal: the whole application model (accounts, seminars, sign-ups, admin screens).
CREATE USER IF NOT EXISTS 'sem_portal'@'localhost' IDENTIFIED BY '@PORTAL_PW@';
ALTER USER 'sem_portal'@'localhost' IDENTIFIED BY '@PORTAL_PW@';
GRANT SELECT, INSERT, UPDATE, DELETE ON seminars.* TO 'sem_portal'@'localhost';

-- checkin: reads everything (sessions included: people sign in through the portal);
-- writes only rate limits and the audit log (attendance tables get their own grants
-- when their migration adds them).
CREATE USER IF NOT EXISTS 'sem_checkin'@'localhost' IDENTIFIED BY '@CHECKIN_PW@';
ALTER USER 'sem_checkin'@'localhost' IDENTIFIED BY '@CHECKIN_PW@';
GRANT SELECT ON seminars.* TO 'sem_checkin'@'localhost';
GRANT INSERT, UPDATE, DELETE ON seminars.rate_limit TO 'sem_checkin'@'localhost';
GRANT INSERT ON seminars.audit_log TO 'sem_checkin'@'localhost';

-- certs: same shape as checkin (certificate tables get their own grants when added).
CREATE USER IF NOT EXISTS 'sem_certs'@'localhost' IDENTIFIED BY '@CERTS_PW@';
ALTER USER 'sem_certs'@'localhost' IDENTIFIED BY '@CERTS_PW@';
GRANT SELECT ON seminars.* TO 'sem_certs'@'localhost';
GRANT INSERT, UPDATE, DELETE ON seminars.rate_limit TO 'sem_certs'@'localhost';
GRANT INSERT ON seminars.audit_log TO 'sem_certs'@'localhost';

-- reports: read-only, except that exports of personal data are audited.
CREATE USER IF NOT EXISTS 'sem_reports'@'localhost' IDENTIFIED BY '@REPORTS_PW@';
ALTER USER 'sem_reports'@'localhost' IDENTIFIED BY '@REPORTS_PW@';
GRANT SELECT ON seminars.* TO 'sem_reports'@'localhost';
GRANT INSERT ON seminars.audit_log TO 'sem_reports'@'localhost';

-- checkin writes the scan log and the attendance derived from it.
GRANT INSERT, UPDATE ON seminars.scan_event TO 'sem_checkin'@'localhost';
GRANT INSERT, UPDATE ON seminars.attendance TO 'sem_checkin'@'localhost';
-- ... and queues the coverage upkeep of its check-ins (migration 026); its background runner applies and deletes them
-- through coverage_touch_queued, as its definer.
GRANT INSERT ON seminars.coverage_queue TO 'sem_checkin'@'localhost';
-- session_presence (migration 031) is written by attendance's triggers, as their definer: no grant.

-- certs keeps templates, certificates, their files and the issuing jobs.
GRANT INSERT, UPDATE ON seminars.certificate_template TO 'sem_certs'@'localhost';
GRANT INSERT, UPDATE ON seminars.seminar_certificate TO 'sem_certs'@'localhost';
GRANT INSERT, UPDATE ON seminars.certificate_series TO 'sem_certs'@'localhost';
GRANT INSERT, UPDATE ON seminars.certificate TO 'sem_certs'@'localhost';
GRANT INSERT, UPDATE ON seminars.certificate_file TO 'sem_certs'@'localhost';
GRANT INSERT, UPDATE ON seminars.certificate_job TO 'sem_certs'@'localhost';

-- portal keeps seminar materials (migration 010: material) under its SELECT, INSERT, UPDATE, DELETE on
-- seminars.*; the other programs only read them.

-- Stored routines (the attendance rule, coverage upkeep): SQL SECURITY DEFINER procedures write
-- the coverage tables, so the programs need only EXECUTE, never write access to those tables.
-- Granted on the whole database, so it covers the routines that sql/procedures/ re-creates on
-- every start (their DEFINER is the account that applies them: root in scripts/stack.sh).
GRANT EXECUTE ON seminars.* TO 'sem_portal'@'localhost';
GRANT EXECUTE ON seminars.* TO 'sem_checkin'@'localhost';
GRANT EXECUTE ON seminars.* TO 'sem_certs'@'localhost';
GRANT EXECUTE ON seminars.* TO 'sem_reports'@'localhost';

-- Surveys (migration 009): the portal builds and answers them (its grant above covers the tables); certs reads
-- survey and survey_response to hold back a certificate until its holder has answered (its SELECT above).

-- Mail (migrations 011, 018): the portal queues and sends (its grant above covers the outbox); certs may queue a
-- letter in the transaction that issues a certificate (mail_queue, fcgi/core/mail.h; INSERT ... ON DUPLICATE KEY
-- UPDATE needs both), never send one.
GRANT INSERT, UPDATE ON seminars.mail_message TO 'sem_certs'@'localhost';
GRANT INSERT ON seminars.mail_attachment TO 'sem_certs'@'localhost';
-- The journal of access to personal data (migration 015): checkin and certs record views and exports of
-- their lists of people (the portal's grant above covers the tables).
GRANT INSERT, UPDATE ON seminars.access_journal TO 'sem_checkin'@'localhost';
GRANT INSERT ON seminars.access_journal_subject TO 'sem_checkin'@'localhost';
GRANT INSERT, UPDATE ON seminars.access_journal TO 'sem_certs'@'localhost';
GRANT INSERT ON seminars.access_journal_subject TO 'sem_certs'@'localhost';
