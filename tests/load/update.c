/* Bench baseline U: one autocommitted primary-key UPDATE (a commit per request) over 1,000 counter rows. */
#include <sodium.h>

#include "app.h"

#define ROWS 1000 /* rows of bench_counter, created by tests/load/bench.sh */

static struct dbq q_bump = {"UPDATE bench_counter SET n = n + 1 WHERE id = ?", NULL, 0};

static int bench_update(struct req *r)
{
	struct dbv p[1] = {DB_DV_INT((long long)randombytes_uniform(ROWS) + 1)};
	struct dbres res;

	if (db_run(r->app->db, &q_bump, p, 1, &res, &r->arena) == -1)
		return 500;
	if (res.affected != 1)
		return fail(r, 500, "bench: bench_counter row missing");
	r->ctype = "text/plain; charset=utf-8";
	buf_adds(&r->body, "ok\n");
	return 200;
}

/* GET keeps wrk simple; a POST route would need R_NOCSRF. */
static const struct route routes[] = {
	{M_GET, "/bench/update", bench_update, 0},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program prog = {.name = "update", .routes = routes, .fields = fields};

int main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
