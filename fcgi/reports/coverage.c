/* Coverage reports: the district x sector matrix of a region (or the region x sector matrix of the
 * country), one district's organisations, their CSV and XLSX exports; every one scoped to the
 * reviewer's regions and sectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports.h"

struct period {
	char key[8];           /* "all", "2026", "2026-Q4", "2026-11" */
	char from[11], to[11]; /* the dates it spans, to excluded */
	const char *name;      /* «2026 год» (arena) */
};

/* What a report may show, after the access checks. */
struct scope {
	long long region_id;     /* 0: the whole country, whose rows are regions */
	const char *region_name; /* «Вся страна» for the country */
	long long sector_id;     /* the sector filter, 0: none */
	json_t *sectors;         /* {id, name} of the columns: the user's sectors here, or the filter's */
	const char *sector_ids;  /* their ids for SQL: "1,3" (arena) */
	const char *all_ids;     /* the ids of every sector (arena) */
	json_t *regions;         /* {id, name} of the regions the user may choose */
	int country;             /* the user may see the whole country */
	struct period p;
};

/* Where a district or region is in the matrix. */
struct slot {
	long long id;
	size_t i;
};

/* The matrix: (nrows + 1) x (ncols + 1) cells; the last row and column are the totals. */
struct matrix {
	json_t *rows; /* {id, name} of the districts or regions */
	size_t nrows, ncols;
	struct slot *slots; /* of the rows, sorted by id */
	long long *sector;  /* the sector of each column */
	struct report_cell *t;
};

#define CELL(m, i, j) (&(m)->t[(i) * ((m)->ncols + 1) + (j)])

static const char *const month_names[] = {"январь", "февраль", "март",     "апрель",  "май",    "июнь",
					  "июль",   "август",  "сентябрь", "октябрь", "ноябрь", "декабрь"};
static const char *const quarter_names[] = {"I", "II", "III", "IV"};

static int current_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The months [month, month + n) of year y as dates. */
static void period_span(struct period *p, int y, int month, int n)
{
	int end = month + n;

	snprintf(p->from, sizeof(p->from), "%04d-%02d-01", y, month);
	snprintf(p->to, sizeof(p->to), "%04d-%02d-01", end > 12 ? y + 1 : y, end > 12 ? end - 12 : end);
}

/* Returns 1 with p filled from a period key, 0 when s is not one. */
static int period_parse(struct arena *a, const char *s, struct period *p)
{
	size_t len = strlen(s);
	int y, n;

	memset(p, 0, sizeof(*p));
	if (strcmp(s, "all") == 0) {
		snprintf(p->from, sizeof(p->from), "1000-01-01");
		snprintf(p->to, sizeof(p->to), "9999-12-31");
		p->name = "за всё время";
	} else if (len >= 4 && digits(s, 4) && (y = atoi(s)) >= 1900 && y < 9999) {
		if (len == 4) {
			period_span(p, y, 1, 12);
			p->name = arena_printf(a, "%d год", y);
		} else if (len == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
			n = s[6] - '0';
			period_span(p, y, 3 * n - 2, 3);
			p->name = arena_printf(a, "%s квартал %d", quarter_names[n - 1], y);
		} else if (len == 7 && s[4] == '-' && digits(s + 5, 2) && (n = atoi(s + 5)) >= 1 && n <= 12) {
			period_span(p, y, n, 1);
			p->name = arena_printf(a, "%s %d", month_names[n - 1], y);
		} else
			return 0;
	} else
		return 0;
	snprintf(p->key, sizeof(p->key), "%s", s);
	return 1;
}

