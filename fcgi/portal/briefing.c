/* The briefing journal: organisers publish briefings to a region's organisations, people acknowledge them,
 * the journal lists who did and who did not (page, XLSX, PDF). */
#include <string.h>

#include "portal.h"

#define TARGETS_MAX 190 /* chosen ids of one kind: the request holds at most 200 fields */
#define FILES_MAX   10

static const char *const target_fields[BK__MAX] = {"district_id", "sector_id", "organization_id"};

static const struct export_col journal_cols[] = {
	{"n", "№", EX_INT, 5},
	{"full_name", "ФИО", EX_TEXT, 32},
	{"position", "Должность", EX_TEXT, 24},
	{"organization", "Организация", EX_TEXT, 36},
	{"district", "Район", EX_TEXT, 20},
	{"acked_at", "Дата ознакомления", EX_DATE, 17},
};

/* Who may publish briefings to the people of a region (region_id -1: of some region): its organisers and
 * administrators. Whom they may address, and whose journals they read, their grants' districts and sectors
 * narrow (author_covers, briefing_covers). The one place that decides it: another role (an organisation's head)
 * is added here and there. */
static int briefing_manager(const struct req *r, long long region_id)
{
	return auth_has(r, ROLE_ORGANIZER, region_id, -1);
}

struct author {
	const struct req *r;
	long long region_id;
};

/* Whether the author's organiser grants cover the organisations of a district and sector of their region. */
static int author_covers(const void *p, long long district_id, long long sector_id)
{
	const struct author *a = p;
	char sector[24];

	snprintf(sector, sizeof(sector), "%lld", sector_id);
	return auth_covers(a->r, ROLE_ORGANIZER, a->region_id, district_id, sector);
}

/* Whether the user manages briefing id of region_id: an organiser of the region whose grants cover every
 * organisation it addresses (an organiser of one district does not read the journal of another's people).
 * Returns 1, 0, or -1 on database failure. */
static int briefing_covers(struct req *r, long long id, long long region_id)
{
	struct author who = {r, region_id};
	json_t *rows, *row;
	size_t i;
	int ok = 1;

	if (!briefing_manager(r, region_id))
		return 0;
	if ((rows = db_briefing_scopes(r->app->db, &r->arena, id)) == NULL)
		return -1;
	json_array_foreach (rows, i, row)
		if (!author_covers(&who, (long long)json_integer_value(json_object_get(row, "district_id")),
				   (long long)json_integer_value(json_object_get(row, "sector_id")))) {
			ok = 0;
			break;
		}
	json_decref(rows);
	return ok;
}

/* Loads briefing id (from the path) as the user sees it. Returns 0, or the status to return (404 none, 500). */
static int briefing_load(struct req *r, struct briefing *b)
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0 || (rc = db_briefing_get(r->app->db, &r->arena, id, r->user->id, b)) == 0)
		return fail(r, 404, "Такого инструктажа нет.");
	return rc == -1 ? 500 : 0;
}

/* Briefing id for its manager. Returns 0, or the status to return (404, 403, 500). */
static int briefing_managed(struct req *r, struct briefing *b)
{
	int rc;

	if ((rc = briefing_load(r, b)) != 0)
		return rc;
	if ((rc = briefing_covers(r, b->id, b->region_id)) == -1)
		return 500;
	if (rc == 0)
		return fail(
			r, 403,
			"Журнал этого инструктажа ведут организаторы его региона, в чьи районы и направления входят "
			"все его адресаты.");
	return 0;
}

/* Briefing id for a person of its audience or its manager. Returns 0, or the status to return. */
static int briefing_readable(struct req *r, struct briefing *b)
{
	int rc;

	if ((rc = briefing_load(r, b)) != 0)
		return rc;
	if (b->addressed)
		return 0;
	if ((rc = briefing_covers(r, b->id, b->region_id)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 403, "Этот инструктаж адресован сотрудникам других организаций.");
	return 0;
}

/* The briefing's files with their download addresses; NULL on failure. */
static json_t *files_view(struct req *r, long long id)
{
	json_t *rows = db_briefing_files(r->app->db, &r->arena, id), *row;
	size_t i;

	json_array_foreach (rows, i, row)
		json_object_set_new(row, "href",
				    json_string(url(&r->arena, U_BRIEFINGS_ID_FILES_FID, id,
						    (long long)json_integer_value(json_object_get(row, "id")))));
	return rows;
}

/* {title, body, date, author, files} of a briefing; NULL on failure. */
static json_t *briefing_view(struct req *r, const struct briefing *b)
{
	json_t *files = files_view(r, b->id);

	if (files == NULL)
		return NULL;
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)b->id, "title", b->title, "body", b->body,
			 "date", date_ru(&r->arena, b->created_at, 0), "author", b->author, "files", files);
}

