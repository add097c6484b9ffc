/* Every PDF the system draws, with cairo: the A4 ticket, tables (journals), and pages of filled SVG by librsvg
 * (certificates). */
#include "pdf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <librsvg/rsvg.h>

#include "log.h"
#include "pdfdoc.h"
#include "qr.h"
#include "text.h"

#define MM     (72.0 / 25.4)
#define FONT   "PT Sans"
#define MONO   "PT Mono"
#define PT_MAX 14400.0 /* the largest PDF page side: 200 inches */

/* ---------------------------------------------------------------- documents and text */

/* cairo's stream callback: the buffer grows or the process aborts, so it cannot fail. */
static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A PDF being drawn, appended to out from start; alt is the alternative text of its one figure, if it has one. */
struct pdf {
	struct buf *out;
	size_t start;
	cairo_surface_t *s;
	cairo_t *cr;
	const char *alt;
	const struct pdfdoc_under *under; /* under the first page, which is then not painted white */
	int pages;                        /* begun with pdf_page */
};

static void pdf_open(struct pdf *p, struct buf *out, double w, double h)
{
	p->out = out;
	p->start = out->len;
	p->alt = NULL;
	p->under = NULL;
	p->pages = 0;
	p->s = cairo_pdf_surface_create_for_stream(buf_write, out, w, h);
	p->cr = cairo_create(p->s);
}

/* Starts a page, white, before anything on it is tagged; the first one begins the structure tree's root (Document,
 * ended by pdf_close), under which drawings tag headings, paragraphs, tables and figures. The paint comes first because
 * cairo 1.16's recording of a page drops every command before a paint while the page is still empty or one that covers
 * it opaquely (librsvg paints groups so): tags begun before it would be lost, the PDF left untagged or failed. A page
 * over an underlay is not painted: the underlay has the white, and what is drawn over it begins with no paint. */
static void pdf_page(struct pdf *p)
{
	if (p->pages == 0 && p->under != NULL) {
		p->pages++;
		cairo_tag_begin(p->cr, "Document", NULL);
		return;
	}
	cairo_save(p->cr);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_paint(p->cr);
	cairo_restore(p->cr);
	if (p->pages++ == 0)
		cairo_tag_begin(p->cr, "Document", NULL);
}

/* Finishes the document and gives it its language and its figure's text (pdfdoc). Returns 0, or -1 with out left as
 * it was when failed is set or cairo (logged with who) or libqpdf failed. */
