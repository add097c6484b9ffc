/* Statements of a person's own data (152-FZ): profile edits, consents, the export of what is held, erasure, sessions.
 */
#include "db_pdata.h"

#include <stdio.h>

#include "db_auth.h"
#include "db_coverage.h"

enum {
	Q_MY_PROFILE,
	Q_MY_CONSENTS,
	Q_MY_REGISTRATIONS,
	Q_MY_CHECKINS,
	Q_MY_CERTIFICATES,
	Q_MY_SESSIONS,
	Q_MY_ACCESS,
	Q_SESSIONS,
	Q_SESSION_END,
	Q_ERASE_PERSON,
	Q_ERASE_CERTS,
	Q_ERASE_CERT_FILES,
	Q_ERASE_SESSIONS,
	Q_ERASE_GRANTS,
	Q_ERASE_CONSENT_IPS,
	Q_CONSENT,
	Q_CONSENT_CURRENT,
	Q_CONSENT_ADD,
	Q_CONSENT_PERSON,
	Q_PROFILE_FORM,
	Q_PERSON_LOCK,
	Q_PROFILE_SET,
	Q_REG_MOVE,
	Q_REGS_OF,
	Q__MAX
};

/* The consent document in force: the newest whose date has come. */
#define CONSENT_IN_FORCE                                                                                               \
	"(SELECT version FROM consent_document WHERE in_force_from <= NOW() ORDER BY in_force_from DESC LIMIT 1)"

