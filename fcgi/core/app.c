/* Program start-up, the worker's request loop, routing and the front-line checks. */
#include "app.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "authcache.h"
#include "dbconf.h"
#include "gate.h"
#include "io.h"
#include "tmpl.h"

static int listen_fd = -1, write_fd = -1;
/* Prefork slots: read workers below fcgi_workers, then write workers (POSTs, on listen_write) below
 * fcgi_workers + write_workers, then background runners (prog->background). */
static int fcgi_workers, write_workers;

static const char MSG_BUSY[] = "Сервер сейчас перегружен и не успел ответить. Попробуйте ещё раз через несколько "
			       "секунд — ничего не сохранено наполовину.",
		  MSG_DOWN[] = "База данных перезапускается. Попробуйте ещё раз через несколько секунд.";

static const char *default_message(int status)
{
	switch (status) {
	case 400: return "Неверный запрос.";
	case 401: return "Войдите, чтобы продолжить.";
	case 403: return "Недостаточно прав для этого действия.";
	case 404: return "Страница не найдена. Проверьте адрес или вернитесь на главную.";
	case 405: return "Этот метод запроса здесь не поддерживается.";
	case 409: return "Действие конфликтует с текущим состоянием данных. Обновите страницу.";
	case 413: return "Слишком большой запрос.";
	case 429: return "Слишком много запросов. Подождите немного и попробуйте снова.";
	case 503: return "Сервис временно недоступен. Попробуйте через минуту.";
	default: return "Внутренняя ошибка сервера. Мы уже знаем о ней; попробуйте позже.";
	}
}

/* The templates of dir/sub, or NULL (logged). */
static struct tmpl_set *templates(const char *dir, const char *sub)
{
	char *path = NULL;
	struct tmpl_set *t;

	if (asprintf(&path, "%s/%s", dir, sub) < 0)
		abort();
	t = tmpl_load(path);
	free(path);
	return t;
}

int app_init(struct app *a, const struct program *prog, int argc, char **argv)
{
	const char *path = getenv("SEM_CONFIG"), *v;
	int c;

	memset(a, 0, sizeof(*a));
	a->prog = prog;
	log_init(prog->name, LOG_INFO);
	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c != 'c') {
			fprintf(stderr, "usage: %s [-c config] [command]\n", argv[0]);
			return -1;
		}
		path = optarg;
	}
	if (path == NULL && access("var/app.conf", R_OK) == 0)
		path = "var/app.conf";
	if (config_load(&a->cfg, path, prog->name) == -1)
		return -1;
	v = config_get(&a->cfg, "log_level", "info");
	log_init(prog->name, strcmp(v, "debug") == 0   ? LOG_DEBUG
			     : strcmp(v, "warn") == 0  ? LOG_WARN
			     : strcmp(v, "error") == 0 ? LOG_ERROR
						       : LOG_INFO);
	if (sodium_init() < 0)
		return -1;
	v = config_get(&a->cfg, "secret_key", NULL);
	if (v == NULL || sodium_hex2bin(a->key, sizeof(a->key), v, strlen(v), NULL, NULL, NULL) != 0) {
		log_msg(LOG_ERROR, NULL, "config: secret_key must be 64 hex digits");
		return -1;
	}
	a->base_url = config_get(&a->cfg, "base_url", "http://127.0.0.1:8080");
	a->secure_cookies = strncmp(a->base_url, "https:", 6) == 0;
	a->body_max = (size_t)config_int(&a->cfg, "body_max", 1024 * 1024);
	/* The largest upload: a seminar material of material_max (50 MB) with its form. */
	a->upload_max = (size_t)config_int(&a->cfg, "upload_max", 51 * 1024 * 1024);
	a->pwhash_min = strcmp(config_get(&a->cfg, "pwhash", "interactive"), "min") == 0;
	a->session_ttl = config_int(&a->cfg, "session_ttl", 14 * 86400);
	/* Signed-in users cached per worker, ended by the epoch every program of the host shares (authcache.h). */
	if (authcache_init(config_get(&a->cfg, "auth_epoch", NULL), config_num(&a->cfg, "session_cache_ttl", 5)) == -1)
		return -1;
	db_watch(authcache_watched, authcache_bump);
	/* Below nginx's fastcgi_read_timeout (nginx.conf), so the client hears our answer, not nginx's 504. */
	a->deadline_ms = config_num(&a->cfg, "deadline", 5) * 1000;
	a->deadline_slow_ms = config_num(&a->cfg, "deadline_slow", 60) * 1000;
	a->stmt_limit = config_num(&a->cfg, "statement_time", a->deadline_ms / 4000);
	a->queue_ms = config_num(&a->cfg, "queue_max", 1) * 1000;
	a->queue_bulk_ms = config_num(&a->cfg, "queue_max_bulk", 0.25) * 1000;
	a->test_faults = config_int(&a->cfg, "test_faults", 0) == 1;
	v = config_get(&a->cfg, "templates", "templates");
	a->tmpl = templates(v, "pages");
	a->mail_tmpl = templates(v, "mail");
	return a->tmpl != NULL && a->mail_tmpl != NULL ? 1 : -1;
}

