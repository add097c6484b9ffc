/* Integration tests of fcgi/core/db.c against the test stack's MariaDB ($SEM_CONFIG): parameters, results,
 * errors, transactions, deadlock retry and reconnection after the server killed the connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "text.h"

#include <cmocka.h>

static struct config cfg;
static struct arena arena;
static int seq;
/* As in a worker, one connection serves every statement table; a second one (the killer) has its own statements. */
static struct db *main_db, *killer_db;

static struct db *connect_db(void)
{
	const char *path = getenv("SEM_CONFIG");
	struct db *d;

	if (path == NULL || *path == '\0')
		fail_msg("SEM_CONFIG is not set: the db tests need the test stack's app.conf (make test sets it)");
	if (cfg.n == 0 && config_load(&cfg, path, "portal") != 1)
		fail_msg("cannot load SEM_CONFIG=%s", path);
	d = db_open(config_get(&cfg, "db_socket", ""), config_get(&cfg, "db_user", ""),
		    config_get(&cfg, "db_password", ""), config_get(&cfg, "db_name", ""), 0);
	if (d == NULL)
		fail_msg("cannot connect to the database of SEM_CONFIG=%s", path);
	return d;
}

static struct db *open_db(void)
{
	if (main_db == NULL)
		main_db = connect_db();
	return main_db;
}

static void cleanup(struct db *d);

static int teardown(void **state)
{
	(void)state;
	if (main_db != NULL)
		cleanup(main_db);
	arena_reset(&arena);
	return 0;
}

/* A rate_limit bucket name nobody else uses. */
static const char *bucket(void)
{
	return arena_printf(&arena, "unit:%d:%d", (int)getpid(), ++seq);
}

static struct dbq q_insert = {"INSERT INTO rate_limit (bucket, window_start, hits) VALUES (?, NOW(), ?)", NULL, 0};
static struct dbq q_hits = {"SELECT hits FROM rate_limit WHERE bucket = ?", NULL, 0};
static struct dbq q_bump = {"UPDATE rate_limit SET hits = hits + 1 WHERE bucket = ?", NULL, 0};
static struct dbq q_delete = {"DELETE FROM rate_limit WHERE bucket LIKE ?", NULL, 0};
static struct dbq q_conn_id = {"SELECT CONNECTION_ID()", NULL, 0};

/* Hits of a bucket, or -1 when it has no row. */
static long long hits(struct db *d, const char *b)
{
	struct dbv p[] = {DB_DV_STR(b)};
	struct dbres res;

	assert_int_equal(db_run(d, &q_hits, p, 1, &res, &arena), 0);
	return res.nrows == 0 ? -1 : dbres_int(&res, 0, 0);
}

static void insert(struct db *d, const char *b, long long n)
{
	struct dbv p[] = {DB_DV_STR(b), DB_DV_INT(n)};
	struct dbres res;

	assert_int_equal(db_run(d, &q_insert, p, 2, &res, &arena), 0);
	assert_int_equal(res.affected, 1);
}

static void cleanup(struct db *d)
{
	struct dbv p[] = {DB_DV_STR(arena_printf(&arena, "unit:%d:%%", (int)getpid()))};

	assert_int_equal(db_run(d, &q_delete, p, 1, NULL, &arena), 0);
}

static void test_params(void **state)
{
	static struct dbq q = {"SELECT ?, ?, ?, ? IS NULL, HEX(?), CHAR_LENGTH(?), ? + 1", NULL, 0};
	struct db *d = open_db();
	struct dbv p[] = {DB_DV_INT(-9223372036854775807LL - 1),
			  DB_DV_STR("Привет, 'мир'"),
			  DB_DV_NULL,
			  DB_DV_NULL,
			  DB_DV_BIN("a\0b", 3),
			  DB_DV_STR("ёж"),
			  DB_DV_INT(2147483647)};
	struct dbres res;

	(void)state;
	assert_int_equal(db_run(d, &q, p, 7, &res, &arena), 0);
	assert_int_equal(res.nrows, 1);
	assert_int_equal(res.ncols, 7);
	assert_string_equal(dbres_str(&res, 0, 0), "-9223372036854775808");
	assert_int_equal(dbres_int(&res, 0, 0), -9223372036854775807LL - 1);
	assert_string_equal(dbres_str(&res, 0, 1), "Привет, 'мир'");
	assert_null(dbres_str(&res, 0, 2));
	assert_int_equal(dbres_int(&res, 0, 2), 0);
	assert_int_equal(dbres_int(&res, 0, 3), 1);
	assert_string_equal(dbres_str(&res, 0, 4), "610062");
	assert_int_equal(dbres_int(&res, 0, 5), 2);
	assert_int_equal(dbres_int(&res, 0, 6), 2147483648LL);
	/* Running the prepared statement again with other values. */
	p[1] = DB_DV_STR("");
	p[4] = DB_DV_BIN("", 0);
	assert_int_equal(db_run(d, &q, p, 7, &res, &arena), 0);
	assert_string_equal(dbres_str(&res, 0, 1), "");
	assert_int_equal(res.cells[1].len, 0);
	assert_string_equal(dbres_str(&res, 0, 4), "");
}

