/* libFuzzer harness of the spreadsheet reader: raw uploads (CSV, zip), and XML members inside a real .xlsx. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "text.h"
#include "zip.h"

static const char strings[] = "<sst><si><t>ИНН</t></si><si><r><t>a</t></r><r><t>b</t></r></si><si/></sst>";
static const char sheet[] = "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
			    "<c t=\"s\"><v>2</v></c><c t=\"s\"><v>3</v></c></row></sheetData></worksheet>";

/* An .xlsx whose worksheet (or shared strings) is the fuzz input. */
static void xlsx_around(struct buf *out, const uint8_t *data, size_t size, int as_strings)
{
	struct zipw *z = zipw_open();

	if (z == NULL)
		abort();
	zipw_add(z, "xl/worksheets/sheet1.xml", as_strings ? (const void *)sheet : data,
		 as_strings ? sizeof(sheet) - 1 : size, 1);
	zipw_add(z, "xl/sharedStrings.xml", as_strings ? (const void *)data : strings,
		 as_strings ? size : sizeof(strings) - 1, 1);
	if (zipw_close(z, out) != 0)
		abort();
}

/* The first byte picks what the rest is: 0 the upload itself, 1 the worksheet XML, 2 the
 * shared strings XML. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	struct buf x = {0};
	struct sheet s;
	const char *why;
	size_t i, k;

	if (size < 1)
		return 0;
	if (data[0] % 3 == 0)
		buf_add(&x, data + 1, size - 1);
	else if (size == 1)
		return 0; /* zipw_add leaks an empty member's 1-byte copy (libzip does not free a 0-length buffer) */
	else
		xlsx_around(&x, data + 1, size - 1, data[0] % 3 == 2);
	if (sheet_read(&a, x.p, x.len, &s, &why) == 1) {
		/* Every cell is a valid C string of valid UTF-8 within the caps. */
		if (s.nrows > SHEET_ROWS_MAX)
			abort();
		for (i = 0; i < s.nrows; i++) {
			if (s.rows[i].n == 0 || s.rows[i].n > SHEET_COLS_MAX)
				abort();
			for (k = 0; k < s.rows[i].n; k++)
				if (utf8_count(s.rows[i].cells[k], strlen(s.rows[i].cells[k])) < 0)
					abort();
		}
	} else if (why == NULL)
		abort();
	buf_free(&x);
	arena_reset(&a);
	return 0;
}
