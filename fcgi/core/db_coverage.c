/* Coverage upkeep: one statement per stored routine that re-evaluates what counts for coverage. */
#include "db_coverage.h"

enum { Q_REGISTRATION, Q_SEMINAR, Q_ORG, Q_RECOUNT, Q_LATER, Q_QUEUE_LOCK, Q_QUEUE_CLAIM, Q_QUEUE_DONE, Q__MAX };

static struct dbq q[Q__MAX] = {
	[Q_REGISTRATION] = {"CALL coverage_touch(?)"},
	[Q_SEMINAR] = {"CALL coverage_touch_seminar(?)"},
	[Q_ORG] = {"CALL coverage_touch_org(?)"},
	[Q_RECOUNT] = {"CALL register_recount(?)"},
	[Q_LATER] = {"INSERT INTO coverage_queue (registration_id) VALUES (?)"},
	/* Held until the connection ends: a runner that dies leaves the queue to the next one. */
	[Q_QUEUE_LOCK] = {"SELECT IS_USED_LOCK('coverage_queue') <=> CONNECTION_ID() OR GET_LOCK('coverage_queue', 0)"},
	/* Rows of writers not yet committed are skipped: they are applied in a later batch. */
	[Q_QUEUE_CLAIM] = {"SELECT id, registration_id FROM coverage_queue ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED"},
	[Q_QUEUE_DONE] = {"DELETE FROM coverage_queue WHERE id = ?"},
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

/* The touch of a queued row runs after the change that queued it committed, so it sees that change. */
static enum tx_end apply_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct apply_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->batch)};
	struct dbres r;
	size_t i;

	c->applied = 0;
	if (db_run(d, &q[Q_QUEUE_CLAIM], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	for (i = 0; i < r.nrows; i++)
		if (call(d, Q_REGISTRATION, dbres_int(&r, i, 1)) == -1 ||
		    call(d, Q_QUEUE_DONE, dbres_int(&r, i, 0)) == -1)
			return TX_FAIL;
	c->applied = r.nrows;
	return r.nrows ? TX_COMMIT : TX_ROLLBACK;
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
