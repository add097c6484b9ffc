/* Certificate templates (SVG): sanitising, compiling and rendering PDFs. */
#ifndef CERT_H
#define CERT_H

#include <stddef.h>

#include "buf.h"

/* A template is an SVG document (Inkscape works): placeholders {{name}} anywhere in text, and an
 * element with id="qr" (a <rect> with x, y, width, height) that the QR code of the verification
 * URL replaces. Uploads are parsed from memory (no network, no DTD, no entities; a DOCTYPE is
 * refused) and reduced to an allow-list of SVG elements and attributes; only the sanitised form is
 * stored. The PDF is rendered in process with librsvg and cairo. */
enum cert_field {
	CF_FULL_NAME,     /* {{full_name}}      Иванова Мария Петровна */
	CF_FULL_NAME_DAT, /* {{full_name_dat}}  Ивановой Марии Петровне */
	CF_ORGANIZATION,  /* {{organization}} */
	CF_SEMINAR,       /* {{seminar}}        the title */
	CF_DATES,         /* {{dates}}          12–13 ноября 2026 г. */
	CF_HOURS,         /* {{hours}}          8 */
	CF_FORMAT,        /* {{format}}         очно / онлайн */
	CF_NUMBER,        /* {{number}}         48-2026-00017 */
	CF_ISSUED_ON,     /* {{issued_on}}      22 ноября 2026 г. */
	CF_ISSUER,        /* {{issuer}} */
	CF_SIGNATORY,     /* {{signatory}} */
	CF__MAX
};
/* The placeholder names, in the order of enum cert_field ("full_name", ...). */
extern const char *const cert_field_names[CF__MAX];
struct cert_values {
	const char *v[CF__MAX]; /* NULL prints as empty */
	const char *verify_url; /* what the QR code holds */
};
#define CERT_SVG_MAX   (2 * 1024 * 1024) /* an uploaded template */
#define CERT_IMAGE_MAX (1024 * 1024)     /* one embedded data: image */
/* Sanitises an uploaded template. Returns 0 with the clean SVG appended to out, or -1 with *why
 * saying in Russian what is wrong (not SVG, DOCTYPE, too big, no placeholders, ...). Elements
 * and attributes outside the allow-list are refused, not silently dropped, when they are
 * dangerous (script, foreignObject, on* attributes, external references); harmless unknown ones
 * (Inkscape's metadata, sodipodi:*, inkscape:*) are dropped. */
int cert_sanitize(struct buf *out, const char *svg, size_t len, const char **why);
/* (*why is a static string, or a static buffer that the next call overwrites.) */
struct cert_tmpl;
/* Compiles a sanitised template once: parsed, placeholders located. NULL with *why when it
 * cannot be used. The template is shared by every certificate rendered from it. */
struct cert_tmpl *cert_compile(const char *svg, size_t len, const char **why);
void cert_free(struct cert_tmpl *);
/* Bit (1u << f) for every cert_field the template uses. */
unsigned cert_fields_used(const struct cert_tmpl *);
/* The text of the template's <title> (its name as the designer gave it), or NULL. */
const char *cert_title(const struct cert_tmpl *);
/* Appends a one-page PDF of the filled template. Returns 0, or -1 (logged). */
int cert_pdf(struct buf *out, const struct cert_tmpl *, const struct cert_values *);
/* Many certificates as one PDF, a page each (for printing): open, add each, close. */
struct cert_book;
struct cert_book *cert_book_open(struct buf *out);
int cert_book_add(struct cert_book *, const struct cert_tmpl *, const struct cert_values *);
/* Finishes the PDF into out and frees the book. Returns 0, or -1 when any page failed. */
int cert_book_close(struct cert_book *);

#endif
