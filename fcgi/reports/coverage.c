/* The coverage report: the district x sector matrix of a region (or the region x sector matrix of
 * the country) as a page with its chart, and its CSV and XLSX exports. */
#include "chart.h"
#include "pct.h"
#include "reports.h"
#include "scope.h"

static int read_sources(struct req *r, long long region_id, const char *sectors, const struct period *p,
			struct sources *s)
{
	struct db *d = app_db_read(r);

	if ((s->nreg = db_report_register(d, &r->arena, region_id, sectors, &s->reg)) < 0 ||
	    (s->ncov = db_report_coverage(d, &r->arena, region_id, sectors, p->key, &s->cov)) < 0 ||
	    (s->nsem = db_report_seminars(d, &r->arena, region_id, p->from, p->to, &s->sem)) < 0 ||
	    (s->ninv = db_report_invited(d, &r->arena, region_id, sectors, p->from, p->to, &s->inv)) < 0)
		return -1;
	return 0;
}

/* The whole country's sources are every district's cells of the register and of coverage and
 * every seminar of the period: about 100 ms of the database on the national data set, while a
 * region's take a millisecond. So each worker keeps the country's, of every sector, as JSON for
 * COUNTRY_TTL seconds per period: the country's report may be that much older than its regions'
 * reports, which are always read afresh. A new district starts afresh. */
#define COUNTRY_TTL 60

static int load_sources(struct req *r, const struct scope *sc, struct sources *s)
{
	const char *key, *version, *ctype;
	const struct buf *hit;
	struct buf b = {0};
	long long last;

	if (sc->region_id > 0)
		return read_sources(r, sc->region_id, sc->sector_ids, &sc->p, s);
	if ((last = db_report_last_district(app_db_read(r), &r->arena)) < 0)
		return -1;
	key = arena_printf(&r->arena, "coverage:country:%s", sc->p.key);
	version = arena_printf(&r->arena, "%lld:%s", last, sc->all_ids);
	if ((hit = cache_get(key, version, COUNTRY_TTL, &ctype)) != NULL &&
	    sources_decode(&r->arena, hit->p, hit->len, s))
		return 0;
	if (read_sources(r, 0, sc->all_ids, &sc->p, s) == -1)
		return -1;
	sources_encode(s, &b);
	cache_put(key, version, "application/json", &b);
	buf_free(&b);
	return 0;
}

/* The rows of sc ({id, name} of its districts or regions; new reference) with m their sums, or
 * NULL on failure. */
static json_t *matrix_load(struct req *r, const struct scope *sc, struct matrix *m)
{
	struct sources s;
	json_t *rows = sc->region_id > 0 ? db_districts(app_db_read(r), &r->arena, sc->region_id)
					 : db_regions(app_db_read(r), &r->arena);

	if (rows == NULL || load_sources(r, sc, &s) == -1) {
		json_decref(rows);
		return NULL;
	}
	/* A grant narrowed to districts shows only those rows; the totals add up what is shown. */
	for (size_t i = 0; sc->region_id > 0 && i < json_array_size(rows);)
		if (scope_district(r, sc, json_integer_value(json_object_get(json_array_get(rows, i), "id"))))
			i++;
		else
			json_array_remove(rows, i);
	matrix_init(m, &r->arena, rows, sc->sectors);
	matrix_sum(m, &s);
	return rows;
}

/* The measures of a cell as JSON, built key by key: json_pack's parsing was a quarter of the
 * country's page. */
static json_t *tally_json(const struct report_cell *t)
{
	long long p = matrix_tenths(t);
	char text[PCT_MAX];
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "orgs", json_integer(t->orgs));
	json_object_set_new_nocheck(o, "covered", json_integer(t->covered));
	json_object_set_new_nocheck(o, "pct", json_real((double)p / 10));
	json_object_set_new_nocheck(o, "pct_text", json_string_nocheck(pct_text(text, p)));
	json_object_set_new_nocheck(o, "none_covered", json_boolean(t->orgs > 0 && t->covered == 0));
	json_object_set_new_nocheck(o, "people", json_integer(t->people));
	json_object_set_new_nocheck(o, "people_door", json_integer(t->people_door));
	json_object_set_new_nocheck(o, "people_online", json_integer(t->people_online));
	json_object_set_new_nocheck(o, "seminars", json_integer(t->seminars));
	json_object_set_new_nocheck(o, "invited", json_integer(t->invited));
	json_object_set_new_nocheck(o, "signed_up", json_integer(t->signed_up));
	return o;
}

