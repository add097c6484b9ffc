/* The seminar page for participants: details, places left, sign-up, cancellation, mode switch, calendar file. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "portal.h"

/* Organisers whose grants cover the seminar (and administrators) manage it. */
static int may_manage(const struct req *r, const struct seminar *s)
{
	return auth_covers(r, ROLE_ORGANIZER, s->region_id, s->district_id, s->sector_ids);
}

static json_t *sessions_view(struct req *r, long long seminar_id)
{
	json_t *rows = db_seminar_sessions(r->app->db, &r->arena, seminar_id), *row, *out;
	size_t i;

	if (rows == NULL)
		return NULL;
	out = json_array();
	json_array_foreach (rows, i, row) {
		const char *s = json_string_value(json_object_get(row, "starts_at"));
		const char *e = json_string_value(json_object_get(row, "ends_at"));
		json_array_append_new(
			out, json_pack("{s:I, s:s, s:s, s:s}", "id", json_integer_value(json_object_get(row, "id")),
				       "date", date_ru(&r->arena, s, 0), "time",
				       arena_printf(&r->arena, "%.5s–%.5s", s + 11, e + 11), "weekday", weekday_ru(s)));
	}
	json_decref(rows);
	return out;
}

static const char *closed_reason(struct req *r, const struct seminar *s)
{
	if (strcmp(s->status, "cancelled") == 0)
		return "Семинар отменён.";
	if (strcmp(s->status, "finished") == 0)
		return "Семинар завершён.";
	if (strcmp(s->status, "draft") == 0)
		return "Это черновик: участники его пока не видят, запись не открыта.";
	if (s->reg_not_yet)
		return arena_printf(&r->arena, "Запись откроется %s.", date_ru(&r->arena, s->reg_opens_at, 1));
	if (s->reg_over)
		return "Регистрация на этот семинар закрыта.";
	return NULL;
}

/* The page of seminar id with the given status and error. Drafts are shown
 * only to those who manage them. */
