/* Spreadsheet exports: CSV for Russian-locale Excel and XLSX through libxlsxwriter. */
#include "export.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "log.h"
#include "text.h"

/* Excel's limit of characters in a cell. */
#define CELL_MAX 32767

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* One value after conversion, the same for both formats. */
enum cell_type { CELL_EMPTY, CELL_TEXT, CELL_INT, CELL_NUM, CELL_DATE };

struct cell {
	enum cell_type t;
	const char *s;   /* CELL_TEXT */
	long long i;     /* CELL_INT */
	double d;        /* CELL_NUM */
	lxw_datetime dt; /* CELL_DATE */
	int has_time;
};

/* Strict decimal syntax, so "0x10", "inf" or " 5" stay text: sign, digits,
 * '.' or ',' and digits, exponent. */
static int parse_number(const char *s, struct cell *c)
{
	char tmp[64];
	const char *p = s;
	int digits = 0, whole = 1;
	size_t n;

	if (*p == '+' || *p == '-')
		p++;
	for (; IS_DIGIT(*p); p++)
		digits++;
	if (*p == '.' || *p == ',') {
		whole = 0;
		for (p++; IS_DIGIT(*p); p++)
			digits++;
	}
	if (digits == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		whole = 0;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!IS_DIGIT(*p))
			return 0;
		while (IS_DIGIT(*p))
			p++;
	}
	n = (size_t)(p - s);
	if (*p != '\0' || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	for (char *q = tmp; *q; q++)
		if (*q == ',')
			*q = '.';
	errno = 0;
	if (whole) {
		long long v = strtoll(tmp, NULL, 10);
		if (errno == 0) {
			c->t = CELL_INT;
			c->i = v;
			return 1;
		}
	}
	c->d = strtod(tmp, NULL);
	if (!isfinite(c->d))
		return 0;
	c->t = CELL_NUM;
	return 1;
}

/* Returns the value of n digits at p, or -1. */
static int digits_at(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!IS_DIGIT(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD", optionally followed by ' ' or 'T' and "HH:MM", ":SS", ".fff"
 * (the fraction is dropped). Years before 1900 are not Excel dates. */
static int parse_date(const char *s, struct cell *c)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p;
	int y, mo, d, h = 0, mi = 0, sec = 0, has_time = 0;

	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	y = digits_at(s, 4);
	mo = digits_at(s + 5, 2);
	d = digits_at(s + 8, 2);
	p = s + 10;
	if (*p == ' ' || *p == 'T') {
		if (strlen(p) < 6 || p[3] != ':')
			return 0;
		h = digits_at(p + 1, 2);
		mi = digits_at(p + 4, 2);
		p += 6;
		if (*p == ':') {
			sec = digits_at(p + 1, 2);
			if (sec < 0)
				return 0;
			p += 3;
			if (*p == '.' && IS_DIGIT(p[1]))
				for (p++; IS_DIGIT(*p); p++)
					;
		}
		has_time = 1;
	}
	if (*p != '\0' || y < 1900 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || sec > 59)
		return 0;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	c->t = CELL_DATE;
	c->dt = (lxw_datetime){.year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = sec};
	c->has_time = has_time;
	return 1;
}

/* Returns 0 with c filled, or -1 (logged) for a value no cell can hold. */
static int cell_get(const struct export_col *col, json_t *row, struct cell *c)
{
	json_t *v = json_object_get(row, col->key);

	memset(c, 0, sizeof(*c));
	c->t = CELL_EMPTY;
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL: return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		c->t = CELL_INT;
		c->i = json_is_true(v);
		return 0;
	case JSON_INTEGER:
		c->t = CELL_INT;
		c->i = json_integer_value(v);
		return 0;
	case JSON_REAL:
		c->t = CELL_NUM;
		c->d = json_real_value(v);
		return 0;
	case JSON_STRING:
		c->s = json_string_value(v);
		if (c->s[0] == '\0')
			return 0;
		if ((col->kind == EX_INT || col->kind == EX_NUMBER || col->kind == EX_PERCENT) && parse_number(c->s, c))
			return 0;
		if (col->kind == EX_DATE && parse_date(c->s, c))
			return 0;
		c->t = CELL_TEXT;
		return 0;
	default: log_msg(LOG_ERROR, NULL, "export: column %s holds an object or array", col->key); return -1;
	}
}

