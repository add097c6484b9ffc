/* The attendance journal of a seminar (журнал учёта посещаемости): everyone expected at each session, present
 * or not; on screen, as XLSX and as a printable PDF. */
#include <string.h>

#include "checkin.h"

static const struct export_col journal_cols[] = {
	{"n", "№", EX_INT, 5},
	{"session", "Занятие", EX_DATE, 17},
	{"full_name", "ФИО", EX_TEXT, 32},
	{"organization", "Организация", EX_TEXT, 36},
	{"district", "Район", EX_TEXT, 22},
	{"mode_name", "Формат", EX_TEXT, 10},
	{"mark", "Отметка", EX_TEXT, 14},
	{"at", "Время прихода", EX_DATE, 17},
};

static const char absent_mark[] = "не отмечен(а)";

/* Rows of the journal with Russian mode names and marks; *present counts the check-ins. 0 or the status
 * to return. */
static int journal_rows(struct req *r, struct seminar *s, json_t **rows, size_t *present)
{
	json_t *row;
	size_t i;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), s)) != 0)
		return rc;
	if ((*rows = db_journal(r->app->db, &r->arena, s->id, req_int(r, "session_id", 0))) == NULL)
		return 500;
	*present = 0;
	json_array_foreach (*rows, i, row) {
		const char *m = json_string_value(json_object_get(row, "mode"));
		int here = json_integer_value(json_object_get(row, "present")) != 0;
		json_object_set_new(row, "mode_name", json_string(mode_names[mode_of(m)]));
		json_object_set_new(row, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(row, "present", json_boolean(here));
		json_object_set_new(row, "mark", json_string(here ? "отмечен(а)" : absent_mark));
		*present += (size_t)here;
	}
	return 0;
}

int pg_journal(struct req *r)
{
	struct seminar s;
	json_t *rows, *row;
	size_t i, present;
	int rc;

	if ((rc = journal_rows(r, &s, &rows, &present)) != 0)
		return rc;
	json_array_foreach (rows, i, row) {
		const char *at = json_string_value(json_object_get(row, "at"));
		json_object_set_new(
			row, "session_name",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(row, "session")), 1)));
		json_object_set_new(row, "arrival",
				    json_string(at ? arena_printf(&r->arena, "%.5s", at + 11) : absent_mark));
	}
	if (access_record(r, "journal.view", "seminar", s.id,
			  req_param(r, "session_id")
				  ? arena_printf(&r->arena, "session_id=%s", req_param(r, "session_id"))
				  : NULL,
			  NULL) == -1) {
		json_decref(rows);
		return 500;
	}
	/* total: the check-ins (as before); absent: the rows of people not checked in. */
	return page(r, "journal",
		    json_pack("{s:s, s:{s:I, s:s, s:s}, s:I, s:I, s:o, s:s, s:s}", "title", "Журнал посещаемости",
			      "seminar", "id", (json_int_t)s.id, "title", s.title, "scanner_url",
			      url(&r->arena, U_CHECKIN_ID, s.id), "total", (json_int_t)present, "absent",
			      (json_int_t)(json_array_size(rows) - present), "rows", rows, "xlsx_url",
			      url(&r->arena, U_CHECKIN_ID_JOURNAL_XLSX, s.id), "pdf_url",
			      url(&r->arena, U_CHECKIN_ID_JOURNAL_PDF, s.id)));
}

static int journal_file(struct req *r, enum download_format f)
{
	struct seminar s;
	json_t *rows;
	size_t present;
	int rc;

	if ((rc = journal_rows(r, &s, &rows, &present)) != 0)
		return rc;
	rc = download_send(r, f,
			   &(struct download){"Журнал", arena_printf(&r->arena, "Журнал посещаемости: %s", s.title),
					      journal_cols, NELEM(journal_cols), rows, "journal.export", "seminar",
					      s.id, NULL, arena_printf(&r->arena, "journal-%lld", s.id), 0, NULL});
	json_decref(rows);
	return rc;
}

int pg_journal_xlsx(struct req *r)
{
	return journal_file(r, DL_XLSX);
}

int pg_journal_pdf(struct req *r)
{
	return journal_file(r, DL_PDF);
}
