/* The certificate template sanitiser: an uploaded SVG parsed with libxml2 and written out again through an allow-list.
 */
#include "cert_sanitize.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define XINCLUDE_NS "http://www.w3.org/2001/XInclude"
#define NAME_MAX_   40  /* a placeholder name */
#define NUMBER_MAX  1e6 /* no coordinate, length or size is bigger: librsvg's text layout breaks down */

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

/* The walk: the clean document goes to out; the first refusal's reason to why. */
struct clean {
	struct buf *out;
	char *why; /* CERT_WHY bytes, "" until refused */
	unsigned used;
	int qr; /* elements with id="qr" */
	int in_text, in_style;
};

static int refuse(struct clean *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct clean *w, const char *fmt, ...)
{
	va_list ap;

	if (w->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(w->why, CERT_WHY, fmt, ap);
		va_end(ap);
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

void cert_close(struct buf *out, size_t open, const char *name, int empty)
{
	if (empty && out->len == open + 1) {
		out->len = open;
		buf_adds(out, "/>");
	} else {
		buf_adds(out, "</");
		buf_adds(out, name);
		buf_addc(out, '>');
	}
}

void cert_esc(struct buf *b, const char *s, size_t n, int attr)
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
static int css_check(struct clean *w, const char *v, int css)
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
static int numbers_check(struct clean *w, const char *v)
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
static int data_image(struct clean *w, const char *v, struct buf *out)
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

/* ---------------------------------------------------------------- placeholders and wrapped text */

int cert_wrap_width(const char *v)
{
	return v != NULL && v[0] != '\0' && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 3 ? atoi(v) : 0;
}

static const char *const valigns[CV__MAX] = {"top", "middle", "bottom"};

int cert_valign(const char *v)
{
	for (int i = 0; v != NULL && i < CV__MAX; i++)
		if (strcmp(v, valigns[i]) == 0)
			return i;
	return -1;
}

int cert_placeholder(const char *p, size_t *len, const char **name, size_t *nlen)
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

/* Text of a <text> element: its placeholders must name fields. */
static int text_content(struct clean *w, const char *s)
{
	const char *p = s, *name;
	size_t len, nlen;
	int f;

	while ((p = strstr(p, "{{")) != NULL) {
		if ((f = cert_placeholder(p, &len, &name, &nlen)) == -1) {
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
		p += len;
	}
	cert_esc(w->out, s, strlen(s), 0);
	return 0;
}

/* ---------------------------------------------------------------- the walk */

static int element(struct clean *w, xmlNode *n, int root);

/* Checks one attribute and writes it when kept. */
static int attribute(struct clean *w, xmlNode *n, xmlAttr *a, const char *v, int *href_done)
{
	const char *an = (const char *)a->name, *ans = a->ns ? (const char *)a->ns->href : NULL;
	const char *el = (const char *)n->name;

	if (strncasecmp(an, "on", 2) == 0)
		return refuse(w, "Атрибут %.*s задаёт обработчик события: сценарии в шаблонах не допускаются.",
			      utf8_prefix(an, 40), an);
	if (has_script_url(v))
		return refuse(w, "Шаблон содержит ссылку «javascript:»: сценарии в шаблонах не допускаются.");
	if (strcmp(an, "href") == 0 && (ans == NULL || strcmp(ans, CERT_XLINK_NS) == 0)) {
		size_t start = w->out->len;
		if (!fragment_ok(v) && strcmp(el, "image") != 0)
			return refuse(w,
				      "Ссылка в элементе <%s> ведёт за пределы шаблона: допускаются только ссылки "
				      "на его собственные элементы, вида \"#id\".",
				      el);
		buf_adds(w->out, " xlink:href=\"");
		if (fragment_ok(v))
			cert_esc(w->out, v, strlen(v), 1);
		else if (data_image(w, v, w->out) == -1)
			return -1;
		buf_addc(w->out, '"');
		if (*href_done || !in_list(href_elements, el)) {
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
		if (strcmp(el, "text") == 0 && cert_wrap_width(v) > 0)
			buf_addf(w->out, " data-wrap=\"%d\"", cert_wrap_width(v));
		return 0;
	}
	if (strcmp(an, "data-valign") == 0) {
		if (strcmp(el, "text") == 0 && cert_valign(v) >= 0)
			buf_addf(w->out, " data-valign=\"%s\"", valigns[cert_valign(v)]);
		return 0;
	}
	if (!in_list(attributes, an))
		return 0;
	if (css_check(w, v, strcmp(an, "style") == 0) == -1)
		return -1;
	if (strcmp(an, "id") != 0 && strcmp(an, "class") != 0 && numbers_check(w, v) == -1)
		return -1;
	buf_addf(w->out, " %s=\"", an);
	cert_esc(w->out, v, strlen(v), 1);
	buf_addc(w->out, '"');
	return 0;
}

static int attributes_of(struct clean *w, xmlNode *n)
{
	int href_done = 0;

	for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		int rc = attribute(w, n, a, v ? (const char *)v : "", &href_done);
		xmlFree(v);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int children(struct clean *w, xmlNode *n)
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
				cert_esc(w->out, s, strlen(s), 0);
			} else if (has_script_url(s))
				return refuse(
					w, "Шаблон содержит ссылку «javascript:»: сценарии в шаблонах не допускаются.");
			else if (w->in_text) {
				if (text_content(w, s) == -1)
					return -1;
			} else
				cert_esc(w->out, s, strlen(s), 0);
		}
		/* Comments and processing instructions (xml-stylesheet!) are dropped. */
	}
	return 0;
}

/* The QR slot: a rectangle with numbers for its geometry (the compiler puts the code there). */
static int qr_slot(struct clean *w, xmlNode *n)
{
	static const char *const geometry[] = {"x", "y", "width", "height"};
	xmlChar *v, *tf = xmlGetNoNsProp(n, (const xmlChar *)"transform");
	double d;
	int ok = 1, i;

	for (i = 0; i < 4; i++) {
		v = xmlGetNoNsProp(n, (const xmlChar *)geometry[i]);
		ok &= number_ok((const char *)v, i >= 2, &d);
		xmlFree(v);
	}
	if (ok && tf != NULL && (css_check(w, (const char *)tf, 0) == -1 || numbers_check(w, (const char *)tf) == -1))
		ok = -1;
	xmlFree(tf);
	if (ok == 0)
		return refuse(w, "У места для QR-кода (id=\"qr\") должны быть числовые x, y, width и height: "
				 "нарисуйте на его месте прямоугольник.");
	return ok == 1 ? 0 : -1;
}

static int element(struct clean *w, xmlNode *n, int root)
{
	const char *name = (const char *)n->name, *ns = n->ns ? (const char *)n->ns->href : NULL;
	struct buf *out = w->out;
	xmlChar *id;
	size_t i, open;
	int rc, is_text, is_style;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if ((ns != NULL && strcmp(ns, CERT_SVG_NS) == 0 && strcmp(name, refused[i].name) == 0) ||
		    (i < 2 && strcasecmp(name, refused[i].name) == 0))
			return refuse(w, "В шаблоне есть элемент <%s>: %s.", refused[i].name, refused[i].why);
	if (ns != NULL && strcmp(ns, XINCLUDE_NS) == 0)
		return refuse(w, "В шаблоне есть включение внешнего файла (XInclude): оно не допускается.");
	/* Editors' data (Inkscape, Sodipodi, RDF metadata) and other harmless unknowns are dropped. */
	if (ns == NULL || strcmp(ns, CERT_SVG_NS) != 0 || !in_list(elements, name))
		return 0;
	id = xmlGetNoNsProp(n, (const xmlChar *)"id");
	if (id != NULL && strcmp((const char *)id, "qr") == 0) {
		xmlFree(id);
		if (++w->qr > 1)
			return refuse(w,
				      "В шаблоне несколько элементов с id=\"qr\": место для QR-кода должно быть одно.");
		if (qr_slot(w, n) == -1)
			return -1;
	} else
		xmlFree(id);
	is_text = strcmp(name, "text") == 0;
	is_style = strcmp(name, "style") == 0;
	buf_addc(out, '<');
	buf_adds(out, name);
	if (root)
		buf_adds(out, CERT_ROOT_NS);
	if (attributes_of(w, n) == -1)
		return -1;
	open = out->len;
	buf_addc(out, '>');
	w->in_text += is_text;
	w->in_style += is_style;
	rc = children(w, n);
	w->in_text -= is_text;
	w->in_style -= is_style;
	if (rc == -1)
		return -1;
	cert_close(out, open, name, 1);
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

static xmlDoc *parse(struct clean *w, const char *svg, size_t len)
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
	doc = xmlCtxtReadMemory(c, svg, (int)len, NULL, NULL, CERT_XML_OPTIONS);
	if (c->_private != NULL || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL)))
		refuse(w,
		       "Файл содержит объявление DOCTYPE: такие файлы не принимаются ради безопасности. "
		       "Удалите строку <!DOCTYPE …> (или сохраните в Inkscape как «Обычный SVG») и загрузите снова.");
	else if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(c);
		refuse(w, "Файл повреждён или не является SVG: ошибка разметки XML в строке %d.", e ? e->line : 0);
	}
	xmlFreeParserCtxt(c);
	if (w->why[0] != '\0') {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int cert_sanitize(struct buf *out, const char *svg, size_t len, char why[CERT_WHY])
{
	struct clean w = {.out = out, .why = why};
	size_t start = out->len;
	xmlDoc *doc;
	xmlNode *root;
	int rc = -1;

	assert(out != NULL && why != NULL);
	why[0] = '\0';
	if ((doc = parse(&w, svg, len)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "svg") != 0)
		refuse(&w, "Это не SVG-документ: главный элемент файла должен быть <svg>.");
	else if (root->ns == NULL || strcmp((const char *)root->ns->href, CERT_SVG_NS) != 0)
		refuse(&w, "У элемента <svg> нет пространства имён SVG: добавьте к нему "
			   "xmlns=\"http://www.w3.org/2000/svg\".");
	else {
		buf_adds(out, CERT_XML_DECL);
		if (element(&w, root, 1) == 0) {
			buf_addc(out, '\n');
			if (w.qr == 0)
				refuse(&w, "В шаблоне нет места для QR-кода: нарисуйте прямоугольник и задайте ему "
					   "id=\"qr\" (в Inkscape: Объект → Свойства объекта).");
			else if (!(w.used & (1u << CF_FULL_NAME | 1u << CF_FULL_NAME_DAT)))
				refuse(&w, "В шаблоне нет имени участника: добавьте в текст поле {{full_name}} "
					   "(именительный падеж) или {{full_name_dat}} (дательный падеж).");
			else
				rc = 0;
		}
	}
	xmlFreeDoc(doc);
	if (rc == -1) {
		out->len = start;
		if (out->cap > 0)
			out->p[start] = '\0';
	}
	return rc;
}