static int db_ready(struct app *a)
{
	struct db_target t;

	if (a->db == NULL && dbconf_target(&a->cfg, DBCONF_PRIMARY, &t) == 1) {
		a->db = db_open_target(&t, a->stmt_limit);
		/* The seminar's row lock, not the gate, covers the COMMIT: the next writer of the seminar gets in
		 * while this one's COMMIT waits for the disk, and their flushes group (see db_before_commit). */
		if (a->db != NULL)
			db_before_commit(a->db, gate_leave);
	}
	return a->db != NULL;
}

/* A replica that does not answer is asked again after this many seconds; meanwhile reads go to the primary. */
#define READ_RETRY_S 5

struct db *app_db_read(struct req *r)
{
	struct app *a = r->app;
	struct db_target t;
	time_t now;

	if (a->db_read != NULL && db_is_up(a->db_read))
		return a->db_read;
	now = time(NULL);
	if (now < a->read_retry_at || dbconf_target(&a->cfg, DBCONF_READ, &t) != 1)
		return a->db;
	if (a->db_read == NULL)
		a->db_read = db_open_target(&t, a->stmt_limit);
	else
		db_ping(a->db_read);
	if (a->db_read == NULL || !db_is_up(a->db_read)) {
		log_msg(LOG_WARN, r->rid, "db: the read replica does not answer; reading from the primary");
		a->read_retry_at = now + READ_RETRY_S;
		return a->db;
	}
	db_deadline(a->db_read, r->db_at_ms, r->db_limit_s);
	return a->db_read;
}

int app_db(struct app *a)
{
	return db_ready(a);
}

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

/* path followed by this request's address (path and query) as the value of a query parameter: where a page
 * sends the visitor to come back here (the presenter's QR carries the code in the query). In the arena. */
static const char *come_back(struct req *r, const char *path)
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

/* The time the request waited between nginx and this worker: nginx's $msec when it passed it on. */
static double queued_ms(struct req_io *io)
{
	const char *v = io_param(io, "REQUEST_START");
	struct timeval tv;
	double q;

	if (v == NULL)
		return 0;
	gettimeofday(&tv, NULL);
	q = (double)tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0 - strtod(v, NULL) * 1000.0;
	/* A clock step, or a value that is not a time: not a queue. */
	return q > 0 && q < 3600 * 1000.0 ? q : 0;
}

/* An answer that failed for want of the database is a 503 the client may retry, not a 500: what the handler
 * had made is dropped (its transaction was rolled back). */
static void unavailable(struct req *r)
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

