/* Spreadsheet uploads (CSV, XLSX) read into rows of text cells. */
#ifndef SHEET_H
#define SHEET_H

#include <stddef.h>

#include "arena.h"

/* A CSV or XLSX upload read into rows of text cells, for the register imports.
 * CSV: UTF-8 with or without a BOM, or Windows-1251 (Excel's "CSV" in a Russian
 * locale; converted), ';' or ',' (or a tab) between fields, whichever the first
 * line has most of, quotes per RFC 4180, CRLF or LF. XLSX: the workbook's first
 * worksheet with shared and inline strings; a whole number is written as people
 * read it (4816105358, not 4.816105358E9), booleans as 1 and 0, formulas by their
 * cached value. Parsed from memory with libxml2 (no network, no DTD, a DOCTYPE
 * refused); an inflated member is capped, so a zip bomb is refused. */
#define SHEET_ROWS_MAX  100000             /* non-empty rows of a file */
#define SHEET_COLS_MAX  64                 /* columns: a value further right is refused */
#define SHEET_CELLS_MAX 2000000            /* cells of a file (empty ones between values count) */
#define SHEET_CELL_MAX  32767              /* bytes of one cell (Excel's limit) */
#define SHEET_XML_MAX   (32 * 1024 * 1024) /* an inflated member of an .xlsx */

struct sheet_row {
	long line;          /* where it is in the file: the CSV line it starts on, the XLSX row number */
	size_t n;           /* cells up to the last non-empty one */
	const char **cells; /* UTF-8 text as in the file (not trimmed); an empty cell is "" */
};
struct sheet {
	struct sheet_row *rows; /* rows with a non-empty cell, in file order (empty rows are left out) */
	size_t nrows;
};
/* Reads data (XLSX when it is a zip archive, otherwise CSV) into s, in the arena. Returns 1, or
 * 0 with *why saying in Russian what is wrong (empty, not a table, an old .xls, UTF-16, an
 * unclosed quote, over a cap, damaged or a zip bomb); *why is static or in the arena. */
int sheet_read(struct arena *, const void *data, size_t len, struct sheet *s, const char **why);
/* Cell i of a row, "" past its end. */
const char *sheet_cell(const struct sheet_row *, size_t i);

#endif
