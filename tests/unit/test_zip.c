/* Unit tests of fcgi/core/zip.c: an archive written in memory reads back; limits and garbage are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "zip.h"

#include <cmocka.h>

static void test_write_then_read(void **state)
{
	struct zipw *z = zipw_open();
	struct buf zip = {0}, got = {0};
	char big[70000];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_non_null(z);
	assert_int_equal(zipw_add(z, "Иванова.pdf", "%PDF-1.5 stored", 15, 1), 0);
	assert_int_equal(zipw_add(z, "big.txt", big, sizeof(big), 0), 0);
	assert_int_equal(zipw_close(z, &zip), 0);
	assert_true(zip.len > 4 && memcmp(zip.p, "PK\3\4", 4) == 0);
	/* Deflated: 70,000 repeated bytes take far less room. */
	assert_true(zip.len < 2000);

	assert_int_equal(zip_read(zip.p, zip.len, "Иванова.pdf", 100, &got), 1);
	assert_int_equal(got.len, 15);
	assert_memory_equal(got.p, "%PDF-1.5 stored", 15);
	buf_reset(&got);
	assert_int_equal(zip_read(zip.p, zip.len, "big.txt", sizeof(big), &got), 1);
	assert_int_equal(got.len, sizeof(big));
	buf_reset(&got);
	assert_int_equal(zip_read(zip.p, zip.len, "missing.xml", 100, &got), 0);
	/* A member bigger than the cap (a zip bomb) is refused. */
	assert_int_equal(zip_read(zip.p, zip.len, "big.txt", 1000, &got), -1);
	buf_free(&zip);
	buf_free(&got);
}

static void test_not_a_zip(void **state)
{
	struct buf got = {0};

	(void)state;
	assert_int_equal(zip_read("hello, world", 12, "a", 100, &got), -1);
	assert_int_equal(zip_read("PK\3\4garbage", 11, "a", 100, &got), -1);
	assert_int_equal(got.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_then_read),
		cmocka_unit_test(test_not_a_zip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
