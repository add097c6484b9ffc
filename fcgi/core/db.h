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

/* Returns a connected handle or NULL (logged). Arguments are copied. */
struct db *db_open(const char *socket, const char *user, const char *password, const char *dbname);
void db_close(struct db *);
/* Runs one statement; rows land in res (may be NULL) in arena a.
 * Returns 0 on success, -1 on failure (db_errno tells why). Outside a
 * transaction, a lost connection is re-established, and a SELECT is run once
 * more (a write is not: it may have committed before the connection dropped). */
int db_run(struct db *, struct dbq *, const struct dbv *params, size_t n, struct dbres *res, struct arena *a);
/* The server error code of the last failure: 1062 duplicate key, 1213 deadlock,
 * 1205 lock wait timeout, 2006/2013 connection lost, 0 none. */
unsigned db_errno(const struct db *);
/* What a transaction body asks of db_tx. */
enum tx_end {
	TX_COMMIT,   /* done: commit */
	TX_ROLLBACK, /* refused (the body put its named outcome in its context): roll back */
	TX_FAIL,     /* a statement failed (db_errno tells why): roll back, retry when transient */
	TX__MAX
};
/* Runs body(db, scratch, ctx) inside START TRANSACTION ... COMMIT. A deadlock, a lock wait
 * time-out or a lost connection (in the body or at COMMIT) rolls back and runs the whole body
 * again, at most 3 more times, so the body writes into ctx only what it would write again.
 * scratch is the connection's arena, reset before each attempt: the body's temporary memory,
 * valid until the next db_tx on this connection. The body reports its outcome through ctx.
 * Returns 1 committed, 0 rolled back as the body asked (TX_ROLLBACK), -1 failed. */
int db_tx(struct db *, enum tx_end (*body)(struct db *, struct arena *scratch, void *ctx), void *ctx);
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
/* Fills the fields of out from row of r, column i by cols[i]; n must be the result's column count
 * (asserted). Strings stay in the result's arena. */
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
