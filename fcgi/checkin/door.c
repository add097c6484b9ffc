/* The door: scanner page, scans (idempotent by client scan id), undo, the ticket list for offline checks, search. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "checkin.h"

int door_session(struct req *r, struct seminar *s, json_t **sessions, long long *session)
{
	long long want = req_int(r, "session_id", 0), pick = 0;
	json_t *row;
	char now[20];
	time_t t = time(NULL);
	struct tm tm;
	size_t i;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), s)) != 0)
		return rc;
	if ((*sessions = db_seminar_sessions(r->app->db, &r->arena, s->id)) == NULL)
		return 500;
	localtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
	json_array_foreach (*sessions, i, row) {
		long long id = json_integer_value(json_object_get(row, "id"));
		if (want)
			pick = id == want ? id : pick;
		else if (pick == 0 && strcmp(json_string_value(json_object_get(row, "ends_at")), now) >= 0)
			pick = id;
	}
	if (!want && pick == 0 && json_array_size(*sessions) > 0)
		pick = json_integer_value(
			json_object_get(json_array_get(*sessions, json_array_size(*sessions) - 1), "id"));
	*session = pick;
	return 0;
}

static const char no_session[] = "Такого занятия у семинара нет.";

static const char *message(struct req *r, const struct scan_out *o)
{
	if (strcmp(o->result, "ok") == 0)
		return arena_printf(&r->arena, "Добро пожаловать, %s!", o->name ? o->name : "");
	if (strcmp(o->result, "already") == 0)
		return arena_printf(&r->arena, "%s уже отмечен(а) в %s, отметил(а) %s%s",
				    o->name ? o->name : "Участник", o->at ? o->at : "—", o->by ? o->by : "—",
				    o->conflict ? " — на другом устройстве" : "");
	if (strcmp(o->result, "other_seminar") == 0)
		return "Это билет на другой семинар.";
	if (strcmp(o->result, "cancelled") == 0)
		return "Запись отменена — билет недействителен.";
	if (strcmp(o->result, "waitlisted") == 0)
		return "Участник в листе ожидания: подтверждённого места нет.";
	return "Неверный код: такого билета нет.";
}

static json_t *sessions_view(struct req *r, json_t *rows, long long selected)
{
	json_t *out = json_array(), *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		const char *st = json_string_value(json_object_get(row, "starts_at"));
		const char *en = json_string_value(json_object_get(row, "ends_at"));
		long long id = json_integer_value(json_object_get(row, "id"));
		json_array_append_new(out, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "label",
						     arena_printf(&r->arena, "%s, %.5s–%.5s", date_ru(&r->arena, st, 0),
								  st + 11, en + 11),
						     "selected", id == selected));
	}
	return out;
}

/* counts: the session's counters when the caller has them (released here), or NULL to read them. */
static int scanner_page(struct req *r, const struct seminar *s, long long session, json_t *sessions, json_t *counts,
			json_t *result, int status, const char *error)
{
	if (counts == NULL)
		counts = db_checkin_counts(r->app->db, &r->arena, s->id, session);

	if (counts == NULL) {
		json_decref(sessions);
		json_decref(result);
		return 500;
	}
	page(r, "checkin",
	     json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:o, s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:s?}", "title",
		       "Отметка участников", "seminar", "id", (json_int_t)s->id, "title", s->title, "page_url",
		       url(&r->arena, U_CHECKIN_ID, s->id), "public_url", url(&r->arena, U_SEMINARS_ID, s->id),
		       "sessions", sessions_view(r, sessions, session), "session_id", (json_int_t)session, "counts",
		       counts, "scan_url", url(&r->arena, U_CHECKIN_ID_SCAN, s->id), "undo_url",
		       url(&r->arena, U_CHECKIN_ID_UNDO, s->id), "tickets_url",
		       url(&r->arena, U_CHECKIN_ID_TICKETS, s->id), "search_url",
		       url(&r->arena, U_CHECKIN_ID_SEARCH, s->id), "result", result ? result : json_null(), "error",
		       error));
	json_decref(sessions);
	return status;
}

int pg_scanner(struct req *r)
{
	struct seminar s;
	json_t *sessions;
	long long session;
	int rc;

	if ((rc = door_session(r, &s, &sessions, &session)) != 0)
		return rc;
	return scanner_page(r, &s, session, sessions, NULL, NULL, 200,
			    session ? NULL : "У семинара нет занятий: добавьте их на странице управления семинаром.");
}

static const char *random_id(struct req *r)
{
	unsigned char rnd[16];
	char out[32];

	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(out, rnd, sizeof(rnd));
	return arena_strdup(&r->arena, out);
}

/* "2026-12-12T10:02:33" -> "2026-12-12 10:02:33", or NULL when it is not that shape. */
static const char *device_time(struct req *r)
{
	const char *v = req_param(r, "device_time");
	char *t;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (v[i] < '0' || v[i] > '9') : v[i] != shape[i])
			return NULL;
	{
		/* The shape is right; the values must be a real moment too. */
		int y = atoi(v), mo = atoi(v + 5), d = atoi(v + 8), h = atoi(v + 11), mi = atoi(v + 14),
		    se = atoi(v + 17);
		static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
		    se > 59 || (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
			return NULL;
	}
	t = arena_strdup(&r->arena, v);
	t[10] = ' ';
	return t;
}