static struct dbq q[Q__MAX] = {
	[Q_MY_PROFILE] = {"SELECT p.full_name, p.full_name_dat, p.email, p.phone, p.position, o.short_name, "
			  "DATE_FORMAT(p.created_at, '%Y-%m-%d %H:%i:%s'), p.consent_version, "
			  "DATE_FORMAT(p.consent_at, '%Y-%m-%d %H:%i:%s') FROM person p "
			  "LEFT JOIN organization o ON o.id = p.organization_id WHERE p.id = ?"},
	[Q_MY_CONSENTS] =
		{"SELECT version, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s'), ip, withdrawn FROM consent_acceptance "
		 "WHERE person_id = ? ORDER BY id"},
	[Q_MY_REGISTRATIONS] =
		{"SELECT g.id, s.title, g.mode, g.status, DATE_FORMAT(g.created_at, '%Y-%m-%d %H:%i:%s'), "
		 "DATE_FORMAT(g.cancelled_at, '%Y-%m-%d %H:%i:%s'), o.short_name FROM registration g "
		 "JOIN seminar s ON s.id = g.seminar_id LEFT JOIN organization o ON o.id = g.organization_id "
		 "WHERE g.person_id = ? ORDER BY g.id"},
	[Q_MY_CHECKINS] = {"SELECT s.title, DATE_FORMAT(ss.starts_at, '%Y-%m-%d %H:%i'), a.mode, "
			   "DATE_FORMAT(a.at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(a.undone_at, '%Y-%m-%d %H:%i:%s') "
			   "FROM attendance a JOIN registration g ON g.id = a.registration_id "
			   "JOIN seminar_session ss ON ss.id = a.session_id JOIN seminar s ON s.id = g.seminar_id "
			   "WHERE g.person_id = ? ORDER BY a.at"},
	[Q_MY_CERTIFICATES] =
		{"SELECT number, seminar_title, full_name, full_name_dat, organization, "
		 "DATE_FORMAT(issued_at, '%Y-%m-%d'), DATE_FORMAT(revoked_at, '%Y-%m-%d') FROM certificate "
		 "WHERE person_id = ? ORDER BY id"},
	[Q_MY_SESSIONS] =
		{"SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s'), "
		 "ip, user_agent FROM web_session WHERE person_id = ? AND expires_at > NOW() ORDER BY created_at"},
	/* Who looked at the person's data: staff by name (the journal is the operator's record of them). */
	[Q_MY_ACCESS] =
		{"SELECT DATE_FORMAT(j.at, '%Y-%m-%d %H:%i:%s'), p.full_name, j.action, j.object_type, j.object_id, "
		 "j.query FROM access_journal_subject x JOIN access_journal j ON j.id = x.journal_id "
		 "LEFT JOIN person p ON p.id = j.person_id WHERE x.person_id = ? ORDER BY j.id DESC LIMIT 5000"},
	[Q_SESSIONS] = {"SELECT LEFT(HEX(id_hash), 16), DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), "
			"DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i'), ip, user_agent, id_hash = ? FROM web_session "
			"WHERE person_id = ? AND expires_at > NOW() ORDER BY created_at DESC"},
	[Q_SESSION_END] =
		{"DELETE FROM web_session WHERE person_id = ? AND id_hash <> ? AND LEFT(HEX(id_hash), 16) = ?"},
	[Q_ERASE_PERSON] =
		{"UPDATE person SET email = CONCAT('erased-', id, '@erased.invalid'), password_hash = '!', "
		 "full_name = '" ERASED_NAME "', full_name_dat = '" ERASED_NAME "', phone = NULL, position = NULL, "
		 "erased_at = NOW(), disabled_at = IFNULL(disabled_at, NOW()) WHERE id = ? AND erased_at IS NULL"},
	[Q_ERASE_CERTS] = {"UPDATE certificate SET full_name = '" ERASED_NAME "', full_name_dat = '" ERASED_NAME "' "
			   "WHERE person_id = ?"},
	[Q_ERASE_CERT_FILES] = {"DELETE f FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id "
				"WHERE c.person_id = ?"},
	[Q_ERASE_SESSIONS] = {"DELETE FROM web_session WHERE person_id = ?"},
	[Q_ERASE_GRANTS] = {"DELETE FROM role_grant WHERE person_id = ?"},
	[Q_ERASE_CONSENT_IPS] = {"UPDATE consent_acceptance SET ip = NULL WHERE person_id = ?"},
	[Q_CONSENT] =
		{"SELECT version, DATE_FORMAT(in_force_from, '%Y-%m-%d'), title, body, version = " CONSENT_IN_FORCE
		 " FROM consent_document WHERE version = ?"},
	[Q_CONSENT_CURRENT] = {"SELECT version, DATE_FORMAT(in_force_from, '%Y-%m-%d'), title, body, 1 "
			       "FROM consent_document WHERE version = " CONSENT_IN_FORCE},
	[Q_CONSENT_ADD] = {"INSERT INTO consent_acceptance (person_id, version, ip, withdrawn) VALUES (?, ?, ?, ?)"},
	[Q_CONSENT_PERSON] = {"UPDATE person SET consent_version = ?, consent_at = NOW() WHERE id = ?"},
	[Q_PROFILE_FORM] =
		{"SELECT p.full_name, p.full_name_dat, p.email, p.position, p.phone, p.organization_id, "
		 "o.district_id, d.region_id FROM person p LEFT JOIN organization o ON o.id = p.organization_id "
		 "LEFT JOIN district d ON d.id = o.district_id WHERE p.id = ?"},
	[Q_PERSON_LOCK] =
		{"SELECT IFNULL(organization_id, 0) FROM person WHERE id = ? AND erased_at IS NULL FOR UPDATE"},
	[Q_PROFILE_SET] = {"UPDATE person SET full_name = ?, full_name_dat = ?, position = ?, phone = ?, "
			   "organization_id = ? WHERE id = ?"},
	[Q_REG_MOVE] = {"UPDATE registration SET organization_id = ? WHERE person_id = ?"},
	[Q_REGS_OF] = {"SELECT id FROM registration WHERE person_id = ? ORDER BY id"},
};

json_t *db_profile_form(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"full_name",        "full_name_dat", "email",      "position", "phone",
					"#organization_id", "#district_id",  "#region_id", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};
	json_t *rows = db_json(d, &q[Q_PROFILE_FORM], v, NELEM(v), a, k), *one;

	if (rows == NULL || json_array_size(rows) == 0) {
		json_decref(rows);
		return NULL;
	}
	one = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return one;
}

