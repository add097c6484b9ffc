/* Statements of the briefing journal: publishing to an audience, acknowledgements, lists and the journal. */
#include "db_briefing.h"

#include <stddef.h>

const char *const briefing_kind_codes[BK__MAX] = {"district", "sector", "organization"};
const char *const briefing_kind_names[BK__MAX] = {"районы", "направления", "организации"};

enum {
	Q_INSERT,
	Q_TARGET,
	Q_FOREIGN,
	Q_ORGS,
	Q_SCOPES,
	Q_FILE_ADD,
	Q_GET,
	Q_ACK,
	Q_FILES,
	Q_FILE_GET,
	Q_TARGETS,
	Q_ALL,
	Q_OF_PERSON,
	Q_JOURNAL,
	Q_SUMMARY,
	Q__MAX
};

/* Organisation o matches the chosen ids of one kind of briefing b (none chosen: every one matches). */
#define MATCHES(kind, col)                                                                                             \
	"(NOT EXISTS (SELECT 1 FROM briefing_target t WHERE t.briefing_id = b.id AND t.kind = '" kind "') OR EXISTS "  \
	"(SELECT 1 FROM briefing_target t WHERE t.briefing_id = b.id AND t.kind = '" kind "' AND t.ref_id = " col "))"
#define ORG_CHOSEN                                                                                                     \
	MATCHES("district", "o.district_id")                                                                           \
	" AND " MATCHES("sector", "o.sector_id") " AND " MATCHES("organization", "o.id")
/* An organisation that may be addressed: active, of the register. */
#define IN_REGISTER "o.active AND o.status = 'register'"
/* The audience of briefing bo.briefing_id: the people of its organisations now. */
#define AUDIENCE "briefing_org bo JOIN person p ON p.organization_id = bo.organization_id AND p.disabled_at IS NULL"

/* cppcheck 2.10 fails to expand X-macro arguments that are strings holding commas: */
/* cppcheck-suppress preprocessorErrorDirective */
#define BRIEFING(X)                                                                                                    \
	X(LL, id, "b.id")                                                                                              \
	X(LL, region_id, ", b.region_id")                                                                              \
	X(STR, title, ", b.title")                                                                                     \
	X(STR, body, ", b.body")                                                                                       \
	X(STR, created_at, ", b.created_at")                                                                           \
	X(STR, author, ", w.full_name")                                                                                \
	X(STR, acked_at, ", a.acked_at")                                                                               \
	X(BOOL, addressed,                                                                                             \
	  ", EXISTS (SELECT 1 FROM person me JOIN briefing_org bo ON bo.organization_id = me.organization_id "         \
	  "WHERE me.id = a0.id AND bo.briefing_id = b.id)")
/* Briefing b with its author w and a, the acknowledgement of the person a0.id (the first parameter). */
#define FOR_PERSON                                                                                                     \
	"FROM (SELECT ? AS id) a0 JOIN briefing b JOIN person w ON w.id = b.created_by "                               \
	"LEFT JOIN briefing_ack a ON a.briefing_id = b.id AND a.person_id = a0.id "
#define BRIEFING_COL(t, field, sql) {DBC_##t, offsetof(struct briefing, field)},
static const struct dbcol briefing_cols[] = {BRIEFING(BRIEFING_COL)};

