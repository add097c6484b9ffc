/* Unit tests of fcgi/core/export.c: CSV bytes for Russian Excel, XLSX read back with openpyxl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "export.h"
#include "log.h"

#include <cmocka.h>

#define BOM "\xEF\xBB\xBF"

static const struct export_col cols[] = {
	{"name", "ФИО", EX_TEXT, 0},          {"n", "Часы", EX_INT, 0},  {"x", "Балл", EX_NUMBER, 0},
	{"p", "Посещаемость", EX_PERCENT, 0}, {"d", "Дата", EX_DATE, 0},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static json_t *rows_of(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (j == NULL)
		fprintf(stderr, "bad JSON in test: %s\n", e.text);
	assert_non_null(j);
	return j;
}

/* Runs export_csv over rows given as JSON text; returns the output after the BOM (caller frees). */
static char *csv_of(const struct export_col *c, size_t n, const char *json)
{
	struct buf b = {0};
	json_t *rows = rows_of(json);
	char *s;

	assert_int_equal(export_csv(&b, c, n, rows), 0);
	json_decref(rows);
	assert_true(b.len >= 3);
	assert_memory_equal(b.p, BOM, 3);
	assert_int_equal(strlen(b.p), b.len);
	s = strdup(b.p + 3);
	buf_free(&b);
	return s;
}

static void test_csv_cyrillic_bom_header(void **state)
{
	struct buf b = {0};
	json_t *rows = rows_of("[{\"name\": \"Иванова Мария Петровна\", \"n\": 12, \"x\": 4.5, \"p\": 0.875,"
			       "  \"d\": \"2026-12-12\"}]");

	(void)state;
	buf_adds(&b, "kept:");
	assert_int_equal(export_csv(&b, cols, NCOLS, rows), 0);
	assert_string_equal(b.p, "kept:" BOM "ФИО;Часы;Балл;Посещаемость;Дата\r\n"
				 "Иванова Мария Петровна;12;4,5;87,5%;12.12.2026\r\n");
	json_decref(rows);
	buf_free(&b);
}

static void test_csv_quoting(void **state)
{
	static const struct export_col c[] = {{"a", "Поле; с \"кавычками\"", EX_TEXT, 0}, {"b", NULL, EX_TEXT, 0}};
	char *s = csv_of(c, 2,
			 "[{\"a\": \"ООО \\\"Ромашка\\\"\", \"b\": \"x;y\"},"
			 " {\"a\": \"две\\r\\nстроки\", \"b\": \"одна\\nстрока\"},"
			 " {\"a\": \" пробел в начале\", \"b\": \"в конце \"},"
			 " {\"a\": \"просто текст\", \"b\": \"внутри пробел\"},"
			 " {\"a\": \"\\\"\", \"b\": \"\\ttab\"}]");

	(void)state;
	assert_string_equal(s, "\"Поле; с \"\"кавычками\"\"\";b\r\n"
			       "\"ООО \"\"Ромашка\"\"\";\"x;y\"\r\n"
			       "\"две\r\nстроки\";\"одна\nстрока\"\r\n"
			       "\" пробел в начале\";\"в конце \"\r\n"
			       "просто текст;внутри пробел\r\n"
			       "\"\"\"\";\"'\ttab\"\r\n");
	free(s);
}

static void test_csv_formula_guard(void **state)
{
	static const struct export_col c[] = {{"t", "Текст", EX_TEXT, 0}, {"n", "Число", EX_NUMBER, 0}};
	char *s = csv_of(c, 2,
			 "[{\"t\": \"=HYPERLINK(\\\"http://evil\\\")\", \"n\": \"-5\"},"
			 " {\"t\": \"+7 900 000-00-00\", \"n\": -2.5},"
			 " {\"t\": \"-1+2\", \"n\": \"=1+1\"},"
			 " {\"t\": \"@SUM(A1)\", \"n\": null},"
			 " {\"t\": \"\\tcmd\", \"n\": \"+3\"},"
			 " {\"t\": \"\\r=1\", \"n\": 0},"
			 " {\"t\": \"a=b\", \"n\": \"1,25\"}]");

	(void)state;
	/* Numbers parsed from a numeric column are written as numbers, not guarded;
	 * text that is not a number there is guarded like any text. */
	assert_string_equal(s, "Текст;Число\r\n"
			       "\"'=HYPERLINK(\"\"http://evil\"\")\";-5\r\n"
			       "'+7 900 000-00-00;-2,5\r\n"
			       "'-1+2;'=1+1\r\n"
			       "'@SUM(A1);\r\n"
			       "\"'\tcmd\";3\r\n"
			       "\"'\r=1\";0\r\n"
			       "a=b;1,25\r\n");
	free(s);
}

