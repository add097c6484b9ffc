/* Unit tests of fcgi/core/cell.c: spaces, keys for matching names (ё, case, quotes), cutting, digits, OKTMO codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "cell.h"

#include <cmocka.h>

static struct arena a;

static void test_clean(void **state)
{
	(void)state;
	assert_string_equal(cell_clean(&a, ""), "");
	assert_string_equal(cell_clean(&a, "   "), "");
	assert_string_equal(cell_clean(&a, "  МБОУ   СОШ  №1 "), "МБОУ СОШ №1");
	/* Tabs, line breaks and no-break spaces (U+00A0) are spaces too. */
	assert_string_equal(cell_clean(&a, "\tМБОУ\r\nСОШ\xc2\xa0\xc2\xa0№1\n"), "МБОУ СОШ №1");
	/* Other multi-byte characters stay whole. */
	assert_string_equal(cell_clean(&a, "\xc2\xab а \xc2\xbb"), "« а »");
}

static void test_key(void **state)
{
	(void)state;
	/* Case, Latin and Cyrillic, both halves of the alphabet. */
	assert_string_equal(cell_key(&a, "АБВГДЕЖЗИЙКЛМНОП"), "абвгдежзийклмноп");
	assert_string_equal(cell_key(&a, "РСТУФХЦЧШЩЪЫЬЭЮЯ"), "рстуфхцчшщъыьэюя");
	assert_string_equal(cell_key(&a, "Lipetsk OBLAST"), "lipetsk oblast");
	assert_string_equal(cell_key(&a, "Липецкая Область"), cell_key(&a, "липецкая область"));
	/* Ё and ё are е. */
	assert_string_equal(cell_key(&a, "Ёлкинский"), "елкинский");
	assert_string_equal(cell_key(&a, "Орёл"), "орел");
	assert_string_equal(cell_key(&a, "ОРЁЛ"), cell_key(&a, "Орел"));
	/* Spaces as cell_clean has them. */
	assert_string_equal(cell_key(&a, "  Грязинский\xc2\xa0 РАЙОН\n"), "грязинский район");
	/* Quotes, dashes and punctuation are not folded: they are part of the name. */
	assert_string_equal(cell_key(&a, "ООО «Ромашка»"), "ооо «ромашка»");
	assert_string_equal(cell_key(&a, "ООО \"Ромашка\""), "ооо \"ромашка\"");
	assert_string_not_equal(cell_key(&a, "ООО «Ромашка»"), cell_key(&a, "ООО \"Ромашка\""));
	assert_string_not_equal(cell_key(&a, "Усть-Илимск"), cell_key(&a, "Усть Илимск"));
	assert_string_equal(cell_key(&a, "№1, 2-я"), "№1, 2-я");
}

static void test_cut(void **state)
{
	const char *s = "абв";

	(void)state;
	assert_ptr_equal(cell_cut(&a, s, 3), s);
	assert_ptr_equal(cell_cut(&a, s, 10), s);
	/* Code points, not bytes, and the cut is marked. */
	assert_string_equal(cell_cut(&a, s, 2), "аб…");
	assert_string_equal(cell_cut(&a, "a😀b", 2), "a😀…");
	assert_string_equal(cell_cut(&a, "abc", 0), "…");
}

static void test_digits(void **state)
{
	(void)state;
	assert_string_equal(cell_digits(&a, "4816105358"), "4816105358");
	assert_string_equal(cell_digits(&a, " 4816 105\xc2\xa0"
					    "358 "),
			    "4816105358");
	assert_string_equal(cell_digits(&a, ""), "");
	assert_string_equal(cell_digits(&a, "  "), "");
	assert_null(cell_digits(&a, "48161O5358"));
	assert_null(cell_digits(&a, "4816-105358"));
	assert_null(cell_digits(&a, "4.816105358E9"));
}

static void test_oktmo(void **state)
{
	(void)state;
	assert_string_equal(cell_oktmo(&a, "42606000"), "42606000");
	assert_string_equal(cell_oktmo(&a, "42606000101"), "42606000101");
	assert_string_equal(cell_oktmo(&a, "42 606 000"), "42606000");
	/* Excel dropped a leading zero. */
	assert_string_equal(cell_oktmo(&a, "1701000"), "01701000");
	assert_string_equal(cell_oktmo(&a, "1701000001"), "01701000001");
	assert_null(cell_oktmo(&a, ""));
	assert_null(cell_oktmo(&a, "426060"));
	assert_null(cell_oktmo(&a, "426060001"));
	assert_null(cell_oktmo(&a, "426060000001"));
	assert_null(cell_oktmo(&a, "4260600O"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),  cmocka_unit_test(test_key),   cmocka_unit_test(test_cut),
		cmocka_unit_test(test_digits), cmocka_unit_test(test_oktmo),
	};

	int rc = cmocka_run_group_tests_name("cell", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