/* The ticket code of what was read: the part after the last "/t/" of a URL, or the text itself. */
static const char *ticket_code(struct req *r, const char *read)
{
	const char *p = read, *hit;
	size_t n;

	while ((hit = strstr(p, "/t/")) != NULL)
		p = hit + 3;
	n = strcspn(p, "?#/ ");
	return arena_strndup(&r->arena, p, n > 200 ? 200 : n);
}

int pg_scan(struct req *r)
{
	struct seminar s;
	struct scan_in in = {0};
	struct scan_out out;
	json_t *sessions = NULL, *res, *counts;
	long long session = req_int(r, "session_id", 0), id = req_arg_id(r, 0);
	int rc;

	/* A device names its session, and the scan's own call checks that it is the seminar's: the seminar is
	 * read only for the organiser's check, and the sessions only to pick one; the rest only for the page. */
	if ((rc = session ? auth_seminar_place(r, id) : door_session(r, &s, &sessions, &session)) != 0)
		return rc;
	if (session == 0) {
		json_decref(sessions);
		return fail(r, 400, no_session);
	}
	if (req_param(r, "code") == NULL) {
		json_decref(sessions);
		return fail_field(r, "code", "отсканируйте билет или введите код");
	}
	in.seminar_id = id;
	in.session_id = session;
	in.operator_id = r->user->id;
	in.code = ticket_code(r, req_param(r, "code"));
	in.client_scan_id = req_param(r, "client_scan_id") ? req_param(r, "client_scan_id") : random_id(r);
	in.device_id = req_param(r, "device_id");
	in.device_time = device_time(r);
	in.method = req_param(r, "method") ? req_param(r, "method") : "qr";
	rc = db_checkin_scan(r->app->db, &r->arena, &in, &out);
	if (rc != 1) {
		json_decref(sessions);
		return rc == 0 ? fail(r, 400, no_session) : 500;
	}
	res = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:I, s:b}", "result", out.result, "message",
			message(r, &out), "name", out.name, "organization", out.organization, "at", out.at, "by",
			out.by, "conflict", out.conflict, "scan_id", (json_int_t)out.scan_id, "replay", out.replay);
	/* The counters as the scan's transaction saw them. */
	counts = json_pack("{s:I, s:I, s:I}", "registered", (json_int_t)out.registered, "present_in_person",
			   (json_int_t)out.present_in_person, "present_online", (json_int_t)out.present_online);
	if (r->want_json) {
		json_object_set_new(res, "counts", counts);
		json_decref(sessions);
		return page(r, "checkin", res);
	}
	if (sessions == NULL && (db_seminar_get(r->app->db, &r->arena, id, &s) != 1 ||
				 (sessions = db_seminar_sessions(r->app->db, &r->arena, id)) == NULL)) {
		json_decref(res);
		json_decref(counts);
		return 500;
	}
	return scanner_page(r, &s, session, sessions, counts, res, 200, NULL);
}

int pg_undo(struct req *r)
{
	struct seminar s;
	long long scan = req_int(r, "scan_id", 0);
	const char *key = req_param(r, "client_scan_id") ? req_param(r, "client_scan_id") : random_id(r);
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (scan == 0)
		return fail_field(r, "scan_id", "укажите отметку, которую нужно отменить");
	if ((rc = db_checkin_undo(r->app->db, s.id, scan, key, req_param(r, "device_id"), r->user->id)) == -1)
		return 500;
	if (rc == 1)
		audit(r, "checkin.undo", "scan_event", scan, arena_printf(&r->arena, "seminar=%lld", s.id));
	/* 2: the same undo sent again, already on record. */
	r->want_json = 1;
	return page(r, "checkin",
		    json_pack("{s:s, s:s}", "result", rc >= 1 ? "undone" : "not_found", "message",
			      rc >= 1 ? "Отметка отменена." : "Нечего отменять: отметка не найдена или уже отменена."));
}

int pg_tickets(struct req *r)
{
	struct seminar s;
	json_t *tickets;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((tickets = db_checkin_tickets(r->app->db, &r->arena, s.id)) == NULL)
		return 500;
	/* Names on an organiser's device are personal data: on record. */
	if (access_record(r, "tickets.download", "seminar", s.id, NULL, NULL) == -1) {
		json_decref(tickets);
		return 500;
	}
	r->want_json = 1;
	return page(r, "checkin", json_pack("{s:I, s:o}", "seminar_id", (json_int_t)s.id, "tickets", tickets));
}

int pg_search(struct req *r)
{
	struct seminar s;
	json_t *people, *sessions;
	long long session;
	int rc;

	if ((rc = door_session(r, &s, &sessions, &session)) != 0)
		return rc;
	json_decref(sessions);
	people = req_param(r, "q") ? db_checkin_search(r->app->db, &r->arena, s.id, session, req_param(r, "q"))
				   : json_array();
	if (people == NULL)
		return 500;
	if (req_param(r, "q") != NULL &&
	    access_record(r, "checkin.search", "seminar", s.id, req_param(r, "q"), NULL) == -1) {
		json_decref(people);
		return 500;
	}
	r->want_json = 1;
	return page(r, "checkin", json_pack("{s:o}", "people", people));
}