static void test_csv_numbers_percent_dates(void **state)
{
	char *s = csv_of(
		cols, NCOLS,
		"[{\"name\": \"строки-числа\", \"n\": \"42\", \"x\": \"3.75\", \"p\": \"0.5\","
		"  \"d\": \"2026-01-05 09:30:15\"},"
		" {\"name\": \"крайние\", \"n\": -7, \"x\": 1e3, \"p\": 1, \"d\": \"2024-02-29T18:05\"},"
		" {\"name\": \"дроби\", \"n\": 9000000000, \"x\": 0.1, \"p\": 0.07, \"d\": \"2026-12-12 10:00:00.5\"},"
		" {\"name\": \"не числа\", \"n\": \"abc\", \"x\": \"0x10\", \"p\": \"inf\", \"d\": \"2023-02-29\"},"
		" {\"name\": \"иначе\", \"n\": true, \"x\": -0.0, \"p\": 0, \"d\": \"0000-00-00\"}]");

	(void)state;
	assert_string_equal(s, "ФИО;Часы;Балл;Посещаемость;Дата\r\n"
			       "строки-числа;42;3,75;50%;05.01.2026 09:30\r\n"
			       "крайние;-7;1000;100%;29.02.2024 18:05\r\n"
			       "дроби;9000000000;0,1;7%;12.12.2026 10:00\r\n"
			       "не числа;abc;0x10;inf;2023-02-29\r\n"
			       "иначе;1;0;0%;0000-00-00\r\n");
	free(s);
}

static void test_csv_nulls(void **state)
{
	char *s = csv_of(cols, NCOLS,
			 "[{\"name\": null, \"n\": null, \"x\": null, \"p\": null, \"d\": null},"
			 " {},"
			 " {\"name\": \"\", \"n\": \"\", \"d\": \"\", \"extra\": \"не выводится\"}]");

	(void)state;
	assert_string_equal(s, "ФИО;Часы;Балл;Посещаемость;Дата\r\n"
			       ";;;;\r\n"
			       ";;;;\r\n"
			       ";;;;\r\n");
	free(s);
	s = csv_of(cols, NCOLS, "[]");
	assert_string_equal(s, "ФИО;Часы;Балл;Посещаемость;Дата\r\n");
	free(s);
}

static void test_csv_errors_leave_buffer(void **state)
{
	static const char *const bad[] = {"{}", "[1]", "[{\"name\": \"ok\"}, {\"name\": {\"a\": 1}}]",
					  "[{\"n\": [1, 2]}]"};
	struct buf b = {0};

	(void)state;
	log_init("unit", LOG__MAX);
	buf_adds(&b, "before");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *rows = rows_of(bad[i]);
		assert_int_equal(export_csv(&b, cols, NCOLS, rows), -1);
		assert_int_equal(export_xlsx(&b, "Лист", NULL, cols, NCOLS, rows), -1);
		assert_string_equal(b.p, "before");
		assert_int_equal(b.len, 6);
		json_decref(rows);
	}
	log_init("unit", LOG_INFO);
	buf_free(&b);
}

/* ---------------------------------------------------------------- XLSX, read back by openpyxl */

