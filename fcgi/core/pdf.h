/* Every PDF the system draws: tickets, tables (journals) and pages of filled SVG (certificates); each titled, tagged
 * and marked as Russian (pdfdoc.h). */
#ifndef PDF_H
#define PDF_H

#include <stddef.h>

#include <cairo.h>
#include <jansson.h>

#include "buf.h"
#include "export.h"

/* What a ticket shows; a NULL or empty field is left out. */
struct pdf_ticket {
	const char *title;        /* the seminar, wrapped over up to 4 lines */
	const char *name;         /* the participant */
	const char *organization; /* these four: up to 2 lines each */
	const char *when, *where, *mode;
	const char *code_text; /* printed in small monospace under the code */
	const char *url;       /* what the QR code holds (the limits of qr_svg apply) */
	const char *qr_alt;    /* the QR code's alternative text (what it is, the ticket's number) */
};
/* Appends a tagged PDF of one A4 portrait page: «Билет участника», the fields, a QR
 * code of url 64 mm wide (vector; a figure with qr_alt as its text), code_text, and a
 * footer telling to show the code at the door. Text is set in PT Sans (fontconfig
 * substitutes a font when it is missing); a line too long is cut with an ellipsis. Returns 0, or
 * -1 (logged) with out left as it was, when a field is not UTF-8 or url is
 * not a valid QR text. */
int pdf_ticket(struct buf *out, const struct pdf_ticket *t);
/* Appends a printable PDF of rows (A4 landscape): title on the first page, the
 * header row on every page, column widths in proportion to cols[].width, a cell
 * too long cut with an ellipsis, page numbers. Returns 0, or -1 (logged) with out
 * left as it was. */
int pdf_table(struct buf *out, const char *title, const struct export_col *cols, size_t ncols, json_t *rows);

/* Pages drawn from SVG documents by librsvg, each the size its caller gives in points. */
struct pdf_book;
/* Starts a PDF appended to out, titled title (the document's metadata, what a screen reader announces);
 * never NULL (allocation failure aborts). */
struct pdf_book *pdf_book_open(struct buf *out, const char *title);
struct pdfdoc_under;
/* pdf_book_open for a book whose first page goes over under (pdf_under; not freed by the book). */
struct pdf_book *pdf_book_open_over(struct buf *out, const char *title, const struct pdfdoc_under *under);
/* Draws svg (len bytes) on a new page of w x h points. Returns 0, or -1 (logged) when librsvg or
 * cairo cannot draw it; the book is then failed. */
int pdf_book_page(struct pdf_book *, const char *svg, size_t len, double w, double h);
/* Finishes the PDF into out and frees the book. Returns 0, or -1 with out left as it was when
 * any page failed, discard is set (the caller's own page failed) or cairo failed. */
int pdf_book_close(struct pdf_book *, int discard);
/* A page of layers drawn in order, for many pages from one template: SVG documents parsed once, texts set by cairo
 * (kept as text), QR codes drawn as vector paths. */
struct pdf_svg;
/* An SVG document parsed once for pdf_book_layers; NULL (logged) when librsvg cannot load it. */
struct pdf_svg *pdf_svg_load(const char *svg, size_t len);
void pdf_svg_free(struct pdf_svg *);
/* svg drawn over white, once, on a page of w x h points that goes under the first page of many books
 * (pdf_book_open_over); freed with pdfdoc_under_free. NULL (logged) when it cannot be drawn. */
struct pdfdoc_under *pdf_under(double w, double h, const struct pdf_svg *svg);
enum pdf_anchor { PDF_START, PDF_MIDDLE, PDF_END };
/* How a text is set, in the user space of the page's layers. */
struct pdf_style {
	const char *family;
	int bold, italic;
	double size, spacing; /* font size and letter spacing */
	enum pdf_anchor anchor;
	double rgba[4];
};
enum pdf_layer_kind {
	PL_SVG,  /* svg over the whole page */
	PL_TEXT, /* text (one line, UTF-8) in style with its anchor at the baseline point (x, y) */
	PL_QR,   /* the QR code of text (with its quiet zone, on white) in the square that fits (x, y, w, h), centred */
};
struct pdf_layer {
	enum pdf_layer_kind kind;
	const struct pdf_svg *svg;
	const struct pdf_style *style;
	double x, y, w, h;
	const char *text;
};
/* Draws a page of w x h points from layers in order; user space (texts and QR codes) is page space scaled by m[0]
 * horizontally and m[1] vertically, then moved by (m[2], m[3]). Returns 0; 1 when a text has a character its font
 * lacks (nothing drawn: draw the page another way); -1 (logged) when drawing failed, the book is then failed. */
int pdf_book_layers(struct pdf_book *, double w, double h, const double m[4], const struct pdf_layer *layers, size_t n);
/* What librsvg makes of an SVG document drawn on a PDF page. */
enum pdf_svg_check {
	PDF_SVG_OK,         /* w and h are its size in points, within 1 to 14,400 (200 inches) */
	PDF_SVG_UNREADABLE, /* librsvg cannot load it */
	PDF_SVG_NO_SIZE,    /* no size in width and height or the viewBox, or too big */
	PDF_SVG_UNDRAWABLE, /* loaded, but it cannot be drawn */
};
/* The page size from width and height (mm, cm, in, pt, px) or else the viewBox in px, and a trial
 * drawing (thrown away). Logs the failures of librsvg. */
enum pdf_svg_check pdf_svg_check(const char *svg, size_t len, double *w, double *h);

/* Text helpers of the drawings, public for their tests. */
/* Byte length of the UTF-8 character at s. */
size_t pdf_char_len(const char *s);
/* Selects family (bold or regular) at size points, grey from 0 (black) to 1 (white). */
void pdf_font(cairo_t *cr, const char *family, int bold, double size, double grey);
/* The advance of s in the current font. */
double pdf_text_width(cairo_t *cr, const char *s);
/* Cuts the n bytes of text in line (a buffer of at least n + 4 bytes) to the longest prefix of
 * whole characters that fits within width in the current font with "…" after it, and terminates
 * it; the ellipsis alone when nothing fits. */
void pdf_ellipsis(cairo_t *cr, char *line, size_t n, double width);

#endif
