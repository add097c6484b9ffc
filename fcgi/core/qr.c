/* QR codes (SVG, PNG with libpng) through libqrencode, and printable PDFs through cairo: the A4 ticket, tables. */
#include "qr.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <png.h>
#include <qrencode.h>

#include "log.h"
#include "text.h"

#define QUIET    4 /* modules of white around the symbol, as ISO/IEC 18004 asks */
#define TEXT_MAX 1000
#define PX_MAX   16 /* a 1,000-byte code at 16 px is over 2,000 px wide: enough for any print */

/* A4 portrait in points. */
#define MM      (72.0 / 25.4)
#define PAGE_W  (210 * MM)
#define PAGE_H  (297 * MM)
#define MARGIN  (20 * MM)
#define QR_SIDE (64 * MM) /* the symbol without its quiet zone: readable from a phone at arm's length */
#define FONT    "PT Sans"
#define MONO    "PT Mono"

/* Returns the code, or NULL (logged) for text that is empty, too long or not UTF-8. */
static QRcode *qr_encode(const char *fn, const char *text)
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

/* Calls fn for each horizontal run of dark modules, in module coordinates
 * that include the quiet zone: one shape per run, not per module. */
static void qr_runs(const QRcode *q, void (*fn)(void *, int x, int y, int n), void *arg)
{
	const int w = q->width;

	for (int y = 0; y < w; y++) {
		const unsigned char *row = q->data + (size_t)y * (size_t)w;
		for (int x = 0; x < w;) {
			int n = 0;
			while (x + n < w && (row[x + n] & 1))
				n++;
			if (n > 0) {
				fn(arg, x + QUIET, y + QUIET, n);
				x += n;
			} else
				x++;
		}
	}
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
	n = q->width + 2 * QUIET;
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
	*modules = q->width + 2 * QUIET;
	qr_runs(q, svg_line_run, out);
	QRcode_free(q);
	return 0;
}

/* cairo's stream callback: the buffer grows or the process aborts, so it cannot fail. */
static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

struct cairo_qr {
	cairo_t *cr;
	double x, y, m; /* origin of the quiet zone, module size */
};

static void cairo_run(void *arg, int x, int y, int n)
{
	struct cairo_qr *c = arg;

	cairo_rectangle(c->cr, c->x + x * c->m, c->y + y * c->m, n * c->m, c->m);
}

/* All runs go into one path filled once, so no renderer shows seams between them. */
static void cairo_qr(cairo_t *cr, const QRcode *q, double x, double y, double m)
{
	struct cairo_qr c = {cr, x, y, m};

	cairo_new_path(cr);
	qr_runs(q, cairo_run, &c);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_fill(cr);
}

static void png_out(png_structp png, png_bytep data, size_t len)
{
	buf_add(png_get_io_ptr(png), data, len);
}

static void png_flush(png_structp png)
{
	(void)png;
}

/* A 1-bit greyscale PNG written row by row from the modules: ten times faster
 * than drawing a colour surface and letting cairo encode it. */
int qr_png(struct buf *out, const char *text, int module_px)
{
	png_structp png;
	png_infop info;
	QRcode *q;
	unsigned char *volatile row = NULL;
	size_t start;
	int side, y;

	assert(out != NULL);
	start = out->len;
	if (!px_ok("qr_png", module_px) || (q = qr_encode("qr_png", text)) == NULL)
		return -1;
	side = (q->width + 2 * QUIET) * module_px;
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
	row = malloc(((size_t)side + 7) / 8);
	if (row == NULL)
		abort();
	png_set_write_fn(png, out, png_out, png_flush);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		int my = y / module_px - QUIET, x;
		memset(row, 0xff, ((size_t)side + 7) / 8); /* 1 is white */
		for (x = 0; my >= 0 && my < q->width && x < side; x++) {
			int mx = x / module_px - QUIET;
			if (mx >= 0 && mx < q->width && (q->data[my * q->width + mx] & 1))
				row[x / 8] &= (unsigned char)~(0x80 >> (x % 8));
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	QRcode_free(q);
	return 0;
}

/* ---------------------------------------------------------------- ticket */

/* Where the next line of text goes: lines are laid out from the top down and
 * never below limit. */
struct pen {
	cairo_t *cr;
	double y, limit;
	char *line; /* scratch, as long as the longest field plus an ellipsis */
};

static double text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

/* Byte length of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
	size_t n = 1;

	while (((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Draws line at the pen with line height lh, centred or from the left margin.
 * When cut is set, more text followed that does not fit: the line gets an
 * ellipsis, dropping characters until it fits. */
static void pen_line(struct pen *p, char *line, double lh, int center, int cut)
{
	size_t n = strlen(line);

	if (cut) {
		for (;;) {
			memcpy(line + n, "…", sizeof("…"));
			if (n == 0 || text_width(p->cr, line) <= PAGE_W - 2 * MARGIN)
				break;
			do
				n--;
			while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80);
		}
	}
	p->y += lh;
	cairo_move_to(p->cr, center ? (PAGE_W - text_width(p->cr, line)) / 2 : MARGIN, p->y - lh * 0.25);
	cairo_show_text(p->cr, line);
}