static void test_binary_value_round_trip(void **state)
{
	static struct dbq q = {"SELECT ?, LENGTH(?)", NULL, 0};
	static const char bin[] = "a\0b\xff\r\n";
	struct db *d = open_db();
	struct dbv p[] = {DB_DV_BIN(bin, sizeof(bin) - 1), DB_DV_BIN(bin, sizeof(bin) - 1)};
	struct dbres res;

	(void)state;
	assert_int_equal(db_run(d, &q, p, 2, &res, &arena), 0);
	assert_int_equal(dbres_int(&res, 0, 1), sizeof(bin) - 1);
	assert_int_equal(res.cells[0].len, sizeof(bin) - 1);
	assert_memory_equal(res.cells[0].s, bin, sizeof(bin) - 1);
}

/* Column values wider than the type's binary size come back whole: numbers, dates, long text. */
static void test_result_types(void **state)
{
	static struct dbq q = {
		"SELECT CAST(? AS SIGNED), CAST(? AS UNSIGNED), 1.5e300, CAST('12345678901234.567890' AS "
		"DECIMAL(30,6)), CAST('2026-01-02 03:04:05.678' AS DATETIME(3)), CAST('2026-01-02' AS DATE), "
		"REPEAT('я', 10000), CAST(-1 AS SIGNED), 127",
		NULL, 0};
	struct db *d = open_db();
	struct dbv p[] = {DB_DV_INT(-1234567890123456789LL), DB_DV_STR("18446744073709551615")};
	struct dbres res;
	const char *s;

	(void)state;
	assert_int_equal(db_run(d, &q, p, 2, &res, &arena), 0);
	assert_int_equal(res.nrows, 1);
	assert_string_equal(dbres_str(&res, 0, 0), "-1234567890123456789");
	assert_string_equal(dbres_str(&res, 0, 1), "18446744073709551615");
	assert_string_equal(dbres_str(&res, 0, 2), "1.5e300");
	assert_string_equal(dbres_str(&res, 0, 3), "12345678901234.567890");
	assert_string_equal(dbres_str(&res, 0, 4), "2026-01-02 03:04:05.678");
	assert_string_equal(dbres_str(&res, 0, 5), "2026-01-02");
	s = dbres_str(&res, 0, 6);
	assert_non_null(s);
	assert_int_equal(strlen(s), 20000);
	assert_int_equal(utf8_count(s, strlen(s)), 10000);
	assert_string_equal(dbres_str(&res, 0, 7), "-1");
	assert_string_equal(dbres_str(&res, 0, 8), "127");
}