static int seminar_page(struct req *r, long long id, int status, const char *error)
{
	struct seminar s;
	struct reg_info g;
	struct queue_place queue = {0};
	json_t *ctx, *sessions, *reg = json_null(), *seminar;
	const char *closed, *window = NULL, *note;
	unsigned char rnd[16];
	char idem[32];
	int rc, has_reg = 0;

	if ((rc = db_seminar_get(r->app->db, &r->arena, id, &s)) != 1)
		return rc == 0 ? fail(r, 404, "Такого семинара нет.") : 500;
	if (strcmp(s.status, "draft") == 0 && !may_manage(r, &s))
		return fail(r, 404, "Такого семинара нет.");
	if (r->user != NULL) {
		if ((rc = db_registration_of(r->app->db, &r->arena, id, r->user->id, &g, &queue)) == -1)
			return 500;
		has_reg = rc == 1 && strcmp(g.status, "cancelled") != 0;
	}
	if ((sessions = sessions_view(r, id)) == NULL)
		return 500;
	if (has_reg) {
		enum mode other = g.mode == MODE_IN_PERSON ? MODE_ONLINE : MODE_IN_PERSON;
		int can_switch = seminar_offers(&s, other) && (s.cap[other] < 0 || s.taken[other] < s.cap[other]) &&
				 strcmp(s.status, "published") == 0 && !s.over;
		reg = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:s?, s:s?, s:s}", "id", (json_int_t)g.id,
				"mode", mode_codes[g.mode], "mode_name", mode_names[g.mode], "status", g.status,
				"status_name", reg_status_name(g.status), "position",
				queue.position > 0 ? json_integer(queue.position) : json_null(), "cancel_url",
				url(&r->arena, U_REGISTRATIONS_ID_CANCEL, g.id), "can_switch", can_switch,
				"switch_mode", can_switch ? mode_codes[other] : NULL, "switch_mode_name",
				can_switch ? mode_names[other] : NULL, "switch_url",
				url(&r->arena, U_REGISTRATIONS_ID_MODE, g.id));
		/* Once the seminar is over the server refuses both (pg_reg_cancel, pg_reg_mode). */
		json_object_set_new(reg, "can_cancel", json_boolean(!s.over));
		/* Why the place in the queue is what it is (or changed): the seminar's priority option. */
		note = queue_note(&queue);
		json_object_set_new(reg, "queue_note", note ? json_string(note) : json_null());
		if (g.mode == MODE_ONLINE && strcmp(g.status, "confirmed") == 0) {
			json_t *live = live_online(r, id);
			if (live == NULL) {
				json_decref(reg);
				json_decref(sessions);
				return 500;
			}
			/* A session runs now: the code from the broadcast can be entered. */
			if (json_array_size(live) > 0)
				json_object_set_new(reg, "code_url", json_string(U_CHECKIN_CODE));
			json_decref(live);
		}
	}
	if (s.reg_closes_at != NULL && !s.reg_over)
		window = arena_printf(&r->arena, "Запись до %s", date_ru(&r->arena, s.reg_closes_at, 1));
	else if (s.reg_opens_at != NULL && s.reg_not_yet)
		window = arena_printf(&r->arena, "Запись откроется %s", date_ru(&r->arena, s.reg_opens_at, 1));
	seminar = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:o, s:s?, s:s}", "id",
		(json_int_t)s.id, "title", s.title, "description", s.description, "format", s.format, "format_name",
		format_name(s.format), "status", s.status, "status_name", seminar_status_name(s.status), "venue",
		s.venue, "address", s.address, "district", s.district, "region", s.region, "hours", s.hours, "sectors",
		s.sectors, "reg_window", window, "org_limit", s.org_limit > 0 ? json_integer(s.org_limit) : json_null(),
		"stream_url",
		/* The broadcast link is for confirmed online participants and the organisers. */
		(has_reg && g.mode == MODE_ONLINE && g.status[0] == 'c') || may_manage(r, &s) ? s.stream_url : NULL,
		"ics_url", url(&r->arena, U_SEMINARS_ID_ICS, s.id));
	json_object_set_new(seminar, "untrained_first", json_boolean(s.untrained_first));
	json_object_set_new(seminar, "attendance_rule",
			    json_string(attendance_rule_name(s.attendance_rule, s.online_min_percent)));
	closed = closed_reason(r, &s);
	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(idem, rnd, sizeof(rnd));
	ctx = json_pack(
		"{s:s, s:o, s:o, s:o, s:o, s:b, s:s, s:s, s:s?, s:s?, s:s, s:s?}", "title", s.title, "seminar", seminar,
		"sessions", sessions, "seats", seats_json(&r->arena, s.format, s.cap, s.taken), "registration", reg,
		"can_register", !has_reg && closed == NULL, "register_url",
		url(&r->arena, U_SEMINARS_ID_REGISTER, s.id), "idem", idem, "closed_reason", closed, "manage_url",
		may_manage(r, &s) ? url(&r->arena, U_MANAGE_SEMINARS_ID, s.id) : NULL, "login_url",
		arena_printf(&r->arena, "%s?next=%s", U_LOGIN, url(&r->arena, U_SEMINARS_ID, s.id)), "error", error);
	json_object_set_new(ctx, "survey", survey_link(r, s.id));
	if (materials_set(r, ctx, s.id) == -1) {
		json_decref(ctx);
		return 500;
	}
	page(r, "seminar", ctx);
	return status;
}

int pg_seminar(struct req *r)
{
	long long id = req_arg_id(r, 0);

	return id ? seminar_page(r, id, 200, NULL) : fail(r, 404, "Такого семинара нет.");
}

