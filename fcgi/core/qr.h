/* QR codes (SVG, PNG, path data) and printable PDFs: tickets and tables. */
#ifndef QR_H
#define QR_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "export.h"

/* The code of a text (UTF-8, 1 to 1,000 bytes), error correction level M
 * (15% of the symbol may be damaged), with a quiet zone of 4 modules.
 * module_px is 1..16. Each appends to out and returns 0, or -1 (logged) with
 * out left as it was, when the text is empty, too long or not UTF-8. */

/* A standalone SVG document: a white square and one <path> of the dark
 * modules, viewBox in modules, width and height modules * module_px,
 * shape-rendering crispEdges. No input text appears in it but as modules, so
 * it can be inlined in a page. */
int qr_svg(struct buf *out, const char *text, int module_px);
/* A PNG image, black on white, (modules) * module_px pixels square. */
int qr_png(struct buf *out, const char *text, int module_px);
/* The dark modules as SVG path data to be stroked 1 unit wide with butt caps: each run of dark
 * modules is a line through the middle of its row ("M4 4.5h7..."), in module units with the quiet
 * zone, for embedding in another SVG document; *modules is the side of the symbol with its quiet zone. */
int qr_path(struct buf *out, const char *text, int *modules);

/* What a ticket shows; a NULL or empty field is left out. */
struct ticket_pdf {
	const char *title;        /* the seminar, wrapped over up to 4 lines */
	const char *name;         /* the participant */
	const char *organization; /* these four: up to 2 lines each */
	const char *when, *where, *mode;
	const char *code_text; /* printed in small monospace under the code */
	const char *url;       /* what the QR code holds (the limits of qr_svg apply) */
};
/* Appends a PDF of one A4 portrait page: «Билет участника», the fields, a QR
 * code of url 64 mm wide (vector), code_text, and a footer telling to show
 * the code at the door. Text is set in PT Sans (fontconfig substitutes a font
 * when it is missing); a line too long is cut with an ellipsis. Returns 0, or
 * -1 (logged) with out left as it was, when a field is not UTF-8 or url is
 * not a valid QR text. */
int ticket_pdf(struct buf *out, const struct ticket_pdf *t);
/* Appends a printable PDF of rows (A4 landscape): title on the first page, the
 * header row on every page, column widths in proportion to cols[].width, a cell
 * too long cut with an ellipsis, page numbers. Returns 0, or -1 (logged). */
int table_pdf(struct buf *out, const char *title, const struct export_col *cols, size_t ncols, json_t *rows);

#endif
