/* Certificate templates: compiled once from their sanitised SVG into chunks and value slots, filled for each
 * certificate. */
#include "cert.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "log.h"
#include "pdf.h"
#include "qr.h"
#include "text.h"

/* A compiled template: literal chunks of the serialised SVG between the places values go. */
enum part_kind {
	P_TEXT,     /* bytes off..off+len of text, as they are (inside a wrap: raw text, escaped when filled) */
	P_FIELD,    /* a value, escaped */
	P_QR,       /* the rest of a nested <svg> of the QR code: viewBox, white square, the modules */
	P_WRAP,     /* a data-wrap text: the parts up to P_WRAP_END are its content, set as lines */
	P_WRAP_END, /* the end of that run */
};
struct part {
	enum part_kind kind;
	int n; /* P_FIELD: the field; P_WRAP: characters a line */
	/* P_WRAP: the tspan heads: "<tspan x y" of the first line and "<tspan x dy" of the next ones
	 * (off, off2), then what both end with: the other attributes and '>' (off3). */
	size_t off, len, off2, len2, off3, len3;
	enum cert_valign valign;
};
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
	struct part *parts;
	size_t nparts, cap;
	unsigned used;
	double w, h; /* the page in points */
	char *title;
	/* The fast drawing, when the template allows it (layers_plan); NULL: each page is the filled SVG by librsvg. */
	struct layer *layers;
	size_t nlayers;
	double m[4]; /* user space to points: scale x, y, then offset x, y */
};

/* ---------------------------------------------------------------- compiling */

/* The walk of a sanitised document (cert_sanitize's output, so nothing is checked again): it is
 * written out as it came in, cut into parts where values go. */
struct compile {
	struct buf *out;
	struct cert_tmpl *t;
	size_t mark;      /* where the literal chunk that is not yet a part starts */
	int in_text, raw; /* raw: inside a data-wrap text */
	xmlChar *title;   /* of the first <title> of the root */
	struct buf heads; /* the attributes of a data-wrap text's first tspan */
};

static struct part *part_add(struct compile *w, enum part_kind kind)
{
	struct cert_tmpl *t = w->t;

	if (t->nparts == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->parts = realloc(t->parts, t->cap * sizeof(*t->parts));
		if (t->parts == NULL)
			abort();
	}
	memset(&t->parts[t->nparts], 0, sizeof(t->parts[0]));
	t->parts[t->nparts].kind = kind;
	return &t->parts[t->nparts++];
}

/* Ends the literal chunk written since the last cut. */
static void cut(struct compile *w)
{
	if (w->out->len > w->mark) {
		struct part *p = part_add(w, P_TEXT);
		p->off = w->mark;
		p->len = w->out->len - w->mark;
	}
	w->mark = w->out->len;
}

/* Text of a <text> element: its placeholders become value slots. */
static void text_content(struct compile *w, const char *s)
{
	const char *p = s, *lit = s, *name;
	size_t len, nlen;
	int f;

	while ((p = strstr(p, "{{")) != NULL) {
		if ((f = cert_placeholder(p, &len, &name, &nlen)) < 0) {
			p++;
			continue;
		}
		w->t->used |= 1u << f;
		if (w->raw)
			buf_add(w->out, lit, (size_t)(p - lit));
		else
			cert_esc(w->out, lit, (size_t)(p - lit), 0);
		cut(w);
		part_add(w, P_FIELD)->n = f;
		p += len;
		lit = p;
	}
	if (w->raw)
		buf_adds(w->out, lit);
	else
		cert_esc(w->out, lit, strlen(lit), 0);
}

/* Writes the attributes of n as the sanitiser did. heads: those of a tspan head of a wrapped line
 * (no position, no id, no link). */
static void attributes_of(struct compile *w, xmlNode *n, int heads)
{
	static const char *const positions[] = {"x", "y", "dx", "dy", "rotate", "id", "href"};

	for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
		const char *an = (const char *)a->name;
		xmlChar *v;
		size_t i;

		for (i = 0; heads && i < sizeof(positions) / sizeof(positions[0]); i++)
			if (strcmp(an, positions[i]) == 0)
				break;
		if (heads && i < sizeof(positions) / sizeof(positions[0]))
			continue;
		v = xmlNodeListGetString(n->doc, a->children, 1);
		buf_addc(w->out, ' ');
		if (a->ns != NULL)
			buf_adds(w->out, strcmp((const char *)a->ns->href, CERT_XLINK_NS) == 0 ? "xlink:" : "xml:");
		buf_adds(w->out, an);
		buf_adds(w->out, "=\"");
		if (v != NULL)
			cert_esc(w->out, (const char *)v, strlen((const char *)v), 1);
		buf_addc(w->out, '"');
		xmlFree(v);
	}
}

static void element(struct compile *w, xmlNode *n, int root);

static void children(struct compile *w, xmlNode *n)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		const char *s = (const char *)c->content;
		if (c->type == XML_ELEMENT_NODE)
			element(w, c, 0);
		else if (c->type == XML_TEXT_NODE && s != NULL) {
			if (w->in_text)
				text_content(w, s);
			else
				cert_esc(w->out, s, strlen(s), 0);
		}
	}
}

