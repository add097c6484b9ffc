/* What a reviewer or organiser may see in the coverage reports: their regions, districts and sectors as the filters. */
#include "scope.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reviewers see the reports of their grants' scope; organisers (the ЦУР) those of theirs too. */
static int sees(const struct req *r, long long region_id, long long district_id, long long sector_id)
{
	char one[24];

	snprintf(one, sizeof(one), "%lld", sector_id);
	return auth_covers(r, ROLE_REVIEWER, region_id, district_id, one) ||
	       auth_covers(r, ROLE_ORGANIZER, region_id, district_id, one);
}

/* Whether the user may see some sector of region_id (0: of every region) in some district
 * (district_id -1) or in district_id. */
static int may_see(const struct req *r, long long region_id, long long district_id, json_t *sectors)
{
	json_t *s;
	size_t i;

	json_array_foreach (sectors, i, s)
		if (sees(r, region_id, district_id, json_integer_value(json_object_get(s, "id"))))
			return 1;
	return 0;
}

int scope_district(const struct req *r, const struct scope *sc, long long district_id)
{
	return may_see(r, sc->region_id, district_id, sc->sectors);
}

void scope_free(struct scope *sc)
{
	json_decref(sc->sectors);
	json_decref(sc->regions);
	sc->sectors = sc->regions = NULL;
}

int scope_load(struct req *r, long long region_id, struct scope *sc)
{
	const char *period = req_param(r, "period");
	json_t *sectors = NULL, *regions = NULL, *x;
	struct buf ids = {0}, all = {0};
	long long want = req_int(r, "sector", 0);
	int rc = 0, known = 0;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	if (period == NULL)
		period = period_default(&r->arena, time(NULL));
	if (!period_parse(&r->arena, period, &sc->p))
		return fail_field(r, "period", "ожидается all, год (2026), квартал (2026-Q4) или месяц (2026-11)");
	if ((sectors = db_sectors(app_db_read(r), &r->arena)) == NULL ||
	    (regions = db_regions(app_db_read(r), &r->arena)) == NULL) {
		rc = 500;
		goto out;
	}
	sc->country = may_see(r, 0, -1, sectors);
	sc->regions = json_array();
	sc->sectors = json_array();
	if (region_id == -1 && sc->country)
		region_id = 0;
	json_array_foreach (regions, i, x) {
		long long id = json_integer_value(json_object_get(x, "id"));
		if (!may_see(r, id, -1, sectors))
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
		if (!sees(r, sc->region_id, -1, id) || (want > 0 && id != want))
			continue;
		json_array_append(sc->sectors, x);
		buf_addf(&ids, "%s%lld", ids.len ? "," : "", id);
	}
	sc->sector_id = want;
	if (want > 0 && !known)
		rc = fail(r, 404, "Такого направления нет.");
	else if (json_array_size(sc->sectors) == 0 && want > 0 && may_see(r, sc->region_id, -1, sectors))
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

const char *scope_query(struct req *r, const struct scope *sc, long long region_id)
{
	return arena_printf(&r->arena, "?%speriod=%s%s",
			    region_id > 0 ? arena_printf(&r->arena, "region=%lld&", region_id) : "", sc->p.key,
			    sc->sector_id > 0 ? arena_printf(&r->arena, "&sector=%lld", sc->sector_id) : "");
}

const char *scope_title(struct req *r, const struct scope *sc, const char *place)
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

/* When the report reads a replica: the time its data are from and the lag ({asof, lag_s}); null from the primary. */
static json_t *replica_json(struct req *r)
{
	struct db *d = app_db_read(r);
	const char *asof;
	long long lag;

	if (d == r->app->db || db_report_asof(d, &r->arena, &asof, &lag) != 1)
		return json_null();
	return json_pack("{s:s, s:I}", "asof", asof, "lag_s", (json_int_t)lag);
}

json_t *scope_json(struct req *r, const struct scope *sc)
{
	int first = 1, last = 0, rc = db_report_years(app_db_read(r), &r->arena, &first, &last);
	json_t *periods;

	if (rc == -1)
		return NULL;
	periods = period_choices(&r->arena, time(NULL), &sc->p, first, last);
	return json_pack("{s:{s:o, s:o, s:s}, s:s, s:O, s:O, s:b, s:o, s:o}", "filter", "region",
			 sc->region_id > 0 ? json_integer(sc->region_id) : json_null(), "sector",
			 sc->sector_id > 0 ? json_integer(sc->sector_id) : json_null(), "period", sc->p.key,
			 "period_name", sc->p.name, "sectors", sc->sectors, "regions", sc->regions, "country",
			 sc->country, "periods", periods, "replica", replica_json(r));
}

int scope_export(struct req *r, const struct scope *sc, enum download_format f, struct download *d, const char *what)
{
	d->action = "report.export";
	d->figures = 1;
	d->note = arena_printf(&r->arena, "%s period=%s sectors=%s", what, sc->p.key, sc->sector_ids);
	return download_send(r, f, d);
}