/* db_row: one row read into a struct (fields it does not name zeroed), no row, a failed query. */
static void test_row(void **state)
{
	struct row {
		long long id;
		const char *code;
		int flag;
		long long untouched;
	} r;
	static const struct dbcol cols[] = {{DBC_LL, offsetof(struct row, id)},
					    {DBC_STR, offsetof(struct row, code)},
					    {DBC_BOOL, offsetof(struct row, flag)}};
	static struct dbq q = {"SELECT id, code, id = 3 FROM sector WHERE id = ?", NULL, 0};
	static struct dbq bad = {"SELECT id, code, 1 FROM no_such_table WHERE id = ?", NULL, 0};
	static struct dbq wide = {"SELECT id, code, id = 3, 'more' FROM sector WHERE id = ?", NULL, 0};
	struct db *d = open_db();
	struct dbv p[] = {DB_DV_INT(3)}, none[] = {DB_DV_INT(99)};
	struct dbres res;

	(void)state;
	r.untouched = 7;
	assert_int_equal(db_row(d, &q, p, 1, &arena, cols, 3, &r, sizeof(r)), 1);
	assert_int_equal(r.id, 3);
	assert_string_equal(r.code, "culture");
	assert_int_equal(r.flag, 1);
	assert_int_equal(r.untouched, 0);
	r.id = 5;
	assert_int_equal(db_row(d, &q, none, 1, &arena, cols, 3, &r, sizeof(r)), 0);
	assert_int_equal(r.id, 5);
	assert_int_equal(db_row(d, &bad, p, 1, &arena, cols, 3, &r, sizeof(r)), -1);
	/* The first columns of a wider result (a read that joins more after them). */
	assert_int_equal(db_run(d, &wide, p, 1, &res, &arena), 0);
	memset(&r, 0, sizeof(r));
	dbres_fill(&res, 0, cols, 3, &r);
	assert_int_equal(r.id, 3);
	assert_string_equal(r.code, "culture");
	assert_int_equal(r.flag, 1);
	assert_string_equal(dbres_str(&res, 0, 3), "more");
}

static void test_sectors(void **state)
{
	static struct dbq q = {"SELECT id, code, name, NULL FROM sector ORDER BY id", NULL, 0};
	static const char *const codes[] = {"education", "spo", "culture", "sport", "health", "municipal"};
	static const char *const keys[] = {"#id", "code", "name", "#none", NULL};
	struct db *d = open_db();
	struct dbres res;
	json_t *j, *o;
	size_t i;

	(void)state;
	assert_int_equal(db_run(d, &q, NULL, 0, &res, &arena), 0);
	assert_int_equal(res.nrows, 6);
	assert_int_equal(res.ncols, 4);
	for (i = 0; i < 6; i++) {
		assert_int_equal(dbres_int(&res, i, 0), (long long)i + 1);
		assert_string_equal(dbres_str(&res, i, 1), codes[i]);
		assert_null(dbres_str(&res, i, 3));
	}
	assert_string_equal(dbres_str(&res, 0, 2), "Образование");
	j = dbres_json(&res, keys);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 6);
	o = json_array_get(j, 2);
	assert_true(json_is_integer(json_object_get(o, "id")));
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 3);
	assert_string_equal(json_string_value(json_object_get(o, "code")), "culture");
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Культура");
	assert_true(json_is_null(json_object_get(o, "none")));
	assert_null(json_object_get(o, "#id"));
	assert_int_equal(json_object_size(o), 4);
	json_decref(j);
	/* Fewer keys than columns: only the named ones. */
	{
		static const char *const two[] = {"#id", "code", NULL};
		j = dbres_json(&res, two);
		assert_int_equal(json_object_size(json_array_get(j, 0)), 2);
		json_decref(j);
	}
	/* db_json: the same in one call, with a parameter. */
	{
		static struct dbq q2 = {"SELECT id, code FROM sector WHERE id > ? ORDER BY id", NULL, 0};
		static const char *const two[] = {"#id", "code", NULL};
		struct dbv p[] = {DB_DV_INT(4)};
		j = db_json(d, &q2, p, 1, &arena, two);
		assert_non_null(j);
		assert_int_equal(json_array_size(j), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "code")), "municipal");
		json_decref(j);
	}
	/* No rows. */
	{
		static struct dbq q3 = {"SELECT id FROM sector WHERE id = ?", NULL, 0};
		struct dbv p[] = {DB_DV_INT(999)};
		assert_int_equal(db_run(d, &q3, p, 1, &res, &arena), 0);
		assert_int_equal(res.nrows, 0);
		j = dbres_json(&res, keys);
		assert_int_equal(json_array_size(j), 0);
		json_decref(j);
	}
}