/* The QR slot: a nested <svg> over the rectangle, its modules filled per certificate. */
static void qr_slot(struct compile *w, xmlNode *n)
{
	static const char *const geometry[] = {"x", "y", "width", "height"};
	xmlChar *v, *tf = xmlGetNoNsProp(n, (const xmlChar *)"transform");

	buf_adds(w->out, "<g");
	if (tf != NULL) {
		buf_adds(w->out, " transform=\"");
		cert_esc(w->out, (const char *)tf, strlen((const char *)tf), 1);
		buf_addc(w->out, '"');
	}
	buf_adds(w->out, "><svg");
	for (int i = 0; i < 4; i++) {
		v = xmlGetNoNsProp(n, (const xmlChar *)geometry[i]);
		buf_addf(w->out, " %s=\"", geometry[i]);
		cert_esc(w->out, (const char *)v, strlen((const char *)v), 1);
		buf_addc(w->out, '"');
		xmlFree(v);
	}
	buf_adds(w->out, " preserveAspectRatio=\"xMidYMid meet\" viewBox=\"0 0 ");
	cut(w);
	part_add(w, P_QR);
	buf_adds(w->out, "</g>");
	xmlFree(tf);
}

/* Whether a <text> can be set as wrapped lines: only text, directly or in one level of tspans. */
static int wrappable(xmlNode *n, xmlNode **first_tspan)
{
	*first_tspan = NULL;
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "tspan") != 0)
			return 0;
		for (xmlNode *g = c->children; g != NULL; g = g->next)
			if (g->type == XML_ELEMENT_NODE)
				return 0;
		if (*first_tspan == NULL)
			*first_tspan = c;
	}
	return 1;
}

/* One piece of a wrapped text's content, kept raw (escaped when the lines are set). */
static void wrap_piece(struct compile *w, const xmlNode *t)
{
	if (t->type == XML_TEXT_NODE && t->content != NULL)
		text_content(w, (const char *)t->content);
}

/* Appends the start of a tspan head: <tspan x="X"[ y="Y"][ dy="1.2em"]. */
static void head(struct buf *out, const char *x, const char *y, int next)
{
	buf_adds(out, "<tspan x=\"");
	cert_esc(out, x, strlen(x), 1);
	buf_addc(out, '"');
	if (y != NULL) {
		buf_adds(out, " y=\"");
		cert_esc(out, y, strlen(y), 1);
		buf_addc(out, '"');
	}
	if (next)
		buf_adds(out, " dy=\"1.2em\"");
}

/* Compiling a <text data-wrap="N">: its content becomes one P_WRAP ... P_WRAP_END run of raw text and
 * values; the lines are tspans at the text's (or its first tspan's) x, dy 1.2em apart, with the first
 * tspan's other attributes (Inkscape puts the font there). */
static void wrap_text(struct compile *w, xmlNode *n, xmlNode *tspan, int width, enum cert_valign valign)
{
	struct buf *out = w->out;
	xmlChar *x = tspan ? xmlGetNoNsProp(tspan, (const xmlChar *)"x") : NULL;
	xmlChar *y = tspan ? xmlGetNoNsProp(tspan, (const xmlChar *)"y") : NULL;
	struct part *p;
	size_t h1, h2, h3;

	if (x == NULL)
		x = xmlGetNoNsProp(n, (const xmlChar *)"x");
	buf_reset(&w->heads);
	if (tspan != NULL) {
		w->out = &w->heads;
		attributes_of(w, tspan, 1);
		w->out = out;
	}
	/* The heads lie between literal chunks, outside any of them. */
	cut(w);
	h1 = out->len;
	head(out, x ? (const char *)x : "0", (const char *)y, 0);
	h2 = out->len;
	head(out, x ? (const char *)x : "0", NULL, 1);
	h3 = out->len;
	buf_add(out, w->heads.p ? w->heads.p : "", w->heads.len);
	buf_addc(out, '>');
	w->mark = out->len;
	p = part_add(w, P_WRAP);
	p->n = width;
	p->valign = valign;
	p->off = h1;
	p->len = h2 - h1;
	p->off2 = h2;
	p->len2 = h3 - h2;
	p->off3 = h3;
	p->len3 = out->len - h3;
	w->raw = 1;
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			wrap_piece(w, c);
			continue;
		}
		/* Inkscape's tspans are lines of their own: a space between them. */
		buf_addc(out, ' ');
		for (xmlNode *g = c->children; g != NULL; g = g->next)
			wrap_piece(w, g);
	}
	w->raw = 0;
	cut(w);
	part_add(w, P_WRAP_END);
	xmlFree(x);
	xmlFree(y);
}

