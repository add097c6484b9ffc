/* The front line every request passes before its handler: the route, the queue's and the body's limits, the
 * database deadline, the session, CSRF, sign-in, consent and roles; and the answers of a database that fails. */
#include "app.h"

#include <string.h>

#include "gate.h"
#include "io.h"

static const char MSG_BUSY[] = "Сервер сейчас перегружен и не успел ответить. Попробуйте ещё раз через несколько "
			       "секунд — ничего не сохранено наполовину.",
		  MSG_DOWN[] = "База данных перезапускается. Попробуйте ещё раз через несколько секунд.";

/* Matches path against pattern; captures {x} segments into r->args. */
static int match(struct req *r, const char *pat, const char *path)
{
	int n = 0;

	while (*pat && *path) {
		if (*pat == '{') {
			/* A capture ends at '/' or at the pattern's next character: "{id}.ics". */
			const char *close = strchr(pat, '}');
			char stop[3] = {'/', close ? close[1] : '\0', '\0'};
			size_t seg = strcspn(path, stop);
			if (close == NULL || seg == 0 || n == 4)
				return 0;
			/* {id}, {sid}: a number, so "/checkin/nothing" is not taken for a seminar. */
			if (close - pat >= 3 && close[-2] == 'i' && close[-1] == 'd' &&
			    strspn(path, "0123456789") < seg)
				return 0;
			r->args[n++] = arena_strndup(&r->arena, path, seg);
			path += seg;
			pat = close + 1;
		} else if (*pat++ != *path++)
			return 0;
	}
	return *pat == '\0' && *path == '\0';
}

static const struct route *route_find(struct req *r, int *status)
{
	const struct route *rt;
	enum method m = r->method == M_HEAD ? M_GET : r->method;

	*status = 404;
	for (rt = r->app->prog->routes; rt->pattern != NULL; rt++) {
		memset(r->args, 0, sizeof(r->args));
		if (!match(r, rt->pattern, r->path))
			continue;
		if (rt->method == m)
			return rt;
		*status = 405;
	}
	return NULL;
}

const char *app_front_come_back(struct req *r, const char *path)
{
	struct buf b = {0};
	const char *out;

	buf_adds(&b, path);
	url_encode(&b, r->path ? r->path : "/");
	if (r->query != NULL && r->query[0] != '\0') {
		buf_adds(&b, "%3F");
		url_encode(&b, r->query);
	}
	out = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	return out;
}

/* Test hook (test_faults = 1 only): X-Test-Fault: commit-lost-before | commit-lost-after (writers-busy: see
 * app_writers_busy). */
static enum db_fault test_fault(struct req *r)
{
	const char *v = io_param(r->io, "HTTP_X_TEST_FAULT");

	if (v == NULL)
		return DB_FAULT_NONE;
	return strcmp(v, "commit-lost-before") == 0  ? DB_FAULT_LOST_BEFORE_COMMIT
	       : strcmp(v, "commit-lost-after") == 0 ? DB_FAULT_LOST_AFTER_COMMIT
						     : DB_FAULT_NONE;
}

void app_front_unavailable(struct req *r)
{
	enum db_state st = db_state(r->app->db);

	json_decref(r->ctx);
	r->ctx = NULL;
	r->page = NULL;
	r->location = NULL;
	r->cache_key = NULL;
	buf_reset(&r->head);
	r->status = fail_retry(r, st == DB_DOWN ? 5 : 2, st == DB_DOWN ? MSG_DOWN : MSG_BUSY);
}

int app_seminar_gate(struct req *r, long long seminar_id)
{
	/* Behind a writer that moves (a rush: milliseconds each) a request waits its turn, at most half its time;
	 * behind a stuck one (a long lock, a slow database) it is refused at once. */
	if (gate_enter(seminar_id, r->app->seminar_writers, r->app->deadline_ms / 2))
		return 1;
	fail_retry(r, 2, "На этот семинар сейчас записывается много людей. Попробуйте ещё раз через несколько секунд.");
	return 0;
}

