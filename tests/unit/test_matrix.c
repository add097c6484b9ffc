/* Unit tests of fcgi/reports/matrix.c: cells, row and column totals, seminars counted once, coverage in tenths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "reports/matrix.h"

#include <cmocka.h>

static struct arena a;

/* Rows 30, 10, 20 (not sorted: rows keep their order) x sectors 1 and 3. */
static void make(struct matrix *m)
{
	json_t *rows = json_pack("[{s:i}, {s:i}, {s:i}]", "id", 30, "id", 10, "id", 20),
	       *sectors = json_pack("[{s:i, s:s}, {s:i, s:s}]", "id", 1, "name", "a", "id", 3, "name", "b");

	matrix_init(m, &a, rows, sectors);
	json_decref(rows);
	json_decref(sectors);
}

static void test_empty(void **state)
{
	json_t *none = json_array();
	struct matrix m;

	(void)state;
	make(&m);
	assert_int_equal(m.nrows, 3);
	assert_int_equal(m.ncols, 2);
	for (size_t i = 0; i <= m.nrows; i++)
		for (size_t j = 0; j <= m.ncols; j++) {
			assert_int_equal(matrix_cell(&m, i, j)->orgs, 0);
			assert_int_equal(matrix_cell(&m, i, j)->seminars, 0);
		}
	/* No rows and no sectors: just the grand total. */
	matrix_init(&m, &a, none, none);
	matrix_add(&m, &(struct report_cell){.key = 10, .sector_id = 1, .orgs = 5});
	assert_int_equal(matrix_cell(&m, 0, 0)->orgs, 0);
	json_decref(none);
}

static void test_sums_and_totals(void **state)
{
	struct report_cell reg[] = {
		{.key = 10, .sector_id = 1, .orgs = 4},
		{.key = 10, .sector_id = 3, .orgs = 6},
		{.key = 20, .sector_id = 3, .orgs = 5},
		{.key = 99, .sector_id = 1, .orgs = 100}, /* a row not in the matrix */
		{.key = 30, .sector_id = 2, .orgs = 100}, /* a sector not shown */
	};
	struct report_cell cov[] = {
		{.key = 10, .sector_id = 1, .covered = 3, .people = 7, .people_door = 5, .people_online = 2},
		{.key = 20, .sector_id = 3, .covered = 1, .people = 1, .people_door = 0, .people_online = 1},
	};
	struct report_cell inv[] = {
		{.key = 10, .sector_id = 1, .invited = 9, .signed_up = 2},
		{.key = 20, .sector_id = 3, .invited = 4, .signed_up = 1},
		{.key = 30, .sector_id = 2, .invited = 50, .signed_up = 50}, /* a sector not shown */
	};
	struct sources s = {.nreg = 5, .ncov = 2, .reg = reg, .cov = cov, .ninv = 3, .inv = inv};
	const struct report_cell *t;
	struct matrix m;

	(void)state;
	make(&m);
	matrix_sum(&m, &s);
	/* Row 10 is the second row, 20 the third; 30 has nothing. */
	t = matrix_cell(&m, 1, 0);
	assert_int_equal(t->orgs, 4);
	assert_int_equal(t->covered, 3);
	assert_int_equal(t->people, 7);
	assert_int_equal(t->people_door, 5);
	assert_int_equal(t->people_online, 2);
	assert_int_equal(matrix_cell(&m, 1, 1)->orgs, 6);
	assert_int_equal(matrix_cell(&m, 2, 1)->orgs, 5);
	assert_int_equal(matrix_cell(&m, 0, 0)->orgs, 0);
	assert_int_equal(matrix_cell(&m, 0, 2)->orgs, 0);
	/* Row totals. */
	assert_int_equal(matrix_cell(&m, 1, 2)->orgs, 10);
	assert_int_equal(matrix_cell(&m, 1, 2)->covered, 3);
	assert_int_equal(matrix_cell(&m, 2, 2)->orgs, 5);
	/* Column totals and the grand total. */
	assert_int_equal(matrix_cell(&m, 3, 0)->orgs, 4);
	assert_int_equal(matrix_cell(&m, 3, 1)->orgs, 11);
	assert_int_equal(matrix_cell(&m, 3, 1)->people_online, 1);
	t = matrix_cell(&m, 3, 2);
	assert_int_equal(t->orgs, 15);
	assert_int_equal(t->covered, 4);
	assert_int_equal(t->people, 8);
	assert_int_equal(t->people_door, 5);
	assert_int_equal(t->people_online, 3);
	/* Invitations: per cell, per row and in the grand total. */
	assert_int_equal(matrix_cell(&m, 1, 0)->invited, 9);
	assert_int_equal(matrix_cell(&m, 1, 2)->signed_up, 2);
	assert_int_equal(matrix_cell(&m, 2, 2)->invited, 4);
	assert_int_equal(t->invited, 13);
	assert_int_equal(t->signed_up, 3);
}

static void test_seminars_count_once_in_totals(void **state)
{
	struct report_seminars sem[] = {
		{.key = 10, .sectors = 1u << 1 | 1u << 3, .n = 2}, /* both shown sectors */
		{.key = 10, .sectors = 1u << 3 | 1u << 2, .n = 1}, /* one shown, one not */
		{.key = 20, .sectors = 1u << 2, .n = 7},           /* no shown sector */
		{.key = 99, .sectors = 1u << 1, .n = 9},           /* a row not in the matrix */
		{.key = 30, .sectors = 1ull << 63, .n = 4},        /* the largest sector id, not shown */
	};
	struct sources s = {.nsem = 5, .sem = sem};
	struct matrix m;

	(void)state;
	make(&m);
	matrix_sum(&m, &s);
	assert_int_equal(matrix_cell(&m, 1, 0)->seminars, 2);
	assert_int_equal(matrix_cell(&m, 1, 1)->seminars, 3);
	assert_int_equal(matrix_cell(&m, 1, 2)->seminars, 3); /* not 5: a seminar of two sectors once */
	assert_int_equal(matrix_cell(&m, 2, 2)->seminars, 0);
	assert_int_equal(matrix_cell(&m, 0, 2)->seminars, 0);
	assert_int_equal(matrix_cell(&m, 3, 0)->seminars, 2);
	assert_int_equal(matrix_cell(&m, 3, 1)->seminars, 3);
	assert_int_equal(matrix_cell(&m, 3, 2)->seminars, 3);
}

static void test_tenths(void **state)
{
	(void)state;
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 0, .covered = 0}), 0);
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 0, .covered = 3}), 0); /* no divide by zero */
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 4, .covered = 0}), 0);
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 4, .covered = 4}), 1000);
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 8, .covered = 7}), 875);
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 3, .covered = 1}), 333);  /* 33.33 */
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 3, .covered = 2}), 667);  /* 66.67 up */
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 16, .covered = 1}), 63);  /* 6.25: half up */
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 2000, .covered = 1}), 1); /* 0.05: half up */
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 2001, .covered = 1}), 0); /* just below */
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 2, .covered = 3}), 1500);
	assert_int_equal(matrix_tenths(&(struct report_cell){.orgs = 250000, .covered = 249999}), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_sums_and_totals),
		cmocka_unit_test(test_seminars_count_once_in_totals),
		cmocka_unit_test(test_tenths),
	};
	int rc = cmocka_run_group_tests_name("matrix", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
