/* Certificate templates: the SVG sanitiser (libxml2), templates compiled once, PDFs rendered by librsvg and cairo. */
#include "cert.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "log.h"
#include "qr.h"
#include "text.h"

#define SVG_NS      "http://www.w3.org/2000/svg"
#define XLINK_NS    "http://www.w3.org/1999/xlink"
#define XINCLUDE_NS "http://www.w3.org/2001/XInclude"
#define PT_MAX      14400.0 /* the largest PDF page side: 200 inches */
#define NAME_MAX_   40      /* a placeholder name */
#define NUMBER_MAX  1e6     /* no coordinate, length or size is bigger: librsvg's text layout breaks down */

const char *const cert_field_names[CF__MAX] = {
	"full_name", "full_name_dat", "organization", "seminar", "dates",     "hours",
	"format",    "number",        "issued_on",    "issuer",  "signatory",
};

/* The SVG elements a template may hold; anything else is refused when dangerous and dropped otherwise. */
static const char *const elements[] = {
	"svg",      "g",     "defs",           "symbol",         "use",
	"title",    "desc",  "path",           "rect",           "circle",
	"ellipse",  "line",  "polyline",       "polygon",        "text",
	"tspan",    "image", "linearGradient", "radialGradient", "stop",
	"clipPath", "mask",  "pattern",        "style",          NULL,
};

/* Attributes without a namespace that are kept: geometry, presentation, structure. */
static const char *const attributes[] = {
	"x",
	"y",
	"width",
	"height",
	"rx",
	"ry",
	"cx",
	"cy",
	"r",
	"fx",
	"fy",
	"fr",
	"x1",
	"y1",
	"x2",
	"y2",
	"points",
	"d",
	"dx",
	"dy",
	"rotate",
	"textLength",
	"lengthAdjust",
	"pathLength",
	"offset",
	"viewBox",
	"preserveAspectRatio",
	"gradientUnits",
	"gradientTransform",
	"spreadMethod",
	"patternUnits",
	"patternContentUnits",
	"patternTransform",
	"clipPathUnits",
	"maskUnits",
	"maskContentUnits",
	"id",
	"class",
	"transform",
	"style",
	"fill",
	"fill-opacity",
	"fill-rule",
	"stroke",
	"stroke-width",
	"stroke-opacity",
	"stroke-linecap",
	"stroke-linejoin",
	"stroke-miterlimit",
	"stroke-dasharray",
	"stroke-dashoffset",
	"opacity",
	"stop-color",
	"stop-opacity",
	"color",
	"font",
	"font-family",
	"font-size",
	"font-weight",
	"font-style",
	"font-variant",
	"font-stretch",
	"letter-spacing",
	"word-spacing",
	"text-anchor",
	"dominant-baseline",
	"alignment-baseline",
	"baseline-shift",
	"text-decoration",
	"writing-mode",
	"direction",
	"unicode-bidi",
	"display",
	"visibility",
	"clip-path",
	"clip-rule",
	"mask",
	"overflow",
	"shape-rendering",
	"text-rendering",
	"image-rendering",
	"color-interpolation",
	"paint-order",
	"vector-effect",
	"mix-blend-mode",
	"isolation",
	NULL,
};

/* Elements that are refused with the reason, whatever their namespace for the first two. */
static const struct {
	const char *name, *why;
} refused[] = {
	{"script", "сценарии в шаблонах не допускаются"},
	{"foreignObject", "вставки других форматов (HTML) не допускаются"},
	{"handler", "сценарии в шаблонах не допускаются"},
	{"listener", "сценарии в шаблонах не допускаются"},
	{"iframe", "встроенные документы и объекты не допускаются"},
	{"audio", "встроенные документы и объекты не допускаются"},
	{"video", "встроенные документы и объекты не допускаются"},
	{"animate", "анимация не допускается: она может изменить содержимое сертификата"},
	{"set", "анимация не допускается: она может изменить содержимое сертификата"},
	{"animateMotion", "анимация не допускается: она может изменить содержимое сертификата"},
	{"animateTransform", "анимация не допускается: она может изменить содержимое сертификата"},
	{"animateColor", "анимация не допускается: она может изменить содержимое сертификата"},
	{"discard", "анимация не допускается: она может изменить содержимое сертификата"},
	{"a", "ссылки не допускаются; оставьте только содержимое ссылки"},
	{"tref", "ссылки на текст вне элемента не допускаются"},
};

/* Elements whose href is kept (a "#id" of this document; <image> also a data: image). */
static const char *const href_elements[] = {"use", "image", "linearGradient", "radialGradient", "pattern", NULL};