static int year_cmp(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

/* The periods a user may choose besides all time: for each year from the first to the last that
 * has data (and the current and the chosen one) the year, its quarters and its months, latest
 * first. NULL on failure. */
static json_t *period_options(struct req *r, const struct period *chosen)
{
	int years[64], first, last, rc = db_report_years(r->app->db, &r->arena, &first, &last), y;
	size_t i, n = 0, k;
	json_t *out;

	if (rc == -1)
		return NULL;
	years[n++] = current_year();
	if (strcmp(chosen->key, "all") != 0)
		years[n++] = atoi(chosen->key);
	for (y = last; rc == 1 && y >= first && n < sizeof(years) / sizeof(years[0]); y--)
		years[n++] = y;
	qsort(years, n, sizeof(years[0]), year_cmp);
	out = json_array();
	for (i = 0; i < n; i++) {
		json_t *items;
		struct period p;
		if (i > 0 && years[i] == years[i - 1])
			continue;
		/* The year, its quarters, its months: k = 0, 1..4, 5..16. */
		items = json_array();
		for (k = 0; k <= 16; k++) {
			const char *key = k == 0   ? arena_printf(&r->arena, "%d", years[i])
					  : k <= 4 ? arena_printf(&r->arena, "%d-Q%zu", years[i], k)
						   : arena_printf(&r->arena, "%d-%02zu", years[i], k - 4);
			if (period_parse(&r->arena, key, &p))
				json_array_append_new(items, json_pack("{s:s, s:s}", "value", key, "name", p.name));
		}
		json_array_append_new(
			out, json_pack("{s:s, s:o}", "year", arena_printf(&r->arena, "%d", years[i]), "items", items));
	}
	return out;
}

/* ---- who sees what */

/* Reviewers (of any region and sector) and administrators; organisers who need the reports get
 * a reviewer grant. */
static int reviewer_only(struct req *r)
{
	if (!auth_has(r, ROLE_REVIEWER, -1, -1))
		return fail(r, 403,
			    "Отчёты об охвате обучением доступны сотрудникам министерств (проверяющим) и "
			    "администраторам.");
	return 0;
}

/* Whether the user may see some sector of region_id (0: of every region). */
static int may_see(const struct req *r, long long region_id, json_t *sectors)
{
	json_t *s;
	size_t i;

	json_array_foreach (sectors, i, s)
		if (auth_has(r, ROLE_REVIEWER, region_id, json_integer_value(json_object_get(s, "id"))))
			return 1;
	return 0;
}

static void scope_free(struct scope *sc)
{
	json_decref(sc->sectors);
	json_decref(sc->regions);
	sc->sectors = sc->regions = NULL;
}

/* Fills sc for the report of region_id (0: the country; -1: the user's default, the country when
 * they may see it, else their first region) with the request's sector filter and period. Every
 * grant of the user adds its region and sectors. Returns 0, or the status to return (sc then
 * holds nothing). */
static int scope_load(struct req *r, long long region_id, struct scope *sc)
{
	const char *period = req_param(r, "period");
	json_t *sectors = NULL, *regions = NULL, *x;
	struct buf ids = {0}, all = {0};
	long long want = req_int(r, "sector", 0);
	int rc = 0, known = 0;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	if (period == NULL)
		period = arena_printf(&r->arena, "%d", current_year());
	if (!period_parse(&r->arena, period, &sc->p))
		return fail_field(r, "period", "ожидается all, год (2026), квартал (2026-Q4) или месяц (2026-11)");
	if ((sectors = db_sectors(r->app->db, &r->arena)) == NULL ||
	    (regions = db_regions(r->app->db, &r->arena)) == NULL) {
		rc = 500;
		goto out;
	}
	sc->country = may_see(r, 0, sectors);
	sc->regions = json_array();
	sc->sectors = json_array();
	if (region_id == -1 && sc->country)
		region_id = 0;
	json_array_foreach (regions, i, x) {
		long long id = json_integer_value(json_object_get(x, "id"));
		if (!may_see(r, id, sectors))
			continue;
		json_array_append(sc->regions, x);
		if (region_id == -1)
			region_id = id;
	}
	sc->region_id = region_id < 0 ? 0 : region_id;
	sc->region_name = sc->region_id > 0 ? NULL : "Вся страна";
	json_array_foreach (regions, i, x)
		if (json_integer_value(json_object_get(x, "id")) == sc->region_id)
			sc->region_name = arena_strdup(&r->arena, json_string_value(json_object_get(x, "name")));
	if (sc->region_name == NULL) {
		rc = fail(r, 404, "Такого региона нет.");
		goto out;
	}
	json_array_foreach (sectors, i, x) {
		long long id = json_integer_value(json_object_get(x, "id"));
		known |= id == want;
		buf_addf(&all, "%s%lld", all.len ? "," : "", id);
		if (!auth_has(r, ROLE_REVIEWER, sc->region_id, id) || (want > 0 && id != want))
			continue;
		json_array_append(sc->sectors, x);
		buf_addf(&ids, "%s%lld", ids.len ? "," : "", id);
	}
	sc->sector_id = want;
	if (want > 0 && !known)
		rc = fail(r, 404, "Такого направления нет.");
	else if (json_array_size(sc->sectors) == 0 && want > 0 && may_see(r, sc->region_id, sectors))
		rc = fail(r, 403,
			  "Нет доступа к отчётам по этому направлению: ваши права распространяются на другие "
			  "направления.");
	else if (json_array_size(sc->sectors) == 0)
		rc = fail(r, 403,
			  sc->region_id > 0
				  ? "Нет доступа к отчётам по этому региону: ваши права проверяющего "
				    "распространяются на другой регион."
				  : "Отчёт по всей стране доступен администраторам и проверяющим всех регионов.");
	sc->sector_ids = arena_strdup(&r->arena, ids.p ? ids.p : "");
	sc->all_ids = arena_strdup(&r->arena, all.p ? all.p : "");
out:
	buf_free(&ids);
	buf_free(&all);
	json_decref(sectors);
	json_decref(regions);
	if (rc != 0)
		scope_free(sc);
	return rc;
}

/* The query string of a report's filters; with the region when region_id > 0. */
static const char *scope_query(struct req *r, const struct scope *sc, long long region_id)
{
	return arena_printf(&r->arena, "?%speriod=%s%s",
			    region_id > 0 ? arena_printf(&r->arena, "region=%lld&", region_id) : "", sc->p.key,
			    sc->sector_id > 0 ? arena_printf(&r->arena, "&sector=%lld", sc->sector_id) : "");
}

/* «Липецкая область, 2026 год, направления: Образование, Культура» for titles of exports. */
static const char *scope_title(struct req *r, const struct scope *sc, const char *place)
{
	struct buf b = {0};
	const char *out;
	json_t *x;
	size_t i;

	buf_addf(&b, "%s, %s, направления: ", place, sc->p.name);
	json_array_foreach (sc->sectors, i, x)
		buf_addf(&b, "%s%s", i ? ", " : "", json_string_value(json_object_get(x, "name")));
	out = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	return out;
}

/* Common parts of a page's context: filters and their choices. */
static json_t *scope_json(struct req *r, const struct scope *sc)
{
	json_t *periods = period_options(r, &sc->p);

	if (periods == NULL)
		return NULL;
	return json_pack("{s:{s:o, s:o, s:s}, s:s, s:O, s:O, s:b, s:o}", "filter", "region",
			 sc->region_id > 0 ? json_integer(sc->region_id) : json_null(), "sector",
			 sc->sector_id > 0 ? json_integer(sc->sector_id) : json_null(), "period", sc->p.key,
			 "period_name", sc->p.name, "sectors", sc->sectors, "regions", sc->regions, "country",
			 sc->country, "periods", periods);
}

/* ---- the matrix */

static long long tenths_of(const struct report_cell *t)
{
	/* Coverage in tenths of a percent, rounded half up; 0 when the register is empty. */
	return t->orgs > 0 ? (t->covered * 2000 + t->orgs) / (2 * t->orgs) : 0;
}

/* "87,5%": a percentage in tenths as the Russian reader writes it, at the end of buf (written by
 * hand: the country's page has some 800 of them). */
#define PCT_MAX 32
static const char *pct_text(char buf[PCT_MAX], long long tenths)
{
	char *c = buf + PCT_MAX;
	long long whole = tenths / 10;

	*--c = '\0';
	*--c = '%';
	*--c = (char)('0' + tenths % 10);
	*--c = ',';
	do
		*--c = (char)('0' + whole % 10);
	while ((whole /= 10) > 0);
	return c;
}

/* The measures of a cell as JSON, built key by key: json_pack's parsing was a quarter of the
 * country's page. */
static json_t *tally_json(const struct report_cell *t)
{
	long long p = tenths_of(t);
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
	return o;
}

static int slot_cmp(const void *a, const void *b)
{
	long long x = ((const struct slot *)a)->id, y = ((const struct slot *)b)->id;

	return (x > y) - (x < y);
}

/* Slots of the "id"s of list, sorted for slot_find. */
static struct slot *slots_of(struct arena *a, json_t *list)
{
	struct slot *s = arena_alloc(a, (json_array_size(list) + 1) * sizeof(*s));
	json_t *x;
	size_t i;

	json_array_foreach (list, i, x)
		s[i] = (struct slot){json_integer_value(json_object_get(x, "id")), i};
	qsort(s, json_array_size(list), sizeof(*s), slot_cmp);
	return s;
}

/* The row of district or region id, or -1 when it is not in the matrix. */
static long row_of(const struct matrix *m, long long id)
{
	struct slot key = {id, 0};
	const struct slot *f = bsearch(&key, m->slots, m->nrows, sizeof(key), slot_cmp);

	return f != NULL ? (long)f->i : -1;
}

/* The column of a sector, or -1 when it is not shown. */
static long col_of(const struct matrix *m, long long sector_id)
{
	for (size_t j = 0; j < m->ncols; j++)
		if (m->sector[j] == sector_id)
			return (long)j;
	return -1;
}

/* Adds a cell of the register or of coverage to the matrix and its totals. */
static void matrix_add(struct matrix *m, const struct report_cell *c)
{
	long i = row_of(m, c->key), j = col_of(m, c->sector_id);
	size_t at[4][2];

	if (i < 0 || j < 0)
		return;
	at[0][0] = at[1][0] = (size_t)i;
	at[2][0] = at[3][0] = m->nrows;
	at[0][1] = at[2][1] = (size_t)j;
	at[1][1] = at[3][1] = m->ncols;
	for (size_t k = 0; k < 4; k++) {
		struct report_cell *t = CELL(m, at[k][0], at[k][1]);
		t->orgs += c->orgs;
		t->covered += c->covered;
		t->people += c->people;
		t->people_door += c->people_door;
		t->people_online += c->people_online;
	}
}

/* Adds seminars of a row with the same sectors: to each shown sector's cell and column total,
 * and once to the row's total and the grand total when any of their sectors is shown. */
static void matrix_seminars(struct matrix *m, const struct report_seminars *x)
{
	long i = row_of(m, x->key);
	int shown = 0;

	if (i < 0)
		return;
	for (size_t j = 0; j < m->ncols; j++)
		if (m->sector[j] < 64 && (x->sectors >> m->sector[j] & 1)) {
			CELL(m, i, j)->seminars += x->n;
			CELL(m, m->nrows, j)->seminars += x->n;
			shown = 1;
		}
	if (shown) {
		CELL(m, i, m->ncols)->seminars += x->n;
		CELL(m, m->nrows, m->ncols)->seminars += x->n;
	}
}

/* What a matrix is made of. */
struct sources {
	long nreg, ncov, nsem;
	struct report_cell *reg, *cov;
	struct report_seminars *sem;
};

static int sources_read(struct req *r, long long region_id, const char *sectors, const struct period *p,
			struct sources *s)
{
	struct db *d = r->app->db;

	if ((s->nreg = db_report_register(d, &r->arena, region_id, sectors, &s->reg)) < 0 ||
	    (s->ncov = db_report_coverage(d, &r->arena, region_id, sectors, p->key, &s->cov)) < 0 ||
	    (s->nsem = db_report_seminars(d, &r->arena, region_id, p->from, p->to, &s->sem)) < 0)
		return -1;
	return 0;
}

/* The whole country's sources are every district's cells of the register and of coverage and
 * every seminar of the period: about 100 ms of the database on the national data set, while a
 * region's take a millisecond. So each worker keeps the country's, of every sector, for
 * COUNTRY_TTL seconds per period: the country's report may be that much older than its regions'
 * reports, which are always read afresh. A new district starts afresh. */
#define COUNTRY_TTL 60

static void *take(struct arena *a, const char **p, size_t n)
{
	void *x = arena_alloc(a, n + 1);

	memcpy(x, *p, n);
	*p += n;
	return x;
}

static int sources_load(struct req *r, const struct scope *sc, struct sources *s)
{
	const char *key, *version, *ctype, *p;
	const struct buf *hit;
	struct buf b = {0};
	long long last;

	if (sc->region_id > 0)
		return sources_read(r, sc->region_id, sc->sector_ids, &sc->p, s);
	if ((last = db_report_last_district(r->app->db, &r->arena)) < 0)
		return -1;
	key = arena_printf(&r->arena, "coverage:country:%s", sc->p.key);
	version = arena_printf(&r->arena, "%lld:%s", last, sc->all_ids);
	if ((hit = cache_get(key, version, COUNTRY_TTL, &ctype)) != NULL) {
		memcpy(s, hit->p, sizeof(*s));
		p = hit->p + sizeof(*s);
		s->reg = take(&r->arena, &p, (size_t)s->nreg * sizeof(*s->reg));
		s->cov = take(&r->arena, &p, (size_t)s->ncov * sizeof(*s->cov));
		s->sem = take(&r->arena, &p, (size_t)s->nsem * sizeof(*s->sem));
		return 0;
	}
	if (sources_read(r, 0, sc->all_ids, &sc->p, s) == -1)
		return -1;
	buf_add(&b, s, sizeof(*s));
	buf_add(&b, s->reg, (size_t)s->nreg * sizeof(*s->reg));
	buf_add(&b, s->cov, (size_t)s->ncov * sizeof(*s->cov));
	buf_add(&b, s->sem, (size_t)s->nsem * sizeof(*s->sem));
	cache_put(key, version, "application/octet-stream", &b);
	buf_free(&b);
	return 0;
}

/* Reads the matrix of sc. Returns 0, or 500 (m then holds nothing). */
static int matrix_load(struct req *r, const struct scope *sc, struct matrix *m)
{
	struct sources s;
	json_t *x;
	size_t j;
	long k;

	memset(m, 0, sizeof(*m));
	m->rows = sc->region_id > 0 ? db_districts(r->app->db, &r->arena, sc->region_id)
				    : db_regions(r->app->db, &r->arena);
	if (m->rows == NULL || sources_load(r, sc, &s) == -1) {
		json_decref(m->rows);
		m->rows = NULL;
		return 500;
	}
	m->nrows = json_array_size(m->rows);
	m->ncols = json_array_size(sc->sectors);
	m->slots = slots_of(&r->arena, m->rows);
	m->sector = arena_alloc(&r->arena, (m->ncols + 1) * sizeof(*m->sector));
	json_array_foreach (sc->sectors, j, x)
		m->sector[j] = json_integer_value(json_object_get(x, "id"));
	m->t = arena_alloc(&r->arena, (m->nrows + 1) * (m->ncols + 1) * sizeof(*m->t));
	for (k = 0; k < s.nreg; k++)
		matrix_add(m, &s.reg[k]);
	for (k = 0; k < s.ncov; k++)
		matrix_add(m, &s.cov[k]);
	for (k = 0; k < s.nsem; k++)
		matrix_seminars(m, &s.sem[k]);
	return 0;
}

/* The cells of row i (nrows: the totals row) and its total. */
static json_t *matrix_row_json(const struct matrix *m, size_t i)
{
	json_t *cells = json_array();

	for (size_t j = 0; j < m->ncols; j++)
		json_array_append_new(cells, tally_json(CELL(m, i, j)));
	return json_pack("{s:o, s:o}", "cells", cells, "total", tally_json(CELL(m, i, m->ncols)));
}

/* The bar chart of coverage by row: SVG lengths in CSS pixels, bar widths in percent of the
 * chart's width, so the labels keep their size on a phone. */
#define BAR_STEP 40
static json_t *chart_json(struct req *r, const struct matrix *m)
{
	json_t *bars = json_array(), *x;
	size_t i;

	json_array_foreach (m->rows, i, x) {
		long long p = tenths_of(CELL(m, i, m->ncols));
		char text[PCT_MAX];
		long long w = p > 1000 ? 1000 : p;
		json_array_append_new(bars, json_pack("{s:O, s:s, s:I, s:I, s:s}", "name", json_object_get(x, "name"),
						      "pct_text", pct_text(text, p), "label_y",
						      (json_int_t)(i * BAR_STEP + 16), "bar_y",
						      (json_int_t)(i * BAR_STEP + 22), "width",
						      arena_printf(&r->arena, "%lld.%lld%%", w / 10, w % 10)));
	}
	return json_pack("{s:I, s:o}", "height", (json_int_t)(m->nrows * BAR_STEP), "bars", bars);
}

int pg_coverage(struct req *r)
{
	struct scope sc;
	struct matrix m;
	json_t *ctx, *rows, *x;
	const char *qs;
	size_t i;
	int rc;

	if ((rc = reviewer_only(r)) != 0 || (rc = scope_load(r, req_int(r, "region", -1), &sc)) != 0)
		return rc;
	if ((rc = matrix_load(r, &sc, &m)) != 0 || (ctx = scope_json(r, &sc)) == NULL) {
		json_decref(m.rows);
		scope_free(&sc);
		return 500;
	}
	rows = json_array();
	json_array_foreach (m.rows, i, x) {
		long long id = json_integer_value(json_object_get(x, "id"));
		json_t *row = matrix_row_json(&m, i);
		json_object_set_new(row, "id", json_integer(id));
		json_object_set(row, "name", json_object_get(x, "name"));
		json_object_set_new(
			row, "url",
			json_string(sc.region_id > 0
					    ? arena_printf(&r->arena, "/reports/coverage/districts/%lld%s", id,
							   scope_query(r, &sc, 0))
					    : arena_printf(&r->arena, "/reports/coverage%s", scope_query(r, &sc, id))));
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
	json_object_set_new(ctx, "chart", chart_json(r, &m));
	json_object_set_new(ctx, "country_url",
			    sc.country && sc.region_id > 0 ? json_string(arena_printf(&r->arena, "/reports/coverage%s",
										      scope_query(r, &sc, 0)))
							   : json_null());
	json_object_set_new(ctx, "csv_url", json_string(arena_printf(&r->arena, "/reports/coverage.csv%s", qs)));
	json_object_set_new(ctx, "xlsx_url", json_string(arena_printf(&r->arena, "/reports/coverage.xlsx%s", qs)));
	json_decref(m.rows);
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
				    group_cols[k].kind == EX_PERCENT ? json_real((double)tenths_of(t) / 1000)
								     : json_integer(v[k]));
	}
}

