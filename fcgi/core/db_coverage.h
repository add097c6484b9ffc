/* Coverage upkeep: the calls that keep the coverage summary tables current, in the writer's transaction or queued. */
#ifndef DB_COVERAGE_H
#define DB_COVERAGE_H

#include "db.h"

/* The summary tables (coverage_fact, coverage_org, coverage_person, coverage_cell, register_cell)
 * are kept current in the same transaction as every write that changes what counts (DESIGN.md
 * section 6), or for check-ins (issue 16) queued in it and applied within a bounded delay; the
 * rules themselves are the stored routines of sql/procedures/. The writes that must call, and what:
 *   a registration created, revived, cancelled, promoted or moved to another mode  db_coverage_registration
 *   a check-in made or undone, at the door or by an online code                     db_coverage_later
 *   a seminar's status, sectors, attendance rule or share changed; a session added
 *   or deleted (the first session dates the period, their number the share)        db_coverage_seminar
 *   an organisation's district, sector or standing changed; accepted; merged        db_coverage_org
 *   active organisations per district and sector changed (imports, acceptance)      db_coverage_recount
 * A forgotten call leaves the summary tables behind the raw data without an error: the last test
 * of the suite (tests/final/consistency.bats) compares them with a recompute after every write
 * path has run, and fails then. Each returns 0, or -1 on failure (the transaction rolls back). */
int db_coverage_registration(struct db *, long long registration_id);
/* The same re-evaluation, queued in the writer's transaction (a row of coverage_queue, migration 026) and
 * applied after its COMMIT by db_coverage_apply: the door's scans neither run the upkeep nor wait for the
 * locks of the summary tables' hot rows (a district's cells). The checkin program's writes use it; its
 * background runner applies the queue (README, «Coverage upkeep», states the delay). */
int db_coverage_later(struct db *, long long registration_id);
/* Applies up to batch queued re-evaluations, oldest first, in one transaction that deletes their rows.
 * One runner applies at a time among all app servers (a named lock held by its connection): two would
 * lock the same cells in different orders. Returns the number applied (0: none queued, or another runner
 * holds the lock), -1 on failure. */
int db_coverage_apply(struct db *, long long batch);
int db_coverage_seminar(struct db *, long long seminar_id);
int db_coverage_org(struct db *, long long organization_id);
/* district_id 0: every district. */
int db_coverage_recount(struct db *, long long district_id);

#endif