/* A compiled template: literal chunks of the serialised SVG between the places values go. */
enum part_kind {
	P_TEXT,     /* bytes off..off+len of text, as they are (inside a wrap: raw text, escaped when filled) */
	P_FIELD,    /* a value, escaped */
	P_QR,       /* the rest of a nested <svg> of the QR code: viewBox, white square, the modules */
	P_WRAP,     /* a data-wrap text: the parts up to P_WRAP_END are its content, set as lines */
	P_WRAP_END, /* the end of that run */
};
enum valign { VA_TOP, VA_MIDDLE, VA_BOTTOM }; /* where a wrapped block lies: from y, around it, up to it */
struct part {
	enum part_kind kind;
	int n; /* P_FIELD: the field; P_WRAP: characters a line */
	/* P_WRAP: the tspan heads: "<tspan x y" of the first line and "<tspan x dy" of the next ones
	 * (off, off2), then what both end with: the other attributes and '>' (off3). */
	size_t off, len, off2, len2, off3, len3;
	enum valign valign;
};
struct cert_tmpl {
	struct buf text;
	struct part *parts;
	size_t nparts, cap;
	unsigned used;
	double w, h; /* the page in points */
	char *title;
};

/* The tree walk that sanitises (t == NULL) or compiles. */
struct walk {
	struct buf *out;
	struct cert_tmpl *t;
	size_t mark; /* compiling: where the literal chunk that is not yet a part starts */
	const char *why;
	unsigned used;
	int qr;                     /* elements with id="qr" */
	int in_text, in_style, raw; /* raw: inside a data-wrap text (compiling) */
	xmlChar *title;             /* of the first <title> of the root */
	struct buf heads;           /* compiling: the attributes of a data-wrap text's first tspan */
};

static char why_buf[1024];

static int refuse(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->why == NULL) {
		va_start(ap, fmt);
		vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
		va_end(ap);
		w->why = why_buf;
	}
	return -1;
}

/* The length of the longest prefix of s of at most max bytes that does not cut a UTF-8 character. */
static int utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n > max)
		for (n = max; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80;)
			n--;
	return (int)n;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* XML escaping: attribute values also keep their tabs and line breaks through a re-parse. */
static void esc(struct buf *b, const char *s, size_t n, int attr)
{
	const char *run = s, *end = s + n;

	for (; s < end; s++) {
		const char *e;
		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = attr ? "&quot;" : NULL; break;
		case '\t': e = attr ? "&#9;" : NULL; break;
		case '\n': e = attr ? "&#10;" : NULL; break;
		case '\r': e = "&#13;"; break;
		default: e = NULL;
		}
		if (e == NULL)
			continue;
		buf_add(b, run, (size_t)(s - run));
		buf_adds(b, e);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(end - run));
}

/* ---------------------------------------------------------------- checks of values */

/* Whether s holds a script URL, tabs, line breaks and other control characters inside it ignored as
 * browsers do. */
static int has_script_url(const char *s)
{
	static const char *const schemes[] = {"javascript:", "vbscript:"};

	for (; *s != '\0'; s++) {
		for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
			const char *p = s, *q = schemes[k];
			while (*q != '\0' && *p != '\0') {
				if ((unsigned char)*p < ' ') {
					p++;
					continue;
				}
				if ((*p | 0x20) != *q)
					break;
				p++, q++;
			}
			if (*q == '\0')
				return 1;
		}
	}
	return 0;
}

/* url(...) may only point into the document; CSS (style) may not import or escape. */
static int css_check(struct walk *w, const char *v, int css)
{
	const char *p = v;

	if (has_script_url(v))
		return refuse(w, "Шаблон содержит ссылку «javascript:»: сценарии в шаблонах не допускаются.");
	if (css && strchr(v, '\\') != NULL)
		return refuse(w, "В стилях шаблона есть экранирование символов (\\): оно не допускается.");
	if (css && strcasestr(v, "@import") != NULL)
		return refuse(w, "В стилях шаблона есть @import: внешние стили не допускаются, "
				 "все стили должны быть внутри шаблона.");
	while ((p = strcasestr(p, "url(")) != NULL) {
		p += 4;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\'' || *p == '"')
			p++;
		if (*p != '#')
			return refuse(w, "Шаблон ссылается на внешний ресурс через url(…): допускаются только ссылки "
					 "на элементы самого шаблона, вида url(#id).");
	}
	return 0;
}

/* Every number in v (not inside a name such as "rect12" or a colour "#123456") is within NUMBER_MAX. */
static int numbers_check(struct walk *w, const char *v)
{
	for (const char *p = v; *p != '\0';) {
		char *end;
		double d;

		if (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '#')) {
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			       *p == '_' || *p == '#' || *p == '-')
				p++;
			continue;
		}
		if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))) {
			p++;
			continue;
		}
		d = strtod(p, &end);
		if (!(fabs(d) <= NUMBER_MAX))
			return refuse(w, "В шаблоне слишком большое число (%.*s): проверьте размеры и координаты.",
				      (int)(end - p > 20 ? 20 : end - p), p);
		p = end > p ? end : p + 1;
	}
	return 0;
}

/* A "#id" reference. */
static int fragment_ok(const char *v)
{
	return v[0] == '#' && v[1] != '\0' && strpbrk(v + 1, " \t\r\n\"'()<>#\\") == NULL;
}

/* A data: URI of a PNG or JPEG image within CERT_IMAGE_MAX; appended to out without white space.
 * Returns 0, or -1 with why set. */