static void element(struct compile *w, xmlNode *n, int root)
{
	const char *name = (const char *)n->name;
	struct buf *out = w->out;
	xmlNode *tspan;
	xmlChar *id = xmlGetNoNsProp(n, (const xmlChar *)"id");
	size_t open;
	int is_text, wrap = 0, valign = CV_TOP;

	if (id != NULL && strcmp((const char *)id, "qr") == 0) {
		xmlFree(id);
		qr_slot(w, n);
		return;
	}
	xmlFree(id);
	if (root == 0 && strcmp(name, "title") == 0 && n->parent != NULL && n->parent->parent != NULL &&
	    n->parent->parent->type == XML_DOCUMENT_NODE && w->title == NULL)
		w->title = xmlNodeGetContent(n);
	is_text = strcmp(name, "text") == 0;
	buf_addc(out, '<');
	buf_adds(out, name);
	if (root)
		buf_adds(out, CERT_ROOT_NS);
	attributes_of(w, n, 0);
	open = out->len;
	buf_addc(out, '>');
	w->in_text += is_text;
	if (is_text && wrappable(n, &tspan)) {
		xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"data-wrap");
		xmlChar *va = xmlGetNoNsProp(n, (const xmlChar *)"data-valign");
		wrap = cert_wrap_width((const char *)v);
		if (cert_valign((const char *)va) > 0)
			valign = cert_valign((const char *)va);
		xmlFree(v);
		xmlFree(va);
	}
	if (wrap > 0)
		wrap_text(w, n, tspan, wrap, valign);
	else
		children(w, n);
	w->in_text -= is_text;
	/* A slot marked inside keeps the element open: its value goes there. */
	cert_close(out, open, name, w->mark <= open);
}

/* ---------------------------------------------------------------- the fast drawing's plan */

/* Sets of attribute names, NULL-terminated. */
static int one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/* A number, with "px" (user units) or, when em > 0, "em" (times em) after it. Returns 1 or 0. */
static int number(const char *v, double em, double *out)
{
	char *end;

	if (v == NULL)
		return 0;
	*out = strtod(v, &end);
	if (end == v || !isfinite(*out))
		return 0;
	if (em > 0 && strcmp(end, "em") == 0)
		*out *= em;
	else if (*end != '\0' && strcmp(end, "px") != 0)
		return 0;
	return 1;
}

/* #rgb, #rrggbb, black, white. Returns 1 or 0. */
static int colour(const char *v, double rgb[3])
{
	unsigned c;
	size_t n = v ? strlen(v) : 0;
	int i;

	if (n > 0 && strcmp(v, "black") == 0)
		v = "#000000", n = 7;
	else if (n > 0 && strcmp(v, "white") == 0)
		v = "#ffffff", n = 7;
	if ((n != 4 && n != 7) || v[0] != '#' || strspn(v + 1, "0123456789abcdefABCDEF") != n - 1)
		return 0;
	c = (unsigned)strtoul(v + 1, NULL, 16);
	for (i = 0; i < 3; i++)
		rgb[i] = n == 7 ? ((c >> (16 - 8 * i)) & 0xff) / 255.0 : ((c >> (8 - 4 * i)) & 0xf) / 15.0;
	return 1;
}

/* The value of n's attribute name without a namespace, or NULL; the caller frees it with xmlFree. */
#define ATTR(n, name) xmlGetNoNsProp((n), (const xmlChar *)(name))

/* Whether every attribute of n is in set. */
static int attributes_in(xmlNode *n, const char *const *set)
{
	for (xmlAttr *a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL || !one_of((const char *)a->name, set))
			return 0;
	return 1;
}

/* The style of a <text> from its attributes; 0 when one of them is not plain enough to be set without librsvg. */
static int text_style(xmlNode *n, struct pdf_style *st, char **family)
{
	static const char *const plain[] = {
		"x",           "y",    "font-family",  "font-size", "font-weight", "font-style", "letter-spacing",
		"text-anchor", "fill", "fill-opacity", "data-wrap", "data-valign", NULL};
	xmlChar *v[7];
	static const char *const names[7] = {"font-family",    "font-size",   "font-weight", "font-style",
					     "letter-spacing", "text-anchor", "fill"};
	xmlChar *op;
	int ok, i;

	if (!attributes_in(n, plain))
		return 0;
	for (i = 0; i < 7; i++)
		v[i] = ATTR(n, names[i]);
	memset(st, 0, sizeof(*st));
	st->rgba[3] = 1;
	st->size = 12; /* librsvg's defaults, as its family "Times New Roman" below */
	ok = (v[0] == NULL || strpbrk((const char *)v[0], ",'\"") == NULL) &&
	     (v[1] == NULL || number((const char *)v[1], 0, &st->size)) && st->size > 0 &&
	     (v[4] == NULL || number((const char *)v[4], 0, &st->spacing)) &&
	     (v[6] == NULL || colour((const char *)v[6], st->rgba));
	if (ok && v[2] != NULL) {
		const char *w = (const char *)v[2];
		st->bold = strcmp(w, "bold") == 0 || strcmp(w, "bolder") == 0 || atoi(w) >= 600;
		ok = st->bold || strcmp(w, "normal") == 0 || strcmp(w, "lighter") == 0 || atoi(w) > 0;
	}
	if (ok && v[3] != NULL) {
		st->italic = strcmp((const char *)v[3], "italic") == 0 || strcmp((const char *)v[3], "oblique") == 0;
		ok = st->italic || strcmp((const char *)v[3], "normal") == 0;
	}
	if (ok && v[5] != NULL) {
		st->anchor = strcmp((const char *)v[5], "middle") == 0 ? PDF_MIDDLE
			     : strcmp((const char *)v[5], "end") == 0  ? PDF_END
								       : PDF_START;
		ok = st->anchor != PDF_START || strcmp((const char *)v[5], "start") == 0;
	}
	if (ok && (op = ATTR(n, "fill-opacity")) != NULL) {
		ok = number((const char *)op, 0, &st->rgba[3]) && st->rgba[3] >= 0 && st->rgba[3] <= 1;
		xmlFree(op);
	}
	if (ok && (*family = strdup(v[0] ? (const char *)v[0] : "Times New Roman")) == NULL)
		abort();
	for (i = 0; i < 7; i++)
		xmlFree(v[i]);
	return ok;
}

