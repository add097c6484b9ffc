/* Certificate templates: compiled once from their sanitised SVG into chunks and value slots, filled for each
 * certificate. */
#include "cert.h"
#include "cert_layers.h"

#include <assert.h>
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

int cert_static_svg(xmlNode *n, struct buf *out)
{
	struct cert_tmpl scratch = {0};
	struct compile w = {.out = out, .t = &scratch};
	size_t i;
	int ok = 1;

	element(&w, n, 0);
	cut(&w);
	for (i = 0; i < scratch.nparts; i++)
		ok &= scratch.parts[i].kind == P_TEXT;
	ok &= scratch.used == 0;
	free(scratch.parts);
	buf_free(&w.heads);
	xmlFree(w.title);
	return ok;
}

void cert_root_attributes(struct cert_tmpl *t, xmlNode *root, struct buf *out)
{
	struct compile w = {.out = out, .t = t};

	attributes_of(&w, root, 0);
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
int cert_wrap(const char *s, int width, void (*line)(void *, const char *, size_t), void *arg)
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
				struct lines l = {&b->filled, t, p, cert_wrap(b->scratch.p, p->n, NULL, NULL), 0};
				cert_wrap(b->scratch.p, p->n, line_out, &l);
			}
			break;
		case P_WRAP_END: break;
		}
	}
	return 0;
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
		cert_layers_fill(&b->f, t, v);
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

/* A certificate drawn over its template's underlay: every layer but the first. Returns 0; 1 when a font lacks a
 * character (nothing appended: draw it the other way); -1 (logged) with out left as it was. */
static int pdf_over(struct buf *out, const char *title, const struct cert_tmpl *t, const struct cert_values *v)
{
	struct filling f = {0};
	struct pdf_book *pdf = pdf_book_open_over(out, title, t->under);
	int rc;

	cert_layers_fill(&f, t, v);
	rc = pdf_book_layers(pdf, t->w, t->h, t->m, f.layers + 1, f.nlayers - 1);
	if (pdf_book_close(pdf, rc != 0) == -1 && rc == 0)
		rc = -1;
	filling_free(&f);
	return rc;
}

int cert_pdf(struct buf *out, const struct cert_tmpl *t, const struct cert_values *v)
{
	char title[128];
	struct cert_book *b;
	int rc;

	snprintf(title, sizeof(title), "Сертификат %s", v->v[CF_NUMBER] ? v->v[CF_NUMBER] : "");
	if (t->under != NULL && values_ok(v) && (rc = pdf_over(out, title, t, v)) != 1)
		return rc;
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
	cert_layers_plan(t, doc);
	xmlFreeDoc(doc);
	return t;
}

void cert_free(struct cert_tmpl *t)
{
	if (t == NULL)
		return;
	cert_layers_free(t);
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
