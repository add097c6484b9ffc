/* Statements of accounts, sessions, role grants, throttling and the audit log. */
#include "db_auth.h"

#include <stdlib.h>
#include <string.h>

enum {
	Q_PERSON_INSERT,
	Q_PERSON_PASSWORD,
	Q_SESSION_INSERT,
	Q_SESSION_DELETE,
	Q_SESSION_USER,
	Q_GRANT_INSERT,
	Q_GRANT_PERSON,
	Q_GRANT_DELETE,
	Q_THROTTLE_HIT,
	Q_THROTTLE_GET,
	Q_THROTTLE_CLEAR,
	Q_AUDIT,
	Q__MAX
};

static struct dbq q[Q__MAX] = {
	/* The address is not confirmed yet (mail: account_mail_confirm, account_mail_invite). */
	[Q_PERSON_INSERT] = {"INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, "
			     "organization_id, consent_at, consent_version, email_confirmed_at) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?, NOW(), ?, NULL)"},
	[Q_PERSON_PASSWORD] = {"SELECT id, password_hash FROM person WHERE email = ? AND disabled_at IS NULL"},
	[Q_SESSION_INSERT] = {"INSERT INTO web_session (id_hash, person_id, expires_at, ip, user_agent) "
			      "VALUES (?, ?, NOW() + INTERVAL ? SECOND, ?, ?)"},
	[Q_SESSION_DELETE] = {"DELETE FROM web_session WHERE id_hash = ?"},
	/* One round trip per request: the person, all grants folded into one column, whether the consent in force
	   is accepted, the organisation headed. */
	[Q_SESSION_USER] =
		{"SELECT p.id, p.email, p.full_name, GROUP_CONCAT(CONCAT_WS(':', g.id, g.role, "
		 "IFNULL(g.region_id, 0), IFNULL(g.sector_id, 0), IFNULL(g.district_id, 0)) SEPARATOR ',') "
		 /* The newest consent row (a withdrawal: none), else what the person row says, against the text in
		    force. */
		 ", COALESCE((SELECT IF(a.withdrawn, '-', a.version) FROM consent_acceptance a WHERE a.person_id = p.id "
		 "ORDER BY a.id DESC LIMIT 1), p.consent_version) <=> (SELECT d.version FROM consent_document d "
		 "WHERE d.in_force_from <= NOW() ORDER BY d.in_force_from DESC LIMIT 1), "
		 "(SELECT h.organization_id FROM org_head h WHERE h.person_id = p.id AND h.status = 'confirmed'), "
		 "UNIX_TIMESTAMP(s.expires_at) FROM web_session s JOIN person p ON p.id = s.person_id "
		 "LEFT JOIN role_grant g ON g.person_id = p.id "
		 "WHERE s.id_hash = ? AND s.expires_at > NOW() AND p.disabled_at IS NULL GROUP BY p.id"},
	[Q_GRANT_INSERT] = {"INSERT INTO role_grant (person_id, role, region_id, sector_id, district_id, granted_by) "
			    "VALUES (?, ?, ?, ?, ?, ?)"},
	[Q_GRANT_PERSON] = {"SELECT person_id FROM role_grant WHERE id = ?"},
	[Q_GRANT_DELETE] = {"DELETE FROM role_grant WHERE id = ?"},
	[Q_THROTTLE_HIT] = {"INSERT INTO rate_limit (bucket, window_start, hits) VALUES (?, NOW(), 1) "
			    "ON DUPLICATE KEY UPDATE hits = IF(window_start < NOW() - INTERVAL ? SECOND, 1, hits + 1), "
			    "window_start = IF(window_start < NOW() - INTERVAL ? SECOND, NOW(), window_start)"},
	[Q_THROTTLE_GET] =
		{"SELECT IF(window_start < NOW() - INTERVAL ? SECOND, 0, hits) FROM rate_limit WHERE bucket = ?"},
	[Q_THROTTLE_CLEAR] = {"DELETE FROM rate_limit WHERE bucket = ?"},
	[Q_AUDIT] = {"INSERT INTO audit_log (person_id, action, object_type, object_id, ip, detail) "
		     "VALUES (?, ?, ?, ?, ?, ?)"},
};

long long db_person_create(struct db *d, const struct person_new *p)
{
	struct dbv v[] = {DB_DV_STR(p->email),
			  DB_DV_STR(p->password_hash),
			  DB_DV_STR(p->full_name),
			  DB_DV_STR(p->full_name_dat),
			  db_dv_str_or_null(p->phone),
			  db_dv_str_or_null(p->position),
			  db_dv_id_or_null(p->organization_id),
			  DB_DV_STR(p->consent_version)};
	struct dbres res;
	struct arena a = {0};
	long long id = -1;

	if (db_run(d, &q[Q_PERSON_INSERT], v, NELEM(v), &res, &a) == 0)
		id = (long long)res.insert_id;
	else if (db_errno(d) == 1062)
		id = 0;
	arena_free(&a);
	return id;
}

