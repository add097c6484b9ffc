/* Certificate templates (SVG): compiled once, filled for each certificate and drawn as PDF pages. */
#ifndef CERT_H
#define CERT_H

#include <stddef.h>

#include "buf.h"
#include "cert_sanitize.h"

struct cert_values {
	const char *v[CF__MAX]; /* NULL prints as empty */
	const char *verify_url; /* what the QR code holds */
};
struct cert_tmpl;
/* Compiles a sanitised template once: parsed, placeholders located, the page size found and a
 * sample drawn. NULL with why saying in Russian what is wrong when it cannot be used (the input is
 * sanitised first: what cert_sanitize refuses is refused). The template is shared by every
 * certificate rendered from it. */
struct cert_tmpl *cert_compile(const char *svg, size_t len, char why[CERT_WHY]);
void cert_free(struct cert_tmpl *);
/* Bit (1u << f) for every cert_field the template uses. */
unsigned cert_fields_used(const struct cert_tmpl *);
/* Whether each page is drawn in layers (the plain texts of the template set by cairo over its other elements, drawn
 * by librsvg from documents parsed once), 0 when the filled SVG is laid out and drawn by librsvg for each page (a
 * text with a transform, CSS, Inkscape's style attributes, ...). Both draw the same page; layers take a tenth of the
 * time. */
int cert_layered(const struct cert_tmpl *);
/* The text of the template's <title> (its name as the designer gave it), or NULL. */
const char *cert_title(const struct cert_tmpl *);
/* Appends a one-page PDF of the filled template (drawn by pdf.c). Returns 0, or -1 (logged) with out
 * left as it was. */
int cert_pdf(struct buf *out, const struct cert_tmpl *, const struct cert_values *);
/* Many certificates as one PDF, a page each (for printing): open, add each, close. */
struct cert_book;
struct cert_book *cert_book_open(struct buf *out, const char *title);
int cert_book_add(struct cert_book *, const struct cert_tmpl *, const struct cert_values *);
/* Finishes the PDF into out and frees the book. Returns 0, or -1 when any page failed. */
int cert_book_close(struct cert_book *);

#endif