static int pdf_close(struct pdf *p, int failed, const char *who)
{
	cairo_status_t st;

	if (p->pages > 0)
		cairo_tag_end(p->cr, "Document");
	st = cairo_status(p->cr);
	cairo_destroy(p->cr);
	/* The document is written out here. */
	cairo_surface_finish(p->s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(p->s);
	cairo_surface_destroy(p->s);
	if (st != CAIRO_STATUS_SUCCESS)
		log_msg(LOG_ERROR, NULL, "%s: cairo: %s", who, cairo_status_to_string(st));
	if (!failed && st == CAIRO_STATUS_SUCCESS &&
	    pdfdoc_finish(p->out, p->start, PDFDOC_LANG, &p->alt, p->alt != NULL ? 1 : 0, p->under) == 0)
		return 0;
	p->out->len = p->start;
	if (p->out->cap > 0)
		p->out->p[p->start] = '\0';
	return -1;
}

size_t pdf_char_len(const char *s)
{
	size_t n = 1;

	while (((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

void pdf_font(cairo_t *cr, const char *family, int bold, double size, double grey)
{
	cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_set_source_rgb(cr, grey, grey, grey);
}

double pdf_text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

void pdf_ellipsis(cairo_t *cr, char *line, size_t n, double width)
{
	for (;;) {
		memcpy(line + n, "…", sizeof("…"));
		if (n == 0 || pdf_text_width(cr, line) <= width)
			return;
		do
			n--;
		while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80);
	}
}

/* ---------------------------------------------------------------- ticket: A4 portrait */

#define PAGE_W  (210 * MM)
#define PAGE_H  (297 * MM)
#define MARGIN  (20 * MM)
#define QR_SIDE (64 * MM) /* the symbol without its quiet zone: readable from a phone at arm's length */

/* Where the next line of text goes: lines are laid out from the top down and
 * never below limit. */
struct pen {
	cairo_t *cr;
	double y, limit;
	char *line; /* scratch, as long as the longest field plus an ellipsis */
};

/* Draws line at the pen with line height lh, centred or from the left margin.
 * When cut is set, more text followed that does not fit: the line gets an
 * ellipsis, dropping characters until it fits. */
static void pen_line(struct pen *p, char *line, double lh, int center, int cut)
{
	if (cut)
		pdf_ellipsis(p->cr, line, strlen(line), PAGE_W - 2 * MARGIN);
	p->y += lh;
	cairo_move_to(p->cr, center ? (PAGE_W - pdf_text_width(p->cr, line)) / 2 : MARGIN, p->y - lh * 0.25);
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
		if (pdf_text_width(p->cr, line) <= width) {
			n += wl;
			s = w + wl;
			continue;
		}
		if (n > 0) {
			/* The word goes to the next line. */
			line[--n] = '\0';
		} else {
			/* A word wider than a line: as many characters as fit, at least one. */
			size_t k = pdf_char_len(w);
			for (;;) {
				size_t next = k < wl ? k + pdf_char_len(w + k) : k;
				memcpy(line, w, next);
				line[next] = '\0';
				if (next == k || pdf_text_width(p->cr, line) > width)
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

static void qr_corner(void *cr, int x, int y, int first)
{
	(first ? cairo_move_to : cairo_line_to)(cr, x, y);
}

/* The dark modules of q, in user space of one unit a module, black: their outline (qr_outline) as one path filled
 * once, so no renderer shows seams, and cairo writes a few points of each shape (writing the points of a rectangle a
 * run, and compressing them, was a fifth of a certificate's time). */
static void qr_fill(cairo_t *cr, const QRcode *q)
{
	cairo_new_path(cr);
	qr_outline(q, qr_corner, cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_fill(cr);
}

/* The code with its quiet zone from (x, y), m points a module. */
static void cairo_qr(cairo_t *cr, const QRcode *q, double x, double y, double m)
{
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, m, m);
	qr_fill(cr, q);
	cairo_restore(cr);
}

/* pen_text as one structure element tag (H1, P, ...) of the tagged PDF. */
static void pen_tagged(struct pen *p, const char *tag, const char *s, double lh, int max_lines, int center)
{
	cairo_tag_begin(p->cr, tag, NULL);
	pen_text(p, s, lh, max_lines, center);
	cairo_tag_end(p->cr, tag);
}

/* A label in small grey type over its value, one paragraph. */
static void field(struct pen *p, const char *label, const char *value, int bold)
{
	if (value == NULL || value[0] == '\0')
		return;
	p->y += 8;
	cairo_tag_begin(p->cr, "P", NULL);
	pdf_font(p->cr, FONT, 0, 9.5, 0.4);
	pen_text(p, label, 13, 1, 0);
	pdf_font(p->cr, FONT, bold, bold ? 16 : 13, 0);
	pen_text(p, value, bold ? 19 : 16, 2, 0);
	cairo_tag_end(p->cr, "P");
}

/* Draws the page, tagged in reading order: the heading, the seminar, the fields, the QR code (a figure; its text is
 * given by pdf_close), the code in text and the footer. The rule under the heading stays outside the structure
 * (cairo 1.16 knows no Artifact tag), as does pdf_page's white. The caller checks the context's status. */
static void ticket_draw(cairo_t *cr, const struct pdf_ticket *t, const QRcode *q, char *scratch)
{
	static const char footer[] =
		"Покажите этот QR-код на входе. Билет действителен только для указанного участника.";
	struct pen p = {cr, MARGIN, 0, scratch};
	double footer_top = PAGE_H - MARGIN - 2 * 14;
	double code_top = footer_top - 20 - 2 * 13;
	double qr_top = code_top - 6 - QR_SIDE;

	/* Text above the code keeps clear of its quiet zone. */
	p.limit = qr_top - 4 * QR_SIDE / (q != NULL ? q->width : 21);
	pdf_font(cr, FONT, 1, 26, 0);
	pen_tagged(&p, "H1", "Билет участника", 32, 1, 0);
	p.y += 6;
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, MARGIN, p.y);
	cairo_line_to(cr, PAGE_W - MARGIN, p.y);
	cairo_stroke(cr);
	p.y += 8;
	if (t->title != NULL && t->title[0] != '\0') {
		pdf_font(cr, FONT, 1, 18, 0);
		pen_tagged(&p, "H2", t->title, 23, 4, 0);
		p.y += 6;
	}
	field(&p, "Участник", t->name, 1);
	field(&p, "Организация", t->organization, 0);
	field(&p, "Даты проведения", t->when, 0);
	field(&p, "Место проведения", t->where, 0);
	field(&p, "Формат участия", t->mode, 0);
	if (q != NULL) {
		cairo_tag_begin(cr, "Figure", NULL);
		cairo_qr(cr, q, (PAGE_W - QR_SIDE) / 2 - QR_QUIET * QR_SIDE / q->width,
			 qr_top - QR_QUIET * QR_SIDE / q->width, QR_SIDE / q->width);
		cairo_tag_end(cr, "Figure");
	}
	if (t->code_text != NULL && t->code_text[0] != '\0') {
		p.y = code_top;
		p.limit = footer_top;
		pdf_font(cr, MONO, 0, 10, 0.2);
		pen_tagged(&p, "P", t->code_text, 13, 2, 1);
	}
	p.y = footer_top;
	p.limit = PAGE_H;
	pdf_font(cr, FONT, 0, 10, 0.3);
	pen_tagged(&p, "P", footer, 14, 2, 1);
	cairo_show_page(cr);
}

int pdf_ticket(struct buf *out, const struct pdf_ticket *t)
{
	static const char *const names[] = {"title", "name", "organization", "when", "where", "mode", "code_text"};
	const char *fields[7];
	struct pdf pdf;
	QRcode *q = NULL;
	char *scratch;
	size_t longest = 256; /* the footer and the labels */
	int rc;

	assert(out != NULL && t != NULL);
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
			log_msg(LOG_ERROR, NULL, "pdf_ticket: %s is not UTF-8", names[i]);
			return -1;
		}
		if (n > longest)
			longest = n;
	}
	if (t->url != NULL && t->url[0] != '\0' && (q = qr_encode("pdf_ticket", t->url)) == NULL)
		return -1;
	scratch = malloc(longest + sizeof("…") + 1);
	if (scratch == NULL)
		abort();
	pdf_open(&pdf, out, PAGE_W, PAGE_H);
	pdf.alt = q != NULL ? t->qr_alt : NULL;
	cairo_pdf_surface_set_metadata(pdf.s, CAIRO_PDF_METADATA_TITLE, "Билет участника");
	pdf_page(&pdf);
	ticket_draw(pdf.cr, t, q, scratch);
	rc = pdf_close(&pdf, 0, "pdf_ticket");
	free(scratch);
	QRcode_free(q);
	return rc;
}

/* ---------------------------------------------------------------- tables: A4 landscape, a header row repeated on every
 * page, page numbers */

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
	if (n > 0 && pdf_text_width(cr, scratch) > width) {
		do
			n--;
		while (n > 0 && ((unsigned char)scratch[n] & 0xc0) == 0x80);
		pdf_ellipsis(cr, scratch, n, width);
	}
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, scratch);
}

/* The header row; tagged (TR of TH cells, for screen readers) on the first page, where the table starts. */
static void table_header(cairo_t *cr, const struct export_col *cols, size_t ncols, const double *w, double y,
			 char *scratch, int tagged)
{
	double x = T_MARGIN;
	size_t i;

	cairo_set_source_rgb(cr, 0.92, 0.94, 0.97);
	cairo_rectangle(cr, T_MARGIN, y, T_W - 2 * T_MARGIN, T_ROW + 4);
	cairo_fill(cr);
	pdf_font(cr, FONT, 1, 8.5, 0);
	if (tagged)
		cairo_tag_begin(cr, "TR", NULL);
	for (i = 0; i < ncols; i++) {
		if (tagged)
			cairo_tag_begin(cr, "TH", NULL);
		show_fit(cr, cols[i].title ? cols[i].title : cols[i].key, x + 2, y + T_ROW - 1, w[i] - 4, scratch);
		if (tagged)
			cairo_tag_end(cr, "TH");
		x += w[i];
	}
	if (tagged)
		cairo_tag_end(cr, "TR");
}

static void page_number(cairo_t *cr, int page)
{
	char s[32];

	pdf_font(cr, FONT, 0, 8, 0.4);
	snprintf(s, sizeof(s), "Страница %d", page);
	cairo_move_to(cr, T_W - T_MARGIN - pdf_text_width(cr, s), T_H - T_MARGIN / 2);
	cairo_show_text(cr, s);
}

int pdf_table(struct buf *out, const char *title, const struct export_col *cols, size_t ncols, json_t *rows)
{
	struct pdf pdf;
	cairo_t *cr;
	double w[64], total = 0, y;
	size_t i, c, longest = 64;
	json_t *row;
	char *scratch;
	int page = 1, rc;

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
	pdf_open(&pdf, out, T_W, T_H);
	pdf_page(&pdf);
	cr = pdf.cr;
	y = T_MARGIN;
	if (title != NULL) {
		cairo_pdf_surface_set_metadata(pdf.s, CAIRO_PDF_METADATA_TITLE, title);
		pdf_font(cr, FONT, 1, 13, 0);
		cairo_tag_begin(cr, "H1", NULL);
		show_fit(cr, title, T_MARGIN, y + 12, T_W - 2 * T_MARGIN, scratch);
		cairo_tag_end(cr, "H1");
		y += 24;
	}
	cairo_tag_begin(cr, "Table", NULL);
	table_header(cr, cols, ncols, w, y, scratch, 1);
	y += T_ROW + 4;
	json_array_foreach (rows, i, row) {
		double x = T_MARGIN;
		if (y + T_ROW > T_H - T_MARGIN) {
			page_number(cr, page++);
			cairo_show_page(cr);
			pdf_page(&pdf);
			y = T_MARGIN;
			table_header(cr, cols, ncols, w, y, scratch, 0);
			y += T_ROW + 4;
		}
		pdf_font(cr, FONT, 0, 8.5, 0);
		cairo_tag_begin(cr, "TR", NULL);
		for (c = 0; c < ncols; c++) {
			char tmp[64];
			cairo_tag_begin(cr, "TD", NULL);
			show_fit(cr, cell_text(json_object_get(row, cols[c].key), cols[c].kind, tmp, sizeof(tmp)),
				 x + 2, y + T_ROW - 3, w[c] - 4, scratch);
			cairo_tag_end(cr, "TD");
			x += w[c];
		}
		cairo_tag_end(cr, "TR");
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, T_MARGIN, y + T_ROW + 0.5);
		cairo_line_to(cr, T_W - T_MARGIN, y + T_ROW + 0.5);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
		y += T_ROW;
	}
	cairo_tag_end(cr, "Table");
	page_number(cr, page);
	rc = pdf_close(&pdf, 0, "pdf_table");
	free(scratch);
	return rc;
}

/* ---------------------------------------------------------------- pages of SVG */

struct pdf_book {
	struct pdf pdf;
	int failed;
};

struct pdf_book *pdf_book_open(struct buf *out, const char *title)
{
	struct pdf_book *b = calloc(1, sizeof(*b));

	if (b == NULL)
		abort();
	/* The size is set again for each page. */
	pdf_open(&b->pdf, out, 842, 595);
	cairo_pdf_surface_set_metadata(b->pdf.s, CAIRO_PDF_METADATA_TITLE, title);
	return b;
}

struct pdf_book *pdf_book_open_over(struct buf *out, const char *title, const struct pdfdoc_under *under)
{
	struct pdf_book *b = pdf_book_open(out, title);

	b->pdf.under = under;
	return b;
}

/* Starts a page of w x h points as a section of the structure tree (its text as text in drawing order). */
static cairo_t *book_page_begin(struct pdf_book *b, double w, double h)
{
	cairo_pdf_surface_set_size(b->pdf.s, w, h);
	pdf_page(&b->pdf);
	cairo_tag_begin(b->pdf.cr, "Sect", NULL);
	return b->pdf.cr;
}

/* Ends the page begun by book_page_begin; rc -1 (a drawing failed, logged) fails the book. Returns 0 or -1. */
static int book_page_end(struct pdf_book *b, int rc)
{
	cairo_t *cr = b->pdf.cr;

	cairo_tag_end(cr, "Sect");
	if (rc == 0 && cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		log_msg(LOG_ERROR, NULL, "pdf: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		rc = -1;
	}
	if (rc == -1) {
		b->failed = 1;
		return -1;
	}
	cairo_show_page(cr);
	return 0;
}

/* Draws rh over the page of w x h points. Returns 0, or -1 (logged). */
static int svg_draw(RsvgHandle *rh, cairo_t *cr, double w, double h)
{
	RsvgRectangle page = {0, 0, w, h};
	GError *err = NULL;

	if (rsvg_handle_render_document(rh, cr, &page, &err))
		return 0;
	log_msg(LOG_ERROR, NULL, "pdf: librsvg: %s", err ? err->message : "failed");
	if (err != NULL)
		g_error_free(err);
	return -1;
}

int pdf_book_page(struct pdf_book *b, const char *svg, size_t len, double w, double h)
{
	GError *err = NULL;
	RsvgHandle *rh = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
	cairo_t *cr = book_page_begin(b, w, h);
	int rc = 0;

	if (rh == NULL) {
		log_msg(LOG_ERROR, NULL, "pdf: librsvg: %s", err ? err->message : "failed");
		if (err != NULL)
			g_error_free(err);
		rc = -1;
	} else {
		rc = svg_draw(rh, cr, w, h);
		g_object_unref(rh);
	}
	return book_page_end(b, rc);
}

/* ---------------------------------------------------------------- pages of layers */

struct pdf_svg {
	RsvgHandle *rh;
};

struct pdf_svg *pdf_svg_load(const char *svg, size_t len)
{
	GError *err = NULL;
	struct pdf_svg *s;
	RsvgHandle *rh = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);

	if (rh == NULL) {
		log_msg(LOG_ERROR, NULL, "pdf: librsvg cannot load a layer: %s", err ? err->message : "?");
		if (err != NULL)
			g_error_free(err);
		return NULL;
	}
	if ((s = malloc(sizeof(*s))) == NULL)
		abort();
	s->rh = rh;
	return s;
}

void pdf_svg_free(struct pdf_svg *s)
{
	if (s == NULL)
		return;
	g_object_unref(s->rh);
	free(s);
}

struct pdfdoc_under *pdf_under(double w, double h, const struct pdf_svg *svg)
{
	struct buf pdf = {0};
	struct pdfdoc_under *u = NULL;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, &pdf, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_status_t st;
	int rc;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	rc = svg_draw(svg->rh, cr, w, h);
	cairo_show_page(cr);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS)
		log_msg(LOG_ERROR, NULL, "pdf_under: cairo: %s", cairo_status_to_string(st));
	else if (rc == 0)
		u = pdfdoc_under_load(pdf.p, pdf.len);
	buf_free(&pdf);
	return u;
}

