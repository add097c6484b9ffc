/* Organiser screens: my seminars, create and edit, status, sessions, participant lists and exports. */
#include <stdlib.h>
#include <string.h>

#include "portal.h"

static json_t *count_entry(struct arena *a, enum mode m, long long cap, long long confirmed, long long waiting,
			   long long cancelled)
{
	(void)a;
	return json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "mode_name", mode_names[m], "confirmed",
			 (json_int_t)confirmed, "waitlisted", (json_int_t)waiting, "cancelled", (json_int_t)cancelled,
			 "capacity", cap < 0 ? json_null() : json_integer(cap), "left",
			 cap < 0 ? json_null() : json_integer(cap > confirmed ? cap - confirmed : 0));
}

static int offers(const char *format, enum mode m)
{
	return strcmp(format, "hybrid") == 0 || strcmp(format, mode_codes[m]) == 0;
}

int pg_manage_list(struct req *r)
{
	json_t *rows, *row, *out;
	size_t i;

	if ((rows = db_manage_seminars(r->app->db, &r->arena)) == NULL)
		return 500;
	out = json_array();
	json_array_foreach (rows, i, row) {
		long long id = json_integer_value(json_object_get(row, "id"));
		const char *format = json_string_value(json_object_get(row, "format"));
		const char *status = json_string_value(json_object_get(row, "status"));
		json_t *co = json_object_get(row, "cap_online"), *counts = json_array();

		if (!auth_covers(r, ROLE_ORGANIZER, json_integer_value(json_object_get(row, "region_id")),
				 json_integer_value(json_object_get(row, "district_id")),
				 json_string_value(json_object_get(row, "sector_ids"))))
			continue;
		if (offers(format, MODE_IN_PERSON))
			json_array_append_new(
				counts, count_entry(&r->arena, MODE_IN_PERSON,
						    json_integer_value(json_object_get(row, "cap_in_person")),
						    json_integer_value(json_object_get(row, "in_person_confirmed")),
						    json_integer_value(json_object_get(row, "in_person_waitlisted")),
						    json_integer_value(json_object_get(row, "in_person_cancelled"))));
		if (offers(format, MODE_ONLINE))
			json_array_append_new(
				counts,
				count_entry(&r->arena, MODE_ONLINE, json_is_null(co) ? -1 : json_integer_value(co),
					    json_integer_value(json_object_get(row, "online_confirmed")),
					    json_integer_value(json_object_get(row, "online_waitlisted")),
					    json_integer_value(json_object_get(row, "online_cancelled"))));
		json_array_append_new(
			out,
			json_pack("{s:I, s:O, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)id, "title",
				  json_object_get(row, "title"), "manage_url", url(&r->arena, U_MANAGE_SEMINARS_ID, id),
				  "public_url", url(&r->arena, U_SEMINARS_ID, id), "participants_url",
				  url(&r->arena, U_MANAGE_SEMINARS_ID_PARTICIPANTS, id), "date",
				  date_ru(&r->arena, json_string_value(json_object_get(row, "starts_at")), 1), "status",
				  status, "status_name", seminar_status_name(status), "format_name",
				  format_name(format), "counts", counts));
	}
	json_decref(rows);
	return page(r, "manage-seminars",
		    json_pack("{s:s, s:s, s:o}", "title", "Мои семинары", "new_url", U_MANAGE_SEMINARS_NEW, "seminars",
			      out));
}

/* ---- the seminar form */

static const char *dt_in(struct arena *a, const char *v)
{
	/* "2026-12-01T10:00" from the form -> "2026-12-01 10:00:00" for the database. */
	return v ? arena_printf(a, "%.10s %.5s:00", v, v + 11) : NULL;
}

static json_t *dt_out(const char *sql)
{
	char buf[17];

	if (sql == NULL || strlen(sql) < 16)
		return json_null();
	memcpy(buf, sql, 16);
	buf[10] = 'T';
	buf[16] = '\0';
	return json_string(buf);
}