/* Adds url (pattern with the row's id), date and ack (the acknowledgement's date and time) to each row of a
 * list of briefings. */
static json_t *list_view(struct req *r, json_t *rows, const char *pattern)
{
	json_t *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		json_object_set_new(row, "url", url_row(&r->arena, pattern, row));
		json_object_set_new(
			row, "date",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(row, "created_at")), 0)));
		json_object_set_new(
			row, "ack",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(row, "acked_at")), 1)));
	}
	return rows;
}

int briefings_set(struct req *r, json_t *ctx)
{
	json_t *rows = db_briefings_of_person(r->app->db, &r->arena, r->user->id), *waiting, *acked, *row;
	size_t i;

	if (rows == NULL)
		return -1;
	waiting = json_array();
	acked = json_array();
	json_array_foreach (list_view(r, rows, U_BRIEFINGS_ID), i, row) {
		int done = !json_is_null(json_object_get(row, "acked_at"));
		if (!done)
			json_object_set_new(row, "ack_url", url_row(&r->arena, U_BRIEFINGS_ID_ACK, row));
		json_array_append(done ? acked : waiting, row);
	}
	json_decref(rows);
	json_object_set_new(ctx, "briefings_waiting", waiting);
	json_object_set_new(ctx, "briefings_acked", acked);
	return 0;
}

int pg_briefings_manage(struct req *r)
{
	json_t *all, *mine, *row;
	size_t i;

	if (!briefing_manager(r, -1))
		return fail(r, 403, "Инструктажи публикуют организаторы.");
	if ((all = db_briefings_all(r->app->db, &r->arena)) == NULL)
		return 500;
	mine = json_array();
	json_array_foreach (all, i, row) {
		int rc = briefing_covers(r, (long long)json_integer_value(json_object_get(row, "id")),
					 (long long)json_integer_value(json_object_get(row, "region_id")));
		if (rc == -1) {
			json_decref(all);
			json_decref(mine);
			return 500;
		}
		if (rc == 1)
			json_array_append(mine, row);
	}
	json_decref(all);
	return page(r, "manage-briefings",
		    json_pack("{s:s, s:o}", "title", "Инструктажи", "briefings",
			      list_view(r, mine, U_MANAGE_BRIEFINGS_ID)));
}

/* Whether id is among the values of a repeated field. */
static int chosen(const char *const *vals, size_t n, long long id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strtoll(vals[i], NULL, 10) == id)
			return 1;
	return 0;
}

/* Marks each {id} of rows that the repeated field name holds as "checked". */
static json_t *mark_chosen(struct req *r, json_t *rows, const char *name)
{
	const char *vals[TARGETS_MAX];
	size_t n = req_params(r, name, vals, TARGETS_MAX), i;
	json_t *row;

	json_array_foreach (rows, i, row)
		json_object_set_new(
			row, "checked",
			json_boolean(chosen(vals, n, (long long)json_integer_value(json_object_get(row, "id")))));
	return rows;
}

/* The region's organisations grouped by district for the picker: [{district, orgs: [{id, short_name,
 * checked}]}]; NULL on failure. */
static json_t *org_groups(struct req *r, long long region_id)
{
	json_t *orgs = db_region_organizations(r->app->db, &r->arena, region_id), *groups, *g = NULL, *o;
	const char *last = "";
	size_t i;

	if (orgs == NULL)
		return NULL;
	groups = json_array();
	json_array_foreach (mark_chosen(r, orgs, "organization_id"), i, o) {
		const char *d = json_string_value(json_object_get(o, "district"));
		if (g == NULL || strcmp(d, last) != 0) {
			g = json_pack("{s:s, s:[]}", "district", d, "orgs");
			json_array_append_new(groups, g);
			last = d;
		}
		json_array_append(json_object_get(g, "orgs"), o);
	}
	json_decref(orgs);
	return groups;
}

/* Keeps the rows {id} of a district list (sector 0) or of a sector list (district 0) that the user's organiser
 * grants cover in region: what the picker offers. */
