/* Unit tests of fcgi/core/req.c in CGI mode: query, form, multipart and JSON bodies, limits, cookies, route ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "io.h"

/* After app.h: cmocka defines a fail() macro that would clash with the core's fail(). */
#include <cmocka.h>

static const struct field fields[] = {
	{"name", "Имя", FT_TEXT, 1, 10, NULL},
	{"email", "Электронная почта", FT_EMAIL, 3, 100, NULL},
	{"age", "Возраст", FT_INT, 0, 150, NULL},
	{"id", "Номер", FT_ID, 0, 0, NULL},
	{"note", "Заметка", FT_MULTILINE, 0, 200, NULL},
	{"photo", "Фотография", FT_FILE, 0, 100, NULL},
	{"agree", "Согласие", FT_BOOL, 0, 0, NULL},
	FIELD_CSRF,
	{NULL, NULL, FT_TEXT, 0, 0, NULL},
};
static const struct route routes[] = {{M_GET, NULL, NULL, 0}};
static const struct program prog = {.name = "unit", .routes = routes, .fields = fields, .nodb = 1};
static struct app app;
static struct req_io io = {NULL};
static struct req r;
static char bodypath[64];
static const char *clen_override;

static const char *const vars[] = {"REQUEST_METHOD", "REQUEST_URI",    "QUERY_STRING",
				   "CONTENT_TYPE",   "CONTENT_LENGTH", "HTTP_COOKIE",
				   "HTTP_ACCEPT",    "REMOTE_ADDR",    NULL};

static int setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	memset(&app, 0, sizeof(app));
	app.prog = &prog;
	app.body_max = 1024;
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.io = &io;
	clen_override = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&r.arena);
	buf_free(&r.head);
	buf_free(&r.body);
	if (bodypath[0])
		unlink(bodypath);
	bodypath[0] = '\0';
	return 0;
}

static void set(const char *name, const char *val)
{
	if (val != NULL)
		setenv(name, val, 1);
	else
		unsetenv(name);
}

/* Sets up a CGI request (NULL leaves a variable unset) with body on stdin, and parses it. */
static int run(const char *method, const char *uri, const char *query, const char *ctype, const char *body, size_t blen)
{
	char cl[32];

	set("REQUEST_METHOD", method);
	set("REQUEST_URI", uri);
	set("QUERY_STRING", query);
	set("CONTENT_TYPE", ctype);
	if (body != NULL) {
		FILE *f;
		int fd;
		strcpy(bodypath, "/tmp/unit-req-XXXXXX");
		fd = mkstemp(bodypath);
		assert_true(fd >= 0);
		close(fd);
		f = fopen(bodypath, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(body, 1, blen, f), blen);
		fclose(f);
		assert_non_null(freopen(bodypath, "rb", stdin));
		snprintf(cl, sizeof(cl), "%zu", blen);
		set("CONTENT_LENGTH", clen_override ? clen_override : cl);
	} else {
		assert_non_null(freopen("/dev/null", "rb", stdin));
		set("CONTENT_LENGTH", clen_override);
	}
	int rc = req_start(&r);

	return rc != 0 ? rc : req_read(&r, app.body_max);
}

static int post(const char *ctype, const char *body, size_t blen)
{
	return run("POST", "/form", NULL, ctype, body, blen);
}

#define FORM              "application/x-www-form-urlencoded"
#define POSTS(ctype, lit) post(ctype, lit, strlen(lit))
#define POSTB(ctype, lit) post(ctype, lit, sizeof(lit) - 1)

static void assert_errmsg_has(const char *part)
{
	assert_non_null(r.errmsg);
	if (strstr(r.errmsg, part) == NULL)
		fail_msg("errmsg \"%s\" does not contain \"%s\"", r.errmsg, part);
}