/* The form's sectors as "1,3" for auth_covers (arena). */
static const char *sector_list(struct req *r, const struct seminar_edit *e)
{
	const char *out = "";
	size_t i;

	for (i = 0; i < e->nsectors; i++)
		out = arena_printf(&r->arena, "%s%s%lld", out, i ? "," : "", e->sector_ids[i]);
	return out;
}

/* Keeps the items of list (objects with "id") for which keep(r, region, id) holds. */
static void keep_only(struct req *r, json_t *list, long long region, int (*keep)(struct req *, long long, long long))
{
	size_t i = 0;

	while (list != NULL && i < json_array_size(list)) {
		if (keep(r, region, json_integer_value(json_object_get(json_array_get(list, i), "id"))))
			i++;
		else
			json_array_remove(list, i);
	}
}

static int may_use_region(struct req *r, long long region, long long id)
{
	(void)region;
	return auth_covers(r, ROLE_ORGANIZER, id, -1, NULL);
}

static int may_use_district(struct req *r, long long region, long long id)
{
	return auth_covers(r, ROLE_ORGANIZER, region, id, NULL);
}

static int may_use_sector(struct req *r, long long region, long long id)
{
	return auth_covers(r, ROLE_ORGANIZER, region > 0 ? region : -1, -1, arena_printf(&r->arena, "%lld", id));
}

/* Reads and checks the form into e; returns a Russian message, or NULL when it is good. */
static const char *parse_edit(struct req *r, struct seminar_edit *e)
{
	const char *ids[8];
	json_t *districts;
	size_t i;

	e->title = req_param(r, "title");
	e->description = req_param(r, "description");
	e->format = req_param(r, "format");
	e->region_id = req_int(r, "region_id", 0);
	e->district_id = req_int(r, "district_id", 0);
	e->venue = req_param(r, "venue");
	e->address = req_param(r, "address");
	e->stream_url = req_param(r, "stream_url");
	e->reg_opens = dt_in(&r->arena, req_param(r, "reg_opens"));
	e->reg_closes = dt_in(&r->arena, req_param(r, "reg_closes"));
	e->hours = req_param(r, "hours");
	e->cap_in_person = req_int(r, "cap_in_person", 0);
	e->cap_online = req_int(r, "cap_online", -1);
	e->org_limit = req_int(r, "org_limit", 0);
	e->attendance_rule = req_param(r, "attendance_rule") ? req_param(r, "attendance_rule") : "either";
	e->online_min_percent = req_int(r, "online_min_percent", 80);
	e->untrained_first = req_param(r, "untrained_first") != NULL;
	e->nsectors = req_params(r, "sector_id", ids, 8);
	for (i = 0; i < e->nsectors; i++)
		e->sector_ids[i] = strtoll(ids[i], NULL, 10);
	if (e->title == NULL)
		return "Укажите название семинара.";
	if (e->description == NULL)
		return "Добавьте описание: о чём семинар и для кого он.";
	if (e->nsectors == 0)
		return "Выберите хотя бы одно направление.";
	if (e->format == NULL)
		return "Выберите формат проведения.";
	if (e->region_id == 0)
		return "Выберите регион.";
	if (!auth_has(r, ROLE_ORGANIZER, e->region_id, -1))
		return "Вы не можете проводить семинары в этом регионе.";
	if (!auth_covers(r, ROLE_ORGANIZER, e->region_id, e->district_id, sector_list(r, e)))
		return "Ваши права организатора не распространяются на выбранный район или направление.";
	if (strcmp(e->format, "online") != 0 && e->cap_in_person == 0)
		return "Укажите число мест для очного участия.";
	if (strcmp(e->format, "online") == 0)
		e->cap_in_person = 0;
	if (e->reg_opens && e->reg_closes && strcmp(e->reg_opens, e->reg_closes) >= 0)
		return "Начало записи должно быть раньше её окончания.";
	if (e->district_id > 0) {
		json_t *d;
		int found = 0;
		if ((districts = db_districts(r->app->db, &r->arena, e->region_id)) == NULL)
			return "Не удалось проверить район. Попробуйте ещё раз.";
		json_array_foreach (districts, i, d)
			found |= json_integer_value(json_object_get(d, "id")) == e->district_id;
		json_decref(districts);
		if (!found)
			return "Выбранный район не относится к выбранному региону.";
	}
	return NULL;
}

