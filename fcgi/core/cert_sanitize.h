/* The upload checks of certificate templates: an SVG reduced to an allow-list, its placeholders checked. */
#ifndef CERT_SANITIZE_H
#define CERT_SANITIZE_H

#include <stddef.h>

#include "buf.h"

/* A template is an SVG document (Inkscape works): placeholders {{name}} anywhere in text, and an
 * element with id="qr" (a <rect> with x, y, width, height) that the QR code of the verification
 * URL replaces. Uploads are parsed from memory (no network, no DTD, no entities; a DOCTYPE is
 * refused) and reduced to an allow-list of SVG elements and attributes; only the sanitised form is
 * stored. */
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
#define CERT_SVG_MAX   (2 * 1024 * 1024) /* an uploaded template */
#define CERT_IMAGE_MAX (1024 * 1024)     /* one embedded data: image */
#define CERT_WHY       1024              /* room for a reason of refusal, with its terminating NUL */
/* Sanitises an uploaded template. Returns 0 with the clean SVG appended to out, or -1 with out left
 * as it was and why saying in Russian what is wrong (not SVG, DOCTYPE, too big, no placeholders,
 * ...). Elements and attributes outside the allow-list are refused, not silently dropped, when they
 * are dangerous (script, foreignObject, on* attributes, external references); harmless unknown ones
 * (Inkscape's metadata, sodipodi:*, inkscape:*) are dropped. Sanitising its own output gives the
 * same bytes again. */
int cert_sanitize(struct buf *out, const char *svg, size_t len, char why[CERT_WHY]);

/* What the compiler (cert.c) shares with the sanitiser, to read and write what it wrote. */
#define CERT_SVG_NS   "http://www.w3.org/2000/svg"
#define CERT_XLINK_NS "http://www.w3.org/1999/xlink"
/* How a clean document starts, and the namespaces its root element declares. */
#define CERT_XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define CERT_ROOT_NS  " xmlns=\"" CERT_SVG_NS "\" xmlns:xlink=\"" CERT_XLINK_NS "\""
/* The libxml2 options both parse with: no network, CDATA as text, quiet. */
#define CERT_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
/* At p (which starts with "{{"): a placeholder "{{ name }}" of *len bytes; returns its enum
 * cert_field, -2 for an unknown name (*name and *nlen set), or -1 when this is no placeholder. */
int cert_placeholder(const char *p, size_t *len, const char **name, size_t *nlen);
/* Appends s XML-escaped; attribute values (attr set) also keep tabs and line breaks through a re-parse. */
void cert_esc(struct buf *, const char *s, size_t n, int attr);
/* Closes element name whose start tag ("<name ...>") begins at out->len == open + 1 of out: "/>"
 * when nothing was written inside it and empty is set, "</name>" otherwise. */
void cert_close(struct buf *out, size_t open, const char *name, int empty);
/* data-wrap="N": N characters a line, 1 to 999; 0 when v is not that. */
int cert_wrap_width(const char *v);
/* data-valign: where a wrapped block lies, from y, around it or up to it. */
enum cert_valign { CV_TOP, CV_MIDDLE, CV_BOTTOM, CV__MAX };
/* The enum cert_valign that v names, or -1. */
int cert_valign(const char *v);

#endif
