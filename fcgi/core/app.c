/* Program start-up, the worker's request loop, routing and the front-line checks. */
#include "app.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <sodium.h>

#include "io.h"
#include "tmpl.h"

static int listen_fd = -1;
static int fcgi_workers; /* prefork slots below this serve requests; the rest run prog->background */

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

int app_init(struct app *a, const struct program *prog, int argc, char **argv)
{
	const char *path = getenv("SEM_CONFIG"), *v;
	int c;

	memset(a, 0, sizeof(*a));
	a->prog = prog;
	log_init(prog->name, LOG_INFO);
	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c != 'c') {
			fprintf(stderr, "usage: %s [-c config]\n", argv[0]);
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
	v = config_get(&a->cfg, "templates", "templates");
	{
		char *dir = NULL;
		if (asprintf(&dir, "%s/pages", v) < 0)
			abort();
		a->tmpl = tmpl_load(dir);
		free(dir);
	}
	return a->tmpl != NULL ? 1 : -1;
}

static int db_ready(struct app *a)
{
	if (a->db == NULL)
		a->db = db_open(config_get(&a->cfg, "db_socket", "var/run/mysqld.sock"),
				config_get(&a->cfg, "db_user", "sem_portal"), config_get(&a->cfg, "db_password", ""),
				config_get(&a->cfg, "db_name", "seminars"));
	return a->db != NULL;
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

static int dispatch(struct req *r)
{
	const struct route *rt = NULL;
	int st = 404, parsed = req_start(r);

	/* The route, found once, sets the body limit before the body is read. */
	if (parsed == 0) {
		rt = route_find(r, &st);
		parsed = req_read(r, rt != NULL && (rt->flags & R_UPLOAD) ? r->app->upload_max : r->app->body_max);
	}

	/* Cookies are parsed first, so even an error page knows who is signed in. */
	if (!r->app->prog->nodb) {
		if (!db_ready(r->app))
			return fail(r, 503, "База данных временно недоступна. Попробуйте через минуту.");
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
	if ((rt->flags & (R_LOGIN | R_ADMIN | R_ORGANIZER | R_REVIEWER)) && r->user == NULL) {
		if (r->want_json || r->method != M_GET)
			return fail(r, 401, "Войдите, чтобы продолжить.");
		struct buf b = {0};
		buf_adds(&b, "/login?next=");
		url_encode(&b, r->path);
		/* Keep the query: the presenter's QR carries the code in it. */
		if (r->query[0] != '\0') {
			buf_adds(&b, "%3F");
			url_encode(&b, r->query);
		}
		r->location = arena_strdup(&r->arena, b.p);
		buf_free(&b);
		return 303;
	}
	/* A new text of the consent is accepted before going on (152-FZ: consent is to a known text). */
	if ((rt->flags & (R_LOGIN | R_ADMIN | R_ORGANIZER | R_REVIEWER)) && !(rt->flags & R_ANYCONSENT) &&
	    !r->user->consent_ok) {
		struct buf b = {0};
		if (r->want_json || r->method != M_GET)
			return fail(r, 403,
				    "Текст согласия на обработку персональных данных изменился: примите новую редакцию "
				    "на странице /consent/accept.");
		buf_adds(&b, "/consent/accept?next=");
		url_encode(&b, r->path);
		r->location = arena_strdup(&r->arena, b.p);
		buf_free(&b);
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
	return rt->fn(r);
}

static json_t *user_json(const struct req *r)
{
	if (r->user == NULL)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:b, s:b, s:b}", "id", (json_int_t)r->user->id, "name", r->user->name,
			 "email", r->user->email, "is_admin", auth_has(r, ROLE_ADMIN, 0, 0), "is_organizer",
			 auth_has(r, ROLE_ORGANIZER, -1, -1), "is_reviewer", auth_sees_reports(r));
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
	r.status = dispatch(&r);
	render(&r);
	if (r.cache_key != NULL && r.status == 200)
		cache_put(r.cache_key, r.cache_version, r.ctype ? r.ctype : "text/html; charset=utf-8", &r.body);
	if (r.status >= 500)
		log_msg(LOG_ERROR, r.rid, "%s %s -> %d %s", io_param(io, "REQUEST_METHOD"), r.path ? r.path : "?",
			r.status, r.errmsg ? r.errmsg : "");
	resp_send(&r);
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

int app_healthz(struct req *r)
{
	if (r->app->db == NULL || db_ping(r->app->db) == -1)
		return fail(r, 503, "База данных недоступна.");
	r->ctype = "application/json";
	buf_adds(&r->body, "{\"status\":\"ok\"}");
	return 200;
}

static void worker(void *arg, int slot)
{
	struct app *a = arg;

	if (slot >= fcgi_workers) {
		/* A background runner: no requests, only its own loop once the database answers. */
		while (!prefork_stopping && !db_ready(a))
			sleep(1);
		if (!prefork_stopping)
			a->prog->background(a);
	} else {
		if (!a->prog->nodb && !db_ready(a))
			log_msg(LOG_WARN, NULL, "worker: database not reachable yet; answering 503 until it is");
		io_accept_loop(listen_fd, handle, a);
	}
	db_close(a->db);
	a->db = NULL;
}

int app_serve(struct app *a)
{
	const char *sock = config_get(&a->cfg, "listen", NULL);
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
	rc = prefork_run(fcgi_workers + (a->prog->background ? (int)config_int(&a->cfg, "background_workers", 2) : 0),
			 worker, a, 10);
	if (sock != NULL)
		unlink(sock);
	return rc;
}

int app_main(const struct program *prog, int argc, char **argv)
{
	static struct app app;

	if (app_init(&app, prog, argc, argv) == -1)
		return 1;
	return app_serve(&app);
}
