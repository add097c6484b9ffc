/* Unit tests of fcgi/core/sheet.c: CSV dialects and encodings, XLSX from export_xlsx, openpyxl and by hand, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "export.h"
#include "sheet.h"
#include "zip.h"

#include <cmocka.h>

static struct arena a;

/* Reads text; on success returns the sheet, otherwise fails the test with the reason. */
static struct sheet read_ok(const void *data, size_t len)
{
	struct sheet s;
	const char *why = NULL;

	if (sheet_read(&a, data, len, &s, &why) != 1)
		fprintf(stderr, "sheet_read refused: %s\n", why ? why : "(no reason)");
	assert_null(why);
	return s;
}

/* Reads data that must be refused; returns the reason. */
static const char *read_refused(const void *data, size_t len)
{
	struct sheet s;
	const char *why = NULL;

	assert_int_equal(sheet_read(&a, data, len, &s, &why), 0);
	assert_non_null(why);
	return why;
}

static void assert_row(const struct sheet *s, size_t i, long line, size_t n, const char *const *cells)
{
	size_t k;

	assert_true(i < s->nrows);
	assert_int_equal(s->rows[i].line, line);
	assert_int_equal(s->rows[i].n, n);
	for (k = 0; k < n; k++)
		assert_string_equal(s->rows[i].cells[k], cells[k]);
	assert_string_equal(sheet_cell(&s->rows[i], n), "");
}

static void teardown_arena(void)
{
	arena_reset(&a);
}

static void test_csv_semicolon_quotes_bom(void **state)
{
	static const char csv[] = "\xef\xbb\xbfРегион;Наименование;ИНН;;\r\n"
				  "48;\"МБОУ \"\"СОШ № 2\"\"; г. Усмань\";4816105358\r\n"
				  "\r\n"
				  ";;;\r\n"
				  "48;\"две\nстроки\";\r\n"
				  "  48 ;x\"y;;;\n"
				  "23;last";
	struct sheet s = read_ok(csv, sizeof(csv) - 1);

	(void)state;
	assert_int_equal(s.nrows, 5);
	assert_row(&s, 0, 1, 3, (const char *const[]){"Регион", "Наименование", "ИНН"});
	assert_row(&s, 1, 2, 3, (const char *const[]){"48", "МБОУ \"СОШ № 2\"; г. Усмань", "4816105358"});
	/* Empty lines and lines of empty cells are left out; a quoted line break stays in its cell. */
	assert_row(&s, 2, 5, 2, (const char *const[]){"48", "две\nстроки"});
	/* The next record starts on line 7; cells are not trimmed; a stray quote is kept. */
	assert_row(&s, 3, 7, 2, (const char *const[]){"  48 ", "x\"y"});
	assert_row(&s, 4, 8, 2, (const char *const[]){"23", "last"});
	teardown_arena();
}

static void test_csv_comma_and_tab(void **state)
{
	static const char comma[] = "region,name,inn\n48,\"a;b, c\",1\n";
	static const char tab[] = "region\tname\n48\tМБОУ; СОШ, 1\n";
	struct sheet s = read_ok(comma, sizeof(comma) - 1);

	(void)state;
	assert_int_equal(s.nrows, 2);
	assert_row(&s, 1, 2, 3, (const char *const[]){"48", "a;b, c", "1"});
	s = read_ok(tab, sizeof(tab) - 1);
	assert_row(&s, 1, 2, 2, (const char *const[]){"48", "МБОУ; СОШ, 1"});
	teardown_arena();
}

static void test_csv_windows_1251(void **state)
{
	/* «Регион;Район» / «Липецкая область;Усманский» and № « » Ё ё in Windows-1251. */
	static const char cp[] =
		"\xd0\xe5\xe3\xe8\xee\xed;\xd0\xe0\xe9\xee\xed\r\n"
		"\xcb\xe8\xef\xe5\xf6\xea\xe0\xff \xee\xe1\xeb\xe0\xf1\xf2\xfc;\xd3\xf1\xec\xe0\xed\xf1\xea"
		"\xe8\xe9\r\n"
		"\xb9 1;\xab\xa8\xb8\xbb\r\n";
	struct sheet s = read_ok(cp, sizeof(cp) - 1);

	(void)state;
	assert_int_equal(s.nrows, 3);
	assert_row(&s, 0, 1, 2, (const char *const[]){"Регион", "Район"});
	assert_row(&s, 1, 2, 2, (const char *const[]){"Липецкая область", "Усманский"});
	assert_row(&s, 2, 3, 2, (const char *const[]){"№ 1", "«Ёё»"});
	teardown_arena();
}

