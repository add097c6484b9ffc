/* Administration: imports of the register of organisations and of districts from CSV or XLSX, with a preview, then
 * applied as one transaction. */
#include <sodium.h>
#include <string.h>

#include "portal.h"

#define PREVIEW_ROWS 100 /* rows of an action on the preview page (the rejected ones: all) */
#define PAGE_ROWS    500 /* rows per page when one action is shown alone */
#define RECENT       20  /* imports listed on the upload page */
#define NAME_MAX_CP  200 /* the file name kept */

static const char *const kind_names[IMPORT__MAX] = {"Организации", "Районы"};
static const char *const action_titles[IA__MAX] = {"Добавить", "Изменить", "Без изменений", "Сделать недействующими",
						   "Отклонены"};
/* The order of the preview: what needs attention first. */
static const enum import_action order[IA__MAX] = {IA_REJECT, IA_ADD, IA_CHANGE, IA_DEACTIVATE, IA_SAME};

static json_t *kinds_json(const char *selected)
{
	json_t *a = json_array();
	int k;

	for (k = 0; k < IMPORT__MAX; k++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", import_kinds[k], "name", kind_names[k],
						   "checked", strcmp(selected, import_kinds[k]) == 0));
	return a;
}

static int import_page(struct req *r, int status, const char *error)
{
	json_t *recent = db_imports_recent(r->app->db, &r->arena, RECENT), *row;
	const char *kind = req_param(r, "kind");
	size_t i;

	if (recent == NULL)
		return 500;
	json_array_foreach (recent, i, row) {
		const char *k = json_string_value(json_object_get(row, "kind"));
		json_object_set_new(row, "url", url_row(&r->arena, U_ADMIN_IMPORT_ID, row));
		json_object_set_new(row, "kind_name", json_string(kind_names[strcmp(k, "districts") == 0]));
		json_object_set_new(
			row, "uploaded_on",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(row, "uploaded_at")), 1)));
	}
	page(r, "admin-import",
	     json_pack("{s:s, s:o, s:o, s:s?, s:i}", "title", "Импорт реестра", "kinds",
		       kinds_json(kind ? kind : import_kinds[IMPORT_ORGANIZATIONS]), "imports", recent, "error", error,
		       "max_mb", (int)(valid_find(r->app->prog->fields, "file", 4)->max / (1024 * 1024))));
	return status;
}

int pg_import(struct req *r)
{
	return import_page(r, 200, NULL);
}

int pg_import_upload(struct req *r)
{
	const struct kv *f = req_file(r, "file");
	const char *kind = req_param(r, "kind"), *why = NULL;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	struct import_new in = {0};
	struct sheet sh;
	long long id;

	if (f == NULL)
		return import_page(r, 400, "Выберите файл CSV или XLSX.");
	in.kind = kind != NULL && strcmp(kind, import_kinds[IMPORT_DISTRICTS]) == 0 ? IMPORT_DISTRICTS
										    : IMPORT_ORGANIZATIONS;
	if (sheet_read(&r->arena, f->val, f->len, &sh, &why) != 1)
		return import_page(r, 400, why);
	crypto_hash_sha256(hash, (const unsigned char *)f->val, f->len);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	in.file_name = files_name(&r->arena, f->filename, NAME_MAX_CP, NULL);
	in.sha256 = hex;
	in.person_id = r->user->id;
	in.ip = r->ip;
	if ((id = db_import_preview(r->app->db, &r->arena, &in, &sh, &why)) == -1)
		return 500;
	if (id == 0)
		return import_page(r, 400, why);
	return redirect(r, url(&r->arena, U_ADMIN_IMPORT_ID, id));
}

static int action_of(const char *s)
{
	int k;

	for (k = 0; s != NULL && k < IA__MAX; k++)
		if (strcmp(import_actions[k], s) == 0)
			return k;
	return -1;
}

/* One action's rows with its title, count and, when cut, the link to all of them. */
static json_t *section(struct req *r, const struct import_info *im, enum import_action k, long limit, long offset)
{
	json_t *rows = db_import_rows(r->app->db, &r->arena, im->id, k, limit, offset);
	long n = im->count[k];

	if (rows == NULL)
		return NULL;
	return json_pack("{s:s, s:s, s:i, s:o, s:s?}", "action", import_actions[k], "title", action_titles[k], "n",
			 (int)n, "rows", rows, "more_url",
			 n > offset + limit && offset == 0
				 ? arena_printf(&r->arena, "%s?show=%s", url(&r->arena, U_ADMIN_IMPORT_ID, im->id),
						import_actions[k])
				 : NULL);
}

