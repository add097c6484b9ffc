/* Unit tests of fcgi/core/config.c: file parsing and the look-up order env > "prog.key" > "key" > default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#include <cmocka.h>

static char path[64];

static void write_conf(const char *text)
{
	int fd;

	strcpy(path, "/tmp/unit-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int teardown(void **state)
{
	(void)state;
	if (path[0])
		unlink(path);
	path[0] = '\0';
	unsetenv("SEM_KEY");
	unsetenv("SEM_DB_USER");
	unsetenv("SEM_A_B");
	unsetenv("SEM_NUM");
	return 0;
}

static const char sample[] = "# a comment\n"
			     "   # an indented comment\n"
			     "\n"
			     "   \t \n"
			     "key = plain\n"
			     "  spaced\t =   value with  inner spaces   \n"
			     "portal.key = for portal\n"
			     "checkin.other = only checkin\n"
			     "db_user = generic_user\n"
			     "portal.db_user = portal_user\n"
			     "a.b = dotted\n"
			     "num = 42\n"
			     "neg = -7\n"
			     "badnum = 42x\n"
			     "emptynum =\n"
			     "eq = x=y=z\n"
			     "crlf = windows\r\n"
			     "dup = first\n"
			     "portal.dup = portal first\n"
			     "dup = second\n"
			     "portal.dup = portal second\n"
			     "Key = other case\n";

static void test_parse(void **state)
{
	struct config c;

	(void)state;
	write_conf(sample);
	assert_int_equal(config_load(&c, path, "reports"), 1);
	assert_string_equal(config_get(&c, "key", "def"), "plain");
	assert_string_equal(config_get(&c, "spaced", "def"), "value with  inner spaces");
	assert_string_equal(config_get(&c, "eq", "def"), "x=y=z");
	assert_string_equal(config_get(&c, "crlf", "def"), "windows");
	assert_string_equal(config_get(&c, "emptynum", "def"), "");
	assert_string_equal(config_get(&c, "Key", "def"), "other case");
	assert_string_equal(config_get(&c, "missing", "def"), "def");
	assert_null(config_get(&c, "missing", NULL));
	/* Comments are not keys. */
	assert_null(config_get(&c, "# a comment", NULL));
	assert_null(config_get(&c, "#", NULL));
	/* Another program's key is not seen without its prefix. */
	assert_null(config_get(&c, "other", NULL));
	config_free(&c);
	assert_int_equal(c.n, 0);
}

static void test_precedence(void **state)
{
	struct config c;

	(void)state;
	write_conf(sample);
	assert_int_equal(config_load(&c, path, "portal"), 1);
	/* "prog.key" beats "key". */
	assert_string_equal(config_get(&c, "key", "def"), "for portal");
	assert_string_equal(config_get(&c, "db_user", "def"), "portal_user");
	/* The environment beats both. */
	setenv("SEM_KEY", "from env", 1);
	assert_string_equal(config_get(&c, "key", "def"), "from env");
	setenv("SEM_DB_USER", "env_user", 1);
	assert_string_equal(config_get(&c, "db_user", "def"), "env_user");
	/* Dots become underscores in the variable name. */
	setenv("SEM_A_B", "env dotted", 1);
	assert_string_equal(config_get(&c, "a.b", "def"), "env dotted");
	unsetenv("SEM_A_B");
	assert_string_equal(config_get(&c, "a.b", "def"), "dotted");
	/* Another program sees the plain key. */
	config_free(&c);
	unsetenv("SEM_KEY");
	assert_int_equal(config_load(&c, path, "checkin"), 1);
	assert_string_equal(config_get(&c, "key", "def"), "plain");
	assert_string_equal(config_get(&c, "other", "def"), "only checkin");
	assert_string_equal(config_get(&c, "db_user", "def"), "env_user");
	unsetenv("SEM_DB_USER");
	assert_string_equal(config_get(&c, "db_user", "def"), "generic_user");
	config_free(&c);
}

static void test_last_line_wins(void **state)
{
	struct config c;

	(void)state;
	write_conf(sample);
	assert_int_equal(config_load(&c, path, "reports"), 1);
	assert_string_equal(config_get(&c, "dup", NULL), "second");
	config_free(&c);
	assert_int_equal(config_load(&c, path, "portal"), 1);
	assert_string_equal(config_get(&c, "dup", NULL), "portal second");
	config_free(&c);
}

static void test_config_int(void **state)
{
	struct config c;

	(void)state;
	write_conf(sample);
	assert_int_equal(config_load(&c, path, "portal"), 1);
	assert_int_equal(config_int(&c, "num", 5), 42);
	assert_int_equal(config_int(&c, "neg", 5), -7);
	assert_int_equal(config_int(&c, "badnum", 5), 5);
	assert_int_equal(config_int(&c, "emptynum", 5), 5);
	assert_int_equal(config_int(&c, "key", 5), 5);
	assert_int_equal(config_int(&c, "missing", 99), 99);
	setenv("SEM_NUM", "17", 1);
	assert_int_equal(config_int(&c, "num", 5), 17);
	setenv("SEM_NUM", "17 ", 1);
	assert_int_equal(config_int(&c, "num", 5), 5);
	unsetenv("SEM_NUM");
	config_free(&c);
}

static void test_malformed(void **state)
{
	struct config c;

	(void)state;
	write_conf("good = 1\njust some words\nlater = 2\n");
	assert_int_equal(config_load(&c, path, "portal"), -1);
	config_free(&c);
	unlink(path);
	write_conf("[section]\n");
	assert_int_equal(config_load(&c, path, "portal"), -1);
	config_free(&c);
	unlink(path);
	path[0] = '\0';
	assert_int_equal(config_load(&c, "/nonexistent/dir/app.conf", "portal"), -1);
	config_free(&c);
}

static void test_no_file(void **state)
{
	struct config c;

	(void)state;
	assert_int_equal(config_load(&c, NULL, "portal"), 1);
	assert_string_equal(config_get(&c, "key", "def"), "def");
	setenv("SEM_KEY", "env only", 1);
	assert_string_equal(config_get(&c, "key", "def"), "env only");
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse, teardown),
		cmocka_unit_test_teardown(test_precedence, teardown),
		cmocka_unit_test_teardown(test_last_line_wins, teardown),
		cmocka_unit_test_teardown(test_config_int, teardown),
		cmocka_unit_test_teardown(test_malformed, teardown),
		cmocka_unit_test_teardown(test_no_file, teardown),
	};

	/* Expected errors (malformed lines) would clutter the TAP stream's stderr. */
	log_init("unit", LOG__MAX);
	teardown(NULL);
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
