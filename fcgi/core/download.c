/* Downloads: a table of rows answered as CSV, XLSX or PDF, its export on record (the access journal for people). */
#include "download.h"

#include "app.h"

int download_send(struct req *r, enum download_format f, const struct download *d)
{
	static const char *const ext[] = {[DL_CSV] = "csv", [DL_XLSX] = "xlsx", [DL_PDF] = "pdf"};
	const char *note;
	int rc;

	switch (f) {
	case DL_CSV: rc = export_csv(&r->body, d->cols, d->ncols, d->rows); break;
	case DL_XLSX: rc = export_xlsx(&r->body, d->sheet, d->title, d->cols, d->ncols, d->rows); break;
	default: rc = pdf_table(&r->body, d->title, d->cols, d->ncols, d->rows); break;
	}
	if (rc == -1)
		return 500;
	note = d->note ? arena_printf(&r->arena, "%s, %s", ext[f], d->note) : ext[f];
	if (d->figures)
		audit(r, d->action, d->object_type, d->object_id, note);
	else {
		json_t *ids = d->person_key ? access_ids(d->rows, d->person_key) : NULL;
		rc = access_record(r, d->action, d->object_type, d->object_id, note, ids);
		json_decref(ids);
		if (rc == -1) {
			buf_reset(&r->body);
			return 500;
		}
	}
	return resp_file(r, "attachment", arena_printf(&r->arena, "%s.%s", d->name, ext[f]));
}
