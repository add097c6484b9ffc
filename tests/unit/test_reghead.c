/* Unit tests of fcgi/core/reghead.c: finding the header row of a register file and its columns by their words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include "regfix.h"

#include <cmocka.h>

static struct arena a;

struct found {
	long head;
	long cols[COL__MAX];
	const char *ignored, *why;
};

static struct found find(enum import_kind kind, struct sheet_row *rows, size_t n)
{
	struct sheet sh = {rows, n};
	struct found f = {0};

	f.head = reghead_find(&a, kind, &sh, f.cols, &f.ignored, &f.why);
	return f;
}

static void test_orgs_header(void **state)
{
	struct sheet_row rows[] = {ROW("Регион", "Район", "ОКТМО", "Направление", "Полное наименование",
				       "Краткое наименование", "ИНН", "Страницы"),
				   ROW("Липецкая область", "Грязинский район")};
	struct found f = find(IMPORT_ORGANIZATIONS, rows, 2);
	long k;

	(void)state;
	assert_int_equal(f.head, 0);
	assert_null(f.why);
	assert_null(f.ignored);
	for (k = 0; k < COL__MAX - 1; k++)
		assert_int_equal(f.cols[k], k);
	assert_int_equal(f.cols[COL_POPULATION], -1);
}

static void test_words(void **state)
{
	/* Matched by word beginnings, in any case and order, with ё and spaces folded: «Код ОКТМО
	 * района» is the OKTMO code, «Наименование района» the district, «Сокращённое наименование»
	 * the short one, «Наименование организации» the full one. */
	struct sheet_row rows[] = {ROW("ИНН организации", "Наименование  организации", "СОКРАЩЁННОЕ наименование",
				       "Код ОКТМО района", "Наименование района", "Субъект РФ", "Отрасль",
				       "Ссылки на сайт")};
	struct found f = find(IMPORT_ORGANIZATIONS, rows, 1);

	(void)state;
	assert_int_equal(f.head, 0);
	assert_int_equal(f.cols[COL_INN], 0);
	assert_int_equal(f.cols[COL_NAME], 1);
	assert_int_equal(f.cols[COL_SHORT], 2);
	assert_int_equal(f.cols[COL_OKTMO], 3);
	assert_int_equal(f.cols[COL_DISTRICT], 4);
	assert_int_equal(f.cols[COL_REGION], 5);
	assert_int_equal(f.cols[COL_SECTOR], 6);
	assert_int_equal(f.cols[COL_URLS], 7);
}

static void test_title_rows(void **state)
{
	/* Titles above the header are passed over; the header is the first row that will do. */
	struct sheet_row rows[] = {
		ROW("Реестр организаций Липецкой области"),
		ROW("по состоянию на 01.09.2026", "", "Приложение 1"),
		ROW("Регион", "ОКТМО", "Направление", "Полное наименование", "Краткое наименование", "ИНН"),
		ROW("Регион", "Район", "Направление", "Полное наименование", "Краткое наименование", "ИНН"),
	};
	struct found f = find(IMPORT_ORGANIZATIONS, rows, 4);

	(void)state;
	assert_int_equal(f.head, 2);
	assert_null(f.why);
	assert_int_equal(f.cols[COL_OKTMO], 1);
	assert_int_equal(f.cols[COL_DISTRICT], -1);
	assert_int_equal(f.cols[COL_INN], 5);
}

static void test_only_top_rows(void **state)
{
	struct sheet_row rows[] = {ROW("Реестр"), ROW("1"), ROW("2"),
				   ROW("3"),      ROW("4"), ROW("Регион", "Район", "ОКТМО", "Население")};
	struct found f = find(IMPORT_DISTRICTS, rows, 6);

	(void)state;
	assert_int_equal(f.head, -1);
	assert_non_null(f.why);
	assert_int_equal(find(IMPORT_DISTRICTS, rows + 1, 5).head, 4);
}

static void test_missing(void **state)
{
	struct sheet_row rows[] = {ROW("Регион", "Направление", "Полное наименование", "ИНН"),
				   ROW("Регион", "Направление", "Полное наименование", "Краткое наименование")};
	struct found f = find(IMPORT_ORGANIZATIONS, rows, 2);

	(void)state;
	/* The reason is about the first row, not the last one tried. */
	assert_int_equal(f.head, -1);
	assert_string_equal(f.why, "В первой строке файла нет столбцов: «Краткое наименование», «Район» или «ОКТМО». "
				   "Первая строка — заголовки: Регион, Район, ОКТМО, Направление, Полное "
				   "наименование, Краткое наименование, ИНН, Страницы.");
	/* In a districts file «Полное наименование» stands for the district. */
	f = find(IMPORT_DISTRICTS, rows, 1);
	assert_string_equal(f.why, "В первой строке файла нет столбцов: «ОКТМО». Первая строка — заголовки: "
				   "Регион, Район, ОКТМО, Население.");
	f = find(IMPORT_DISTRICTS, (struct sheet_row[]){ROW("Субъект", "Население")}, 1);
	assert_string_equal(f.why, "В первой строке файла нет столбцов: «Район», «ОКТМО». Первая строка — "
				   "заголовки: Регион, Район, ОКТМО, Население.");
}

static void test_named_twice(void **state)
{
	struct sheet_row rows[] = {ROW("Регион", "Район", "ИНН", "Направление", "Полное наименование",
				       "Краткое наименование", "ИНН руководителя")};
	struct found f = find(IMPORT_ORGANIZATIONS, rows, 1);

	(void)state;
	assert_int_equal(f.head, -1);
	assert_string_equal(f.why, "В первой строке файла два столбца «ИНН»: 3-й и 7-й.");
}

static void test_ignored(void **state)
{
	struct sheet_row rows[] = {ROW("№ п/п", "Регион", "", "Район", "ОКТМО", " Примечание\n ", "Население")};
	struct found f = find(IMPORT_DISTRICTS, rows, 1);

	(void)state;
	assert_int_equal(f.head, 0);
	/* Empty cells are not worth a word; the others are named as written, spaces cleaned. */
	assert_string_equal(f.ignored, "«№ п/п», «Примечание»");
	assert_int_equal(f.cols[COL_REGION], 1);
	assert_int_equal(f.cols[COL_DISTRICT], 3);
	assert_int_equal(f.cols[COL_OKTMO], 4);
	assert_int_equal(f.cols[COL_POPULATION], 6);
}

static void test_districts_name(void **state)
{
	/* A districts file may call the district just «Наименование»; an organisations file may not. */
	struct sheet_row rows[] = {ROW("Регион", "Наименование", "Код ОКТМО")};
	struct found f = find(IMPORT_DISTRICTS, rows, 1);

	(void)state;
	assert_int_equal(f.head, 0);
	assert_int_equal(f.cols[COL_DISTRICT], 1);
	assert_int_equal(f.cols[COL_NAME], 1);
	assert_int_equal(f.cols[COL_OKTMO], 2);
	assert_int_equal(find(IMPORT_ORGANIZATIONS, rows, 1).head, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orgs_header), cmocka_unit_test(test_words),
		cmocka_unit_test(test_title_rows),  cmocka_unit_test(test_only_top_rows),
		cmocka_unit_test(test_missing),     cmocka_unit_test(test_named_twice),
		cmocka_unit_test(test_ignored),     cmocka_unit_test(test_districts_name),
	};

	int rc = cmocka_run_group_tests_name("reghead", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
