/* Unit tests of fcgi/core/pdf.c: the ticket, tables and the text helpers, read back by pdftotext, pdfinfo and zbarimg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "log.h"
#include "pdf.h"
#include "text.h"

#include <cmocka.h>

#include "tmpfiles.h"

#define URL      "http://127.0.0.1:8080/t/AbC-dEf_123"
#define CYRILLIC "Билет участника: Иванова Мария Петровна, семинар «Охрана труда» №12"

/* What zbarimg reads from an image file: the text with the final newline removed, or NULL. */
static char *zbar(const char *path)
{
	char cmd[512], *out;
	size_t n;

	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
	if (run(cmd, &out) != 0) {
		free(out);
		return NULL;
	}
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return out;
}

/* ---------------------------------------------------------------- the ticket */

/* Text of the PDF with every run of white space made one space. */
static char *pdf_text(const char *pdf)
{
	char cmd[512], *out, *d;
	int space = 0;

	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' - 2>/dev/null", pdf);
	assert_int_equal(run(cmd, &out), 0);
	d = out;
	for (const char *s = out; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\f' || *s == '\r' || *s == '\t')
			space = 1;
		else {
			if (space && d != out)
				*d++ = ' ';
			space = 0;
			*d++ = *s;
		}
	}
	*d = '\0';
	return out;
}

/* Reads a binary PGM (P5) of the page at 150 dpi. */
static unsigned char *page_pgm(const char *pdf, int *w, int *h)
{
	char cmd[512], *out;
	unsigned char *px;
	int maxval, off = 0;

	snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -gray '%s' 2>/dev/null", pdf);
	assert_int_equal(run(cmd, &out), 0);
	assert_int_equal(sscanf(out, "P5 %d %d %d%n", w, h, &maxval, &off), 3);
	assert_int_equal(maxval, 255);
	px = malloc((size_t)*w * (size_t)*h);
	assert_non_null(px);
	memcpy(px, out + off + 1, (size_t)*w * (size_t)*h);
	free(out);
	return px;
}

/* Width in millimetres of the QR code on the page: rows with a dark run of at
 * least 8 mm (a finder pattern; no glyph is that wide) and under 100 mm (the
 * rule under the heading) span the symbol from edge to edge. */
static double qr_width_mm(const char *pdf)
{
	int w, h, left = -1, right = -1;
	unsigned char *px = page_pgm(pdf, &w, &h);
	const double mm = 150 / 25.4;

	for (int y = 0; y < h; y++) {
		const unsigned char *row = px + (size_t)y * (size_t)w;
		int longest = 0, first = -1, last = -1;
		for (int x = 0, run_len = 0; x < w; x++) {
			run_len = row[x] < 128 ? run_len + 1 : 0;
			if (run_len > longest)
				longest = run_len;
			if (row[x] < 128) {
				if (first < 0)
					first = x;
				last = x;
			}
		}
		if (longest < 8 * mm || longest > 100 * mm)
			continue;
		if (left < 0 || first < left)
			left = first;
		if (last > right)
			right = last;
	}
	free(px);
	return left < 0 ? 0 : (right - left + 1) / mm;
}

/* What the PDF tells assistive technology (tests/e2e/pdf.py): its language, whether it is tagged, its structure. */
static char *pdf_access(const char *pdf)
{
	char cmd[512], *out;

	snprintf(cmd, sizeof(cmd), "tests/e2e/pdf.py '%s'", pdf);
	assert_int_equal(run(cmd, &out), 0);
	return out;
}