static void test_query(void **state)
{
	(void)state;
	assert_int_equal(run("GET", "/p/x?name=%D0%98%D0%B2%D0%B0%D0%BD&age=42",
			     "name=%D0%98%D0%B2%D0%B0%D0%BD&age=42&id=7&unknown=x&csrf", NULL, NULL, 0),
			 0);
	assert_int_equal(r.method, M_GET);
	assert_string_equal(r.path, "/p/x");
	assert_string_equal(r.query, "name=%D0%98%D0%B2%D0%B0%D0%BD&age=42&id=7&unknown=x&csrf");
	assert_string_equal(req_param(&r, "name"), "Иван");
	assert_string_equal(req_param(&r, "age"), "42");
	assert_int_equal(req_int(&r, "age", -1), 42);
	assert_int_equal(req_int(&r, "id", -1), 7);
	assert_int_equal(req_int(&r, "note", -1), -1);
	assert_null(req_param(&r, "unknown"));
	assert_null(req_param(&r, "csrf"));
	assert_int_equal(r.nparams, 3);
}

static void test_query_details(void **state)
{
	(void)state;
	/* Encoded names, '=' inside a value, a trailing '&'. */
	assert_int_equal(run("GET", "/", "na%6De=a=b&%69d=3&", NULL, NULL, 0), 0);
	assert_string_equal(req_param(&r, "name"), "a=b");
	assert_int_equal(req_int(&r, "id", 0), 3);
}

static void test_too_many_fields(void **state)
{
	struct buf q = {0};
	int i;

	(void)state;
	for (i = 0; i < 200; i++)
		buf_adds(&q, "name=a&");
	assert_int_equal(run("GET", "/", q.p, NULL, NULL, 0), 0);
	assert_int_equal(r.nparams, 200);
	teardown(NULL), setup(NULL);
	buf_adds(&q, "name=a");
	assert_int_equal(run("GET", "/", q.p, NULL, NULL, 0), 400);
	assert_non_null(r.errmsg);
	buf_free(&q);
}

static void test_urlencoded_body(void **state)
{
	(void)state;
	assert_int_equal(
		POSTS(FORM "; charset=UTF-8", "name=a+b&email=User%40Example.COM&note=line1%0D%0Aline2&agree=on"), 0);
	assert_int_equal(r.method, M_POST);
	assert_string_equal(req_param(&r, "name"), "a b");
	assert_string_equal(req_param(&r, "email"), "user@example.com");
	assert_string_equal(req_param(&r, "note"), "line1\r\nline2");
	assert_string_equal(req_param(&r, "agree"), "on");
}

static void test_query_and_body(void **state)
{
	(void)state;
	assert_int_equal(run("POST", "/f?id=5", "id=5", FORM, "name=x", 6), 0);
	assert_string_equal(req_param(&r, "id"), "5");
	assert_string_equal(req_param(&r, "name"), "x");
}

static void test_unknown_fields_ignored(void **state)
{
	(void)state;
	assert_int_equal(POSTS(FORM, "zzz=%C0%AF&Name=1&name2=2&=orphan&&name=ok&id"), 0);
	assert_int_equal(r.nparams, 1);
	assert_string_equal(req_param(&r, "name"), "ok");
	assert_null(req_param(&r, "zzz"));
	assert_null(req_param(&r, "Name"));
}

static void test_empty_is_absent(void **state)
{
	(void)state;
	/* Empty values are never validated: an empty id or e-mail is simply absent. */
	assert_int_equal(POSTS(FORM, "name=&id=&email=&agree&age="), 0);
	assert_int_equal(r.nparams, 0);
	assert_null(req_param(&r, "name"));
	assert_int_equal(req_int(&r, "id", 99), 99);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_int_equal(POSTS(FORM, "name=%C0%AF"), 400);
	assert_errmsg_has("Поле «Имя»");
	assert_errmsg_has("UTF-8");
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "/", "email=a%FF@b.ru", NULL, NULL, 0), 400);
	assert_errmsg_has("Поле «Электронная почта»");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "name=a%00b"), 400);
	assert_errmsg_has("Поле «Имя»");
}

static void test_invalid_values(void **state)
{
	(void)state;
	assert_int_equal(POSTS(FORM, "name=ok&age=151"), 400);
	assert_errmsg_has("Поле «Возраст»");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "id=0"), 400);
	assert_errmsg_has("Поле «Номер»");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "email=nobody"), 400);
	assert_errmsg_has("Поле «Электронная почта»");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "name=a%0Ab"), 400);
	assert_errmsg_has("Поле «Имя»");
	teardown(NULL), setup(NULL);
	/* Text where a file is expected. */
	assert_int_equal(POSTS(FORM, "photo=abc"), 400);
	assert_errmsg_has("Поле «Фотография»");
}