int pg_seminar_ics(struct req *r)
{
	long long id = req_arg_id(r, 0);
	struct seminar s;
	json_t *rows;
	int rc;

	if (id == 0 || (rc = db_seminar_get(r->app->db, &r->arena, id, &s)) == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (rc == -1)
		return 500;
	if (strcmp(s.status, "draft") == 0 && !may_manage(r, &s))
		return fail(r, 404, "Такого семинара нет.");
	if ((rows = db_seminar_sessions(r->app->db, &r->arena, id)) == NULL)
		return 500;
	ics_seminar(&r->body, &r->arena, r->app->base_url, &s, rows);
	json_decref(rows);
	return resp_file(r, "attachment", arena_printf(&r->arena, "seminar-%lld.ics", id));
}

static int mode_arg(struct req *r, enum mode *m)
{
	const char *v = req_param(r, "mode");

	if (v == NULL)
		return 0;
	*m = strcmp(v, mode_codes[MODE_ONLINE]) == 0 ? MODE_ONLINE : MODE_IN_PERSON;
	return 1;
}

/* The answer to a write: JSON for scripts, otherwise back to the page. */
static int done(struct req *r, const char *next, const char *outcome, const struct reg_state *st)
{
	if (!r->want_json)
		return redirect(r, next);
	return page(r, "seminar",
		    json_pack("{s:s, s:{s:I, s:s, s:s}}", "outcome", outcome, "registration", "id", (json_int_t)st->id,
			      "mode", mode_codes[st->mode], "status", st->status));
}

int pg_register(struct req *r)
{
	static const char *const outcomes[REG__MAX] = {"confirmed", "waitlisted", "replay", "already"};
	long long id = req_arg_id(r, 0);
	struct signup in = {id, r->user->id, MODE_IN_PERSON, req_param(r, "idem"), 0, r->user->id, r->ip, NULL};
	struct reg_state st = {0};
	const char *msg = NULL;
	int rc, status = 409;

	if (id == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (!mode_arg(r, &in.mode))
		return seminar_page(r, id, 400, "Выберите формат участия: очно или онлайн.");
	if (!app_seminar_gate(r, id))
		return 503;
	if ((rc = db_register(r->app->db, &in, &st)) == -1)
		return 500;
	switch (rc) {
	case REG_CONFIRMED:
	case REG_WAITLISTED:
	case REG_REPLAY:
		return done(r, arena_printf(&r->arena, "%s#registration", url(&r->arena, U_SEMINARS_ID, id)),
			    outcomes[rc], &st);
	case REG_ALREADY: msg = "Вы уже записаны на этот семинар."; break;
	case REG_NO_SEMINAR:
	case REG_NOT_OPEN: return fail(r, 404, "Такого семинара нет.");
	case REG_CANCELLED: msg = "Семинар отменён — запись невозможна."; break;
	case REG_FINISHED: msg = "Семинар уже завершён — запись невозможна."; break;
	case REG_WINDOW: msg = "Регистрация на этот семинар сейчас закрыта."; break;
	case REG_BAD_MODE:
		msg = arena_printf(&r->arena, "Этот семинар не проводится в формате «%s».", mode_names[in.mode]);
		status = 400;
		break;
	case REG_ORG_LIMIT: msg = "От вашей организации уже записано максимальное число участников."; break;
	default: msg = "Форма устарела: обновите страницу и запишитесь ещё раз."; break;
	}
	return seminar_page(r, id, status, msg);
}

/* Who changes a registration: its owner, the seminar's organisers, or the head of the organisation it counts for. */
enum changer { BY_OWNER, BY_ORGANISER, BY_HEAD };

/* The registration, if the user may change it, and who the user is to it. */
static int reg_for_change(struct req *r, struct reg_info *g, enum changer *by)
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0 || (rc = db_registration_get(r->app->db, &r->arena, id, g)) == 0)
		return fail(r, 404, "Такой записи нет.");
	if (rc == -1)
		return 500;
	if (g->person_id == r->user->id)
		*by = BY_OWNER;
	else if ((rc = auth_organizes(r, g->seminar_id)) == 1)
		*by = BY_ORGANISER;
	else if (rc == -1)
		return 500;
	else if (auth_head_of(r, g->organization_id))
		*by = BY_HEAD;
	else
		return fail(r, 403,
			    "Эту запись может изменить только её владелец, организатор семинара или руководитель "
			    "организации участника.");
	return 0;
}

