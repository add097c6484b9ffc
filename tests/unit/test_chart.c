/* Unit tests of fcgi/reports/chart.c: bar positions, widths capped at the chart, the chart's height, no data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "reports/chart.h"

#include <cmocka.h>

static struct arena a;

static json_t *bar(json_t *chart, size_t i, const char *key)
{
	return json_object_get(json_array_get(json_object_get(chart, "bars"), i), key);
}

static void test_bars(void **state)
{
	json_t *rows = json_pack("[{s:i, s:s}, {s:i, s:s}, {s:i, s:s}]", "id", 7, "name", "Липецк", "id", 3, "name",
				 "Елец", "id", 5, "name", "Пусто"),
	       *sectors = json_pack("[{s:i}]", "id", 1), *chart;
	struct matrix m;

	(void)state;
	matrix_init(&m, &a, rows, sectors);
	matrix_add(&m, &(struct report_cell){.key = 7, .sector_id = 1, .orgs = 8, .covered = 7});
	matrix_add(&m, &(struct report_cell){.key = 3, .sector_id = 1, .orgs = 2, .covered = 3}); /* over 100% */
	chart = chart_json(&m, rows);
	assert_int_equal(json_integer_value(json_object_get(chart, "height")), 3 * CHART_BAR_STEP);
	assert_int_equal(json_array_size(json_object_get(chart, "bars")), 3);

	assert_string_equal(json_string_value(bar(chart, 0, "name")), "Липецк");
	assert_string_equal(json_string_value(bar(chart, 0, "pct_text")), "87,5%");
	assert_string_equal(json_string_value(bar(chart, 0, "width")), "87.5%");
	assert_int_equal(json_integer_value(bar(chart, 0, "label_y")), 16);
	assert_int_equal(json_integer_value(bar(chart, 0, "bar_y")), 22);

	/* The label says what it is, the bar stops at the chart's edge. */
	assert_string_equal(json_string_value(bar(chart, 1, "pct_text")), "150,0%");
	assert_string_equal(json_string_value(bar(chart, 1, "width")), "100.0%");
	assert_int_equal(json_integer_value(bar(chart, 1, "label_y")), CHART_BAR_STEP + 16);
	assert_int_equal(json_integer_value(bar(chart, 1, "bar_y")), CHART_BAR_STEP + 22);

	/* A row without organisations: an empty bar. */
	assert_string_equal(json_string_value(bar(chart, 2, "pct_text")), "0,0%");
	assert_string_equal(json_string_value(bar(chart, 2, "width")), "0.0%");
	assert_int_equal(json_integer_value(bar(chart, 2, "bar_y")), 2 * CHART_BAR_STEP + 22);
	json_decref(chart);
	json_decref(rows);
	json_decref(sectors);
}

static void test_no_rows(void **state)
{
	json_t *none = json_array(), *chart;
	struct matrix m;

	(void)state;
	matrix_init(&m, &a, none, none);
	chart = chart_json(&m, none);
	assert_int_equal(json_integer_value(json_object_get(chart, "height")), 0);
	assert_true(json_is_array(json_object_get(chart, "bars")));
	assert_int_equal(json_array_size(json_object_get(chart, "bars")), 0);
	json_decref(chart);
	json_decref(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_no_rows),
	};
	int rc = cmocka_run_group_tests_name("chart", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
