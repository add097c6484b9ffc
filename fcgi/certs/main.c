/* The certs program: certificate templates, issuing, downloads, public verification. */
#include "../core/app.h"

static const struct route routes[] = {
	{M_GET, "/certificates/healthz", app_healthz, 0},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program certs = {"certs", routes, fields, 0};

int main(int argc, char **argv)
{
	return app_main(&certs, argc, argv);
}
