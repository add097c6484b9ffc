/* Unit tests of fcgi/core/inn.c: the check digits of 10- and 12-digit INNs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "inn.h"

#include <cmocka.h>

static void test_inn_10(void **state)
{
	(void)state;
	/* Organisations: 10 digits, one check digit. */
	assert_true(inn_valid("4816105358"));
	assert_true(inn_valid("7707083893"));
	assert_true(inn_valid("0123456788")); /* a leading zero is a digit like any other */
	assert_false(inn_valid("4816105359"));
	assert_false(inn_valid("7707083894"));
	assert_false(inn_valid("0123456789"));
	assert_false(inn_valid("1816105358")); /* a wrong digit before the check digit */
}

static void test_inn_12(void **state)
{
	(void)state;
	/* Individuals: 12 digits, two check digits; each is checked. */
	assert_true(inn_valid("500100732259"));
	assert_false(inn_valid("500100732258"));
	assert_false(inn_valid("500100732269"));
	assert_false(inn_valid("600100732259"));
}

static void test_inn_not_digits(void **state)
{
	(void)state;
	assert_false(inn_valid(""));
	assert_false(inn_valid("481610535"));
	assert_false(inn_valid("04816105358"));
	assert_false(inn_valid("48161O5358"));
	assert_false(inn_valid("4816105358 "));
	assert_false(inn_valid(" 4816105358"));
	assert_false(inn_valid("4816 105358"));
	assert_false(inn_valid("5001007322590"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inn_10),
		cmocka_unit_test(test_inn_12),
		cmocka_unit_test(test_inn_not_digits),
	};

	return cmocka_run_group_tests_name("inn", tests, NULL, NULL);
}
