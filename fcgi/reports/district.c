/* One district's organisations in the coverage report, covered or not, and their CSV and XLSX exports. */
#include "reports.h"
#include "scope.h"

struct district {
	long long id, region_id;
	const char *name, *region;
};

/* Loads the district of the path and the scope of its region. Returns 0, or the status to return. */
static int district_load(struct req *r, struct district *dd, struct scope *sc)
{
	int rc;

	dd->id = req_arg_id(r, 0);
	rc = dd->id > 0 ? db_report_district(app_db_read(r), &r->arena, dd->id, &dd->region_id, &dd->name, &dd->region)
			: 0;
	if (rc == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого района нет.");
	if ((rc = scope_load(r, dd->region_id, sc)) != 0)
		return rc;
	if (!scope_district(r, sc, dd->id)) {
		scope_free(sc);
		return fail(r, 403,
			    "Нет доступа к отчёту по этому району: ваши права распространяются на другие районы.");
	}
	return 0;
}

/* The district's organisations with the words and dates people read. */
static json_t *district_orgs(struct req *r, const struct district *dd, const struct scope *sc)
{
	json_t *rows = db_report_district_orgs(app_db_read(r), &r->arena, dd->id, sc->sector_ids, sc->p.key, sc->p.from,
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
		json_string(arena_printf(&r->arena, "%s%s", U_REPORTS_COVERAGE, scope_query(r, &sc, dd.region_id))));
	json_object_set_new(
		ctx, "csv_url",
		json_string(arena_printf(&r->arena, "%s%s", url(&r->arena, U_REPORTS_COVERAGE_DISTRICTS_ID_CSV, dd.id),
					 scope_query(r, &sc, 0))));
	json_object_set_new(
		ctx, "xlsx_url",
		json_string(arena_printf(&r->arena, "%s%s", url(&r->arena, U_REPORTS_COVERAGE_DISTRICTS_ID_XLSX, dd.id),
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

static int district_export(struct req *r, enum download_format f)
{
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
	rc = scope_export(
		r, &sc, f,
		&(struct download){
			"Организации",
			scope_title(r, &sc, arena_printf(&r->arena, "Охват обучением: %s (%s)", dd.name, dd.region)),
			district_cols, NELEM(district_cols), orgs, NULL, "district", dd.id, NULL,
			arena_printf(&r->arena, "coverage-district-%lld-%s", dd.id, sc.p.key), 1, NULL},
		"district");
	json_decref(orgs);
	scope_free(&sc);
	return rc;
}

int pg_district_csv(struct req *r)
{
	return district_export(r, DL_CSV);
}

int pg_district_xlsx(struct req *r)
{
	return district_export(r, DL_XLSX);
}
