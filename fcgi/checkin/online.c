/* Online attendance: the presenter screen with the rotating code, and the participant's code entry. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "checkin.h"

#define CODE_TRIES        10
#define CODE_TRIES_WINDOW 300

/* The session of ?session_id (or the one running now) for one of the seminar's organisers.
 * Returns 0 or the status to return. */
static int presenter_session(struct req *r, struct seminar *s, long long *session, const char **label)
{
	json_t *rows, *row;
	size_t i;
	int rc;

	if ((rc = door_session(r, s, &rows, session)) != 0)
		return rc;
	json_array_foreach (rows, i, row)
		if (json_integer_value(json_object_get(row, "id")) == *session) {
			const char *st = json_string_value(json_object_get(row, "starts_at"));
			*label = arena_printf(&r->arena, "%s, %.5s", date_ru(&r->arena, st, 0), st + 11);
		}
	json_decref(rows);
	return *session ? 0 : fail(r, 404, "У семинара нет такого занятия.");
}

static const char *code_url(struct req *r, const char *code)
{
	return arena_printf(&r->arena, "%s%s?c=%s", r->app->base_url, U_CHECKIN_CODE, code);
}

int pg_present(struct req *r)
{
	struct seminar s;
	long long session, now = (long long)time(NULL);
	const char *label = "";
	char code[7];
	int rc;

	if ((rc = presenter_session(r, &s, &session, &label)) != 0)
		return rc;
	auth_session_code(r->app, session, now / CODE_WINDOW, code);
	return page(r, "present",
		    json_pack("{s:s, s:{s:I, s:s}, s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "title", "Код присутствия",
			      "seminar", "id", (json_int_t)s.id, "title", s.title, "session_id", (json_int_t)session,
			      "session", label, "code", code, "code_url", code_url(r, code), "qr_url",
			      arena_printf(&r->arena, "%s?session_id=%lld&w=%lld",
					   url(&r->arena, U_CHECKIN_ID_PRESENT_SVG, s.id), session, now / CODE_WINDOW),
			      "seconds_left", (json_int_t)(CODE_WINDOW - now % CODE_WINDOW), "window",
			      (json_int_t)CODE_WINDOW));
}

int pg_present_svg(struct req *r)
{
	struct seminar s;
	long long session;
	const char *label;
	char code[7];
	int rc;

	if ((rc = presenter_session(r, &s, &session, &label)) != 0)
		return rc;
	auth_session_code(r->app, session, (long long)time(NULL) / CODE_WINDOW, code);
	if (qr_svg(&r->body, code_url(r, code), 8) == -1)
		return 500;
	r->ctype = "image/svg+xml";
	return 200;
}

static int code_page(struct req *r, int status, const char *error, const char *notice)
{
	page(r, "code",
	     json_pack("{s:s, s:s?, s:s?, s:s?, s:I}", "title", "Код присутствия", "code", req_param(r, "c"), "error",
		       error, "notice", notice, "window", (json_int_t)CODE_WINDOW));
	return status;
}

int pg_code(struct req *r)
{
	return code_page(r, 200, NULL, NULL);
}

/* A code is good for its window and the one before (a broadcast lags). */
static int code_matches(struct req *r, long long session, const char *code)
{
	long long w = (long long)time(NULL) / CODE_WINDOW;
	char want[7];

	auth_session_code(r->app, session, w, want);
	if (sodium_memcmp(want, code, 6) == 0)
		return 1;
	auth_session_code(r->app, session, w - 1, want);
	return sodium_memcmp(want, code, 6) == 0;
}

int pg_code_post(struct req *r)
{
	const char *code = req_param(r, "c"), *bucket = arena_printf(&r->arena, "code:%lld", r->user->id);
	unsigned char rnd[16];
	char key[32];
	json_t *cands, *c;
	long hits;
	size_t i;
	int rc;

	if (code == NULL || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return code_page(r, 400, "Введите шесть цифр кода с экрана трансляции.", NULL);
	if ((hits = auth_throttle_hit(r, bucket, CODE_TRIES_WINDOW)) < 0)
		return 500;
	if (hits > CODE_TRIES)
		return code_page(r, 429, "Слишком много попыток. Подождите пять минут и введите код снова.", NULL);
	if ((cands = db_online_candidates(r->app->db, &r->arena, r->user->id)) == NULL)
		return 500;
	if (json_array_size(cands) == 0) {
		json_decref(cands);
		return code_page(
			r, 409,
			"Сейчас не идёт ни одно занятие семинара, на который вы записаны. Код действует только "
			"во время занятия.",
			NULL);
	}
	json_array_foreach (cands, i, c) {
		long long session = json_integer_value(json_object_get(c, "session_id"));
		const char *title;
		if (!code_matches(r, session, code))
			continue;
		title = arena_strdup(&r->arena, json_string_value(json_object_get(c, "title")));
		randombytes_buf(rnd, sizeof(rnd));
		b64url_encode(key, rnd, sizeof(rnd));
		rc = db_online_attend(r->app->db, json_integer_value(json_object_get(c, "seminar_id")), session,
				      json_integer_value(json_object_get(c, "registration_id")), r->user->id, key);
		json_decref(cands);
		if (rc == -1)
			return 500;
		return code_page(
			r, 200, NULL,
			rc == 1 ? arena_printf(&r->arena, "Присутствие отмечено: «%s». Спасибо!", title)
				: arena_printf(&r->arena, "Вы уже отмечены на этом занятии семинара «%s».", title));
	}
	json_decref(cands);
	return code_page(r, 400, "Код неверный или устарел: введите код, который сейчас на экране трансляции.", NULL);
}
