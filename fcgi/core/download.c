/* Downloads: a table of rows answered as CSV, XLSX or PDF, its export on record in the audit log. */
#include "download.h"

#include "app.h"

int download_send(struct req *r, enum download_format f, const struct download *d)
{
	static const char *const ext[] = {[DL_CSV] = "csv", [DL_XLSX] = "xlsx", [DL_PDF] = "pdf"};
	int rc;

	switch (f) {
	case DL_CSV: rc = export_csv(&r->body, d->cols, d->ncols, d->rows); break;
	case DL_XLSX: rc = export_xlsx(&r->body, d->sheet, d->title, d->cols, d->ncols, d->rows); break;
	default: rc = pdf_table(&r->body, d->title, d->cols, d->ncols, d->rows); break;
	}
	if (rc == -1)
		return 500;
	audit(r, d->action, d->object_type, d->object_id,
	      d->note ? arena_printf(&r->arena, "%s, %s", ext[f], d->note) : ext[f]);
	return resp_file(r, "attachment", arena_printf(&r->arena, "%s.%s", d->name, ext[f]));
}