static void test_errors(void **state)
{
	static struct dbq bad = {"SELECT no_such_column FROM sector", NULL, 0};
	static struct dbq q_update = {"UPDATE rate_limit SET hits = ? WHERE bucket = ?", NULL, 0};
	struct db *d = open_db();
	const char *b = bucket();
	struct dbv p[] = {DB_DV_STR(b), DB_DV_INT(1)};
	struct dbres res;

	(void)state;
	log_init("unit", LOG__MAX);
	insert(d, b, 1);
	assert_int_equal(db_errno(d), 0);
	assert_int_equal(db_run(d, &q_insert, p, 2, &res, &arena), -1);
	assert_int_equal(db_errno(d), 1062);
	/* The connection goes on after an error. */
	assert_int_equal(hits(d, b), 1);
	assert_int_equal(db_errno(d), 0);
	assert_int_equal(db_run(d, &bad, NULL, 0, &res, &arena), -1);
	assert_int_equal(db_errno(d), 1054);
	log_init("unit", LOG_INFO);
	{
		struct dbv u[] = {DB_DV_INT(5), DB_DV_STR(b)};
		assert_int_equal(db_run(d, &q_update, u, 2, &res, &arena), 0);
		assert_int_equal(res.affected, 1);
		assert_int_equal(res.nrows, 0);
	}
	assert_int_equal(hits(d, b), 5);
	assert_int_equal(db_ping(d), 0);
}

struct txarg {
	const char *b;
	int calls, fail_after_insert;
	enum tx_end end;
};

static enum tx_end tx_insert(struct db *d, struct arena *scratch, void *arg)
{
	struct txarg *t = arg;
	struct dbv p[] = {DB_DV_STR(t->b), DB_DV_INT(1)};

	t->calls++;
	if (db_run(d, &q_insert, p, 2, NULL, scratch) == -1)
		return TX_FAIL;
	if (t->fail_after_insert) {
		/* A duplicate: a database failure inside the transaction. */
		if (db_run(d, &q_insert, p, 2, NULL, scratch) == -1)
			return TX_FAIL;
	}
	return t->end;
}

static void test_tx_commit_and_rollback(void **state)
{
	struct db *d = open_db();
	struct txarg t = {bucket(), 0, 0, TX_COMMIT};

	(void)state;
	assert_int_equal(db_tx(d, tx_insert, &t), 1);
	assert_int_equal(t.calls, 1);
	assert_int_equal(hits(d, t.b), 1);
	/* The body refuses: rolled back, nothing is kept, not a failure. */
	t = (struct txarg){bucket(), 0, 0, TX_ROLLBACK};
	assert_int_equal(db_tx(d, tx_insert, &t), 0);
	assert_int_equal(t.calls, 1);
	assert_int_equal(hits(d, t.b), -1);
	/* A failing statement: rolled back, not retried, the first insert is gone too. */
	log_init("unit", LOG__MAX);
	t = (struct txarg){bucket(), 0, 1, TX_COMMIT};
	assert_int_equal(db_tx(d, tx_insert, &t), -1);
	log_init("unit", LOG_INFO);
	assert_int_equal(t.calls, 1);
	assert_int_equal(db_errno(d), 1062);
	assert_int_equal(hits(d, t.b), -1);
	/* A body that fails without a database error (a broken invariant) is not retried either. */
	t = (struct txarg){bucket(), 0, 0, TX_FAIL};
	assert_int_equal(db_tx(d, tx_insert, &t), -1);
	assert_int_equal(t.calls, 1);
	assert_int_equal(hits(d, t.b), -1);
}

/* Deadlock: two transactions lock two rows in opposite orders. */
struct dlarg {
	struct dbq *bump;
	const char *first, *second;
	int to_peer, from_peer; /* pipes, used on the first attempt only */
	int attempts;
};

static struct dbq q_in_tx = {"SELECT @@in_transaction", NULL, 0};
static struct dbq q_start = {"START TRANSACTION", NULL, 0};

/* Whether a transaction is open at the body's start, then the body's own START (when begun is 0) and
 * tx_insert's insert. */
struct beginarg {
	struct txarg t;
	int begun;        /* the body starts the transaction itself */
	long long opened; /* @@in_transaction at the body's first statement */
};

static enum tx_end tx_begins(struct db *d, struct arena *scratch, void *arg)
{
	struct beginarg *b = arg;
	struct dbres res;

