/* Unit tests of fcgi/core/qr.c: SVG and PNG, read back by zbarimg and libxml2. */
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

/* The image of a text asked for again is the one kept, appended like a new one; another size is another image. */
static void test_png_kept(void **state)
{
	struct buf first = {0}, again = {0};

	(void)state;
	assert_int_equal(qr_png(&first, URL "/kept", 4), 0);
	buf_adds(&again, "kept");
	assert_int_equal(qr_png(&again, URL "/kept", 4), 0);
	assert_int_equal(again.len, first.len + 4);
	assert_memory_equal(again.p + 4, first.p, first.len);
	buf_reset(&again);
	assert_int_equal(qr_png(&again, URL "/kept", 2), 0);
	assert_int_equal(png_width(&again) * 2, png_width(&first));
	assert_decodes(&again, URL "/kept");
	buf_free(&first);
	buf_free(&again);
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

/* The corners of qr_outline's loops, as drawn: a loop's first corner starts a new one. */
struct outline {
	int xy[4096][2], first[4096], n;
};

static void outline_corner(void *arg, int x, int y, int first)
{
	struct outline *o = arg;

	assert_true(o->n < 4096);
	o->xy[o->n][0] = x;
	o->xy[o->n][1] = y;
	o->first[o->n++] = first;
}

static void outline_run(void *arg, int x, int y, int n)
{
	(void)x, (void)y, (void)n;
	++*(int *)arg;
}

/* The outline, filled by the non-zero rule, covers every dark module and nothing else (the quiet zone stays light),
 * with axis-parallel sides only, and fewer corners than four a run. */
static void test_outline(void **state)
{
	static const char *const texts[] = {URL, CYRILLIC, "1"};
	static struct outline o;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		QRcode *q = qr_encode("test", texts[i]);
		int side, runs = 0;

		assert_non_null(q);
		side = q->width + 2 * QR_QUIET;
		o.n = 0;
		qr_outline(q, outline_corner, &o);
		qr_runs(q, outline_run, &runs);
		assert_true(o.n > 0 && o.first[0]);
		assert_true(o.n < 4 * runs);
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++) {
				int mx = x - QR_QUIET, my = y - QR_QUIET, winding = 0;
				int dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
					   (q->data[my * q->width + mx] & 1);
				/* A ray from the module's centre to the right crosses the vertical sides. */
				for (int k = 0; k < o.n; k++) {
					int e = k + 1, x0 = o.xy[k][0], y0 = o.xy[k][1], x1, y1;
					if (e == o.n || o.first[e])
						while (!o.first[--e])
							;
					x1 = o.xy[e][0], y1 = o.xy[e][1];
					assert_true(x0 == x1 || y0 == y1);
					if (x0 == x1 && x0 > x && 2 * y + 1 > 2 * (y0 < y1 ? y0 : y1) &&
					    2 * y + 1 < 2 * (y0 < y1 ? y1 : y0))
						winding += y1 > y0 ? 1 : -1;
				}
				if ((winding != 0) != dark)
					fail_msg("%s: module (%d, %d) is %s but the outline says %d", texts[i], x, y,
						 dark ? "dark" : "light", winding);
			}
		QRcode_free(q);
	}
}

static void test_errors_leave_buffer(void **state)
{
	struct buf b = {0}, big = {0};

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
		}
	}
	big.p[1001] = '\0'; /* one byte too many */
	assert_int_equal(qr_svg(&b, big.p, 4), -1);
	assert_int_equal(qr_svg(&b, URL, 0), -1);
	assert_int_equal(qr_png(&b, URL, 17), -1);
	assert_int_equal(qr_png(&b, URL, -1), -1);
	assert_string_equal(b.p, "before");
	assert_int_equal(b.len, 6);
	big.p[1000] = '\0';
	assert_int_equal(qr_svg(&b, big.p, 16), 0);
	log_init("unit", LOG_INFO);
	buf_free(&big);
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
		cmocka_unit_test(test_png_url),
		cmocka_unit_test(test_png_kept),
		cmocka_unit_test(test_png_cyrillic_and_longest),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_outline),
		cmocka_unit_test(test_errors_leave_buffer),
	};

	return cmocka_run_group_tests_name("qr", tests, setup, teardown);
}
