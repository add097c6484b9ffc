/* Coverage upkeep: the calls that keep the coverage summary tables current, inside the writer's transaction. */
#ifndef DB_COVERAGE_H
#define DB_COVERAGE_H

#include "db.h"

/* The summary tables (coverage_fact, coverage_org, coverage_person, coverage_cell, register_cell)
 * are kept current in the same transaction as every write that changes what counts (DESIGN.md
 * section 6); the rules themselves are the stored routines of sql/procedures/. The writes that
 * must call, and what:
 *   a registration created, revived, cancelled, promoted or moved to another mode  db_coverage_registration
 *   a check-in made or undone, at the door or by an online code                     db_coverage_registration
 *   a seminar's status, sectors, attendance rule or share changed; a session added
 *   or deleted (the first session dates the period, their number the share)        db_coverage_seminar
 *   an organisation's district, sector or standing changed; accepted; merged        db_coverage_org
 *   active organisations per district and sector changed (imports, acceptance)      db_coverage_recount
 * A forgotten call leaves the summary tables behind the raw data without an error: the last test
 * of the suite (tests/final/consistency.bats) compares them with a recompute after every write
 * path has run, and fails then. Each returns 0, or -1 on failure (the transaction rolls back). */
int db_coverage_registration(struct db *, long long registration_id);
int db_coverage_seminar(struct db *, long long seminar_id);
int db_coverage_org(struct db *, long long organization_id);
/* district_id 0: every district. */
int db_coverage_recount(struct db *, long long district_id);

#endif