/* A text layer set in glyphs, ready to be shown. */
struct shaped {
	cairo_scaled_font_t *font;
	cairo_glyph_t *glyphs;
	cairo_text_cluster_t *clusters;
	int nglyphs, nclusters;
	cairo_text_cluster_flags_t flags;
};

/* Selects the layer's font on cr (in user space) and sets its text in glyphs at its anchor. Returns 1, 0 when
 * the font lacks a character (glyph 0: the page is drawn another way), -1 when cairo refuses the text. */
static int shape(cairo_t *cr, const struct pdf_layer *l, struct shaped *g)
{
	const struct pdf_style *st = l->style;
	cairo_text_extents_t e;
	double width;
	int i;

	cairo_select_font_face(cr, st->family, st->italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
			       st->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, st->size);
	g->font = cairo_scaled_font_reference(cairo_get_scaled_font(cr));
	if (cairo_scaled_font_text_to_glyphs(g->font, l->x, l->y, l->text, -1, &g->glyphs, &g->nglyphs, &g->clusters,
					     &g->nclusters, &g->flags) != CAIRO_STATUS_SUCCESS)
		return -1;
	for (i = 0; i < g->nglyphs; i++)
		if (g->glyphs[i].index == 0)
			return 0;
	cairo_scaled_font_text_extents(g->font, l->text, &e);
	width = e.x_advance + (g->nglyphs > 1 ? st->spacing * (g->nglyphs - 1) : 0);
	for (i = 0; i < g->nglyphs; i++)
		g->glyphs[i].x += i * st->spacing - (st->anchor == PDF_MIDDLE ? width / 2
						     : st->anchor == PDF_END  ? width
									      : 0);
	return 1;
}

