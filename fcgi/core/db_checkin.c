/* Statements of tickets and check-in: the append-only scan log and the attendance derived from it. */
#include "db_checkin.h"
#include "db_coverage.h"

#include <string.h>

enum {
	Q_SCAN_BY_CLIENT,
	Q_SCAN,
	Q_ATTENDANCE_LOCK,
	Q_SCAN_INSERT,
	Q_SCAN_ORIGINAL,
	Q_ATTEND_UNDO,
	Q_TICKETS,
	Q_COUNTS,
	Q_SEARCH,
	Q_TICKET,
	Q_TICKET_ID,
	Q_TICKET_KEY,
	Q_CANDIDATES,
	Q_ATTEND_ONLINE,
	Q_ATTEND_ONLINE_REVIVE,
	Q_JOURNAL,
	Q__MAX
};

/* Those present at a session (parameters: the session twice), in person and online: the counters that attendance's
 * triggers keep (migration 031), a few rows whatever the attendance. */
#define PRESENT_COUNTS                                                                                                 \
	"(SELECT IFNULL(SUM(n), 0) FROM session_presence WHERE session_id = ? AND mode = 'in_person'), "               \
	"(SELECT IFNULL(SUM(n), 0) FROM session_presence WHERE session_id = ? AND mode = 'online')"

static struct dbq q[Q__MAX] = {
	[Q_SCAN_BY_CLIENT] = {"SELECT id, result, registration_id, conflict, session_id, seminar_id, undoes "
			      "FROM scan_event WHERE client_scan_id = ?"},
	/* The whole scan (sql/procedures/015-door-scan.sql): one round trip that also begins the transaction. */
	[Q_SCAN] = {"CALL door_scan(?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_ATTENDANCE_LOCK] = {"SELECT id, device_id, undone_at IS NOT NULL FROM attendance "
			       "WHERE registration_id = ? AND session_id = ? FOR UPDATE"},
	[Q_SCAN_INSERT] = {"INSERT INTO scan_event (client_scan_id, seminar_id, session_id, registration_id, code, "
			   "method, device_id, operator_id, device_time, result, conflict, undoes) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_SCAN_ORIGINAL] = {"SELECT registration_id, session_id FROM scan_event "
			     "WHERE id = ? AND seminar_id = ? AND result = 'ok'"},
	[Q_ATTEND_UNDO] = {"UPDATE attendance SET undone_at = NOW(3) WHERE registration_id = ? AND session_id = ? "
			   "AND scan_id = ? AND undone_at IS NULL"},
	[Q_TICKETS] = {"SELECT r.ticket_code, p.full_name, o.short_name, r.mode FROM registration r "
		       "JOIN person p ON p.id = r.person_id LEFT JOIN organization o ON o.id = r.organization_id "
		       "WHERE r.seminar_id = ? AND r.status = 'confirmed' ORDER BY p.full_name"},
	/* Confirmed registrations come from the seminar's counters; presence is an index range. */
	[Q_COUNTS] = {"SELECT (SELECT taken_in_person + taken_online FROM seminar WHERE id = ?), " PRESENT_COUNTS},
	[Q_SEARCH] = {"SELECT r.id, p.full_name, o.short_name, r.ticket_code, r.status, r.mode, "
		      "EXISTS (SELECT 1 FROM attendance a WHERE a.registration_id = r.id AND a.session_id = ? "
		      "AND a.undone_at IS NULL) FROM registration r JOIN person p ON p.id = r.person_id "
		      "LEFT JOIN organization o ON o.id = r.organization_id WHERE r.seminar_id = ? "
		      "AND (p.full_name LIKE CONCAT('%', ?, '%') OR o.short_name LIKE CONCAT('%', ?, '%')) "
		      "ORDER BY p.full_name LIMIT 30"},
	[Q_CANDIDATES] = {"SELECT ss.id, ss.seminar_id, r.id, s.title, r.mode FROM registration r "
			  "JOIN seminar s ON s.id = r.seminar_id JOIN seminar_session ss ON ss.seminar_id = s.id "
			  "WHERE r.person_id = ? AND r.status = 'confirmed' AND s.status = 'published' "
			  "AND NOW() BETWEEN ss.starts_at - INTERVAL 15 MINUTE AND ss.ends_at + INTERVAL 15 MINUTE "
			  "ORDER BY ss.seminar_id, ss.starts_at"},
	[Q_ATTEND_ONLINE_REVIVE] =
		{"UPDATE attendance SET undone_at = NULL, mode = 'online', scan_id = ?, at = NOW(3), "
		 "device_id = NULL, operator_id = ? WHERE id = ?"},
	[Q_ATTEND_ONLINE] = {"INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, operator_id) "
			     "VALUES (?, ?, 'online', ?, NOW(3), ?)"},
	/* Every session x every confirmed registration (and anyone checked in), present or not. */
	[Q_JOURNAL] =
		{"SELECT ss.id, ss.starts_at, p.full_name, o.short_name, d.name, IFNULL(a.mode, r.mode), a.at, "
		 "a.id IS NOT NULL FROM seminar_session ss JOIN registration r ON r.seminar_id = ss.seminar_id "
		 "LEFT JOIN attendance a ON a.registration_id = r.id AND a.session_id = ss.id AND a.undone_at IS NULL "
		 "JOIN person p ON p.id = r.person_id LEFT JOIN organization o ON o.id = r.organization_id "
		 "LEFT JOIN district d ON d.id = o.district_id WHERE ss.seminar_id = ? AND (? = 0 OR ss.id = ?) "
		 "AND (r.status = 'confirmed' OR a.id IS NOT NULL) ORDER BY ss.starts_at, ss.id, p.full_name, r.id"},
	[Q_TICKET_ID] = {"SELECT id FROM registration WHERE ticket_code = ?"},
	/* The columns of Q_TICKET that say who may open a ticket, and its code: one primary-key read. */
	[Q_TICKET_KEY] = {"SELECT id, person_id, seminar_id, 0, ticket_code, status, organization_id FROM registration "
			  "WHERE id = ?"},
	[Q_TICKET] =
		{"SELECT r.id, r.person_id, r.seminar_id, s.region_id, r.ticket_code, r.status, r.mode, "
		 "p.full_name, o.short_name, s.title, s.starts_at, s.ends_at, s.venue, s.address, r.organization_id "
		 "FROM registration r JOIN person p ON p.id = r.person_id JOIN seminar s ON s.id = r.seminar_id "
		 "LEFT JOIN organization o ON o.id = r.organization_id WHERE r.id = ?"},
	/* Coverage follows attendance through coverage_queue, applied by the runner (db_coverage_later). */
};

