/* Statements of retention: what has outlived its period, found by age and removed (fcgi/core/retention.c). */
#include "db_retention.h"

enum { Q_CLAIM, Q_UNCONFIRMED, Q_OPEN_REGS, Q_FILE_USED, Q_RUNS, Q_LAST_DAILY, Q__MAX };

static struct dbq q[Q__MAX] = {
	[Q_CLAIM] = {"UPDATE retention_state SET last_run_at = NOW() "
		     "WHERE id = 1 AND (last_run_at IS NULL OR last_run_at <= NOW() - INTERVAL 1 DAY)"},
	[Q_UNCONFIRMED] = {"SELECT id FROM person WHERE email_confirmed_at IS NULL AND erased_at IS NULL "
			   "AND created_at < NOW() - INTERVAL ? DAY ORDER BY created_at, id LIMIT ?"},
	[Q_OPEN_REGS] =
		{"SELECT r.id FROM registration r WHERE r.person_id = ? AND r.status <> 'cancelled' "
		 "AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.registration_id = r.id AND a.undone_at IS NULL) "
		 "ORDER BY r.id LIMIT ?"},
	[Q_FILE_USED] = {"SELECT EXISTS (SELECT 1 FROM material WHERE sha256 = ?) "
			 "OR EXISTS (SELECT 1 FROM briefing_file WHERE sha256 = ?) "
			 "OR EXISTS (SELECT 1 FROM certificate_job WHERE book_sha256 = ?) "
			 "OR EXISTS (SELECT 1 FROM certificate_file WHERE sha256 = ?)"},
	[Q_RUNS] =
		{"SELECT DATE_FORMAT(l.at, '%Y-%m-%d %H:%i'), p.full_name, l.detail FROM audit_log l "
		 "LEFT JOIN person p ON p.id = l.person_id WHERE l.action = 'retention.run' ORDER BY l.id DESC LIMIT 20"},
	[Q_LAST_DAILY] = {"SELECT DATE_FORMAT(last_run_at, '%Y-%m-%d %H:%i') FROM retention_state WHERE id = 1"},
};

/* One statement per sweep; its parameter is the age. */
static struct dbq sweeps[SWEEP__MAX] = {
	[SWEEP_SESSIONS] = {"DELETE FROM web_session WHERE expires_at < NOW() - INTERVAL ? DAY"},
	[SWEEP_TOKENS] = {"DELETE FROM account_token WHERE expires_at < NOW() - INTERVAL ? DAY"},
	[SWEEP_THROTTLE] = {"DELETE FROM rate_limit WHERE window_start < NOW() - INTERVAL ? DAY"},
	[SWEEP_IMPORT_ROWS] = {"DELETE x FROM register_import_row x JOIN register_import i ON i.id = x.import_id "
			       "WHERE i.uploaded_at < NOW() - INTERVAL ? DAY"},
	[SWEEP_IMPORTS] =
		{"DELETE FROM register_import WHERE applied_at IS NULL AND uploaded_at < NOW() - INTERVAL ? DAY"},
	[SWEEP_SCAN_DEVICES] = {"UPDATE scan_event SET device_id = NULL "
				"WHERE server_time < NOW() - INTERVAL ? YEAR AND device_id IS NOT NULL"},
	[SWEEP_ATT_DEVICES] = {"UPDATE attendance SET device_id = NULL "
			       "WHERE at < NOW() - INTERVAL ? YEAR AND device_id IS NOT NULL"},
};

int db_retention_claim(struct db *d)
{
	struct dbres res;
	struct arena a = {0};
	int rc = db_run(d, &q[Q_CLAIM], NULL, 0, &res, &a);

	arena_free(&a);
	return rc == -1 ? -1 : res.affected == 1;
}

/* Runs an id query with two parameters (x, max) into ids. */
static int ids_of(struct db *d, struct arena *a, struct dbq *stmt, long long x, long long *ids, int max)
{
	struct dbv v[] = {DB_DV_INT(x), DB_DV_INT(max)};
	struct dbres res;
	size_t i;

	if (db_run(d, stmt, v, NELEM(v), &res, a) == -1)
		return -1;
	for (i = 0; i < res.nrows && i < (size_t)max; i++)
		ids[i] = dbres_int(&res, i, 0);
	return (int)i;
}

int db_retention_unconfirmed(struct db *d, struct arena *a, long days, long long *ids, int max)
{
	return ids_of(d, a, &q[Q_UNCONFIRMED], days, ids, max);
}

int db_retention_open_registrations(struct db *d, struct arena *a, long long person_id, long long *ids, int max)
{
	return ids_of(d, a, &q[Q_OPEN_REGS], person_id, ids, max);
}

long long db_retention_sweep(struct db *d, enum retention_sweep s, long n)
{
	struct dbv v[] = {DB_DV_INT(n)};
	struct dbres res;
	struct arena a = {0};
	int rc = db_run(d, &sweeps[s], v, NELEM(v), &res, &a);

	arena_free(&a);
	return rc == -1 ? -1 : (long long)res.affected;
}

json_t *db_retention_runs(struct db *d, struct arena *a, const char **last_daily)
{
	static const char *const k[] = {"at", "who", "detail", NULL};
	struct dbres res;

	if (db_run(d, &q[Q_LAST_DAILY], NULL, 0, &res, a) == -1)
		return NULL;
	*last_daily = res.nrows ? dbres_str(&res, 0, 0) : NULL;
	return db_json(d, &q[Q_RUNS], NULL, 0, a, k);
}

int db_retention_file_used(struct db *d, struct arena *a, const char *hex)
{
	struct dbv v[] = {DB_DV_STR(hex), DB_DV_STR(hex), DB_DV_STR(hex), DB_DV_STR(hex)};
	struct dbres res;

	if (db_run(d, &q[Q_FILE_USED], v, NELEM(v), &res, a) == -1)
		return -1;
	return dbres_int(&res, 0, 0) != 0;
}