int db_person_password(struct db *d, struct arena *a, const char *email, long long *id, const char **hash)
{
	struct dbv v[] = {DB_DV_STR(email)};
	struct dbres res;

	if (db_run(d, &q[Q_PERSON_PASSWORD], v, NELEM(v), &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	*id = dbres_int(&res, 0, 0);
	*hash = dbres_str(&res, 0, 1);
	return 1;
}

int db_session_create(struct db *d, const unsigned char hash[32], long long person_id, long ttl, const char *ip,
		      const char *ua)
{
	struct dbv v[] = {DB_DV_BIN(hash, 32), DB_DV_INT(person_id), DB_DV_INT(ttl), DB_DV_STR(ip),
			  db_dv_str_or_null(ua)};

	return db_run(d, &q[Q_SESSION_INSERT], v, NELEM(v), NULL, NULL);
}

int db_session_delete(struct db *d, const unsigned char hash[32])
{
	struct dbv v[] = {DB_DV_BIN(hash, 32)};

	return db_run(d, &q[Q_SESSION_DELETE], v, NELEM(v), NULL, NULL);
}

static int role_from(const char *s, enum role *out)
{
	int i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(role_codes[i], s) == 0) {
			*out = (enum role)i;
			return 1;
		}
	return 0;
}

int db_session_user(struct db *d, struct arena *a, const unsigned char hash[32], struct user *u)
{
	struct dbv v[] = {DB_DV_BIN(hash, 32)};
	struct dbres res;
	const char *gs;
	size_t n = 0;

	if (db_run(d, &q[Q_SESSION_USER], v, NELEM(v), &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	memset(u, 0, sizeof(*u));
	u->id = dbres_int(&res, 0, 0);
	u->email = dbres_str(&res, 0, 1);
	u->name = dbres_str(&res, 0, 2);
	u->consent_ok = dbres_int(&res, 0, 4) == 1;
	u->head_org = dbres_int(&res, 0, 5);
	u->expires_at = dbres_int(&res, 0, 6);
	gs = dbres_str(&res, 0, 3);
	if (gs == NULL)
		return 1;
	for (const char *p = gs; *p; p++)
		n += *p == ',';
	u->grants = arena_alloc(a, (n + 1) * sizeof(*u->grants));
	/* "id:role:region:sector:district,..." */
	for (const char *p = gs; *p;) {
		struct grant *g = &u->grants[u->ngrants];
		char role[16];
		long long id, region, sector, district;
		int used = 0;
		if (sscanf(p, "%lld:%15[a-z]:%lld:%lld:%lld%n", &id, role, &region, &sector, &district, &used) == 5 &&
		    role_from(role, &g->role)) {
			g->id = id;
			g->region_id = region;
			g->sector_id = sector;
			g->district_id = district;
			u->ngrants++;
		}
		p += used ? (size_t)used : strcspn(p, ",");
		if (*p == ',')
			p++;
		else if (*p != '\0')
			break;
	}
	return 1;
}

int db_grant_add(struct db *d, long long person_id, enum role role, const struct grant *g, long long by)
{
	struct dbv v[] = {
		DB_DV_INT(person_id),           DB_DV_STR(role_codes[role]),      db_dv_id_or_null(g->region_id),
		db_dv_id_or_null(g->sector_id), db_dv_id_or_null(g->district_id), db_dv_id_or_null(by)};

	if (db_run(d, &q[Q_GRANT_INSERT], v, NELEM(v), NULL, NULL) == 0)
		return 1;
	return db_errno(d) == 1062 ? 0 : -1;
}

int db_grant_revoke(struct db *d, long long grant_id, long long *person_id)
{
	struct dbv v[] = {DB_DV_INT(grant_id)};
	struct dbres res;
	struct arena a = {0};
	int rc = -1;

	if (db_run(d, &q[Q_GRANT_PERSON], v, NELEM(v), &res, &a) == 0) {
		rc = 0;
		if (res.nrows == 1) {
			*person_id = dbres_int(&res, 0, 0);
			rc = db_run(d, &q[Q_GRANT_DELETE], v, NELEM(v), NULL, NULL) == 0 ? 1 : -1;
		}
	}
	arena_free(&a);
	return rc;
}

long db_throttle(struct db *d, struct arena *a, const char *bucket, long window, int hit)
{
	struct dbv h[] = {DB_DV_STR(bucket), DB_DV_INT(window), DB_DV_INT(window)};
	struct dbv g[] = {DB_DV_INT(window), DB_DV_STR(bucket)};
	struct dbres res;

	if (hit && db_run(d, &q[Q_THROTTLE_HIT], h, NELEM(h), NULL, NULL) == -1)
		return -1;
	if (db_run(d, &q[Q_THROTTLE_GET], g, NELEM(g), &res, a) == -1)
		return -1;
	return res.nrows ? (long)dbres_int(&res, 0, 0) : 0;
}

int db_throttle_clear(struct db *d, const char *bucket)
{
	struct dbv v[] = {DB_DV_STR(bucket)};

	return db_run(d, &q[Q_THROTTLE_CLEAR], v, NELEM(v), NULL, NULL);
}

int db_audit(struct db *d, long long person_id, const char *action, const char *otype, long long oid, const char *ip,
	     const char *detail)
{
	struct dbv v[] = {db_dv_id_or_null(person_id), DB_DV_STR(action),     db_dv_str_or_null(otype),
			  db_dv_id_or_null(oid),       db_dv_str_or_null(ip), db_dv_str_or_null(detail)};

	return db_run(d, &q[Q_AUDIT], v, NELEM(v), NULL, NULL);
}