struct scan_ctx {
	const struct scan_in *in;
	struct scan_out *out;
	struct arena *a;
};

static const char *result_static(const char *s)
{
	static const char *const all[] = {"ok", "already", "invalid", "other_seminar", "cancelled", "waitlisted"};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (s && strcmp(s, all[i]) == 0)
			return all[i];
	return "invalid";
}

/* Every scan is recorded, whatever its result: the body commits, unless the session is not the seminar's. */
static enum tx_end scan_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct scan_ctx *c = arg;
	const struct scan_in *in = c->in;
	struct scan_out *out = c->out;
	struct dbv v[] = {DB_DV_STR(in->client_scan_id),
			  DB_DV_INT(in->seminar_id),
			  DB_DV_INT(in->session_id),
			  DB_DV_STR(in->code),
			  DB_DV_STR(in->method),
			  db_dv_str_or_null(in->device_id),
			  db_dv_id_or_null(in->operator_id),
			  db_dv_str_or_null(in->device_time)};
	struct dbres r;
	const char *result;

	(void)scratch; /* what the scan reads goes into out, in the caller's arena */
	memset(out, 0, sizeof(*out));
	if (db_run(d, &q[Q_SCAN], v, NELEM(v), &r, c->a) == -1 || r.nrows != 1)
		return TX_FAIL;
	result = dbres_str(&r, 0, 2);
	if (result != NULL && strcmp(result, "no_session") == 0)
		return TX_ROLLBACK;
	out->replay = dbres_int(&r, 0, 0) != 0;
	out->scan_id = dbres_int(&r, 0, 1);
	out->result = result_static(result);
	out->registration_id = dbres_int(&r, 0, 3);
	out->conflict = dbres_int(&r, 0, 4) != 0;
	out->name = dbres_str(&r, 0, 5);
	out->organization = dbres_str(&r, 0, 6);
	out->at = dbres_str(&r, 0, 7);
	out->by = dbres_str(&r, 0, 8);
	out->present_in_person = dbres_int(&r, 0, 9);
	out->present_online = dbres_int(&r, 0, 10);
	out->registered = dbres_int(&r, 0, 11);
	return TX_COMMIT;
}

int db_checkin_scan(struct db *d, struct arena *a, const struct scan_in *in, struct scan_out *out)
{
	struct scan_ctx c = {in, out, a};
	int rc, attempt;

	/* Two devices uploading the same scan, or the same ticket, at the same
	 * moment meet at a UNIQUE index: the loser runs again and finds the winner's row. */
	for (attempt = 0; attempt < 3; attempt++) {
		rc = db_tx_begun(d, scan_tx, &c);
		if (rc != -1 || db_errno(d) != 1062)
			break;
	}
	/* The COMMIT's answer was lost; the scan found on the next attempt is this upload's own. */
	if (rc == 1 && db_commit_unknown(d))
		out->replay = 0;
	return rc;
}