static void test_field_length_in_code_points(void **state)
{
	(void)state;
	/* 10 Cyrillic letters are 20 bytes but 10 code points: allowed. */
	assert_int_equal(POSTS(FORM, "name=%D0%B0%D0%B1%D0%B2%D0%B3%D0%B4%D0%B5%D0%B6%D0%B7%D0%B8%D0%B9"), 0);
	assert_string_equal(req_param(&r, "name"), "абвгдежзий");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "name=%D0%B0%D0%B1%D0%B2%D0%B3%D0%B4%D0%B5%D0%B6%D0%B7%D0%B8%D0%B9%D0%BA"), 400);
	assert_errmsg_has("Поле «Имя»");
	assert_errmsg_has("слишком длинное");
}

static void test_body_max(void **state)
{
	char body[1100];

	(void)state;
	memset(body, 'a', sizeof(body));
	memcpy(body, "x=", 2);
	assert_int_equal(post(FORM, body, 1024), 0);
	teardown(NULL), setup(NULL);
	assert_int_equal(post(FORM, body, 1025), 413);
	assert_errmsg_has("1 КБ");
	teardown(NULL), setup(NULL);
	/* Refused by the declared length alone, before reading. */
	clen_override = "99999999999999999999999";
	assert_int_equal(post(FORM, "x=1", 3), 413);
}

static void test_bad_content_length(void **state)
{
	(void)state;
	clen_override = "abc";
	assert_int_equal(POSTS(FORM, "name=x"), 400);
	assert_non_null(r.errmsg);
	teardown(NULL), setup(NULL);
	clen_override = "-5";
	assert_int_equal(POSTS(FORM, "name=x"), 400);
	teardown(NULL), setup(NULL);
	clen_override = "6x";
	assert_int_equal(POSTS(FORM, "name=x"), 400);
	teardown(NULL), setup(NULL);
	/* Longer than what arrives. */
	clen_override = "60";
	assert_int_equal(POSTS(FORM, "name=x"), 400);
	assert_errmsg_has("оборван");
	teardown(NULL), setup(NULL);
	/* Empty: no body. */
	clen_override = "";
	assert_int_equal(POSTS(FORM, "name=x"), 0);
	assert_null(req_param(&r, "name"));
}

static void test_unsupported_content_type(void **state)
{
	(void)state;
	assert_int_equal(POSTS("text/plain", "name=x"), 415);
	assert_non_null(r.errmsg);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(NULL, "name=x"), 415);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS("application/xml", "<name>x</name>"), 415);
}

static void test_malformed_percent(void **state)
{
	(void)state;
	assert_int_equal(POSTS(FORM, "name=%E0%A"), 400);
	assert_non_null(r.errmsg);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "name=%zz"), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS(FORM, "%zz=1"), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "/", "name=ok&id=%", NULL, NULL, 0), 400);
}

static void test_path_and_method(void **state)
{
	(void)state;
	setenv("HTTP_ACCEPT", "application/json", 1);
	setenv("REMOTE_ADDR", "192.0.2.1", 1);
	assert_int_equal(run("HEAD", "/a%20b/%D0%AF?x=1#frag", "x=1", NULL, NULL, 0), 0);
	assert_int_equal(r.method, M_HEAD);
	assert_string_equal(r.path, "/a b/Я");
	assert_string_equal(r.ip, "192.0.2.1");
	assert_int_equal(r.want_json, 1);
	teardown(NULL), setup(NULL);
	setenv("HTTP_ACCEPT", "text/html, application/json", 1);
	assert_int_equal(run("PUT", NULL, NULL, NULL, NULL, 0), 0);
	assert_int_equal(r.method, M_OTHER);
	assert_string_equal(r.path, "/");
	assert_string_equal(r.ip, "");
	assert_int_equal(r.want_json, 0);
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "/a%zz", NULL, NULL, NULL, 0), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "/%C0%AF", NULL, NULL, NULL, 0), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "/a%00b", NULL, NULL, NULL, 0), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "relative", NULL, NULL, NULL, 0), 400);
}

#define MP "multipart/form-data; boundary=XyZ"

