/* MariaDB access: one connection per worker, prepared statements from tables, transactions. */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"

/* One connection per worker. Statements are prepared lazily from tables of
 * struct dbq (one table per area, in db_<area>.c) and re-prepared after a
 * reconnect. Never reconnects inside a transaction: a lost connection there
 * fails the transaction, and db_tx retries it whole. */
struct db;

enum dbt { DBT_NULL, DBT_INT, DBT_STR };
struct dbv {
	enum dbt t;
	long long i;
	const char *s; /* for DBT_STR; NUL-terminated, len bytes */
	size_t len;
};

struct dbq {
	const char *sql;
	void *stmt;        /* MYSQL_STMT *, owned by db.c */
	unsigned long gen; /* connection generation it was prepared on */
};

/* Result rows, allocated in the request arena; cells are DBT_NULL or DBT_STR
 * (ints come back as strings; use dbres_int). */
struct dbres {
	size_t nrows, ncols;
	struct dbv *cells; /* nrows * ncols */
	unsigned long long affected, insert_id;
};

#define DB_DV_NULL      ((struct dbv){.t = DBT_NULL})
#define DB_DV_INT(x)    ((struct dbv){.t = DBT_INT, .i = (x)})
#define DB_DV_STR(x)    ((struct dbv){.t = DBT_STR, .s = (x), .len = strlen(x)})
#define DB_DV_BIN(x, n) ((struct dbv){.t = DBT_STR, .s = (const char *)(x), .len = (n)})
/* A string that may be NULL, and an id where 0 means "none": SQL NULL then. */
static inline struct dbv db_dv_str_or_null(const char *s)
{
	return s != NULL ? DB_DV_STR(s) : DB_DV_NULL;
}
static inline struct dbv db_dv_id_or_null(long long id)
{
	return id > 0 ? DB_DV_INT(id) : DB_DV_NULL;
}

/* Returns a connected handle or NULL (logged). Arguments are copied. limit_s > 0 bounds every statement of
 * the connection, lock waits included (the session's max_statement_time; innodb_lock_wait_timeout as a
 * back-stop), and its network reads and writes: a request's connection. 0: no bound (background work). */
struct db *db_open(const char *socket, const char *user, const char *password, const char *dbname, double limit_s);
/* Where a connection goes: TCP to host and port when host is set (also "localhost": never the socket),
 * else the unix socket. With tls_ca (a PEM file of the CA), only over TLS, the server's certificate verified
 * against it and its name against host; a server without TLS or with another certificate is refused. */
struct db_target {
	const char *socket, *host;
	unsigned port; /* 0: 3306 */
	const char *tls_ca;
	const char *user, *password, *name;
};
/* db_open to a target (copied). */
struct db *db_open_target(const struct db_target *, double limit_s);
/* 1 when connected as far as the last statement knows, 0 after the connection was lost or never made. */
int db_is_up(const struct db *);
void db_close(struct db *);
/* Runs one statement; rows land in res (may be NULL) in arena a.
 * Returns 0 on success, -1 on failure (db_errno tells why). Outside a
 * transaction, a lost connection is re-established, and a SELECT is run once
 * more (a write is not: it may have committed before the connection dropped). */
int db_run(struct db *, struct dbq *, const struct dbv *params, size_t n, struct dbres *res, struct arena *a);
/* The server error code of the last failure: 1062 duplicate key, 1213 deadlock,
 * 1205 lock wait timeout, 1969 (DB_ETIME) out of time, 2002/2006/2013 not connected or lost, 0 none. */
unsigned db_errno(const struct db *);
/* The server's "max_statement_time exceeded", also set when the request's deadline leaves no time for
 * another statement (which is then not sent). */
#define DB_ETIME 1969u
/* A monotonic clock in milliseconds, the unit of db_deadline. */
double db_now_ms(void);
/* Starts a request: its statements are limited to limit_s seconds (0: db_open's limit_s), none starts
 * unless it can end before at_ms (db_now_ms time; 0: no deadline), and db_tx retries only while one can;
 * forgets the last request's db_state and db_fault. */
void db_deadline(struct db *, double at_ms, double limit_s);
/* Why a statement of this request failed, if it failed for want of the database. */
enum db_state {
	DB_FINE,
	DB_BUSY, /* out of time: a lock wait, a deadlock, a slow statement, the deadline */
	DB_DOWN, /* not reachable or the connection was lost (restarting, killed) */
	DB_STATE__MAX
};
enum db_state db_state(const struct db *);
/* 1 when the last db_tx lost its connection at COMMIT, connected again and ran the body once more: what
 * the body found by its idempotency key is then what the lost COMMIT wrote, the request's own outcome. */
int db_commit_unknown(const struct db *);
/* Test hook: the next COMMIT of this request loses its connection, before sending it or after it
 * succeeded. Programs set it only when the configuration allows (test_faults). */
