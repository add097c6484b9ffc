/* Coverage upkeep: one statement per stored routine that re-evaluates what counts for coverage. */
#include "db_coverage.h"

enum { Q_REGISTRATION, Q_SEMINAR, Q_ORG, Q_RECOUNT, Q_LATER, Q_QUEUE_LOCK, Q_QUEUE_APPLY, Q__MAX };

static struct dbq q[Q__MAX] = {
	[Q_REGISTRATION] = {"CALL coverage_touch(?)"},
	[Q_SEMINAR] = {"CALL coverage_touch_seminar(?)"},
	[Q_ORG] = {"CALL coverage_touch_org(?)"},
	[Q_RECOUNT] = {"CALL register_recount(?)"},
	[Q_LATER] = {"INSERT INTO coverage_queue (registration_id) VALUES (?)"},
	/* Held until the connection ends: a runner that dies leaves the queue to the next one. */
	[Q_QUEUE_LOCK] = {"SELECT IS_USED_LOCK('coverage_queue') <=> CONNECTION_ID() OR GET_LOCK('coverage_queue', 0)"},
	/* Rows of writers not yet committed are skipped: they are applied in a later batch. */
	[Q_QUEUE_APPLY] = {"CALL coverage_touch_queued(?)"},
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

int db_coverage_later(struct db *d, long long registration_id)
{
	return call(d, Q_LATER, registration_id);
}

struct apply_ctx {
	long long batch;
	size_t applied;
};

/* The touches of the queued rows run after the changes that queued them committed, so they see them. */
static enum tx_end apply_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct apply_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->batch)};
	struct dbres r;

	c->applied = 0;
	if (db_run(d, &q[Q_QUEUE_APPLY], v, NELEM(v), &r, scratch) == -1 || r.nrows != 1)
		return TX_FAIL;
	c->applied = (size_t)dbres_int(&r, 0, 0);
	return c->applied ? TX_COMMIT : TX_ROLLBACK;
}

int db_coverage_apply(struct db *d, long long batch)
{
	struct apply_ctx c = {batch, 0};
	struct arena a = {0};
	struct dbres r;
	int held;

	if (db_run(d, &q[Q_QUEUE_LOCK], NULL, 0, &r, &a) == -1) {
		arena_free(&a);
		return -1;
	}
	held = r.nrows == 1 && dbres_int(&r, 0, 0) == 1;
	arena_free(&a);
	if (!held)
		return 0;
	return db_tx(d, apply_tx, &c) == -1 ? -1 : (int)c.applied;
}
