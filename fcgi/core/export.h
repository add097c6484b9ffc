/* Spreadsheets for Excel: CSV and XLSX exports of JSON rows. */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"

/* Tables for download, as CSV or XLSX. Rows are a JSON array of objects; each
 * column takes object[key]. A value may be a string, an integer, a real, a
 * boolean (1 or 0) or null (an empty cell, as is a missing key or ""). A string
 * in a numeric column ("12", "-3.5", "2,5", "1e3") is converted; a string that is
 * not a number, or not a date in a date column, is written as text, verbatim.
 * A string counts up to its first NUL. An object or array value is a caller
 * error: the export returns -1 (logged). */
enum export_kind {
	EX_TEXT,    /* strings as text; a number given here stays a number */
	EX_INT,     /* whole numbers */
	EX_NUMBER,  /* any number */
	EX_PERCENT, /* a FRACTION: 0.875 shows as 87,5% (not 87.5) */
	EX_DATE,    /* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (also with 'T'), year 1900..9999 */
	EX__MAX
};

struct export_col {
	const char *key;   /* object key of the value */
	const char *title; /* header text; NULL uses key */
	enum export_kind kind;
	double width; /* XLSX column width in characters; 0 picks a default for the kind */
};

/* Appends a CSV file for Russian-locale Excel: UTF-8 with a BOM, ';' between
 * fields, CRLF line ends, a header row of titles; numbers with a decimal comma,
 * percents as "87,5%", dates as "DD.MM.YYYY" or "DD.MM.YYYY HH:MM". A text cell
 * starting with = + - @ TAB or CR gets a leading apostrophe (formula injection
 * guard). Returns 0, or -1 (logged) with out left as it was. */
int export_csv(struct buf *out, const struct export_col *cols, size_t ncols, json_t *rows);
/* Appends an .xlsx workbook of one sheet named sheet (sanitised for Excel: at
 * most 31 characters, none of []:*?/\; NULL or empty gives «Лист1»). When
 * title is not NULL it fills row 1 in large bold type; then a bold header row,
 * frozen and with an autofilter over the data. Numbers are numbers, percents
 * are fractions shown as "0.0%", dates are real Excel dates; text over 32767
 * characters is cut (Excel's limit). Writes through a temporary file in
 * $TMPDIR (or /tmp), removed before returning. Returns 0, or -1 (logged) with
 * out left as it was. */
int export_xlsx(struct buf *out, const char *sheet, const char *title, const struct export_col *cols, size_t ncols,
		json_t *rows);

#endif