	if (db_run(d, &q_in_tx, NULL, 0, &res, scratch) == -1)
		return TX_FAIL;
	b->opened = dbres_int(&res, 0, 0);
	if (b->begun && db_run(d, &q_start, NULL, 0, NULL, scratch) == -1)
		return TX_FAIL;
	return tx_insert(d, scratch, &b->t);
}

static void test_tx_begun(void **state)
{
	struct db *d = open_db();
	struct beginarg b = {{bucket(), 0, 0, TX_COMMIT}, 0, -1};

	(void)state;
	/* db_tx starts the transaction before the body. */
	assert_int_equal(db_tx(d, tx_begins, &b), 1);
	assert_int_equal(b.opened, 1);
	assert_int_equal(hits(d, b.t.b), 1);
	/* db_tx_begun leaves it to the body's first statement, and ends it as db_tx does: a refusal rolls back. */
	b = (struct beginarg){{bucket(), 0, 0, TX_ROLLBACK}, 1, -1};
	assert_int_equal(db_tx_begun(d, tx_begins, &b), 0);
	assert_int_equal(b.opened, 0);
	assert_int_equal(hits(d, b.t.b), -1);
	b = (struct beginarg){{bucket(), 0, 0, TX_COMMIT}, 1, -1};
	assert_int_equal(db_tx_begun(d, tx_begins, &b), 1);
	assert_int_equal(b.opened, 0);
	assert_int_equal(hits(d, b.t.b), 1);
}

static enum tx_end tx_cross(struct db *d, struct arena *scratch, void *arg)
{
	struct dlarg *t = arg;
	struct dbv p1[] = {DB_DV_STR(t->first)}, p2[] = {DB_DV_STR(t->second)};
	char c = 'x';