struct plan {
	struct cert_tmpl *t;
	size_t cap;
	struct buf head;     /* the root's start tag */
	struct buf *static_; /* the serialised static children, one a buffer */
	int *in;             /* the layer of each static child */
	size_t nstatic;
};

static struct layer *layer_add(struct plan *p, enum pdf_layer_kind kind)
{
	struct cert_tmpl *t = p->t;

	if (t->nlayers == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		if ((t->layers = realloc(t->layers, p->cap * sizeof(*t->layers))) == NULL)
			abort();
	}
	memset(&t->layers[t->nlayers], 0, sizeof(t->layers[0]));
	t->layers[t->nlayers].kind = kind;
	return &t->layers[t->nlayers++];
}

/* A text layer of content (placeholders kept) at (x, y). */
static void text_layer(struct plan *p, const struct pdf_style *st, const char *family, double x, double y,
		       const xmlChar *content, int wrap, enum cert_valign valign)
{
	struct layer *l = layer_add(p, PL_TEXT);

	l->style = *st;
	if ((l->style.family = strdup(family)) == NULL || (l->raw = strdup((const char *)content)) == NULL)
		abort();
	l->x = x;
	l->y = y;
	l->wrap = wrap;
	l->valign = valign;
}

/* A <text> child of the root as text layers: one line, wrapped lines (data-wrap), or lines of tspans that each
 * start at an x of their own. Returns 0 when it must be left to librsvg. */
static int text_plan(struct plan *p, xmlNode *n)
{
	static const char *const tspan_attrs[] = {"x", "y", "dy", NULL};
	struct pdf_style st;
	char *family = NULL;
	xmlChar *a[4] = {ATTR(n, "x"), ATTR(n, "y"), ATTR(n, "data-wrap"), ATTR(n, "data-valign")};
	double x, y, tx, ty;
	size_t before = p->t->nlayers;
	int ok = 0, elements = 0, i;

	if (!text_style(n, &st, &family) || !number((const char *)a[0], 0, &x) || !number((const char *)a[1], 0, &y))
		goto out;
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		elements += c->type == XML_ELEMENT_NODE;
	if (elements == 0) {
		xmlChar *content = xmlNodeGetContent(n);
		int valign = cert_valign((const char *)a[3]);
		text_layer(p, &st, family, x, y, content ? content : (const xmlChar *)"",
			   cert_wrap_width((const char *)a[2]), valign > 0 ? (enum cert_valign)valign : CV_TOP);
		xmlFree(content);
		ok = 1;
		goto out;
	}
	if (a[2] != NULL)
		goto out;
	ty = y;
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		xmlChar *v, *content;
		double d;
		if (c->type == XML_TEXT_NODE && c->content != NULL &&
		    strspn((const char *)c->content, " \t\r\n") == strlen((const char *)c->content))
			continue;
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "tspan") != 0 ||
		    !attributes_in(c, tspan_attrs))
			goto out;
		for (xmlNode *g = c->children; g != NULL; g = g->next)
			if (g->type != XML_TEXT_NODE)
				goto out;
		if ((v = ATTR(c, "x")) == NULL || !number((const char *)v, 0, &tx)) {
			xmlFree(v);
			goto out;
		}
		xmlFree(v);
		if ((v = ATTR(c, "y")) != NULL && !number((const char *)v, 0, &ty)) {
			xmlFree(v);
			goto out;
		}
		xmlFree(v);
		if ((v = ATTR(c, "dy")) != NULL) {
			if (!number((const char *)v, st.size, &d)) {
				xmlFree(v);
				goto out;
			}
			ty += d;
		}
		xmlFree(v);
		content = xmlNodeGetContent(c);
		text_layer(p, &st, family, tx, ty, content ? content : (const xmlChar *)"", 0, CV_TOP);
		xmlFree(content);
	}
	ok = 1;
out:
	/* The lines of tspans set before one that is not plain go. */
	while (!ok && p->t->nlayers > before) {
		struct layer *l = &p->t->layers[--p->t->nlayers];
		free((char *)l->style.family);
		free(l->raw);
	}
	for (i = 0; i < 4; i++)
		xmlFree(a[i]);
	free(family);
	return ok;
}

/* The QR slot as the QR layer: a rect child of the root with a plain rectangle. Returns 0 when it is not that. */
static int qr_plan(struct plan *p, xmlNode *n)
{
	static const char *const geometry[] = {"x", "y", "width", "height"};
	double g[4];
	int ok = strcmp((const char *)n->name, "rect") == 0, i;

	for (i = 0; i < 4 && ok; i++) {
		xmlChar *v = ATTR(n, geometry[i]);
		ok = number((const char *)v, 0, &g[i]);
		xmlFree(v);
	}
	if (ok) {
		xmlChar *tf = ATTR(n, "transform");
		ok = tf == NULL;
		xmlFree(tf);
	}
	if (ok) {
		struct layer *l = layer_add(p, PL_QR);
		l->x = g[0], l->y = g[1], l->w = g[2], l->h = g[3];
	}
	return ok;
}

