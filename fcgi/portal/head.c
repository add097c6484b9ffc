/* Heads of organisations: their organisation's seminars and people, sign-ups for them; organisers grant the role. */
#include <string.h>

#include "portal.h"

/* The head's organisation (the route's R_HEAD made sure there is one). Returns 0, or the status to return. */
static int head_org(struct req *r, struct head_org *o)
{
	int rc = db_head_org(r->app->db, &r->arena, r->user->head_org, o);

	return rc == 1 ? 0 : rc == 0 ? fail(r, 404, "Такой организации нет.") : 500;
}

static json_t *org_json(const struct head_org *o)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)o->id, "name", o->name, "short_name",
			 o->short_name, "sector", o->sector, "district", o->district, "region", o->region);
}

/* The registrations of rows (db_head_registrations) that hold or wait for a place. */
static long long active(json_t *rows)
{
	long long n = 0;
	size_t i;

	for (i = 0; i < json_array_size(rows); i++)
		n += strcmp(json_string_value(json_object_get(json_array_get(rows, i), "status")), "cancelled") != 0;
	return n;
}

/* The organisation's registrations with what the head may do and see: ticket, cancel, attendance, certificate. */
static json_t *regs_view(struct req *r, json_t *rows)
{
	json_t *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		long long id = json_integer_value(json_object_get(row, "id"));
		const char *st = json_string_value(json_object_get(row, "status"));
		const char *code = json_string_value(json_object_get(row, "cert_code"));
		int over = json_integer_value(json_object_get(row, "over")) != 0,
		    confirmed = strcmp(st, "confirmed") == 0;

		json_object_set_new(row, "mode_name",
				    json_string(mode_names[mode_of(json_string_value(json_object_get(row, "mode")))]));
		json_object_set_new(row, "status_name", json_string(reg_status_name(st)));
		json_object_set_new(row, "when",
				    json_string(date_range_ru(
					    &r->arena, json_string_value(json_object_get(row, "starts_at")), NULL)));
		json_object_set_new(
			row, "seminar_url",
			json_string(url(&r->arena, U_HEAD_SEMINARS_ID,
					(long long)json_integer_value(json_object_get(row, "seminar_id")))));
		json_object_set_new(row, "ticket_url",
				    confirmed && !over ? json_string(url(&r->arena, U_TICKETS_ID, id)) : json_null());
		json_object_set_new(row, "ticket_pdf_url",
				    confirmed && !over ? json_string(url(&r->arena, U_TICKETS_ID_PDF, id))
						       : json_null());
		json_object_set_new(row, "cancel_url",
				    strcmp(st, "cancelled") != 0 && !over
					    ? json_string(url(&r->arena, U_REGISTRATIONS_ID_CANCEL, id))
					    : json_null());
		json_object_set_new(row, "verify_url",
				    code ? json_string(url_code(&r->arena, U_CERTIFICATES_VERIFY_CODE, code))
					 : json_null());
	}
	return rows;
}

/* A head's view of its people's data is on record as an organiser's is: whose data are the people listed and
 * those of the registrations shown. Returns 0 or -1 (then the view is not shown). */
static int head_record(struct req *r, const char *action, const char *otype, long long oid, const char *query,
		       const json_t *staff, const json_t *regs)
{
	json_t *ids = access_ids(staff, "id"), *more = access_ids(regs, "person_id");
	int rc;

	json_array_extend(ids, more);
	rc = access_record(r, action, otype, oid, query, ids);
	json_decref(ids);
	json_decref(more);
	return rc;
}

int pg_head(struct req *r)
{
	struct head_org o;
	json_t *seminars, *staff, *regs, *s;
	size_t i;
	int rc;

	if ((rc = head_org(r, &o)) != 0)
		return rc;
	seminars = db_head_seminars(r->app->db, &r->arena, o.id, o.region_id, o.sector_id);
	staff = db_head_staff(r->app->db, &r->arena, o.id);
	regs = db_head_registrations(r->app->db, &r->arena, o.id, 0);
	if (seminars == NULL || staff == NULL || regs == NULL ||
	    head_record(r, "head.view", "organization", o.id, NULL, staff, regs) == -1) {
		json_decref(seminars);
		json_decref(staff);
		json_decref(regs);
		return 500;
	}
	json_array_foreach (seminars, i, s) {
		json_object_set_new(s, "url", url_row(&r->arena, U_HEAD_SEMINARS_ID, s));
		json_object_set_new(
			s, "when",
			json_string(date_range_ru(&r->arena, json_string_value(json_object_get(s, "starts_at")),
						  json_string_value(json_object_get(s, "ends_at")))));
		json_object_set_new(s, "format_name",
				    json_string(format_name(json_string_value(json_object_get(s, "format")))));
	}
	return page(r, "head",
		    json_pack("{s:s, s:o, s:o, s:o, s:o}", "title", "Моя организация", "organization", org_json(&o),
			      "seminars", seminars, "staff", staff, "registrations", regs_view(r, regs)));
}