int app_front_dispatch(struct req *r)
{
	const struct route *rt = NULL;
	int st = 404, parsed = req_start(r), slow;

	/* The route, found once, sets the body limit before the body is read. */
	if (parsed == 0) {
		rt = route_find(r, &st);
		/* Waited too long for a worker: more is asked than the machine serves. Refused before any work, so
		 * the queue drains; reports and exports first. */
		if (rt != NULL && r->queued_ms > ((rt->flags & R_BULK) || r->app->prog->bulk ? r->app->queue_bulk_ms
											     : r->app->queue_ms))
			return fail_retry(r, 2, MSG_BUSY);
		parsed = req_read(r, rt != NULL && (rt->flags & R_UPLOAD) ? r->app->upload_max : r->app->body_max);
	}

	/* Cookies are parsed first, so even an error page knows who is signed in. */
	if (!r->app->prog->nodb) {
		if (!app_db(r->app))
			return fail_retry(r, 5, MSG_DOWN);
		/* The deadline counts from the request's arrival at nginx; a slow route's statements may take longer.
		 */
		slow = rt != NULL && (rt->flags & R_SLOW);
		r->db_at_ms = db_now_ms() - r->queued_ms + (slow ? r->app->deadline_slow_ms : r->app->deadline_ms);
		r->db_limit_s = slow ? r->app->deadline_slow_ms / 4000 : 0;
		db_deadline(r->app->db, r->db_at_ms, r->db_limit_s);
		if (r->app->db_read != NULL)
			db_deadline(r->app->db_read, r->db_at_ms, r->db_limit_s);
		if (r->app->test_faults)
			db_fault(r->app->db, test_fault(r));
		if (auth_load(r) == -1)
			return 500;
	}
	if (parsed != 0)
		return parsed;
	if (rt == NULL)
		return st;
	if (r->method == M_POST && !(rt->flags & R_NOCSRF) && !auth_csrf_ok(r))
		return fail(r, 403,
			    "Форма устарела или отправлена с другого сайта. Обновите страницу и попробуйте снова.");
	if ((rt->flags & (R_LOGIN | R_ADMIN | R_ORGANIZER | R_REVIEWER | R_HEAD)) && r->user == NULL) {
		if (r->want_json || r->method != M_GET)
			return fail(r, 401, "Войдите, чтобы продолжить.");
		r->location = app_front_come_back(r, U_LOGIN "?next=");
		return 303;
	}
	/* A new text of the consent is accepted before going on (152-FZ: consent is to a known text). */
	if ((rt->flags & (R_LOGIN | R_ADMIN | R_ORGANIZER | R_REVIEWER | R_HEAD)) && !(rt->flags & R_ANYCONSENT) &&
	    !r->user->consent_ok) {
		if (r->want_json || r->method != M_GET)
			return fail(r, 403,
				    "Текст согласия на обработку персональных данных изменился: примите новую редакцию "
				    "на странице " U_CONSENT_ACCEPT ".");
		r->location = app_front_come_back(r, U_CONSENT_ACCEPT "?next=");
		return 303;
	}
	if ((rt->flags & R_ADMIN) && !auth_has(r, ROLE_ADMIN, 0, 0))
		return fail(r, 403, "Эта страница доступна только администраторам.");
	if ((rt->flags & R_ORGANIZER) && !auth_has(r, ROLE_ORGANIZER, -1, -1))
		return fail(r, 403, "Эти страницы доступны организаторам семинаров.");
	if ((rt->flags & R_REVIEWER) && !auth_sees_reports(r))
		return fail(r, 403,
			    "Отчёты об охвате обучением доступны сотрудникам министерств (проверяющим), "
			    "организаторам и администраторам.");
	if ((rt->flags & R_HEAD) && r->user->head_org == 0)
		return fail(r, 403,
			    "Эти страницы доступны руководителям организаций (ответственным за ведение страниц), "
			    "подтверждённым организатором или администратором.");
	return rt->fn(r);
}
