/* Statements of certificate templates: look-up, the organisers' list, uploads, archiving, builtin files. */
#include "db_cert_template.h"

#include <string.h>

#include "db_auth.h"

enum { Q_GET, Q_GET_SVG, Q_LIST, Q_INSERT, Q_ARCHIVE, Q_BUILTIN, Q_BUILTIN_ID, Q__MAX };

#define TEMPLATE_COLS "id, name, builtin, IFNULL(owner_id, 0), IFNULL(region_id, 0), archived_at IS NOT NULL"

static struct dbq q[Q__MAX] = {
	[Q_GET] = {"SELECT " TEMPLATE_COLS " FROM certificate_template WHERE id = ?"},
	[Q_GET_SVG] = {"SELECT " TEMPLATE_COLS ", svg FROM certificate_template WHERE id = ?"},
	[Q_LIST] = {"SELECT t.id, t.name, t.builtin, t.owner_id, p.full_name, t.region_id, r.name, t.created_at "
		    "FROM certificate_template t LEFT JOIN person p ON p.id = t.owner_id "
		    "LEFT JOIN region r ON r.id = t.region_id WHERE t.archived_at IS NULL "
		    "ORDER BY t.builtin IS NULL, t.builtin, t.created_at DESC, t.id DESC"},
	[Q_INSERT] = {"INSERT INTO certificate_template (name, svg, owner_id, region_id) VALUES (?, ?, ?, ?)"},
	[Q_ARCHIVE] = {"UPDATE certificate_template SET archived_at = NOW() WHERE id = ? AND archived_at IS NULL"},
	/* A builtin file keeps its row (seminars point at its id); archiving by an administrator stays. */
	[Q_BUILTIN] = {"INSERT INTO certificate_template (name, builtin, svg) VALUES (?, ?, ?) "
		       "ON DUPLICATE KEY UPDATE name = VALUES(name), svg = VALUES(svg)"},
	[Q_BUILTIN_ID] = {"SELECT id FROM certificate_template WHERE builtin = ?"},
};

int db_cert_template_get(struct db *d, struct arena *a, long long id, int with_svg, struct cert_template_row *t)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres res;

	if (db_run(d, &q[with_svg ? Q_GET_SVG : Q_GET], v, NELEM(v), &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	memset(t, 0, sizeof(*t));
	t->id = dbres_int(&res, 0, 0);
	t->name = dbres_str(&res, 0, 1);
	t->builtin = dbres_str(&res, 0, 2);
	t->owner_id = dbres_int(&res, 0, 3);
	t->region_id = dbres_int(&res, 0, 4);
	t->archived = dbres_int(&res, 0, 5) != 0;
	if (with_svg)
		t->svg = dbres_str(&res, 0, 6);
	return 1;
}

json_t *db_cert_templates(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id",        "name",        "builtin",    "#owner_id", "owner_name",
					"#region_id", "region_name", "created_at", NULL};

	return db_json(d, &q[Q_LIST], NULL, 0, a, k);
}

struct create {
	const char *name, *svg, *ip;
	long long owner_id, region_id, id;
};

static enum tx_end create_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct create *c = arg;
	struct dbv v[] = {DB_DV_STR(c->name), DB_DV_STR(c->svg), db_dv_id_or_null(c->owner_id),
			  db_dv_id_or_null(c->region_id)};
	struct dbres res;

	if (db_run(d, &q[Q_INSERT], v, NELEM(v), &res, scratch) == -1)
		return TX_FAIL;
	c->id = (long long)res.insert_id;
	if (db_audit(d, c->owner_id, "certificate_template.upload", "certificate_template", c->id, c->ip, c->name) ==
	    -1)
		return TX_FAIL;
	return TX_COMMIT;
}

long long db_cert_template_create(struct db *d, const char *name, const char *svg, long long owner_id,
				  long long region_id, const char *ip)
{
	struct create c = {name, svg, ip, owner_id, region_id, 0};

	return db_tx(d, create_tx, &c) == 1 ? c.id : -1;
}

struct archive {
	long long id, person_id;
	const char *ip;
};

static enum tx_end archive_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct archive *x = arg;
	struct dbv v[] = {DB_DV_INT(x->id)};
	struct dbres res;

	if (db_run(d, &q[Q_ARCHIVE], v, NELEM(v), &res, scratch) == -1)
		return TX_FAIL;
	if (res.affected == 0)
		return TX_ROLLBACK;
	if (db_audit(d, x->person_id, "certificate_template.archive", "certificate_template", x->id, x->ip, NULL) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

int db_cert_template_archive(struct db *d, long long id, long long person_id, const char *ip)
{
	struct archive x = {id, person_id, ip};

	return db_tx(d, archive_tx, &x);
}

long long db_cert_template_builtin(struct db *d, const char *builtin, const char *name, const char *svg)
{
	struct dbv v[] = {DB_DV_STR(name), DB_DV_STR(builtin), DB_DV_STR(svg)};
	struct dbv k[] = {DB_DV_STR(builtin)};
	struct arena a = {0};
	struct dbres res;
	long long id = -1;

	/* One statement, idempotent: no transaction needed. */
	if (db_run(d, &q[Q_BUILTIN], v, NELEM(v), NULL, NULL) == 0 &&
	    db_run(d, &q[Q_BUILTIN_ID], k, NELEM(k), &res, &a) == 0 && res.nrows == 1)
		id = dbres_int(&res, 0, 0);
	arena_free(&a);
	return id;
}