	t->attempts++;
	if (db_run(d, t->bump, p1, 1, NULL, scratch) == -1)
		return TX_FAIL;
	if (t->attempts == 1) {
		/* Both hold their first row before either asks for the second. */
		if (write(t->to_peer, &c, 1) != 1 || read(t->from_peer, &c, 1) != 1)
			return TX_FAIL;
		usleep(100000);
	}
	if (db_run(d, t->bump, p2, 1, NULL, scratch) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

static void test_tx_deadlock_retry(void **state)
{
	static struct dbq q_timeout = {"SET SESSION innodb_lock_wait_timeout = 5", NULL, 0};
	/* The child's own statements: the parent's belong to the parent's connection. */
	static struct dbq child_timeout = {"SET SESSION innodb_lock_wait_timeout = 5", NULL, 0};
	static struct dbq child_bump = {"UPDATE rate_limit SET hits = hits + 1 WHERE bucket = ?", NULL, 0};
	struct db *d = open_db();
	const char *x = bucket(), *y = bucket();
	int p2c[2], c2p[2], st;
	pid_t pid;
	struct dlarg mine;
	int rc;

	(void)state;
	insert(d, x, 0);
	insert(d, y, 0);
	assert_int_equal(pipe(p2c), 0);
	assert_int_equal(pipe(c2p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child: its own connection, locks y then x. Exit code: attempts, or 100 + failure. */
		struct db *cd;
		struct dlarg t = {&child_bump, y, x, c2p[1], p2c[0], 0};
		log_init("unit-child", LOG__MAX);
		/* _exit without closing: the parent's connection must not hear from the child. */
		cd = db_open(config_get(&cfg, "db_socket", ""), config_get(&cfg, "db_user", ""),
			     config_get(&cfg, "db_password", ""), config_get(&cfg, "db_name", ""), 0);
		if (cd == NULL)
			_exit(101);
		if (db_run(cd, &child_timeout, NULL, 0, NULL, &arena) == -1)
			_exit(102);
		rc = db_tx(cd, tx_cross, &t);
		_exit(rc < 0 ? 103 : t.attempts);
	}
	log_init("unit", LOG__MAX);
	assert_int_equal(db_run(d, &q_timeout, NULL, 0, NULL, &arena), 0);
	mine = (struct dlarg){&q_bump, x, y, p2c[1], c2p[0], 0};
	rc = db_tx(d, tx_cross, &mine);
	log_init("unit", LOG_INFO);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(p2c[0]), close(p2c[1]), close(c2p[0]), close(c2p[1]);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) > 100)
		fail_msg("the child's transaction failed (%d)", WEXITSTATUS(st));
	assert_int_equal(rc, 1);
	/* One of the two was chosen as the victim and ran again; both committed in the end. */
	assert_int_equal(mine.attempts + WEXITSTATUS(st), 3);
	assert_int_equal(hits(d, x), 2);
	assert_int_equal(hits(d, y), 2);
}

static long long conn_id(struct db *d)
{
	struct dbres res;

	assert_int_equal(db_run(d, &q_conn_id, NULL, 0, &res, &arena), 0);
	return dbres_int(&res, 0, 0);
}

/* The killer connection ends connection id (a user may kill its own connections). */
static void kill_conn(long long id)
{
	static struct dbq q_kill = {"KILL CONNECTION ?", NULL, 0};
	struct dbv p[] = {DB_DV_INT(id)};

	if (killer_db == NULL)
		killer_db = connect_db();
	if (db_run(killer_db, &q_kill, p, 1, NULL, &arena) == -1)
		fail_msg("KILL CONNECTION %lld failed with %u", id, db_errno(killer_db));
}

static int is_lost(unsigned e)
{
	return e == 2006 || e == 2013 || e == 2055 || e == 1927 || e == 4031;
}

static void test_reconnect_after_kill(void **state)
{
	struct db *a = open_db();
	const char *bk = bucket(), *bk2 = bucket();
	struct dbv p[] = {DB_DV_STR(bk2), DB_DV_INT(1)};
	long long id, id2;

	(void)state;
	insert(a, bk, 3);
	id = conn_id(a);
	kill_conn(id);
	/* Outside a transaction a SELECT reconnects and runs once more, transparently. */
	log_init("unit", LOG__MAX);
	assert_int_equal(hits(a, bk), 3);
	log_init("unit", LOG_INFO);
	id2 = conn_id(a);
	assert_int_not_equal(id2, id);
	/* Statements prepared on the old connection work on the new one. */
	insert(a, bucket(), 1);
	/* A write is not repeated (it may have committed): it fails, but leaves a new connection behind. */
	kill_conn(id2);
	log_init("unit", LOG__MAX);
	assert_int_equal(db_run(a, &q_insert, p, 2, NULL, &arena), -1);
	log_init("unit", LOG_INFO);
	if (!is_lost(db_errno(a)))
		fail_msg("db_errno after a lost connection: %u", db_errno(a));
	assert_int_equal(hits(a, bk2), -1);
	assert_int_not_equal(conn_id(a), id2);
	insert(a, bk2, 1);
	assert_int_equal(hits(a, bk2), 1);
}

struct killarg {
	const char *b;
	int calls;
};

static enum tx_end tx_killed(struct db *d, struct arena *scratch, void *arg)
{
	struct killarg *t = arg;
	struct dbv p[] = {DB_DV_STR(t->b)};