static json_t *covered(struct req *r, json_t *rows, long long region, int sectors)
{
	json_t *mine = json_array(), *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		long long id = (long long)json_integer_value(json_object_get(row, "id"));
		if (sectors ? auth_covers(r, ROLE_ORGANIZER, region, -1, arena_printf(&r->arena, "%lld", id))
			    : auth_covers(r, ROLE_ORGANIZER, region, id, NULL))
			json_array_append(mine, row);
	}
	json_decref(rows);
	return mine;
}

/* The form of a new briefing: the regions the user may address, and for the chosen one its districts,
 * sectors and organisations, with what was sent checked. */
static int new_page(struct req *r, int status, const char *error)
{
	json_t *regions = db_regions(r->app->db, &r->arena), *mine, *row, *ctx;
	long long region = req_int(r, "region_id", 0);
	size_t i;

	if (regions == NULL)
		return 500;
	mine = json_array();
	json_array_foreach (regions, i, row) {
		long long id = (long long)json_integer_value(json_object_get(row, "id"));
		if (briefing_manager(r, id)) {
			json_object_set_new(row, "selected", json_boolean(id == region));
			json_array_append(mine, row);
		}
	}
	json_decref(regions);
	if (region == 0 && json_array_size(mine) == 1)
		region = (long long)json_integer_value(json_object_get(json_array_get(mine, 0), "id"));
	ctx = json_pack("{s:s, s:o, s:s?, s:{s:s?, s:s?}}", "title", "Новый инструктаж", "regions", mine, "error",
			error, "form", "title", req_param(r, "title"), "body", req_param(r, "body"));
	if (region > 0) {
		json_t *d = db_districts(r->app->db, &r->arena, region), *s = db_sectors(r->app->db, &r->arena),
		       *o = org_groups(r, region);
		if (d == NULL || s == NULL || o == NULL) {
			json_decref(d);
			json_decref(s);
			json_decref(o);
			json_decref(ctx);
			return 500;
		}
		json_object_set_new(ctx, "region",
				    json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)region, "districts",
					      mark_chosen(r, covered(r, d, region, 0), "district_id"), "sectors",
					      mark_chosen(r, covered(r, s, region, 1), "sector_id"), "org_groups", o));
	}
	page(r, "manage-briefing-new", ctx);
	return status;
}

int pg_briefing_new(struct req *r)
{
	long long region = req_int(r, "region_id", 0);

	if (!briefing_manager(r, region > 0 ? region : -1))
		return fail(r, 403, "Инструктажи публикуют организаторы своего региона.");
	return new_page(r, 200, NULL);
}

/* The ids sent in the repeated field name, in the arena (*out); returns how many. */
static size_t take_ids(struct req *r, const char *name, const long long **out)
{
	const char *vals[TARGETS_MAX];
	size_t n = req_params(r, name, vals, TARGETS_MAX), i;
	long long *ids = arena_alloc(&r->arena, (n ? n : 1) * sizeof(*ids));

	for (i = 0; i < n; i++)
		ids[i] = strtoll(vals[i], NULL, 10);
	*out = ids;
	return n;
}

