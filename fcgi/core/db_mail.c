/* Statements of the mail outbox: queueing, the sender's claims and outcomes, the administrators' view. */
#include "db_mail.h"

#include <stddef.h>
#include <string.h>

enum {
	Q_INSERT,
	Q_ATTACH,
	Q_CONFIRMED,
	Q_CLAIM,
	Q_LEASE,
	Q_ATTACHMENTS,
	Q_SENT,
	Q_RETRY,
	Q_FAILED,
	Q_STATE_ERROR,
	Q_STATE_SENT,
	Q_COUNTS,
	Q_LIST,
	Q_SENDER,
	Q_RESEND,
	Q_EVENT,
	Q_SEMINAR_EVENT,
	Q_RENDERED,
	Q_REMIND,
	Q_PREFS,
	Q_PREF_REMINDERS,
	Q_PREF_ORGANIZER,
	Q_AUDIENCE_COUNT,
	Q_AUDIENCE_QUEUE,
	Q_SEMINAR_NOTICES,
	Q__MAX
};

/* cppcheck-suppress preprocessorErrorDirective */
#define MAIL_COLS(X)                                                                                                   \
	X(LL, id, "id")                                                                                                \
	X(LL, person_id, ", person_id")                                                                                \
	X(LL, attempts, ", attempts")                                                                                  \
	X(STR, kind, ", kind")                                                                                         \
	X(STR, event_key, ", event_key")                                                                               \
	X(STR, recipient, ", recipient")                                                                               \
	X(STR, recipient_name, ", recipient_name")                                                                     \
	X(STR, subject, ", subject")                                                                                   \
	X(STR, body_text, ", body_text")                                                                               \
	X(STR, body_html, ", body_html")                                                                               \
	X(STR, message_id, ", message_id")                                                                             \
	X(LL, registration_id, ", registration_id")                                                                    \
	X(LL, seminar_id, ", seminar_id")                                                                              \
	X(STR, data, ", data")                                                                                         \
	X(BOOL, render, ", render")
#define MAIL_COL(t, field, sql) {DBC_##t, offsetof(struct mail_row, field)},
static const struct dbcol mail_cols[] = {MAIL_COLS(MAIL_COL)};

/* An organiser's message: the seminar's active registrations of a status and a mode (NULL: any) whose people
 * take organisers' messages and have a confirmed address. Parameters: seminar, status twice, mode twice. */
#define AUDIENCE                                                                                                       \
	" FROM registration r JOIN person p ON p.id = r.person_id WHERE r.seminar_id = ? AND r.status <> 'cancelled' " \
	"AND (? IS NULL OR r.status = ?) AND (? IS NULL OR r.mode = ?) AND p.mail_organizer "                          \
	"AND p.email_confirmed_at IS NOT NULL AND p.disabled_at IS NULL"

