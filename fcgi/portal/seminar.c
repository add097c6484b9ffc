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
	long long position = 0;
	json_t *ctx, *sessions, *reg = json_null(), *seminar;
	const char *closed, *window = NULL;
	unsigned char rnd[16];
	char idem[32];
	int rc, has_reg = 0;

	if ((rc = db_seminar_get(r->app->db, &r->arena, id, &s)) != 1)
		return rc == 0 ? fail(r, 404, "Такого семинара нет.") : 500;
	if (strcmp(s.status, "draft") == 0 && !may_manage(r, &s))
		return fail(r, 404, "Такого семинара нет.");
	if (r->user != NULL) {
		if ((rc = db_registration_of(r->app->db, &r->arena, id, r->user->id, &g, &position)) == -1)
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
				position > 0 ? json_integer(position) : json_null(), "cancel_url",
				arena_printf(&r->arena, "/registrations/%lld/cancel", g.id), "can_switch", can_switch,
				"switch_mode", can_switch ? mode_codes[other] : NULL, "switch_mode_name",
				can_switch ? mode_names[other] : NULL, "switch_url",
				arena_printf(&r->arena, "/registrations/%lld/mode", g.id));
		/* Once the seminar is over the server refuses both (pg_reg_cancel, pg_reg_mode). */
		json_object_set_new(reg, "can_cancel", json_boolean(!s.over));
		if (g.mode == MODE_ONLINE && strcmp(g.status, "confirmed") == 0) {
			json_t *live = live_online(r, id);
			if (live == NULL) {
				json_decref(reg);
				json_decref(sessions);
				return 500;
			}
			/* A session runs now: the code from the broadcast can be entered. */
			if (json_array_size(live) > 0)
				json_object_set_new(reg, "code_url", json_string("/checkin/code"));
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
		"ics_url", arena_printf(&r->arena, "/seminars/%lld.ics", s.id));
	json_object_set_new(seminar, "attendance_rule",
			    json_string(attendance_rule_name(s.attendance_rule, s.online_min_percent)));
	closed = closed_reason(r, &s);
	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(idem, rnd, sizeof(rnd));
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:s, s:s, s:s?, s:s?, s:s, s:s?}", "title", s.title, "seminar",
			seminar, "sessions", sessions, "seats", seats_json(&r->arena, s.format, s.cap, s.taken),
			"registration", reg, "can_register", !has_reg && closed == NULL, "register_url",
			arena_printf(&r->arena, "/seminars/%lld/register", s.id), "idem", idem, "closed_reason", closed,
			"manage_url", may_manage(r, &s) ? arena_printf(&r->arena, "/manage/seminars/%lld", s.id) : NULL,
			"login_url", arena_printf(&r->arena, "/login?next=/seminars/%lld", s.id), "error", error);
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

/* iCalendar text: backslash, semicolon, comma and line breaks escaped. */
static void ics_text(struct buf *b, const char *name, const char *s)
{
	size_t col = strlen(name) + 1;

	buf_adds(b, name);
	buf_addc(b, ':');
	for (; s && *s; s++) {
		const char *rep = NULL;
		char one[2] = {*s, '\0'};
		if (*s == '\\' || *s == ';' || *s == ',')
			rep = *s == '\\' ? "\\\\" : *s == ';' ? "\\;" : "\\,";
		else if (*s == '\n')
			rep = "\\n";
		else if (*s == '\r')
			continue;
		/* Fold at 74 octets, never inside a UTF-8 sequence. */
		if (col >= 74 && ((unsigned char)*s & 0xc0) != 0x80) {
			buf_adds(b, "\r\n ");
			col = 1;
		}
		buf_adds(b, rep ? rep : one);
		col += rep ? strlen(rep) : 1;
	}
	buf_adds(b, "\r\n");
}

static const char *ics_time(struct arena *a, const char *sql)
{
	/* "2026-12-12 10:00:00" -> "20261212T100000", local time of the venue. */
	return arena_printf(a, "%.4s%.2s%.2sT%.2s%.2s%.2s", sql, sql + 5, sql + 8, sql + 11, sql + 14, sql + 17);
}

