/* Unit tests of fcgi/reports/sources.c: the JSON form of a matrix's cells, there and back, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "reports/sources.h"

#include <cmocka.h>

static struct arena a;

static void test_round_trip(void **state)
{
	struct report_cell reg[] = {{1, 2, 3, 0, 0, 0, 0, 0, 0, 0}, {9000000000LL, 63, 250000, 0, 0, 0, 0, 0, 0, 0}};
	struct report_cell cov[] = {{1, 2, 0, 4, 5, 6, 7, 0, 0, 0}};
	struct report_seminars sem[] = {{1, 1ull << 2 | 1ull << 5, 3}, {2, 1ull << 63, 1}};
	struct report_cell inv[] = {{.key = 1, .sector_id = 2, .invited = 8, .signed_up = 3}};
	struct sources s = {2, 1, 2, reg, cov, sem, 1, inv}, back;
	struct buf b = {0};

	(void)state;
	sources_encode(&s, &b);
	assert_string_equal(b.p, "{\"reg\":[1,2,3,9000000000,63,250000],\"cov\":[1,2,4,5,6,7],"
				 "\"sem\":[1,36,3,2,-9223372036854775808,1],\"inv\":[1,2,8,3]}");
	assert_int_equal(sources_decode(&a, b.p, b.len, &back), 1);
	assert_int_equal(back.nreg, 2);
	assert_int_equal(back.ncov, 1);
	assert_int_equal(back.nsem, 2);
	assert_memory_equal(back.reg, reg, sizeof(reg));
	assert_memory_equal(back.cov, cov, sizeof(cov));
	assert_memory_equal(back.sem, sem, sizeof(sem));
	assert_int_equal(back.ninv, 1);
	assert_memory_equal(back.inv, inv, sizeof(inv));
	buf_free(&b);
}

static void test_empty(void **state)
{
	struct sources s = {0}, back;
	struct buf b = {0};

	(void)state;
	sources_encode(&s, &b);
	assert_string_equal(b.p, "{\"reg\":[],\"cov\":[],\"sem\":[],\"inv\":[]}");
	assert_int_equal(sources_decode(&a, b.p, b.len, &back), 1);
	assert_int_equal(back.nreg + back.ncov + back.nsem + back.ninv, 0);
	buf_free(&b);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"{\"reg\":[],\"cov\":[]}",
		"{\"reg\":[],\"cov\":[],\"sem\":[]}",
		"{\"reg\":[],\"cov\":[],\"sem\":[],\"inv\":[1,2,3]}",
		"{\"reg\":[],\"cov\":[],\"sem\":{}}",
		"{\"reg\":[1,2],\"cov\":[],\"sem\":[]}",
		"{\"reg\":[],\"cov\":[1,2,3,4,5,\"6\"],\"sem\":[]}",
		"{\"reg\":[],\"cov\":[1,2,3,4,5,6,7],\"sem\":[]}",
		"{\"reg\":[],\"cov\":[],\"sem\":[1,2.5,3]}",
		"{\"reg\":[],\"cov\":[],\"sem\":[[1,2,3]]}",
		"{\"reg\":{},\"cov\":[],\"sem\":[]}",
	};
	struct sources back;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		back.nreg = 1;
		assert_int_equal(sources_decode(&a, bad[i], strlen(bad[i]), &back), 0);
		assert_int_equal(back.nreg, 0);
		assert_null(back.reg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_refused),
	};
	int rc = cmocka_run_group_tests_name("sources", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
