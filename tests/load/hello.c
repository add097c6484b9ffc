/* Bench baseline H0: the core's request path without a database, answering a small text/plain body. */
#include "app.h"

static int hello(struct req *r)
{
	r->ctype = "text/plain; charset=utf-8";
	buf_adds(&r->body, "Hello, world!\n");
	return 200;
}

static const struct route routes[] = {
	{M_GET, "/bench/hello", hello, 0},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program prog = {.name = "hello", .routes = routes, .fields = fields, .nodb = 1};

int main(int argc, char **argv)
{
	return app_main(&prog, argc, argv);
}