/* Draws s in the current font wrapped to the text width: lines break at
 * spaces (any control character counts as one), a word wider than a line
 * breaks between characters, and at most max_lines lines are drawn (the last
 * one ends with an ellipsis when text is left over). Stops at the pen's limit. */
static void pen_text(struct pen *p, const char *s, double lh, int max_lines, int center)
{
	const double width = PAGE_W - 2 * MARGIN;
	char *line = p->line;
	size_t n = 0;
	int lines = 0;

	for (;;) {
		const char *w;
		size_t wl;

		while (*s != '\0' && (unsigned char)*s <= ' ')
			s++;
		if (*s == '\0')
			break;
		for (w = s, wl = 0; (unsigned char)w[wl] > ' '; wl++)
			;
		if (n > 0)
			line[n++] = ' ';
		memcpy(line + n, w, wl);
		line[n + wl] = '\0';
		if (text_width(p->cr, line) <= width) {
			n += wl;
			s = w + wl;
			continue;
		}
		if (n > 0) {
			/* The word goes to the next line. */
			line[--n] = '\0';
		} else {
			/* A word wider than a line: as many characters as fit, at least one. */
			size_t k = char_len(w);
			for (;;) {
				size_t next = k < wl ? k + char_len(w + k) : k;
				memcpy(line, w, next);
				line[next] = '\0';
				if (next == k || text_width(p->cr, line) > width)
					break;
				k = next;
			}
			line[k] = '\0';
			s = w + k;
		}
		if (p->y + lh > p->limit)
			return;
		pen_line(p, line, lh, center, ++lines == max_lines);
		if (lines == max_lines)
			return;
		n = 0;
	}
	if (n > 0 && p->y + lh <= p->limit)
		pen_line(p, line, lh, center, 0);
}

static void font(cairo_t *cr, const char *family, int bold, double size, double grey)
{
	cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_set_source_rgb(cr, grey, grey, grey);
}

/* A label in small grey type over its value. */
static void field(struct pen *p, const char *label, const char *value, int bold)
{
	if (value == NULL || value[0] == '\0')
		return;
	p->y += 8;
	font(p->cr, FONT, 0, 9.5, 0.4);
	pen_text(p, label, 13, 1, 0);
	font(p->cr, FONT, bold, bold ? 16 : 13, 0);
	pen_text(p, value, bold ? 19 : 16, 2, 0);
}

