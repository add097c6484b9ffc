/* Spreadsheet uploads (CSV or the first sheet of an XLSX workbook) read into rows of text cells, under hard caps. */
#include "sheet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "buf.h"
#include "text.h"
#include "zip.h"

#define XML_OPTIONS  (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#define SMALL_XML    (1024 * 1024) /* workbook.xml and its relationships */
#define REL_NS       "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XLSX_ROW_MAX 1048576 /* Excel's last row */

/* Rows as they are found: the current row's cells, then a copy in the arena. */
struct builder {
	struct arena *a;
	struct buf rows; /* struct sheet_row[], malloc'ed until the end */
	const char *cells[SHEET_COLS_MAX];
	size_t n;     /* cells of the current row (empty ones included) */
	size_t total; /* cells kept so far */
	size_t nrows;
	const char *why;
};

static int refuse(struct builder *b, const char *why)
{
	if (b->why == NULL)
		b->why = why;
	return -1;
}

/* Cell col of the current row (0-based). An empty cell past the last column is ignored: Excel
 * keeps formatted empty cells far to the right. */
static int cell_add(struct builder *b, long line, size_t col, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (col >= SHEET_COLS_MAX)
		return refuse(b, arena_printf(b->a, "В строке %ld больше %d столбцов.", line, SHEET_COLS_MAX));
	if (len > SHEET_CELL_MAX)
		return refuse(b, arena_printf(b->a, "В строке %ld ячейка длиннее %d символов.", line, SHEET_CELL_MAX));
	while (b->n < col)
		b->cells[b->n++] = "";
	b->cells[col] = arena_strndup(b->a, s, len);
	if (col >= b->n)
		b->n = col + 1;
	return 0;
}

/* Ends the current row; a row without a non-empty cell is left out. */
static int row_end(struct builder *b, long line)
{
	struct sheet_row row = {line, b->n, NULL};

	b->n = 0;
	if (row.n == 0)
		return 0;
	if (b->nrows == SHEET_ROWS_MAX)
		return refuse(
			b, arena_printf(b->a, "В файле больше %d строк: разделите его на несколько.", SHEET_ROWS_MAX));
	if ((b->total += row.n) > SHEET_CELLS_MAX)
		return refuse(
			b, arena_printf(b->a, "В файле больше %d ячеек: разделите его на несколько.", SHEET_CELLS_MAX));
	row.cells = arena_alloc(b->a, row.n * sizeof(*row.cells));
	memcpy(row.cells, b->cells, row.n * sizeof(*row.cells));
	buf_add(&b->rows, &row, sizeof(row));
	b->nrows++;
	return 0;
}

const char *sheet_cell(const struct sheet_row *row, size_t i)
{
	return i < row->n ? row->cells[i] : "";
}

/* ---- CSV */

/* Windows-1251 bytes 0x80..0xBF as code points (0x98 is unassigned); 0xC0..0xFF are А..я. */
static const unsigned short cp1251_hi[64] = {
	0x0402, 0x0403, 0x201a, 0x0453, 0x201e, 0x2026, 0x2020, 0x2021, 0x20ac, 0x2030, 0x0409, 0x2039, 0x040a,
	0x040c, 0x040b, 0x040f, 0x0452, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0,      0x2122,
	0x0459, 0x203a, 0x045a, 0x045c, 0x045b, 0x045f, 0x00a0, 0x040e, 0x045e, 0x0408, 0x00a4, 0x0490, 0x00a6,
	0x00a7, 0x0401, 0x00a9, 0x0404, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x0407, 0x00b0, 0x00b1, 0x0406, 0x0456,
	0x0491, 0x00b5, 0x00b6, 0x00b7, 0x0451, 0x2116, 0x0454, 0x00bb, 0x0458, 0x0405, 0x0455, 0x0457,
};

