/* Downloads: a table of rows answered as CSV, XLSX or PDF, its export on record in the audit log. */
#ifndef DOWNLOAD_H
#define DOWNLOAD_H

#include <stddef.h>

#include <jansson.h>

#include "export.h"

struct req;

enum download_format { DL_CSV, DL_XLSX, DL_PDF };

/* One table for download. Lists of people are personal data, so every download is audited. */
struct download {
	const char *sheet; /* XLSX sheet name */
	const char *title; /* XLSX row 1 and the PDF's heading; NULL none (XLSX only) */
	const struct export_col *cols;
	size_t ncols;
	json_t *rows;            /* borrowed */
	const char *action;      /* the audit's action, e.g. "journal.export" */
	const char *object_type; /* the audit's object */
	long long object_id;
	const char *note; /* the audit's detail is the extension, then ", note" when not NULL */
	const char *name; /* the file's name without its extension */
};

/* Writes d's rows in format f into the answer (CSV and XLSX by export.h, PDF by pdf_table), audits
 * it and answers it as an attachment named d->name plus the extension. Returns the status: 200,
 * or 500 when the file cannot be made (nothing audited). */
int download_send(struct req *, enum download_format f, const struct download *d);

#endif