/* The QR code of text in the square that fits (x, y, w, h) in user space, centred: white, then the dark modules as
 * one path filled once. Returns 0, or -1 (logged) when text is no QR text. */
static int layer_qr(cairo_t *cr, const struct pdf_layer *l)
{
	QRcode *q = qr_encode("pdf_book_layers", l->text);
	double n, m;

	if (q == NULL)
		return -1;
	n = q->width + 2 * QR_QUIET;
	m = (l->w < l->h ? l->w : l->h) / n;
	cairo_save(cr);
	cairo_translate(cr, l->x + (l->w - n * m) / 2, l->y + (l->h - n * m) / 2);
	cairo_scale(cr, m, m);
	cairo_rectangle(cr, 0, 0, n, n);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill(cr);
	qr_fill(cr, q);
	cairo_restore(cr);
	QRcode_free(q);
	return 0;
}

int pdf_book_layers(struct pdf_book *b, double w, double h, const double m[4], const struct pdf_layer *layers, size_t n)
{
	struct shaped *g = calloc(n ? n : 1, sizeof(*g));
	cairo_t *cr = b->pdf.cr;
	cairo_matrix_t user;
	size_t i;
	int rc = 0, k;

	if (g == NULL)
		abort();
	cairo_matrix_init(&user, m[0], 0, 0, m[1], m[2], m[3]);
	/* Every text is set before anything is drawn: a page whose font lacks a character is left to the caller. */
	cairo_save(cr);
	cairo_set_matrix(cr, &user);
	for (i = 0; i < n && rc == 0; i++)
		if (layers[i].kind == PL_TEXT && (k = shape(cr, &layers[i], &g[i])) != 1)
			rc = k == 0 ? 1 : -1;
	cairo_restore(cr);
	if (rc == -1)
		log_msg(LOG_ERROR, NULL, "pdf: cairo cannot set a text in glyphs");
	if (rc == 0) {
		cr = book_page_begin(b, w, h);
		for (i = 0; i < n && rc == 0; i++) {
			const struct pdf_layer *l = &layers[i];
			if (l->kind == PL_SVG) {
				rc = svg_draw(l->svg->rh, cr, w, h);
				continue;
			}
			cairo_save(cr);
			cairo_set_matrix(cr, &user);
			if (l->kind == PL_QR)
				rc = layer_qr(cr, l);
			else {
				const struct pdf_style *st = l->style;
				cairo_set_scaled_font(cr, g[i].font);
				cairo_set_source_rgba(cr, st->rgba[0], st->rgba[1], st->rgba[2], st->rgba[3]);
				cairo_show_text_glyphs(cr, l->text, -1, g[i].glyphs, g[i].nglyphs, g[i].clusters,
						       g[i].nclusters, g[i].flags);
			}
			cairo_restore(cr);
		}
		rc = book_page_end(b, rc);
	}
	for (i = 0; i < n; i++) {
		cairo_scaled_font_destroy(g[i].font);
		cairo_glyph_free(g[i].glyphs);
		cairo_text_cluster_free(g[i].clusters);
	}
	free(g);
	return rc;
}