/* Draws the page; the caller checks the context's status. */
static void ticket_draw(cairo_t *cr, const struct ticket_pdf *t, const QRcode *q, char *scratch)
{
	static const char footer[] =
		"Покажите этот QR-код на входе. Билет действителен только для указанного участника.";
	struct pen p = {cr, MARGIN, 0, scratch};
	double footer_top = PAGE_H - MARGIN - 2 * 14;
	double code_top = footer_top - 20 - 2 * 13;
	double qr_top = code_top - 6 - QR_SIDE;

	/* Text above the code keeps clear of its quiet zone. */
	p.limit = qr_top - 4 * QR_SIDE / (q != NULL ? q->width : 21);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	font(cr, FONT, 1, 26, 0);
	pen_text(&p, "Билет участника", 32, 1, 0);
	p.y += 6;
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, MARGIN, p.y);
	cairo_line_to(cr, PAGE_W - MARGIN, p.y);
	cairo_stroke(cr);
	p.y += 8;
	if (t->title != NULL && t->title[0] != '\0') {
		font(cr, FONT, 1, 18, 0);
		pen_text(&p, t->title, 23, 4, 0);
		p.y += 6;
	}
	field(&p, "Участник", t->name, 1);
	field(&p, "Организация", t->organization, 0);
	field(&p, "Даты проведения", t->when, 0);
	field(&p, "Место проведения", t->where, 0);
	field(&p, "Формат участия", t->mode, 0);
	if (q != NULL)
		cairo_qr(cr, q, (PAGE_W - QR_SIDE) / 2 - QUIET * QR_SIDE / q->width,
			 qr_top - QUIET * QR_SIDE / q->width, QR_SIDE / q->width);
	if (t->code_text != NULL && t->code_text[0] != '\0') {
		p.y = code_top;
		p.limit = footer_top;
		font(cr, MONO, 0, 10, 0.2);
		pen_text(&p, t->code_text, 13, 2, 1);
	}
	p.y = footer_top;
	p.limit = PAGE_H;
	font(cr, FONT, 0, 10, 0.3);
	pen_text(&p, footer, 14, 2, 1);
	cairo_show_page(cr);
}

int ticket_pdf(struct buf *out, const struct ticket_pdf *t)
{
	static const char *const names[] = {"title", "name", "organization", "when", "where", "mode", "code_text"};
	const char *fields[7];
	cairo_surface_t *s;
	cairo_t *cr;
	cairo_status_t st;
	QRcode *q = NULL;
	char *scratch;
	size_t start, longest = 256; /* the footer and the labels */
	int rc = -1;

	assert(out != NULL && t != NULL);
	start = out->len;
	fields[0] = t->title;
	fields[1] = t->name;
	fields[2] = t->organization;
	fields[3] = t->when;
	fields[4] = t->where;
	fields[5] = t->mode;
	fields[6] = t->code_text;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t n;
		if (fields[i] == NULL)
			continue;
		n = strlen(fields[i]);
		/* cairo refuses a string that is not UTF-8 and the whole page with it. */
		if (utf8_count(fields[i], n) < 0) {
			log_msg(LOG_ERROR, NULL, "ticket_pdf: %s is not UTF-8", names[i]);
			return -1;
		}
		if (n > longest)
			longest = n;
	}
	if (t->url != NULL && t->url[0] != '\0' && (q = qr_encode("ticket_pdf", t->url)) == NULL)
		return -1;
	scratch = malloc(longest + sizeof("…") + 1);
	if (scratch == NULL)
		abort();
	s = cairo_pdf_surface_create_for_stream(buf_write, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Билет участника");
	cr = cairo_create(s);
	ticket_draw(cr, t, q, scratch);
	st = cairo_status(cr);
	cairo_destroy(cr);
	/* The document is written out here. */
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		log_msg(LOG_ERROR, NULL, "ticket_pdf: %s", cairo_status_to_string(st));
		goto out;
	}
	rc = 0;
out:
	free(scratch);
	QRcode_free(q);
	if (rc == -1 && out->cap > 0) {
		out->len = start;
		out->p[start] = '\0';
	}
	return rc;
}

/* ---- tables: A4 landscape, a header row repeated on every page, page numbers */

#define T_W      (297 * MM)
#define T_H      (210 * MM)
#define T_MARGIN (12 * MM)
#define T_ROW    14.0

/* A cell's text: numbers as digits, "YYYY-MM-DD HH:MM:SS" as "DD.MM.YYYY HH:MM". */
static const char *cell_text(json_t *v, enum export_kind kind, char *tmp, size_t n)
{
	const char *s;

	if (json_is_integer(v)) {
		snprintf(tmp, n, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, n, "%g", json_real_value(v));
		return tmp;
	}
	if (!json_is_string(v))
		return "";
	s = json_string_value(v);
	if (kind == EX_DATE && strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		if (strlen(s) >= 16)
			snprintf(tmp, n, "%.2s.%.2s.%.4s %.5s", s + 8, s + 5, s, s + 11);
		else
			snprintf(tmp, n, "%.2s.%.2s.%.4s", s + 8, s + 5, s);
		return tmp;
	}
	return s;
}