static void test_multipart_normal(void **state)
{
	static const char file[] = "\x89PNG\r\n\x1a\n\0\x01--XyZ\r-XyZ";
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n"
				   "\r\n"
				   "Иван\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"photo\"; filename=\"me.png\"\r\n"
				   "Content-Type: image/png\r\n"
				   "\r\n"
				   "\x89PNG\r\n\x1a\n\0\x01--XyZ\r-XyZ\r\n"
				   "--XyZ\r\n"
				   "content-disposition: form-data; name=\"note\"\r\n"
				   "\r\n"
				   "line1\r\nline2\r\n\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"unknown\"\r\n"
				   "\r\n"
				   "ignored\r\n"
				   "--XyZ--\r\n";
	const struct kv *f;

	(void)state;
	assert_int_equal(POSTB(MP, body), 0);
	assert_string_equal(req_param(&r, "name"), "Иван");
	assert_string_equal(req_param(&r, "note"), "line1\r\nline2\r\n");
	assert_null(req_param(&r, "unknown"));
	assert_null(req_param(&r, "photo"));
	assert_null(req_file(&r, "name"));
	f = req_file(&r, "photo");
	assert_non_null(f);
	assert_string_equal(f->filename, "me.png");
	assert_string_equal(f->ctype, "image/png");
	assert_int_equal(f->len, sizeof(file) - 1);
	assert_memory_equal(f->val, file, sizeof(file) - 1);
	assert_int_equal(r.nparams, 3);
}

static void test_multipart_boundary_forms(void **state)
{
	static const char body[] = "--a:b=c d\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n"
				   "\r\n"
				   "quoted\r\n"
				   "--a:b=c d--\r\n";
	static const char body2[] = "--XyZ\r\n"
				    "Content-Disposition: form-data;name=name\r\n"
				    "\r\n"
				    "bare\r\n"
				    "--XyZ--";

	(void)state;
	assert_int_equal(POSTB("multipart/form-data; boundary=\"a:b=c d\"", body), 0);
	assert_string_equal(req_param(&r, "name"), "quoted");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB("Multipart/Form-Data; charset=utf-8; Boundary=XyZ", body2), 0);
	assert_string_equal(req_param(&r, "name"), "bare");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB("multipart/form-data; boundary=XyZ; charset=utf-8", body2), 0);
	assert_string_equal(req_param(&r, "name"), "bare");
	teardown(NULL), setup(NULL);
	/* Only a closing boundary: no fields. */
	assert_int_equal(POSTB(MP, "--XyZ--\r\n"), 0);
	assert_int_equal(r.nparams, 0);
}

static void test_multipart_missing_boundary(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n"
				   "\r\n"
				   "x\r\n"
				   "--XyZ--\r\n";

	(void)state;
	assert_int_equal(POSTB("multipart/form-data", body), 400);
	assert_non_null(r.errmsg);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB("multipart/form-data; boundary=", body), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB("multipart/form-data; boundary=\"XyZ", body), 400);
	teardown(NULL), setup(NULL);
	/* The body does not start with the boundary the header names. */
	assert_int_equal(POSTB("multipart/form-data; boundary=Other", body), 400);
}

static void test_multipart_missing_closing_boundary(void **state)
{
	static const char open_end[] = "--XyZ\r\n"
				       "Content-Disposition: form-data; name=\"name\"\r\n"
				       "\r\n"
				       "x";
	static const char no_dashes[] = "--XyZ\r\n"
					"Content-Disposition: form-data; name=\"name\"\r\n"
					"\r\n"
					"x\r\n"
					"--XyZ";
	static const char no_headers_end[] = "--XyZ\r\n"
					     "Content-Disposition: form-data; name=\"name\"\r\n";

	(void)state;
	assert_int_equal(POSTB(MP, open_end), 400);
	assert_non_null(r.errmsg);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, no_dashes), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, no_headers_end), 400);
}

static void test_multipart_part_without_name(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; filename=\"a.txt\"\r\n"
				   "\r\n"
				   "x\r\n"
				   "--XyZ--\r\n";
	static const char body2[] = "--XyZ\r\n"
				    "Content-Type: text/plain\r\n"
				    "\r\n"
				    "x\r\n"
				    "--XyZ--\r\n";

	(void)state;
	assert_int_equal(POSTB(MP, body), 400);
	assert_errmsg_has("имени");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, body2), 400);
	assert_errmsg_has("имени");
}

