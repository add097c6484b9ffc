/* Unit tests of fcgi/reports/pct.c: percentages in tenths written with a decimal comma. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "reports/pct.h"

#include <cmocka.h>

static void test_decimal_comma(void **state)
{
	char buf[PCT_MAX];

	(void)state;
	assert_string_equal(pct_text(buf, 0), "0,0%");
	assert_string_equal(pct_text(buf, 5), "0,5%");
	assert_string_equal(pct_text(buf, 10), "1,0%");
	assert_string_equal(pct_text(buf, 875), "87,5%");
	assert_string_equal(pct_text(buf, 1000), "100,0%");
	assert_string_equal(pct_text(buf, 1234567), "123456,7%");
}

static void test_written_at_the_end_of_buf(void **state)
{
	char buf[PCT_MAX];
	const char *p = pct_text(buf, 875);

	(void)state;
	assert_ptr_equal(p, buf + PCT_MAX - sizeof("87,5%"));
	/* The largest value still fits. */
	assert_string_equal(pct_text(buf, 9223372036854775807LL), "922337203685477580,7%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal_comma),
		cmocka_unit_test(test_written_at_the_end_of_buf),
	};

	return cmocka_run_group_tests_name("pct", tests, NULL, NULL);
}
