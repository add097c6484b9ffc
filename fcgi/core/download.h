/* Downloads: a table of rows answered as CSV, XLSX or PDF, its export on record (the access journal for people). */
#ifndef DOWNLOAD_H
#define DOWNLOAD_H

#include <stddef.h>

#include <jansson.h>

#include "export.h"

struct req;

enum download_format { DL_CSV, DL_XLSX, DL_PDF };

/* One table for download. A list of people is personal data: its export goes to the journal of access to
 * personal data (access.h); a table of figures goes to the audit log. */
struct download {
	const char *sheet; /* XLSX sheet name */
	const char *title; /* XLSX row 1 and the PDF's heading; NULL none (XLSX only) */
	const struct export_col *cols;
	size_t ncols;
	json_t *rows;            /* borrowed */
	const char *action;      /* the record's action, e.g. "journal.export" */
	const char *object_type; /* the record's object */
	long long object_id;
	const char *note;       /* the record's detail is the extension, then ", note" when not NULL */
	const char *name;       /* the file's name without its extension */
	int figures;            /* figures, nobody's data: audited, not in the access journal */
	const char *person_key; /* the rows' key of the people listed, for the access journal; NULL: the object's */
};

/* Writes d's rows in format f into the answer (CSV and XLSX by export.h, PDF by pdf_table), puts it on
 * record and answers it as an attachment named d->name plus the extension. Returns the status: 200, or
 * 500 when the file cannot be made or its export not recorded (nothing sent). */
int download_send(struct req *, enum download_format f, const struct download *d);

#endif