/* Windows-1251 to UTF-8 in the arena, or NULL when a byte has no character. */
static char *from_cp1251(struct arena *a, const unsigned char *p, size_t len, size_t *outlen)
{
	char *out = arena_alloc(a, 3 * len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned c = p[i];
		if (c < 0x80) {
			*o++ = (char)c;
			continue;
		}
		c = c >= 0xc0 ? 0x0410 + (c - 0xc0) : cp1251_hi[c - 0x80];
		if (c == 0)
			return NULL;
		if (c < 0x800) {
			*o++ = (char)(0xc0 | (c >> 6));
		} else {
			*o++ = (char)(0xe0 | (c >> 12));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		}
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	*outlen = (size_t)(o - out);
	return out;
}

/* The separator of the first record: ';' or ',' (or a tab), whichever appears most outside quotes. */
static char csv_separator(const char *p, const char *end)
{
	size_t semi = 0, comma = 0, tab = 0;
	int quoted = 0;

	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted)
			semi += *p == ';', comma += *p == ',', tab += *p == '\t';
	}
	if (semi >= comma && semi >= tab && semi > 0)
		return ';';
	return tab > comma ? '\t' : ',';
}

static int csv_parse(struct builder *b, const char *p, size_t len)
{
	const char *end = p + len, *s;
	char sep = csv_separator(p, end);
	struct buf cell = {0};
	long line = 1, start = 1;
	size_t col = 0;
	int rc = 0;

	for (;;) {
		buf_reset(&cell);
		if (p < end && *p == '"') {
			/* RFC 4180: a quoted field may hold separators, line breaks and "" for a quote. */
			for (p++;; p++) {
				if (p == end) {
					rc = refuse(b, arena_printf(b->a, "В строке %ld не закрыта кавычка.", start));
					goto out;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"')
						p++;
					else {
						p++;
						break;
					}
				} else if (*p == '\n')
					line++;
				buf_addc(&cell, *p);
			}
		}
		/* An unquoted field, or text after a closing quote (kept as it is). */
		for (s = p; p < end && *p != sep && *p != '\n' && *p != '\r'; p++)
			;
		buf_add(&cell, s, (size_t)(p - s));
		if ((rc = cell_add(b, start, col++, cell.p ? cell.p : "", cell.len)) != 0)
			goto out;
		if (p < end && *p == sep) {
			p++;
			continue;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		if ((rc = row_end(b, start)) != 0 || p >= end)
			goto out;
		start = ++line;
		col = 0;
	}
out:
	buf_free(&cell);
	return rc;
}

static int csv_read(struct builder *b, const unsigned char *p, size_t len)
{
	const char *text = (const char *)p;
	size_t i, n = len;
	long line = 1;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		text += 3, n -= 3;
	else if (n >= 2 && (memcmp(p, "\xff\xfe", 2) == 0 || memcmp(p, "\xfe\xff", 2) == 0))
		return refuse(b, "Файл в кодировке UTF-16: сохраните его как «CSV UTF-8» или XLSX.");
	if (memchr(text, '\0', n) != NULL)
		return refuse(b, "Файл не похож на таблицу CSV или XLSX.");
	/* Not UTF-8: Excel's "CSV" in a Russian locale is Windows-1251. */
	if (utf8_count(text, n) < 0 && (text = from_cp1251(b->a, (const unsigned char *)text, n, &n)) == NULL)
		return refuse(b, "Файл не похож на таблицу CSV или XLSX: неизвестная кодировка.");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			line++;
		else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return refuse(b, arena_printf(b->a,
						      "Файл не похож на таблицу CSV или XLSX: в строке %ld "
						      "управляющий символ.",
						      line));
	}
	return csv_parse(b, text, n);
}

/* ---- XLSX */

static const char *xlsx_damaged = "Файл XLSX повреждён или не читается.";

/* The next node; a DOCTYPE is refused (no DTD, no entities). Returns 1, 0 at the end, -1. */
static int xml_next(xmlTextReaderPtr r)
{
	int rc = xmlTextReaderRead(r);

	if (rc == 1 && xmlTextReaderNodeType(r) == XML_READER_TYPE_DOCUMENT_TYPE)
		return -1;
	return rc;
}