/* ---------------------------------------------------------------- CSV */

static void csv_text(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ";\"\r\n") != NULL ||
		    (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));

	if (quote)
		buf_addc(b, '"');
	/* Excel would run a cell starting with these as a formula (=HYPERLINK, DDE);
	 * the apostrophe makes it text. */
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	if (quote)
		buf_addc(b, '"');
}

/* Russian Excel reads numbers with a decimal comma. */
static void csv_number(struct buf *b, double d)
{
	char tmp[64];

	if (d == 0)
		d = 0; /* no "-0" */
	snprintf(tmp, sizeof(tmp), "%.15g", d);
	for (char *p = tmp; *p; p++)
		if (*p == '.')
			*p = ',';
	buf_adds(b, tmp);
}

static void csv_cell(struct buf *b, const struct export_col *col, const struct cell *c)
{
	switch (c->t) {
	case CELL_EMPTY: break;
	case CELL_TEXT: csv_text(b, c->s); break;
	case CELL_INT:
		if (col->kind == EX_PERCENT) {
			csv_number(b, (double)c->i * 100);
			buf_addc(b, '%');
		} else
			buf_addf(b, "%lld", c->i);
		break;
	case CELL_NUM:
		csv_number(b, col->kind == EX_PERCENT ? c->d * 100 : c->d);
		if (col->kind == EX_PERCENT)
			buf_addc(b, '%');
		break;
	case CELL_DATE:
		buf_addf(b, "%02d.%02d.%04d", c->dt.day, c->dt.month, c->dt.year);
		if (c->has_time)
			buf_addf(b, " %02d:%02d", c->dt.hour, c->dt.min);
		break;
	}
}

/* The separator is ';': Excel with Russian regional settings splits a CSV file
 * on the list separator of the locale, which is ';' (',' is the decimal mark). */
int export_csv(struct buf *b, const struct export_col *cols, size_t ncols, json_t *rows)
{
	size_t start = b->len, i, c;
	json_t *row;
	struct cell cell;
	int rc = -1;

	assert(cols != NULL && ncols > 0);
	if (!json_is_array(rows)) {
		log_msg(LOG_ERROR, NULL, "export_csv: rows is not an array");
		return -1;
	}
	buf_add(b, "\xEF\xBB\xBF", 3); /* the BOM: without it Excel reads the file as cp1251 */
	for (c = 0; c < ncols; c++) {
		if (c > 0)
			buf_addc(b, ';');
		csv_text(b, cols[c].title ? cols[c].title : cols[c].key);
	}
	buf_adds(b, "\r\n");
	json_array_foreach (rows, i, row) {
		if (!json_is_object(row)) {
			log_msg(LOG_ERROR, NULL, "export_csv: row %zu is not an object", i);
			goto out;
		}
		for (c = 0; c < ncols; c++) {
			if (c > 0)
				buf_addc(b, ';');
			if (cell_get(&cols[c], row, &cell) == -1)
				goto out;
			csv_cell(b, &cols[c], &cell);
		}
		buf_adds(b, "\r\n");
	}
	rc = 0;
out:
	if (rc == -1) {
		b->len = start;
		b->p[start] = '\0';
	}
	return rc;
}

/* ---------------------------------------------------------------- XLSX */

/* Byte length of the longest prefix of valid UTF-8 s that fits in max UTF-16
 * units (Excel counts those: a character outside the BMP takes two). */