/* The seminar as the head sees it: places, the organisation's limit and sign-ups, the form to add people. */
static int seminar_page(struct req *r, long long id, int status, const char *error)
{
	struct head_org o;
	struct seminar s;
	json_t *regs, *staff, *modes, *ctx;
	long long ours;
	int rc, m;

	if ((rc = head_org(r, &o)) != 0)
		return rc;
	if (id == 0 || (rc = db_seminar_get(r->app->db, &r->arena, id, &s)) == 0 || strcmp(s.status, "draft") == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (rc == -1)
		return 500;
	regs = db_head_registrations(r->app->db, &r->arena, o.id, s.id);
	staff = db_head_staff(r->app->db, &r->arena, o.id);
	if (regs == NULL || staff == NULL ||
	    head_record(r, "head.seminar", "seminar", s.id, arena_printf(&r->arena, "organization=%lld", o.id), staff,
			regs) == -1) {
		json_decref(regs);
		json_decref(staff);
		return 500;
	}
	ours = active(regs);
	modes = json_array();
	for (m = 0; m < MODE__MAX; m++)
		if (seminar_offers(&s, (enum mode)m))
			json_array_append_new(modes,
					      json_pack("{s:s, s:s}", "value", mode_codes[m], "name", mode_names[m]));
	ctx = json_pack("{s:s, s:o, s:{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:s}, s:I, s:o, s:o, s:o, s:s, s:s?}",
			"title", s.title, "organization", org_json(&o), "seminar", "id", (json_int_t)s.id, "title",
			s.title, "status", s.status, "when", date_range_ru(&r->arena, s.starts_at, s.ends_at),
			"format_name", format_name(s.format), "seats", seats_json(&r->arena, s.format, s.cap, s.taken),
			"org_limit", s.org_limit > 0 ? json_integer(s.org_limit) : json_null(), "open",
			strcmp(s.status, "published") == 0 && !s.over && !s.reg_not_yet && !s.reg_over, "public_url",
			url(&r->arena, U_SEMINARS_ID, s.id), "ours", (json_int_t)ours, "registrations",
			regs_view(r, regs), "staff", staff, "modes", modes, "add_url",
			url(&r->arena, U_HEAD_SEMINARS_ID_REGISTER, s.id), "error", error);
	page(r, "head-seminar", ctx);
	return status;
}

int pg_head_seminar(struct req *r)
{
	return seminar_page(r, req_arg_id(r, 0), 200, NULL);
}

/* Refusals that need no lock, asked before a new account is made, so a refused sign-up writes nothing; the
 * sign-up's transaction decides again under the seminar's lock. */
static enum reg_outcome precheck(struct req *r, const struct seminar *s, enum mode m, long long org)
{
	json_t *rows;
	long long ours;

	if (strcmp(s->status, "cancelled") == 0)
		return REG_CANCELLED;
	if (strcmp(s->status, "finished") == 0 || s->over)
		return REG_FINISHED;
	if (s->reg_not_yet || s->reg_over)
		return REG_WINDOW;
	if (!seminar_offers(s, m))
		return REG_BAD_MODE;
	if (s->org_limit > 0) {
		if ((rows = db_head_registrations(r->app->db, &r->arena, org, s->id)) == NULL)
			return REG__MAX;
		ours = active(rows);
		json_decref(rows);
		if (ours >= s->org_limit)
			return REG_ORG_LIMIT;
	}
	return REG_CONFIRMED;
}

/* The person to sign up: one of the organisation's people by id, or by e-mail (a new account when there is
 * none). Returns 0 with *person set, or the status to return. */
static int whom(struct req *r, const struct seminar *s, long long org, long long *person, const char **name)
{
	const char *email = req_param(r, "email");
	struct person_new p = {0};
	int rc;

	*person = req_int(r, "person_id", 0);
	if (*person == 0 && email != NULL && (*person = db_person_by_email(r->app->db, &r->arena, email)) == -1)
		return 500;
	if (*person > 0) {
		/* Only the organisation's own people: anyone else is nobody the head may act for. */
		if ((rc = db_head_staff_member(r->app->db, &r->arena, org, *person)) != 1)
			return rc == -1
				       ? 500
				       : seminar_page(
						 r, s->id, email ? 409 : 404,
						 email ? "Учётная запись с этим адресом относится к другой организации."
						       : "Такого сотрудника в вашей организации нет.");
		*name = NULL;
		return 0;
	}
	if (email == NULL)
		return seminar_page(r, s->id, 400, "Выберите сотрудника или укажите электронную почту нового.");
	p.email = email;
	p.full_name = req_param(r, "full_name");
	p.full_name_dat = req_param(r, "full_name_dat");
	p.position = req_param(r, "position");
	p.phone = req_param(r, "phone");
	p.organization_id = org;
	if (p.full_name == NULL || p.full_name_dat == NULL)
		return seminar_page(r, s->id, 400,
				    "Учётной записи с этим адресом нет: укажите ФИО (в том числе в дательном падеже), "
				    "чтобы создать её.");
	/* The head vouches for the person's consent, as an organiser does by phone. */
	p.consent_version = "head";
	switch (person_invite(r, &p, s->title, "by the head of the organisation", person)) {
	case INVITE_CREATED: *name = p.full_name; return 0;
	case INVITE_TAKEN: return seminar_page(r, s->id, 409, "Этот адрес уже занят.");
	case INVITE_NO_ORG: return seminar_page(r, s->id, 409, "Вашей организации нет в реестре.");
	default: return 500;
	}
}

int pg_head_register(struct req *r)
{
	static const char *const msgs[REG__MAX] = {
		[REG_ALREADY] = "Этот сотрудник уже записан на семинар.",
		[REG_NO_SEMINAR] = "Такого семинара нет.",
		[REG_NOT_OPEN] = "Такого семинара нет.",
		[REG_CANCELLED] = "Семинар отменён — запись невозможна.",
		[REG_FINISHED] = "Семинар уже завершён — запись невозможна.",
		[REG_WINDOW] = "Регистрация на этот семинар сейчас закрыта.",
		[REG_BAD_MODE] = "Семинар не проводится в выбранном формате.",
		[REG_ORG_LIMIT] = "От вашей организации уже записано максимальное число участников этого семинара.",
	};
	long long id = req_arg_id(r, 0), org = r->user->head_org;
	const char *mode = req_param(r, "mode"), *name = NULL;
	struct signup in = {0};
	struct reg_state st;
	struct seminar s;
	enum reg_outcome pre;
	int rc;

	if (id == 0 || (rc = db_seminar_get(r->app->db, &r->arena, id, &s)) == 0 || strcmp(s.status, "draft") == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (rc == -1)
		return 500;
	if (mode == NULL)
		return seminar_page(r, id, 400, "Выберите формат участия: очно или онлайн.");
	in.mode = mode_of(mode);
	if ((pre = precheck(r, &s, in.mode, org)) == REG__MAX)
		return 500;
	if (pre != REG_CONFIRMED)
		return seminar_page(r, id, pre == REG_BAD_MODE ? 400 : 409, msgs[pre]);
	if ((rc = whom(r, &s, org, &in.person_id, &name)) != 0)
		return rc;
	if (name == NULL) {
		json_t *p = db_person_profile(r->app->db, &r->arena, in.person_id);
		if (p == NULL)
			return 500;
		name = arena_strdup(&r->arena, json_string_value(json_object_get(p, "full_name")));
		json_decref(p);
	}
	in.seminar_id = s.id;
	in.idem_key = req_param(r, "idem");
	in.actor_id = r->user->id;
	in.ip = r->ip;
	in.for_whom = arena_printf(&r->arena, "person=%lld %s", in.person_id, name);
	if (!app_seminar_gate(r, s.id))
		return 503;
	if ((rc = db_register(r->app->db, &in, &st)) == -1)
		return 500;
	if (rc != REG_CONFIRMED && rc != REG_WAITLISTED && rc != REG_REPLAY)
		return seminar_page(r, id,
				    rc == REG_BAD_MODE     ? 400
				    : rc == REG_NO_SEMINAR ? 404
							   : 409,
				    msgs[rc] ? msgs[rc] : "Форма устарела: обновите страницу и запишите ещё раз.");
	return redirect(r, url(&r->arena, U_HEAD_SEMINARS_ID, id));
}

/* ---- the role: organisers of the organisation's region and sector, and administrators, grant it */

/* Whether the user may grant, confirm or revoke the role for an organisation of region and sector. */
static int may_grant(const struct req *r, long long region_id, long long sector_id)
{
	return auth_has(r, ROLE_ORGANIZER, region_id, sector_id);
}

json_t *head_actions(struct req *r, json_t *h)
{
	long long id = json_integer_value(json_object_get(h, "id"));

	json_object_set_new(h, "requested",
			    json_boolean(strcmp(json_string_value(json_object_get(h, "status")), "requested") == 0));
	json_object_set_new(h, "confirm_url", json_string(url(&r->arena, U_MANAGE_HEADS_ID_CONFIRM, id)));
	json_object_set_new(h, "revoke_url", json_string(url(&r->arena, U_MANAGE_HEADS_ID_REVOKE, id)));
	return h;
}

static int heads_page(struct req *r, int status, const char *error)
{
	json_t *rows = db_heads(r->app->db, &r->arena, 1000), *out, *h;
	size_t i;

	if (rows == NULL)
		return 500;
	out = json_array();
	json_array_foreach (rows, i, h) {
		if (may_grant(r, json_integer_value(json_object_get(h, "region_id")),
			      json_integer_value(json_object_get(h, "sector_id"))))
			json_array_append(out, head_actions(r, h));
	}
	json_decref(rows);
	page(r, "manage-heads",
	     json_pack("{s:s, s:o, s:s?}", "title", "Руководители организаций", "heads", out, "error", error));
	return status;
}

int pg_heads(struct req *r)
{
	return heads_page(r, 200, NULL);
}

int pg_heads_grant(struct req *r)
{
	const char *email = req_param(r, "email");
	struct head_org o;
	long long person, org, id;
	int rc;

	if (email == NULL)
		return heads_page(r, 400, "Укажите электронную почту сотрудника организации.");
	if ((rc = db_head_candidate(r->app->db, &r->arena, email, &person, &org)) == -1)
		return 500;
	if (rc == 0)
		return heads_page(r, 404, "Учётной записи с этим адресом нет.");
	if (org == 0 || (rc = db_head_org(r->app->db, &r->arena, org, &o)) == 0)
		return heads_page(r, 409, "У этого человека не указана организация из реестра.");
	if (rc == -1)
		return 500;
	if (!may_grant(r, o.region_id, o.sector_id))
		return fail(r, 403, "Назначать руководителей может организатор региона и направления организации.");
	if ((id = db_head_grant(r->app->db, person, r->user->id)) <= 0)
		return id == 0 ? heads_page(r, 409, "У этого человека не указана организация из реестра.") : 500;
	audit(r, "head.grant", "person", person, arena_printf(&r->arena, "organization=%lld", o.id));
	return redirect(r, U_MANAGE_HEADS);
}

/* The row of the path if the user may act on it. Returns 0, or the status to return. */
static int head_row(struct req *r, struct head_row *h)
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0 || (rc = db_head_get(r->app->db, &r->arena, id, h)) == 0)
		return fail(r, 404, "Такой заявки или роли нет.");
	if (rc == -1)
		return 500;
	if (!may_grant(r, h->region_id, h->sector_id))
		return fail(r, 403, "Назначать руководителей может организатор региона и направления организации.");
	return 0;
}

int pg_heads_confirm(struct req *r)
{
	struct head_row h;
	int rc;

	if ((rc = head_row(r, &h)) != 0)
		return rc;
	if ((rc = db_head_confirm(r->app->db, h.id, r->user->id)) == -1)
		return 500;
	if (rc == 0)
		return heads_page(r, 409, "Эта роль уже подтверждена.");
	audit(r, "head.confirm", "person", h.person_id,
	      arena_printf(&r->arena, "organization=%lld %s", h.organization_id, h.full_name));
	return redirect(r, U_MANAGE_HEADS);
}

int pg_heads_revoke(struct req *r)
{
	struct head_row h;
	int rc;

	if ((rc = head_row(r, &h)) != 0)
		return rc;
	if ((rc = db_head_revoke(r->app->db, h.id)) == -1)
		return 500;
	if (rc == 1)
		audit(r, "head.revoke", "person", h.person_id,
		      arena_printf(&r->arena, "organization=%lld %s %s", h.organization_id, h.status, h.full_name));
	return redirect(r, U_MANAGE_HEADS);
}
