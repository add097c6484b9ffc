/* Seminar materials: the organiser's list, uploads and links, deletion; downloads after the access check; the
 * upload and download of such files, shared with the briefings' attachments. */
#include <string.h>

#include "portal.h"

#define NAME_MAX_CP  200                 /* the original name kept for the download */
#define MATERIAL_MAX (50L * 1024 * 1024) /* material_max: the default size cap of a file */

static const char *visibility_name(const char *code)
{
	int i;

	for (i = 0; i < VIS__MAX; i++)
		if (strcmp(visibility_codes[i], code) == 0)
			return visibility_names[i];
	return code;
}

/* "1,5 МБ", "320 КБ". */
static const char *size_ru(struct arena *a, long long n)
{
	if (n >= 1024 * 1024)
		return arena_printf(a, "%lld,%lld МБ", n / (1024 * 1024), n % (1024 * 1024) * 10 / (1024 * 1024));
	return arena_printf(a, "%lld КБ", (n + 1023) / 1024);
}

/* Adds to each material of rows its download address, the name of its visibility and its size in words. */
static json_t *materials_view(struct req *r, json_t *rows)
{
	json_t *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		json_t *size = json_object_get(row, "size");
		json_object_set_new(row, "href", url_row(&r->arena, U_MATERIALS_ID, row));
		json_object_set_new(
			row, "visibility_name",
			json_string(visibility_name(json_string_value(json_object_get(row, "visibility")))));
		json_object_set_new(row, "size_text",
				    json_is_integer(size) ? json_string(size_ru(&r->arena, json_integer_value(size)))
							  : json_null());
	}
	return rows;
}

int materials_set(struct req *r, json_t *ctx, long long seminar_id)
{
	long long person = r->user ? r->user->id : 0;
	json_t *rows = seminar_id > 0 ? db_materials_visible(r->app->db, &r->arena, seminar_id, person)
				      : db_materials_of_person(r->app->db, &r->arena, person);

	if (rows == NULL)
		return -1;
	json_object_set_new(ctx, "materials", materials_view(r, rows));
	return 0;
}

static int materials_page(struct req *r, const struct seminar *s, int status, const char *error)
{
	json_t *rows = db_materials_all(r->app->db, &r->arena, s->id), *vis, *row;
	const char *v = req_param(r, "visibility");
	size_t i;

	if (rows == NULL)
		return 500;
	json_array_foreach (materials_view(r, rows), i, row)
		json_object_set_new(row, "delete_url",
				    json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_MATERIALS_MID_DELETE, s->id,
						    (long long)json_integer_value(json_object_get(row, "id")))));
	vis = json_array();
	for (i = 0; i < VIS__MAX; i++)
		json_array_append_new(
			vis, json_pack("{s:s, s:s}", "value", visibility_codes[i], "name", visibility_names[i]));
	page(r, "manage-materials",
	     json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:o, s:o, s:s?, s:i, s:{s:s?, s:s, s:s?}}", "title",
		       "Материалы семинара", "seminar", "id", (json_int_t)s->id, "title", s->title, "manage_url",
		       url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "action",
		       url(&r->arena, U_MANAGE_SEMINARS_ID_MATERIALS, s->id), "materials", rows, "visibilities", vis,
		       "error", error, "max_mb",
		       (int)(config_int(&r->app->cfg, "material_max", MATERIAL_MAX) / (1024 * 1024)), "form", "title",
		       req_param(r, "title"), "visibility", v ? v : visibility_codes[VIS_REGISTERED], "link",
		       req_param(r, "link")));
	return status;
}

int pg_materials(struct req *r)
{
	struct seminar s;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	return materials_page(r, &s, 200, NULL);
}

int pg_material_add(struct req *r)
{
	const struct kv *f = req_file(r, "material");
	struct material_new m = {0};
	struct seminar s;
	struct upload u;
	const char *why;
	long long id;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	m.seminar_id = s.id;
	m.created_by = r->user->id;
	m.title = req_param(r, "title");
	m.visibility = req_param(r, "visibility");
	m.url = req_param(r, "link");
	if (m.title == NULL || m.visibility == NULL)
		return materials_page(r, &s, 400, "Укажите название материала и кому он доступен.");
	if ((f == NULL) == (m.url == NULL))
		return materials_page(r, &s, 400, "Выберите файл или укажите ссылку — что-то одно.");
	if (f != NULL) {
		if ((rc = upload_check(r, f, &u, &why)) != 0)
			return materials_page(r, &s, rc, why);
		if (upload_save(r, f, &u) != 0)
			return 500;
		m.sha256 = u.sha256;
		m.mime = u.mime;
		m.size = u.size;
		m.file_name = u.file_name;
	}
	if ((id = db_material_add(r->app->db, &m)) == -1)
		return 500;
	audit(r, "material.add", "seminar", s.id, arena_printf(&r->arena, "material=%lld", id));
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID_MATERIALS, s.id));
}

int pg_material_delete(struct req *r)
{
	struct seminar s;
	long long mid = req_arg_id(r, 1);
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rc = db_material_delete(r->app->db, s.id, mid)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого материала нет.");
	audit(r, "material.delete", "seminar", s.id, arena_printf(&r->arena, "material=%lld", mid));
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID_MATERIALS, s.id));
}

int pg_material(struct req *r)
{
	struct material m;
	int rc;

	if ((rc = db_material_get(r->app->db, &r->arena, req_arg_id(r, 0), r->user ? r->user->id : 0, &m)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого материала нет.");
	if (!m.allowed && (rc = auth_organizes(r, m.seminar_id)) != 1) {
		if (rc == -1)
			return 500;
		if (r->user == NULL)
			return fail(r, 401, "Войдите, чтобы открыть этот материал.");
		return fail(
			r, 403,
			arena_printf(&r->arena, "Этот материал доступен только %s.", visibility_name(m.visibility)));
	}
	if (db_material_count(r->app->db, m.id) == -1)
		return 500;
	if (m.url != NULL)
		return redirect(r, m.url);
	return upload_send(r, m.sha256, m.mime, m.file_name);
}

int upload_check(struct req *r, const struct kv *f, struct upload *u, const char **why)
{
	long max = config_int(&r->app->cfg, "material_max", MATERIAL_MAX);
	enum files_kind k;

	if (f->len > (size_t)max) {
		*why = arena_printf(&r->arena, "Файл больше %ld МБ: загрузите файл поменьше.", max / (1024 * 1024));
		return 413;
	}
	if ((k = files_sniff(f->val, f->len, why)) == FK__MAX)
		return 415;
	u->mime = files_mime[k];
	u->size = (long long)f->len;
	u->file_name = files_name(&r->arena, f->filename, NAME_MAX_CP, files_ext[k]);
	return 0;
}

int upload_save(struct req *r, const struct kv *f, struct upload *u)
{
	return files_store(files_dir(&r->app->cfg), f->val, f->len, u->sha256) == 1 ? 0 : -1;
}

int upload_send(struct req *r, const char *sha256, const char *mime, const char *file_name)
{
	return resp_accel(r, files_path(&r->arena, FILES_URI, sha256), mime, "attachment", file_name);
}