static int data_image(struct walk *w, const char *v, struct buf *out)
{
	static const char *const prefixes[] = {"data:image/png;base64,", "data:image/jpeg;base64,",
					       "data:image/jpg;base64,"};
	size_t k, n = 0, pad = 0, start = out->len;
	const char *p = NULL;

	for (k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]) && p == NULL; k++)
		if (strncasecmp(v, prefixes[k], strlen(prefixes[k])) == 0)
			p = v + strlen(prefixes[k]);
	if (p == NULL)
		return refuse(w, "Изображение в шаблоне ссылается на внешний файл: допускаются только встроенные "
				 "изображения PNG или JPEG (data:image/…;base64).");
	buf_add(out, v, (size_t)(p - v));
	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '+' ||
		      *p == '/' || *p == '=') ||
		    (pad > 0 && *p != '=')) {
			out->len = start;
			out->p[start] = '\0';
			return refuse(w, "Встроенное изображение в шаблоне повреждено (неверная кодировка base64).");
		}
		pad += *p == '=';
		n++;
		buf_addc(out, *p);
	}
	if (n / 4 * 3 > (size_t)CERT_IMAGE_MAX + 2) {
		out->len = start;
		out->p[start] = '\0';
		return refuse(w, "Встроенное изображение в шаблоне больше %d МБ: уменьшите его.",
			      CERT_IMAGE_MAX / (1024 * 1024));
	}
	return 0;
}

/* A plain number (user units, or px) for the QR slot; positive when asked. */
static int number_ok(const char *v, int positive, double *out)
{
	char *end;
	double d;

	if (v == NULL)
		return 0;
	d = strtod(v, &end);
	if (end == v || !(fabs(d) <= NUMBER_MAX) || (positive && d <= 0))
		return 0;
	while (*end == ' ')
		end++;
	if (strcmp(end, "px") == 0)
		end += 2;
	*out = d;
	return *end == '\0';
}

/* data-wrap="N": N characters a line, 1 to 999; 0 when not. */
static int wrap_width(const char *v)
{
	return v != NULL && v[0] != '\0' && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 3 ? atoi(v) : 0;
}

static const char *const valigns[] = {"top", "middle", "bottom"};

