/* Statements of the heads of organisations: the role's requests, grants and revocations; what a head sees. */
#include "db_head.h"

#include "db_cert.h"
#include "db_places.h"

enum {
	Q_REQUEST,
	Q_GRANT,
	Q_ID_OF,
	Q_CANDIDATE,
	Q_CONFIRM,
	Q_REVOKE,
	Q_GET,
	Q_LIST,
	Q_OF_PERSON,
	Q_ORG,
	Q_STAFF,
	Q_MEMBER,
	Q_SEMINARS,
	Q_REGS,
	Q__MAX
};

#define HEAD_FROM                                                                                                      \
	"FROM org_head h JOIN person p ON p.id = h.person_id JOIN organization o ON o.id = h.organization_id "         \
	"JOIN district d ON d.id = o.district_id "

static struct dbq q[Q__MAX] = {
	[Q_REQUEST] =
		{"INSERT INTO org_head (person_id, organization_id, status) "
		 "SELECT id, organization_id, 'requested' FROM person WHERE id = ? AND organization_id IS NOT NULL"},
	/* The person's own organisation; a request or a role for another one is replaced. */
	[Q_GRANT] = {"INSERT INTO org_head (person_id, organization_id, status, confirmed_by, confirmed_at) "
		     "SELECT p.id, p.organization_id, 'confirmed', ?, NOW() FROM person p "
		     "WHERE p.id = ? AND p.organization_id IS NOT NULL "
		     "ON DUPLICATE KEY UPDATE organization_id = VALUES(organization_id), status = 'confirmed', "
		     "confirmed_by = VALUES(confirmed_by), confirmed_at = NOW()"},
	[Q_ID_OF] = {"SELECT h.id FROM org_head h JOIN person p ON p.id = h.person_id "
		     "WHERE h.person_id = ? AND h.organization_id = p.organization_id AND h.status = 'confirmed'"},
	[Q_CANDIDATE] = {"SELECT id, organization_id FROM person WHERE email = ?"},
	[Q_CONFIRM] = {"UPDATE org_head SET status = 'confirmed', confirmed_by = ?, confirmed_at = NOW() "
		       "WHERE id = ? AND status = 'requested'"},
	[Q_REVOKE] = {"DELETE FROM org_head WHERE id = ?"},
	[Q_GET] = {"SELECT h.id, h.person_id, h.organization_id, d.region_id, o.sector_id, h.status, p.full_name, "
		   "o.short_name " HEAD_FROM "WHERE h.id = ?"},
	[Q_LIST] = {"SELECT h.id, p.id, p.full_name, p.email, p.position, o.id, o.short_name, d.name, d.region_id, "
		    "o.sector_id, h.status, h.requested_at, h.confirmed_at " HEAD_FROM
		    "ORDER BY h.status = 'confirmed', h.requested_at DESC, h.id DESC LIMIT ?"},
	[Q_OF_PERSON] = {"SELECT h.id, h.status, o.short_name FROM org_head h "
			 "JOIN organization o ON o.id = h.organization_id WHERE h.person_id = ?"},
	[Q_ORG] = {"SELECT o.id, o.sector_id, d.region_id, o.name, o.short_name, sc.name, d.name, rg.name "
		   "FROM organization o JOIN district d ON d.id = o.district_id JOIN region rg ON rg.id = d.region_id "
		   "JOIN sector sc ON sc.id = o.sector_id WHERE o.id = ?"},
	[Q_STAFF] = {"SELECT id, full_name, email, position, phone FROM person "
		     "WHERE organization_id = ? AND disabled_at IS NULL ORDER BY full_name, id"},
	[Q_MEMBER] = {"SELECT 1 FROM person WHERE id = ? AND organization_id = ? AND disabled_at IS NULL"},
	[Q_SEMINARS] = {"SELECT s.id, s.title, s.starts_at, s.ends_at, s.format, s.org_limit, "
			"(SELECT COUNT(*) FROM registration r WHERE r.seminar_id = s.id AND r.organization_id = ? "
			"AND r.status <> 'cancelled') FROM seminar s "
			"JOIN seminar_sector ss ON ss.seminar_id = s.id AND ss.sector_id = ? "
			"WHERE s.status = 'published' AND s.region_id = ? AND NOT " SEMINAR_OVER
			" ORDER BY s.starts_at IS NULL, s.starts_at, s.id"},
	/* Attendance as certificates count it (ATT_COUNTS, QUALIFIES: the one definition). */
	[Q_REGS] = {"SELECT r.id, s.id, s.title, s.starts_at, p.id, p.full_name, p.position, r.mode, r.status, "
		    "r.source, x.sessions, attendance_counted(s.attendance_rule, x.door_n, x.online_n), " QUALIFIES
		    ", " SEMINAR_OVER ", c.number, c.verify_code, c.revoked_at IS NOT NULL "
		    "FROM (SELECT r.id, r.seminar_id, " ATT_COUNTS " FROM registration r WHERE r.organization_id = ? "
		    "AND (? IS NULL OR r.seminar_id = ?)) x JOIN registration r ON r.id = x.id "
		    "JOIN seminar s ON s.id = r.seminar_id JOIN person p ON p.id = r.person_id "
		    "LEFT JOIN certificate c ON c.registration_id = r.id "
		    "ORDER BY s.starts_at IS NULL DESC, s.starts_at DESC, s.id DESC, "
		    "FIELD(r.status, 'confirmed', 'waitlisted', 'cancelled'), p.full_name LIMIT 1000"},
};