static int dispatch(struct req *r)
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
		if (!db_ready(r->app))
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
		r->location = come_back(r, U_LOGIN "?next=");
		return 303;
	}
	/* A new text of the consent is accepted before going on (152-FZ: consent is to a known text). */
	if ((rt->flags & (R_LOGIN | R_ADMIN | R_ORGANIZER | R_REVIEWER | R_HEAD)) && !(rt->flags & R_ANYCONSENT) &&
	    !r->user->consent_ok) {
		if (r->want_json || r->method != M_GET)
			return fail(r, 403,
				    "Текст согласия на обработку персональных данных изменился: примите новую редакцию "
				    "на странице " U_CONSENT_ACCEPT ".");
		r->location = come_back(r, U_CONSENT_ACCEPT "?next=");
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

int app_lowvision(const struct req *r)
{
	const char *v = req_cookie(r, VIEW_COOKIE);

	return v != NULL && strcmp(v, "lowvision") == 0;
}

/* The layout's switch between the usual version and the version for the visually impaired. */
static json_t *view_json(struct req *r)
{
	int low = app_lowvision(r);

	return json_pack("{s:b, s:s, s:s}", "lowvision", low, "switch_url",
			 come_back(r, low ? U_VIEW_NORMAL "?next=" : U_VIEW_LOWVISION "?next="), "switch_text",
			 low ? "Обычная версия" : "Версия для слабовидящих");
}

int app_view(struct req *r)
{
	const char *next = req_param(r, "next");

	if (strcmp(r->path, U_VIEW_LOWVISION) == 0)
		resp_cookie(r, VIEW_COOKIE, "lowvision", VIEW_MAX_AGE);
	else
		resp_cookie(r, VIEW_COOKIE, "", 0);
	return redirect(r, next ? next : U_HOME);
}

static json_t *user_json(const struct req *r)
{
	if (r->user == NULL)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:b, s:b, s:b, s:b}", "id", (json_int_t)r->user->id, "name", r->user->name,
			 "email", r->user->email, "is_admin", auth_has(r, ROLE_ADMIN, 0, 0), "is_organizer",
			 auth_has(r, ROLE_ORGANIZER, -1, -1), "is_reviewer", auth_sees_reports(r), "is_head",
			 r->user->head_org > 0);
}

static const char *csrf_token(void *r)
{
	return auth_csrf(r);
}

static void render(struct req *r)
{
	json_t *ctx = r->ctx;

	if (r->page == NULL && r->status >= 400) {
		ctx = r->ctx = json_pack("{s:s, s:i, s:s}", "title", "Ошибка", "status", r->status, "message",
					 r->errmsg ? r->errmsg : default_message(r->status));
		r->page = "error";
	}
	if (r->page == NULL)
		return;
	json_object_set_new(ctx, "user", user_json(r));
	if (r->want_json) {
		/* Scripts of a signed-in user send this token in X-CSRF-Token. */
		if (r->sid != NULL)
			json_object_set_new(ctx, "csrf", json_string(auth_csrf(r)));
		char *s;
		if (r->status >= 400) {
			/* Error pages carry "message"; forms shown again carry "error". */
			json_t *msg = json_object_get(ctx, "message");
			if (!json_is_string(msg))
				msg = json_object_get(ctx, "error");
			ctx = json_pack("{s:i, s:s}", "status", r->status, "error",
					json_is_string(msg) ? json_string_value(msg)
					: r->errmsg         ? r->errmsg
							    : default_message(r->status));
		}
		s = ctx ? json_dumps(ctx, JSON_COMPACT) : NULL;
		buf_adds(&r->body, s ? s : "{}");
		free(s);
		if (ctx != r->ctx)
			json_decref(ctx);
		r->ctype = "application/json";
		return;
	}
	json_object_set_new(ctx, "view", view_json(r));
	if (!tmpl_render(r->app->tmpl, r->page, ctx, csrf_token, r, &r->body)) {
		log_msg(LOG_ERROR, r->rid, "no template %s", r->page);
		r->status = 500;
		buf_reset(&r->body);
		buf_adds(&r->body, "Internal error");
		r->ctype = "text/plain; charset=utf-8";
	}
}

static double now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

