/* MariaDB access: one connection, lazily prepared statements, transactions with retry. */
#include "db.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "log.h"

struct db {
	MYSQL *m;
	char *socket, *host, *tls_ca, *user, *password, *name;
	unsigned port;
	unsigned long gen; /* bumped at every (re)connect; stale statements re-prepare */
	unsigned err;
	int in_tx;
	int tx_watched;       /* the transaction's body ran a watched write (db_watch) */
	struct arena scratch; /* a transaction body's memory, reset before each attempt */
	double base_limit;    /* db_open's limit_s: every request's, unless db_deadline says otherwise */
	double limit_s;       /* the current request's statement limit; 0: none */
	double session_limit; /* what the session has now (-1: unknown) */
	double deadline;      /* the request's end (db_now_ms), 0: none */
	enum db_state state;  /* why the request's last failure happened */
	int up;               /* connected, as far as we know */
	int commit_unknown;   /* the last db_tx lost its connection at COMMIT and ran its body again */
	enum db_fault fault;  /* test hook for the next COMMIT */
	void (*before_commit)(void);
};

static unsigned long connections;
static int (*watch_sql)(const char *);
static void (*watch_changed)(void);
/* max_statement_time 0 and innodb_lock_wait_timeout 50: the server's defaults, none for background work. */
static struct dbq q_limits = {"SET SESSION max_statement_time = ? / 1000, innodb_lock_wait_timeout = IF(? > 0, ?, 50)",
			      NULL, 0};

static int run_once(struct db *, struct dbq *, const struct dbv *, size_t, struct dbres *, struct arena *);

/* The server is gone or unreachable (restarting, killed, not yet up); over TLS a dropped connection is 2026. */
static int is_lost(unsigned e)
{
	return e == 2002 || e == 2003 || e == 2006 || e == 2013 || e == 2026 || e == 2055 || e == 1927 || e == 4031 ||
	       e == 1053;
}

/* The server answers but not in time: a lock wait, a deadlock, the statement's or the request's time. */
static int is_busy(unsigned e)
{
	return e == 1205 || e == 1213 || e == DB_ETIME || e == 1317 || e == 1040;
}

double db_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Remembers why the request failed, for the answer (503) and /healthz. */
static void failed(struct db *d)
{
	if (is_lost(d->err)) {
		d->state = DB_DOWN;
		d->up = 0;
	} else if (is_busy(d->err))
		d->state = DB_BUSY;
}

/* A statement may start only when it can end (its max_statement_time) before the request's deadline. */
static int out_of_time(struct db *d)
{
	if (d->deadline <= 0 || db_now_ms() + d->limit_s * 1000.0 < d->deadline)
		return 0;
	d->err = DB_ETIME;
	d->state = DB_BUSY;
	return 1;
}

static int query(struct db *d, const char *sql)
{
	if (out_of_time(d))
		return -1;
	if (mysql_real_query(d->m, sql, strlen(sql)) == 0)
		return 0;
	d->err = mysql_errno(d->m);
	failed(d);
	return -1;
}

/* Gives the session the current request's statement limit (lock waits in whole seconds), unless it has it. */
static int limits(struct db *d)
{
	long long lock_s = (long long)(d->limit_s + 0.999);
	struct dbv v[] = {DB_DV_INT((long long)(d->limit_s * 1000)), DB_DV_INT(lock_s), DB_DV_INT(lock_s)};

	if (d->limit_s == d->session_limit)
		return 0;
	d->session_limit = -1;
	if (run_once(d, &q_limits, v, NELEM(v), NULL, NULL) == -1)
		return -1;
	d->session_limit = d->limit_s;
	return 0;
}

