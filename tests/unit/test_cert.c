/* Unit tests of fcgi/core/cert.c: the sanitiser against hostile uploads, the default templates, PDFs read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cert.h"
#include "log.h"
#include "text.h"

#include <cmocka.h>

#include "tmpfiles.h"

#define URL "http://127.0.0.1:8080/certificates/verify/AbC-dEf_123456789012"
#define SVG_OPEN                                                                                                       \
	"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"297mm\" "      \
	"height=\"210mm\" viewBox=\"0 0 297 210\">"
#define QR_RECT   "<rect id=\"qr\" x=\"240\" y=\"150\" width=\"40\" height=\"40\"/>"
#define NAME_TEXT "<text x=\"20\" y=\"40\" font-family=\"PT Sans\" font-size=\"8\">{{full_name}}</text>"
/* A usable template around the given markup. */
#define GOOD(inner) SVG_OPEN NAME_TEXT QR_RECT inner "</svg>"

static void load(const char *path, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("%s cannot be read (run from the repository root)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
}

/* The text of a PDF, white space runs made one space. Caller frees. */
static char *pdf_text(const struct buf *pdf)
{
	char cmd[256], *out, *r, *w;

	save(tmp("t.pdf"), pdf);
	snprintf(cmd, sizeof(cmd), "pdftotext -q '%s' -", tmp("t.pdf"));
	assert_int_equal(run(cmd, &out), 0);
	for (r = w = out; *r; r++) {
		if (*r != ' ' && *r != '\n' && *r != '\f')
			*w++ = *r;
		else if (w > out && w[-1] != ' ')
			*w++ = ' ';
	}
	*w = '\0';
	unlink(tmp("t.pdf"));
	return out;
}

/* Sanitising s must fail with a reason that contains want. Nothing is appended to the buffer. */
static void assert_refused(const char *s, size_t len, const char *want)
{
	struct buf out = {0};
	char why[CERT_WHY] = "";

	buf_adds(&out, "kept");
	if (cert_sanitize(&out, s, len, why) != -1)
		fail_msg("accepted, but should be refused for «%s»:\n%s", want, out.p);
	assert_true(why[0] != '\0');
	if (strstr(why, want) == NULL)
		fail_msg("refused with «%s», expected a reason with «%s»", why, want);
	assert_int_equal(out.len, 4);
	assert_string_equal(out.p, "kept");
	assert_null(cert_compile(s, len, why));
	buf_free(&out);
}

#define REFUSED(s, want) assert_refused(s, sizeof(s) - 1, want)

static void sanitize_ok(const char *s, size_t len, struct buf *out)
{
	char why[CERT_WHY] = "";

	if (cert_sanitize(out, s, len, why) != 0)
		fail_msg("refused: %s", why);
}

static const struct cert_values sample = {
	.v =
		{
			[CF_FULL_NAME] = "Иванова Мария Петровна",
			[CF_FULL_NAME_DAT] = "Ивановой Марии Петровне",
			[CF_ORGANIZATION] = "МБОУ СОШ № 2 г. Усмани",
			[CF_SEMINAR] = "Ведение официальных страниц учреждений в социальных сетях",
			[CF_DATES] = "12–13 ноября 2026 г.",
			[CF_HOURS] = "8",
			[CF_FORMAT] = "очно",
			[CF_NUMBER] = "48-2026-00017",
			[CF_ISSUED_ON] = "22 ноября 2026 г.",
			[CF_ISSUER] = "ЦУР Липецкой области",
			[CF_SIGNATORY] = "Руководитель ЦУР А. А. Петров",
		},
	.verify_url = URL,
};

/* ---- the default templates */

static void test_default_templates(void **state)
{
	static const char *const files[][2] = {{"templates/certificates/classic.svg", "Классический"},
					       {"templates/certificates/modern.svg", "Современный"}};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct buf raw = {0}, clean = {0}, again = {0}, pdf = {0};
		char why[CERT_WHY] = "";
		struct cert_tmpl *t;
		char *text;

		load(files[i][0], &raw);
		sanitize_ok(raw.p, raw.len, &clean);
		/* Sanitising is idempotent: the stored form sanitises to itself. */
		sanitize_ok(clean.p, clean.len, &again);
		assert_int_equal(again.len, clean.len);
		assert_memory_equal(again.p, clean.p, clean.len);
		t = cert_compile(clean.p, clean.len, why);
		if (t == NULL)
			fail_msg("%s does not compile: %s", files[i][0], why);
		assert_string_equal(cert_title(t), files[i][1]);
		/* Every text of the default templates is plain: the pages are drawn in layers. */
		assert_true(cert_layered(t));
		for (int f = 0; f < CF__MAX; f++)
			if (f != CF_FULL_NAME && !(cert_fields_used(t) & (1u << f)))
				fail_msg("%s does not use {{%s}}", files[i][0], cert_field_names[f]);
		assert_int_equal(cert_pdf(&pdf, t, &sample), 0);
		text = pdf_text(&pdf);
		for (int f = 0; f < CF__MAX; f++)
			if (f != CF_FULL_NAME && strstr(text, sample.v[f]) == NULL)
				fail_msg("%s: the PDF has no %s «%s»: %s", files[i][0], cert_field_names[f],
					 sample.v[f], text);
		assert_non_null(strstr(text, "Настоящий сертификат выдан"));
		/* Spaced out by letter-spacing, the title still reads as one word. */
		assert_non_null(strstr(text, "СЕРТИФИКАТ"));
		assert_non_null(strstr(text, "Проверить подлинность"));
		free(text);
		cert_free(t);
		buf_free(&raw);
		buf_free(&clean);
		buf_free(&again);
		buf_free(&pdf);
	}
}

