/* Certificate templates: the organisers' list and upload, preview PDF, the clean SVG, archiving, builtin files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs.h"

/* ---- the worker's cache of compiled templates, least recently used out first */

#define CACHE_N 8 /* an uploaded template is at most 2 MB: the cache stays within a worker's memory budget */

static struct {
	long long id;
	struct cert_tmpl *t;
	unsigned long used;
} cache[CACHE_N];
static unsigned long cache_clock;

/* Takes t into the cache (evicting the least recently used entry). */
static const struct cert_tmpl *cache_add(long long id, struct cert_tmpl *t)
{
	size_t i, victim = 0;

	for (i = 1; i < CACHE_N; i++)
		if (cache[i].used < cache[victim].used)
			victim = i;
	cert_free(cache[victim].t);
	cache[victim].id = id;
	cache[victim].t = t;
	cache[victim].used = ++cache_clock;
	return t;
}

const struct cert_tmpl *certs_template(struct db *db, struct arena *a, long long id)
{
	struct cert_template_row row;
	struct cert_tmpl *t;
	char why[CERT_WHY];
	size_t i;

	for (i = 0; i < CACHE_N; i++)
		if (cache[i].t != NULL && cache[i].id == id) {
			cache[i].used = ++cache_clock;
			return cache[i].t;
		}
	if (db_cert_template_get(db, a, id, 1, &row) != 1)
		return NULL;
	if ((t = cert_compile(row.svg, strlen(row.svg), why)) == NULL) {
		log_msg(LOG_ERROR, NULL, "certs: template %lld cannot be compiled: %s", id, why);
		return NULL;
	}
	return cache_add(id, t);
}

/* ---- builtin templates */

static int svg_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && n <= 64 && e->d_name[0] != '.' && strcmp(e->d_name + n - 4, ".svg") == 0;
}

/* Reads a file of at most max bytes into b. Returns 0, or -1 when it cannot be read or is bigger. */
static int read_file(const char *path, size_t max, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len <= max)
		buf_add(b, chunk, n);
	fclose(f);
	return b->len <= max ? 0 : -1;
}

static void sync_one(struct app *a, const char *dir, const char *file)
{
	struct buf raw = {0}, clean = {0};
	struct cert_tmpl *t = NULL;
	char why[CERT_WHY] = "";
	char *path;
	long long id;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		abort();
	if (read_file(path, CERT_SVG_MAX, &raw) == -1)
		snprintf(why, sizeof(why), "cannot be read or is too big");
	else if (cert_sanitize(&clean, raw.p, raw.len, why) == 0 && (t = cert_compile(clean.p, clean.len, why))) {
		id = db_cert_template_builtin(a->db, file, cert_title(t) ? cert_title(t) : file, clean.p);
		if (id > 0)
			log_msg(LOG_INFO, NULL, "certs: builtin template %s is template %lld", file, id);
		else
			snprintf(why, sizeof(why), "cannot be stored");
	}
	if (why[0] != '\0')
		log_msg(LOG_ERROR, NULL, "certs: builtin template %s: %s", path, why);
	cert_free(t);
	buf_free(&raw);
	buf_free(&clean);
	free(path);
}