static void handle(struct req_io *io, void *arg)
{
	struct app *a = arg;
	static struct req r;
	struct arena keep = r.arena;
	struct buf head = r.head, body = r.body;
	double t0 = now_ms();
	const char *rid, *cl = io_param(io, "CONTENT_LENGTH");
	int big = cl != NULL && strtoll(cl, NULL, 10) > (long long)a->body_max;

	memset(&r, 0, sizeof(r));
	r.arena = keep;
	r.head = head;
	r.body = body;
	r.app = a;
	r.io = io;
	rid = io_param(io, "REQUEST_ID");
	if (rid != NULL && *rid && strlen(rid) <= 64)
		r.rid = arena_strdup(&r.arena, rid);
	else {
		unsigned char rnd[8];
		char hex[17];
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		r.rid = arena_strdup(&r.arena, hex);
	}
	r.queued_ms = queued_ms(io);
	gate_serving(1);
	r.status = dispatch(&r);
	gate_leave();
	if (r.status >= 500 && r.status != 503 &&
	    ((a->db != NULL && db_state(a->db) != DB_FINE) || (a->db_read != NULL && db_state(a->db_read) != DB_FINE)))
		unavailable(&r);
	render(&r);
	if (r.cache_key != NULL && r.status == 200)
		cache_put(r.cache_key, r.cache_version, r.ctype ? r.ctype : "text/html; charset=utf-8", &r.body);
	/* A refusal under load (503) is expected there: a warning, not an error. */
	if (r.status >= 500)
		log_msg(r.status == 503 ? LOG_WARN : LOG_ERROR, r.rid, "%s %s -> %d %s", io_param(io, "REQUEST_METHOD"),
			r.path ? r.path : "?", r.status, r.errmsg ? r.errmsg : "");
	resp_send(&r);
	gate_serving(0);
	log_msg(LOG_DEBUG, r.rid, "%s %s %d %.2fms", io_param(io, "REQUEST_METHOD"), r.path ? r.path : "?", r.status,
		now_ms() - t0);
	json_decref(r.ctx);
	r.ctx = NULL;
	buf_reset(&r.head);
	buf_reset(&r.body);
	/* A big download (a ZIP of certificates) must not stay in the worker's memory. */
	if (r.body.cap > 4 * 1024 * 1024)
		buf_free(&r.body);
	arena_reset(&r.arena);
	/* A big upload (a register import) leaves megabytes of freed heap behind, which glibc keeps:
	 * give it back, so the worker is small again for the next request. */
	if (big)
		malloc_trim(0);
}

/* The request app_replay_later keeps for after the answer, as "NAME=value" strings. */
static char *replay_env[8];
static int replaying;

int app_writers_busy(struct req *r)
{
	const char *v = r->app->test_faults ? io_param(r->io, "HTTP_X_TEST_FAULT") : NULL;

	if (v != NULL && strcmp(v, "writers-busy") == 0)
		return 1;
	return write_workers > 0 && gate_serving_count(fcgi_workers, fcgi_workers + write_workers) == write_workers;
}

int app_replaying(void)
{
	return replaying;
}

static char *env_pair(const char *name, const char *value)
{
	char *p;

	if (asprintf(&p, "%s=%s", name, value ? value : "") < 0)
		abort();
	return p;
}

void app_replay_later(struct req *r)
{
	int n = 0;

	if (replay_env[0] != NULL || replaying)
		return;
	replay_env[n++] = env_pair("REQUEST_METHOD", "GET");
	replay_env[n++] = env_pair("REQUEST_URI", io_param(r->io, "REQUEST_URI"));
	replay_env[n++] = env_pair("QUERY_STRING", r->query);
	replay_env[n++] = env_pair("HTTP_ACCEPT", r->accept);
	replay_env[n++] = env_pair("REMOTE_ADDR", r->ip);
	if (app_lowvision(r))
		replay_env[n++] = env_pair("HTTP_COOKIE", VIEW_COOKIE "=lowvision");
	replay_env[n] = NULL;
}

/* After a request's answer (io_accept_loop): the request app_replay_later kept, made again, its output dropped. */
static void replay(void *arg)
{
	struct req_io io = {NULL, replay_env};
	int i;

	if (replay_env[0] == NULL)
		return;
	replaying = 1;
	handle(&io, arg);
	replaying = 0;
	for (i = 0; replay_env[i] != NULL; i++) {
		free(replay_env[i]);
		replay_env[i] = NULL;
	}
}

int app_healthz(struct req *r)
{
	const char *why;

	if (r->app->db != NULL && db_ping(r->app->db) == 0) {
		r->ctype = "application/json";
		buf_adds(&r->body, "{\"status\":\"ok\"}");
		return 200;
	}
	/* Says why, for whoever watches: the server is gone, or it answers too slowly. */
	why = r->app->db == NULL || db_state(r->app->db) != DB_BUSY
		      ? "База данных недоступна: нет соединения (сервер остановлен или перезапускается)."
		      : "База данных не отвечает вовремя (перегрузка или долгие блокировки).";
	log_msg(LOG_WARN, r->rid, "healthz: %s (error %u)", why, r->app->db ? db_errno(r->app->db) : 0);
	return fail_retry(r, 5, why);
}

