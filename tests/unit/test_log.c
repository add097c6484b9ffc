/* Unit tests of fcgi/core/log.c: the line format, the level filter, one line per event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#include <cmocka.h>

static char captured[8192];

/* Runs fn with stderr sent to a temporary file and leaves what was written in captured. */
static void capture(void (*fn)(void))
{
	char path[] = "/tmp/unit-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	fn();
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	n = pread(fd, captured, sizeof(captured) - 1, 0);
	assert_true(n >= 0);
	captured[n] = '\0';
	close(fd);
	unlink(path);
}

static void write_some(void)
{
	log_init("portal", LOG_INFO);
	log_msg(LOG_DEBUG, "r1", "hidden %d", 1);
	log_msg(LOG_INFO, "r2", "shown %d %s", 2, "два");
	log_msg(LOG_ERROR, NULL, "no request");
}

static void test_format_and_level(void **state)
{
	char want[128], *nl;

	(void)state;
	capture(write_some);
	assert_null(strstr(captured, "hidden"));
	/* 2026-01-02T03:04:05.678Z info portal[pid] rid=r2 shown 2 два */
	snprintf(want, sizeof(want), " info portal[%d] rid=r2 shown 2 два\n", (int)getpid());
	nl = strstr(captured, want);
	assert_non_null(nl);
	assert_int_equal(nl - captured, 24);
	assert_int_equal(captured[4], '-');
	assert_int_equal(captured[10], 'T');
	assert_int_equal(captured[23], 'Z');
	snprintf(want, sizeof(want), " error portal[%d] rid=- no request\n", (int)getpid());
	assert_non_null(strstr(captured, want));
	nl = strchr(captured, '\n');
	assert_non_null(nl);
	assert_non_null(strchr(nl + 1, '\n'));
	assert_null(strchr(strchr(nl + 1, '\n') + 1, '\n'));
}

static void write_long(void)
{
	static char big[5000];

	memset(big, 'x', sizeof(big) - 1);
	log_init("portal", LOG_INFO);
	log_msg(LOG_WARN, NULL, "%s", big);
}

static void test_long_message_one_line(void **state)
{
	size_t n;

	(void)state;
	capture(write_long);
	n = strlen(captured);
	assert_true(n > 1000 && n <= 2048);
	assert_int_equal(captured[n - 1], '\n');
	assert_ptr_equal(strchr(captured, '\n'), captured + n - 1);
}

static void write_newline(void)
{
	log_init("portal", LOG_INFO);
	/* As when a request path "/a%0Ab" reaches the access log. */
	log_msg(LOG_INFO, "r3", "GET %s -> %d", "/a\n2026-01-01T00:00:00.000Z error portal[1] rid=- forged", 200);
}

/* A value with a line break must not split the event into two lines (forged log entries). */
static void test_value_with_newline_stays_one_line(void **state)
{
	size_t n;

	(void)state;
	capture(write_newline);
	n = strlen(captured);
	assert_true(n > 0);
	assert_int_equal(captured[n - 1], '\n');
	if (strchr(captured, '\n') != captured + n - 1)
		fail_msg("one event became several lines: %s", captured);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_and_level),
		cmocka_unit_test(test_long_message_one_line),
		cmocka_unit_test(test_value_with_newline_stays_one_line),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