static void test_multipart_crlf(void **state)
{
	static const char lf_only[] = "--XyZ\n"
				      "Content-Disposition: form-data; name=\"name\"\n"
				      "\n"
				      "x\n"
				      "--XyZ--\n";
	static const char garbage_after_boundary[] = "--XyZ\r\n"
						     "Content-Disposition: form-data; name=\"name\"\r\n"
						     "\r\n"
						     "x\r\n"
						     "--XyZjunk\r\n"
						     "Content-Disposition: form-data; name=\"note\"\r\n"
						     "\r\n"
						     "y\r\n"
						     "--XyZ--\r\n";
	static const char value_with_crlfs[] = "--XyZ\r\n"
					       "Content-Disposition: form-data; name=\"note\"\r\n"
					       "\r\n"
					       "\r\n\r\na\r\n\r\n"
					       "--XyZ--\r\n";

	(void)state;
	assert_int_equal(POSTB(MP, lf_only), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, garbage_after_boundary), 400);
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, value_with_crlfs), 0);
	assert_string_equal(req_param(&r, "note"), "\r\n\r\na\r\n");
}

static void test_multipart_file_rules(void **state)
{
	static const char file_as_text[] = "--XyZ\r\n"
					   "Content-Disposition: form-data; name=\"name\"; filename=\"x.txt\"\r\n"
					   "\r\n"
					   "x\r\n"
					   "--XyZ--\r\n";
	static const char text_as_file[] = "--XyZ\r\n"
					   "Content-Disposition: form-data; name=\"photo\"\r\n"
					   "\r\n"
					   "x\r\n"
					   "--XyZ--\r\n";
	static const char empty_file[] = "--XyZ\r\n"
					 "Content-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
					 "Content-Type: application/octet-stream\r\n"
					 "\r\n"
					 "\r\n"
					 "--XyZ--\r\n";
	char big[400];
	int n;

	(void)state;
	assert_int_equal(POSTB(MP, file_as_text), 400);
	assert_errmsg_has("Поле «Имя»");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, text_as_file), 400);
	assert_errmsg_has("Поле «Фотография»");
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTB(MP, empty_file), 0);
	assert_null(req_file(&r, "photo"));
	teardown(NULL), setup(NULL);
	/* The file limit is in bytes: 100 pass, 101 do not. */
	n = snprintf(
		big, sizeof(big),
		"--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"f\"\r\n\r\n%0100d\r\n--XyZ--\r\n",
		0);
	assert_int_equal(post(MP, big, (size_t)n), 0);
	assert_int_equal(req_file(&r, "photo")->len, 100);
	teardown(NULL), setup(NULL);
	n = snprintf(
		big, sizeof(big),
		"--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"f\"\r\n\r\n%0101d\r\n--XyZ--\r\n",
		0);
	assert_int_equal(post(MP, big, (size_t)n), 400);
	assert_errmsg_has("Поле «Фотография»");
}

static void test_json(void **state)
{
	(void)state;
	assert_int_equal(
		POSTS("application/json; charset=utf-8",
		      "{\"name\":\"Иван\",\"age\":42,\"id\":\"7\",\"agree\":true,\"unknown\":\"x\",\"email\":null,"
		      "\"note\":\"a\\nb\"}"),
		0);
	assert_string_equal(req_param(&r, "name"), "Иван");
	assert_string_equal(req_param(&r, "age"), "42");
	assert_int_equal(req_int(&r, "id", 0), 7);
	assert_string_equal(req_param(&r, "agree"), "1");
	assert_string_equal(req_param(&r, "note"), "a\nb");
	assert_null(req_param(&r, "email"));
	assert_null(req_param(&r, "unknown"));
	teardown(NULL), setup(NULL);
	assert_int_equal(POSTS("application/json", "{\"agree\":false}"), 0);
	assert_null(req_param(&r, "agree"));
	teardown(NULL), setup(NULL);
	/* Values are validated like form fields. */
	assert_int_equal(POSTS("application/json", "{\"age\":\"abc\"}"), 400);
	assert_errmsg_has("Поле «Возраст»");
}