/* data-valign: the enum valign, or -1. */
static int valign_of(const char *v)
{
	for (int i = 0; v != NULL && i < 3; i++)
		if (strcmp(v, valigns[i]) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- placeholders */

/* At p (which starts with "{{"): a placeholder "{{ name }}" of len bytes; returns the field, -2 for an
 * unknown name (name and its length set), or -1 when this is no placeholder. */
static int placeholder(const char *p, size_t *len, const char **name, size_t *nlen)
{
	const char *s = p + 2, *e;
	int f;

	while (*s == ' ')
		s++;
	for (e = s; (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9') || *e == '_';)
		e++;
	*name = s;
	*nlen = (size_t)(e - s);
	while (*e == ' ')
		e++;
	if (*nlen == 0 || *nlen > NAME_MAX_ || e[0] != '}' || e[1] != '}')
		return -1;
	*len = (size_t)(e + 2 - p);
	for (f = 0; f < CF__MAX; f++)
		if (strlen(cert_field_names[f]) == *nlen && memcmp(cert_field_names[f], *name, *nlen) == 0)
			return f;
	return -2;
}

/* ---------------------------------------------------------------- compiling: parts */

static struct part *part_add(struct walk *w, enum part_kind kind)
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
static void cut(struct walk *w)
{
	if (w->out->len > w->mark) {
		struct part *p = part_add(w, P_TEXT);
		p->off = w->mark;
		p->len = w->out->len - w->mark;
	}
	w->mark = w->out->len;
}

/* Text of a <text> element: placeholders are checked, and become value slots when compiling. */
static int text_content(struct walk *w, const char *s)
{
	const char *p = s, *lit = s, *name;
	size_t len, nlen;
	int f;

	while ((p = strstr(p, "{{")) != NULL) {
		if ((f = placeholder(p, &len, &name, &nlen)) == -1) {
			p++;
			continue;
		}
		if (f == -2)
			return refuse(
				w,
				"В шаблоне неизвестное поле {{%.*s}}. Допустимые поля: {{full_name}}, "
				"{{full_name_dat}}, {{organization}}, {{seminar}}, {{dates}}, {{hours}}, {{format}}, "
				"{{number}}, {{issued_on}}, {{issuer}}, {{signatory}}.",
				(int)nlen, name);
		w->used |= 1u << f;
		if (w->t != NULL) {
			if (w->raw)
				buf_add(w->out, lit, (size_t)(p - lit));
			else
				esc(w->out, lit, (size_t)(p - lit), 0);
			cut(w);
			part_add(w, P_FIELD)->n = f;
			lit = p + len;
		}
		p += len;
	}
	if (w->t != NULL && w->raw)
		buf_adds(w->out, lit);
	else
		esc(w->out, lit, strlen(lit), 0);
	return 0;
}

/* ---------------------------------------------------------------- the walk */

static int element(struct walk *w, xmlNode *n, int root);

/* Checks one attribute and writes it when kept. heads: writing a tspan head of a wrapped line (no
 * position, no id). */
static int attribute(struct walk *w, xmlNode *n, xmlAttr *a, const char *v, int *href_done, int heads)
{
	const char *an = (const char *)a->name, *ans = a->ns ? (const char *)a->ns->href : NULL;
	const char *el = (const char *)n->name;

	if (strncasecmp(an, "on", 2) == 0)
		return refuse(w, "Атрибут %.*s задаёт обработчик события: сценарии в шаблонах не допускаются.",
			      utf8_prefix(an, 40), an);
	if (has_script_url(v))
		return refuse(w, "Шаблон содержит ссылку «javascript:»: сценарии в шаблонах не допускаются.");
	if (strcmp(an, "href") == 0 && (ans == NULL || strcmp(ans, XLINK_NS) == 0)) {
		size_t start = w->out->len;
		if (!fragment_ok(v) && strcmp(el, "image") != 0)
			return refuse(w,
				      "Ссылка в элементе <%s> ведёт за пределы шаблона: допускаются только ссылки "
				      "на его собственные элементы, вида \"#id\".",
				      el);
		buf_adds(w->out, " xlink:href=\"");
		if (fragment_ok(v))
			esc(w->out, v, strlen(v), 1);
		else if (data_image(w, v, w->out) == -1)
			return -1;
		buf_addc(w->out, '"');
		if (*href_done || heads || !in_list(href_elements, el)) {
			w->out->len = start; /* checked, but of no use here */
			w->out->p[start] = '\0';
		}
		*href_done = 1;
		return 0;
	}
	if (ans != NULL && strcmp(ans, (const char *)XML_XML_NAMESPACE) == 0 && strcmp(an, "space") == 0) {
		if (strcmp(v, "preserve") == 0 || strcmp(v, "default") == 0)
			buf_addf(w->out, " xml:space=\"%s\"", v);
		return 0;
	}
	if (ans != NULL)
		return 0; /* inkscape:*, sodipodi:*, other xlink:* and the like */
	if (strcmp(an, "data-wrap") == 0) {
		if (strcmp(el, "text") == 0 && wrap_width(v) > 0)
			buf_addf(w->out, " data-wrap=\"%d\"", wrap_width(v));
		return 0;
	}
	if (strcmp(an, "data-valign") == 0) {
		if (strcmp(el, "text") == 0 && valign_of(v) >= 0)
			buf_addf(w->out, " data-valign=\"%s\"", valigns[valign_of(v)]);
		return 0;
	}
	if (!in_list(attributes, an))
		return 0;
	if (css_check(w, v, strcmp(an, "style") == 0) == -1)
		return -1;
	if (strcmp(an, "id") != 0 && strcmp(an, "class") != 0 && numbers_check(w, v) == -1)
		return -1;
	if (heads && (strcmp(an, "x") == 0 || strcmp(an, "y") == 0 || strcmp(an, "dx") == 0 || strcmp(an, "dy") == 0 ||
		      strcmp(an, "rotate") == 0 || strcmp(an, "id") == 0))
		return 0;
	buf_addf(w->out, " %s=\"", an);
	esc(w->out, v, strlen(v), 1);
	buf_addc(w->out, '"');
	return 0;
}

static int attributes_of(struct walk *w, xmlNode *n, int heads)
{
	int href_done = 0;

	for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		int rc = attribute(w, n, a, v ? (const char *)v : "", &href_done, heads);
		xmlFree(v);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int children(struct walk *w, xmlNode *n)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		const char *s = (const char *)c->content;
		if (c->type == XML_ELEMENT_NODE) {
			if (element(w, c, 0) == -1)
				return -1;
		} else if (c->type == XML_TEXT_NODE && s != NULL) {
			if (w->in_style) {
				if (css_check(w, s, 1) == -1 || numbers_check(w, s) == -1)
					return -1;
				esc(w->out, s, strlen(s), 0);
			} else if (has_script_url(s))
				return refuse(
					w, "Шаблон содержит ссылку «javascript:»: сценарии в шаблонах не допускаются.");
			else if (w->in_text) {
				if (text_content(w, s) == -1)
					return -1;
			} else
				esc(w->out, s, strlen(s), 0);
		}
		/* Comments and processing instructions (xml-stylesheet!) are dropped. */
	}
	return 0;
}

/* The QR slot when compiling: a nested <svg> over the rectangle, its modules filled per certificate. */
static int qr_slot(struct walk *w, xmlNode *n)
{
	static const char *const geometry[] = {"x", "y", "width", "height"};
	xmlChar *v[4], *tf = xmlGetNoNsProp(n, (const xmlChar *)"transform");
	double d;
	int ok = 1, i;

	for (i = 0; i < 4; i++) {
		v[i] = xmlGetNoNsProp(n, (const xmlChar *)geometry[i]);
		ok &= number_ok((const char *)v[i], i >= 2, &d);
	}
	if (ok && tf != NULL && (css_check(w, (const char *)tf, 0) == -1 || numbers_check(w, (const char *)tf) == -1))
		ok = -1;
	if (ok == 1 && w->t != NULL) {
		buf_adds(w->out, "<g");
		if (tf != NULL) {
			buf_adds(w->out, " transform=\"");
			esc(w->out, (const char *)tf, strlen((const char *)tf), 1);
			buf_addc(w->out, '"');
		}
		buf_adds(w->out, "><svg");
		for (i = 0; i < 4; i++) {
			buf_addf(w->out, " %s=\"", geometry[i]);
			esc(w->out, (const char *)v[i], strlen((const char *)v[i]), 1);
			buf_addc(w->out, '"');
		}
		buf_adds(w->out, " preserveAspectRatio=\"xMidYMid meet\" viewBox=\"0 0 ");
		cut(w);
		part_add(w, P_QR);
		buf_adds(w->out, "</g>");
	}
	for (i = 0; i < 4; i++)
		xmlFree(v[i]);
	xmlFree(tf);
	if (ok == 0)
		return refuse(w, "У места для QR-кода (id=\"qr\") должны быть числовые x, y, width и height: "
				 "нарисуйте на его месте прямоугольник.");
	return ok == 1 ? 0 : -1;
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
static int wrap_piece(struct walk *w, const xmlNode *t)
{
	if (t->type != XML_TEXT_NODE || t->content == NULL)
		return 0;
	if (has_script_url((const char *)t->content))
		return refuse(w, "Шаблон содержит ссылку «javascript:»: сценарии в шаблонах не допускаются.");
	return text_content(w, (const char *)t->content);
}

/* Appends the start of a tspan head: <tspan x="X"[ y="Y"][ dy="1.2em"]. */
static void head(struct buf *out, const char *x, const char *y, int next)
{
	buf_adds(out, "<tspan x=\"");
	esc(out, x, strlen(x), 1);
	buf_addc(out, '"');
	if (y != NULL) {
		buf_adds(out, " y=\"");
		esc(out, y, strlen(y), 1);
		buf_addc(out, '"');
	}
	if (next)
		buf_adds(out, " dy=\"1.2em\"");
}

/* Compiling a <text data-wrap="N">: its content becomes one P_WRAP ... P_WRAP_END run of raw text and
 * values; the lines are tspans at the text's (or its first tspan's) x, dy 1.2em apart, with the first
 * tspan's other attributes (Inkscape puts the font there). */
static int wrap_text(struct walk *w, xmlNode *n, xmlNode *tspan, int width, enum valign valign)
{
	struct buf *out = w->out;
	xmlChar *x = tspan ? xmlGetNoNsProp(tspan, (const xmlChar *)"x") : NULL;
	xmlChar *y = tspan ? xmlGetNoNsProp(tspan, (const xmlChar *)"y") : NULL;
	struct part *p;
	size_t h1, h2, h3;
	int rc = 0;

	if (x == NULL)
		x = xmlGetNoNsProp(n, (const xmlChar *)"x");
	buf_reset(&w->heads);
	if (tspan != NULL) {
		w->out = &w->heads;
		rc = attributes_of(w, tspan, 1);
		w->out = out;
	}
	if (rc == 0 && ((x && css_check(w, (const char *)x, 0) == -1) || (y && css_check(w, (const char *)y, 0) == -1)))
		rc = -1;
	if (rc == 0) {
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
		for (xmlNode *c = n->children; c != NULL && rc == 0; c = c->next) {
			if (c->type != XML_ELEMENT_NODE) {
				rc = wrap_piece(w, c);
				continue;
			}
			/* Inkscape's tspans are lines of their own: a space between them. */
			buf_addc(out, ' ');
			for (xmlNode *g = c->children; g != NULL && rc == 0; g = g->next)
				rc = wrap_piece(w, g);
		}
		w->raw = 0;
		cut(w);
		part_add(w, P_WRAP_END);
	}
	xmlFree(x);
	xmlFree(y);
	return rc;
}

static int element(struct walk *w, xmlNode *n, int root)
{
	const char *name = (const char *)n->name, *ns = n->ns ? (const char *)n->ns->href : NULL;
	struct buf *out = w->out;
	xmlNode *tspan;
	xmlChar *id;
	size_t i, open;
	int rc = 0, is_text, is_style, wrap = 0, valign = VA_TOP;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if ((ns != NULL && strcmp(ns, SVG_NS) == 0 && strcmp(name, refused[i].name) == 0) ||
		    (i < 2 && strcasecmp(name, refused[i].name) == 0))
			return refuse(w, "В шаблоне есть элемент <%s>: %s.", refused[i].name, refused[i].why);
	if (ns != NULL && strcmp(ns, XINCLUDE_NS) == 0)
		return refuse(w, "В шаблоне есть включение внешнего файла (XInclude): оно не допускается.");
	/* Editors' data (Inkscape, Sodipodi, RDF metadata) and other harmless unknowns are dropped. */
	if (ns == NULL || strcmp(ns, SVG_NS) != 0 || !in_list(elements, name))
		return 0;
	id = xmlGetNoNsProp(n, (const xmlChar *)"id");
	if (id != NULL && strcmp((const char *)id, "qr") == 0) {
		xmlFree(id);
		if (++w->qr > 1)
			return refuse(w,
				      "В шаблоне несколько элементов с id=\"qr\": место для QR-кода должно быть одно.");
		if (w->t != NULL)
			return qr_slot(w, n);
		if (qr_slot(w, n) == -1)
			return -1;
	} else
		xmlFree(id);
	if (root == 0 && strcmp(name, "title") == 0 && n->parent != NULL && n->parent->parent != NULL &&
	    n->parent->parent->type == XML_DOCUMENT_NODE && w->title == NULL)
		w->title = xmlNodeGetContent(n);
	is_text = strcmp(name, "text") == 0;
	is_style = strcmp(name, "style") == 0;
	buf_addc(out, '<');
	buf_adds(out, name);
	if (root)
		buf_adds(out, " xmlns=\"" SVG_NS "\" xmlns:xlink=\"" XLINK_NS "\"");
	if (attributes_of(w, n, 0) == -1)
		return -1;
	open = out->len;
	buf_addc(out, '>');
	w->in_text += is_text;
	w->in_style += is_style;
	if (is_text && w->t != NULL && wrappable(n, &tspan)) {
		xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"data-wrap");
		xmlChar *va = xmlGetNoNsProp(n, (const xmlChar *)"data-valign");
		wrap = wrap_width((const char *)v);
		if (valign_of((const char *)va) > 0)
			valign = valign_of((const char *)va);
		xmlFree(v);
		xmlFree(va);
	}
	rc = wrap > 0 ? wrap_text(w, n, tspan, wrap, valign) : children(w, n);
	w->in_text -= is_text;
	w->in_style -= is_style;
	if (rc == -1)
		return -1;
	if (out->len == open + 1 && w->mark <= open) {
		out->len = open;
		buf_adds(out, "/>");
	} else {
		buf_adds(out, "</");
		buf_adds(out, name);
		buf_addc(out, '>');
	}
	return 0;
}

/* ---------------------------------------------------------------- parsing */

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	xmlParserCtxtPtr c = ctx;

	(void)name, (void)external_id, (void)system_id;
	/* Stop before the internal subset is read: no entity is ever declared, let alone expanded. */
	c->_private = c;
	xmlStopParser(c);
}

static xmlDoc *parse(struct walk *w, const char *svg, size_t len)
{
	const char *p = svg, *end = svg + len;
	xmlParserCtxtPtr c;
	xmlDoc *doc;

	if (len == 0) {
		refuse(w, "Файл пустой: выберите файл шаблона в формате SVG.");
		return NULL;
	}
	if (len > CERT_SVG_MAX) {
		refuse(w, "Файл слишком большой: шаблон должен быть не больше %d МБ.", CERT_SVG_MAX / (1024 * 1024));
		return NULL;
	}
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p == end || *p != '<' || memchr(svg, '\0', len) != NULL) {
		refuse(w, "Это не SVG-файл. Сохраните шаблон в формате SVG (в Inkscape: «Сохранить как» → "
			  "«Обычный SVG») и загрузите его снова.");
		return NULL;
	}
	if ((c = xmlNewParserCtxt()) == NULL)
		abort();
	c->sax->internalSubset = on_doctype;
	doc = xmlCtxtReadMemory(c, svg, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (c->_private != NULL || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL)))
		refuse(w,
		       "Файл содержит объявление DOCTYPE: такие файлы не принимаются ради безопасности. "
		       "Удалите строку <!DOCTYPE …> (или сохраните в Inkscape как «Обычный SVG») и загрузите снова.");
	else if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(c);
		refuse(w, "Файл повреждён или не является SVG: ошибка разметки XML в строке %d.", e ? e->line : 0);
	}
	xmlFreeParserCtxt(c);
	if (w->why != NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* Parses and walks a document into w->out. Returns 0, or -1 with w->why set. */
static int walk(struct walk *w, const char *svg, size_t len)
{
	xmlDoc *doc = parse(w, svg, len);
	xmlNode *root;
	int rc = -1;

	if (doc == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "svg") != 0)
		refuse(w, "Это не SVG-документ: главный элемент файла должен быть <svg>.");
	else if (root->ns == NULL || strcmp((const char *)root->ns->href, SVG_NS) != 0)
		refuse(w, "У элемента <svg> нет пространства имён SVG: добавьте к нему "
			  "xmlns=\"http://www.w3.org/2000/svg\".");
	else {
		buf_adds(w->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		if (element(w, root, 1) == 0) {
			buf_addc(w->out, '\n');
			if (w->qr == 0)
				refuse(w, "В шаблоне нет места для QR-кода: нарисуйте прямоугольник и задайте ему "
					  "id=\"qr\" (в Inkscape: Объект → Свойства объекта).");
			else if (!(w->used & (1u << CF_FULL_NAME | 1u << CF_FULL_NAME_DAT)))
				refuse(w, "В шаблоне нет имени участника: добавьте в текст поле {{full_name}} "
					  "(именительный падеж) или {{full_name_dat}} (дательный падеж).");
			else
				rc = 0;
		}
	}
	xmlFreeDoc(doc);
	buf_free(&w->heads);
	return rc;
}

int cert_sanitize(struct buf *out, const char *svg, size_t len, const char **why)
{
	struct walk w = {.out = out};
	size_t start = out->len;
	int rc;

	assert(out != NULL && why != NULL);
	rc = walk(&w, svg, len);
	xmlFree(w.title);
	if (rc == -1) {
		out->len = start;
		if (out->cap > 0)
			out->p[start] = '\0';
		*why = w.why;
	}
	return rc;
}

/* ---------------------------------------------------------------- filling and rendering */

/* Escaped text of a value: control characters become spaces (XML cannot hold them). */
static void value_text(struct buf *b, const char *s, size_t n)
{
	const char *run = s, *end = s + n;

	for (; s < end; s++)
		if ((unsigned char)*s < ' ') {
			esc(b, run, (size_t)(s - run), 0);
			buf_addc(b, ' ');
			run = s + 1;
		}
	esc(b, run, (size_t)(end - run), 0);
}

static size_t char_len(const char *s)
{
	size_t n = 1;

	while (((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
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
			bytes += char_len(s + bytes);
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
		if (l->n > 1 && l->p->valign != VA_TOP) {
			/* In tenths of an em, so no locale can write a decimal comma. */
			int tenths = (l->n - 1) * (l->p->valign == VA_BOTTOM ? 12 : 6);
			buf_addf(l->out, " dy=\"-%d.%dem\"", tenths / 10, tenths % 10);
		}
	} else
		buf_add(l->out, text + l->p->off2, l->p->len2);
	buf_add(l->out, text + l->p->off3, l->p->len3);
	value_text(l->out, s, len);
	buf_adds(l->out, "</tspan>");
}

static struct buf filled, scratch, qr_d;

/* The filled SVG of one certificate into filled. Returns 0, or -1 (logged). */
static int fill(const struct cert_tmpl *t, const struct cert_values *v)
{
	size_t i;

	for (i = 0; i < CF__MAX; i++)
		if (v->v[i] != NULL && utf8_count(v->v[i], strlen(v->v[i])) < 0) {
			log_msg(LOG_ERROR, NULL, "cert: the value of %s is not UTF-8", cert_field_names[i]);
			return -1;
		}
	buf_reset(&filled);
	for (i = 0; i < t->nparts; i++) {
		const struct part *p = &t->parts[i];
		const char *s;
		int n;

		switch (p->kind) {
		case P_TEXT: buf_add(&filled, t->text.p + p->off, p->len); break;
		case P_FIELD:
			s = v->v[p->n] ? v->v[p->n] : "";
			value_text(&filled, s, strlen(s));
			break;
		case P_QR:
			buf_reset(&qr_d);
			if (qr_path(&qr_d, v->verify_url, &n) == -1)
				return -1;
			buf_addf(&filled,
				 "%d %d\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"none\" "
				 "stroke=\"#000\" stroke-width=\"1\" d=\"",
				 n, n, n, n);
			buf_add(&filled, qr_d.p, qr_d.len);
			buf_adds(&filled, "\"/></svg>");
			break;
		case P_WRAP:
			/* The raw text of the run, values included; wrapped and escaped as a whole. */
			buf_reset(&scratch);
			buf_adds(&scratch, "");
			for (i++; t->parts[i].kind != P_WRAP_END; i++) {
				const struct part *q = &t->parts[i];
				if (q->kind == P_TEXT)
					buf_add(&scratch, t->text.p + q->off, q->len);
				else if (q->kind == P_FIELD && v->v[q->n] != NULL)
					buf_adds(&scratch, v->v[q->n]);
			}
			{
				struct lines l = {&filled, t, p, wrap(scratch.p, p->n, NULL, NULL), 0};
				wrap(scratch.p, p->n, line_out, &l);
			}
			break;
		case P_WRAP_END: break;
		}
	}
	return 0;
}

/* Renders the filled SVG on the current page of cr. Returns 0, or -1 (logged). */
static int render(cairo_t *cr, const struct cert_tmpl *t, const struct cert_values *v)
{
	RsvgRectangle page = {0, 0, t->w, t->h};
	GError *err = NULL;
	RsvgHandle *h;
	int rc = 0;

	if (fill(t, v) == -1)
		return -1;
	h = rsvg_handle_new_from_data((const guint8 *)filled.p, filled.len, &err);
	if (h == NULL || !rsvg_handle_render_document(h, cr, &page, &err)) {
		log_msg(LOG_ERROR, NULL, "cert: librsvg: %s", err ? err->message : "failed");
		rc = -1;
	}
	if (err != NULL)
		g_error_free(err);
	if (h != NULL)
		g_object_unref(h);
	if (rc == 0 && cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		log_msg(LOG_ERROR, NULL, "cert: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		rc = -1;
	}
	return rc;
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure, (void)data, (void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* Finds the page size in points, from width and height (mm, cm, in, pt, px) or else the viewBox in
 * px, and renders the template once with every value filled, so that a template librsvg cannot
 * draw is refused now rather than when certificates are issued. */
static int page_size(struct cert_tmpl *t, const char **why)
{
	struct cert_values sample = {.verify_url = "https://example.org/certificates/verify/SAMPLE"};
	GError *err = NULL;
	RsvgHandle *h;
	gboolean has_w, has_h, has_vb;
	RsvgLength lw, lh;
	RsvgRectangle vb, page;
	cairo_surface_t *s;
	cairo_t *cr;
	double w = 0, hh = 0;
	int ok;

	for (int f = 0; f < CF__MAX; f++)
		sample.v[f] = cert_field_names[f];
	if (fill(t, &sample) == -1 ||
	    (h = rsvg_handle_new_from_data((const guint8 *)filled.p, filled.len, &err)) == NULL) {
		log_msg(LOG_WARN, NULL, "cert: librsvg cannot load a template: %s", err ? err->message : "?");
		if (err != NULL)
			g_error_free(err);
		*why = "Шаблон не удалось подготовить к печати: проверьте его в Inkscape и сохраните заново.";
		return -1;
	}
	rsvg_handle_set_dpi(h, 72.0);
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh)) {
		rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
		w = has_vb ? vb.width * 0.75 : 0; /* CSS pixels, 96 a inch */
		hh = has_vb ? vb.height * 0.75 : 0;
	}
	if (!(w >= 1 && hh >= 1 && w <= PT_MAX && hh <= PT_MAX)) {
		g_object_unref(h);
		*why = "У шаблона не задан размер страницы или он слишком велик: укажите у <svg> width и height в "
		       "миллиметрах, например width=\"297mm\" height=\"210mm\".";
		return -1;
	}
	page = (RsvgRectangle){0, 0, w, hh};
	s = cairo_pdf_surface_create_for_stream(discard, NULL, w, hh);
	cr = cairo_create(s);
	ok = rsvg_handle_render_document(h, cr, &page, &err) && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	g_object_unref(h);
	if (!ok) {
		log_msg(LOG_WARN, NULL, "cert: librsvg cannot render a template: %s", err ? err->message : "?");
		if (err != NULL)
			g_error_free(err);
		*why = "Шаблон не удалось отрисовать: проверьте его в Inkscape и сохраните заново.";
		return -1;
	}
	t->w = w;
	t->h = hh;
	return 0;
}

struct cert_tmpl *cert_compile(const char *svg, size_t len, const char **why)
{
	struct cert_tmpl *t = calloc(1, sizeof(*t));
	struct walk w = {0};

	assert(why != NULL);
	if (t == NULL)
		abort();
	w.out = &t->text;
	w.t = t;
	buf_adds(&t->text, "");
	if (walk(&w, svg, len) == -1) {
		*why = w.why;
		xmlFree(w.title);
		cert_free(t);
		return NULL;
	}
	cut(&w);
	t->used = w.used;
	if (w.title != NULL) {
		if ((t->title = strdup((const char *)w.title)) == NULL)
			abort();
		xmlFree(w.title);
	}
	if (page_size(t, why) == -1) {
		cert_free(t);
		return NULL;
	}
	return t;
}

void cert_free(struct cert_tmpl *t)
{
	if (t == NULL)
		return;
	buf_free(&t->text);
	free(t->parts);
	free(t->title);
	free(t);
}

unsigned cert_fields_used(const struct cert_tmpl *t)
{
	return t->used;
}

const char *cert_title(const struct cert_tmpl *t)
{
	return t->title;
}

/* cairo's stream callback: the buffer grows or the process aborts, so it cannot fail. */
static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

struct cert_book {
	struct buf *out;
	size_t start;
	cairo_surface_t *s;
	cairo_t *cr;
	int failed;
};

struct cert_book *cert_book_open(struct buf *out)
{
	struct cert_book *b = calloc(1, sizeof(*b));

	if (b == NULL)
		abort();
	b->out = out;
	b->start = out->len;
	/* The size is set again for each page, from its template. */
	b->s = cairo_pdf_surface_create_for_stream(buf_write, out, 842, 595);
	b->cr = cairo_create(b->s);
	return b;
}

int cert_book_add(struct cert_book *b, const struct cert_tmpl *t, const struct cert_values *v)
{
	cairo_pdf_surface_set_size(b->s, t->w, t->h);
	if (render(b->cr, t, v) == -1) {
		b->failed = 1;
		return -1;
	}
	cairo_show_page(b->cr);
	return 0;
}

int cert_book_close(struct cert_book *b)
{
	cairo_status_t st;
	int rc;

	cairo_destroy(b->cr);
	/* The document is written out here. */
	cairo_surface_finish(b->s);
	st = cairo_surface_status(b->s);
	cairo_surface_destroy(b->s);
	if (st != CAIRO_STATUS_SUCCESS)
		log_msg(LOG_ERROR, NULL, "cert: cairo: %s", cairo_status_to_string(st));
	rc = b->failed || st != CAIRO_STATUS_SUCCESS ? -1 : 0;
	if (rc == -1) {
		b->out->len = b->start;
		if (b->out->cap > 0)
			b->out->p[b->start] = '\0';
	}
	free(b);
	return rc;
}

int cert_pdf(struct buf *out, const struct cert_tmpl *t, const struct cert_values *v)
{
	struct cert_book *b = cert_book_open(out);

	cert_book_add(b, t, v);
	return cert_book_close(b);
}