static int is_elem(xmlTextReaderPtr r, int type, const char *name)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r);

	return xmlTextReaderNodeType(r) == type && n != NULL && strcmp((const char *)n, name) == 0;
}

static int is_text(xmlTextReaderPtr r)
{
	int t = xmlTextReaderNodeType(r);

	return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_WHITESPACE ||
	       t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static void add_text(xmlTextReaderPtr r, struct buf *to)
{
	const xmlChar *v = xmlTextReaderConstValue(r);

	if (v != NULL)
		buf_adds(to, (const char *)v);
}

/* An attribute's value copied into the arena, or NULL. */
static const char *attr(struct arena *a, xmlTextReaderPtr r, const char *name, const char *ns)
{
	xmlChar *v = ns ? xmlTextReaderGetAttributeNs(r, (const xmlChar *)name, (const xmlChar *)ns)
			: xmlTextReaderGetAttribute(r, (const xmlChar *)name);
	const char *s = v ? arena_strdup(a, (const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* The path of the workbook's first worksheet, from workbook.xml and its relationships; NULL
 * when they do not say (the caller falls back to sheet1.xml). */
static const char *first_sheet_path(struct arena *a, const void *data, size_t len)
{
	struct buf wb = {0}, rels = {0};
	xmlTextReaderPtr r = NULL;
	const char *rid = NULL, *target = NULL, *path = NULL;
	int rc;

	if (zip_read(data, len, "xl/workbook.xml", SMALL_XML, &wb) != 1 ||
	    zip_read(data, len, "xl/_rels/workbook.xml.rels", SMALL_XML, &rels) != 1)
		goto out;
	if ((r = xmlReaderForMemory(wb.p, (int)wb.len, NULL, NULL, XML_OPTIONS)) == NULL)
		goto out;
	while (rid == NULL && (rc = xml_next(r)) == 1)
		if (is_elem(r, XML_READER_TYPE_ELEMENT, "sheet"))
			rid = attr(a, r, "id", REL_NS);
	xmlFreeTextReader(r);
	if (rid == NULL || (r = xmlReaderForMemory(rels.p, (int)rels.len, NULL, NULL, XML_OPTIONS)) == NULL)
		goto out;
	while (target == NULL && (rc = xml_next(r)) == 1)
		if (is_elem(r, XML_READER_TYPE_ELEMENT, "Relationship")) {
			const char *id = attr(a, r, "Id", NULL);
			if (id != NULL && strcmp(id, rid) == 0)
				target = attr(a, r, "Target", NULL);
		}
	xmlFreeTextReader(r);
	if (target == NULL || strstr(target, "..") != NULL || strlen(target) > 200)
		goto out;
	path = target[0] == '/' ? target + 1 : arena_printf(a, "xl/%s", target);
out:
	buf_free(&wb);
	buf_free(&rels);
	return path;
}

struct strings {
	const char **v;
	size_t n;
};

/* xl/sharedStrings.xml: each <si> is the text of its <t> elements (rich text runs joined),
 * phonetic hints (<rPh>) left out. */
static int shared_strings(struct builder *b, const struct buf *xml, struct strings *out)
{
	xmlTextReaderPtr r = xmlReaderForMemory(xml->p, (int)xml->len, NULL, NULL, XML_OPTIONS);
	struct buf v = {0}, cur = {0};
	int rc, in_si = 0, in_t = 0, in_rph = 0;

	if (r == NULL)
		return refuse(b, xlsx_damaged);
	while ((rc = xml_next(r)) == 1) {
		int empty = xmlTextReaderIsEmptyElement(r);
		if (is_elem(r, XML_READER_TYPE_ELEMENT, "si")) {
			in_si = 1;
			buf_reset(&cur);
		} else if (is_elem(r, XML_READER_TYPE_ELEMENT, "t"))
			in_t = !empty;
		else if (is_elem(r, XML_READER_TYPE_ELEMENT, "rPh"))
			in_rph = !empty;
		else if (is_elem(r, XML_READER_TYPE_END_ELEMENT, "t"))
			in_t = 0;
		else if (is_elem(r, XML_READER_TYPE_END_ELEMENT, "rPh"))
			in_rph = 0;
		else if (in_si && in_t && !in_rph && is_text(r))
			add_text(r, &cur);
		if (in_si && (is_elem(r, XML_READER_TYPE_END_ELEMENT, "si") ||
			      (empty && is_elem(r, XML_READER_TYPE_ELEMENT, "si")))) {
			const char *s = arena_strndup(b->a, cur.p ? cur.p : "", cur.len);
			if (v.len / sizeof(s) >= SHEET_CELLS_MAX) {
				rc = -1;
				break;
			}
			buf_add(&v, &s, sizeof(s));
			in_si = 0;
		}
	}
	xmlFreeTextReader(r);
	buf_free(&cur);
	out->n = v.len / sizeof(*out->v);
	out->v = arena_alloc(b->a, (out->n + 1) * sizeof(*out->v));
	if (out->n > 0)
		memcpy(out->v, v.p, v.len);
	buf_free(&v);
	return rc == 0 ? 0 : refuse(b, xlsx_damaged);
}

/* "BC12" -> 54 (0-based column), or -1 when the reference has no letters. */
static long column_of(const char *ref)
{
	long c = 0;
	int k = 0;

	for (; ref != NULL && *ref >= 'A' && *ref <= 'Z' && k < 4; ref++, k++)
		c = c * 26 + (*ref - 'A' + 1);
	return k == 0 || k == 4 ? -1 : c - 1;
}

/* A number as Excel stores it ("4.816105358E9") written as people read it ("4816105358") when
 * it is whole; other numbers stay as stored. */
static const char *number_text(struct arena *a, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (*v != '\0' && *end == '\0' && isfinite(d) && d == floor(d) && fabs(d) < 1e15)
		return arena_printf(a, "%.0f", d);
	return v;
}

/* One cell's value by its type: shared string, inline string, boolean, number, text. */
static const char *cell_value(struct builder *b, const char *type, const struct buf *v, const struct strings *ss)
{
	const char *s = v->p ? v->p : "";

	if (type != NULL && strcmp(type, "s") == 0) {
		char *end;
		long i = strtol(s, &end, 10);
		if (*s == '\0' || *end != '\0' || i < 0 || (size_t)i >= ss->n)
			return NULL;
		return ss->v[i];
	}
	if (type == NULL || strcmp(type, "n") == 0)
		return number_text(b->a, s);
	return s;
}

static int worksheet(struct builder *b, const struct buf *xml, const struct strings *ss)
{
	xmlTextReaderPtr r = xmlReaderForMemory(xml->p, (int)xml->len, NULL, NULL, XML_OPTIONS);
	struct buf v = {0};
	const char *type = NULL;
	long row = 0, col = -1;
	int rc, in_row = 0, in_c = 0, in_v = 0, in_is = 0, in_t = 0, in_rph = 0;

	if (r == NULL)
		return refuse(b, xlsx_damaged);
	while ((rc = xml_next(r)) == 1) {
		int empty = xmlTextReaderIsEmptyElement(r);
		if (is_elem(r, XML_READER_TYPE_ELEMENT, "row")) {
			const char *n = attr(b->a, r, "r", NULL);
			row = n ? strtol(n, NULL, 10) : row + 1;
			if (row < 1 || row > XLSX_ROW_MAX) {
				rc = -1;
				break;
			}
			in_row = !empty;
			col = -1;
			b->n = 0;
		} else if (in_row && is_elem(r, XML_READER_TYPE_ELEMENT, "c")) {
			long c = column_of(attr(b->a, r, "r", NULL));
			col = c >= 0 ? c : col + 1;
			type = attr(b->a, r, "t", NULL);
			buf_reset(&v);
			in_c = !empty;
		} else if (in_c && is_elem(r, XML_READER_TYPE_ELEMENT, "v"))
			in_v = !empty;
		else if (in_c && is_elem(r, XML_READER_TYPE_ELEMENT, "is"))
			in_is = !empty;
		else if (in_is && is_elem(r, XML_READER_TYPE_ELEMENT, "t"))
			in_t = !empty;
		else if (in_is && is_elem(r, XML_READER_TYPE_ELEMENT, "rPh"))
			in_rph = !empty;
		else if ((in_v || (in_t && !in_rph)) && is_text(r))
			add_text(r, &v);
		else if (is_elem(r, XML_READER_TYPE_END_ELEMENT, "v"))
			in_v = 0;
		else if (is_elem(r, XML_READER_TYPE_END_ELEMENT, "t"))
			in_t = 0;
		else if (is_elem(r, XML_READER_TYPE_END_ELEMENT, "rPh"))
			in_rph = 0;
		else if (is_elem(r, XML_READER_TYPE_END_ELEMENT, "is"))
			in_is = 0;
		else if (in_c && is_elem(r, XML_READER_TYPE_END_ELEMENT, "c")) {
			const char *s = cell_value(b, type, &v, ss);
			in_c = 0;
			if (s == NULL || cell_add(b, row, (size_t)col, s, strlen(s)) != 0) {
				rc = -1;
				break;
			}
		} else if (in_row && is_elem(r, XML_READER_TYPE_END_ELEMENT, "row")) {
			in_row = 0;
			if (row_end(b, row) != 0) {
				rc = -1;
				break;
			}
		}
	}
	xmlFreeTextReader(r);
	buf_free(&v);
	return rc == 0 ? 0 : refuse(b, xlsx_damaged);
}

static int xlsx_read(struct builder *b, const void *data, size_t len)
{
	struct buf ws = {0}, ssx = {0};
	struct strings ss = {NULL, 0};
	const char *path = first_sheet_path(b->a, data, len);
	const char *big = arena_printf(b->a, "Файл XLSX повреждён или слишком велик после распаковки (больше %d МБ).",
				       SHEET_XML_MAX / (1024 * 1024));
	int rc;

	if ((rc = zip_read(data, len, path ? path : "xl/worksheets/sheet1.xml", SHEET_XML_MAX, &ws)) != 1)
		rc = refuse(b, rc == 0 ? "В книге XLSX нет листа с данными." : big);
	else if ((rc = zip_read(data, len, "xl/sharedStrings.xml", SHEET_XML_MAX, &ssx)) == -1)
		rc = refuse(b, big);
	else if ((rc = rc == 1 ? shared_strings(b, &ssx, &ss) : 0) == 0)
		rc = worksheet(b, &ws, &ss);
	buf_free(&ws);
	buf_free(&ssx);
	return rc;
}

int sheet_read(struct arena *a, const void *data, size_t len, struct sheet *s, const char **why)
{
	struct builder b = {.a = a};
	int rc;

	memset(s, 0, sizeof(*s));
	if (len == 0)
		rc = refuse(&b, "Файл пуст.");
	else if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0)
		rc = xlsx_read(&b, data, len);
	else if (len >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0)
		rc = refuse(&b, "Файл в старом формате Excel (.xls): сохраните его как «Книга Excel (.xlsx)» или CSV.");
	else
		rc = csv_read(&b, data, len);
	if (rc == 0) {
		s->nrows = b.nrows;
		s->rows = arena_alloc(a, (b.nrows + 1) * sizeof(*s->rows));
		if (b.nrows > 0)
			memcpy(s->rows, b.rows.p, b.rows.len);
	}
	buf_free(&b.rows);
	*why = rc == 0 ? NULL : b.why ? b.why : xlsx_damaged;
	return rc == 0 ? 1 : 0;
}
