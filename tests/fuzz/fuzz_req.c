/* libFuzzer harness of the request parser: query, cookies and form, multipart and JSON bodies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "io.h"

static const struct field fields[] = {
	FIELD_CSRF,
	{"name", "Имя", FT_TEXT, 1, 50, NULL},
	{"email", "Почта", FT_EMAIL, 3, 254, NULL},
	{"id", "Номер", FT_ID, 0, 0, NULL},
	{"n", "Число", FT_INT, -100, 100, NULL},
	{"ok", "Отметка", FT_BOOL, 0, 0, NULL},
	{"kind", "Вид", FT_ENUM, 0, 0, "a|b"},
	{"next", "Адрес", FT_PATH, 1, 100, NULL},
	{"file", "Файл", FT_FILE, 0, 4096, NULL},
	{"text", "Текст", FT_MULTILINE, 0, 1000, NULL},
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};
static const struct route routes[] = {{M_OTHER, NULL, NULL, 0}};
static const struct program prog = {.name = "fuzz", .routes = routes, .fields = fields, .nodb = 1};

static const char *const ctypes[] = {
	"application/x-www-form-urlencoded",
	"multipart/form-data; boundary=XyZ",
	"multipart/form-data; boundary=\"a b\"",
	"application/json",
	"text/plain",
};

/* The first byte picks the content type; up to the first newline is the query
 * string and the cookie header; the rest is the body. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct app app;
	struct req r;
	char *copy, *nl, len[32];
	const char *body;
	size_t blen;

	if (size < 1)
		return 0;
	app.prog = &prog;
	app.body_max = 65536;
	copy = malloc(size);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	nl = memchr(copy, '\n', size - 1);
	body = nl ? nl + 1 : "";
	blen = nl ? (size_t)(copy + size - 1 - body) : 0;
	if (nl)
		*nl = '\0';
	setenv("REQUEST_METHOD", "POST", 1);
	setenv("REQUEST_URI", "/x/%D0%B0?q", 1);
	setenv("QUERY_STRING", copy, 1);
	setenv("HTTP_COOKIE", copy, 1);
	setenv("CONTENT_TYPE", ctypes[data[0] % (sizeof(ctypes) / sizeof(ctypes[0]))], 1);
	snprintf(len, sizeof(len), "%zu", blen);
	setenv("CONTENT_LENGTH", len, 1);
	/* In CGI mode the body comes from stdin. */
	stdin = fmemopen((void *)(blen ? body : " "), blen ? blen : 1, "r");
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.io = &(struct req_io){NULL};
	if (req_start(&r) == 0)
		req_read(&r, app.body_max);
	for (size_t i = 0; i < r.nparams; i++)
		if (r.params[i].filename == NULL && utf8_count(r.params[i].val, strlen(r.params[i].val)) < 0)
			abort(); /* a value that passed validation must be valid UTF-8 */
	fclose(stdin);
	arena_free(&r.arena);
	free(copy);
	return 0;
}