static int db_connect(struct db *d)
{
	my_bool off = 0;
	/* A server that accepts and then hangs (stopped, swapping) costs a request at most this. */
	unsigned timeout = d->limit_s > 0 ? (unsigned)(d->limit_s + 0.999) + 1 : 5, io = d->limit_s > 0 ? timeout : 0;

	if (d->m != NULL)
		mysql_close(d->m);
	if ((d->m = mysql_init(NULL)) == NULL)
		abort();
	mysql_options(d->m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(d->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(d->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (io > 0) {
		mysql_options(d->m, MYSQL_OPT_READ_TIMEOUT, &io);
		mysql_options(d->m, MYSQL_OPT_WRITE_TIMEOUT, &io);
	}
	if (d->host != NULL) {
		unsigned tcp = MYSQL_PROTOCOL_TCP;
		mysql_options(d->m, MYSQL_OPT_PROTOCOL, &tcp);
	}
	if (d->tls_ca != NULL) {
		my_bool on = 1;
		mysql_options(d->m, MYSQL_OPT_SSL_CA, d->tls_ca);
		mysql_options(d->m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
		mysql_options(d->m, MYSQL_OPT_SSL_ENFORCE, &on);
	}
	/* Process-wide, so a statement prepared on another handle is never taken for current. */
	d->gen = ++connections;
	d->up = 0;
	if (mysql_real_connect(d->m, d->host, d->user, d->password, d->name, d->port, d->host ? NULL : d->socket, 0) ==
	    NULL) {
		d->err = mysql_errno(d->m);
		failed(d);
		log_msg(LOG_ERROR, NULL, "db: connect as %s to %s: %s", d->user, d->host ? d->host : d->socket,
			mysql_error(d->m));
		return -1;
	}
	/* Sessions read committed data; rows they write are locked as usual. A request's connection
	 * ends every statement, lock waits included, within limit_s (max_statement_time); the lock
	 * wait time-out (whole seconds) is only a back-stop. */
	d->session_limit = 0; /* the server's: none */
	if (query(d, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") == -1 || limits(d) == -1) {
		log_msg(LOG_ERROR, NULL, "db: session setup: %s", mysql_error(d->m));
		return -1;
	}
	d->up = 1;
	return 0;
}

/* A copy of s, NULL for NULL or "". */
static char *dup_set(const char *s)
{
	char *c;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((c = strdup(s)) == NULL)
		abort();
	return c;
}

struct db *db_open(const char *socket, const char *user, const char *password, const char *name, double limit_s)
{
	return db_open_target(&(struct db_target){socket, NULL, 0, NULL, user, password, name}, limit_s);
}

struct db *db_open_target(const struct db_target *t, double limit_s)
{
	struct db *d = calloc(1, sizeof(*d));

	if (d == NULL)
		abort();
	d->base_limit = d->limit_s = limit_s;
	d->socket = strdup(t->socket ? t->socket : "");
	d->host = dup_set(t->host);
	d->port = t->port;
	d->tls_ca = dup_set(t->tls_ca);
	d->user = strdup(t->user);
	d->password = strdup(t->password);
	d->name = strdup(t->name);
	if (db_connect(d) == -1) {
		db_close(d);
		return NULL;
	}
	return d;
}

void db_close(struct db *d)
{
	if (d == NULL)
		return;
	if (d->m != NULL)
		mysql_close(d->m);
	free(d->socket);
	free(d->host);
	free(d->tls_ca);
	free(d->user);
	free(d->password);
	free(d->name);
	arena_free(&d->scratch);
	free(d);
}

unsigned db_errno(const struct db *d)
{
	return d->err;
}

static MYSQL_STMT *prepare(struct db *d, struct dbq *q)
{
	MYSQL_STMT *st = q->stmt;
	my_bool on = 1;

	if (st != NULL && q->gen == d->gen)
		return st;
	if (st != NULL)
		mysql_stmt_close(st);
	q->stmt = NULL;
	if ((st = mysql_stmt_init(d->m)) == NULL)
		abort();
	if (mysql_stmt_prepare(st, q->sql, strlen(q->sql)) != 0) {
		d->err = mysql_stmt_errno(st);
		log_msg(LOG_ERROR, NULL, "db: prepare: %s: %s", mysql_stmt_error(st), q->sql);
		mysql_stmt_close(st);
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	q->stmt = st;
	q->gen = d->gen;
	return st;
}

static int fetch_rows(MYSQL_STMT *st, struct dbres *res, struct arena *a)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	MYSQL_FIELD *fields;
	MYSQL_BIND *b;
	unsigned long *lens;
	my_bool *nulls;
	size_t nc, r, c;
	int rc;

	if (meta == NULL)
		return 0;
	if (mysql_stmt_store_result(st) != 0) {
		mysql_free_result(meta);
		return -1;
	}
	nc = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	b = arena_alloc(a, nc * sizeof(*b));
	lens = arena_alloc(a, nc * sizeof(*lens));
	nulls = arena_alloc(a, nc * sizeof(*nulls));
	for (c = 0; c < nc; c++) {
		/* Exact-size buffers: max_length was computed by store_result. */
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer_length = fields[c].max_length + 1;
		b[c].buffer = arena_alloc(a, b[c].buffer_length);
		b[c].length = &lens[c];
		b[c].is_null = &nulls[c];
	}
	res->ncols = nc;
	res->nrows = (size_t)mysql_stmt_num_rows(st);
	res->cells = arena_alloc(a, (res->nrows * nc + 1) * sizeof(*res->cells));
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(st, b) != 0)
		return -1;
	for (r = 0; r < res->nrows; r++) {
		rc = mysql_stmt_fetch(st);
		if (rc == 1 || rc == MYSQL_NO_DATA)
			return -1;
		for (c = 0; c < nc; c++) {
			struct dbv *v = &res->cells[r * nc + c];
			if (nulls[c])
				continue;
			v->t = DBT_STR;
			v->len = lens[c];
			v->s = arena_strndup(a, b[c].buffer, lens[c]);
		}
	}
	return 0;
}

static int run_once(struct db *d, struct dbq *q, const struct dbv *p, size_t n, struct dbres *res, struct arena *a)
{
	MYSQL_STMT *st;
	MYSQL_BIND *b = NULL;
	size_t i;
	int rc = -1;

	d->err = 0;
	if (out_of_time(d))
		return -1;
	if ((st = prepare(d, q)) == NULL) {
		failed(d);
		return -1;
	}
	if (n != mysql_stmt_param_count(st)) {
		log_msg(LOG_ERROR, NULL, "db: %zu parameters for %lu: %s", n, mysql_stmt_param_count(st), q->sql);
		abort();
	}
	if (n > 0) {
		b = calloc(n, sizeof(*b));
		if (b == NULL)
			abort();
		for (i = 0; i < n; i++) {
			switch (p[i].t) {
			case DBT_NULL: b[i].buffer_type = MYSQL_TYPE_NULL; break;
			case DBT_INT:
				b[i].buffer_type = MYSQL_TYPE_LONGLONG;
				b[i].buffer = (void *)&p[i].i;
				break;
			case DBT_STR:
				b[i].buffer_type = MYSQL_TYPE_STRING;
				b[i].buffer = (void *)p[i].s;
				b[i].buffer_length = p[i].len;
				break;
			}
		}
		if (mysql_stmt_bind_param(st, b) != 0)
			goto out;
	}
	if (mysql_stmt_execute(st) != 0)
		goto out;
	if (res != NULL) {
		memset(res, 0, sizeof(*res));
		if (fetch_rows(st, res, a) == -1)
			goto out;
		res->affected = mysql_stmt_affected_rows(st);
		res->insert_id = mysql_stmt_insert_id(st);
	}
	/* A CALL that answers rows ends with the call's own status: read it, or the next statement is out of sync. */
	while (mysql_stmt_more_results(st))
		if (mysql_stmt_next_result(st) > 0)
			goto out;
	/* A few string comparisons per statement, against a round trip to the server. */
	if (watch_sql != NULL && watch_sql(q->sql)) {
		if (d->in_tx)
			d->tx_watched = 1;
		else
			watch_changed();
	}
	rc = 0;
out:
	if (rc == -1) {
		d->err = mysql_stmt_errno(st);
		/* Duplicate keys and missing referenced rows are expected outcomes the
		 * caller turns into a message. */
		if (d->err != 1062 && d->err != 1452)
			log_msg(LOG_ERROR, NULL, "db: %u %s: %.120s", d->err, mysql_stmt_error(st), q->sql);
		failed(d);
	}
	mysql_stmt_free_result(st);
	free(b);
	return rc;
}

int db_run(struct db *d, struct dbq *q, const struct dbv *p, size_t n, struct dbres *res, struct arena *a)
{
	/* Not connected since an earlier failure: nothing is sent before the connection is back. */
	if (!d->up && !d->in_tx && db_connect(d) == -1)
		return -1;
	if (run_once(d, q, p, n, res, a) == 0)
		return 0;
	if (d->in_tx || !is_lost(d->err))
		return -1;

	/* Reconnect; repeat the statement only when it reads. A write may have
	 * committed before the connection dropped, and repeating it could apply it
	 * twice: writes that must survive a lost connection go through db_tx with an
	 * idempotency key. */
	log_msg(LOG_WARN, NULL, "db: connection lost, reconnecting");
	if (db_connect(d) == -1 || strncmp(q->sql, "SELECT", 6) != 0)
		return -1;
	return run_once(d, q, p, n, res, a);
}

/* Connects again after the connection was lost at COMMIT: the caller owes the client the real outcome,
 * so it keeps trying (a restarting server) until the request's time is up. */
static int reconnect_for_outcome(struct db *d)
{
	while (db_connect(d) == -1) {
		if (d->deadline <= 0 || db_now_ms() + 200 >= d->deadline)
			return -1;
		usleep(100 * 1000);
	}
	return 0;
}

/* Test hook (db_fault): the connection breaks as a network or a server crash would break it. */
static void sever(struct db *d)
{
	shutdown(mysql_get_socket(d->m), SHUT_RDWR);
}

static int commit(struct db *d)
{
	enum db_fault f = d->fault;
	int rc;

	d->fault = DB_FAULT_NONE;
	if (f == DB_FAULT_LOST_BEFORE_COMMIT)
		sever(d);
	if ((rc = mysql_commit(d->m)) == 0 && f == DB_FAULT_LOST_AFTER_COMMIT) {
		sever(d);
		mysql_ping(d->m); /* the client library notices the broken connection */
		rc = -1;
	}
	if (rc != 0)
		d->err = is_lost(mysql_errno(d->m)) || f != DB_FAULT_NONE ? 2013 : mysql_errno(d->m);
	return rc == 0 ? 0 : -1;
}

/* Whether a failed attempt runs again: without a deadline (background work) 4 attempts in all, with one
 * as long as another attempt can start before it. */
static int again(struct db *d, int attempt)
{
	if (d->err != 1213 && d->err != 1205 && d->err != DB_ETIME && !is_lost(d->err))
		return 0;
	if (d->deadline > 0)
		return !out_of_time(d);
	return attempt < 4;
}

/* db_tx and db_tx_begun: begin, send START TRANSACTION before the body (0: the body's first statement does). */
static int tx_run(struct db *d, enum tx_end (*body)(struct db *, struct arena *, void *), void *ctx, int begin)
{
	enum tx_end end;
	int attempt, lost_at_commit = 0;

	d->commit_unknown = 0;
	for (attempt = 0;; attempt++) {
		if (attempt > 0) {
			if (!again(d, attempt))
				break;
			log_msg(LOG_WARN, NULL, "db: transaction retry %d after error %u", attempt, d->err);
			usleep(1000u * (unsigned)(attempt < 20 ? attempt : 20));
		}
		if (!d->up && (lost_at_commit ? reconnect_for_outcome(d) : db_connect(d)) == -1)
			break;
		if (begin && query(d, "START TRANSACTION") == -1)
			continue;
		arena_reset(&d->scratch);
		d->in_tx = 1;
		d->tx_watched = 0;
		d->err = 0;
		end = body(d, &d->scratch, ctx);
		d->in_tx = 0;
		if (end == TX_COMMIT && d->before_commit != NULL)
			d->before_commit();
		if (end == TX_COMMIT && commit(d) == 0) {
			if (d->tx_watched)
				watch_changed();
			/* The body ran again after a COMMIT whose answer was lost: it found what that COMMIT
			 * wrote (by its idempotency key), or wrote it now. */
			d->commit_unknown = lost_at_commit;
			d->state = DB_FINE; /* what failed on the way is behind it */
			return 1;
		}
		if (end == TX_ROLLBACK) {
			/* The body refused: not a database failure. */
			mysql_rollback(d->m);
			d->commit_unknown = lost_at_commit;
			d->state = DB_FINE;
			return 0;
		}
		if (end == TX_COMMIT && is_lost(d->err)) {
			log_msg(LOG_WARN, NULL, "db: connection lost at COMMIT; finding out whether it landed");
			lost_at_commit = 1;
		}
		failed(d);
		if (!is_lost(d->err))
			mysql_rollback(d->m);
		if (end == TX_COMMIT && !again(d, attempt + 1))
			log_msg(LOG_ERROR, NULL, "db: commit: %u", d->err);
	}
	failed(d);
	if (is_lost(d->err) || is_busy(d->err))
		log_msg(LOG_ERROR, NULL, "db: transaction failed after %d attempts (%u)", attempt, d->err);
	return -1;
}

int db_tx(struct db *d, enum tx_end (*body)(struct db *, struct arena *, void *), void *ctx)
{
	return tx_run(d, body, ctx, 1);
}

int db_tx_begun(struct db *d, enum tx_end (*body)(struct db *, struct arena *, void *), void *ctx)
{
	return tx_run(d, body, ctx, 0);
}

void db_deadline(struct db *d, double at_ms, double limit_s)
{
	d->deadline = 0;
	d->limit_s = limit_s > 0 ? limit_s : d->base_limit;
	if (d->up)
		limits(d); /* a failure shows again at the request's first statement */
	d->deadline = at_ms;
	d->state = DB_FINE;
	d->fault = DB_FAULT_NONE;
}

enum db_state db_state(const struct db *d)
{
	return d->state;
}

int db_is_up(const struct db *d)
{
	return d->up;
}

int db_commit_unknown(const struct db *d)
{
	return d->commit_unknown;
}

void db_fault(struct db *d, enum db_fault f)
{
	d->fault = f;
}

void db_watch(int (*watched)(const char *), void (*changed)(void))
{
	watch_sql = watched;
	watch_changed = changed;
}

void db_before_commit(struct db *d, void (*fn)(void))
{
	d->before_commit = fn;
}

int db_ping(struct db *d)
{
	d->err = 0;
	if (d->up && mysql_ping(d->m) == 0)
		return 0;
	d->err = mysql_errno(d->m);
	failed(d);
	return db_connect(d);
}

const char *dbres_str(const struct dbres *r, size_t row, size_t col)
{
	const struct dbv *v = &r->cells[row * r->ncols + col];

	return v->t == DBT_STR ? v->s : NULL;
}

void dbres_fill(const struct dbres *r, size_t row, const struct dbcol *cols, size_t n, void *out)
{
	size_t i;

	assert(n <= r->ncols);
	for (i = 0; i < n; i++) {
		char *field = (char *)out + cols[i].off;
		switch (cols[i].t) {
		case DBC_STR: *(const char **)field = dbres_str(r, row, i); break;
		case DBC_LL: *(long long *)field = dbres_int(r, row, i); break;
		case DBC_BOOL: *(int *)field = dbres_int(r, row, i) != 0; break;
		case DBC__MAX: assert(0); break;
		}
	}
}

int db_row(struct db *d, struct dbq *q, const struct dbv *params, size_t n, struct arena *a, const struct dbcol *cols,
	   size_t ncols, void *out, size_t size)
{
	struct dbres r;

	if (db_run(d, q, params, n, &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	memset(out, 0, size);
	dbres_fill(&r, 0, cols, ncols, out);
	return 1;
}

struct dbv db_dv_like_or_null(struct arena *a, const char *s)
{
	return s ? DB_DV_STR(db_like_escape(a, s)) : DB_DV_NULL;
}

long long dbres_int(const struct dbres *r, size_t row, size_t col)
{
	const char *s = dbres_str(r, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}

json_t *dbres_json(const struct dbres *r, const char *const *keys)
{
	json_t *arr = json_array();
	size_t i, c;

	for (i = 0; i < r->nrows; i++) {
		json_t *o = json_object();
		for (c = 0; c < r->ncols && keys[c] != NULL; c++) {
			const char *k = keys[c], *s = dbres_str(r, i, c);
			json_t *v;
			if (s == NULL)
				v = json_null();
			else if (k[0] == '#')
				v = json_integer(dbres_int(r, i, c));
			else
				v = json_stringn(s, r->cells[i * r->ncols + c].len);
			json_object_set_new(o, k[0] == '#' ? k + 1 : k, v);
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *db_json(struct db *d, struct dbq *q, const struct dbv *p, size_t n, struct arena *a, const char *const *keys)
{
	struct dbres res;

	if (db_run(d, q, p, n, &res, a) == -1)
		return NULL;
	return dbres_json(&res, keys);
}

const char *db_like_escape(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, 2 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}
