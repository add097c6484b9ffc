/* Unit tests of fcgi/core/regref.c: finding regions, districts and sectors by what a file's cells say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "cell.h"
#include "regfix.h"

#include <cmocka.h>

static struct arena a;

static void test_region(void **state)
{
	struct regref f = regfix_refs(&a);

	(void)state;
	assert_int_equal(regref_region(&a, &f, "Липецкая область")->id, 1);
	assert_int_equal(regref_region(&a, &f, "  ЛИПЕЦКАЯ\xc2\xa0область ")->id, 1);
	assert_int_equal(regref_region(&a, &f, "2")->id, 2); /* by its number */
	assert_null(regref_region(&a, &f, "3"));
	assert_null(regref_region(&a, &f, ""));
	assert_null(regref_region(&a, &f, "Липецкая"));
}

static void test_district(void **state)
{
	struct regref f = regfix_refs(&a);

	(void)state;
	assert_int_equal(regref_district_by_oktmo(&f, "42606000")->id, 10);
	assert_int_equal(regref_district_by_oktmo(&f, "68618000")->id, 20);
	assert_null(regref_district_by_oktmo(&f, "42606001"));
	/* By name within a region, the key as cell_key gives it. */
	assert_int_equal(regref_district_by_name(&f, 1, cell_key(&a, "ЕЛЕЦКИЙ район"))->id, 11);
	assert_null(regref_district_by_name(&f, 2, cell_key(&a, "Елецкий район")));
	assert_null(regref_district_by_name(&f, 1, "Елецкий район"));
	assert_string_equal(regref_district_by_id(&f, 10)->name, "Грязинский район");
	assert_int_equal(regref_district_by_id(&f, 20)->region_id, 2);
	assert_null(regref_district_by_id(&f, 12));
}

static void test_sector(void **state)
{
	struct regref f = regfix_refs(&a);

	(void)state;
	assert_int_equal(regref_sector(&a, &f, "здравоохранение")->id, 2);
	assert_int_equal(regref_sector(&a, &f, "edu")->id, 1);
	assert_int_equal(regref_sector(&a, &f, "EDU")->id, 1);
	assert_null(regref_sector(&a, &f, "Культура"));
	assert_string_equal(regref_sector_name(&f, 2), "Здравоохранение");
	assert_string_equal(regref_sector_name(&f, 3), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_district),
		cmocka_unit_test(test_sector),
	};

	int rc = cmocka_run_group_tests_name("regref", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