/* The form as typed, to show it again with a message. */
static json_t *form_from_request(struct req *r, long long id)
{
	static const char *const keys[] = {"title",   "description",     "format",    "venue",
					   "address", "stream_url",      "reg_opens", "reg_closes",
					   "hours",   "attendance_rule", NULL};
	static const char *const ints[] = {
		"region_id", "district_id", "cap_in_person", "cap_online", "org_limit", "online_min_percent", NULL};
	json_t *f = json_object(), *sectors = json_array();
	const char *ids[8];
	size_t i, n = req_params(r, "sector_id", ids, 8);

	for (i = 0; keys[i]; i++)
		json_object_set_new(f, keys[i],
				    req_param(r, keys[i]) ? json_string(req_param(r, keys[i])) : json_null());
	for (i = 0; ints[i]; i++)
		json_object_set_new(f, ints[i],
				    req_param(r, ints[i]) ? json_integer(req_int(r, ints[i], 0)) : json_null());
	for (i = 0; i < n; i++)
		json_array_append_new(sectors, json_integer(strtoll(ids[i], NULL, 10)));
	json_object_set_new(f, "sector_ids", sectors);
	json_object_set_new(f, "untrained_first", json_boolean(req_param(r, "untrained_first") != NULL));
	json_object_set_new(f, "id", id ? json_integer(id) : json_null());
	json_object_set_new(f, "action",
			    json_string(id ? url(&r->arena, U_MANAGE_SEMINARS_ID, id) : U_MANAGE_SEMINARS));
	return f;
}

static json_t *form_from_seminar(struct req *r, const struct seminar *s)
{
	json_t *ids = db_seminar_sector_ids(r->app->db, &r->arena, s->id), *sectors = json_array(), *x, *f;
	size_t i;

	json_array_foreach (ids, i, x)
		json_array_append(sectors, json_object_get(x, "id"));
	json_decref(ids);
	f = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:s?, s:s?, s:s?, s:I, s:o, s:o, s:o, s:s?, s:o, s:o}", "id",
		      (json_int_t)s->id, "action", url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "title", s->title,
		      "description", s->description, "format", s->format, "region_id", (json_int_t)s->region_id,
		      "district_id", s->district_id ? json_integer(s->district_id) : json_null(), "venue", s->venue,
		      "address", s->address, "stream_url", s->stream_url, "cap_in_person",
		      (json_int_t)s->cap[MODE_IN_PERSON], "cap_online",
		      s->cap[MODE_ONLINE] < 0 ? json_null() : json_integer(s->cap[MODE_ONLINE]), "reg_opens",
		      dt_out(s->reg_opens_at), "reg_closes", dt_out(s->reg_closes_at), "hours", s->hours, "org_limit",
		      s->org_limit ? json_integer(s->org_limit) : json_null(), "sector_ids", sectors);
	json_object_set_new(f, "attendance_rule", json_string(s->attendance_rule));
	json_object_set_new(f, "online_min_percent", json_integer(s->online_min_percent));
	json_object_set_new(f, "untrained_first", json_boolean(s->untrained_first));
	return f;
}

static json_t *counts_of(struct req *r, const struct seminar *s)
{
	json_t *rows = db_registration_counts(r->app->db, &r->arena, s->id), *row, *out = json_array();
	long long n[MODE__MAX][3] = {{0}};
	size_t i;
	int m;

	json_array_foreach (rows, i, row) {
		const char *mode = json_string_value(json_object_get(row, "mode"));
		const char *st = json_string_value(json_object_get(row, "status"));
		m = mode_of(mode);
		n[m][st[0] == 'c' && st[1] == 'o' ? 0
		     : st[0] == 'w'               ? 1
						  : 2] += json_integer_value(json_object_get(row, "n"));
	}
	json_decref(rows);
	for (m = 0; m < MODE__MAX; m++)
		if (seminar_offers(s, (enum mode)m))
			json_array_append_new(
				out, count_entry(&r->arena, (enum mode)m, s->cap[m], n[m][0], n[m][1], n[m][2]));
	return out;
}