static char tmpdir[64];

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Debian's python3 has python3-openpyxl; a python3 earlier in PATH (pyenv) may not. */
static const char *python(void)
{
	if (access("/usr/bin/python3", X_OK) == 0 && system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null") == 0)
		return "/usr/bin/python3";
	if (system("python3 -c 'import openpyxl' 2>/dev/null") == 0)
		return "python3";
	return NULL;
}

/* Saves the workbook and returns what openpyxl reports about its first sheet. */
static char *openpyxl_dump(const struct buf *x)
{
	static const char script[] =
		"import sys, openpyxl\n"
		"wb = openpyxl.load_workbook(sys.argv[1])\n"
		"ws = wb.active\n"
		"print(len(wb.sheetnames), ws.title)\n"
		"print(\"freeze\", ws.freeze_panes, \"filter\", ws.auto_filter.ref)\n"
		"for row in ws.iter_rows():\n"
		"    print(\" | \".join(repr(c.value)[:40] + \" \" + c.number_format for c in row))\n"
		"print(\"bold\", ws[\"A1\"].font.b, ws[\"A1\"].font.sz)\n"
		"print(\"types\", \"\".join(c.data_type for c in ws[\"A\"]))\n"
		"print(\"longest\", max(len(str(c.value)) for c in ws[\"A\"]))\n"
		"print(\"widths\", [round(ws.column_dimensions[k].width) for k in \"ABCDE\"])\n";
	char path[128], cmd[1024];
	struct buf out = {0};
	const char *py = python();
	FILE *f;
	size_t n;
	char chunk[4096];

	if (py == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/check.xlsx", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(x->p, 1, x->len, f), x->len);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "PYTHONIOENCODING=utf-8 %s -c '%s' %s", py, script, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	return out.p;
}

static int xlsx_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_export.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return setenv("TMPDIR", tmpdir, 1);
}

static int xlsx_teardown(void **state)
{
	(void)state;
	unsetenv("TMPDIR");
	return rmdir(tmpdir);
}

static void test_xlsx_roundtrip(void **state)
{
	struct buf b = {0};
	json_t *rows = rows_of("[{\"name\": \"=Иванова «Мария»\", \"n\": 12, \"x\": \"4,5\", \"p\": 0.875,"
			       "  \"d\": \"2026-12-12\"},"
			       " {\"name\": \"Пётр\", \"n\": \"7\", \"x\": null, \"p\": \"0.5\","
			       "  \"d\": \"2026-01-05 09:30:00\"},"
			       " {\"name\": null, \"n\": 9000000000, \"x\": -0.25, \"d\": \"не дата\"}]");
	char *dump;

	(void)state;
	assert_int_equal(export_xlsx(&b, "Участники: 2026/12 [итог]", "Семинар «Охрана труда»", cols, NCOLS, rows), 0);
	json_decref(rows);
	assert_true(b.len > 1000);
	assert_memory_equal(b.p, "PK\x03\x04", 4);
	assert_int_equal(count_files(tmpdir), 0); /* the temporary file is gone */
	dump = openpyxl_dump(&b);
	buf_free(&b);
	if (dump == NULL)
		skip();
	assert_string_equal(dump, "1 Участники_ 2026_12 _итог_\n"
				  "freeze A3 filter A2:E5\n"
				  "'Семинар «Охрана труда»' General | None General | None General | None General | "
				  "None General\n"
				  "'ФИО' General | 'Часы' General | 'Балл' General | 'Посещаемость' General | "
				  "'Дата' General\n"
				  "'=Иванова «Мария»' General | 12 0 | 4.5 General | 0.875 0.0% | "
				  "datetime.datetime(2026, 12, 12, 0, 0) dd.mm.yyyy\n"
				  "'Пётр' General | 7 0 | None General | 0.5 0.0% | "
				  "datetime.datetime(2026, 1, 5, 9, 30) dd.mm.yyyy hh:mm\n"
				  "None General | 9000000000 0 | -0.25 General | None General | 'не дата' General\n"
				  "bold True 14.0\n"
				  "types ssssn\n" /* strings, never formulas ("n": the empty cell) */
				  "longest 22\n"
				  "widths [31, 11, 13, 11, 18]\n");
	free(dump);
}

static void test_xlsx_no_title_long_sheet_name(void **state)
{
	static const struct export_col c[] = {{"a", "Текст", EX_TEXT, 50}};
	struct buf b = {0};
	json_t *rows = rows_of("[{\"a\": \"управляющий\\u0001символ\"}]");
	struct buf big = {0};
	char *dump;

	(void)state;
	for (int i = 0; i < 40000; i++)
		buf_adds(&big, "я");
	json_array_append_new(rows, json_pack("{s:s}", "a", big.p));
	buf_free(&big);
	assert_int_equal(export_xlsx(&b, "'Очень длинное название листа для Excel'", NULL, c, 1, rows), 0);
	json_decref(rows);
	assert_int_equal(count_files(tmpdir), 0);
	dump = openpyxl_dump(&b);
	buf_free(&b);
	if (dump == NULL)
		skip();
	/* 31 characters; the leading apostrophe replaced. */
	assert_string_equal(dump, "1 _Очень длинное название листа д\n"
				  "freeze A2 filter A1:A3\n"
				  "'Текст' General\n"
				  /* Escaped as OOXML wants (the file stays valid XML); openpyxl does not decode it. */
				  "'управляющий_x0001_символ' General\n"
				  "'яяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяяя General\n"
				  "bold True 11.0\n"
				  "types sss\n"
				  "longest 32767\n" /* Excel's limit */
				  "widths [51, 13, 13, 13, 13]\n");
	free(dump);
}

static void test_xlsx_errors_clean_up(void **state)
{
	struct buf b = {0};
	json_t *rows = rows_of("[{\"name\": \"a\"}, {\"name\": [1]}]");

	(void)state;
	log_init("unit", LOG__MAX);
	assert_int_equal(export_xlsx(&b, NULL, NULL, cols, NCOLS, rows), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(count_files(tmpdir), 0);
	json_decref(rows);
	rows = rows_of("[{\"name\": \"a\"}]");
	setenv("TMPDIR", "/nonexistent/dir", 1);
	assert_int_equal(export_xlsx(&b, NULL, NULL, cols, NCOLS, rows), -1);
	assert_int_equal(b.len, 0);
	setenv("TMPDIR", tmpdir, 1);
	assert_int_equal(export_xlsx(&b, NULL, NULL, cols, NCOLS, rows), 0);
	assert_true(b.len > 1000);
	assert_int_equal(count_files(tmpdir), 0);
	log_init("unit", LOG_INFO);
	json_decref(rows);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cyrillic_bom_header),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_formula_guard),
		cmocka_unit_test(test_csv_numbers_percent_dates),
		cmocka_unit_test(test_csv_nulls),
		cmocka_unit_test(test_csv_errors_leave_buffer),
		cmocka_unit_test(test_xlsx_roundtrip),
		cmocka_unit_test(test_xlsx_no_title_long_sheet_name),
		cmocka_unit_test(test_xlsx_errors_clean_up),
	};

	return cmocka_run_group_tests_name("export", tests, xlsx_setup, xlsx_teardown);
}
