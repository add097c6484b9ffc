/* The reports program: training coverage by district and sector, exports. */
#include "../core/app.h"

static const struct route routes[] = {
	{M_GET, "/reports/healthz", app_healthz, 0},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program reports = {"reports", routes, fields, 0};

int main(int argc, char **argv)
{
	return app_main(&reports, argc, argv);
}