/* Serialises a static child of the root; 0 when a value or the QR code goes inside it. */
static int static_plan(struct plan *p, xmlNode *n)
{
	struct cert_tmpl scratch = {0};
	struct compile w = {0};
	size_t i;
	int ok = 1;

	if ((p->static_ = realloc(p->static_, (p->nstatic + 1) * sizeof(*p->static_))) == NULL ||
	    (p->in = realloc(p->in, (p->nstatic + 1) * sizeof(*p->in))) == NULL)
		abort();
	memset(&p->static_[p->nstatic], 0, sizeof(p->static_[0]));
	w.out = &p->static_[p->nstatic];
	w.t = &scratch;
	element(&w, n, 0);
	cut(&w);
	for (i = 0; i < scratch.nparts; i++)
		ok &= scratch.parts[i].kind == P_TEXT;
	ok &= scratch.used == 0;
	free(scratch.parts);
	buf_free(&w.heads);
	xmlFree(w.title);
	/* Static children in a row make one SVG layer. */
	if (p->t->nlayers == 0 || p->t->layers[p->t->nlayers - 1].kind != PL_SVG)
		layer_add(p, PL_SVG);
	p->in[p->nstatic++] = (int)p->t->nlayers - 1;
	return ok;
}

/* Each SVG layer as a document of its own: the root, every other static child in <defs> (what is referenced can be
 * found, nothing of it is drawn), then its own children. Returns 0 when librsvg cannot load one. */
static int svg_layers(struct plan *p)
{
	struct buf doc = {0};
	size_t i, k;
	int ok = 1;

	for (i = 0; i < p->t->nlayers && ok; i++) {
		if (p->t->layers[i].kind != PL_SVG)
			continue;
		buf_reset(&doc);
		buf_adds(&doc, CERT_XML_DECL);
		buf_add(&doc, p->head.p, p->head.len);
		buf_adds(&doc, "<defs>");
		for (k = 0; k < p->nstatic; k++)
			if (p->in[k] != (int)i)
				buf_add(&doc, p->static_[k].p, p->static_[k].len);
		buf_adds(&doc, "</defs>");
		for (k = 0; k < p->nstatic; k++)
			if (p->in[k] == (int)i)
				buf_add(&doc, p->static_[k].p, p->static_[k].len);
		buf_adds(&doc, "</svg>\n");
		ok = (p->t->layers[i].svg = pdf_svg_load(doc.p, doc.len)) != NULL;
	}
	buf_free(&doc);
	return ok;
}

/* The user space of the root's viewBox on the page (preserveAspectRatio's default: scaled to fit, centred). */
static int user_space(struct cert_tmpl *t, xmlNode *root)
{
	static const char *const plain[] = {"width", "height", "viewBox", "id", NULL};
	xmlChar *vb = ATTR(root, "viewBox");
	double b[4], s;
	int ok = vb != NULL && attributes_in(root, plain) &&
		 sscanf((const char *)vb, "%lf%*[ ,]%lf%*[ ,]%lf%*[ ,]%lf", &b[0], &b[1], &b[2], &b[3]) == 4 &&
		 b[2] > 0 && b[3] > 0;

	xmlFree(vb);
	if (!ok)
		return 0;
	s = t->w / b[2] < t->h / b[3] ? t->w / b[2] : t->h / b[3];
	t->m[0] = t->m[1] = s;
	t->m[2] = (t->w - b[2] * s) / 2 - b[0] * s;
	t->m[3] = (t->h - b[3] * s) / 2 - b[1] * s;
	return 1;
}

static void layers_free(struct cert_tmpl *t)
{
	for (size_t i = 0; i < t->nlayers; i++) {
		pdf_svg_free(t->layers[i].svg);
		free((char *)t->layers[i].style.family);
		free(t->layers[i].raw);
	}
	free(t->layers);
	t->layers = NULL;
	t->nlayers = 0;
}

/* Plans the fast drawing of a compiled template: the texts of the root that are plain (position, font, colour, no
 * transform, no CSS) are set by cairo and the QR code drawn, over SVG layers of everything else drawn by librsvg from
 * documents parsed once; what librsvg lays out for each certificate is what costs (its text layout), and this leaves
 * it none. A template that does not fit keeps the filled SVG per page (t->layers stays NULL). */