static void test_csv_refused(void **state)
{
	(void)state;
	assert_string_equal(read_refused("", 0), "Файл пуст.");
	assert_non_null(strstr(read_refused("\xff\xfeR\0e\0", 6), "UTF-16"));
	assert_non_null(strstr(read_refused("a;b\n\0\0\1\2", 8), "не похож на таблицу"));
	/* 0x98 has no character in Windows-1251. */
	assert_non_null(strstr(read_refused("a;\x98\n", 4), "кодировка"));
	assert_string_equal(read_refused("a;b\nc;d\n\x01;x\n", 12),
			    "Файл не похож на таблицу CSV или XLSX: в строке 3 управляющий символ.");
	assert_string_equal(read_refused("a;b\n1;\"open\n2;3\n", 16), "В строке 2 не закрыта кавычка.");
	assert_non_null(strstr(read_refused("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8), ".xls"));
	teardown_arena();
}

static void test_caps(void **state)
{
	struct buf b = {0};
	struct sheet s;
	int i;

	(void)state;
	/* 64 columns pass, and empty cells past them are ignored; a 65th value is refused. */
	for (i = 0; i < SHEET_COLS_MAX; i++)
		buf_addf(&b, "c%d;", i);
	buf_adds(&b, ";;;;\n");
	s = read_ok(b.p, b.len);
	assert_int_equal(s.rows[0].n, SHEET_COLS_MAX);
	assert_string_equal(s.rows[0].cells[63], "c63");
	buf_reset(&b);
	buf_adds(&b, "a;b\n");
	for (i = 0; i <= SHEET_COLS_MAX; i++)
		buf_addf(&b, "c%d;", i);
	assert_string_equal(read_refused(b.p, b.len), "В строке 2 больше 64 столбцов.");

	/* A cell over 32767 bytes. */
	buf_reset(&b);
	buf_adds(&b, "a;");
	for (i = 0; i <= SHEET_CELL_MAX; i++)
		buf_addc(&b, 'x');
	assert_string_equal(read_refused(b.p, b.len), "В строке 1 ячейка длиннее 32767 символов.");

	/* Exactly the row cap passes (empty lines do not count); one more is refused. */
	buf_reset(&b);
	for (i = 0; i < SHEET_ROWS_MAX; i++)
		buf_adds(&b, i % 1000 == 0 ? "1\n\n" : "1\n");
	s = read_ok(b.p, b.len);
	assert_int_equal(s.nrows, SHEET_ROWS_MAX);
	assert_int_equal(s.rows[SHEET_ROWS_MAX - 1].line, SHEET_ROWS_MAX + SHEET_ROWS_MAX / 1000);
	buf_adds(&b, "1\n");
	assert_non_null(strstr(read_refused(b.p, b.len), "больше 100000 строк"));
	arena_reset(&a);

	/* The cell cap: 40,000 rows of 50 cells. */
	buf_reset(&b);
	for (i = 0; i < 40001; i++)
		buf_adds(&b, "1;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;1\n");
	assert_non_null(strstr(read_refused(b.p, b.len), "больше 2000000 ячеек"));
	buf_free(&b);
	teardown_arena();
}

/* ---------------------------------------------------------------- XLSX */

static void test_xlsx_from_export(void **state)
{
	static const struct export_col cols[] = {
		{"name", "Полное наименование", EX_TEXT, 0},
		{"inn", "ИНН", EX_INT, 0},
		{"pop", "Население", EX_NUMBER, 0},
		{"url", "Страницы", EX_TEXT, 0},
	};
	json_t *rows =
		json_pack("[{s:s, s:I, s:f, s:s}, {s:s, s:s}, {s:s, s:I}]", "name", "МБОУ «СОШ № 2» г. Усмани", "inn",
			  (json_int_t)4816105358LL, "pop", 47000.5, "url", "https://vk.com/a\nhttps://ok.ru/b", "name",
			  "Вторая", "url", "", "name", "Третья", "inn", (json_int_t)481610535800LL);
	struct buf x = {0};
	struct sheet s;

	(void)state;
	assert_int_equal(export_xlsx(&x, "Реестр", "Реестр организаций", cols, 4, rows), 0);
	json_decref(rows);
	s = read_ok(x.p, x.len);
	/* Row 1 is the title, row 2 the header. */
	assert_int_equal(s.nrows, 5);
	assert_row(&s, 0, 1, 1, (const char *const[]){"Реестр организаций"});
	assert_row(&s, 1, 2, 4, (const char *const[]){"Полное наименование", "ИНН", "Население", "Страницы"});
	assert_row(&s, 2, 3, 4,
		   (const char *const[]){"МБОУ «СОШ № 2» г. Усмани", "4816105358", "47000.5",
					 "https://vk.com/a\nhttps://ok.ru/b"});
	assert_row(&s, 3, 4, 1, (const char *const[]){"Вторая"});
	assert_row(&s, 4, 5, 2, (const char *const[]){"Третья", "481610535800"});
	buf_free(&x);
	teardown_arena();
}

/* An .xlsx assembled by hand: the members given, with the usual workbook and its relationships. */
static void xlsx_by_hand(struct buf *out, const char *sheet_path, const char *sheet, const char *strings)
{
	static const char wb[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
				 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
				 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
				 "<sheets><sheet name=\"Данные\" sheetId=\"7\" r:id=\"rId9\"/>"
				 "<sheet name=\"Другой\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	static const char wrong[] = "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>wrong sheet</t>"
				    "</is></c></row></sheetData></worksheet>";
	struct buf rels = {0};
	struct zipw *z = zipw_open();

	buf_addf(&rels,
		 "<?xml version=\"1.0\"?><Relationships "
		 "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rId1\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/>"
		 "<Relationship Id=\"rId9\" Type=\"x\" Target=\"%s\"/></Relationships>",
		 sheet_path);
	assert_non_null(z);
	assert_int_equal(zipw_add(z, "xl/workbook.xml", wb, sizeof(wb) - 1, 0), 0);
	assert_int_equal(zipw_add(z, "xl/_rels/workbook.xml.rels", rels.p, rels.len, 0), 0);
	assert_int_equal(zipw_add(z, "xl/worksheets/sheet1.xml", wrong, sizeof(wrong) - 1, 0), 0);
	if (sheet != NULL)
		assert_int_equal(zipw_add(z, strncmp(sheet_path, "/", 1) == 0 ? sheet_path + 1 : "xl/data/list.xml",
					  sheet, strlen(sheet), 0),
				 0);
	if (strings != NULL)
		assert_int_equal(zipw_add(z, "xl/sharedStrings.xml", strings, strlen(strings), 0), 0);
	assert_int_equal(zipw_close(z, out), 0);
	buf_free(&rels);
}

static void test_xlsx_by_hand(void **state)
{
	static const char strings[] =
		"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
		"<si><t>ИНН</t></si>"
		"<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Школа </t></r><r><t>№ 1</t></r>"
		"<rPh><t>ふりがな</t></rPh></si>"
		"<si/></sst>";
	/* Prefixed elements, cells out of the usual form: no r attributes, a gap, a formula, a
	 * boolean, an exponent, a fraction, an error, an empty shared string. */
	static const char sheet[] =
		"<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
		"<x:row r=\"2\"><x:c r=\"A2\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"C2\" "
		"t=\"s\"><x:v>1</x:v></x:c></x:row>"
		"<x:row r=\"3\"><x:c><x:v>4.816105358E9</x:v></x:c><x:c t=\"b\"><x:v>1</x:v></x:c>"
		"<x:c><x:f>1/2</x:f><x:v>0.5</x:v></x:c><x:c t=\"e\"><x:v>#N/A</x:v></x:c>"
		"<x:c t=\"str\"><x:f>A1</x:f><x:v>формула</x:v></x:c></x:row>"
		"<x:row r=\"4\"><x:c r=\"B4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"XFD4\" s=\"1\"/></x:row>"
		"<x:row r=\"9\"><x:c r=\"B9\" t=\"inlineStr\"><x:is><x:t>строка</x:t></x:is></x:c></x:row>"
		"</x:sheetData></x:worksheet>";
	struct buf x = {0};
	struct sheet s;

	(void)state;
	/* The first sheet of the workbook is rId9 -> data/list.xml, not sheet1.xml. */
	xlsx_by_hand(&x, "data/list.xml", sheet, strings);
	s = read_ok(x.p, x.len);
	assert_int_equal(s.nrows, 3);
	assert_row(&s, 0, 2, 3, (const char *const[]){"ИНН", "", "Школа № 1"});
	assert_row(&s, 1, 3, 5, (const char *const[]){"4816105358", "1", "0.5", "#N/A", "формула"});
	assert_row(&s, 2, 9, 2, (const char *const[]){"", "строка"});
	buf_free(&x);

	/* An absolute target works too. */
	xlsx_by_hand(&x, "/xl/data/abs.xml", sheet, strings);
	s = read_ok(x.p, x.len);
	assert_int_equal(s.nrows, 3);
	buf_free(&x);
	teardown_arena();
}

static void test_xlsx_refused(void **state)
{
	struct buf x = {0}, big = {0};
	struct zipw *z;
	size_t i;

	(void)state;
	/* A DOCTYPE (and so any entity) is refused. */
	xlsx_by_hand(&x, "data/list.xml",
		     "<!DOCTYPE worksheet [<!ENTITY e \"boom\">]><worksheet><sheetData><row r=\"1\">"
		     "<c t=\"inlineStr\"><is><t>&e;</t></is></c></row></sheetData></worksheet>",
		     NULL);
	assert_string_equal(read_refused(x.p, x.len), "Файл XLSX повреждён или не читается.");
	buf_free(&x);

	/* A shared string index past the table; a sheet that is not XML. */
	xlsx_by_hand(&x, "data/list.xml",
		     "<worksheet><sheetData><row><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
		     "<sst><si><t>a</t></si></sst>");
	assert_string_equal(read_refused(x.p, x.len), "Файл XLSX повреждён или не читается.");
	buf_free(&x);
	xlsx_by_hand(&x, "data/list.xml", "<worksheet><sheetData><row>", NULL);
	assert_string_equal(read_refused(x.p, x.len), "Файл XLSX повреждён или не читается.");
	buf_free(&x);

	/* The named sheet is missing. */
	xlsx_by_hand(&x, "data/none.xml", NULL, NULL);
	assert_string_equal(read_refused(x.p, x.len), "В книге XLSX нет листа с данными.");
	buf_free(&x);

	/* A zip bomb: 40 MB of spaces inflate past the cap and are refused while inflating. */
	for (i = 0; i < 40u * 1024 * 1024 / 4096; i++) {
		char spaces[4096];
		memset(spaces, ' ', sizeof(spaces));
		buf_add(&big, spaces, sizeof(spaces));
	}
	z = zipw_open();
	assert_int_equal(zipw_add(z, "xl/worksheets/sheet1.xml", big.p, big.len, 0), 0);
	assert_int_equal(zipw_close(z, &x), 0);
	assert_true(x.len < 200 * 1024);
	assert_non_null(strstr(read_refused(x.p, x.len), "слишком велик после распаковки"));
	buf_free(&x);
	buf_free(&big);

	/* A zip that is not a workbook, and a broken zip. */
	z = zipw_open();
	assert_int_equal(zipw_add(z, "readme.txt", "hello", 5, 0), 0);
	assert_int_equal(zipw_close(z, &x), 0);
	assert_string_equal(read_refused(x.p, x.len), "В книге XLSX нет листа с данными.");
	x.len = 30;
	assert_non_null(strstr(read_refused(x.p, x.len), "повреждён"));
	buf_free(&x);
	teardown_arena();
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

static void test_xlsx_from_openpyxl(void **state)
{
	char path[] = "/tmp/test_sheet_XXXXXX.xlsx", cmd[2048];
	const char *py = python();
	struct buf x = {0};
	struct sheet s;
	FILE *f;
	int fd;
	char chunk[8192];
	size_t n;

	(void)state;
	if (py == NULL) {
		skip();
		return;
	}
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "%s -c 'import openpyxl, sys\n"
		 "wb = openpyxl.Workbook(); ws = wb.active; ws.title = \"Организации\"\n"
		 "ws.append([\"Регион\", \"Район\", \"ИНН\", \"Население\"])\n"
		 "ws.append([48, \"Усманский район\", 4816105358, 47000.5])\n"
		 "ws.append([None, \"Ёлкино «Ёж»\", \"0123456789\", None])\n"
		 "ws[\"E3\"] = \"=1+1\"\n"
		 "wb.save(sys.argv[1])' %s",
		 py, path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&x, chunk, n);
	fclose(f);
	unlink(path);
	s = read_ok(x.p, x.len);
	assert_int_equal(s.nrows, 3);
	assert_row(&s, 0, 1, 4, (const char *const[]){"Регион", "Район", "ИНН", "Население"});
	assert_row(&s, 1, 2, 4, (const char *const[]){"48", "Усманский район", "4816105358", "47000.5"});
	/* A formula openpyxl wrote has no cached value: the cell is empty. */
	assert_row(&s, 2, 3, 3, (const char *const[]){"", "Ёлкино «Ёж»", "0123456789"});
	buf_free(&x);
	teardown_arena();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_semicolon_quotes_bom),
		cmocka_unit_test(test_csv_comma_and_tab),
		cmocka_unit_test(test_csv_windows_1251),
		cmocka_unit_test(test_csv_refused),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_xlsx_from_export),
		cmocka_unit_test(test_xlsx_by_hand),
		cmocka_unit_test(test_xlsx_refused),
		cmocka_unit_test(test_xlsx_from_openpyxl),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