static struct dbq q[Q__MAX] = {
	[Q_INSERT] = {"INSERT INTO mail_message (kind, event_key, person_id, recipient, recipient_name, subject, "
		      "body_text, body_html, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_ATTACH] = {"INSERT INTO mail_attachment (message_id, filename, content_type, body) VALUES (?, ?, ?, ?)"},
	[Q_CONFIRMED] = {"SELECT email_confirmed_at IS NOT NULL FROM person WHERE id = ?"},
	[Q_CLAIM] = {"SELECT " MAIL_COLS(
		DB_COL_SQL) " FROM mail_message WHERE status = 'queued' "
			    "AND next_attempt_at <= NOW(3) - INTERVAL ? SECOND ORDER BY next_attempt_at LIMIT ? "
			    "FOR UPDATE SKIP LOCKED"},
	[Q_LEASE] = {"UPDATE mail_message SET attempts = attempts + 1, next_attempt_at = NOW(3) + INTERVAL ? SECOND "
		     "WHERE id = ?"},
	[Q_ATTACHMENTS] = {"SELECT filename, content_type, body FROM mail_attachment WHERE message_id = ? ORDER BY id"},
	[Q_SENT] = {"UPDATE mail_message SET status = 'sent', sent_at = NOW(3), last_answer = ? "
		    "WHERE id = ? AND status = 'queued'"},
	[Q_RETRY] = {"UPDATE mail_message SET next_attempt_at = NOW(3) + INTERVAL ? SECOND, last_answer = ? "
		     "WHERE id = ? AND status = 'queued'"},
	[Q_FAILED] = {"UPDATE mail_message SET status = 'failed', last_answer = ? WHERE id = ? AND status = 'queued'"},
	[Q_STATE_ERROR] = {"UPDATE mail_sender SET last_error = ?, last_error_at = NOW(3) WHERE id = 1"},
	[Q_STATE_SENT] = {"UPDATE mail_sender SET last_sent_at = NOW(3) WHERE id = 1"},
	[Q_COUNTS] = {"SELECT SUM(status = 'queued'), SUM(status = 'sent'), SUM(status = 'failed') FROM mail_message"},
	[Q_LIST] = {"SELECT id, kind, recipient, subject, status, attempts, "
		    "DATE_FORMAT(next_attempt_at, '%Y-%m-%d %H:%i:%s'), last_answer, "
		    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(sent_at, '%Y-%m-%d %H:%i:%s') "
		    "FROM mail_message WHERE status = ? ORDER BY id DESC LIMIT 100"},
	[Q_SENDER] = {"SELECT last_error, DATE_FORMAT(last_error_at, '%Y-%m-%d %H:%i:%s'), "
		      "DATE_FORMAT(last_sent_at, '%Y-%m-%d %H:%i:%s') FROM mail_sender WHERE id = 1"},
	[Q_RESEND] = {"UPDATE mail_message SET status = 'queued', attempts = 0, next_attempt_at = NOW(3) "
		      "WHERE id = ? AND status = 'failed'"},
	/* A message about a registration, rendered by the sender (render): sql/procedures/085-mail-event.sql, also
	 * called by a sign-up's one call (registration_signup) in the same round trip as its other writes. */
	[Q_EVENT] = {"CALL mail_event(?, ?, ?)"},
	/* The same for every active registration of a seminar; the event is this statement (NOW(6)). */
	[Q_SEMINAR_EVENT] =
		{"INSERT INTO mail_message (kind, event_key, person_id, recipient, recipient_name, subject, "
		 "body_text, body_html, message_id, registration_id, data, render) "
		 "SELECT ?, CONCAT(?, ':', r.id, ':', DATE_FORMAT(NOW(6), '%Y%m%d%H%i%s%f')), p.id, "
		 "p.email, p.full_name, '', '', '', CONCAT('render.', REPLACE(UUID(), '-', '')), r.id, ?, TRUE "
		 "FROM registration r JOIN person p ON p.id = r.person_id "
		 "WHERE r.seminar_id = ? AND r.status <> 'cancelled' AND p.email_confirmed_at IS NOT NULL "
		 "AND p.disabled_at IS NULL ON DUPLICATE KEY UPDATE mail_message.id = mail_message.id"},
	[Q_RENDERED] =
		{"UPDATE mail_message SET subject = ?, body_text = ?, body_html = ?, message_id = ?, render = FALSE "
		 "WHERE id = ?"},
	[Q_REMIND] = {"CALL mail_remind()"},
	[Q_AUDIENCE_COUNT] = {"SELECT COUNT(*)" AUDIENCE},
	[Q_AUDIENCE_QUEUE] =
		{"INSERT INTO mail_message (kind, event_key, person_id, recipient, recipient_name, subject, "
		 "body_text, body_html, message_id, registration_id, data, render) "
		 "SELECT 'org_message', CONCAT('org_message:', r.id, ':', DATE_FORMAT(NOW(6), "
		 "'%Y%m%d%H%i%s%f')), p.id, p.email, p.full_name, '', '', '', "
		 "CONCAT('render.', REPLACE(UUID(), '-', '')), r.id, ?, TRUE" AUDIENCE},
	/* The same notice sent to many shares its statement's time (created_at): its rows are one group. */
	[Q_SEMINAR_NOTICES] =
		{"SELECT kind, COUNT(*), SUM(status = 'queued'), SUM(status = 'sent'), SUM(status = 'failed'), "
		 "DATE_FORMAT(MIN(created_at), '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(MAX(created_at), '%Y-%m-%d %H:%i:%s') "
		 "FROM (SELECT m.kind, m.status, m.created_at FROM mail_message m "
		 "JOIN registration r ON r.id = m.registration_id WHERE r.seminar_id = ? "
		 "UNION ALL SELECT kind, status, created_at FROM mail_message WHERE seminar_id = ?) x "
		 "GROUP BY kind, IF(kind IN ('reg_confirmed', 'reg_waitlisted', 'reg_promoted', 'reg_cancelled', "
		 "'cert_issued'), NULL, created_at) ORDER BY MAX(created_at) DESC, kind LIMIT 200"},
	[Q_PREFS] = {"SELECT mail_reminders, mail_organizer FROM person WHERE id = ?"},
	[Q_PREF_REMINDERS] = {"UPDATE person SET mail_reminders = ? WHERE id = ?"},
	[Q_PREF_ORGANIZER] = {"UPDATE person SET mail_organizer = ? WHERE id = ?"},
};

int db_mail_insert(struct db *d, struct arena *a, struct mail_row *m)
{
	struct dbv v[] = {DB_DV_STR(m->kind),
			  DB_DV_STR(m->event_key),
			  db_dv_id_or_null(m->person_id),
			  DB_DV_STR(m->recipient),
			  db_dv_str_or_null(m->recipient_name),
			  DB_DV_STR(m->subject),
			  DB_DV_STR(m->body_text),
			  DB_DV_STR(m->body_html),
			  DB_DV_STR(m->message_id)};
	struct dbres res;

	if (db_run(d, &q[Q_INSERT], v, NELEM(v), &res, a) == -1)
		return db_errno(d) == 1062 ? 0 : -1;
	m->id = (long long)res.insert_id;
	return 1;
}

int db_mail_attach(struct db *d, long long id, const char *filename, const char *ctype, const void *data, size_t len)
{
	struct dbv v[] = {DB_DV_INT(id), DB_DV_STR(filename), DB_DV_STR(ctype), DB_DV_BIN(data, len)};

	return db_run(d, &q[Q_ATTACH], v, NELEM(v), NULL, NULL);
}

int db_mail_event(struct db *d, const char *kind, long long registration_id, const char *data)
{
	struct dbv v[] = {DB_DV_STR(kind), DB_DV_INT(registration_id), db_dv_str_or_null(data)};

	return db_run(d, &q[Q_EVENT], v, NELEM(v), NULL, NULL);
}

int db_mail_seminar_event(struct db *d, const char *kind, long long seminar_id, const char *data)
{
	struct dbv v[] = {DB_DV_STR(kind), DB_DV_STR(kind), db_dv_str_or_null(data), DB_DV_INT(seminar_id)};

	return db_run(d, &q[Q_SEMINAR_EVENT], v, NELEM(v), NULL, NULL);
}

int db_mail_rendered(struct db *d, const struct mail_row *m)
{
	struct dbv v[] = {DB_DV_STR(m->subject), DB_DV_STR(m->body_text), DB_DV_STR(m->body_html),
			  DB_DV_STR(m->message_id), DB_DV_INT(m->id)};

	return db_run(d, &q[Q_RENDERED], v, NELEM(v), NULL, NULL);
}

int db_mail_remind(struct db *d)
{
	return db_run(d, &q[Q_REMIND], NULL, 0, NULL, NULL);
}

long long db_mail_audience(struct db *d, struct arena *a, long long seminar_id, const char *status, const char *mode,
			   const char *data)
{
	struct dbv v[] = {db_dv_str_or_null(data),   DB_DV_INT(seminar_id),   db_dv_str_or_null(status),
			  db_dv_str_or_null(status), db_dv_str_or_null(mode), db_dv_str_or_null(mode)};
	struct dbres r;

	if (data == NULL) {
		/* The count takes the queue's parameters but the first (the data). */
		if (db_run(d, &q[Q_AUDIENCE_COUNT], v + 1, NELEM(v) - 1, &r, a) == -1)
			return -1;
		return dbres_int(&r, 0, 0);
	}
	if (db_run(d, &q[Q_AUDIENCE_QUEUE], v, NELEM(v), &r, a) == -1)
		return -1;
	return (long long)r.affected;
}

json_t *db_mail_seminar_notices(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"kind",    "#recipients", "#queued", "#sent",
					"#failed", "first_at",    "last_at", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_SEMINAR_NOTICES], v, NELEM(v), a, k);
}