static json_t *status_actions(const char *status)
{
	if (strcmp(status, "draft") == 0)
		return json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "value", "published", "label", "Опубликовать",
				 "danger", 0, "value", "cancelled", "label", "Отменить семинар", "danger", 1);
	if (strcmp(status, "published") == 0)
		return json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "value", "finished", "label", "Завершить",
				 "danger", 0, "value", "cancelled", "label", "Отменить семинар", "danger", 1);
	return json_array();
}

static int form_page(struct req *r, const struct seminar *s, json_t *form, int status, const char *error,
		     const char *notice)
{
	json_t *sectors = db_sectors(r->app->db, &r->arena), *x, *ids = json_object_get(form, "sector_ids"), *id;
	json_t *seminar = json_null(), *sessions = json_array(), *ctx;
	long long region = json_integer_value(json_object_get(form, "region_id"));
	size_t i, j;

	if (sectors == NULL) {
		json_decref(form);
		return 500;
	}
	json_array_foreach (sectors, i, x) {
		int on = 0;
		json_array_foreach (ids, j, id)
			on |= json_integer_value(id) == json_integer_value(json_object_get(x, "id"));
		json_object_set_new(x, "checked", json_boolean(on));
	}
	if (s != NULL) {
		json_t *rows = db_seminar_sessions(r->app->db, &r->arena, s->id), *row;
		json_array_foreach (rows, i, row) {
			const char *st = json_string_value(json_object_get(row, "starts_at"));
			const char *en = json_string_value(json_object_get(row, "ends_at"));
			long long sid = json_integer_value(json_object_get(row, "id"));
			json_array_append_new(
				sessions,
				json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)sid, "date",
					  date_ru(&r->arena, st, 0), "time",
					  arena_printf(&r->arena, "%.5s–%.5s", st + 11, en + 11), "delete_url",
					  url(&r->arena, U_MANAGE_SEMINARS_ID_SESSIONS_SID_DELETE, s->id, sid)));
		}
		json_decref(rows);
		seminar = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "status", s->status, "status_name",
			seminar_status_name(s->status), "public_url", url(&r->arena, U_SEMINARS_ID, s->id),
			"participants_url", url(&r->arena, U_MANAGE_SEMINARS_ID_PARTICIPANTS, s->id), "checkin_url",
			url(&r->arena, U_CHECKIN_ID, s->id), "journal_url", url(&r->arena, U_CHECKIN_ID_JOURNAL, s->id),
			"certificates_url", url(&r->arena, U_CERTIFICATES_SEMINARS_ID, s->id), "status_actions",
			status_actions(s->status), "status_url", url(&r->arena, U_MANAGE_SEMINARS_ID_STATUS, s->id),
			"sessions_url", url(&r->arena, U_MANAGE_SEMINARS_ID_SESSIONS, s->id), "counts",
			counts_of(r, s));
		json_object_set_new(seminar, "survey_url",
				    json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY, s->id)));
		json_object_set_new(seminar, "materials_url",
				    json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_MATERIALS, s->id)));
		json_object_set_new(seminar, "message_url",
				    json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_MESSAGE, s->id)));
		json_object_set_new(seminar, "invite_url",
				    json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_INVITE, s->id)));
		json_object_set_new(seminar, "notices_url",
				    json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_NOTICES, s->id)));
	}
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:o?, s:o?, s:o, s:o, s:s?, s:s?}", "title",
			s ? "Семинар: управление" : "Новый семинар", "form", form, "sectors", sectors, "formats",
			formats_json(), "regions", db_regions(r->app->db, &r->arena), "districts",
			region ? db_districts(r->app->db, &r->arena, region) : json_array(), "seminar", seminar,
			"sessions", sessions, "error", error, "notice", notice);
	if (json_object_get(ctx, "regions") == NULL || json_object_get(ctx, "districts") == NULL) {
		json_decref(ctx);
		return 500;
	}
	/* Only what the organiser's grants let them use is offered. */
	keep_only(r, json_object_get(ctx, "regions"), 0, may_use_region);
	keep_only(r, json_object_get(ctx, "districts"), region, may_use_district);
	keep_only(r, json_object_get(ctx, "sectors"), region, may_use_sector);
	json_object_set_new(ctx, "rules", rules_json());
	page(r, "manage-seminar", ctx);
	return status;
}