int pg_briefing_create(struct req *r)
{
	struct briefing_new b = {0};
	struct briefing_file_new files[FILES_MAX];
	struct upload ups[FILES_MAX];
	const struct kv *parts[FILES_MAX];
	size_t i, k, nparts = 0, nchosen = 0;
	const char *why;
	long long id;
	int rc;

	b.region_id = req_int(r, "region_id", 0);
	if (b.region_id == 0)
		return new_page(r, 400, "Выберите регион.");
	if (!briefing_manager(r, b.region_id))
		return fail(r, 403, "Инструктажи публикуют организаторы своего региона.");
	b.created_by = r->user->id;
	b.covers = author_covers;
	b.author = &(struct author){r, b.region_id};
	b.title = req_param(r, "title");
	b.body = req_param(r, "body");
	if (b.title == NULL || b.body == NULL)
		return new_page(r, 400, "Укажите название и текст инструктажа.");
	for (k = 0; k < BK__MAX; k++)
		nchosen += b.nids[k] = take_ids(r, target_fields[k], &b.ids[k]);
	if (nchosen == 0)
		return new_page(r, 400, "Выберите, кому адресован инструктаж: районы, направления или организации.");
	for (i = 0; i < r->nparams; i++) {
		const struct kv *p = &r->params[i];
		if (strcmp(p->key, "attachment") != 0)
			continue;
		if (nparts == FILES_MAX)
			return new_page(r, 400, "К инструктажу можно приложить не больше 10 файлов.");
		parts[nparts] = p;
		if ((rc = upload_check(r, p, &ups[nparts], &why)) != 0)
			return new_page(r, rc, arena_printf(&r->arena, "Файл «%s»: %s", p->filename, why));
		nparts++;
	}
	/* Files are stored by content only once all were accepted; a refused choice below leaves their bytes
	 * unreferenced on disk, as a deleted material does. */
	for (i = 0; i < nparts; i++) {
		if (upload_save(r, parts[i], &ups[i]) != 0)
			return 500;
		files[i] = (struct briefing_file_new){ups[i].sha256, ups[i].file_name, ups[i].mime, ups[i].size};
	}
	b.files = files;
	b.nfiles = nparts;
	switch (db_briefing_publish(r->app->db, &b, &id)) {
	case BRIEFING_PUBLISHED: break;
	case BRIEFING_FOREIGN:
		return new_page(r, 400, "Выбранные районы или организации не относятся к этому региону.");
	case BRIEFING_OUTSIDE:
		return new_page(
			r, 403,
			"Среди адресатов есть организации вне ваших районов или направлений: выберите свои районы, "
			"направления или организации.");
	case BRIEFING_NOBODY:
		return new_page(r, 400,
				"В регионе нет организаций, подходящих под выбор: измените районы, направления или "
				"организации.");
	default: return 500;
	}
	audit(r, "briefing.publish", "briefing", id, arena_printf(&r->arena, "region=%lld", b.region_id));
	return redirect(r, url(&r->arena, U_MANAGE_BRIEFINGS_ID, id));
}

/* "районы: Усманский район; направления: Образование" from the author's choice; NULL on failure. */
static const char *audience_text(struct req *r, long long id)
{
	json_t *rows = db_briefing_targets(r->app->db, &r->arena, id), *row;
	struct buf out = {0};
	const char *last = "", *text;
	size_t i, k;

	if (rows == NULL)
		return NULL;
	json_array_foreach (rows, i, row) {
		const char *kind = json_string_value(json_object_get(row, "kind"));
		if (strcmp(kind, last) != 0) {
			for (k = 0; k < BK__MAX && strcmp(briefing_kind_codes[k], kind) != 0; k++)
				;
			buf_addf(&out, "%s%s: ", i ? "; " : "", k < BK__MAX ? briefing_kind_names[k] : kind);
			last = kind;
		} else
			buf_adds(&out, ", ");
		buf_adds(&out, json_string_value(json_object_get(row, "name")));
	}
	json_decref(rows);
	text = arena_strndup(&r->arena, out.p ? out.p : "", out.len);
	buf_free(&out);
	return text;
}

int pg_briefing_manage(struct req *r)
{
	struct briefing b;
	json_t *view, *summary, *row;
	json_int_t people = 0, acked = 0;
	const char *audience;
	size_t i, norgs;
	int rc;

	if ((rc = briefing_managed(r, &b)) != 0)
		return rc;
	if ((audience = audience_text(r, b.id)) == NULL ||
	    (summary = db_briefing_summary(r->app->db, &r->arena, b.id)) == NULL)
		return 500;
	json_array_foreach (summary, i, row) {
		people += json_integer_value(json_object_get(row, "people"));
		acked += json_integer_value(json_object_get(row, "acked"));
	}
	norgs = json_array_size(summary);
	json_decref(summary);
	if ((view = briefing_view(r, &b)) == NULL)
		return 500;
	json_object_set_new(view, "audience", json_string(audience));
	json_object_set_new(view, "organizations", json_integer((json_int_t)norgs));
	json_object_set_new(view, "people", json_integer(people));
	json_object_set_new(view, "acked", json_integer(acked));
	json_object_set_new(view, "link", json_string(url(&r->arena, U_BRIEFINGS_ID, b.id)));
	json_object_set_new(view, "journal_url", json_string(url(&r->arena, U_MANAGE_BRIEFINGS_ID_JOURNAL, b.id)));
	return page(r, "manage-briefing", json_pack("{s:s, s:o}", "title", b.title, "briefing", view));
}

/* The journal's rows numbered; 0 or the status to return. */
static int journal_rows(struct req *r, struct briefing *b, json_t **rows)
{
	json_t *row;
	size_t i;
	int rc;

	if ((rc = briefing_managed(r, b)) != 0)
		return rc;
	if ((*rows = db_briefing_journal(r->app->db, &r->arena, b->id)) == NULL)
		return 500;
	json_array_foreach (*rows, i, row)
		json_object_set_new(row, "n", json_integer((json_int_t)i + 1));
	return 0;
}

