/* The checkin program: door scanner, scan API, presenter screen, online attendance codes. */
#include "../core/app.h"

static const struct route routes[] = {
	{M_GET, "/checkin/healthz", app_healthz, 0},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program checkin = {"checkin", routes, fields, 0};

int main(int argc, char **argv)
{
	return app_main(&checkin, argc, argv);
}