int pg_manage_new(struct req *r)
{
	size_t i;
	json_t *form;

	form = form_from_request(r, 0);
	/* Start in the organiser's own region. */
	for (i = 0; i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_ORGANIZER && r->user->grants[i].region_id > 0 &&
		    !req_param(r, "region_id")) {
			json_object_set_new(form, "region_id", json_integer(r->user->grants[i].region_id));
			break;
		}
	json_object_set_new(form, "format", json_string("in_person"));
	json_object_set_new(form, "attendance_rule", json_string("either"));
	json_object_set_new(form, "online_min_percent", json_integer(80));
	return form_page(r, NULL, form, 200, NULL, NULL);
}

int pg_manage_create(struct req *r)
{
	struct seminar_edit e = {0};
	const char *err;
	long long id;

	if ((err = parse_edit(r, &e)) != NULL)
		return form_page(r, NULL, form_from_request(r, 0), 400, err, NULL);
	e.organizer_id = r->user->id;
	if ((id = db_seminar_save(r->app->db, &e)) <= 0)
		return 500;
	audit(r, "seminar.create", "seminar", id, e.title);
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID, id));
}

int pg_manage_edit(struct req *r)
{
	struct seminar s;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	return form_page(r, &s, form_from_seminar(r, &s), 200, NULL, NULL);
}

int pg_manage_update(struct req *r)
{
	struct seminar s;
	struct seminar_edit e = {0};
	const char *err;
	long long id;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((err = parse_edit(r, &e)) != NULL)
		return form_page(r, &s, form_from_request(r, s.id), 400, err, NULL);
	e.id = s.id;
	e.organizer_id = s.organizer_id;
	if ((id = db_seminar_save(r->app->db, &e)) == -1)
		return 500;
	if (id == 0)
		return form_page(r, &s, form_from_request(r, s.id), 409,
				 "Нельзя сделать мест меньше, чем уже подтверждённых записей. Сначала отмените лишние "
				 "записи.",
				 NULL);
	audit(r, "seminar.update", "seminar", id, NULL);
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID, id));
}

int pg_manage_status(struct req *r)
{
	struct seminar s;
	const char *to = req_param(r, "status");
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (to == NULL)
		return fail_field(r, "status", "выберите действие");
	if ((rc = db_seminar_set_status(r->app->db, s.id, to)) == -1)
		return 500;
	if (rc == 0)
		return form_page(r, &s, form_from_seminar(r, &s), 409,
				 strcmp(to, "published") == 0 && strcmp(s.status, "draft") == 0
					 ? "Чтобы опубликовать семинар, добавьте хотя бы одно занятие."
					 : arena_printf(&r->arena, "Семинар в статусе «%s» нельзя перевести в «%s».",
							seminar_status_name(s.status), seminar_status_name(to)),
				 NULL);
	audit(r, "seminar.status", "seminar", s.id, to);
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID, s.id));
}

