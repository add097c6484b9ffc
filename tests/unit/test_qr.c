/* Unit tests of fcgi/core/qr.c: SVG, PNG and the PDF ticket, read back by zbarimg, pdftotext and libxml2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "log.h"
#include "qr.h"

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

static void assert_decodes(const struct buf *png, const char *text)
{
	const char *path = tmp("code.png");
	char *got;

	save(path, png);
	got = zbar(path);
	assert_non_null(got);
	assert_string_equal(got, text);
	free(got);
	unlink(path);
}

/* Width of a PNG from its IHDR chunk. */
static unsigned png_width(const struct buf *b)
{
	const unsigned char *p = (const unsigned char *)b->p;

	assert_true(b->len > 24);
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	return (unsigned)p[16] << 24 | (unsigned)p[17] << 16 | (unsigned)p[18] << 8 | p[19];
}

static void test_png_url(void **state)
{
	struct buf b = {0}, svg = {0};
	int modules;

	(void)state;
	assert_int_equal(qr_png(&b, URL, 4), 0);
	assert_decodes(&b, URL);
	/* The same code as the SVG's: as many pixels as modules times module_px. */
	assert_int_equal(qr_svg(&svg, URL, 1), 0);
	assert_non_null(strstr(svg.p, "viewBox=\"0 0 "));
	modules = atoi(strstr(svg.p, "viewBox=\"0 0 ") + 13);
	assert_true(modules >= 21 + 8);
	assert_int_equal(png_width(&b), modules * 4);
	buf_reset(&b);
	assert_int_equal(qr_png(&b, URL, 1), 0);
	assert_int_equal(png_width(&b), modules);
	buf_free(&svg);
	buf_free(&b);
}

static void test_png_cyrillic_and_longest(void **state)
{
	struct buf b = {0}, text = {0};

	(void)state;
	buf_adds(&b, "kept");
	assert_int_equal(qr_png(&b, CYRILLIC, 3), 0);
	assert_memory_equal(b.p, "kept", 4);
	b.len -= 4;
	memmove(b.p, b.p + 4, b.len);
	assert_decodes(&b, CYRILLIC);
	/* 1,000 bytes, the most accepted: mixed Cyrillic and ASCII. */
	while (text.len + 12 <= 1000)
		buf_adds(&text, "Код-Ж 0123 ");
	while (text.len < 1000)
		buf_addc(&text, 'x');
	assert_int_equal(text.len, 1000);
	buf_reset(&b);
	assert_int_equal(qr_png(&b, text.p, 3), 0);
	assert_decodes(&b, text.p);
	buf_free(&text);
	buf_free(&b);
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* Renders the SVG with rsvg-convert, or librsvg through Python's gi; returns 0 when neither is there. */
static int svg_raster(const char *svg, const char *png)
{
	static const char py[] =
		"import sys, gi\n"
		"gi.require_version(\"Rsvg\", \"2.0\")\n"
		"from gi.repository import Rsvg\n"
		"Rsvg.Handle.new_from_file(sys.argv[1]).get_pixbuf().savev(sys.argv[2], \"png\", [], [])\n";
	char cmd[1024], *out;
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "{ rsvg-convert -o '%s' '%s' || /usr/bin/python3 -c '%s' '%s' '%s'; } >/dev/null 2>&1 && echo ok", png,
		 svg, py, svg, png);
	rc = run(cmd, &out);
	free(out);
	return rc == 0;
}

static void test_svg(void **state)
{
	static const char *const texts[] = {URL, CYRILLIC, "<script>alert(1)</script>&amp;\"'"};
	struct buf b = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		xmlDoc *doc;
		xmlNode *root;
		xmlChar *w, *h, *vb, *sr;
		int n = 0;
		char want[32], *got;

		buf_reset(&b);
		assert_int_equal(qr_svg(&b, texts[i], 5), 0);
		assert_int_equal(strlen(b.p), b.len);
		doc = xmlReadMemory(b.p, (int)b.len, "qr.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
		assert_non_null(doc);
		root = xmlDocGetRootElement(doc);
		assert_string_equal((const char *)root->name, "svg");
		assert_string_equal((const char *)root->ns->href, "http://www.w3.org/2000/svg");
		w = xmlGetProp(root, BAD_CAST "width");
		h = xmlGetProp(root, BAD_CAST "height");
		vb = xmlGetProp(root, BAD_CAST "viewBox");
		sr = xmlGetProp(root, BAD_CAST "shape-rendering");
		assert_int_equal(sscanf((const char *)vb, "0 0 %d", &n), 1);
		assert_true(n >= 29);
		snprintf(want, sizeof(want), "0 0 %d %d", n, n);
		assert_string_equal((const char *)vb, want);
		snprintf(want, sizeof(want), "%d", n * 5);
		assert_string_equal((const char *)w, want);
		assert_string_equal((const char *)h, want);
		assert_string_equal((const char *)sr, "crispEdges");
		xmlFree(w);
		xmlFree(h);
		xmlFree(vb);
		xmlFree(sr);
		xmlFreeDoc(doc);
		/* One path for all modules, and nothing of the input as text. */
		assert_int_equal(count(b.p, "<path"), 1);
		assert_int_equal(count(b.p, "<"), 5); /* <?xml, <svg, <rect, <path, </svg */
		assert_null(strstr(b.p, "AbC"));
		assert_null(strstr(b.p, "script"));
		assert_null(strstr(b.p, "\xd0"));
		save(tmp("code.svg"), &b);
		if (svg_raster(tmp("code.svg"), tmp("svg.png"))) {
			got = zbar(tmp("svg.png"));
			assert_non_null(got);
			assert_string_equal(got, texts[i]);
			free(got);
			unlink(tmp("svg.png"));
		}
		unlink(tmp("code.svg"));
	}
	buf_free(&b);
}