/* Draws t, checks the page, and gives its text (pdf_text) and what it tells assistive technology (pdf_access). */
static void check_ticket(const struct pdf_ticket *t, char **text, char **access)
{
	struct buf b = {0};
	const char *pdf = tmp("ticket.pdf");
	char cmd[512], *out;

	assert_int_equal(pdf_ticket(&b, t), 0);
	assert_memory_equal(b.p, "%PDF-", 5);
	save(pdf, &b);
	buf_free(&b);
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", pdf);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out, "Pages:           1\n"));
	assert_non_null(strstr(out, "(A4)"));
	free(out);
	*text = pdf_text(pdf);
	*access = pdf_access(pdf);
	snprintf(cmd, sizeof(cmd), "cd '%s' && pdftoppm -r 150 -png ticket.pdf page 2>/dev/null", tmpdir);
	assert_int_equal(run(cmd, &out), 0);
	free(out);
	out = zbar(tmp("page-1.png"));
	if (t->url != NULL) {
		assert_non_null(out);
		assert_string_equal(out, t->url);
		assert_true(qr_width_mm(pdf) >= 60);
	} else
		assert_null(out);
	free(out);
	unlink(tmp("page-1.png"));
	unlink(pdf);
}

static void test_ticket(void **state)
{
	struct pdf_ticket t = {
		.title = "Семинар «Охрана труда в образовательных организациях: новые требования 2026 года и "
			 "практика их применения»",
		.name = "Иванова Мария Петровна",
		.organization = "МБОУ «Средняя общеобразовательная школа № 12 имени А. С. Пушкина»",
		.when = "12 декабря 2026, 10:00 — 13 декабря 2026, 17:00",
		.where = "г. Энск, ул. Ленина, 1, актовый зал",
		.mode = "очно",
		.code_text = "AbC-dEf_123",
		.url = URL,
		.qr_alt = "QR-код билета № 5, код билета AbC-dEf_123",
	};
	/* The reading order: top to bottom, the code's text after the code. */
	const char *order[] = {"Билет участника", t.title, t.name,        t.organization,        t.when,
			       t.where,           t.mode,  "AbC-dEf_123", "Покажите этот QR-код"};
	const char *at;
	char *text, *access;

	(void)state;
	check_ticket(&t, &text, &access);
	/* Tagged in that order, the QR code a figure whose text gives the ticket's number, in Russian. */
	assert_string_equal(access, "Lang: ru-RU\nMarked: true\nDocument\n  H1\n  H2\n  P\n  P\n  P\n  P\n  P\n"
				    "  Figure: QR-код билета № 5, код билета AbC-dEf_123\n  P\n  P\n");
	at = text;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((at = strstr(at, order[i])) == NULL)
			fail_msg("«%s» is missing or out of order in «%s»", order[i], text);
		at += strlen(order[i]);
	}
	assert_non_null(strstr(text, "Билет участника"));
	assert_non_null(strstr(text, t.title)); /* wrapped over lines, whole */
	assert_non_null(strstr(text, t.name));
	assert_non_null(strstr(text, t.organization));
	assert_non_null(strstr(text, t.when));
	assert_non_null(strstr(text, t.where));
	assert_non_null(strstr(text, "очно"));
	assert_non_null(strstr(text, "AbC-dEf_123"));
	assert_non_null(strstr(text, "Покажите этот QR-код на входе. Билет действителен только для указанного "
				     "участника."));
	assert_null(strstr(text, "…"));
	free(text);
	free(access);
}

static void test_ticket_long_and_missing_fields(void **state)
{
	struct buf title = {0}, word = {0};
	struct pdf_ticket t = {0};
	char *text, *access;

	(void)state;
	for (int i = 0; i < 200; i++)
		buf_adds(&title, "очень\tдлинное\nназвание ");
	for (int i = 0; i < 3000; i++)
		buf_adds(&word, "Щ");
	t.title = title.p;
	t.name = "Петров Пётр";
	t.organization = word.p;
	t.where = "";
	t.url = "https://example.org/t/" URL;
	check_ticket(&t, &text, &access);
	/* Cut with an ellipsis; the code still reads past the text above it. */
	assert_non_null(strstr(text, "очень длинное название очень"));
	assert_non_null(strstr(text, "…"));
	assert_non_null(strstr(text, "ЩЩЩЩЩЩЩЩЩЩ"));
	assert_non_null(strstr(text, "Петров Пётр"));
	assert_null(strstr(text, "Место проведения"));
	assert_null(strstr(text, "Даты проведения"));
	assert_null(strstr(text, "Формат участия"));
	/* No text for the figure given: it has none. */
	assert_non_null(strstr(access, "\n  Figure\n"));
	free(text);
	free(access);
	/* Nothing but the footer, and no code at all. */
	memset(&t, 0, sizeof(t));
	check_ticket(&t, &text, &access);
	assert_non_null(strstr(text, "Билет участника"));
	assert_non_null(strstr(text, "Покажите этот QR-код"));
	assert_null(strstr(text, "Участник "));
	assert_string_equal(access, "Lang: ru-RU\nMarked: true\nDocument\n  H1\n  P\n");
	free(text);
	free(access);
	buf_free(&title);
	buf_free(&word);
}

