/* Bench baseline H1: one prepared primary-key SELECT per request, the row written as text. */
#include "app.h"

static struct dbq q_sector = {"SELECT id, name FROM sector WHERE id = ?", NULL, 0};

static int bench_select(struct req *r)
{
	static long long next;
	struct dbv p[1] = {DB_DV_INT(next % 6 + 1)};
	struct dbres res;

	next++;
	if (db_run(r->app->db, &q_sector, p, 1, &res, &r->arena) == -1)
		return 500;
	if (res.nrows != 1)
		return fail(r, 500, "bench: sector row missing");
	r->ctype = "text/plain; charset=utf-8";
	buf_addf(&r->body, "%s %s\n", dbres_str(&res, 0, 0), dbres_str(&res, 0, 1));
	return 200;
}

static const struct route routes[] = {
	{M_GET, "/bench/select", bench_select, 0},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program prog = {.name = "select", .routes = routes, .fields = fields};

int main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