enum db_fault { DB_FAULT_NONE, DB_FAULT_LOST_BEFORE_COMMIT, DB_FAULT_LOST_AFTER_COMMIT, DB_FAULT__MAX };
void db_fault(struct db *, enum db_fault);
/* What a transaction body asks of db_tx. */
enum tx_end {
	TX_COMMIT,   /* done: commit */
	TX_ROLLBACK, /* refused (the body put its named outcome in its context): roll back */
	TX_FAIL,     /* a statement failed (db_errno tells why): roll back, retry when transient */
	TX__MAX
};
/* Runs body(db, scratch, ctx) inside START TRANSACTION ... COMMIT. A deadlock, a lock wait
 * time-out, a statement out of time or a lost connection (in the body or at COMMIT) rolls back
 * and runs the whole body again, while the request's deadline leaves time for it (without a
 * deadline at most 3 more times), so the body writes into ctx only what it would write again.
 * A connection lost at COMMIT is connected again until the deadline, since only the body run
 * again can tell whether that COMMIT landed (db_commit_unknown).
 * scratch is the connection's arena, reset before each attempt: the body's temporary memory,
 * valid until the next db_tx on this connection. The body reports its outcome through ctx.
 * Returns 1 committed, 0 rolled back as the body asked (TX_ROLLBACK), -1 failed. */
int db_tx(struct db *, enum tx_end (*body)(struct db *, struct arena *scratch, void *ctx), void *ctx);
/* As db_tx, for a body whose first statement starts the transaction itself (a CALL of a procedure that begins
 * with START TRANSACTION): one round trip less. */
int db_tx_begun(struct db *, enum tx_end (*body)(struct db *, struct arena *scratch, void *ctx), void *ctx);
/* fn runs whenever a transaction body has asked for its COMMIT, just before db_tx sends it: the row locks
 * the body took are still held, and InnoDB releases them before it waits for the disk, so what fn releases
 * (the seminar's gate) lets the next writer in while this COMMIT waits for its flush, and their flushes
 * group. NULL: none. */
void db_before_commit(struct db *, void (*fn)(void));
/* Watching writes, for every connection of the process: watched(sql) tells whether a statement's writes
 * matter to a cache, and changed() runs once such a write is committed: after the statement outside a
 * transaction, after the COMMIT of db_tx inside one (not after a rollback). Set before any statement runs. */
void db_watch(int (*watched)(const char *sql), void (*changed)(void));
/* 0 when the server answers (connecting again if need be), -1 when not (db_errno, db_state tell why). */
int db_ping(struct db *);

const char *dbres_str(const struct dbres *, size_t row, size_t col); /* NULL for SQL NULL */
/* A column of a struct read from a result: its type and where it lands. A statement's select list
 * and its reader come from one X-macro list of X(type, field, sql) (see db_seminar.c): DB_COL_SQL
 * makes the SQL, and a table of struct dbcol made from the same list reads the row. */
enum dbcol_type { DBC_STR, DBC_LL, DBC_BOOL, DBC__MAX }; /* const char *, long long, int 0/1 */
struct dbcol {
	enum dbcol_type t;
	size_t off; /* offsetof the field */
};
#define DB_COL_SQL(t, field, sql) sql
/* Fills the fields of out from row of r, column i by cols[i], from the first of the result's columns
 * (n of them at most: asserted). Strings stay in the result's arena. */
void dbres_fill(const struct dbres *, size_t row, const struct dbcol *cols, size_t n, void *out);
/* Runs a query of at most one row: zeroes the size bytes at out and fills them from the row by cols. Returns 1,
 * 0 when there is no row, -1 on failure. Strings in the arena. */
int db_row(struct db *, struct dbq *, const struct dbv *params, size_t n, struct arena *, const struct dbcol *cols,
	   size_t ncols, void *out, size_t size);
/* The number of elements of an array; a pointer does not compile. */
#define NELEM(a)                                                                                                       \
	(sizeof(a) / sizeof((a)[0]) +                                                                                  \
	 0 * sizeof(char[1 - 2 * __builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0]))]))
/* A "LIKE CONCAT('%', ?, '%')" parameter: s escaped by db_like_escape (in the arena), or SQL NULL for NULL. */
struct dbv db_dv_like_or_null(struct arena *, const char *s);
/* s with LIKE's metacharacters (% _ \) escaped, for "LIKE CONCAT('%', ?, '%')". In the arena. */
const char *db_like_escape(struct arena *, const char *s);
long long dbres_int(const struct dbres *, size_t row, size_t col); /* 0 for SQL NULL */
/* Rows as a JSON array (new reference) of objects: keys name the columns in
 * order; a key starting with '#' makes an integer column (the '#' is dropped).
 * SQL NULL becomes JSON null. */
json_t *dbres_json(const struct dbres *, const char *const *keys);
/* Runs a query and returns dbres_json of its rows, or NULL on failure. */
json_t *db_json(struct db *, struct dbq *, const struct dbv *params, size_t n, struct arena *, const char *const *keys);

#endif