static json_t *export_row(struct arena *a, const struct matrix *m, size_t i, const char *name, size_t ngroups)
{
	json_t *obj = json_pack("{s:s}", "name", name);

	for (size_t g = 0; g < ngroups; g++)
		export_group(a, obj, g, CELL(m, i, g < m->ncols ? g : m->ncols));
	return obj;
}

static int coverage_export(struct req *r, int xlsx)
{
	struct scope sc;
	struct matrix m;
	struct export_col *cols;
	json_t *rows, *x;
	size_t i, g, ncols, ngroups;
	const char *title;
	int rc;

	if ((rc = reviewer_only(r)) != 0 || (rc = scope_load(r, req_int(r, "region", -1), &sc)) != 0)
		return rc;
	if ((rc = matrix_load(r, &sc, &m)) != 0) {
		scope_free(&sc);
		return rc;
	}
	ngroups = m.ncols > 1 ? m.ncols + 1 : m.ncols;
	ncols = 1 + ngroups * NGROUP;
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
	rows = json_array();
	json_array_foreach (m.rows, i, x)
		json_array_append_new(
			rows, export_row(&r->arena, &m, i, json_string_value(json_object_get(x, "name")), ngroups));
	json_array_append_new(rows, export_row(&r->arena, &m, m.nrows,
					       sc.region_id > 0 ? "Итого по региону" : "Итого по стране", ngroups));
	title = scope_title(r, &sc, arena_printf(&r->arena, "Охват обучением: %s", sc.region_name));
	rc = xlsx ? export_xlsx(&r->body, "Охват", title, cols, ncols, rows) : export_csv(&r->body, cols, ncols, rows);
	json_decref(rows);
	json_decref(m.rows);
	if (rc == -1) {
		scope_free(&sc);
		return 500;
	}
	audit(r, "report.export", "region", sc.region_id,
	      arena_printf(&r->arena, "coverage.%s period=%s sectors=%s", xlsx ? "xlsx" : "csv", sc.p.key,
			   sc.sector_ids));
	scope_free(&sc);
	return resp_file(r, "attachment",
			 arena_printf(&r->arena, "coverage-%s-%s.%s",
				      sc.region_id > 0 ? arena_printf(&r->arena, "%lld", sc.region_id) : "country",
				      sc.p.key, xlsx ? "xlsx" : "csv"));
}