/* ---- hostile and broken uploads */

static void test_doctype_refused(void **state)
{
	(void)state;
	/* XXE: the file entity would put /etc/passwd into the certificate. */
	REFUSED("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" SVG_OPEN
		"<text x=\"1\" y=\"1\">&xxe; {{full_name}}</text>" QR_RECT "</svg>",
		"DOCTYPE");
	/* An external DTD alone (as old editors write it) is refused the same way. */
	REFUSED("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
		"\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">" GOOD(""),
		"DOCTYPE");
}

static void test_billion_laughs_refused(void **state)
{
	(void)state;
	REFUSED("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
		"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
		"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
		"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
		"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
		"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
		"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>\n" SVG_OPEN
		"<text x=\"1\" y=\"1\">&lol9; {{full_name}}</text>" QR_RECT "</svg>",
		"DOCTYPE");
	/* Without a DTD an entity is not defined: not well-formed. */
	REFUSED(SVG_OPEN "<text x=\"1\" y=\"1\">&lol9; {{full_name}}</text>" QR_RECT "</svg>", "строке 1");
}

static void test_scripts_refused(void **state)
{
	(void)state;
	REFUSED(GOOD("<script>alert(1)</script>"), "<script>");
	REFUSED(GOOD("<g><script xlink:href=\"https://evil.example/x.js\"/></g>"), "<script>");
	/* A script in another namespace is no less a script. */
	REFUSED(GOOD("<h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">alert(1)</h:script>"), "<script>");
	REFUSED(SVG_OPEN NAME_TEXT QR_RECT "<rect width=\"1\" height=\"1\" onload=\"alert(1)\"/></svg>", "onload");
	REFUSED("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"297mm\" height=\"210mm\" "
		"onload=\"alert(1)\">" NAME_TEXT QR_RECT "</svg>",
		"onload");
	REFUSED(GOOD("<g ONCLICK=\"alert(1)\"/>"), "ONCLICK");
	REFUSED(GOOD("<foreignObject width=\"10\" height=\"10\"><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"
		     "</foreignObject>"),
		"<foreignObject>");
	REFUSED(GOOD("<rect width=\"5\" height=\"5\"><animate attributeName=\"fill\" to=\"red\"/></rect>"), "анимация");
	REFUSED(GOOD("<rect width=\"5\" height=\"5\"><set attributeName=\"x\" to=\"100\"/></rect>"), "<set>");
	REFUSED(GOOD("<a xlink:href=\"https://evil.example/\"><text x=\"1\" y=\"9\">Жми</text></a>"), "<a>");
}

static void test_external_references_refused(void **state)
{
	(void)state;
	REFUSED(GOOD("<image x=\"0\" y=\"0\" width=\"10\" height=\"10\" xlink:href=\"https://evil.example/x.png\"/>"),
		"внешний файл");
	REFUSED(GOOD("<image width=\"10\" height=\"10\" href=\"file:///etc/passwd\"/>"), "внешний файл");
	REFUSED(GOOD("<image width=\"10\" height=\"10\" href=\"data:image/svg+xml;base64,PHN2Zy8+\"/>"),
		"внешний файл");
	REFUSED(GOOD("<use xlink:href=\"https://evil.example/sprite.svg#logo\"/>"), "за пределы шаблона");
	REFUSED(GOOD("<use href=\"other.svg#a\"/>"), "за пределы шаблона");
	REFUSED(GOOD("<use xlink:href=\"javascript:alert(1)\"/>"), "javascript:");
	REFUSED(GOOD("<use xlink:href=\"java&#9;script:alert(1)\"/>"), "javascript:");
	REFUSED(GOOD("<rect width=\"5\" height=\"5\" style=\"fill:url(https://evil.example/p.svg#g)\"/>"), "url(");
	REFUSED(GOOD("<rect width=\"5\" height=\"5\" fill=\"url( 'http://evil.example/#g')\"/>"), "url(");
	REFUSED(GOOD("<style>@import url(\"#x\"); rect { fill: red }</style>"), "@import");
	REFUSED(GOOD("<style>rect { fill: u\\72l(http://evil.example/) }</style>"), "экранирование");
	REFUSED(GOOD("<style>rect { background: url(//evil.example/x.png) }</style>"), "url(");
	REFUSED(GOOD("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\" parse=\"text\"/>"),
		"XInclude");
}

static void test_not_svg_refused(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
	struct buf big = {0};

	(void)state;
	assert_refused(png, sizeof(png) - 1, "не SVG");
	REFUSED("", "пустой");
	REFUSED("<html><body><p>Сертификат {{full_name}}</p></body></html>", "не SVG-документ");
	REFUSED("<!DOCTYPE html><html><body>x</body></html>", "DOCTYPE");
	REFUSED("<svg width=\"10\" height=\"10\"><text>{{full_name}}</text>" QR_RECT "</svg>", "пространства имён");
	REFUSED(SVG_OPEN "<text>{{full_name}}</text>\n<rect id=\"qr\" x=\"1\" y=\"1\" width=\"2\" height=\"2\">",
		"строке 2");
	/* Over the cap: refused before parsing, whatever the content. */
	buf_adds(&big, SVG_OPEN NAME_TEXT QR_RECT "<desc>");
	while (big.len <= CERT_SVG_MAX)
		buf_adds(&big, "Описание шаблона. ");
	buf_adds(&big, "</desc></svg>");
	assert_refused(big.p, big.len, "не больше 2 МБ");
	buf_free(&big);
}

static void test_template_rules(void **state)
{
	(void)state;
	REFUSED(SVG_OPEN "<text x=\"1\" y=\"9\">{{organization}}</text>" QR_RECT "</svg>", "{{full_name}}");
	/* A placeholder outside of text (a title) does not count. */
	REFUSED(SVG_OPEN "<title>{{full_name}}</title><text x=\"1\" y=\"9\">Имя</text>" QR_RECT "</svg>", "имени");
	REFUSED(GOOD("<text x=\"1\" y=\"20\">{{ fullname }}</text>"), "{{fullname}}");
	REFUSED(GOOD("<text x=\"1\" y=\"20\"><tspan>{{seminar}} {{секция}} {{place}}</tspan></text>"), "{{place}}");
	REFUSED(SVG_OPEN NAME_TEXT "</svg>", "QR");
	REFUSED(SVG_OPEN NAME_TEXT "<rect id=\"qr\" x=\"1\" y=\"1\" width=\"0\" height=\"5\"/></svg>", "id=\"qr\"");
	REFUSED(SVG_OPEN NAME_TEXT "<g id=\"qr\"/></svg>", "x, y, width и height");
	REFUSED(GOOD("<rect id=\"qr\" x=\"1\" y=\"1\" width=\"5\" height=\"5\"/>"), "несколько");
	/* Sizes that break librsvg's text layout (it aborts the process) never get that far. */
	REFUSED(GOOD("<text x=\"1\" y=\"20\" font-size=\"43333333333333333333333.8\">{{seminar}}</text>"),
		"слишком большое число");
	REFUSED(GOOD("<text x=\"1\" y=\"20\" style=\"font-size:1e300px\">{{seminar}}</text>"), "слишком большое");
	REFUSED(GOOD("<style>text { font-size: 99999999px }</style>"), "слишком большое");
}

static void test_embedded_image(void **state)
{
	static const char png_uri[] = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
				      "2mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
	static const char svg[] =
		GOOD("<image x=\"1\" y=\"1\" width=\"20\" height=\"20\" xlink:href=\"data:image/png;"
		     "base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ\n  AAAADUlEQVR42mP8z8BQDwAEh"
		     "QGAhKmMIQAAAABJRU5ErkJggg==\"/>");
	struct buf out = {0}, big = {0};

	(void)state;
	sanitize_ok(svg, sizeof(svg) - 1, &out);
	/* The data URI is kept, without its line breaks. */
	assert_non_null(strstr(out.p, png_uri));
	buf_free(&out);
	/* An image over CERT_IMAGE_MAX is refused. */
	buf_adds(&big, SVG_OPEN NAME_TEXT QR_RECT "<image width=\"9\" height=\"9\" href=\"data:image/jpeg;base64,");
	for (size_t i = 0; i < CERT_IMAGE_MAX / 3 * 4 + 8; i += 4)
		buf_adds(&big, "AAAA");
	buf_adds(&big, "\"/></svg>");
	assert_refused(big.p, big.len, "больше 1 МБ");
	buf_free(&big);
}

/* An Inkscape document: its editor data is dropped, the drawing and the text are kept. */
static const char inkscape[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
	"<!-- Created with Inkscape (http://www.inkscape.org/) -->\n"
	"<?xml-stylesheet href=\"https://evil.example/x.css\" type=\"text/css\"?>\n"
	"<svg width=\"297mm\" height=\"210mm\" viewBox=\"0 0 297 210\" version=\"1.1\" id=\"svg5\" "
	"inkscape:version=\"1.2.2 (b0a8486541, 2022-12-01)\" sodipodi:docname=\"cert.svg\" "
	"xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" "
	"xmlns:sodipodi=\"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd\" xmlns=\"http://www.w3.org/2000/svg\" "
	"xmlns:svg=\"http://www.w3.org/2000/svg\" xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	"xmlns:cc=\"http://creativecommons.org/ns#\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
	"  <sodipodi:namedview id=\"namedview7\" pagecolor=\"#ffffff\" inkscape:zoom=\"0.7\"/>\n"
	"  <metadata id=\"metadata5\"><rdf:RDF><cc:Work rdf:about=\"\"><dc:title>Мой шаблон</dc:title></cc:Work>"
	"</rdf:RDF></metadata>\n"
	"  <defs id=\"defs2\"><linearGradient inkscape:collect=\"always\" id=\"g1\"><stop style=\"stop-color:#123\" "
	"offset=\"0\"/></linearGradient></defs>\n"
	"  <g inkscape:label=\"Слой 1\" inkscape:groupmode=\"layer\" id=\"layer1\">\n"
	"    <rect style=\"fill:url(#g1);stroke:none\" id=\"rect1\" width=\"297\" height=\"210\" x=\"0\" y=\"0\"/>\n"
	"    <text xml:space=\"preserve\" style=\"font-size:8px;font-family:'PT Sans'\" x=\"20\" y=\"40\" "
	"id=\"text1\" data-wrap=\"30\"><tspan sodipodi:role=\"line\" id=\"tspan1\" x=\"20\" y=\"40\" "
	"style=\"font-weight:bold\">{{full_name_dat}}</tspan></text>\n"
	"    <rect id=\"qr\" width=\"40\" height=\"40\" x=\"240\" y=\"150\" style=\"fill:#ffffff\" "
	"inkscape:label=\"QR\"/>\n"
	"  </g>\n"
	"</svg>\n";

static void test_inkscape_metadata_dropped(void **state)
{
	static const char *const gone[] = {"sodipodi",   "inkscape",   "rdf",  "metadata",      "<!--",
					   "Мой шаблон", "stylesheet", "evil", "svg5\" version"};
	struct buf out = {0}, again = {0};
	char why[CERT_WHY];
	struct cert_tmpl *t;

	(void)state;
	sanitize_ok(inkscape, sizeof(inkscape) - 1, &out);
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (strstr(out.p, gone[i]) != NULL)
			fail_msg("«%s» is still in the sanitised template:\n%s", gone[i], out.p);
	assert_non_null(strstr(out.p, "<tspan id=\"tspan1\" x=\"20\" y=\"40\" style=\"font-weight:bold\">"
				      "{{full_name_dat}}</tspan>"));
	assert_non_null(strstr(out.p, "xml:space=\"preserve\""));
	assert_non_null(strstr(out.p, "data-wrap=\"30\""));
	assert_non_null(strstr(out.p, "style=\"fill:url(#g1);stroke:none\""));
	assert_non_null(strstr(out.p, "<rect id=\"qr\" width=\"40\" height=\"40\" x=\"240\" y=\"150\""));
	sanitize_ok(out.p, out.len, &again);
	assert_string_equal(again.p, out.p);
	t = cert_compile(out.p, out.len, why);
	assert_non_null(t);
	assert_int_equal(cert_fields_used(t), 1u << CF_FULL_NAME_DAT);
	assert_null(cert_title(t));
	cert_free(t);
	buf_free(&out);
	buf_free(&again);
}

/* ---- filling and rendering */

static struct cert_tmpl *compile_ok(const char *svg)
{
	char why[CERT_WHY] = "";
	struct cert_tmpl *t = cert_compile(svg, strlen(svg), why);

	if (t == NULL)
		fail_msg("does not compile: %s", why);
	return t;
}

static void test_pdf_values_literal_and_qr(void **state)
{
	struct cert_tmpl *t =
		compile_ok(SVG_OPEN "<text x=\"20\" y=\"40\" font-family=\"PT Sans\" font-size=\"8\">"
				    "Выдан: {{full_name}}</text>"
				    "<text x=\"20\" y=\"60\" font-size=\"6\">«{{seminar}}»</text>" QR_RECT "</svg>");
	struct cert_values v = sample;
	struct buf pdf = {0};
	char cmd[512], *text, *qr;

	(void)state;
	assert_int_equal(cert_fields_used(t), 1u << CF_FULL_NAME | 1u << CF_SEMINAR);
	assert_int_equal(cert_pdf(&pdf, t, &v), 0);
	assert_memory_equal(pdf.p, "%PDF-", 5);
	text = pdf_text(&pdf);
	assert_non_null(strstr(text, "Выдан: Иванова Мария Петровна"));
	assert_non_null(strstr(text, "«Ведение официальных страниц учреждений в социальных сетях»"));
	free(text);
	/* The QR code holds the verification URL exactly. */
	save(tmp("q.pdf"), &pdf);
	snprintf(cmd, sizeof(cmd),
		 "pdftoppm -r 150 -png -singlefile '%s' '%s' && zbarimg --raw -q '%s.png' 2>/dev/null; rm -f '%s.png'",
		 tmp("q.pdf"), tmp("q"), tmp("q"), tmp("q"));
	assert_int_equal(run(cmd, &qr), 0);
	assert_string_equal(qr, URL "\n");
	free(qr);
	unlink(tmp("q.pdf"));

	/* Values are text, never markup. */
	v.v[CF_FULL_NAME] = "О'Брайен <b>&amp; \"Ко\"</b>";
	v.v[CF_SEMINAR] = "]]><script>x</script>";
	buf_reset(&pdf);
	assert_int_equal(cert_pdf(&pdf, t, &v), 0);
	text = pdf_text(&pdf);
	assert_non_null(strstr(text, "Выдан: О'Брайен <b>&amp; \"Ко\"</b>"));
	assert_non_null(strstr(text, "«]]><script>x</script>»"));
	free(text);
	/* A value that is not UTF-8 is refused, and out is left as it was. */
	v.v[CF_FULL_NAME] = "\xff\xfe";
	buf_reset(&pdf);
	buf_adds(&pdf, "kept");
	assert_int_equal(cert_pdf(&pdf, t, &v), -1);
	assert_string_equal(pdf.p, "kept");
	cert_free(t);
	buf_free(&pdf);
}

static void test_data_wrap(void **state)
{
	struct cert_tmpl *t = compile_ok(SVG_OPEN NAME_TEXT "<text x=\"20\" y=\"80\" font-size=\"5\" data-wrap=\"24\">"
							    "{{seminar}}</text>" QR_RECT "</svg>");
	struct cert_values v = sample;
	struct buf pdf = {0};
	char cmd[256], *out, *line;
	int lines = 0;

	(void)state;
	/* 57 characters, 24 a line: three lines, never a word split. */
	assert_int_equal(cert_pdf(&pdf, t, &v), 0);
	save(tmp("w.pdf"), &pdf);
	snprintf(cmd, sizeof(cmd), "pdftotext -q -layout '%s' -", tmp("w.pdf"));
	assert_int_equal(run(cmd, &out), 0);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		while (*line == ' ')
			line++;
		if (strstr("Ведение официальных страниц учреждений в социальных сетях", line) != NULL && *line) {
			lines++;
			assert_true(utf8_count(line, strlen(line)) <= 24);
		}
	}
	assert_int_equal(lines, 3);
	free(out);
	unlink(tmp("w.pdf"));
	cert_free(t);
	buf_free(&pdf);
}

/* The same template with its texts set by cairo over layers, and laid out by librsvg (a style attribute), gives the
 * same text; a value with a character the font lacks is drawn by librsvg, which finds it in another font. */
static void test_layers(void **state)
{
#define TEXTS(style)                                                                                                                                                                         \
	"<rect width=\"297\" height=\"210\" fill=\"#f4ecda\"/><text x=\"148.5\" y=\"40\" text-anchor=\"middle\" "                                                                            \
	"font-family=\"PT Serif\" font-weight=\"bold\" font-size=\"12\" fill=\"#1f3a5f\">СЕРТИФИКАТ</text><path d=\"M100 50H200\" stroke=\"#b08d57\"/><text x=\"148.5\" y=\"70\" " \
	"text-anchor=\"middle\" font-size=\"8\" data-wrap=\"30\" data-valign=\"bottom\">{{full_name_dat}}</text>"                                                                            \
	"<text x=\"280\" y=\"200\" text-anchor=\"end\" font-family=\"PT Sans\" font-size=\"4\"" style                                                                                        \
	">№ {{number}}</text>"                                                                                                                                                             \
	"<text x=\"20\" y=\"120\" font-family=\"PT Sans\" font-size=\"5\"><tspan x=\"20\">Первая строка</tspan>"                                                                 \
	"<tspan x=\"20\" dy=\"1.25em\">вторая строка</tspan></text>" QR_RECT
	struct cert_tmpl *fast = compile_ok(SVG_OPEN TEXTS("") "</svg>");
	struct cert_tmpl *slow = compile_ok(SVG_OPEN TEXTS(" style=\"font-style:normal\"") "</svg>");
	struct cert_values v = sample;
	struct buf a = {0}, b = {0};
	char *ta, *tb;

	(void)state;
	assert_true(cert_layered(fast));
	assert_false(cert_layered(slow));
	v.v[CF_FULL_NAME_DAT] = "Константинопольской Александре Владиславовне";
	assert_int_equal(cert_pdf(&a, fast, &v), 0);
	assert_int_equal(cert_pdf(&b, slow, &v), 0);
	ta = pdf_text(&a);
	tb = pdf_text(&b);
	assert_string_equal(ta, tb);
	assert_non_null(strstr(ta, "Константинопольской Александре"));
	assert_non_null(strstr(ta, "вторая строка"));
	free(ta);
	free(tb);
	/* PT Sans has no Georgian: librsvg draws this page, with the name as text. */
	v.v[CF_NUMBER] = "ნინო-1";
	buf_reset(&a);
	assert_int_equal(cert_pdf(&a, fast, &v), 0);
	ta = pdf_text(&a);
	assert_non_null(strstr(ta, "№ ნინო-1"));
	free(ta);
	cert_free(fast);
	cert_free(slow);
	buf_free(&a);
	buf_free(&b);
#undef TEXTS
}

/* The page in grey, 20 dots an inch, without its outermost dots (a form's edge is smoothed otherwise): caller frees. */
static unsigned char *grey(const struct buf *pdf, int *w, int *h)
{
	char cmd[512], *out;
	unsigned char *p;
	struct buf pgm = {0};
	int off;

	save(tmp("g.pdf"), pdf);
	snprintf(cmd, sizeof(cmd), "pdftoppm -q -r 20 -gray -x 2 -y 2 -W 150 -H 100 -singlefile '%s' '%s'",
		 tmp("g.pdf"), tmp("g"));
	assert_int_equal(run(cmd, &out), 0);
	free(out);
	load(tmp("g.pgm"), &pgm);
	assert_int_equal(sscanf(pgm.p, "P5 %d %d 255 %n", w, h, &off), 2);
	assert_true(off > 0 && pgm.len == (size_t)off + (size_t)(*w * *h));
	p = malloc(pgm.len - (size_t)off);
	assert_non_null(p);
	memcpy(p, pgm.p + off, pgm.len - (size_t)off);
	unlink(tmp("g.pdf"));
	unlink(tmp("g.pgm"));
	buf_free(&pgm);
	return p;
}

/* The static elements that begin a layered template are drawn once and put under each certificate's PDF (an
 * artifact: decoration); the PDF reads and looks as the page drawn whole (a book's page). */
static void test_underlay(void **state)
{
	struct cert_tmpl *t = compile_ok(
		SVG_OPEN
		"<rect width=\"297\" height=\"210\" fill=\"#1f3a5f\"/><path d=\"M20 20H277\" stroke=\"#fff\" "
		"stroke-width=\"6\"/><text x=\"148.5\" y=\"80\" text-anchor=\"middle\" font-family=\"PT Serif\" "
		"font-size=\"24\" fill=\"#ffffff\">{{full_name}}</text>" QR_RECT "</svg>");
	static const char under[] = "/Artifact BMC q /Under Do Q EMC";
	struct buf one = {0}, book = {0};
	struct cert_book *b;
	unsigned char *g1, *g2;
	char *t1, *t2;
	int w, h, w2, h2, worst = 0;

	(void)state;
	assert_true(cert_layered(t));
	assert_int_equal(cert_pdf(&one, t, &sample), 0);
	b = cert_book_open(&book, "Сертификат");
	assert_int_equal(cert_book_add(b, t, &sample), 0);
	assert_int_equal(cert_book_close(b), 0);
	assert_non_null(memmem(one.p, one.len, under, sizeof(under) - 1));
	assert_null(memmem(book.p, book.len, under, sizeof(under) - 1));
	t1 = pdf_text(&one);
	t2 = pdf_text(&book);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t1, sample.v[CF_FULL_NAME]));
	g1 = grey(&one, &w, &h);
	g2 = grey(&book, &w2, &h2);
	assert_int_equal(w, w2);
	assert_int_equal(h, h2);
	for (int i = 0; i < w * h; i++)
		if (abs(g1[i] - g2[i]) > worst)
			worst = abs(g1[i] - g2[i]);
	assert_true(worst <= 8);
	/* Nothing else: the dark background below the name, the white line at the top (y 20 of 210, 2 dots cut). */
	assert_true(g1[(h - 1) * w] < 80);
	assert_true(g1[14 * w + w / 2] > 200);
	free(g1);
	free(g2);
	free(t1);
	free(t2);
	cert_free(t);
	buf_free(&one);
	buf_free(&book);
}

