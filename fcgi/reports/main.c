/* The reports program: training coverage by district and sector, one district's organisations, exports. */
#include "reports.h"

static const struct route routes[] = {
	{M_GET, U_REPORTS_HEALTHZ, app_healthz, 0},
	{M_GET, U_REPORTS_COVERAGE, pg_coverage, R_REVIEWER},
	{M_GET, U_REPORTS_COVERAGE_CSV, pg_coverage_csv, R_REVIEWER},
	{M_GET, U_REPORTS_COVERAGE_XLSX, pg_coverage_xlsx, R_REVIEWER},
	{M_GET, U_REPORTS_COVERAGE_DISTRICTS_ID_CSV, pg_district_csv, R_REVIEWER},
	{M_GET, U_REPORTS_COVERAGE_DISTRICTS_ID_XLSX, pg_district_xlsx, R_REVIEWER},
	{M_GET, U_REPORTS_COVERAGE_DISTRICTS_ID, pg_district, R_REVIEWER},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{"region", "Регион", FT_ID, 0, 0, NULL},
	{"sector", "Направление", FT_ID, 0, 0, NULL},
	/* "all", "2026", "2026-Q4" or "2026-11": the handler checks the shape. */
	{"period", "Период", FT_TOKEN, 3, 7, NULL},
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

/* Reports yield to the catalogue and the door under load: all of them are bulk. */
static const struct program reports = {.name = "reports", .routes = routes, .fields = fields, .bulk = 1};

int main(int argc, char **argv)
{
	return app_main(&reports, argc, argv);
}