json_t *db_mail_prefs(struct db *d, struct arena *a, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id)};
	struct dbres r;

	if (db_run(d, &q[Q_PREFS], v, NELEM(v), &r, a) == -1 || r.nrows == 0)
		return NULL;
	return json_pack("{s:b, s:b}", "reminders", (int)dbres_int(&r, 0, 0), "organizer", (int)dbres_int(&r, 0, 1));
}

int db_mail_pref_set(struct db *d, long long person_id, const char *list, int on)
{
	struct dbv v[] = {DB_DV_INT(on != 0), DB_DV_INT(person_id)};

	return db_run(d, &q[strcmp(list, "reminders") == 0 ? Q_PREF_REMINDERS : Q_PREF_ORGANIZER], v, NELEM(v), NULL,
		      NULL);
}

int db_mail_confirmed(struct db *d, struct arena *a, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id)};
	struct dbres res;

	if (db_run(d, &q[Q_CONFIRMED], v, NELEM(v), &res, a) == -1)
		return -1;
	return res.nrows == 1 && dbres_int(&res, 0, 0) == 1;
}

int db_mail_claim(struct db *d, struct arena *a, struct mail_row *rows, int max, long lease_s, long hold_s)
{
	struct dbv v[] = {DB_DV_INT(hold_s), DB_DV_INT(max)};
	struct dbres res;
	size_t i;

	if (db_run(d, &q[Q_CLAIM], v, NELEM(v), &res, a) == -1)
		return -1;
	for (i = 0; i < res.nrows; i++) {
		struct dbv l[] = {DB_DV_INT(lease_s), DB_DV_INT(dbres_int(&res, i, 0))};
		dbres_fill(&res, i, mail_cols, NELEM(mail_cols), &rows[i]);
		rows[i].attempts++;
		if (db_run(d, &q[Q_LEASE], l, NELEM(l), NULL, NULL) == -1)
			return -1;
	}
	return (int)res.nrows;
}

