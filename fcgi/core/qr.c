/* QR codes through libqrencode: SVG, PNG with libpng, path data and the runs of dark modules for other drawings. */
#include "qr.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "log.h"
#include "text.h"

#define TEXT_MAX 1000
#define PX_MAX   16 /* a 1,000-byte code at 16 px is over 2,000 px wide: enough for any print */

QRcode *qr_encode(const char *fn, const char *text)
{
	size_t len = text != NULL ? strnlen(text, TEXT_MAX + 1) : 0;
	QRcode *q;

	if (len == 0 || len > TEXT_MAX) {
		log_msg(LOG_ERROR, NULL, "%s: text is empty or longer than %d bytes", fn, TEXT_MAX);
		return NULL;
	}
	if (utf8_count(text, len) < 0) {
		log_msg(LOG_ERROR, NULL, "%s: text is not UTF-8", fn);
		return NULL;
	}
	/* The QR_MODE_8 hint lets digits and upper-case runs use the denser modes;
	 * the rest, UTF-8 included, goes as bytes. */
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL)
		log_msg(LOG_ERROR, NULL, "%s: QRcode_encodeString: %s", fn, strerror(errno));
	return q;
}

static int px_ok(const char *fn, int module_px)
{
	if (module_px >= 1 && module_px <= PX_MAX)
		return 1;
	log_msg(LOG_ERROR, NULL, "%s: module_px %d is not within 1..%d", fn, module_px, PX_MAX);
	return 0;
}

/* One shape per run, not per module. */
void qr_runs(const QRcode *q, void (*fn)(void *, int x, int y, int n), void *arg)
{
	const int w = q->width;

	for (int y = 0; y < w; y++) {
		const unsigned char *row = q->data + (size_t)y * (size_t)w;
		for (int x = 0; x < w;) {
			int n = 0;
			while (x + n < w && (row[x + n] & 1))
				n++;
			if (n > 0) {
				fn(arg, x + QR_QUIET, y + QR_QUIET, n);
				x += n;
			} else
				x++;
		}
	}
}

#define DARK(q, x, y)                                                                                                  \
	((x) >= 0 && (y) >= 0 && (x) < (q)->width && (y) < (q)->width && ((q)->data[(y) * (q)->width + (x)] & 1))

void qr_outline(const QRcode *q, void (*corner)(void *, int x, int y, int first), void *arg)
{
	static const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1}; /* right, down, left, up */
	const int n = q->width + 1;
	unsigned char *out = calloc((size_t)n * (size_t)n, 1); /* per grid point: the directions of edges leaving it */

	if (out == NULL)
		abort();
	/* Each dark module's sides that face a light one (or the edge), clockwise: shared sides are left out. */
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++) {
			if (!DARK(q, x, y))
				continue;
			out[y * n + x] |= !DARK(q, x, y - 1) << 0;
			out[y * n + x + 1] |= !DARK(q, x + 1, y) << 1;
			out[(y + 1) * n + x + 1] |= !DARK(q, x, y + 1) << 2;
			out[(y + 1) * n + x] |= !DARK(q, x - 1, y) << 3;
		}
	/* Every grid point has as many edges in as out: following any edge left unused closes a loop. */
	for (int v = 0; v < n * n; v++)
		while (out[v] != 0) {
			int x = v % n, y = v / n, d = 0, was;
			while (!(out[v] & (1 << d)))
				d++;
			corner(arg, x + QR_QUIET, y + QR_QUIET, 1);
			do {
				out[y * n + x] &= (unsigned char)~(1 << d);
				x += dx[d];
				y += dy[d];
				was = d;
				if (y * n + x == v)
					break;
				while (!(out[y * n + x] & (1 << d)))
					d = (d + 1) & 3;
				if (d != was)
					corner(arg, x + QR_QUIET, y + QR_QUIET, 0);
			} while (1);
		}
	free(out);
}

static void svg_run(void *arg, int x, int y, int n)
{
	buf_addf(arg, "M%d %dh%dv1h-%dz", x, y, n, n);
}