static struct dbq q[Q__MAX] = {
	[Q_INSERT] = {"INSERT INTO briefing (region_id, title, body, created_by) VALUES (?, ?, ?, ?)"},
	[Q_TARGET] = {"INSERT IGNORE INTO briefing_target (briefing_id, kind, ref_id) VALUES (?, ?, ?)"},
	[Q_FOREIGN] = {"SELECT COUNT(*) FROM briefing_target t JOIN briefing b ON b.id = t.briefing_id "
		       "WHERE t.briefing_id = ? AND NOT CASE t.kind "
		       "WHEN 'district' THEN EXISTS (SELECT 1 FROM district d "
		       "WHERE d.id = t.ref_id AND d.region_id = b.region_id) "
		       "WHEN 'sector' THEN EXISTS (SELECT 1 FROM sector s WHERE s.id = t.ref_id) "
		       "ELSE EXISTS (SELECT 1 FROM organization o JOIN district d ON d.id = o.district_id "
		       "WHERE o.id = t.ref_id AND d.region_id = b.region_id AND " IN_REGISTER ") END"},
	[Q_ORGS] = {"INSERT INTO briefing_org (briefing_id, organization_id) SELECT b.id, o.id FROM briefing b "
		    "JOIN district d ON d.region_id = b.region_id JOIN organization o ON o.district_id = d.id "
		    "WHERE b.id = ? AND " IN_REGISTER " AND " ORG_CHOSEN},
	/* Where the addressed organisations lie: each (district, sector) once. */
	[Q_SCOPES] = {"SELECT DISTINCT o.district_id, o.sector_id FROM briefing_org bo "
		      "JOIN organization o ON o.id = bo.organization_id WHERE bo.briefing_id = ?"},
	[Q_FILE_ADD] =
		{"INSERT INTO briefing_file (briefing_id, sha256, file_name, mime, size) VALUES (?, ?, ?, ?, ?)"},
	[Q_GET] = {"SELECT " BRIEFING(DB_COL_SQL) " " FOR_PERSON "WHERE b.id = ?"},
	[Q_ACK] = {"INSERT INTO briefing_ack (briefing_id, person_id, ip) VALUES (?, ?, ?) "
		   "ON DUPLICATE KEY UPDATE briefing_id = briefing_id"},
	[Q_FILES] = {"SELECT id, file_name, size FROM briefing_file WHERE briefing_id = ? ORDER BY id"},
	[Q_FILE_GET] = {"SELECT sha256, mime, file_name FROM briefing_file WHERE briefing_id = ? AND id = ?"},
	[Q_TARGETS] = {"SELECT t.kind, COALESCE(d.name, s.name, o.short_name) AS name FROM briefing_target t "
		       "LEFT JOIN district d ON t.kind = 'district' AND d.id = t.ref_id "
		       "LEFT JOIN sector s ON t.kind = 'sector' AND s.id = t.ref_id "
		       "LEFT JOIN organization o ON t.kind = 'organization' AND o.id = t.ref_id "
		       "WHERE t.briefing_id = ? ORDER BY t.kind, name"},
	[Q_ALL] = {"SELECT b.id, b.region_id, r.name, b.title, b.created_at, "
		   "(SELECT COUNT(*) FROM " AUDIENCE " WHERE bo.briefing_id = b.id), "
		   "(SELECT COUNT(*) FROM " AUDIENCE " JOIN briefing_ack a ON a.briefing_id = bo.briefing_id AND "
		   "a.person_id = p.id WHERE bo.briefing_id = b.id) "
		   "FROM briefing b JOIN region r ON r.id = b.region_id ORDER BY b.id DESC"},
	[Q_OF_PERSON] = {"SELECT b.id, b.title, b.created_at, a.acked_at FROM person p "
			 "JOIN briefing_org bo ON bo.organization_id = p.organization_id "
			 "JOIN briefing b ON b.id = bo.briefing_id "
			 "LEFT JOIN briefing_ack a ON a.briefing_id = b.id AND a.person_id = p.id "
			 "WHERE p.id = ? ORDER BY a.acked_at IS NOT NULL, b.id DESC"},
	[Q_JOURNAL] = {"SELECT p.id, p.full_name, p.position, o.short_name, d.name, a.acked_at FROM " AUDIENCE
		       " JOIN organization o ON o.id = bo.organization_id JOIN district d ON d.id = o.district_id "
		       "LEFT JOIN briefing_ack a ON a.briefing_id = bo.briefing_id AND a.person_id = p.id "
		       "WHERE bo.briefing_id = ? ORDER BY d.name, o.short_name, o.id, p.full_name, p.id"},
	[Q_SUMMARY] = {"SELECT d.name, o.short_name, COUNT(p.id), COUNT(a.person_id) FROM briefing_org bo "
		       "JOIN organization o ON o.id = bo.organization_id JOIN district d ON d.id = o.district_id "
		       "LEFT JOIN person p ON p.organization_id = o.id AND p.disabled_at IS NULL "
		       "LEFT JOIN briefing_ack a ON a.briefing_id = bo.briefing_id AND a.person_id = p.id "
		       "WHERE bo.briefing_id = ? GROUP BY o.id ORDER BY d.name, o.short_name, o.id"},
};

struct publish_ctx {
	const struct briefing_new *b;
	long long id;
	enum briefing_outcome outcome;
};