struct undo_ctx {
	long long seminar_id, scan_id, operator_id;
	const char *client_scan_id, *device_id;
	int outcome; /* as db_checkin_undo returns it */
};

static enum tx_end undo_refused(struct undo_ctx *c, int outcome)
{
	c->outcome = outcome;
	return TX_ROLLBACK;
}

static enum tx_end undo_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct undo_ctx *c = arg;
	struct dbv key[] = {DB_DV_STR(c->client_scan_id)};
	struct dbv orig[] = {DB_DV_INT(c->scan_id), DB_DV_INT(c->seminar_id)};
	struct dbres r;
	long long reg, session;

	if (db_run(d, &q[Q_SCAN_BY_CLIENT], key, NELEM(key), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 1)
		return undo_refused(c, strcmp(dbres_str(&r, 0, 1), "undone") == 0 &&
						       dbres_int(&r, 0, 5) == c->seminar_id &&
						       dbres_int(&r, 0, 6) == c->scan_id
					       ? 2
					       : 0);
	if (db_run(d, &q[Q_SCAN_ORIGINAL], orig, NELEM(orig), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return undo_refused(c, 0);
	reg = dbres_int(&r, 0, 0);
	session = dbres_int(&r, 0, 1);
	{
		struct dbv v[] = {DB_DV_INT(reg), DB_DV_INT(session), DB_DV_INT(c->scan_id)};
		if (db_run(d, &q[Q_ATTEND_UNDO], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
		if (r.affected == 0)
			return undo_refused(c, 0);
	}
	{
		struct dbv v[] = {DB_DV_STR(c->client_scan_id),
				  DB_DV_INT(c->seminar_id),
				  DB_DV_INT(session),
				  DB_DV_INT(reg),
				  DB_DV_NULL,
				  DB_DV_STR("undo"),
				  db_dv_str_or_null(c->device_id),
				  db_dv_id_or_null(c->operator_id),
				  DB_DV_NULL,
				  DB_DV_STR("undone"),
				  DB_DV_INT(0),
				  DB_DV_INT(c->scan_id)};
		if (db_run(d, &q[Q_SCAN_INSERT], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
	}
	if (db_coverage_later(d, reg) == -1)
		return TX_FAIL;
	c->outcome = 1;
	return TX_COMMIT;
}

int db_checkin_undo(struct db *d, long long seminar_id, long long scan_id, const char *client_scan_id,
		    const char *device_id, long long operator_id)
{
	struct undo_ctx c = {seminar_id, scan_id, operator_id, client_scan_id, device_id, 0};

	return db_tx(d, undo_tx, &c) == -1 ? -1 : c.outcome;
}

json_t *db_checkin_tickets(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"code", "name", "organization", "mode", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_TICKETS], v, NELEM(v), a, k);
}

json_t *db_checkin_counts(struct db *d, struct arena *a, long long seminar_id, long long session_id)
{
	static const char *const k[] = {"#registered", "#present_in_person", "#present_online", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(session_id), DB_DV_INT(session_id)};
	json_t *rows = db_json(d, &q[Q_COUNTS], v, NELEM(v), a, k), *one;

	if (rows == NULL)
		return NULL;
	one = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return one;
}

json_t *db_checkin_search(struct db *d, struct arena *a, long long seminar_id, long long session_id, const char *qs)
{
	static const char *const k[] = {"#registration_id", "name", "organization", "code",
					"status",           "mode", "#present",     NULL};
	const char *like = db_like_escape(a, qs);
	struct dbv v[] = {DB_DV_INT(session_id), DB_DV_INT(seminar_id), DB_DV_STR(like), DB_DV_STR(like)};

	return db_json(d, &q[Q_SEARCH], v, NELEM(v), a, k);
}

/* Runs a statement of one ticket by id and reads the columns it begins with: id, person, seminar, region,
 * code, status (the rest of t zero). Returns 1, 0 no such ticket, -1 failure. */
static int ticket_row(struct db *d, struct dbq *stmt, struct arena *a, long long id, struct ticket *t, struct dbres *r)
{
	struct dbv v[] = {DB_DV_INT(id)};

	if (db_run(d, stmt, v, NELEM(v), r, a) == -1)
		return -1;
	if (r->nrows == 0)
		return 0;
	memset(t, 0, sizeof(*t));
	t->id = dbres_int(r, 0, 0);
	t->person_id = dbres_int(r, 0, 1);
	t->seminar_id = dbres_int(r, 0, 2);
	t->region_id = dbres_int(r, 0, 3);
	t->code = dbres_str(r, 0, 4);
	t->status = dbres_str(r, 0, 5);
	return 1;
}

int db_ticket_get(struct db *d, struct arena *a, long long id, struct ticket *t)
{
	struct dbres r;
	int rc = ticket_row(d, &q[Q_TICKET], a, id, t, &r);

	if (rc != 1)
		return rc;
	t->mode = dbres_str(&r, 0, 6);
	t->name = dbres_str(&r, 0, 7);
	t->organization = dbres_str(&r, 0, 8);
	t->title = dbres_str(&r, 0, 9);
	t->starts_at = dbres_str(&r, 0, 10);
	t->ends_at = dbres_str(&r, 0, 11);
	t->venue = dbres_str(&r, 0, 12);
	t->address = dbres_str(&r, 0, 13);
	t->organization_id = dbres_int(&r, 0, 14);
	return 1;
}

int db_ticket_key(struct db *d, struct arena *a, long long id, struct ticket *t)
{
	struct dbres r;
	int rc = ticket_row(d, &q[Q_TICKET_KEY], a, id, t, &r);

	if (rc == 1)
		t->organization_id = dbres_int(&r, 0, 6);
	return rc;
}

long long db_ticket_by_code(struct db *d, struct arena *a, const char *code)
{
	struct dbv v[] = {DB_DV_STR(code)};
	struct dbres r;

	if (db_run(d, &q[Q_TICKET_ID], v, NELEM(v), &r, a) == -1)
		return -1;
	return r.nrows ? dbres_int(&r, 0, 0) : 0;
}

json_t *db_online_candidates(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#session_id", "#seminar_id", "#registration_id", "title", "mode", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_CANDIDATES], v, NELEM(v), a, k);
}

struct online_ctx {
	long long seminar_id, session_id, registration_id, person_id;
	const char *key;
	int fresh; /* a new check-in, not a repeated code */
};

/* The code is recorded either way: the body always commits. */
static enum tx_end online_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct online_ctx *c = arg;
	struct dbv lock[] = {DB_DV_INT(c->registration_id), DB_DV_INT(c->session_id)};
	struct dbres r;
	long long undone;
	int fresh;

	if (db_run(d, &q[Q_ATTENDANCE_LOCK], lock, NELEM(lock), &r, scratch) == -1)
		return TX_FAIL;
	/* A check-in undone at the door is made again by the code. */
	fresh = r.nrows == 0 || dbres_int(&r, 0, 2) != 0;
	undone = r.nrows == 1 ? dbres_int(&r, 0, 0) : 0;
	{
		struct dbv v[] = {DB_DV_STR(c->key),
				  DB_DV_INT(c->seminar_id),
				  DB_DV_INT(c->session_id),
				  DB_DV_INT(c->registration_id),
				  DB_DV_NULL,
				  DB_DV_STR("online_code"),
				  DB_DV_NULL,
				  DB_DV_INT(c->person_id),
				  DB_DV_NULL,
				  DB_DV_STR(fresh ? "ok" : "already"),
				  DB_DV_INT(0),
				  DB_DV_NULL};
		if (db_run(d, &q[Q_SCAN_INSERT], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
	}
	if (fresh && undone) {
		struct dbv v[] = {DB_DV_INT((long long)r.insert_id), DB_DV_INT(c->person_id), DB_DV_INT(undone)};
		if (db_run(d, &q[Q_ATTEND_ONLINE_REVIVE], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	} else if (fresh) {
		struct dbv v[] = {DB_DV_INT(c->registration_id), DB_DV_INT(c->session_id),
				  DB_DV_INT((long long)r.insert_id), DB_DV_INT(c->person_id)};
		if (db_run(d, &q[Q_ATTEND_ONLINE], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	if (fresh && db_coverage_later(d, c->registration_id) == -1)
		return TX_FAIL;
	c->fresh = fresh;
	return TX_COMMIT;
}

int db_online_attend(struct db *d, long long seminar_id, long long session_id, long long registration_id,
		     long long person_id, const char *client_scan_id)
{
	struct online_ctx c = {seminar_id, session_id, registration_id, person_id, client_scan_id, 0};
	int rc = db_tx(d, online_tx, &c);

	/* Two tabs sending the code at once meet at the UNIQUE index: the second finds the first. */
	if (rc == -1 && db_errno(d) == 1062)
		rc = db_tx(d, online_tx, &c);
	return rc == -1 ? -1 : c.fresh;
}

json_t *db_journal(struct db *d, struct arena *a, long long seminar_id, long long session_id)
{
	static const char *const k[] = {"#session_id", "session",  "full_name", "organization", "district", "mode",
					"at",          "#present", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(session_id), DB_DV_INT(session_id)};

	return db_json(d, &q[Q_JOURNAL], v, NELEM(v), a, k);
}