	t->calls++;
	if (db_run(d, &q_bump, p, 1, NULL, scratch) == -1)
		return TX_FAIL;
	if (t->calls == 1)
		kill_conn(conn_id(d));
	if (db_run(d, &q_bump, p, 1, NULL, scratch) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

static void test_tx_retry_after_kill(void **state)
{
	struct db *a = open_db();
	struct killarg t = {bucket(), 0};

	(void)state;
	insert(a, t.b, 0);
	log_init("unit", LOG__MAX);
	assert_int_equal(db_tx(a, tx_killed, &t), 1);
	log_init("unit", LOG_INFO);
	assert_int_equal(t.calls, 2);
	/* The killed attempt was rolled back by the server: two bumps, not three. */
	assert_int_equal(hits(a, t.b), 2);
	/* Killed between transactions: the next one starts on a new connection. */
	kill_conn(conn_id(a));
	t.calls = 1;
	log_init("unit", LOG__MAX);
	assert_int_equal(db_tx(a, tx_killed, &t), 1);
	log_init("unit", LOG_INFO);
	assert_int_equal(t.calls, 2);
	assert_int_equal(hits(a, t.b), 4);
}

/* A body that counts its runs and bumps its bucket unless it was bumped already (the idempotency key's look-up). */
struct oncearg {
	const char *b;
	int calls;
	int found; /* the last run found the bump in place */
};

static enum tx_end tx_once(struct db *d, struct arena *scratch, void *arg)
{
	struct oncearg *t = arg;
	struct dbv p[] = {DB_DV_STR(t->b)};
	struct dbres res;

	t->calls++;
	if (db_run(d, &q_hits, p, 1, &res, scratch) == -1)
		return TX_FAIL;
	if ((t->found = dbres_int(&res, 0, 0) > 0))
		return TX_COMMIT;
	return db_run(d, &q_bump, p, 1, NULL, scratch) == -1 ? TX_FAIL : TX_COMMIT;
}

static void test_commit_outcome_after_lost_connection(void **state)
{
	struct db *a = open_db();
	struct oncearg t = {bucket(), 0, 0};

	(void)state;
	insert(a, t.b, 0);
	/* The COMMIT landed and its answer was lost: the body, run again, finds what it wrote. */
	db_deadline(a, db_now_ms() + 5000, 0);
	db_fault(a, DB_FAULT_LOST_AFTER_COMMIT);
	log_init("unit", LOG__MAX);
	assert_int_equal(db_tx(a, tx_once, &t), 1);
	log_init("unit", LOG_INFO);
	assert_int_equal(t.calls, 2);
	assert_true(t.found);
	assert_int_equal(db_commit_unknown(a), 1);
	assert_int_equal(hits(a, t.b), 1);
	/* Lost before the COMMIT reached the server: rolled back there, written by the second run. */
	t = (struct oncearg){bucket(), 0, 0};
	insert(a, t.b, 0);
	db_deadline(a, db_now_ms() + 5000, 0);
	db_fault(a, DB_FAULT_LOST_BEFORE_COMMIT);
	log_init("unit", LOG__MAX);
	assert_int_equal(db_tx(a, tx_once, &t), 1);
	log_init("unit", LOG_INFO);
	assert_int_equal(t.calls, 2);
	assert_false(t.found);
	assert_int_equal(hits(a, t.b), 1);
	/* An ordinary transaction: the outcome is known. */
	assert_int_equal(db_tx(a, tx_once, &t), 1);
	assert_int_equal(db_commit_unknown(a), 0);
	db_deadline(a, 0, 0);
}

static void test_deadline(void **state)
{
	struct db *a = open_db();
	const char *b = bucket();

	(void)state;
	insert(a, b, 3);
	/* Past the deadline nothing is sent: out of time, busy. */
	db_deadline(a, db_now_ms() - 1, 0);
	log_init("unit", LOG__MAX);
	assert_int_equal(db_run(a, &q_hits, (struct dbv[]){DB_DV_STR(b)}, 1, NULL, &arena), -1);
	log_init("unit", LOG_INFO);
	assert_int_equal(db_errno(a), DB_ETIME);
	assert_int_equal(db_state(a), DB_BUSY);
	/* A new request starts fine, with a statement limit of its own: a longer statement is stopped by the server. */
	db_deadline(a, db_now_ms() + 5000, 0.2);
	assert_int_equal(db_state(a), DB_FINE);
	assert_int_equal(hits(a, b), 3);
	{
		static struct dbq q_sleep = {"SELECT SLEEP(2)", NULL, 0};
		struct dbres res;
		double t0 = db_now_ms();
		log_init("unit", LOG__MAX);
		/* SLEEP reports an interruption as its value 1, or the statement fails with 1969. */
		if (db_run(a, &q_sleep, NULL, 0, &res, &arena) == 0)
			assert_int_equal(dbres_int(&res, 0, 0), 1);
		else
			assert_int_equal(db_errno(a), DB_ETIME);
		log_init("unit", LOG_INFO);
		assert_true(db_now_ms() - t0 < 1500);
	}
	db_deadline(a, 0, 0);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_params),
		T(test_binary_value_round_trip),
		T(test_result_types),
		T(test_sectors),
		T(test_row),
		T(test_errors),
		T(test_tx_commit_and_rollback),
		T(test_tx_begun),
		T(test_tx_deadlock_retry),
		T(test_reconnect_after_kill),
		T(test_tx_retry_after_kill),
		T(test_commit_outcome_after_lost_connection),
		T(test_deadline),
	};
	int rc = cmocka_run_group_tests_name("db", tests, NULL, NULL);

	db_close(main_db);
	db_close(killer_db);
	config_free(&cfg);
	arena_free(&arena);
	return rc;
}