static void worker(void *arg, int slot)
{
	struct app *a = arg;

	gate_attach(slot);
	/* A request's big temporary blocks (zlib's state of a PNG, about 256 KB) would go back to the kernel at every
	 * free and be faulted in again at the next request (3 x the cost of a ticket's image, measured): keep up to
	 * 4 MB of freed heap; blocks of 1 MB and more are still mapped and unmapped alone, and a big upload trims. */
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	/* Writers and background runners yield the CPU to the readers (the catalogue) when the machine is full. */
	if (slot >= fcgi_workers && setpriority(PRIO_PROCESS, 0, (int)config_int(&a->cfg, "write_nice", 10)) == -1)
		log_msg(LOG_WARN, NULL, "worker: setpriority failed");
	if (slot >= fcgi_workers + write_workers) {
		/* A background runner: no requests and no deadline, only its own loop once the database answers. */
		a->stmt_limit = 0;
		while (!prefork_stopping && !db_ready(a))
			sleep(1);
		if (!prefork_stopping)
			a->prog->background(a);
	} else {
		if (!a->prog->nodb && !db_ready(a))
			log_msg(LOG_WARN, NULL, "worker: database not reachable yet; answering 503 until it is");
		io_accept_loop(slot < fcgi_workers ? listen_fd : write_fd, handle, replay, a);
	}
	db_close(a->db);
	a->db = NULL;
	db_close(a->db_read);
	a->db_read = NULL;
}

int app_serve(struct app *a)
{
	const char *sock = config_get(&a->cfg, "listen", NULL), *wsock;
	int rc;

	if (sock == NULL && getenv("REQUEST_METHOD") != NULL) {
		/* Plain CGI: one request from the environment and stdin (tests). */
		struct req_io io = {NULL};
		handle(&io, a);
		fflush(stdout);
		db_close(a->db);
		return 0;
	}
	if ((listen_fd = io_listen(sock)) < 0) {
		log_msg(LOG_ERROR, NULL, "no socket: set %s.listen in the config or start with a socket on fd 0",
			a->prog->name);
		return 1;
	}
	fcgi_workers = (int)config_int(&a->cfg, "workers", 2);
	/* Writes (nginx sends POSTs to listen_write) have workers of their own: a rush or a stuck row holds
	 * those, never the readers of the catalogue. */
	wsock = config_get(&a->cfg, "listen_write", NULL);
	if (wsock != NULL) {
		if ((write_fd = io_listen(wsock)) < 0)
			return 1;
		write_workers = (int)config_int(&a->cfg, "write_workers", fcgi_workers);
	}
	/* One writer per seminar: they queue on its row anyway, and the others stay free for other seminars. */
	a->seminar_writers = (int)config_int(&a->cfg, "seminar_writers", 1);
	gate_init(fcgi_workers + write_workers, config_num(&a->cfg, "stall", 1) * 1000);
	rc = prefork_run(fcgi_workers + write_workers +
				 (a->prog->background ? (int)config_int(&a->cfg, "background_workers", 2) : 0),
			 worker, a, 10);
	if (sock != NULL)
		unlink(sock);
	if (wsock != NULL)
		unlink(wsock);
	return rc;
}

/* Runs the program's command of that name once, with a database connection and no statement limit. */
static int command(struct app *a, const char *name)
{
	const struct command *c;
	int rc;

	/* Every program's: ends the signed-in users cached on this host (authcache.h) after sessions, grants or
	 * consents were changed by hand. */
	if (strcmp(name, "auth-epoch") == 0) {
		authcache_bump();
		return 0;
	}
	for (c = a->prog->commands; c != NULL && c->name != NULL; c++)
		if (strcmp(c->name, name) == 0) {
			a->stmt_limit = 0;
			if (!db_ready(a)) {
				fprintf(stderr, "%s: the database is not reachable\n", a->prog->name);
				return 1;
			}
			rc = c->run(a);
			db_close(a->db);
			a->db = NULL;
			return rc;
		}
	fprintf(stderr, "%s: no command %s\n", a->prog->name, name);
	return 2;
}

int app_main(const struct program *prog, int argc, char **argv)
{
	static struct app app;

	if (app_init(&app, prog, argc, argv) == -1)
		return 1;
	return optind < argc ? command(&app, argv[optind]) : app_serve(&app);
}