static const char *back(struct req *r, const struct reg_info *g, enum changer by)
{
	const char *next = req_param(r, "next");

	if (next != NULL)
		return next;
	switch (by) {
	case BY_OWNER: return arena_printf(&r->arena, "%s#registration", url(&r->arena, U_SEMINARS_ID, g->seminar_id));
	case BY_ORGANISER: return url(&r->arena, U_MANAGE_SEMINARS_ID_PARTICIPANTS, g->seminar_id);
	default: return url(&r->arena, U_HEAD_SEMINARS_ID, g->seminar_id);
	}
}

/* The audit detail of a change: who acted, and for whom when it was not the owner. */
static const char *acted(struct req *r, const struct reg_info *g, enum changer by)
{
	switch (by) {
	case BY_OWNER: return "by the participant";
	case BY_ORGANISER: return "by an organiser";
	default:
		return arena_printf(&r->arena, "by the head of the organisation for person=%lld %s", g->person_id,
				    g->full_name);
	}
}

/* A refused change: the owner sees the seminar page again with the reason, an organiser the reason. */
static int refuse(struct req *r, const struct reg_info *g, const char *to_owner, const char *to_organiser)
{
	return g->person_id == r->user->id ? seminar_page(r, g->seminar_id, 409, to_owner) : fail(r, 409, to_organiser);
}

static const char closed_msg[] = "Семинар завершён: запись на него больше нельзя отменить или изменить.";

int pg_reg_cancel(struct req *r)
{
	struct reg_info g;
	struct reg_state st;
	enum changer by;
	int rc;

	if ((rc = reg_for_change(r, &g, &by)) != 0)
		return rc;
	if (!app_seminar_gate(r, g.seminar_id))
		return 503;
	if ((rc = db_registration_cancel(r->app->db, g.id, g.person_id != r->user->id)) == -1)
		return 500;
	if (rc == CHANGE_CLOSED)
		return refuse(r, &g, closed_msg, closed_msg);
	if (rc == CHANGE_DONE)
		audit(r, "registration.cancel", "registration", g.id, acted(r, &g, by));
	st = (struct reg_state){g.id, g.mode, "cancelled"};
	return done(r, back(r, &g, by), rc == CHANGE_DONE ? "cancelled" : "already", &st);
}

int pg_reg_mode(struct req *r)
{
	struct reg_info g;
	struct reg_state st;
	enum changer by;
	enum mode to;
	int rc;

	if ((rc = reg_for_change(r, &g, &by)) != 0)
		return rc;
	if (!mode_arg(r, &to))
		return fail_field(r, "mode", "выберите формат участия");
	if (!app_seminar_gate(r, g.seminar_id))
		return 503;
	if ((rc = db_registration_switch(r->app->db, g.id, to)) == -1)
		return 500;
	switch (rc) {
	case CHANGE_CLOSED: return refuse(r, &g, closed_msg, closed_msg);
	case CHANGE_REFUSED:
		return refuse(r, &g, "В выбранном формате нет свободных мест.",
			      "В выбранном формате нет свободных мест, или запись отменена.");
	case CHANGE_ALREADY:
		st = (struct reg_state){g.id, g.mode, g.status};
		return done(r, back(r, &g, by), "unchanged", &st);
	default: break;
	}
	audit(r, "registration.mode", "registration", g.id,
	      by == BY_HEAD ? arena_printf(&r->arena, "%s %s", mode_codes[to], acted(r, &g, by)) : mode_codes[to]);
	st = (struct reg_state){g.id, to, "confirmed"};
	return done(r, back(r, &g, by), "moved", &st);
}