/* Shows s at (x, y), cut with an ellipsis to width; scratch holds strlen(s) + 4 bytes. */
static void show_fit(cairo_t *cr, const char *s, double x, double y, double width, char *scratch)
{
	size_t n = strlen(s);

	memcpy(scratch, s, n + 1);
	while (n > 0 && text_width(cr, scratch) > width) {
		do
			n--;
		while (n > 0 && ((unsigned char)scratch[n] & 0xc0) == 0x80);
		memcpy(scratch + n, "…", sizeof("…"));
	}
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, scratch);
}

static void table_header(cairo_t *cr, const struct export_col *cols, size_t ncols, const double *w, double y,
			 char *scratch)
{
	double x = T_MARGIN;
	size_t i;

	cairo_set_source_rgb(cr, 0.92, 0.94, 0.97);
	cairo_rectangle(cr, T_MARGIN, y, T_W - 2 * T_MARGIN, T_ROW + 4);
	cairo_fill(cr);
	font(cr, FONT, 1, 8.5, 0);
	for (i = 0; i < ncols; i++) {
		show_fit(cr, cols[i].title ? cols[i].title : cols[i].key, x + 2, y + T_ROW - 1, w[i] - 4, scratch);
		x += w[i];
	}
}

static void page_number(cairo_t *cr, int page)
{
	char s[32];

	font(cr, FONT, 0, 8, 0.4);
	snprintf(s, sizeof(s), "Страница %d", page);
	cairo_move_to(cr, T_W - T_MARGIN - text_width(cr, s), T_H - T_MARGIN / 2);
	cairo_show_text(cr, s);
}

int table_pdf(struct buf *out, const char *title, const struct export_col *cols, size_t ncols, json_t *rows)
{
	cairo_surface_t *sf;
	cairo_t *cr;
	double w[64], total = 0, y;
	size_t i, c, start = out->len, longest = 64;
	json_t *row;
	char *scratch;
	int page = 1, rc = 0;

	if (ncols == 0 || ncols > 64 || !json_is_array(rows))
		return -1;
	for (c = 0; c < ncols; c++)
		total += w[c] = cols[c].width > 0 ? cols[c].width : 15;
	for (c = 0; c < ncols; c++)
		w[c] = w[c] / total * (T_W - 2 * T_MARGIN);
	json_array_foreach (rows, i, row)
		for (c = 0; c < ncols; c++) {
			json_t *v = json_object_get(row, cols[c].key);
			if (json_is_string(v) && json_string_length(v) + 64 > longest)
				longest = json_string_length(v) + 64;
		}
	if (title && strlen(title) + 64 > longest)
		longest = strlen(title) + 64;
	if ((scratch = malloc(longest)) == NULL)
		abort();
	sf = cairo_pdf_surface_create_for_stream(buf_write, out, T_W, T_H);
	cr = cairo_create(sf);
	y = T_MARGIN;
	if (title != NULL) {
		font(cr, FONT, 1, 13, 0);
		show_fit(cr, title, T_MARGIN, y + 12, T_W - 2 * T_MARGIN, scratch);
		y += 24;
	}
	table_header(cr, cols, ncols, w, y, scratch);
	y += T_ROW + 4;
	json_array_foreach (rows, i, row) {
		double x = T_MARGIN;
		if (y + T_ROW > T_H - T_MARGIN) {
			page_number(cr, page++);
			cairo_show_page(cr);
			y = T_MARGIN;
			table_header(cr, cols, ncols, w, y, scratch);
			y += T_ROW + 4;
		}
		font(cr, FONT, 0, 8.5, 0);
		for (c = 0; c < ncols; c++) {
			char tmp[64];
			show_fit(cr, cell_text(json_object_get(row, cols[c].key), cols[c].kind, tmp, sizeof(tmp)),
				 x + 2, y + T_ROW - 3, w[c] - 4, scratch);
			x += w[c];
		}
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, T_MARGIN, y + T_ROW + 0.5);
		cairo_line_to(cr, T_W - T_MARGIN, y + T_ROW + 0.5);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
		y += T_ROW;
	}
	page_number(cr, page);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		log_msg(LOG_ERROR, NULL, "qr: table pdf: %s", cairo_status_to_string(cairo_surface_status(sf)));
		out->len = start;
		if (out->cap)
			out->p[start] = '\0';
		rc = -1;
	}
	cairo_surface_destroy(sf);
	free(scratch);
	return rc;
}