int db_mail_attachments(struct db *d, struct arena *a, long long id, struct dbres *res)
{
	struct dbv v[] = {DB_DV_INT(id)};

	return db_run(d, &q[Q_ATTACHMENTS], v, NELEM(v), res, a);
}

int db_mail_outcome(struct db *d, long long id, enum mail_outcome o, const char *answer, long retry_s)
{
	struct dbv sent[] = {db_dv_str_or_null(answer), DB_DV_INT(id)};
	struct dbv retry[] = {DB_DV_INT(retry_s), db_dv_str_or_null(answer), DB_DV_INT(id)};

	switch (o) {
	case MAIL_SENT: return db_run(d, &q[Q_SENT], sent, NELEM(sent), NULL, NULL);
	case MAIL_RETRY: return db_run(d, &q[Q_RETRY], retry, NELEM(retry), NULL, NULL);
	case MAIL_FAILED: return db_run(d, &q[Q_FAILED], sent, NELEM(sent), NULL, NULL);
	case MAIL_OUTCOME__MAX: break;
	}
	return -1;
}

int db_mail_sender_state(struct db *d, const char *error)
{
	struct dbv v[] = {DB_DV_STR(error != NULL ? error : "")};

	if (error == NULL)
		return db_run(d, &q[Q_STATE_SENT], NULL, 0, NULL, NULL);
	return db_run(d, &q[Q_STATE_ERROR], v, NELEM(v), NULL, NULL);
}

json_t *db_mail_counts(struct db *d, struct arena *a)
{
	struct dbres res;

	if (db_run(d, &q[Q_COUNTS], NULL, 0, &res, a) == -1)
		return NULL;
	return json_pack("{s:I, s:I, s:I}", "queued", (json_int_t)dbres_int(&res, 0, 0), "sent",
			 (json_int_t)dbres_int(&res, 0, 1), "failed", (json_int_t)dbres_int(&res, 0, 2));
}

json_t *db_mail_list(struct db *d, struct arena *a, const char *status)
{
	static const char *const k[] = {
		"#id",         "kind",       "recipient", "subject", "status", "#attempts", "next_attempt_at",
		"last_answer", "created_at", "sent_at",   NULL};
	struct dbv v[] = {DB_DV_STR(status)};

	return db_json(d, &q[Q_LIST], v, NELEM(v), a, k);
}

json_t *db_mail_sender(struct db *d, struct arena *a)
{
	static const char *const k[] = {"last_error", "last_error_at", "last_sent_at", NULL};
	json_t *rows = db_json(d, &q[Q_SENDER], NULL, 0, a, k), *one;

	if (rows == NULL)
		return NULL;
	one = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return one != NULL ? one : json_object();
}

int db_mail_resend(struct db *d, long long id)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres res;
	struct arena a = {0};
	int rc = -1;

	if (db_run(d, &q[Q_RESEND], v, NELEM(v), &res, &a) == 0)
		rc = res.affected == 1;
	arena_free(&a);
	return rc;
}