static void layers_plan(struct cert_tmpl *t, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	struct plan p = {.t = t};
	struct compile w = {.out = &p.head, .t = t};
	int ok = user_space(t, root) && strstr(t->text.p, "<style") == NULL && strstr(t->text.p, "#qr\"") == NULL &&
		 strstr(t->text.p, "#qr)") == NULL;
	size_t i;

	buf_adds(&p.head, "<svg" CERT_ROOT_NS);
	attributes_of(&w, root, 0);
	buf_addc(&p.head, '>');
	for (xmlNode *c = root->children; c != NULL && ok; c = c->next) {
		xmlChar *id;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		id = ATTR(c, "id");
		if (id != NULL && strcmp((const char *)id, "qr") == 0)
			ok = qr_plan(&p, c);
		else if (id != NULL || strcmp((const char *)c->name, "text") != 0 || !text_plan(&p, c))
			ok = static_plan(&p, c);
		xmlFree(id);
	}
	if (!ok || !svg_layers(&p))
		layers_free(t);
	buf_free(&p.head);
	for (i = 0; i < p.nstatic; i++)
		buf_free(&p.static_[i]);
	free(p.static_);
	free(p.in);
}

/* ---------------------------------------------------------------- filling */

/* Escaped text of a value: control characters become spaces (XML cannot hold them). */
static void value_text(struct buf *b, const char *s, size_t n)
{
	const char *run = s, *end = s + n;

	for (; s < end; s++)
		if ((unsigned char)*s < ' ') {
			cert_esc(b, run, (size_t)(s - run), 0);
			buf_addc(b, ' ');
			run = s + 1;
		}
	cert_esc(b, run, (size_t)(end - run), 0);
}

/* Breaks s into lines of at most width characters at spaces (a longer word is broken); calls line for
 * each when it is not NULL. Returns the number of lines. */
static int wrap(const char *s, int width, void (*line)(void *, const char *, size_t), void *arg)
{
	const char *start = NULL;
	size_t line_bytes = 0, line_chars = 0;
	int lines = 0;

	for (;;) {
		const char *word;
		size_t bytes = 0, chars = 0;

		while ((unsigned char)*s <= ' ' && *s != '\0')
			s++;
		word = s;
		while ((unsigned char)s[bytes] > ' ' && chars < (size_t)width) {
			bytes += pdf_char_len(s + bytes);
			chars++;
		}
		if (start != NULL && (bytes == 0 || line_chars + 1 + chars > (size_t)width)) {
			if (line != NULL)
				line(arg, start, line_bytes);
			lines++;
			start = NULL;
		}
		if (bytes == 0)
			return lines;
		if (start == NULL) {
			start = word;
			line_bytes = bytes;
			line_chars = chars;
		} else {
			/* The words of a line are contiguous in s but for the spaces between them. */
			line_bytes = (size_t)(word + bytes - start);
			line_chars += 1 + chars;
		}
		s = word + bytes;
	}
}

struct lines {
	struct buf *out;
	const struct cert_tmpl *t;
	const struct part *p;
	int n, done;
};

static void line_out(void *arg, const char *s, size_t len)
{
	struct lines *l = arg;
	const char *text = l->t->text.p;

	if (l->done++ == 0) {
		buf_add(l->out, text + l->p->off, l->p->len);
		/* A block of n lines moves up by n - 1 lines (bottom) or half that (middle). */
		if (l->n > 1 && l->p->valign != CV_TOP) {
			/* In tenths of an em, so no locale can write a decimal comma. */
			int tenths = (l->n - 1) * (l->p->valign == CV_BOTTOM ? 12 : 6);
			buf_addf(l->out, " dy=\"-%d.%dem\"", tenths / 10, tenths % 10);
		}
	} else
		buf_add(l->out, text + l->p->off2, l->p->len2);
	buf_add(l->out, text + l->p->off3, l->p->len3);
	value_text(l->out, s, len);
	buf_adds(l->out, "</tspan>");
}

/* The filled SVG of a certificate, and the buffers filling reuses from one certificate to the next. */
struct filling {
	struct buf filled, scratch, qr_d;
	/* The fast drawing's layers of a page, and their texts, NUL after each, at offs in lines. */
	struct pdf_layer *layers;
	size_t *offs, nlayers, cap;
	struct buf lines;
};

static void filling_free(struct filling *b)
{
	buf_free(&b->filled);
	buf_free(&b->scratch);
	buf_free(&b->qr_d);
	free(b->layers);
	free(b->offs);
	buf_free(&b->lines);
}

/* Whether every value is UTF-8 (logged when not). */
static int values_ok(const struct cert_values *v)
{
	for (size_t i = 0; i < CF__MAX; i++)
		if (v->v[i] != NULL && utf8_count(v->v[i], strlen(v->v[i])) < 0) {
			log_msg(LOG_ERROR, NULL, "cert: the value of %s is not UTF-8", cert_field_names[i]);
			return 0;
		}
	return 1;
}