json_t *db_consent(struct db *d, struct arena *a, const char *version)
{
	static const char *const k[] = {"version", "in_force_from", "title", "body", "#current", NULL};
	struct dbv v[] = {db_dv_str_or_null(version)};
	json_t *rows = version ? db_json(d, &q[Q_CONSENT], v, NELEM(v), a, k)
			       : db_json(d, &q[Q_CONSENT_CURRENT], NULL, 0, a, k),
	       *one;

	if (rows == NULL)
		return NULL;
	one = json_array_size(rows) ? json_incref(json_array_get(rows, 0)) : json_null();
	json_decref(rows);
	return one;
}

struct consent_ctx {
	long long person_id;
	const char *version, *ip;
	int withdrawn, outcome;
};

static enum tx_end consent_tx(struct db *d, struct arena *a, void *arg)
{
	struct consent_ctx *c = arg;
	struct dbv add[] = {DB_DV_INT(c->person_id), DB_DV_STR(c->version), db_dv_str_or_null(c->ip),
			    DB_DV_INT(c->withdrawn)};
	struct dbv set[] = {DB_DV_STR(c->version), DB_DV_INT(c->person_id)};

	(void)a;
	if (db_run(d, &q[Q_CONSENT_ADD], add, NELEM(add), NULL, NULL) == -1) {
		if (db_errno(d) != 1452)
			return TX_FAIL;
		c->outcome = 0;
		return TX_ROLLBACK;
	}
	if ((!c->withdrawn && db_run(d, &q[Q_CONSENT_PERSON], set, NELEM(set), NULL, NULL) == -1) ||
	    db_audit(d, c->person_id, c->withdrawn ? "consent.withdraw" : "consent.accept", "person", c->person_id,
		     c->ip, c->version) == -1)
		return TX_FAIL;
	c->outcome = 1;
	return TX_COMMIT;
}

int db_consent_accept(struct db *d, long long person_id, const char *version, const char *ip, int withdrawn)
{
	struct consent_ctx c = {person_id, version, ip, withdrawn, 0};

	return db_tx(d, consent_tx, &c) == -1 ? -1 : c.outcome;
}

json_t *db_my_data(struct db *d, struct arena *a, long long person_id)
{
	static const char *const profile[] = {
		"full_name",    "full_name_dat", "email",           "phone",      "position",
		"organization", "created_at",    "consent_version", "consent_at", NULL};
	static const char *const consents[] = {"version", "at", "ip", "#withdrawn", NULL};
	static const char *const regs[] = {"#id",        "seminar",      "mode",         "status",
					   "created_at", "cancelled_at", "organization", NULL};
	static const char *const checkins[] = {"seminar", "session", "mode", "at", "undone_at", NULL};
	static const char *const certs[] = {"number",       "seminar",   "full_name",  "full_name_dat",
					    "organization", "issued_on", "revoked_on", NULL};
	static const char *const sessions[] = {"created_at", "expires_at", "ip", "user_agent", NULL};
	static const char *const access[] = {"at", "who", "action", "object_type", "#object_id", "query", NULL};
	static const struct {
		const char *name;
		int stmt;
		const char *const *keys;
	} parts[] = {{"profile", Q_MY_PROFILE, profile},
		     {"consents", Q_MY_CONSENTS, consents},
		     {"registrations", Q_MY_REGISTRATIONS, regs},
		     {"checkins", Q_MY_CHECKINS, checkins},
		     {"certificates", Q_MY_CERTIFICATES, certs},
		     {"sessions", Q_MY_SESSIONS, sessions},
		     {"access", Q_MY_ACCESS, access}};
	struct dbv v[] = {DB_DV_INT(person_id)};
	json_t *out = json_object(), *rows;
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if ((rows = db_json(d, &q[parts[i].stmt], v, NELEM(v), a, parts[i].keys)) == NULL) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, parts[i].name, rows);
	}
	return out;
}

json_t *db_sessions(struct db *d, struct arena *a, long long person_id, const unsigned char current[32])
{
	static const char *const k[] = {"handle", "created_at", "expires_at", "ip", "user_agent", "#current", NULL};
	struct dbv v[] = {DB_DV_BIN(current, 32), DB_DV_INT(person_id)};

	return db_json(d, &q[Q_SESSIONS], v, NELEM(v), a, k);
}