int db_head_request(struct db *d, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id)};
	struct dbres r;

	if (db_run(d, &q[Q_REQUEST], v, NELEM(v), &r, NULL) == 0)
		return r.affected > 0;
	return db_errno(d) == 1062 ? 0 : -1;
}

long long db_head_grant(struct db *d, long long person_id, long long by)
{
	struct dbv v[] = {db_dv_id_or_null(by), DB_DV_INT(person_id)};
	struct dbv w[] = {DB_DV_INT(person_id)};
	struct dbres r;
	struct arena a = {0};
	long long id = -1;

	/* Read back: an update of the same values in the same second affects no row. */
	if (db_run(d, &q[Q_GRANT], v, NELEM(v), NULL, NULL) == 0 && db_run(d, &q[Q_ID_OF], w, NELEM(w), &r, &a) == 0)
		id = r.nrows ? dbres_int(&r, 0, 0) : 0;
	arena_free(&a);
	return id;
}

int db_head_candidate(struct db *d, struct arena *a, const char *email, long long *person_id, long long *org)
{
	struct dbv v[] = {DB_DV_STR(email)};
	struct dbres r;

	if (db_run(d, &q[Q_CANDIDATE], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	*person_id = dbres_int(&r, 0, 0);
	*org = dbres_int(&r, 0, 1);
	return 1;
}

int db_head_confirm(struct db *d, long long id, long long by)
{
	struct dbv v[] = {db_dv_id_or_null(by), DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_CONFIRM], v, NELEM(v), &r, NULL) == -1)
		return -1;
	return r.affected > 0;
}

int db_head_revoke(struct db *d, long long id)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_REVOKE], v, NELEM(v), &r, NULL) == -1)
		return -1;
	return r.affected > 0;
}

int db_head_get(struct db *d, struct arena *a, long long id, struct head_row *h)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_GET], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	h->id = dbres_int(&r, 0, 0);
	h->person_id = dbres_int(&r, 0, 1);
	h->organization_id = dbres_int(&r, 0, 2);
	h->region_id = dbres_int(&r, 0, 3);
	h->sector_id = dbres_int(&r, 0, 4);
	h->status = dbres_str(&r, 0, 5);
	h->full_name = dbres_str(&r, 0, 6);
	h->organization = dbres_str(&r, 0, 7);
	return 1;
}

json_t *db_heads(struct db *d, struct arena *a, long limit)
{
	static const char *const k[] = {
		"#id",      "#person_id", "full_name",  "email",  "position",     "#organization_id", "organization",
		"district", "#region_id", "#sector_id", "status", "requested_at", "confirmed_at",     NULL};
	struct dbv v[] = {DB_DV_INT(limit)};

	return db_json(d, &q[Q_LIST], v, NELEM(v), a, k);
}

json_t *db_head_of_person(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#id", "status", "organization", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};
	json_t *rows = db_json(d, &q[Q_OF_PERSON], v, NELEM(v), a, k), *one;

	if (rows == NULL)
		return NULL;
	one = json_array_size(rows) ? json_incref(json_array_get(rows, 0)) : json_null();
	json_decref(rows);
	return one;
}

int db_head_org(struct db *d, struct arena *a, long long org, struct head_org *o)
{
	struct dbv v[] = {DB_DV_INT(org)};
	struct dbres r;

	if (db_run(d, &q[Q_ORG], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	o->id = dbres_int(&r, 0, 0);
	o->sector_id = dbres_int(&r, 0, 1);
	o->region_id = dbres_int(&r, 0, 2);
	o->name = dbres_str(&r, 0, 3);
	o->short_name = dbres_str(&r, 0, 4);
	o->sector = dbres_str(&r, 0, 5);
	o->district = dbres_str(&r, 0, 6);
	o->region = dbres_str(&r, 0, 7);
	return 1;
}

json_t *db_head_staff(struct db *d, struct arena *a, long long org)
{
	static const char *const k[] = {"#id", "full_name", "email", "position", "phone", NULL};
	struct dbv v[] = {DB_DV_INT(org)};

	return db_json(d, &q[Q_STAFF], v, NELEM(v), a, k);
}

int db_head_staff_member(struct db *d, struct arena *a, long long org, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_INT(org)};
	struct dbres r;

	if (db_run(d, &q[Q_MEMBER], v, NELEM(v), &r, a) == -1)
		return -1;
	return r.nrows > 0;
}

json_t *db_head_seminars(struct db *d, struct arena *a, long long org, long long region_id, long long sector_id)
{
	static const char *const k[] = {"#id", "title", "starts_at", "ends_at", "format", "#org_limit", "#ours", NULL};
	struct dbv v[] = {DB_DV_INT(org), DB_DV_INT(sector_id), DB_DV_INT(region_id)};

	return db_json(d, &q[Q_SEMINARS], v, NELEM(v), a, k);
}

json_t *db_head_registrations(struct db *d, struct arena *a, long long org, long long seminar_id)
{
	static const char *const k[] = {"#id",       "#seminar_id",   "title",      "starts_at", "#person_id",
					"full_name", "position",      "mode",       "status",    "source",
					"#sessions", "#attended",     "#qualifies", "#over",     "cert_number",
					"cert_code", "#cert_revoked", NULL};
	struct dbv v[] = {DB_DV_INT(org), db_dv_id_or_null(seminar_id), db_dv_id_or_null(seminar_id)};

	return db_json(d, &q[Q_REGS], v, NELEM(v), a, k);
}