int pg_manage_session_add(struct req *r)
{
	struct seminar s;
	const char *date = req_param(r, "date"), *start = req_param(r, "start"), *end = req_param(r, "end");
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (date == NULL || start == NULL || end == NULL)
		return form_page(r, &s, form_from_seminar(r, &s), 400,
				 "Укажите дату, время начала и окончания занятия.", NULL);
	if (strcmp(start, end) >= 0)
		return form_page(r, &s, form_from_seminar(r, &s), 400,
				 "Занятие должно заканчиваться позже, чем начинается.", NULL);
	if (db_seminar_session_add(r->app->db, s.id, arena_printf(&r->arena, "%s %s:00", date, start),
				   arena_printf(&r->arena, "%s %s:00", date, end)) == -1)
		return 500;
	audit(r, "seminar.session.add", "seminar", s.id, arena_printf(&r->arena, "%s %s-%s", date, start, end));
	return redirect(r, arena_printf(&r->arena, "%s#sessions", url(&r->arena, U_MANAGE_SEMINARS_ID, s.id)));
}

int pg_manage_session_delete(struct req *r)
{
	struct seminar s;
	long long sid = req_arg_id(r, 1);
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rc = db_seminar_session_delete(r->app->db, s.id, sid)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого занятия нет.");
	audit(r, "seminar.session.delete", "seminar", s.id, arena_printf(&r->arena, "session=%lld", sid));
	return redirect(r, arena_printf(&r->arena, "%s#sessions", url(&r->arena, U_MANAGE_SEMINARS_ID, s.id)));
}

/* ---- participants */

static void participant_filter(struct req *r, struct participant_filter *f)
{
	f->q = req_param(r, "q");
	f->status = req_param(r, "status");
	f->mode = req_param(r, "mode");
	f->district_id = req_int(r, "district_id", 0);
	f->organization_id = req_int(r, "organization_id", 0);
}

/* Rows of the list with names, dates and the actions an organiser may take. */
static json_t *participants_view(struct req *r, const struct seminar *s, json_t *rows)
{
	json_t *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		const char *mode = json_string_value(json_object_get(row, "mode"));
		const char *st = json_string_value(json_object_get(row, "status"));
		long long id = json_integer_value(json_object_get(row, "id"));
		enum mode m = mode_of(mode), other = m == MODE_ONLINE ? MODE_IN_PERSON : MODE_ONLINE;
		/* Once the seminar is over nobody may cancel or switch (pg_reg_cancel, pg_reg_mode). */
		int active = strcmp(st, "cancelled") != 0 && !s->over;
		int can_switch = active && seminar_offers(s, other);

		json_object_set_new(row, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(row, "mode_name", json_string(mode_names[m]));
		json_object_set_new(row, "status_name", json_string(reg_status_name(st)));
		json_object_set(row, "position_in_queue", json_object_get(row, "queue_position"));
		json_object_set_new(
			row, "created",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(row, "created_at")), 1)));
		json_object_set_new(row, "cancel_url",
				    active ? json_string(url(&r->arena, U_REGISTRATIONS_ID_CANCEL, id)) : json_null());
		json_object_set_new(row, "switch_url", json_string(url(&r->arena, U_REGISTRATIONS_ID_MODE, id)));
		json_object_set_new(row, "switch_mode", can_switch ? json_string(mode_codes[other]) : json_null());
		json_object_set_new(row, "switch_mode_name", can_switch ? json_string(mode_names[other]) : json_null());
	}
	return rows;
}

static const char *filter_query(struct req *r)
{
	static const char *const keys[] = {"q", "status", "mode", "district_id", "organization_id", NULL};

	return req_query(r, keys);
}

static json_t *participant_rows(struct req *r, const struct seminar *s)
{
	struct participant_filter f;
	json_t *rows;

	participant_filter(r, &f);
	if ((rows = db_participants(r->app->db, &r->arena, s->id, &f)) == NULL)
		return NULL;
	return participants_view(r, s, rows);
}

/* The participants shown, on record in the access journal with the filters. Returns 0 or -1. */
static int record_view(struct req *r, const struct seminar *s, const json_t *rows)
{
	json_t *ids = access_ids(rows, "person_id");
	const char *qs = filter_query(r);
	int rc = access_record(r, "participants.view", "seminar", s->id, *qs ? qs : NULL, ids);

	json_decref(ids);
	return rc;
}