/* The filled SVG of one certificate into b->filled. Returns 0, or -1 (logged). */
static int fill(struct filling *b, const struct cert_tmpl *t, const struct cert_values *v)
{
	size_t i;

	if (!values_ok(v))
		return -1;
	buf_reset(&b->filled);
	for (i = 0; i < t->nparts; i++) {
		const struct part *p = &t->parts[i];
		const char *s;
		int n;

		switch (p->kind) {
		case P_TEXT: buf_add(&b->filled, t->text.p + p->off, p->len); break;
		case P_FIELD:
			s = v->v[p->n] ? v->v[p->n] : "";
			value_text(&b->filled, s, strlen(s));
			break;
		case P_QR:
			buf_reset(&b->qr_d);
			if (qr_path(&b->qr_d, v->verify_url, &n) == -1)
				return -1;
			buf_addf(&b->filled,
				 "%d %d\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"none\" "
				 "stroke=\"#000\" stroke-width=\"1\" d=\"",
				 n, n, n, n);
			buf_add(&b->filled, b->qr_d.p, b->qr_d.len);
			buf_adds(&b->filled, "\"/></svg>");
			break;
		case P_WRAP:
			/* The raw text of the run, values included; wrapped and escaped as a whole. */
			buf_reset(&b->scratch);
			buf_adds(&b->scratch, "");
			for (i++; t->parts[i].kind != P_WRAP_END; i++) {
				const struct part *q = &t->parts[i];
				if (q->kind == P_TEXT)
					buf_add(&b->scratch, t->text.p + q->off, q->len);
				else if (q->kind == P_FIELD && v->v[q->n] != NULL)
					buf_adds(&b->scratch, v->v[q->n]);
			}
			{
				struct lines l = {&b->filled, t, p, wrap(b->scratch.p, p->n, NULL, NULL), 0};
				wrap(b->scratch.p, p->n, line_out, &l);
			}
			break;
		case P_WRAP_END: break;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- the fast drawing of a page */

static struct pdf_layer *page_layer(struct filling *b, const struct layer *l)
{
	if (b->nlayers == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 32;
		if ((b->layers = realloc(b->layers, b->cap * sizeof(*b->layers))) == NULL ||
		    (b->offs = realloc(b->offs, b->cap * sizeof(*b->offs))) == NULL)
			abort();
	}
	memset(&b->layers[b->nlayers], 0, sizeof(b->layers[0]));
	b->layers[b->nlayers].kind = l->kind;
	b->layers[b->nlayers].svg = l->svg;
	b->layers[b->nlayers].style = &l->style;
	b->layers[b->nlayers].x = l->x;
	b->layers[b->nlayers].y = l->y;
	b->layers[b->nlayers].w = l->w;
	b->layers[b->nlayers].h = l->h;
	b->offs[b->nlayers] = b->lines.len;
	return &b->layers[b->nlayers++];
}

/* Appends s as SVG lays out a text without xml:space: line breaks dropped, other control characters as spaces, no
 * space at either end or twice in a row; then a NUL. */
static void line_text(struct buf *out, const char *s, size_t n)
{
	const char *end = s + n;
	int space = 0, any = 0;

	for (; s < end; s++) {
		if (*s == '\n')
			continue;
		if ((unsigned char)*s <= ' ') {
			space = any;
			continue;
		}
		if (space)
			buf_addc(out, ' ');
		buf_addc(out, *s);
		space = 0;
		any = 1;
	}
	buf_add(out, "", 1);
}

/* The raw text of a layer with its values in (control characters of a value as spaces), into b->scratch. */
static void substitute(struct buf *out, const char *raw, const struct cert_values *v)
{
	const char *p = raw, *lit = raw, *name;
	size_t len, nlen;
	int f;

	buf_reset(out);
	buf_adds(out, "");
	while ((p = strstr(p, "{{")) != NULL) {
		if ((f = cert_placeholder(p, &len, &name, &nlen)) < 0) {
			p++;
			continue;
		}
		buf_add(out, lit, (size_t)(p - lit));
		for (const char *c = v->v[f] ? v->v[f] : ""; *c; c++)
			buf_addc(out, (unsigned char)*c < ' ' ? ' ' : *c);
		p += len;
		lit = p;
	}
	buf_adds(out, lit);
}

struct fast_lines {
	struct filling *b;
	const struct layer *l;
	double y, lh; /* the first line's baseline, the line height */
};

static void fast_line(void *arg, const char *s, size_t len)
{
	struct fast_lines *f = arg;

	page_layer(f->b, f->l)->y = f->y;
	line_text(&f->b->lines, s, len);
	f->y += f->lh;
}

/* The layers of one certificate into b->layers: its texts filled, and wrapped as fill() wraps them. */
static void fast_fill(struct filling *b, const struct cert_tmpl *t, const struct cert_values *v)
{
	size_t i;

	b->nlayers = 0;
	buf_reset(&b->lines);
	for (i = 0; i < t->nlayers; i++) {
		const struct layer *l = &t->layers[i];
		if (l->kind == PL_QR) {
			page_layer(b, l);
			buf_adds(&b->lines, v->verify_url);
			buf_add(&b->lines, "", 1);
		} else if (l->kind == PL_SVG)
			page_layer(b, l);
		else if (l->wrap == 0) {
			substitute(&b->scratch, l->raw, v);
			page_layer(b, l);
			line_text(&b->lines, b->scratch.p, b->scratch.len);
		} else {
			/* As line_out does: a block of n lines moves up by n - 1 lines (bottom) or half that (middle).
			 */
			struct fast_lines f = {b, l, l->y, 1.2 * l->style.size};
			int n;
			substitute(&b->scratch, l->raw, v);
			n = wrap(b->scratch.p, l->wrap, NULL, NULL);
			if (n > 1 && l->valign != CV_TOP)
				f.y -= (n - 1) * f.lh * (l->valign == CV_BOTTOM ? 1 : 0.5);
			wrap(b->scratch.p, l->wrap, fast_line, &f);
		}
	}
	for (i = 0; i < b->nlayers; i++)
		b->layers[i].text = b->lines.p + b->offs[i];
}

struct cert_book {
	struct pdf_book *pdf;
	struct filling f;
	int failed; /* a page could not be filled */
};

struct cert_book *cert_book_open(struct buf *out, const char *title)
{
	struct cert_book *b = calloc(1, sizeof(*b));

	if (b == NULL)
		abort();
	b->pdf = pdf_book_open(out, title);
	return b;
}

int cert_book_add(struct cert_book *b, const struct cert_tmpl *t, const struct cert_values *v)
{
	int rc;

	if (t->layers != NULL && values_ok(v)) {
		fast_fill(&b->f, t, v);
		/* 1: a font lacks a character of this certificate, which librsvg's text layout finds in another. */
		if ((rc = pdf_book_layers(b->pdf, t->w, t->h, t->m, b->f.layers, b->f.nlayers)) != 1)
			return rc;
	}
	if (fill(&b->f, t, v) == -1) {
		b->failed = 1;
		return -1;
	}
	return pdf_book_page(b->pdf, b->f.filled.p, b->f.filled.len, t->w, t->h);
}

int cert_book_close(struct cert_book *b)
{
	int rc = pdf_book_close(b->pdf, b->failed);

	filling_free(&b->f);
	free(b);
	return rc;
}

int cert_pdf(struct buf *out, const struct cert_tmpl *t, const struct cert_values *v)
{
	char title[128];
	struct cert_book *b;

	snprintf(title, sizeof(title), "Сертификат %s", v->v[CF_NUMBER] ? v->v[CF_NUMBER] : "");
	b = cert_book_open(out, title);
	cert_book_add(b, t, v);
	return cert_book_close(b);
}

/* ---------------------------------------------------------------- templates */

/* Finds the page size and draws the template once with every value filled, so that a template
 * librsvg cannot draw is refused now rather than when certificates are issued. */
static int page_size(struct cert_tmpl *t, char why[CERT_WHY])
{
	struct cert_values sample = {.verify_url = "https://example.org/certificates/verify/SAMPLE"};
	struct filling b = {0};
	enum pdf_svg_check c;

	for (int f = 0; f < CF__MAX; f++)
		sample.v[f] = cert_field_names[f];
	c = fill(&b, t, &sample) == -1 ? PDF_SVG_UNREADABLE : pdf_svg_check(b.filled.p, b.filled.len, &t->w, &t->h);
	filling_free(&b);
	switch (c) {
	case PDF_SVG_OK: return 0;
	case PDF_SVG_UNREADABLE:
		snprintf(why, CERT_WHY, "%s",
			 "Шаблон не удалось подготовить к печати: проверьте его в Inkscape и сохраните заново.");
		break;
	case PDF_SVG_NO_SIZE:
		snprintf(why, CERT_WHY, "%s",
			 "У шаблона не задан размер страницы или он слишком велик: укажите у <svg> width и height в "
			 "миллиметрах, например width=\"297mm\" height=\"210mm\".");
		break;
	case PDF_SVG_UNDRAWABLE:
		snprintf(why, CERT_WHY, "%s",
			 "Шаблон не удалось отрисовать: проверьте его в Inkscape и сохраните заново.");
		break;
	}
	return -1;
}

struct cert_tmpl *cert_compile(const char *svg, size_t len, char why[CERT_WHY])
{
	struct cert_tmpl *t = calloc(1, sizeof(*t));
	struct buf clean = {0};
	struct compile w = {0};
	xmlDoc *doc;

	assert(why != NULL);
	if (t == NULL)
		abort();
	/* What is stored was sanitised; sanitised again, it is the same, and nothing unchecked is drawn. */
	if (cert_sanitize(&clean, svg, len, why) == -1) {
		buf_free(&clean);
		cert_free(t);
		return NULL;
	}
	doc = xmlReadMemory(clean.p, (int)clean.len, NULL, NULL, CERT_XML_OPTIONS);
	buf_free(&clean);
	if (doc == NULL)
		abort(); /* the sanitiser's output is well-formed */
	w.out = &t->text;
	w.t = t;
	buf_adds(&t->text, CERT_XML_DECL);
	element(&w, xmlDocGetRootElement(doc), 1);
	buf_addc(&t->text, '\n');
	cut(&w);
	buf_free(&w.heads);
	if (w.title != NULL) {
		if ((t->title = strdup((const char *)w.title)) == NULL)
			abort();
		xmlFree(w.title);
	}
	if (page_size(t, why) == -1) {
		xmlFreeDoc(doc);
		cert_free(t);
		return NULL;
	}
	layers_plan(t, doc);
	xmlFreeDoc(doc);
	return t;
}

void cert_free(struct cert_tmpl *t)
{
	if (t == NULL)
		return;
	layers_free(t);
	buf_free(&t->text);
	free(t->parts);
	free(t->title);
	free(t);
}

unsigned cert_fields_used(const struct cert_tmpl *t)
{
	return t->used;
}

int cert_layered(const struct cert_tmpl *t)
{
	return t->layers != NULL;
}

const char *cert_title(const struct cert_tmpl *t)
{
	return t->title;
}