int pdf_book_close(struct pdf_book *b, int discard)
{
	int rc = pdf_close(&b->pdf, b->failed || discard, "pdf_book");

	free(b);
	return rc;
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure, (void)data, (void)len;
	return CAIRO_STATUS_SUCCESS;
}

enum pdf_svg_check pdf_svg_check(const char *svg, size_t len, double *w, double *h)
{
	GError *err = NULL;
	RsvgHandle *rh;
	gboolean has_w, has_h, has_vb;
	RsvgLength lw, lh;
	RsvgRectangle vb, page;
	cairo_surface_t *s;
	cairo_t *cr;
	int ok;

	*w = *h = 0;
	if ((rh = rsvg_handle_new_from_data((const guint8 *)svg, len, &err)) == NULL) {
		log_msg(LOG_WARN, NULL, "pdf: librsvg cannot load a document: %s", err ? err->message : "?");
		if (err != NULL)
			g_error_free(err);
		return PDF_SVG_UNREADABLE;
	}
	rsvg_handle_set_dpi(rh, 72.0);
	if (!rsvg_handle_get_intrinsic_size_in_pixels(rh, w, h)) {
		rsvg_handle_get_intrinsic_dimensions(rh, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
		*w = has_vb ? vb.width * 0.75 : 0; /* CSS pixels, 96 a inch */
		*h = has_vb ? vb.height * 0.75 : 0;
	}
	if (!(*w >= 1 && *h >= 1 && *w <= PT_MAX && *h <= PT_MAX)) {
		g_object_unref(rh);
		return PDF_SVG_NO_SIZE;
	}
	page = (RsvgRectangle){0, 0, *w, *h};
	s = cairo_pdf_surface_create_for_stream(discard, NULL, *w, *h);
	cr = cairo_create(s);
	ok = rsvg_handle_render_document(rh, cr, &page, &err) && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	g_object_unref(rh);
	if (!ok) {
		log_msg(LOG_WARN, NULL, "pdf: librsvg cannot render a document: %s", err ? err->message : "?");
		if (err != NULL)
			g_error_free(err);
		return PDF_SVG_UNDRAWABLE;
	}
	return PDF_SVG_OK;
}