int pg_briefing_journal(struct req *r)
{
	struct briefing b;
	json_t *rows, *summary, *row, *ids;
	size_t i;
	int rc;

	if ((rc = journal_rows(r, &b, &rows)) != 0)
		return rc;
	if ((summary = db_briefing_summary(r->app->db, &r->arena, b.id)) == NULL) {
		json_decref(rows);
		return 500;
	}
	json_array_foreach (rows, i, row)
		json_object_set_new(
			row, "ack",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(row, "acked_at")), 1)));
	/* The journal lists people: the view is on record in the access journal. */
	ids = access_ids(rows, "person_id");
	rc = access_record(r, "briefing.journal.view", "briefing", b.id, NULL, ids);
	json_decref(ids);
	if (rc == -1) {
		json_decref(rows);
		json_decref(summary);
		return 500;
	}
	return page(r, "manage-briefing-journal",
		    json_pack("{s:s, s:{s:I, s:s, s:s}, s:o, s:o, s:s, s:s}", "title", "Журнал инструктажа", "briefing",
			      "id", (json_int_t)b.id, "title", b.title, "manage_url",
			      url(&r->arena, U_MANAGE_BRIEFINGS_ID, b.id), "summary", summary, "rows", rows, "xlsx_url",
			      url(&r->arena, U_MANAGE_BRIEFINGS_ID_JOURNAL_XLSX, b.id), "pdf_url",
			      url(&r->arena, U_MANAGE_BRIEFINGS_ID_JOURNAL_PDF, b.id)));
}

static int journal_file(struct req *r, enum download_format f)
{
	struct briefing b;
	json_t *rows;
	int rc;

	if ((rc = journal_rows(r, &b, &rows)) != 0)
		return rc;
	rc = download_send(r, f,
			   &(struct download){"Журнал", arena_printf(&r->arena, "Журнал инструктажа: %s", b.title),
					      journal_cols, NELEM(journal_cols), rows, "briefing.journal.export",
					      "briefing", b.id, NULL, arena_printf(&r->arena, "briefing-%lld", b.id), 0,
					      "person_id"});
	json_decref(rows);
	return rc;
}

int pg_briefing_journal_xlsx(struct req *r)
{
	return journal_file(r, DL_XLSX);
}

int pg_briefing_journal_pdf(struct req *r)
{
	return journal_file(r, DL_PDF);
}

int pg_briefing(struct req *r)
{
	struct briefing b;
	json_t *view;
	int rc;

	if ((rc = briefing_readable(r, &b)) != 0)
		return rc;
	if ((view = briefing_view(r, &b)) == NULL)
		return 500;
	json_object_set_new(view, "addressed", json_boolean(b.addressed));
	json_object_set_new(view, "ack", b.acked_at ? json_string(date_ru(&r->arena, b.acked_at, 1)) : json_null());
	json_object_set_new(view, "ack_url",
			    b.addressed && !b.acked_at ? json_string(url(&r->arena, U_BRIEFINGS_ID_ACK, b.id))
						       : json_null());
	return page(r, "briefing", json_pack("{s:s, s:o}", "title", b.title, "briefing", view));
}

int pg_briefing_ack(struct req *r)
{
	struct briefing b;
	const char *next;
	int rc;

	if ((rc = briefing_load(r, &b)) != 0)
		return rc;
	if (!b.addressed)
		return fail(r, 403, "Этот инструктаж адресован сотрудникам других организаций.");
	if ((rc = db_briefing_ack(r->app->db, b.id, r->user->id, r->ip)) == -1)
		return 500;
	if (rc == 1)
		audit(r, "briefing.ack", "briefing", b.id, NULL);
	/* next: the cabinet's button comes back to the cabinet. */
	next = req_param(r, "next");
	return redirect(r, next ? next : url(&r->arena, U_BRIEFINGS_ID, b.id));
}

int pg_briefing_file(struct req *r)
{
	struct briefing b;
	struct briefing_file f;
	int rc;

	if ((rc = briefing_readable(r, &b)) != 0)
		return rc;
	if ((rc = db_briefing_file_get(r->app->db, &r->arena, b.id, req_arg_id(r, 1), &f)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого файла нет.");
	return upload_send(r, f.sha256, f.mime, f.file_name);
}