int pg_coverage_csv(struct req *r)
{
	return coverage_export(r, 0);
}

int pg_coverage_xlsx(struct req *r)
{
	return coverage_export(r, 1);
}

/* ---- one district */

struct district {
	long long id, region_id;
	const char *name, *region;
};

/* Loads the district of the path and the scope of its region. Returns 0, or the status to return. */
static int district_load(struct req *r, struct district *dd, struct scope *sc)
{
	int rc;

	if ((rc = reviewer_only(r)) != 0)
		return rc;
	dd->id = req_arg_id(r, 0);
	rc = dd->id > 0 ? db_report_district(r->app->db, &r->arena, dd->id, &dd->region_id, &dd->name, &dd->region) : 0;
	if (rc == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого района нет.");
	return scope_load(r, dd->region_id, sc);
}

/* The district's organisations with the words and dates people read. */
static json_t *district_orgs(struct req *r, const struct district *dd, const struct scope *sc)
{
	json_t *rows = db_report_district_orgs(r->app->db, &r->arena, dd->id, sc->sector_ids, sc->p.key, sc->p.from,
					       sc->p.to),
	       *x;
	size_t i;

	json_array_foreach (rows, i, x) {
		int covered = json_integer_value(json_object_get(x, "covered")) != 0;
		const char *last = json_string_value(json_object_get(x, "last_on"));
		json_object_set_new(x, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(x, "covered", json_boolean(covered));
		json_object_set_new(x, "covered_text", json_string(covered ? "да" : "нет"));
		json_object_set_new(x, "last_text", json_string(last ? date_ru(&r->arena, last, 0) : "не обучались"));
	}
	return rows;
}

int pg_district(struct req *r)
{
	struct district dd;
	struct scope sc;
	json_t *ctx, *orgs, *x;
	long long covered = 0;
	size_t i;
	int rc;

	if ((rc = district_load(r, &dd, &sc)) != 0)
		return rc;
	if ((orgs = district_orgs(r, &dd, &sc)) == NULL || (ctx = scope_json(r, &sc)) == NULL) {
		json_decref(orgs);
		scope_free(&sc);
		return 500;
	}
	json_array_foreach (orgs, i, x)
		covered += json_is_true(json_object_get(x, "covered"));
	json_object_set_new(ctx, "title", json_string(arena_printf(&r->arena, "Охват обучением: %s", dd.name)));
	json_object_set_new(ctx, "district",
			    json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)dd.id, "name", dd.name, "region_id",
				      (json_int_t)dd.region_id, "region", dd.region));
	json_object_set_new(ctx, "counts",
			    json_pack("{s:I, s:I, s:I}", "total", (json_int_t)json_array_size(orgs), "covered",
				      (json_int_t)covered, "not_covered", (json_int_t)json_array_size(orgs) - covered));
	json_object_set_new(ctx, "organizations", orgs);
	json_object_set_new(
		ctx, "back_url",
		json_string(arena_printf(&r->arena, "/reports/coverage%s", scope_query(r, &sc, dd.region_id))));
	json_object_set_new(ctx, "csv_url",
			    json_string(arena_printf(&r->arena, "/reports/coverage/districts/%lld.csv%s", dd.id,
						     scope_query(r, &sc, 0))));
	json_object_set_new(ctx, "xlsx_url",
			    json_string(arena_printf(&r->arena, "/reports/coverage/districts/%lld.xlsx%s", dd.id,
						     scope_query(r, &sc, 0))));
	scope_free(&sc);
	return page(r, "report-district", ctx);
}

