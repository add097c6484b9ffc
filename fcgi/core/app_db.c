/* The program's database connections: the primary, the replica for reads that may lag, and /healthz. */
#include "app.h"

#include <time.h>

#include "dbconf.h"
#include "gate.h"

int app_db(struct app *a)
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