void certs_templates_sync(struct app *a)
{
	struct dirent **list;
	char *dir;
	int i, n;

	if (asprintf(&dir, "%s/certificates", config_get(&a->cfg, "templates", "templates")) < 0)
		abort();
	if ((n = scandir(dir, &list, svg_file, alphasort)) < 0)
		log_msg(LOG_ERROR, NULL, "certs: no builtin templates in %s", dir);
	else if (!app_db(a))
		log_msg(LOG_ERROR, NULL, "certs: builtin templates not stored: no database");
	for (i = 0; i < n; i++) {
		if (a->db != NULL)
			sync_one(a, dir, list[i]->d_name);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	/* The workers open their own connections. */
	db_close(a->db);
	a->db = NULL;
	free(dir);
}

/* ---- pages */

/* Whether the user may use a template of this region (0: every region). */
static int may_use(const struct req *r, const struct cert_template_row *t)
{
	return t->region_id == 0 || auth_has(r, ROLE_ORGANIZER, t->region_id, -1) || t->owner_id == r->user->id;
}

/* Loads the template of the path for an organiser who may use it. Returns 0, or the status. */
static int template_of_path(struct req *r, struct cert_template_row *t, int with_svg)
{
	switch (db_cert_template_get(r->app->db, &r->arena, req_arg_id(r, 0), with_svg, t)) {
	case -1: return 500;
	case 0: return fail(r, 404, "Такого шаблона сертификата нет.");
	}
	if (!may_use(r, t))
		return fail(r, 403, "Этот шаблон сертификата принадлежит другому региону.");
	return 0;
}

/* Regions an upload may be given to: {id, name}; id 0 is every region (administrators and
 * organisers of all regions). NULL on failure. */
static json_t *upload_regions(struct req *r)
{
	json_t *all = db_regions(r->app->db, &r->arena), *out, *x;
	size_t i;

	if (all == NULL)
		return NULL;
	out = json_array();
	if (auth_has(r, ROLE_ORGANIZER, 0, -1))
		json_array_append_new(out, json_pack("{s:i, s:s}", "id", 0, "name", "Все регионы"));
	json_array_foreach (all, i, x)
		if (auth_has(r, ROLE_ORGANIZER, json_integer_value(json_object_get(x, "id")), -1))
			json_array_append(out, x);
	json_decref(all);
	return out;
}

/* The list page, with an error of the upload form when there is one. */
static int list_page(struct req *r, int status, const char *error)
{
	json_t *rows = db_cert_templates(r->app->db, &r->arena), *regions = upload_regions(r), *out, *x;
	size_t i;

	if (rows == NULL || regions == NULL) {
		json_decref(rows);
		json_decref(regions);
		return 500;
	}
	out = json_array();
	json_array_foreach (rows, i, x) {
		struct cert_template_row t = {.region_id = json_integer_value(json_object_get(x, "region_id")),
					      .owner_id = json_integer_value(json_object_get(x, "owner_id"))};
		long long id = json_integer_value(json_object_get(x, "id"));
		if (!may_use(r, &t))
			continue;
		json_array_append_new(
			out,
			json_pack("{s:I, s:O, s:b, s:O, s:s, s:s, s:s, s:s, s:s?}", "id", (json_int_t)id, "name",
				  json_object_get(x, "name"), "builtin", !json_is_null(json_object_get(x, "builtin")),
				  "owner_name", json_object_get(x, "owner_name"), "region_name",
				  json_is_null(json_object_get(x, "region_name"))
					  ? "все регионы"
					  : json_string_value(json_object_get(x, "region_name")),
				  "created", date_ru(&r->arena, json_string_value(json_object_get(x, "created_at")), 0),
				  "preview_url", url(&r->arena, U_CERTIFICATES_TEMPLATES_ID_PREVIEW_PDF, id), "svg_url",
				  url(&r->arena, U_CERTIFICATES_TEMPLATES_ID_SVG, id), "archive_url",
				  t.owner_id == r->user->id || auth_has(r, ROLE_ADMIN, 0, 0)
					  ? url(&r->arena, U_CERTIFICATES_TEMPLATES_ID_ARCHIVE, id)
					  : NULL));
	}
	json_decref(rows);
	page(r, "cert-templates",
	     json_pack("{s:s, s:o, s:o, s:b, s:s?, s:{s:s?, s:I}, s:i}", "title", "Шаблоны сертификатов", "templates",
		       out, "regions", regions, "region_choice", json_array_size(regions) > 1, "error", error, "form",
		       "name", req_param(r, "name"), "region_id", (json_int_t)req_int(r, "region_id", -1), "max_mb",
		       CERT_SVG_MAX / (1024 * 1024)));
	return status;
}

int pg_templates(struct req *r)
{
	return list_page(r, 200, NULL);
}

int pg_template_upload(struct req *r)
{
	const struct kv *file = req_file(r, "file");
	const char *name = req_param(r, "name");
	char why[CERT_WHY];
	long long region = req_int(r, "region_id", -1);
	struct buf clean = {0};
	struct cert_tmpl *t;
	long long id;
	json_t *regions;

	if (region == -1) {
		/* Without a choice on the form: the one region the organiser may give it to. */
		if ((regions = upload_regions(r)) == NULL)
			return 500;
		if (json_array_size(regions) == 1)
			region = json_integer_value(json_object_get(json_array_get(regions, 0), "id"));
		json_decref(regions);
	}
	if (name == NULL)
		return list_page(r, 400, "Укажите название шаблона.");
	if (file == NULL)
		return list_page(r, 400, "Выберите файл шаблона в формате SVG.");
	if (region < 0)
		return list_page(r, 400, "Выберите регион, организаторам которого будет доступен шаблон.");
	if (!auth_has(r, ROLE_ORGANIZER, region, -1))
		return list_page(r, 403, "Вы не можете загружать шаблоны для этого региона.");
	if (cert_sanitize(&clean, file->val, file->len, why) == -1)
		return list_page(r, file->len > CERT_SVG_MAX ? 413 : 400,
				 arena_printf(&r->arena, "Шаблон не принят. %s", why));
	if ((t = cert_compile(clean.p, clean.len, why)) == NULL) {
		buf_free(&clean);
		return list_page(r, 400, arena_printf(&r->arena, "Шаблон не принят. %s", why));
	}
	id = db_cert_template_create(r->app->db, name, clean.p, r->user->id, region, r->ip);
	buf_free(&clean);
	if (id < 0) {
		cert_free(t);
		return 500;
	}
	cache_add(id, t);
	return redirect(r, U_CERTIFICATES_TEMPLATES);
}

int pg_template_preview(struct req *r)
{
	struct cert_template_row row;
	const struct cert_tmpl *t;
	struct cert_values v = {
		.v =
			{
				[CF_FULL_NAME] = "Иванова Мария Петровна",
				[CF_FULL_NAME_DAT] = "Ивановой Марии Петровне",
				[CF_ORGANIZATION] = "МБОУ «Средняя общеобразовательная школа № 2 г. Усмани»",
				[CF_SEMINAR] = "Официальные страницы государственных учреждений в социальных сетях: "
					       "контент-план, ответы на комментарии и работа с обращениями граждан",
				[CF_DATES] = "12–13 ноября 2026 г.",
				[CF_HOURS] = "8",
				[CF_FORMAT] = "очно",
				[CF_NUMBER] = "48-2026-00017",
				[CF_ISSUED_ON] = "22 ноября 2026 г.",
				[CF_ISSUER] = "Центр управления регионом Липецкой области",
				[CF_SIGNATORY] = "Руководитель ЦУР А. А. Петров",
			},
	};
	int rc;

	if ((rc = template_of_path(r, &row, 0)) != 0)
		return rc;
	if ((t = certs_template(r->app->db, &r->arena, row.id)) == NULL)
		return 500;
	v.verify_url = arena_printf(&r->arena, "%s/certificates/verify/SAMPLE", r->app->base_url);
	if (cert_pdf(&r->body, t, &v) == -1)
		return 500;
	return resp_file(r, "inline", arena_printf(&r->arena, "template-%lld.pdf", row.id));
}

int pg_template_svg(struct req *r)
{
	struct cert_template_row row;
	int rc;

	if ((rc = template_of_path(r, &row, 1)) != 0)
		return rc;
	buf_adds(&r->body, row.svg);
	/* Sanitised already; opened on its own, it still may not run or fetch anything. */
	resp_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
	return resp_file(r, "inline", arena_printf(&r->arena, "template-%lld.svg", row.id));
}

int pg_template_archive(struct req *r)
{
	struct cert_template_row row;
	int rc;

	if ((rc = template_of_path(r, &row, 0)) != 0)
		return rc;
	if (row.owner_id != r->user->id && !auth_has(r, ROLE_ADMIN, 0, 0))
		return fail(r, 403, "Скрыть шаблон может только тот, кто его загрузил, или администратор.");
	if (db_cert_template_archive(r->app->db, row.id, r->user->id, r->ip) == -1)
		return 500;
	return redirect(r, U_CERTIFICATES_TEMPLATES);
}