/* The cells of row i (nrows: the totals row) and its total. */
static json_t *matrix_row_json(const struct matrix *m, size_t i)
{
	json_t *cells = json_array();

	for (size_t j = 0; j < m->ncols; j++)
		json_array_append_new(cells, tally_json(matrix_cell(m, i, j)));
	return json_pack("{s:o, s:o}", "cells", cells, "total", tally_json(matrix_cell(m, i, m->ncols)));
}

int pg_coverage(struct req *r)
{
	struct scope sc;
	struct matrix m;
	json_t *ctx, *mrows, *rows, *x;
	const char *qs;
	size_t i;
	int rc;

	if ((rc = scope_load(r, req_int(r, "region", -1), &sc)) != 0)
		return rc;
	if ((mrows = matrix_load(r, &sc, &m)) == NULL || (ctx = scope_json(r, &sc)) == NULL) {
		json_decref(mrows);
		scope_free(&sc);
		return 500;
	}
	rows = json_array();
	json_array_foreach (mrows, i, x) {
		long long id = json_integer_value(json_object_get(x, "id"));
		json_t *row = matrix_row_json(&m, i);
		json_object_set_new(row, "id", json_integer(id));
		json_object_set(row, "name", json_object_get(x, "name"));
		json_object_set_new(
			row, "url",
			json_string(sc.region_id > 0 ? arena_printf(&r->arena, "%s%s",
								    url(&r->arena, U_REPORTS_COVERAGE_DISTRICTS_ID, id),
								    scope_query(r, &sc, 0))
						     : arena_printf(&r->arena, "%s%s", U_REPORTS_COVERAGE,
								    scope_query(r, &sc, id))));
		json_array_append_new(rows, row);
	}
	qs = scope_query(r, &sc, sc.region_id);
	json_object_set_new(ctx, "title", json_string(arena_printf(&r->arena, "Охват обучением: %s", sc.region_name)));
	json_object_set_new(ctx, "place",
			    json_pack("{s:o, s:s, s:b}", "region_id",
				      sc.region_id > 0 ? json_integer(sc.region_id) : json_null(), "name",
				      sc.region_name, "country", sc.region_id == 0));
	json_object_set_new(ctx, "row_title", json_string(sc.region_id > 0 ? "Район" : "Регион"));
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "totals", matrix_row_json(&m, m.nrows));
	json_object_set_new(ctx, "show_total", json_boolean(m.ncols > 1));
	json_object_set_new(ctx, "chart", chart_json(&m, mrows));
	json_object_set_new(
		ctx, "country_url",
		sc.country && sc.region_id > 0
			? json_string(arena_printf(&r->arena, "%s%s", U_REPORTS_COVERAGE, scope_query(r, &sc, 0)))
			: json_null());
	json_object_set_new(ctx, "csv_url", json_string(arena_printf(&r->arena, "%s%s", U_REPORTS_COVERAGE_CSV, qs)));
	json_object_set_new(ctx, "xlsx_url", json_string(arena_printf(&r->arena, "%s%s", U_REPORTS_COVERAGE_XLSX, qs)));
	json_decref(mrows);
	scope_free(&sc);
	return page(r, "report-coverage", ctx);
}

/* Six columns per sector group of the export: keys "gN_..." of group N. */
static const struct {
	const char *key, *title;
	enum export_kind kind;
} group_cols[] = {
	{"orgs", "в реестре", EX_INT},    {"covered", "охвачено", EX_INT},      {"share", "%", EX_PERCENT},
	{"door", "обучено очно", EX_INT}, {"online", "обучено онлайн", EX_INT}, {"seminars", "семинаров", EX_INT},
};
#define NGROUP (sizeof(group_cols) / sizeof(group_cols[0]))