static void test_book(void **state)
{
	struct cert_tmpl *t = compile_ok(GOOD(""));
	struct cert_book *b;
	struct buf pdf = {0};
	char cmd[256], *out;
	const char *names[] = {"Первый Участник", "Второй Участник", "Третий Участник"};

	(void)state;
	buf_adds(&pdf, "");
	b = cert_book_open(&pdf, "Сертификаты: книга");
	for (int i = 0; i < 3; i++) {
		struct cert_values v = sample;
		v.v[CF_FULL_NAME] = names[i];
		assert_int_equal(cert_book_add(b, t, &v), 0);
	}
	assert_int_equal(cert_book_close(b), 0);
	save(tmp("b.pdf"), &pdf);
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | grep -E '^(Title|Tagged|Pages):'", tmp("b.pdf"));
	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(out, "Title:           Сертификаты: книга\nTagged:          yes\nPages:           3\n");
	free(out);
	/* In Russian, a section a certificate (tests/e2e/pdf.py reads the catalog and the structure tree). */
	snprintf(cmd, sizeof(cmd), "tests/e2e/pdf.py '%s'", tmp("b.pdf"));
	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(out, "Lang: ru-RU\nMarked: true\nDocument\n  Sect\n  Sect\n  Sect\n");
	free(out);
	out = pdf_text(&pdf);
	for (int i = 0; i < 3; i++)
		assert_non_null(strstr(out, names[i]));
	free(out);
	unlink(tmp("b.pdf"));
	cert_free(t);
	buf_free(&pdf);
}

static int setup(void **state)
{
	(void)state;
	log_init("test_cert", LOG__MAX);
	return tmp_make("test_cert");
}

static int teardown(void **state)
{
	(void)state;
	return tmp_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_templates),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_billion_laughs_refused),
		cmocka_unit_test(test_scripts_refused),
		cmocka_unit_test(test_external_references_refused),
		cmocka_unit_test(test_not_svg_refused),
		cmocka_unit_test(test_template_rules),
		cmocka_unit_test(test_embedded_image),
		cmocka_unit_test(test_inkscape_metadata_dropped),
		cmocka_unit_test(test_pdf_values_literal_and_qr),
		cmocka_unit_test(test_data_wrap),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_underlay),
		cmocka_unit_test(test_book),
	};

	return cmocka_run_group_tests_name("cert", tests, setup, teardown);
}