static enum tx_end publish_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct publish_ctx *c = arg;
	const struct briefing_new *b = c->b;
	struct dbv ins[] = {DB_DV_INT(b->region_id), DB_DV_STR(b->title), DB_DV_STR(b->body), DB_DV_INT(b->created_by)};
	struct dbres r;
	size_t k, i;

	if (db_run(d, &q[Q_INSERT], ins, NELEM(ins), &r, scratch) == -1)
		return TX_FAIL;
	c->id = (long long)r.insert_id;
	for (k = 0; k < BK__MAX; k++)
		for (i = 0; i < b->nids[k]; i++) {
			struct dbv t[] = {DB_DV_INT(c->id), DB_DV_STR(briefing_kind_codes[k]), DB_DV_INT(b->ids[k][i])};
			if (db_run(d, &q[Q_TARGET], t, NELEM(t), NULL, NULL) == -1)
				return TX_FAIL;
		}
	{
		struct dbv id[] = {DB_DV_INT(c->id)};
		if (db_run(d, &q[Q_FOREIGN], id, NELEM(id), &r, scratch) == -1)
			return TX_FAIL;
		if (dbres_int(&r, 0, 0) > 0) {
			c->outcome = BRIEFING_FOREIGN;
			return TX_ROLLBACK;
		}
		if (db_run(d, &q[Q_ORGS], id, NELEM(id), &r, scratch) == -1)
			return TX_FAIL;
		if (r.affected == 0) {
			c->outcome = BRIEFING_NOBODY;
			return TX_ROLLBACK;
		}
		if (db_run(d, &q[Q_SCOPES], id, NELEM(id), &r, scratch) == -1)
			return TX_FAIL;
		for (i = 0; i < r.nrows; i++)
			if (!b->covers(b->author, dbres_int(&r, i, 0), dbres_int(&r, i, 1))) {
				c->outcome = BRIEFING_OUTSIDE;
				return TX_ROLLBACK;
			}
	}
	for (i = 0; i < b->nfiles; i++) {
		const struct briefing_file_new *f = &b->files[i];
		struct dbv v[] = {DB_DV_INT(c->id), DB_DV_STR(f->sha256), DB_DV_STR(f->file_name), DB_DV_STR(f->mime),
				  DB_DV_INT(f->size)};
		if (db_run(d, &q[Q_FILE_ADD], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	c->outcome = BRIEFING_PUBLISHED;
	return TX_COMMIT;
}

int db_briefing_publish(struct db *d, const struct briefing_new *b, long long *id)
{
	struct publish_ctx c = {b, 0, BRIEFING__MAX};

	if (db_tx(d, publish_tx, &c) == -1)
		return -1;
	*id = c.outcome == BRIEFING_PUBLISHED ? c.id : 0;
	return (int)c.outcome;
}

json_t *db_briefing_scopes(struct db *d, struct arena *a, long long id)
{
	static const char *const k[] = {"#district_id", "#sector_id", NULL};
	struct dbv v[] = {DB_DV_INT(id)};

	return db_json(d, &q[Q_SCOPES], v, NELEM(v), a, k);
}

int db_briefing_get(struct db *d, struct arena *a, long long id, long long person_id, struct briefing *b)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_INT(id)};

	return db_row(d, &q[Q_GET], v, NELEM(v), a, briefing_cols, NELEM(briefing_cols), b, sizeof(*b));
}

int db_briefing_ack(struct db *d, long long id, long long person_id, const char *ip)
{
	struct dbv v[] = {DB_DV_INT(id), DB_DV_INT(person_id), db_dv_str_or_null(ip)};
	struct dbres r;

	if (db_run(d, &q[Q_ACK], v, NELEM(v), &r, NULL) == -1)
		return -1;
	return r.affected == 1;
}

json_t *db_briefing_files(struct db *d, struct arena *a, long long id)
{
	static const char *const k[] = {"#id", "file_name", "#size", NULL};
	struct dbv v[] = {DB_DV_INT(id)};

	return db_json(d, &q[Q_FILES], v, NELEM(v), a, k);
}

int db_briefing_file_get(struct db *d, struct arena *a, long long id, long long file_id, struct briefing_file *f)
{
	struct dbv v[] = {DB_DV_INT(id), DB_DV_INT(file_id)};
	struct dbres r;

	if (db_run(d, &q[Q_FILE_GET], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	f->sha256 = dbres_str(&r, 0, 0);
	f->mime = dbres_str(&r, 0, 1);
	f->file_name = dbres_str(&r, 0, 2);
	return 1;
}

json_t *db_briefing_targets(struct db *d, struct arena *a, long long id)
{
	static const char *const k[] = {"kind", "name", NULL};
	struct dbv v[] = {DB_DV_INT(id)};

	return db_json(d, &q[Q_TARGETS], v, NELEM(v), a, k);
}

json_t *db_briefings_all(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id",        "#region_id", "region", "title",
					"created_at", "#people",    "#acked", NULL};

	return db_json(d, &q[Q_ALL], NULL, 0, a, k);
}

json_t *db_briefings_of_person(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#id", "title", "created_at", "acked_at", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_OF_PERSON], v, NELEM(v), a, k);
}

json_t *db_briefing_journal(struct db *d, struct arena *a, long long id)
{
	static const char *const k[] = {"#person_id", "full_name", "position", "organization",
					"district",   "acked_at",  NULL};
	struct dbv v[] = {DB_DV_INT(id)};

	return db_json(d, &q[Q_JOURNAL], v, NELEM(v), a, k);
}

json_t *db_briefing_summary(struct db *d, struct arena *a, long long id)
{
	static const char *const k[] = {"district", "organization", "#people", "#acked", NULL};
	struct dbv v[] = {DB_DV_INT(id)};

	return db_json(d, &q[Q_SUMMARY], v, NELEM(v), a, k);
}
