/* Unit tests of fcgi/core/db_register.c that need no database: the INN check digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "db_register.h"

#include <cmocka.h>

static void test_inn(void **state)
{
	(void)state;
	/* Organisations: 10 digits, one check digit. */
	assert_true(inn_valid("4816105358"));
	assert_true(inn_valid("7707083893"));
	assert_false(inn_valid("4816105359"));
	assert_false(inn_valid("7707083894"));
	/* Individuals: 12 digits, two check digits; each is checked. */
	assert_true(inn_valid("500100732259"));
	assert_false(inn_valid("500100732258"));
	assert_false(inn_valid("500100732269"));
	/* Anything else. */
	assert_false(inn_valid(""));
	assert_false(inn_valid("481610535"));
	assert_false(inn_valid("04816105358"));
	assert_false(inn_valid("48161O5358"));
	assert_false(inn_valid("4816105358 "));
	assert_false(inn_valid("5001007322590"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