static int participants_page(struct req *r, const struct seminar *s, int status, const char *error)
{
	json_t *rows = participant_rows(r, s), *ctx;
	const char *qs = filter_query(r), *base = url(&r->arena, U_MANAGE_SEMINARS_ID_PARTICIPANTS, s->id);

	if (rows == NULL)
		return 500;
	if (record_view(r, s, rows) == -1) {
		json_decref(rows);
		return 500;
	}
	ctx = json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:{s:s?, s:s?, s:s?, s:I, s:I}, s:[{s:s, s:s}, {s:s, s:s}, "
			"{s:s, s:s}], s:o, s:o?, s:o?, s:I, s:o, s:s, s:s, s:s, s:s?}",
			"title", "Участники семинара", "seminar", "id", (json_int_t)s->id, "title", s->title,
			"manage_url", url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "public_url",
			url(&r->arena, U_SEMINARS_ID, s->id), "filter", "q", req_param(r, "q"), "status",
			req_param(r, "status"), "mode", req_param(r, "mode"), "district_id",
			(json_int_t)req_int(r, "district_id", 0), "organization_id",
			(json_int_t)req_int(r, "organization_id", 0), "statuses", "value", "confirmed", "name",
			reg_status_name("confirmed"), "value", "waitlisted", "name", reg_status_name("waitlisted"),
			"value", "cancelled", "name", reg_status_name("cancelled"), "modes", modes_json(), "districts",
			db_participant_districts(r->app->db, &r->arena, s->id), "organizations",
			db_participant_orgs(r->app->db, &r->arena, s->id), "total", (json_int_t)json_array_size(rows),
			"participants", rows, "csv_url", arena_printf(&r->arena, "%s.csv%s", base, qs), "xlsx_url",
			arena_printf(&r->arena, "%s.xlsx%s", base, qs), "add_url", base, "error", error);
	/* The register of the seminar's region, for people signed up by hand. */
	json_object_set_new(ctx, "register", db_region_organizations(r->app->db, &r->arena, s->region_id));
	page(r, "manage-participants", ctx);
	return status;
}

int pg_manage_participants(struct req *r)
{
	struct seminar s;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	return participants_page(r, &s, 200, NULL);
}

static const struct export_col participant_cols[] = {
	{"n", "№", EX_INT, 6},
	{"full_name", "ФИО", EX_TEXT, 32},
	{"organization", "Организация", EX_TEXT, 36},
	{"district", "Район", EX_TEXT, 22},
	{"email", "Электронная почта", EX_TEXT, 28},
	{"phone", "Телефон", EX_TEXT, 18},
	{"position", "Должность", EX_TEXT, 28},
	{"mode_name", "Формат участия", EX_TEXT, 14},
	{"status_name", "Статус", EX_TEXT, 20},
	{"queue_position", "Место в листе ожидания", EX_INT, 12},
	{"created_at", "Дата записи", EX_DATE, 17},
};

static int participants_export(struct req *r, enum download_format f)
{
	struct seminar s;
	json_t *rows;
	const char *qs = filter_query(r);
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rows = participant_rows(r, &s)) == NULL)
		return 500;
	rc = download_send(r, f,
			   &(struct download){"Участники", s.title, participant_cols, NELEM(participant_cols), rows,
					      "participants.export", "seminar", s.id, *qs ? qs + 1 : NULL,
					      arena_printf(&r->arena, "participants-%lld", s.id), 0, "person_id"});
	json_decref(rows);
	return rc;
}

int pg_manage_participants_csv(struct req *r)
{
	return participants_export(r, DL_CSV);
}

int pg_manage_participants_xlsx(struct req *r)
{
	return participants_export(r, DL_XLSX);
}

struct invite_new_ctx {
	struct app *app;
	const struct person_new *p;
	const char *by, *seminar;
	long long person; /* as account_invite_new returns it */
};