int db_session_end(struct db *d, long long person_id, const unsigned char current[32], const char *handle)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_BIN(current, 32), DB_DV_STR(handle)};
	struct dbres res;
	struct arena a = {0};
	int rc;

	rc = db_run(d, &q[Q_SESSION_END], v, NELEM(v), &res, &a);
	arena_free(&a);
	return rc == -1 ? -1 : (int)res.affected;
}

struct erase_ctx {
	long long person_id, by;
	const char *ip, *why;
	int outcome;
};

static enum tx_end erase_tx(struct db *d, struct arena *a, void *arg)
{
	static const int steps[] = {Q_ERASE_CERTS, Q_ERASE_CERT_FILES, Q_ERASE_SESSIONS, Q_ERASE_GRANTS,
				    Q_ERASE_CONSENT_IPS};
	struct erase_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->person_id)};
	struct dbres res;
	size_t i;

	if (db_run(d, &q[Q_ERASE_PERSON], v, NELEM(v), &res, a) == -1)
		return TX_FAIL;
	if (res.affected == 0) {
		/* Already erased, or no such person: nothing to do, and nothing written. */
		c->outcome = 0;
		return TX_ROLLBACK;
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (db_run(d, &q[steps[i]], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	if (db_audit(d, c->by, "person.erase", "person", c->person_id, c->ip, c->why) == -1)
		return TX_FAIL;
	c->outcome = 1;
	return TX_COMMIT;
}

int db_erase(struct db *d, long long person_id, long long by, const char *ip, const char *why)
{
	struct erase_ctx c = {person_id, by, ip, why, 0};

	return db_tx(d, erase_tx, &c) == -1 ? -1 : c.outcome;
}

/* Re-evaluates the coverage of every registration of the person (inside the caller's transaction). */
static int touch_registrations(struct db *d, struct arena *a, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id)};
	struct dbres res;
	size_t i;

	if (db_run(d, &q[Q_REGS_OF], v, NELEM(v), &res, a) == -1)
		return -1;
	for (i = 0; i < res.nrows; i++)
		if (db_coverage_registration(d, dbres_int(&res, i, 0)) == -1)
			return -1;
	return 0;
}

struct profile_ctx {
	const struct profile_edit *e;
	int outcome;
};

static enum tx_end profile_tx(struct db *d, struct arena *a, void *arg)
{
	struct profile_ctx *c = arg;
	const struct profile_edit *e = c->e;
	struct dbv id[] = {DB_DV_INT(e->person_id)};
	struct dbv set[] = {
		DB_DV_STR(e->full_name),     DB_DV_STR(e->full_name_dat),          db_dv_str_or_null(e->position),
		db_dv_str_or_null(e->phone), db_dv_id_or_null(e->organization_id), DB_DV_INT(e->person_id)};
	struct dbv move[] = {db_dv_id_or_null(e->organization_id), DB_DV_INT(e->person_id)};
	struct dbres res;
	long long was;
	char detail[64];

	if (db_run(d, &q[Q_PERSON_LOCK], id, NELEM(id), &res, a) == -1)
		return TX_FAIL;
	if (res.nrows == 0) {
		c->outcome = 0;
		return TX_ROLLBACK;
	}
	was = dbres_int(&res, 0, 0);
	if (db_run(d, &q[Q_PROFILE_SET], set, NELEM(set), NULL, NULL) == -1)
		return TX_FAIL;
	/* The coverage that follows from the person's organisation moves with it. */
	if (was != e->organization_id && (db_run(d, &q[Q_REG_MOVE], move, NELEM(move), NULL, NULL) == -1 ||
					  touch_registrations(d, a, e->person_id) == -1))
		return TX_FAIL;
	snprintf(detail, sizeof(detail), "organization %lld -> %lld", was, e->organization_id);
	if (db_audit(d, e->person_id, "profile.update", "person", e->person_id, e->ip,
		     was != e->organization_id ? detail : NULL) == -1)
		return TX_FAIL;
	c->outcome = 1;
	return TX_COMMIT;
}

int db_profile_save(struct db *d, const struct profile_edit *e)
{
	struct profile_ctx c = {e, 0};

	return db_tx(d, profile_tx, &c) == -1 ? -1 : c.outcome;
}
