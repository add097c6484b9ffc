/* Serving: the pre-forking master's workers (readers, writers, background runners) and each request's life in one. */
#include "app.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <sodium.h>

#include "gate.h"
#include "io.h"

static int listen_fd = -1, write_fd = -1;
/* Prefork slots: read workers below fcgi_workers, then write workers (POSTs, on listen_write) below
 * fcgi_workers + write_workers, then background runners (prog->background). */
static int fcgi_workers, write_workers;

/* The wall clock in milliseconds, nginx's $msec times 1000. */
static double now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

/* The time the request waited between nginx and this worker: nginx's $msec when it passed it on. */
static double queued_ms(struct req_io *io)
{
	const char *v = io_param(io, "REQUEST_START");
	double q;

	if (v == NULL)
		return 0;
	q = now_ms() - strtod(v, NULL) * 1000.0;
	/* A clock step, or a value that is not a time: not a queue. */
	return q > 0 && q < 3600 * 1000.0 ? q : 0;
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
	r.status = app_front_dispatch(&r);
	gate_leave();
	if (r.status >= 500 && r.status != 503 &&
	    ((a->db != NULL && db_state(a->db) != DB_FINE) || (a->db_read != NULL && db_state(a->db_read) != DB_FINE)))
		app_front_unavailable(&r);
	app_render(&r);
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

static void worker(void *arg, int slot)
{
	struct app *a = arg;

	gate_attach(slot);
	/* Writers and background runners yield the CPU to the readers (the catalogue) when the machine is full. */
	if (slot >= fcgi_workers && setpriority(PRIO_PROCESS, 0, (int)config_int(&a->cfg, "write_nice", 10)) == -1)
		log_msg(LOG_WARN, NULL, "worker: setpriority failed");
	if (slot >= fcgi_workers + write_workers) {
		/* A background runner: no requests and no deadline, only its own loop once the database answers. */
		a->stmt_limit = 0;
		while (!prefork_stopping && !app_db(a))
			sleep(1);
		if (!prefork_stopping)
			a->prog->background(a);
	} else {
		if (!a->prog->nodb && !app_db(a))
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
		struct req_io io = {NULL, NULL};
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