static enum tx_end invite_new_tx(struct db *d, struct arena *a, void *arg)
{
	struct invite_new_ctx *c = arg;

	c->person = account_invite_new(c->app, d, a, c->p, c->by, c->seminar);
	return c->person > 0 ? TX_COMMIT : c->person == 0 ? TX_ROLLBACK : TX_FAIL;
}

enum invite person_invite(struct req *r, struct person_new *p, const char *seminar, const char *by, long long *id)
{
	struct invite_new_ctx c = {r->app, p, r->user->name, seminar, 0};
	long long region, district;
	int rc;

	if ((rc = db_organization_place(r->app->db, &r->arena, p->organization_id, &region, &district)) != 1)
		return rc == -1 ? INVITE_FAILED : INVITE_NO_ORG;
	/* No password: the invitation's link sets one, in the same transaction as the account. */
	if (db_tx(r->app->db, invite_new_tx, &c) == -1 || c.person == -1)
		return INVITE_FAILED;
	if ((*id = c.person) == 0)
		return INVITE_TAKEN;
	audit(r, "person.create", "person", *id, by);
	return INVITE_CREATED;
}

/* Registration taken by phone: an existing account by e-mail, or a new one without a password (invited by mail). */
int pg_manage_participant_add(struct req *r)
{
	static const char *const outcome_msgs[REG__MAX] = {
		[REG_ALREADY] = "Этот человек уже записан на семинар.",
		[REG_CANCELLED] = "Семинар отменён — запись невозможна.",
		[REG_FINISHED] = "Семинар уже завершён — запись невозможна.",
		[REG_NOT_OPEN] = "Семинар ещё не опубликован.",
		[REG_BAD_MODE] = "Семинар не проводится в выбранном формате.",
		[REG_ORG_LIMIT] = "От этой организации уже записано максимальное число участников.",
	};
	struct seminar s;
	struct signup in = {0};
	struct reg_state st;
	const char *email = req_param(r, "email"), *mode = req_param(r, "mode");
	long long person;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (email == NULL || mode == NULL)
		return participants_page(r, &s, 400, "Укажите электронную почту участника и формат участия.");
	if ((person = db_person_by_email(r->app->db, &r->arena, email)) == -1)
		return 500;
	if (person == 0) {
		struct person_new p = {0};
		p.email = email;
		p.full_name = req_param(r, "full_name");
		p.full_name_dat = req_param(r, "full_name_dat");
		p.phone = req_param(r, "phone");
		p.organization_id = req_int(r, "organization_id", 0);
		if (p.full_name == NULL || p.full_name_dat == NULL || p.organization_id == 0)
			return participants_page(
				r, &s, 400,
				"Учётной записи с этим адресом нет: укажите ФИО (в том числе в дательном "
				"падеже) и организацию, чтобы создать её.");
		/* The organiser took consent by phone. */
		p.consent_version = "phone";
		switch (person_invite(r, &p, s.title, "by an organiser, consent taken by phone", &person)) {
		case INVITE_CREATED: break;
		case INVITE_NO_ORG: return participants_page(r, &s, 400, "Выбранной организации нет в реестре.");
		case INVITE_TAKEN: return participants_page(r, &s, 409, "Этот адрес уже занят.");
		default: return 500;
		}
	}
	in.seminar_id = s.id;
	in.person_id = person;
	in.mode = mode_of(mode);
	in.by_organizer = 1;
	in.actor_id = r->user->id;
	in.ip = r->ip;
	if (!app_seminar_gate(r, in.seminar_id))
		return 503;
	if ((rc = db_register(r->app->db, &in, &st)) == -1)
		return 500;
	if (rc != REG_CONFIRMED && rc != REG_WAITLISTED)
		return participants_page(r, &s, rc == REG_BAD_MODE ? 400 : 409,
					 outcome_msgs[rc] ? outcome_msgs[rc] : "Записать не удалось.");
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID_PARTICIPANTS, s.id));
}