static void test_errors_leave_buffer(void **state)
{
	struct buf b = {0}, big = {0};
	struct ticket_pdf t = {.title = "Семинар", .name = "Иванова", .url = URL};

	(void)state;
	log_init("unit", LOG__MAX);
	buf_adds(&b, "before");
	while (big.len < 2000)
		buf_addc(&big, 'a');
	{
		const char *bad[] = {"", NULL, big.p, "ok\xff", "\xd0"};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(qr_svg(&b, bad[i], 4), -1);
			assert_int_equal(qr_png(&b, bad[i], 4), -1);
			t.url = bad[i] != NULL && bad[i][0] != '\0' ? bad[i] : "\xff";
			assert_int_equal(ticket_pdf(&b, &t), -1);
		}
	}
	big.p[1001] = '\0'; /* one byte too many */
	assert_int_equal(qr_svg(&b, big.p, 4), -1);
	assert_int_equal(qr_svg(&b, URL, 0), -1);
	assert_int_equal(qr_png(&b, URL, 17), -1);
	assert_int_equal(qr_png(&b, URL, -1), -1);
	t.url = URL;
	t.name = "Иван\xc3(ова";
	assert_int_equal(ticket_pdf(&b, &t), -1);
	assert_string_equal(b.p, "before");
	assert_int_equal(b.len, 6);
	big.p[1000] = '\0';
	assert_int_equal(qr_svg(&b, big.p, 16), 0);
	log_init("unit", LOG_INFO);
	buf_free(&big);
	buf_free(&b);
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

static void check_ticket(const struct ticket_pdf *t, char **text)
{
	struct buf b = {0};
	const char *pdf = tmp("ticket.pdf");
	char cmd[512], *out;

	assert_int_equal(ticket_pdf(&b, t), 0);
	assert_memory_equal(b.p, "%PDF-", 5);
	save(pdf, &b);
	buf_free(&b);
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", pdf);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out, "Pages:           1\n"));
	assert_non_null(strstr(out, "(A4)"));
	free(out);
	*text = pdf_text(pdf);
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
	struct ticket_pdf t = {
		.title = "Семинар «Охрана труда в образовательных организациях: новые требования 2026 года и "
			 "практика их применения»",
		.name = "Иванова Мария Петровна",
		.organization = "МБОУ «Средняя общеобразовательная школа № 12 имени А. С. Пушкина»",
		.when = "12 декабря 2026, 10:00 — 13 декабря 2026, 17:00",
		.where = "г. Энск, ул. Ленина, 1, актовый зал",
		.mode = "очно",
		.code_text = "AbC-dEf_123",
		.url = URL,
	};
	char *text;

	(void)state;
	check_ticket(&t, &text);
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
}

static void test_ticket_long_and_missing_fields(void **state)
{
	struct buf title = {0}, word = {0};
	struct ticket_pdf t = {0};
	char *text;

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
	check_ticket(&t, &text);
	/* Cut with an ellipsis; the code still reads past the text above it. */
	assert_non_null(strstr(text, "очень длинное название очень"));
	assert_non_null(strstr(text, "…"));
	assert_non_null(strstr(text, "ЩЩЩЩЩЩЩЩЩЩ"));
	assert_non_null(strstr(text, "Петров Пётр"));
	assert_null(strstr(text, "Место проведения"));
	assert_null(strstr(text, "Даты проведения"));
	assert_null(strstr(text, "Формат участия"));
	free(text);
	/* Nothing but the footer, and no code at all. */
	memset(&t, 0, sizeof(t));
	check_ticket(&t, &text);
	assert_non_null(strstr(text, "Билет участника"));
	assert_non_null(strstr(text, "Покажите этот QR-код"));
	assert_null(strstr(text, "Участник "));
	free(text);
	buf_free(&title);
	buf_free(&word);
}

/* A journal-like table: Cyrillic cells, dates, several pages, a cell too long cut. */
static void test_table(void **state)
{
	static const struct export_col cols[] = {
		{"n", "№", EX_INT, 5}, {"name", "ФИО", EX_TEXT, 30}, {"at", "Время прихода", EX_DATE, 17}};
	json_t *rows = json_array();
	struct buf b = {0};
	char *text, *info, path[256], cmd[320];
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
	assert_int_equal(table_pdf(&b, "Журнал посещаемости", cols, 3, rows), 0);
	snprintf(path, sizeof(path), "%s", tmp("table.pdf"));
	save(path, &b);
	text = pdf_text(path);
	assert_non_null(strstr(text, "Журнал посещаемости"));
	assert_non_null(strstr(text, "12.12.2026 10:02"));
	assert_non_null(strstr(text, "Страница 2"));
	assert_non_null(strstr(text, "…"));
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | grep -c '^Pages: *[2-9]'", path);
	assert_int_equal(run(cmd, &info), 0);
	free(text);
	free(info);
	unlink(path);
	/* Not an array: refused, the buffer untouched. */
	assert_int_equal(table_pdf(&b, NULL, cols, 3, json_object_get(rows, "x")), -1);
	json_decref(rows);
	buf_free(&b);
}

static int setup(void **state)
{
	(void)state;
	return tmp_make("test_qr");
}

static int teardown(void **state)
{
	(void)state;
	return tmp_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_url), cmocka_unit_test(test_png_cyrillic_and_longest),
		cmocka_unit_test(test_svg),     cmocka_unit_test(test_errors_leave_buffer),
		cmocka_unit_test(test_ticket),  cmocka_unit_test(test_ticket_long_and_missing_fields),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("qr", tests, setup, teardown);
}