static size_t utf16_prefix(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t units = 0;

	while (*p) {
		size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		size_t w = len == 4 ? 2 : 1;
		if (units + w > max)
			break;
		units += w;
		p += len;
	}
	return (size_t)(p - (const unsigned char *)s);
}

/* Excel refuses a sheet name longer than 31 characters, with any of []:*?/\,
 * starting or ending with an apostrophe, or named History. */
static void sheet_name(char *dst, size_t cap, const char *src)
{
	size_t n;

	if (src == NULL || utf8_count(src, strlen(src)) <= 0) {
		snprintf(dst, cap, "%s", "Лист1");
		return;
	}
	n = utf16_prefix(src, LXW_SHEETNAME_MAX);
	assert(n < cap);
	memcpy(dst, src, n);
	dst[n] = '\0';
	for (char *p = dst; *p; p++)
		if (strchr("[]:*?/\\", *p) != NULL || (unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	if (dst[0] == '\'')
		dst[0] = '_';
	if (dst[n - 1] == '\'')
		dst[n - 1] = '_';
	if (strcasecmp(dst, "History") == 0)
		snprintf(dst, cap, "%s", "History_");
}

static lxw_error xlsx_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
	size_t n = utf16_prefix(s, CELL_MAX);
	char *cut;
	lxw_error err;

	if (s[n] == '\0')
		return worksheet_write_string(ws, r, c, s, f);
	cut = strndup(s, n);
	if (cut == NULL)
		abort();
	err = worksheet_write_string(ws, r, c, cut, f);
	free(cut);
	return err;
}

static double default_width(enum export_kind k)
{
	switch (k) {
	case EX_INT: return 10;
	case EX_NUMBER: return 12;
	case EX_PERCENT: return 10;
	case EX_DATE: return 17; /* room for "dd.mm.yyyy hh:mm" */
	default: return 30;
	}
}

struct xlsx_formats {
	lxw_format *title, *head, *integer, *percent, *date, *datetime;
};

static void xlsx_formats(lxw_workbook *wb, struct xlsx_formats *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_bg_color(f->head, 0xDDEBF7);
	format_set_bottom(f->head, LXW_BORDER_THIN);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
	/* "0" rather than General: General turns long numbers into 1,23E+11. */
	f->integer = workbook_add_format(wb);
	format_set_num_format(f->integer, "0");
	f->percent = workbook_add_format(wb);
	format_set_num_format(f->percent, "0.0%");
	f->date = workbook_add_format(wb);
	format_set_num_format(f->date, "dd.mm.yyyy");
	f->datetime = workbook_add_format(wb);
	format_set_num_format(f->datetime, "dd.mm.yyyy hh:mm");
}

static lxw_error xlsx_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const struct export_col *col,
			   const struct cell *v, const struct xlsx_formats *f)
{
	lxw_format *nf = col->kind == EX_PERCENT ? f->percent : NULL;

	switch (v->t) {
	case CELL_EMPTY: return LXW_NO_ERROR;
	case CELL_TEXT: return xlsx_text(ws, r, c, v->s, NULL);
	case CELL_INT: return worksheet_write_number(ws, r, c, (double)v->i, nf ? nf : f->integer);
	case CELL_NUM: return worksheet_write_number(ws, r, c, v->d, nf);
	case CELL_DATE: {
		lxw_datetime dt = v->dt;
		return worksheet_write_datetime(ws, r, c, &dt, v->has_time ? f->datetime : f->date);
	}
	}
	return LXW_NO_ERROR;
}

