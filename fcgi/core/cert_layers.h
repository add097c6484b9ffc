/* The fast drawing of certificate templates, shared by cert.c (compiling, filling) and cert_layers.c (the plan of
 * a template's layers and each page's layers): the compiled template and the buffers of filling. */
#ifndef CERT_LAYERS_H
#define CERT_LAYERS_H

#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"
#include "cert.h"
#include "pdf.h"

struct part;
/* A layer of the fast drawing (pdf_book_layers): an SVG document of the static elements, a text whose placeholders
 * are filled for each certificate (raw: as the template has it, "{{name}}" included), or the QR code. */
struct layer {
	enum pdf_layer_kind kind;
	struct pdf_svg *svg;
	struct pdf_style style;
	double x, y, w, h; /* a text's anchor on its (first) baseline; the QR code's rectangle */
	char *raw;
	int wrap; /* characters a line, 0: one line */
	enum cert_valign valign;
};
struct cert_tmpl {
	struct buf text;
	struct part *parts; /* cert.c */
	size_t nparts, cap;
	unsigned used;
	double w, h; /* the page in points */
	char *title;
	/* The fast drawing, when the template allows it (layers_plan); NULL: each page is the filled SVG by librsvg. */
	struct layer *layers;
	size_t nlayers;
	double m[4]; /* user space to points: scale x, y, then offset x, y */
	/* The first layer when it is SVG and more follow, drawn once (pdf_under) under every one-certificate PDF; NULL:
	 * no such layer, or it could not be. */
	struct pdfdoc_under *under;
};

/* The filled SVG of a certificate, and the buffers filling reuses from one certificate to the next. */
struct filling {
	struct buf filled, scratch, qr_d;
	/* The fast drawing's layers of a page, and their texts, NUL after each, at offs in lines. */
	struct pdf_layer *layers;
	size_t *offs, nlayers, cap;
	struct buf lines;
};

/* Breaks s into lines of at most width characters at spaces (a longer word is broken); calls line for each
 * (line NULL: only counts). Returns the number of lines. */
int cert_wrap(const char *s, int width, void (*line)(void *, const char *, size_t), void *arg);
/* Writes element n of a sanitised template, and what is inside it, as compiling writes it, into out. Returns 1
 * when nothing of it is filled for each certificate (no value, no QR code), 0 otherwise. */
int cert_static_svg(xmlNode *n, struct buf *out);
/* Writes the attributes of the template's root element as compiling writes them, into out. */
void cert_root_attributes(struct cert_tmpl *t, xmlNode *root, struct buf *out);
/* Plans the fast drawing of compiled template t from its sanitised document (t->layers NULL when it cannot). */
void cert_layers_plan(struct cert_tmpl *t, xmlDoc *doc);
void cert_layers_free(struct cert_tmpl *t);
/* The layers of one certificate into b->layers: its texts filled, and wrapped as the SVG filling wraps them. */
void cert_layers_fill(struct filling *b, const struct cert_tmpl *t, const struct cert_values *v);

#endif