/* A journal-like table: Cyrillic cells, dates, several pages, a cell too long cut. */
static void test_table(void **state)
{
	static const struct export_col cols[] = {
		{"n", "№", EX_INT, 5}, {"name", "ФИО", EX_TEXT, 30}, {"at", "Время прихода", EX_DATE, 17}};
	static const char head[] = "Lang: ru-RU\nMarked: true\nDocument\n  H1\n  Table\n";
	json_t *rows = json_array();
	struct buf b = {0};
	char *text, *info, path[256], cmd[400];
	int i;

	(void)state;
	for (i = 1; i <= 120; i++)
		json_array_append_new(
			rows,
			json_pack("{s:i, s:s, s:s}", "n", i, "name",
				  i == 7 ? "Иванова Мария Петровна — очень длинное имя, которое "
					   "никак не поместится в ширину своей колонки на странице, даже на широкой "
					   "альбомной странице формата A4 с мелким шрифтом"
					 : "Петров Пётр",
				  "at", "2026-12-12 10:02:33"));
	assert_int_equal(pdf_table(&b, "Журнал посещаемости", cols, 3, rows), 0);
	snprintf(path, sizeof(path), "%s", tmp("table.pdf"));
	save(path, &b);
	text = pdf_text(path);
	assert_non_null(strstr(text, "Журнал посещаемости"));
	assert_non_null(strstr(text, "12.12.2026 10:02"));
	assert_non_null(strstr(text, "Страница 2"));
	assert_non_null(strstr(text, "…"));
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | grep -c '^Pages: *[2-9]'", path);
	assert_int_equal(run(cmd, &info), 0);
	free(info);
	/* Its title, and its structure for screen readers: a heading and a table of header and data cells. */
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | grep -E '^(Title|Tagged):'", path);
	assert_int_equal(run(cmd, &info), 0);
	assert_string_equal(info, "Title:           Журнал посещаемости\nTagged:          yes\n");
	free(info);
	snprintf(
		cmd, sizeof(cmd),
		"pdfinfo -struct '%s' | grep -oE '^ *(H1|Table|TR|TH|TD)' | tr -d ' ' | LC_ALL=C sort | uniq -c | tr -s ' '",
		path);
	assert_int_equal(run(cmd, &info), 0);
	assert_string_equal(info, " 1 H1\n 360 TD\n 3 TH\n 121 TR\n 1 Table\n");
	free(info);
	info = pdf_access(path);
	assert_memory_equal(info, head, sizeof(head) - 1);
	free(text);
	free(info);
	unlink(path);
	/* Not an array: refused, the buffer untouched. */
	assert_int_equal(pdf_table(&b, NULL, cols, 3, json_object_get(rows, "x")), -1);
	json_decref(rows);
	buf_free(&b);
}

/* A refused ticket leaves the buffer as it was. */
static void test_ticket_errors(void **state)
{
	struct buf b = {0};
	struct pdf_ticket t = {.title = "Семинар", .name = "Иванова", .url = URL};
	const char *bad[] = {"\xff", "ok\xff", "\xd0"};

	(void)state;
	log_init("unit", LOG__MAX);
	buf_adds(&b, "before");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.url = bad[i];
		assert_int_equal(pdf_ticket(&b, &t), -1);
	}
	t.url = URL;
	t.name = "Иван\xc3(ова";
	assert_int_equal(pdf_ticket(&b, &t), -1);
	assert_string_equal(b.p, "before");
	assert_int_equal(b.len, 6);
	log_init("unit", LOG_INFO);
	buf_free(&b);
}