static const struct export_col district_cols[] = {
	{"n", "№", EX_INT, 6},
	{"short_name", "Организация", EX_TEXT, 40},
	{"inn", "ИНН", EX_TEXT, 14},
	{"sector", "Направление", EX_TEXT, 26},
	{"covered_text", "Охвачена", EX_TEXT, 10},
	{"last_on", "Последнее обучение", EX_DATE, 14},
	{"people", "Обучено человек", EX_INT, 12},
};

static int district_export(struct req *r, int xlsx)
{
	size_t ncols = sizeof(district_cols) / sizeof(district_cols[0]);
	struct district dd;
	struct scope sc;
	json_t *orgs;
	int rc;

	if ((rc = district_load(r, &dd, &sc)) != 0)
		return rc;
	if ((orgs = district_orgs(r, &dd, &sc)) == NULL) {
		scope_free(&sc);
		return 500;
	}
	rc = xlsx ? export_xlsx(&r->body, "Организации",
				scope_title(r, &sc,
					    arena_printf(&r->arena, "Охват обучением: %s (%s)", dd.name, dd.region)),
				district_cols, ncols, orgs)
		  : export_csv(&r->body, district_cols, ncols, orgs);
	json_decref(orgs);
	if (rc == -1) {
		scope_free(&sc);
		return 500;
	}
	audit(r, "report.export", "district", dd.id,
	      arena_printf(&r->arena, "district.%s period=%s sectors=%s", xlsx ? "xlsx" : "csv", sc.p.key,
			   sc.sector_ids));
	scope_free(&sc);
	return resp_file(
		r, "attachment",
		arena_printf(&r->arena, "coverage-district-%lld-%s.%s", dd.id, sc.p.key, xlsx ? "xlsx" : "csv"));
}

int pg_district_csv(struct req *r)
{
	return district_export(r, 0);
}

int pg_district_xlsx(struct req *r)
{
	return district_export(r, 1);
}