int pg_seminar_ics(struct req *r)
{
	long long id = req_arg_id(r, 0);
	struct seminar s;
	json_t *rows, *row;
	size_t i;
	int rc;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (id == 0 || (rc = db_seminar_get(r->app->db, &r->arena, id, &s)) == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (rc == -1)
		return 500;
	if (strcmp(s.status, "draft") == 0 && !may_manage(r, &s))
		return fail(r, 404, "Такого семинара нет.");
	if ((rows = db_seminar_sessions(r->app->db, &r->arena, id)) == NULL)
		return 500;
	buf_adds(&r->body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CUR seminars//RU\r\nCALSCALE:GREGORIAN\r\n");
	json_array_foreach (rows, i, row) {
		const char *st = json_string_value(json_object_get(row, "starts_at"));
		const char *en = json_string_value(json_object_get(row, "ends_at"));
		const char *where = s.venue ? arena_printf(&r->arena, "%s%s%s", s.venue, s.address ? ", " : "",
							   s.address ? s.address : "")
					    : "Онлайн";
		buf_adds(&r->body, "BEGIN:VEVENT\r\n");
		buf_addf(&r->body, "UID:seminar-%lld-session-%lld@seminars\r\n", id,
			 (long long)json_integer_value(json_object_get(row, "id")));
		buf_addf(&r->body, "DTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\n", stamp, ics_time(&r->arena, st),
			 ics_time(&r->arena, en));
		ics_text(&r->body, "SUMMARY", s.title);
		ics_text(&r->body, "LOCATION", where);
		ics_text(&r->body, "URL", arena_printf(&r->arena, "%s/seminars/%lld", r->app->base_url, id));
		if (strcmp(s.status, "cancelled") == 0)
			buf_adds(&r->body, "STATUS:CANCELLED\r\n");
		buf_adds(&r->body, "END:VEVENT\r\n");
	}
	buf_adds(&r->body, "END:VCALENDAR\r\n");
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
	struct signup in = {id, r->user->id, MODE_IN_PERSON, req_param(r, "idem"), 0, r->user->id, r->ip};
	struct reg_state st = {0};
	const char *msg = NULL;
	int rc, status = 409;

	if (id == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (!mode_arg(r, &in.mode))
		return seminar_page(r, id, 400, "Выберите формат участия: очно или онлайн.");
	if ((rc = db_register(r->app->db, &in, &st)) == -1)
		return 500;
	switch (rc) {
	case REG_CONFIRMED:
	case REG_WAITLISTED:
	case REG_REPLAY: return done(r, arena_printf(&r->arena, "/seminars/%lld#registration", id), outcomes[rc], &st);
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

/* The registration, if the user may change it: its owner or the seminar's organisers. */
static int reg_for_change(struct req *r, struct reg_info *g)
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0 || (rc = db_registration_get(r->app->db, &r->arena, id, g)) == 0)
		return fail(r, 404, "Такой записи нет.");
	if (rc == -1)
		return 500;
	if (g->person_id != r->user->id && (rc = auth_organizes(r, g->seminar_id)) != 1)
		return rc == -1
			       ? 500
			       : fail(r, 403, "Эту запись может изменить только её владелец или организатор семинара.");
	return 0;
}

static const char *back(struct req *r, const struct reg_info *g)
{
	const char *next = req_param(r, "next");

	if (next != NULL)
		return next;
	return g->person_id == r->user->id
		       ? arena_printf(&r->arena, "/seminars/%lld#registration", g->seminar_id)
		       : arena_printf(&r->arena, "/manage/seminars/%lld/participants", g->seminar_id);
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
	int rc;

	if ((rc = reg_for_change(r, &g)) != 0)
		return rc;
	if ((rc = db_registration_cancel(r->app->db, g.id)) == -1)
		return 500;
	if (rc == CHANGE_CLOSED)
		return refuse(r, &g, closed_msg, closed_msg);
	if (rc == CHANGE_DONE)
		audit(r, "registration.cancel", "registration", g.id,
		      g.person_id == r->user->id ? "by the participant" : "by an organiser");
	st = (struct reg_state){g.id, g.mode, "cancelled"};
	return done(r, back(r, &g), rc == CHANGE_DONE ? "cancelled" : "already", &st);
}

int pg_reg_mode(struct req *r)
{
	struct reg_info g;
	struct reg_state st;
	enum mode to;
	int rc;

	if ((rc = reg_for_change(r, &g)) != 0)
		return rc;
	if (!mode_arg(r, &to))
		return fail_field(r, "mode", "выберите формат участия");
	if ((rc = db_registration_switch(r->app->db, g.id, to)) == -1)
		return 500;
	switch (rc) {
	case CHANGE_CLOSED: return refuse(r, &g, closed_msg, closed_msg);
	case CHANGE_REFUSED:
		return refuse(r, &g, "В выбранном формате нет свободных мест.",
			      "В выбранном формате нет свободных мест, или запись отменена.");
	case CHANGE_ALREADY:
		st = (struct reg_state){g.id, g.mode, g.status};
		return done(r, back(r, &g), "unchanged", &st);
	default: break;
	}
	audit(r, "registration.mode", "registration", g.id, mode_codes[to]);
	st = (struct reg_state){g.id, to, "confirmed"};
	return done(r, back(r, &g), "moved", &st);
}