/* Nothing of the text appears but the modules: the SVG can be inlined in a page. */
int qr_svg(struct buf *out, const char *text, int module_px)
{
	QRcode *q;
	int n;

	assert(out != NULL);
	if (!px_ok("qr_svg", module_px) || (q = qr_encode("qr_svg", text)) == NULL)
		return -1;
	n = q->width + 2 * QR_QUIET;
	buf_addf(out,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
		 "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
		 "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		 n * module_px, n * module_px, n, n, n, n);
	qr_runs(q, svg_run, out);
	buf_adds(out, "\"/></svg>\n");
	QRcode_free(q);
	return 0;
}

/* A run as a line through the middle of its row: stroked 1 module wide it covers the same squares
 * with half the points of an outline, and cairo writes PDF paths point by point (twice as fast). */
static void svg_line_run(void *arg, int x, int y, int n)
{
	buf_addf(arg, "M%d %d.5h%d", x, y, n);
}

int qr_path(struct buf *out, const char *text, int *modules)
{
	QRcode *q;

	assert(out != NULL && modules != NULL);
	if ((q = qr_encode("qr_path", text)) == NULL)
		return -1;
	*modules = q->width + 2 * QR_QUIET;
	qr_runs(q, svg_line_run, out);
	QRcode_free(q);
	return 0;
}

static void png_out(png_structp png, png_bytep data, size_t len)
{
	buf_add(png_get_io_ptr(png), data, len);
}

static void png_flush(png_structp png)
{
	(void)png;
}

/* Images made lately, per process: a ticket's code never changes, so its image asked for again costs a copy.
 * Direct-mapped by a hash of the text and the module size; at most PNG_SLOTS images of about a kilobyte. */
#define PNG_SLOTS 2048
struct png_slot {
	char *text; /* NULL: empty */
	int module_px;
	char *png;
	size_t len;
};
static struct png_slot png_slots[PNG_SLOTS];

static struct png_slot *png_slot_of(const char *text, int module_px)
{
	unsigned h = 2166136261u ^ (unsigned)module_px; /* FNV-1a */

	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 16777619u;
	return &png_slots[h % PNG_SLOTS];
}

/* A 1-bit greyscale PNG written row by row from the modules: ten times faster
 * than drawing a colour surface and letting cairo encode it. Each row of modules
 * is drawn once and written module_px times. */
static int png_make(struct buf *out, const char *text, int module_px)
{
	png_structp png;
	png_infop info;
	QRcode *q;
	unsigned char *volatile row = NULL;
	size_t start, rowbytes;
	int side, my, k;

	start = out->len;
	if ((q = qr_encode("qr_png", text)) == NULL)
		return -1;
	side = (q->width + 2 * QR_QUIET) * module_px;
	rowbytes = ((size_t)side + 7) / 8;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (png == NULL || info == NULL || setjmp(png_jmpbuf(png))) {
		log_msg(LOG_ERROR, NULL, "qr_png: libpng failed");
		png_destroy_write_struct(&png, &info);
		free(row);
		QRcode_free(q);
		out->len = start;
		if (out->cap > 0)
			out->p[start] = '\0';
		return -1;
	}
	row = malloc(rowbytes);
	if (row == NULL)
		abort();
	png_set_write_fn(png, out, png_out, png_flush);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (my = -QR_QUIET; my < q->width + QR_QUIET; my++) {
		int mx, x;
		memset(row, 0xff, rowbytes); /* 1 is white */
		for (mx = 0; my >= 0 && my < q->width && mx < q->width; mx++)
			for (x = (mx + QR_QUIET) * module_px;
			     (q->data[my * q->width + mx] & 1) && x < (mx + QR_QUIET + 1) * module_px; x++)
				row[x / 8] &= (unsigned char)~(0x80 >> (x % 8));
		for (k = 0; k < module_px; k++)
			png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	QRcode_free(q);
	return 0;
}

int qr_png(struct buf *out, const char *text, int module_px)
{
	struct png_slot *s;
	size_t start;

	assert(out != NULL);
	if (!px_ok("qr_png", module_px))
		return -1;
	s = text != NULL ? png_slot_of(text, module_px) : NULL;
	if (s != NULL && s->text != NULL && s->module_px == module_px && strcmp(s->text, text) == 0) {
		buf_add(out, s->png, s->len);
		return 0;
	}
	start = out->len;
	if (png_make(out, text, module_px) == -1)
		return -1;
	assert(s != NULL); /* png_make refuses no text */
	free(s->text);
	free(s->png);
	s->len = out->len - start;
	if ((s->text = strdup(text)) == NULL || (s->png = malloc(s->len)) == NULL)
		abort();
	memcpy(s->png, out->p + start, s->len);
	s->module_px = module_px;
	return 0;
}