/* Fills the workbook; returns 0 or -1 (logged). */
static int xlsx_fill(lxw_workbook *wb, const char *sheet, const char *title, const struct export_col *cols,
		     size_t ncols, json_t *rows)
{
	char name[LXW_SHEETNAME_MAX * 4 + 1];
	struct xlsx_formats f;
	lxw_worksheet *ws;
	lxw_row_t r = 0, head;
	lxw_error err = LXW_NO_ERROR;
	struct cell cell;
	json_t *row;
	size_t i, c;

	sheet_name(name, sizeof(name), sheet);
	ws = workbook_add_worksheet(wb, name);
	if (ws == NULL) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: cannot add sheet %s", name);
		return -1;
	}
	xlsx_formats(wb, &f);
	if (title != NULL) {
		worksheet_set_row(ws, 0, 21, NULL);
		err = xlsx_text(ws, 0, 0, title, f.title);
		r = 1;
	}
	head = r;
	for (c = 0; c < ncols && err == LXW_NO_ERROR; c++) {
		err = xlsx_text(ws, head, (lxw_col_t)c, cols[c].title ? cols[c].title : cols[c].key, f.head);
		if (err == LXW_NO_ERROR)
			err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
						   cols[c].width > 0 ? cols[c].width : default_width(cols[c].kind),
						   NULL);
	}
	json_array_foreach (rows, i, row) {
		if (err != LXW_NO_ERROR)
			break;
		if (!json_is_object(row)) {
			log_msg(LOG_ERROR, NULL, "export_xlsx: row %zu is not an object", i);
			return -1;
		}
		r++;
		for (c = 0; c < ncols && err == LXW_NO_ERROR; c++) {
			if (cell_get(&cols[c], row, &cell) == -1)
				return -1;
			err = xlsx_cell(ws, r, (lxw_col_t)c, &cols[c], &cell, &f);
		}
	}
	if (err == LXW_NO_ERROR)
		err = worksheet_autofilter(ws, head, 0, r, (lxw_col_t)(ncols - 1));
	if (err == LXW_NO_ERROR)
		err = worksheet_repeat_rows(ws, head, head);
	if (err != LXW_NO_ERROR) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: row %lu: %s", (unsigned long)r, lxw_strerror(err));
		return -1;
	}
	worksheet_freeze_panes(ws, head + 1, 0);
	return 0;
}

/* Appends the whole file from its start; returns 0, or -1 with errno set. */
static int read_all(int fd, struct buf *b)
{
	char chunk[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf_add(b, chunk, (size_t)n);
	}
	return 0;
}

/* libxlsxwriter 1.1.4 writes only to a named file: it goes to a private
 * temporary file, read back through the descriptor mkstemp opened. */
int export_xlsx(struct buf *b, const char *sheet, const char *title, const struct export_col *cols, size_t ncols,
		json_t *rows)
{
	char dir[PATH_MAX], path[PATH_MAX];
	const char *env = getenv("TMPDIR");
	lxw_workbook_options opt = {0};
	lxw_workbook *wb = NULL;
	lxw_error err;
	size_t start = b->len;
	int fd, rc = -1;

	assert(cols != NULL && ncols > 0);
	if (!json_is_array(rows) || ncols > LXW_COL_MAX) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: rows is not an array or too many columns");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", env != NULL && env[0] != '\0' ? env : "/tmp");
	if (snprintf(path, sizeof(path), "%s/export-XXXXXX", dir) >= (int)sizeof(path)) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: TMPDIR too long");
		return -1;
	}
	fd = mkstemp(path);
	if (fd == -1) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: mkstemp %s: %s", path, strerror(errno));
		return -1;
	}
	opt.tmpdir = dir;
	wb = workbook_new_opt(path, &opt);
	if (wb == NULL) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: cannot create a workbook");
		goto out;
	}
	if (xlsx_fill(wb, sheet, title, cols, ncols, rows) == -1)
		goto out;
	err = workbook_close(wb);
	wb = NULL;
	if (err != LXW_NO_ERROR) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: %s: %s", path, lxw_strerror(err));
		goto out;
	}
	if (read_all(fd, b) == -1) {
		log_msg(LOG_ERROR, NULL, "export_xlsx: read %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (wb != NULL)
		lxw_workbook_free(wb);
	unlink(path);
	close(fd);
	if (rc == -1 && b->cap > 0) {
		b->len = start;
		b->p[start] = '\0';
	}
	return rc;
}