static void test_json_rejected(void **state)
{
	static const char *const bodies[] = {
		"{\"name\":{\"a\":1}}",
		"{\"unknown\":[1]}",
		"[1,2]",
		"\"name\"",
		"42",
		"{bad",
		"{\"name\":\"a\",\"name\":\"b\"}",
		"{\"name\":\"a\\u0000b\"}",
		"{\"age\":1.5}",
		NULL,
	};
	size_t i;

	(void)state;
	for (i = 0; bodies[i]; i++) {
		teardown(NULL), setup(NULL);
		if (POSTS("application/json", bodies[i]) != 400)
			fail_msg("JSON body %s was not refused with 400", bodies[i]);
		assert_non_null(r.errmsg);
	}
}

static void test_cookies(void **state)
{
	(void)state;
	setenv("HTTP_COOKIE", "sid=abc; aid=xyz;theme=dark;  empty=; noeq; a=b=c", 1);
	assert_int_equal(run("GET", "/", NULL, NULL, NULL, 0), 0);
	assert_string_equal(req_cookie(&r, "sid"), "abc");
	assert_string_equal(req_cookie(&r, "aid"), "xyz");
	assert_string_equal(req_cookie(&r, "theme"), "dark");
	assert_string_equal(req_cookie(&r, "empty"), "");
	assert_string_equal(req_cookie(&r, "a"), "b=c");
	assert_null(req_cookie(&r, "noeq"));
	assert_null(req_cookie(&r, "missing"));
	assert_int_equal(r.ncookies, 5);
	unsetenv("HTTP_COOKIE");
	teardown(NULL), setup(NULL);
	assert_int_equal(run("GET", "/", NULL, NULL, NULL, 0), 0);
	assert_int_equal(r.ncookies, 0);
	assert_null(req_cookie(&r, "sid"));
}

static void test_many_cookies(void **state)
{
	struct buf h = {0};
	int i;

	(void)state;
	for (i = 0; i < 80; i++)
		buf_addf(&h, "c%d=%d; ", i, i);
	setenv("HTTP_COOKIE", h.p, 1);
	buf_free(&h);
	assert_int_equal(run("GET", "/", NULL, NULL, NULL, 0), 0);
	unsetenv("HTTP_COOKIE");
	/* Capped, not overflowing. */
	assert_int_equal(r.ncookies, 50);
	assert_string_equal(req_cookie(&r, "c0"), "0");
	assert_string_equal(req_cookie(&r, "c49"), "49");
	assert_null(req_cookie(&r, "c50"));
}

static void test_arg_id(void **state)
{
	static const struct {
		const char *s;
		long long want;
	} cases[] = {
		{"1", 1},
		{"42", 42},
		{"2147483647", 2147483647LL},
		{"2147483648", 0},
		{"99999999999", 0},
		{"0", 0},
		{"01", 0},
		{"-1", 0},
		{"+1", 0},
		{"12a", 0},
		{"", 0},
		{" 1", 0},
		{"1 ", 0},
	};
	size_t i;

	(void)state;
	r.args[0] = NULL;
	assert_int_equal(req_arg_id(&r, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r.args[i % 4] = cases[i].s;
		if (req_arg_id(&r, (int)(i % 4)) != cases[i].want)
			fail_msg("req_arg_id(\"%s\") = %lld, want %lld", cases[i].s, req_arg_id(&r, (int)(i % 4)),
				 cases[i].want);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_query),
		T(test_query_details),
		T(test_too_many_fields),
		T(test_urlencoded_body),
		T(test_query_and_body),
		T(test_unknown_fields_ignored),
		T(test_empty_is_absent),
		T(test_invalid_utf8),
		T(test_invalid_values),
		T(test_field_length_in_code_points),
		T(test_body_max),
		T(test_bad_content_length),
		T(test_unsupported_content_type),
		T(test_malformed_percent),
		T(test_path_and_method),
		T(test_multipart_normal),
		T(test_multipart_boundary_forms),
		T(test_multipart_missing_boundary),
		T(test_multipart_missing_closing_boundary),
		T(test_multipart_part_without_name),
		T(test_multipart_crlf),
		T(test_multipart_file_rules),
		T(test_json),
		T(test_json_rejected),
		T(test_cookies),
		T(test_many_cookies),
		T(test_arg_id),
	};

	return cmocka_run_group_tests_name("req", tests, NULL, NULL);
}
