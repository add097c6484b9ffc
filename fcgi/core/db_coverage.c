/* Coverage upkeep: one statement per stored routine that re-evaluates what counts for coverage. */
#include "db_coverage.h"

enum { Q_REGISTRATION, Q_SEMINAR, Q_ORG, Q_RECOUNT, Q__MAX };

static struct dbq q[Q__MAX] = {
	[Q_REGISTRATION] = {"CALL coverage_touch(?)"},
	[Q_SEMINAR] = {"CALL coverage_touch_seminar(?)"},
	[Q_ORG] = {"CALL coverage_touch_org(?)"},
	[Q_RECOUNT] = {"CALL register_recount(?)"},
};

static int call(struct db *d, int stmt, long long id)
{
	struct dbv v[] = {DB_DV_INT(id)};

	return db_run(d, &q[stmt], v, NELEM(v), NULL, NULL);
}

int db_coverage_registration(struct db *d, long long registration_id)
{
	return call(d, Q_REGISTRATION, registration_id);
}

int db_coverage_seminar(struct db *d, long long seminar_id)
{
	return call(d, Q_SEMINAR, seminar_id);
}

int db_coverage_org(struct db *d, long long organization_id)
{
	return call(d, Q_ORG, organization_id);
}

int db_coverage_recount(struct db *d, long long district_id)
{
	return call(d, Q_RECOUNT, district_id);
}
