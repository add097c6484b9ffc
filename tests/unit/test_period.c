/* Unit tests of fcgi/core/period.c: period keys, the dates they span, their names, the default and the choices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"

#include <cmocka.h>

static struct arena a;

static void span(const char *key, const char *from, const char *to, const char *name)
{
	struct period p;

	assert_int_equal(period_parse(&a, key, &p), 1);
	assert_string_equal(p.key, key);
	assert_string_equal(p.from, from);
	assert_string_equal(p.to, to);
	assert_string_equal(p.name, name);
}

static void test_valid_keys(void **state)
{
	(void)state;
	span("all", "1000-01-01", "9999-12-31", "за всё время");
	span("2026", "2026-01-01", "2027-01-01", "2026 год");
	span("2026-Q1", "2026-01-01", "2026-04-01", "I квартал 2026");
	span("2026-Q3", "2026-07-01", "2026-10-01", "III квартал 2026");
	span("2026-Q4", "2026-10-01", "2027-01-01", "IV квартал 2026");
	span("2026-01", "2026-01-01", "2026-02-01", "январь 2026");
	span("2026-11", "2026-11-01", "2026-12-01", "ноябрь 2026");
	span("2026-12", "2026-12-01", "2027-01-01", "декабрь 2026");
	span("1900", "1900-01-01", "1901-01-01", "1900 год");
	span("9998-Q4", "9998-10-01", "9999-01-01", "IV квартал 9998");
}

static void test_invalid_keys(void **state)
{
	static const char *const bad[] = {
		"",        "ALL",     "all ",     "1899",    "9999",    "0000",     "202",     "20261",
		"2026-",   "2026-Q0", "2026-Q5",  "2026-q4", "2026-Q",  "2026-00",  "2026-13", "2026-1",
		"2026-1a", "2026/11", "2026-011", "-2026",   "+202-Q1", "2026-Q41", "x2026",   "2026 ",
	};
	struct period p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.key[0] = 'x';
		assert_int_equal(period_parse(&a, bad[i], &p), 0);
		assert_string_equal(p.key, ""); /* p holds nothing */
	}
}

static void test_default_is_the_local_year(void **state)
{
	struct period p;

	(void)state;
	setenv("TZ", "Europe/Moscow", 1);
	tzset();
	/* 2025-12-31 21:30 UTC is already 2026 in Moscow (UTC+3). */
	assert_string_equal(period_default(&a, 1767216600), "2026");
	assert_string_equal(period_default(&a, 1767216600 - 3 * 3600), "2025");
	assert_int_equal(period_parse(&a, period_default(&a, 1767216600), &p), 1);
	assert_string_equal(p.from, "2026-01-01");
}

/* The year strings of choices, "2026 2024". */
static const char *years_of(json_t *c)
{
	static char out[512];
	json_t *x;
	size_t i;

	out[0] = '\0';
	json_array_foreach (c, i, x) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, json_string_value(json_object_get(x, "year")));
	}
	return out;
}

static void test_choices(void **state)
{
	time_t now = 1780000000; /* 2026-05-28 */
	struct period all, q, old;
	json_t *c, *items;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	period_parse(&a, "all", &all);
	period_parse(&a, "2026-Q2", &q);
	period_parse(&a, "2019-03", &old);

	/* No data: the current year only. */
	c = period_choices(&a, now, &all, 1, 0);
	assert_string_equal(years_of(c), "2026");
	items = json_object_get(json_array_get(c, 0), "items");
	assert_int_equal(json_array_size(items), 17);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "value")), "2026");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")), "2026 год");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 4), "value")), "2026-Q4");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 5), "value")), "2026-01");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 16), "name")), "декабрь 2026");
	json_decref(c);

	/* Data from 2023 to 2025, the current year and a chosen one inside: each once, latest first. */
	c = period_choices(&a, now, &q, 2023, 2025);
	assert_string_equal(years_of(c), "2026 2025 2024 2023");
	json_decref(c);

	/* A chosen year outside the data is offered too. */
	c = period_choices(&a, now, &old, 2024, 2024);
	assert_string_equal(years_of(c), "2026 2024 2019");
	json_decref(c);

	/* At most 64 years. */
	c = period_choices(&a, now, &all, 1900, 2100);
	assert_int_equal(json_array_size(c), 64);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "year")), "2100");
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_keys),
		cmocka_unit_test(test_invalid_keys),
		cmocka_unit_test(test_default_is_the_local_year),
		cmocka_unit_test(test_choices),
	};
	int rc = cmocka_run_group_tests_name("period", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
