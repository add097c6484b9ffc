/* The fast drawing of a certificate template: which of its elements cairo sets itself (plain texts, the QR code)
 * and which librsvg draws from layers parsed once, planned when the template is compiled; then each page's layers
 * with its values in. */
#include "cert_layers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdoc.h"
#include "qr.h"
#include "text.h"

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
	int ok;

	if ((p->static_ = realloc(p->static_, (p->nstatic + 1) * sizeof(*p->static_))) == NULL ||
	    (p->in = realloc(p->in, (p->nstatic + 1) * sizeof(*p->in))) == NULL)
		abort();
	memset(&p->static_[p->nstatic], 0, sizeof(p->static_[0]));
	ok = cert_static_svg(n, &p->static_[p->nstatic]);
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

void cert_layers_free(struct cert_tmpl *t)
{
	pdfdoc_under_free(t->under);
	t->under = NULL;
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
void cert_layers_plan(struct cert_tmpl *t, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	struct plan p = {.t = t};
	int ok = user_space(t, root) && strstr(t->text.p, "<style") == NULL && strstr(t->text.p, "#qr\"") == NULL &&
		 strstr(t->text.p, "#qr)") == NULL;
	size_t i;

	buf_adds(&p.head, "<svg" CERT_ROOT_NS);
	cert_root_attributes(t, root, &p.head);
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
		cert_layers_free(t);
	else if (t->nlayers > 1 && t->layers[0].kind == PL_SVG)
		/* The static elements that begin the page (static children in a row make one layer), drawn and
		 * compressed once, not for each certificate: a quarter of a certificate's time with classic.svg. */
		t->under = pdf_under(t->w, t->h, t->layers[0].svg);
	buf_free(&p.head);
	for (i = 0; i < p.nstatic; i++)
		buf_free(&p.static_[i]);
	free(p.static_);
	free(p.in);
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
void cert_layers_fill(struct filling *b, const struct cert_tmpl *t, const struct cert_values *v)
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
			n = cert_wrap(b->scratch.p, l->wrap, NULL, NULL);
			if (n > 1 && l->valign != CV_TOP)
				f.y -= (n - 1) * f.lh * (l->valign == CV_BOTTOM ? 1 : 0.5);
			cert_wrap(b->scratch.p, l->wrap, fast_line, &f);
		}
	}
	for (i = 0; i < b->nlayers; i++)
		b->layers[i].text = b->lines.p + b->offs[i];
}