static const char *group_key(struct arena *a, size_t g, size_t k)
{
	return arena_printf(a, "g%zu_%s", g, group_cols[k].key);
}

static void export_group(struct arena *a, json_t *obj, size_t g, const struct report_cell *t)
{
	long long v[NGROUP] = {t->orgs, t->covered, 0, t->people_door, t->people_online, t->seminars};

	for (size_t k = 0; k < NGROUP; k++) {
		const char *key = group_key(a, g, k);
		/* The share as the page shows it (tenths of a percent), so the file and the page agree. */
		json_object_set_new(obj, key,
				    group_cols[k].kind == EX_PERCENT ? json_real((double)matrix_tenths(t) / 1000)
								     : json_integer(v[k]));
	}
}

/* After the groups: the row's invitations to the untrained, of every sector shown. */
static const struct export_col invited_cols[] = {
	{"invited", "Приглашено необученных", EX_INT, 12},
	{"signed_up", "Из них записались", EX_INT, 12},
};

static json_t *export_row(struct arena *a, const struct matrix *m, size_t i, const char *name, size_t ngroups)
{
	const struct report_cell *total = matrix_cell(m, i, m->ncols);
	json_t *obj = json_pack("{s:s, s:I, s:I}", "name", name, "invited", (json_int_t)total->invited, "signed_up",
				(json_int_t)total->signed_up);

	for (size_t g = 0; g < ngroups; g++)
		export_group(a, obj, g, matrix_cell(m, i, g < m->ncols ? g : m->ncols));
	return obj;
}

static int coverage_export(struct req *r, enum download_format f)
{
	struct scope sc;
	struct matrix m;
	struct export_col *cols;
	json_t *mrows, *rows, *x;
	size_t i, g, ncols, ngroups;
	int rc;

	if ((rc = scope_load(r, req_int(r, "region", -1), &sc)) != 0)
		return rc;
	if ((mrows = matrix_load(r, &sc, &m)) == NULL) {
		scope_free(&sc);
		return 500;
	}
	ngroups = m.ncols > 1 ? m.ncols + 1 : m.ncols;
	ncols = 1 + ngroups * NGROUP + NELEM(invited_cols);
	cols = arena_alloc(&r->arena, ncols * sizeof(*cols));
	cols[0] = (struct export_col){"name", sc.region_id > 0 ? "Район" : "Регион", EX_TEXT, 32};
	for (g = 0; g < ngroups; g++) {
		const char *group = g < m.ncols
					    ? json_string_value(json_object_get(json_array_get(sc.sectors, g), "name"))
					    : "Всего";
		for (size_t k = 0; k < NGROUP; k++)
			cols[1 + g * NGROUP + k] = (struct export_col){
				group_key(&r->arena, g, k),
				arena_printf(&r->arena, "%s: %s", group, group_cols[k].title), group_cols[k].kind, 12};
	}
	for (size_t k = 0; k < NELEM(invited_cols); k++)
		cols[1 + ngroups * NGROUP + k] = invited_cols[k];
	rows = json_array();
	json_array_foreach (mrows, i, x)
		json_array_append_new(
			rows, export_row(&r->arena, &m, i, json_string_value(json_object_get(x, "name")), ngroups));
	json_array_append_new(rows, export_row(&r->arena, &m, m.nrows,
					       sc.region_id > 0 ? "Итого по региону" : "Итого по стране", ngroups));
	rc = scope_export(
		r, &sc, f,
		&(struct download){
			"Охват", scope_title(r, &sc, arena_printf(&r->arena, "Охват обучением: %s", sc.region_name)),
			cols, ncols, rows, NULL, "region", sc.region_id, NULL,
			arena_printf(&r->arena, "coverage-%s-%s",
				     sc.region_id > 0 ? arena_printf(&r->arena, "%lld", sc.region_id) : "country",
				     sc.p.key),
			1, NULL},
		"coverage");
	json_decref(rows);
	json_decref(mrows);
	scope_free(&sc);
	return rc;
}

int pg_coverage_csv(struct req *r)
{
	return coverage_export(r, DL_CSV);
}

int pg_coverage_xlsx(struct req *r)
{
	return coverage_export(r, DL_XLSX);
}