int pg_import_preview(struct req *r)
{
	long long id = req_arg_id(r, 0), page_no = req_int(r, "page", 1);
	int show = action_of(req_param(r, "show"));
	struct import_info im;
	json_t *sections = json_array(), *counts = json_array(), *s, *ctx;
	long changes;
	int rc, k;

	if (id == 0 || (rc = db_import_get(r->app->db, &r->arena, id, &im)) == 0) {
		json_decref(sections);
		json_decref(counts);
		return fail(r, 404, "Такого импорта нет.");
	}
	if (rc == -1)
		goto failed;
	for (k = 0; k < IA__MAX; k++) {
		enum import_action a = order[k];
		json_array_append_new(counts, json_pack("{s:s, s:s, s:i}", "action", import_actions[a], "title",
							action_titles[a], "n", (int)im.count[a]));
		if (show >= 0 && a != (enum import_action)show)
			continue;
		if (show >= 0)
			s = section(r, &im, a, PAGE_ROWS, (long)(page_no - 1) * PAGE_ROWS);
		else
			s = section(r, &im, a, a == IA_REJECT ? SHEET_ROWS_MAX : PREVIEW_ROWS, 0);
		if (s == NULL)
			goto failed;
		json_array_append_new(sections, s);
	}
	changes = im.count[IA_ADD] + im.count[IA_CHANGE] + im.count[IA_DEACTIVATE];
	ctx = json_pack(
		"{s:s, s:{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}, s:o, s:o, s:i, s:s?, s:s?, s:s?, s:s?}",
		"title", "Предварительный просмотр импорта", "import", "id", (json_int_t)id, "kind",
		import_kinds[im.kind], "kind_name", kind_names[im.kind], "file_name", im.file_name, "uploader",
		im.uploader, "uploaded_on", date_ru(&r->arena, im.uploaded_at, 1), "applied_on",
		im.applied_at ? date_ru(&r->arena, im.applied_at, 1) : NULL, "same_file_applied_on",
		im.same_file_applied_at ? date_ru(&r->arena, im.same_file_applied_at, 1) : NULL, "ignored", im.ignored,
		"counts", counts, "sections", sections, "changes", (int)changes, "apply_url",
		im.applied_at ? NULL : url(&r->arena, U_ADMIN_IMPORT_ID_APPLY, id), "all_url",
		show >= 0 ? url(&r->arena, U_ADMIN_IMPORT_ID, id) : NULL, "prev_url",
		show >= 0 && page_no > 1
			? arena_printf(&r->arena, "%s?show=%s&page=%lld", url(&r->arena, U_ADMIN_IMPORT_ID, id),
				       import_actions[show], page_no - 1)
			: NULL,
		"next_url",
		show >= 0 && page_no * PAGE_ROWS < im.count[show]
			? arena_printf(&r->arena, "%s?show=%s&page=%lld", url(&r->arena, U_ADMIN_IMPORT_ID, id),
				       import_actions[show], page_no + 1)
			: NULL);
	return page(r, "admin-import-preview", ctx);
failed:
	json_decref(sections);
	json_decref(counts);
	return 500;
}

int pg_import_apply(struct req *r)
{
	long long id = req_arg_id(r, 0);

	if (id == 0)
		return 404;
	switch (db_import_apply(r->app->db, id, r->user->id, r->ip)) {
	case APPLY_DONE: return redirect(r, url(&r->arena, U_ADMIN_IMPORT_ID, id));
	case APPLY_NO_IMPORT: return fail(r, 404, "Такого импорта нет.");
	case APPLY_ALREADY: return fail(r, 409, "Этот импорт уже применён: повторное применение ничего не меняет.");
	case APPLY_STALE:
		return fail(r, 409,
			    "Реестр изменился после предварительного просмотра, поэтому импорт не применён. "
			    "Загрузите файл заново и проверьте новый просмотр.");
	default: return 500;
	}
}