/* Cyrillic cut at a width: whole characters, the longest prefix that fits with its ellipsis. */
static void test_ellipsis(void **state)
{
	static const char text[] = "Иванова Мария Петровна, учитель начальных классов";
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
	cairo_t *cr = cairo_create(s);
	char line[sizeof(text) + 4], longer[sizeof(text) + 4];
	size_t n;

	(void)state;
	pdf_font(cr, "PT Sans", 0, 10, 0);
	memcpy(line, text, sizeof(text));
	pdf_ellipsis(cr, line, strlen(text), 80);
	n = strlen(line) - strlen("…");
	assert_true(n > 0 && n < strlen(text));
	assert_memory_equal(line, text, n);
	assert_string_equal(line + n, "…");
	assert_true(utf8_count(line, strlen(line)) > 0);
	assert_true(pdf_text_width(cr, line) <= 80);
	/* One character more does not fit. */
	memcpy(longer, text, n + pdf_char_len(text + n));
	memcpy(longer + n + pdf_char_len(text + n), "…", sizeof("…"));
	assert_true(pdf_text_width(cr, longer) > 80);
	/* Wide enough: the whole text, still with the ellipsis (more text followed). */
	memcpy(line, text, sizeof(text));
	pdf_ellipsis(cr, line, strlen(text), 10000);
	assert_memory_equal(line, text, strlen(text));
	assert_string_equal(line + strlen(text), "…");
	/* Nothing fits: the ellipsis alone. */
	memcpy(line, text, sizeof(text));
	pdf_ellipsis(cr, line, strlen(text), 1);
	assert_string_equal(line, "…");
	assert_int_equal(pdf_char_len("Ж"), 2);
	assert_int_equal(pdf_char_len("a"), 1);
	assert_int_equal(pdf_char_len("€"), 3);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

/* A table over several pages has its header row on each of them. */
static void test_table_header_every_page(void **state)
{
	static const struct export_col cols[] = {{"name", "Фамилия участника", EX_TEXT, 30},
						 {"org", "Организация участника", EX_TEXT, 30}};
	json_t *rows = json_array();
	struct buf b = {0};
	char path[256], cmd[400], *pages;
	int i, npages;

	(void)state;
	for (i = 1; i <= 200; i++)
		json_array_append_new(rows, json_pack("{s:s, s:s}", "name", "Петров", "org", "Школа № 1"));
	assert_int_equal(pdf_table(&b, "Журнал", cols, 2, rows), 0);
	snprintf(path, sizeof(path), "%s", tmp("pages.pdf"));
	save(path, &b);
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | sed -n 's/^Pages: *//p'", path);
	assert_int_equal(run(cmd, &pages), 0);
	npages = atoi(pages);
	free(pages);
	assert_true(npages >= 3);
	for (i = 1; i <= npages; i++) {
		char *text;
		snprintf(cmd, sizeof(cmd), "pdftotext -f %d -l %d -enc UTF-8 '%s' - 2>/dev/null", i, i, path);
		assert_int_equal(run(cmd, &text), 0);
		if (strstr(text, "Фамилия участника") == NULL || strstr(text, "Организация участника") == NULL)
			fail_msg("page %d of %d has no header row", i, npages);
		free(text);
	}
	unlink(path);
	json_decref(rows);
	buf_free(&b);
}

static int setup(void **state)
{
	(void)state;
	return tmp_make("test_pdf");
}

static int teardown(void **state)
{
	(void)state;
	return tmp_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket),
		cmocka_unit_test(test_ticket_long_and_missing_fields),
		cmocka_unit_test(test_ticket_errors),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_header_every_page),
		cmocka_unit_test(test_ellipsis),
	};

	return cmocka_run_group_tests_name("pdf", tests, setup, teardown);
}
