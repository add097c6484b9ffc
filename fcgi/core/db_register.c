/* The register of organisations: imports from the ministry's spreadsheets (preview, apply) and organisations proposed
 * at sign-up. */
#include "db_register.h"
#include "db_coverage.h"

#include <stdlib.h>
#include <string.h>

#include "regref.h"

#define ROWS_PER_INSERT 1000 /* preview rows sent in one statement */
#define RECOUNT_ALL     50   /* more districts touched than this: recount them all at once */
#define RECOUNT_ROWS    2000 /* more rows written than this: recount all without asking which districts */

/* What the apply compares, so that a register changed since the preview is noticed. */
#define ORG_FP                                                                                                         \
	"MD5(CONCAT_WS(CHAR(31), o.district_id, o.sector_id, o.name, o.short_name, IFNULL(o.page_urls, ''), "          \
	"o.active, o.status))"
#define DISTRICT_FP  "MD5(CONCAT_WS(CHAR(31), d.region_id, d.name, IFNULL(d.oktmo, ''), IFNULL(d.population, '')))"
#define ROW_VALUE(k) "JSON_VALUE(r.data, '$." k "')"

enum {
	Q_REGIONS,
	Q_DISTRICTS,
	Q_SECTORS,
	Q_ORGS_BY_INN,
	Q_ORGS_OF_REGION,
	Q_IMPORT_INSERT,
	Q_ROWS_INSERT,
	Q_IMPORT_GET,
	Q_IMPORT_ROWS,
	Q_IMPORTS_RECENT,
	Q_IMPORT_LOCK,
	Q_ROW_COUNTS,
	Q_APPLY_ORG_ADD,
	Q_APPLY_ORG_CHANGE,
	Q_APPLY_ORG_DEACTIVATE,
	Q_APPLY_TOUCHED,
	Q_APPLY_DISTRICTS,
	Q_APPLY_DISTRICT_ADD,
	Q_APPLY_DISTRICT_CHANGE,
	Q_IMPORT_APPLIED,
	Q_PROPOSE,
	Q_PROPOSED_BY,
	Q_PROPOSED,
	Q_ORG_GET,
	Q_ORG_LOCK,
	Q_ORG_ACCEPT,
	Q_ORG_SEARCH,
	Q_MOVE_PEOPLE,
	Q_MOVE_REGISTRATIONS,
	Q_ORG_MERGED,
	Q__MAX
};

static struct dbq q[Q__MAX] = {
	[Q_REGIONS] = {"SELECT id, name FROM region"},
	[Q_DISTRICTS] = {"SELECT d.id, d.region_id, d.name, d.oktmo, d.population, " DISTRICT_FP
			 " FROM district d ORDER BY d.id"},
	[Q_SECTORS] = {"SELECT id, code, name FROM sector"},
	/* The file's INNs as a JSON array: one statement whatever their number. */
	[Q_ORGS_BY_INN] = {"SELECT o.id, o.inn, o.district_id, o.sector_id, o.name, o.short_name, o.page_urls, "
			   "o.active, o.status, " ORG_FP " FROM JSON_TABLE(?, '$[*]' COLUMNS (inn VARCHAR(12) "
			   "PATH '$')) j JOIN organization o ON o.inn = j.inn ORDER BY o.inn"},
	[Q_ORGS_OF_REGION] = {"SELECT o.id, o.inn, o.district_id, o.sector_id, o.name, o.short_name, " ORG_FP
			      " FROM organization o JOIN district d ON d.id = o.district_id WHERE d.region_id = ? "
			      "AND o.active AND o.status = 'register' AND o.inn IS NOT NULL AND o.inn NOT IN (SELECT "
			      "j.inn FROM JSON_TABLE(?, '$[*]' COLUMNS (inn VARCHAR(12) PATH '$')) j) "
			      "ORDER BY d.name, o.short_name"},
	[Q_IMPORT_INSERT] = {"INSERT INTO register_import (kind, file_name, file_sha256, uploaded_by, summary) "
			     "VALUES (?, ?, ?, ?, ?)"},
	[Q_ROWS_INSERT] = {"INSERT INTO register_import_row (import_id, line, action, target_id, data, reason) "
			   "SELECT ?, j.line, j.action, j.target, j.data, j.reason FROM JSON_TABLE(?, '$[*]' COLUMNS ("
			   "line INT UNSIGNED PATH '$.line', action VARCHAR(10) PATH '$.action', "
			   "target INT UNSIGNED PATH '$.target', data TEXT PATH '$.data', "
			   "reason VARCHAR(500) PATH '$.reason')) j"},
	[Q_IMPORT_GET] = {"SELECT i.kind, i.file_name, i.file_sha256, i.uploaded_by, p.full_name, i.uploaded_at, "
			  "i.applied_at, i.summary, (SELECT MAX(x.applied_at) FROM register_import x WHERE "
			  "x.file_sha256 = i.file_sha256 AND x.kind = i.kind AND x.id < i.id) FROM register_import i "
			  "JOIN person p ON p.id = i.uploaded_by WHERE i.id = ?"},
	[Q_IMPORT_ROWS] = {"SELECT line, action, target_id, data, reason FROM register_import_row "
			   "WHERE import_id = ? AND action = ? ORDER BY id LIMIT ? OFFSET ?"},
	[Q_IMPORTS_RECENT] = {"SELECT i.id, i.kind, i.file_name, p.full_name, i.uploaded_at, i.applied_at, i.summary "
			      "FROM register_import i JOIN person p ON p.id = i.uploaded_by ORDER BY i.id DESC "
			      "LIMIT ?"},
	[Q_IMPORT_LOCK] = {"SELECT kind, applied_at IS NOT NULL FROM register_import WHERE id = ? FOR UPDATE"},
	[Q_ROW_COUNTS] = {"SELECT action, COUNT(*) FROM register_import_row WHERE import_id = ? GROUP BY action"},
	/* The formatter cannot lay out literals joined with ROW_VALUE(): it leaves these as written. */
	/* clang-format off */
	/* The apply works set-wise from the stored preview rows; a row whose organisation (or
	 * district) no longer has the fingerprint it had at the preview is not touched, and the
	 * caller compares the counts. */
	[Q_APPLY_ORG_ADD] = {"INSERT INTO organization (district_id, sector_id, name, short_name, inn, page_urls) "
			      "SELECT " ROW_VALUE("district_id") ", " ROW_VALUE("sector_id") ", " ROW_VALUE("name") ", "
			      ROW_VALUE("short_name") ", " ROW_VALUE("inn") ", " ROW_VALUE("page_urls") " "
			      "FROM register_import_row r WHERE r.import_id = ? AND r.action = 'add' ORDER BY r.id"},
	[Q_APPLY_ORG_CHANGE] = {"UPDATE organization o JOIN register_import_row r ON r.target_id = o.id "
				"SET o.district_id = " ROW_VALUE("district_id") ", o.sector_id = " ROW_VALUE("sector_id") ", "
				"o.name = " ROW_VALUE("name") ", o.short_name = " ROW_VALUE("short_name") ", "
				"o.page_urls = " ROW_VALUE("page_urls") ", o.active = TRUE, o.status = 'register' "
				"WHERE r.import_id = ? AND r.action = 'change' AND " ORG_FP " = " ROW_VALUE("fp")},
	[Q_APPLY_ORG_DEACTIVATE] = {"UPDATE organization o JOIN register_import_row r ON r.target_id = o.id "
				    "SET o.active = FALSE "
				    "WHERE r.import_id = ? AND r.action = 'deactivate' AND " ORG_FP " = " ROW_VALUE("fp")},
	/* Organisations whose district, sector or standing changed: their coverage moves. One without
	 * registrations has no coverage to move (a region's deactivations are mostly such). */
	[Q_APPLY_TOUCHED] = {"SELECT r.target_id FROM register_import_row r "
			     "WHERE r.import_id = ? "
			     "AND (r.action = 'deactivate' OR (r.action = 'change' AND " ROW_VALUE("touch") " = 1)) "
			     "AND EXISTS (SELECT 1 FROM registration g WHERE g.organization_id = r.target_id)"},
	/* Districts whose count of active organisations per sector may have changed. */
	[Q_APPLY_DISTRICTS] = {"SELECT DISTINCT x.d FROM ("
			       "SELECT " ROW_VALUE("district_id") " AS d FROM register_import_row r "
			       "WHERE r.import_id = ? "
			       "AND (r.action IN ('add', 'deactivate') OR (r.action = 'change' AND " ROW_VALUE("touch") " = 1)) "
			       "UNION "
			       "SELECT " ROW_VALUE("old_district_id") " FROM register_import_row r "
			       "WHERE r.import_id = ? AND r.action = 'change' AND " ROW_VALUE("touch") " = 1"
			       ") x"},
	[Q_APPLY_DISTRICT_ADD] = {"INSERT INTO district (region_id, name, oktmo, population) "
				  "SELECT " ROW_VALUE("region_id") ", " ROW_VALUE("name") ", " ROW_VALUE("oktmo") ", "
				  ROW_VALUE("population") " "
				  "FROM register_import_row r WHERE r.import_id = ? AND r.action = 'add' ORDER BY r.id"},
	[Q_APPLY_DISTRICT_CHANGE] = {"UPDATE district d JOIN register_import_row r ON r.target_id = d.id "
				     "SET d.name = " ROW_VALUE("name") ", d.oktmo = " ROW_VALUE("oktmo") ", "
				     "d.population = " ROW_VALUE("population") " "
				     "WHERE r.import_id = ? AND r.action = 'change' AND " DISTRICT_FP " = " ROW_VALUE("fp")},
	/* clang-format on */
	[Q_IMPORT_APPLIED] = {"UPDATE register_import SET applied_at = NOW() WHERE id = ?"},
	[Q_PROPOSE] = {"INSERT INTO organization (district_id, sector_id, name, short_name, active, status) "
		       "VALUES (?, ?, ?, ?, FALSE, 'proposed')"},
	[Q_PROPOSED_BY] = {"UPDATE organization SET proposed_by = ? WHERE id = ?"},
	[Q_PROPOSED] = {"SELECT o.id, o.name, o.short_name, d.name, g.name, s.name, o.created_at, p.id, p.full_name, "
			"p.email, (SELECT COUNT(*) FROM registration x WHERE x.organization_id = o.id) "
			"FROM organization o JOIN district d ON d.id = o.district_id JOIN region g ON g.id = "
			"d.region_id JOIN sector s ON s.id = o.sector_id LEFT JOIN person p ON p.id = o.proposed_by "
			"WHERE o.status = 'proposed' ORDER BY o.created_at, o.id"},
	[Q_ORG_GET] = {"SELECT o.id, o.name, o.short_name, o.inn, o.sector_id, s.name, o.district_id, d.name, "
		       "d.region_id, g.name, o.status, o.active, o.created_at, o.proposed_by, p.full_name, p.email, "
		       "(SELECT COUNT(*) FROM person x WHERE x.organization_id = o.id), "
		       "(SELECT COUNT(*) FROM registration x WHERE x.organization_id = o.id), o.merged_into "
		       "FROM organization o JOIN district d ON d.id = o.district_id JOIN region g ON g.id = "
		       "d.region_id JOIN sector s ON s.id = o.sector_id LEFT JOIN person p ON p.id = o.proposed_by "
		       "WHERE o.id = ?"},
	[Q_ORG_LOCK] = {"SELECT status, active, district_id FROM organization WHERE id = ? FOR UPDATE"},
	[Q_ORG_ACCEPT] = {"UPDATE organization SET name = ?, short_name = ?, inn = ?, sector_id = ?, "
			  "status = 'register', active = TRUE WHERE id = ?"},
	[Q_ORG_SEARCH] = {"SELECT o.id, o.short_name, o.name, o.inn, d.name, s.name FROM organization o "
			  "JOIN district d ON d.id = o.district_id JOIN sector s ON s.id = o.sector_id "
			  "WHERE o.active AND o.status = 'register' AND (o.inn = ? OR o.short_name LIKE CONCAT('%', ?, "
			  "'%') OR o.name LIKE CONCAT('%', ?, '%')) ORDER BY d.region_id = ? DESC, d.id = ? DESC, "
			  "o.short_name LIMIT 50"},
	[Q_MOVE_PEOPLE] = {"UPDATE person SET organization_id = ? WHERE organization_id = ?"},
	[Q_MOVE_REGISTRATIONS] = {"UPDATE registration SET organization_id = ? WHERE organization_id = ?"},
	[Q_ORG_MERGED] = {"UPDATE organization SET status = 'merged', merged_into = ?, active = FALSE WHERE id = ?"},
};

/* ---------------------------------------------------------------- the preview */

struct preview {
	struct regline_set s;
	const struct import_new *in;
	const char *ignored; /* header cells no column was taken from */
	const char *inns;    /* an organisations file's keys that can be INNs, as a JSON array */
	long long id;
};

static int refs_load(struct db *d, struct arena *a, struct regref *f)
{
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_REGIONS], NULL, 0, &r, a) == -1)
		return -1;
	f->nregions = r.nrows;
	f->regions = arena_alloc(a, (r.nrows + 1) * sizeof(*f->regions));
	for (i = 0; i < r.nrows; i++)
		f->regions[i] = (struct regref_region){.id = dbres_int(&r, i, 0), .name = dbres_str(&r, i, 1)};
	if (db_run(d, &q[Q_DISTRICTS], NULL, 0, &r, a) == -1)
		return -1;
	f->ndistricts = r.nrows;
	f->districts = arena_alloc(a, (r.nrows + 1) * sizeof(*f->districts));
	for (i = 0; i < r.nrows; i++)
		f->districts[i] = (struct regref_district){.id = dbres_int(&r, i, 0),
							   .region_id = dbres_int(&r, i, 1),
							   .name = dbres_str(&r, i, 2),
							   .oktmo = dbres_str(&r, i, 3),
							   .population = dbres_str(&r, i, 4),
							   .fp = dbres_str(&r, i, 5)};
	if (db_run(d, &q[Q_SECTORS], NULL, 0, &r, a) == -1)
		return -1;
	f->nsectors = r.nrows;
	f->sectors = arena_alloc(a, (r.nrows + 1) * sizeof(*f->sectors));
	for (i = 0; i < r.nrows; i++)
		f->sectors[i] = (struct regref_sector){
			.id = dbres_int(&r, i, 0), .code = dbres_str(&r, i, 1), .name = dbres_str(&r, i, 2)};
	regref_index(a, f);
	return 0;
}

/* The organisations that hold INNs of the file, sorted by INN. */
static int orgs_by_inn(struct db *d, struct preview *p)
{
	struct dbv v[] = {DB_DV_STR(p->inns)};
	struct regline_org *orgs;
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_ORGS_BY_INN], v, NELEM(v), &r, p->s.a) == -1)
		return -1;
	orgs = arena_alloc(p->s.a, (r.nrows + 1) * sizeof(*orgs));
	for (i = 0; i < r.nrows; i++)
		orgs[i] = (struct regline_org){.id = dbres_int(&r, i, 0),
					       .inn = dbres_str(&r, i, 1),
					       .district_id = dbres_int(&r, i, 2),
					       .sector_id = dbres_int(&r, i, 3),
					       .name = dbres_str(&r, i, 4),
					       .short_name = dbres_str(&r, i, 5),
					       .urls = dbres_str(&r, i, 6),
					       .active = dbres_int(&r, i, 7) != 0,
					       .status = dbres_str(&r, i, 8),
					       .fp = dbres_str(&r, i, 9)};
	p->s.orgs = orgs;
	p->s.norgs = r.nrows;
	return 0;
}

/* Active organisations of the file's regions whose INN is nowhere in the file. */
static int org_deactivations(struct db *d, struct preview *p)
{
	struct regline_set *s = &p->s;
	size_t i, k;

	for (k = 0; k < s->nregions; k++) {
		struct dbv v[] = {DB_DV_INT(s->regions[k]), DB_DV_STR(p->inns)};
		struct dbres r;
		if (db_run(d, &q[Q_ORGS_OF_REGION], v, NELEM(v), &r, s->a) == -1)
			return -1;
		for (i = 0; i < r.nrows; i++) {
			const struct regref_district *dr = regref_district_by_id(&s->refs, dbres_int(&r, i, 2));
			regline_add(s, 0, IA_DEACTIVATE, dbres_int(&r, i, 0),
				    json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "inn", dbres_str(&r, i, 1), "name",
					      dbres_str(&r, i, 4), "short_name", dbres_str(&r, i, 5), "district_id",
					      (json_int_t)dbres_int(&r, i, 2), "district", dr ? dr->name : "", "sector",
					      regref_sector_name(&s->refs, dbres_int(&r, i, 3)), "fp",
					      dbres_str(&r, i, 6)),
				    "нет в файле: станет недействующей");
		}
	}
	return 0;
}

static enum tx_end store_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct preview *p = arg;
	const struct import_new *in = p->in;
	json_t *summary = json_object();
	struct dbres r;
	char *s;
	size_t i, k;
	int rc;

	for (k = 0; k < IA__MAX; k++)
		json_object_set_new(summary, import_actions[k], json_integer(p->s.count[k]));
	if (p->ignored != NULL)
		json_object_set_new(summary, "ignored", json_string(p->ignored));
	s = json_dumps(summary, JSON_COMPACT);
	json_decref(summary);
	{
		struct dbv v[] = {DB_DV_STR(import_kinds[in->kind]), DB_DV_STR(in->file_name), DB_DV_STR(in->sha256),
				  DB_DV_INT(in->person_id), DB_DV_STR(s)};
		rc = db_run(d, &q[Q_IMPORT_INSERT], v, NELEM(v), &r, scratch);
	}
	free(s);
	if (rc == -1)
		return TX_FAIL;
	p->id = (long long)r.insert_id;
	for (i = 0; i < p->s.n; i += ROWS_PER_INSERT) {
		json_t *rows = json_array();
		for (k = i; k < p->s.n && k < i + ROWS_PER_INSERT; k++) {
			const struct regline *l = (const struct regline *)p->s.lines.p + k;
			json_t *row = json_pack("{s:o, s:s, s:o, s:s, s:s?}", "line",
						l->line ? json_integer(l->line) : json_null(), "action",
						import_actions[l->action], "target",
						l->target ? json_integer(l->target) : json_null(), "data", l->data,
						"reason", l->reason);
			if (row == NULL)
				abort(); /* every value is checked UTF-8: a failure is a bug, never a lost row */
			json_array_append_new(rows, row);
		}
		s = json_dumps(rows, JSON_COMPACT);
		json_decref(rows);
		{
			struct dbv v[] = {DB_DV_INT(p->id), DB_DV_STR(s)};
			rc = db_run(d, &q[Q_ROWS_INSERT], v, NELEM(v), NULL, NULL);
		}
		free(s);
		if (rc == -1)
			return TX_FAIL;
	}
	if (db_audit(d, in->person_id, "register.import.upload", "register_import", p->id, in->ip,
		     arena_printf(scratch, "%s %s: %ld lines", import_kinds[in->kind], in->sha256, (long)p->s.n)) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

long long db_import_preview(struct db *d, struct arena *a, const struct import_new *in, const struct sheet *sh,
			    const char **why)
{
	struct preview p = {.s = {.a = a, .kind = in->kind}, .in = in};
	size_t i;
	long head;
	long long rc = -1;

	*why = NULL;
	if (sh->nrows == 0) {
		*why = "Файл пуст.";
		return 0;
	}
	if ((head = reghead_find(a, in->kind, sh, p.s.cols, &p.ignored, why)) < 0)
		return 0;
	if ((size_t)head + 1 == sh->nrows) {
		*why = "В файле нет строк с данными: только заголовки.";
		return 0;
	}
	if (refs_load(d, a, &p.s.refs) == -1)
		return -1;
	regline_keys(&p.s, sh, (size_t)head + 1);
	if (in->kind == IMPORT_ORGANIZATIONS) {
		p.inns = regline_inns(&p.s);
		if (orgs_by_inn(d, &p) == -1)
			return -1;
	}
	for (i = (size_t)head + 1; i < sh->nrows; i++)
		regline_check(&p.s, &sh->rows[i]);
	if ((in->kind == IMPORT_DISTRICTS || org_deactivations(d, &p) == 0) && db_tx(d, store_tx, &p) == 1)
		rc = p.id;
	regline_free(&p.s);
	return rc;
}

/* ---------------------------------------------------------------- reading imports back */

/* The counts per action of a stored summary; ignored: the header cells no column was taken from (arena). */
static void summary_counts(struct arena *a, const char *summary, long n[IA__MAX], const char **ignored)
{
	json_t *j = summary ? json_loads(summary, 0, NULL) : NULL;
	const char *s = json_string_value(json_object_get(j, "ignored"));
	int k;

	for (k = 0; k < IA__MAX; k++)
		n[k] = (long)json_integer_value(json_object_get(j, import_actions[k]));
	*ignored = s ? arena_strdup(a, s) : NULL;
	json_decref(j);
}

int db_import_get(struct db *d, struct arena *a, long long id, struct import_info *out)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_IMPORT_GET], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->kind = strcmp(dbres_str(&r, 0, 0), "districts") == 0 ? IMPORT_DISTRICTS : IMPORT_ORGANIZATIONS;
	out->file_name = dbres_str(&r, 0, 1);
	out->sha256 = dbres_str(&r, 0, 2);
	out->uploaded_by = dbres_int(&r, 0, 3);
	out->uploader = dbres_str(&r, 0, 4);
	out->uploaded_at = dbres_str(&r, 0, 5);
	out->applied_at = dbres_str(&r, 0, 6);
	out->same_file_applied_at = dbres_str(&r, 0, 8);
	summary_counts(a, dbres_str(&r, 0, 7), out->count, &out->ignored);
	return 1;
}

json_t *db_import_rows(struct db *d, struct arena *a, long long id, enum import_action action, long limit, long offset)
{
	struct dbv v[] = {DB_DV_INT(id), DB_DV_STR(import_actions[action]), DB_DV_INT(limit), DB_DV_INT(offset)};
	struct dbres r;
	json_t *rows;
	size_t i;

	if (db_run(d, &q[Q_IMPORT_ROWS], v, NELEM(v), &r, a) == -1)
		return NULL;
	rows = json_array();
	for (i = 0; i < r.nrows; i++) {
		json_t *row = json_loads(dbres_str(&r, i, 3) ? dbres_str(&r, i, 3) : "{}", 0, NULL);
		if (!json_is_object(row)) {
			json_decref(row);
			row = json_object();
		}
		/* Internal keys of the apply are not for the page. */
		json_object_del(row, "fp");
		json_object_del(row, "touch");
		json_object_del(row, "old_district_id");
		json_object_set_new(row, "line", dbres_str(&r, i, 0) ? json_integer(dbres_int(&r, i, 0)) : json_null());
		json_object_set_new(row, "action", json_string(dbres_str(&r, i, 1)));
		json_object_set_new(row, "target_id",
				    dbres_str(&r, i, 2) ? json_integer(dbres_int(&r, i, 2)) : json_null());
		json_object_set_new(row, "reason",
				    dbres_str(&r, i, 4) ? json_string(dbres_str(&r, i, 4)) : json_null());
		json_array_append_new(rows, row);
	}
	return rows;
}

json_t *db_imports_recent(struct db *d, struct arena *a, long limit)
{
	struct dbv v[] = {DB_DV_INT(limit)};
	struct dbres r;
	json_t *rows;
	size_t i;
	int k;

	if (db_run(d, &q[Q_IMPORTS_RECENT], v, NELEM(v), &r, a) == -1)
		return NULL;
	rows = json_array();
	for (i = 0; i < r.nrows; i++) {
		long n[IA__MAX];
		const char *ignored;
		json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?}", "id", (json_int_t)dbres_int(&r, i, 0),
					"kind", dbres_str(&r, i, 1), "file_name", dbres_str(&r, i, 2), "uploader",
					dbres_str(&r, i, 3), "uploaded_at", dbres_str(&r, i, 4), "applied_at",
					dbres_str(&r, i, 5));
		summary_counts(a, dbres_str(&r, i, 6), n, &ignored);
		for (k = 0; k < IA__MAX; k++)
			json_object_set_new(row, import_actions[k], json_integer(n[k]));
		json_array_append_new(rows, row);
	}
	return rows;
}

/* ---------------------------------------------------------------- apply */

struct apply_ctx {
	long long id, person_id;
	const char *ip;
	long count[IA__MAX]; /* rows of the preview per action */
	enum apply_outcome outcome;
};

/* Runs a write of the apply and checks that it took every row the preview showed: TX_COMMIT to go
 * on; TX_ROLLBACK (APPLY_STALE) when the register changed since (fewer rows matched, or an added key
 * exists now); TX_FAIL. */
static enum tx_end apply_step(struct db *d, struct apply_ctx *c, int stmt, long expected)
{
	struct dbv v[] = {DB_DV_INT(c->id)};
	struct dbres r;

	if (expected == 0)
		return TX_COMMIT;
	if (db_run(d, &q[stmt], v, NELEM(v), &r, NULL) == -1 && db_errno(d) != 1062)
		return TX_FAIL;
	if (db_errno(d) == 1062 || (long)r.affected != expected) {
		c->outcome = APPLY_STALE;
		return TX_ROLLBACK;
	}
	return TX_COMMIT;
}

/* Coverage follows the organisations whose district, sector or standing changed; the register's
 * counts follow the districts they left or joined. */
static int apply_upkeep(struct db *d, struct arena *scratch, struct apply_ctx *c)
{
	struct dbv v[] = {DB_DV_INT(c->id), DB_DV_INT(c->id)};
	struct dbres r;
	size_t i;

	/* The import's id once here, twice in the districts' UNION below. */
	if (db_run(d, &q[Q_APPLY_TOUCHED], v, 1, &r, scratch) == -1)
		return -1;
	for (i = 0; i < r.nrows; i++)
		if (db_coverage_org(d, dbres_int(&r, i, 0)) == -1)
			return -1;
	if (c->count[IA_ADD] + c->count[IA_CHANGE] + c->count[IA_DEACTIVATE] > RECOUNT_ROWS)
		return db_coverage_recount(d, 0);
	if (db_run(d, &q[Q_APPLY_DISTRICTS], v, NELEM(v), &r, scratch) == -1)
		return -1;
	if (r.nrows > RECOUNT_ALL)
		return db_coverage_recount(d, 0);
	for (i = 0; i < r.nrows; i++)
		if (db_coverage_recount(d, dbres_int(&r, i, 0)) == -1)
			return -1;
	return 0;
}

static enum tx_end apply_refused(struct apply_ctx *c, enum apply_outcome o)
{
	c->outcome = o;
	return TX_ROLLBACK;
}

static enum tx_end apply_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct apply_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->id)};
	struct dbres r;
	long *n = c->count;
	size_t i;
	int k, orgs;
	enum tx_end end;

	memset(c->count, 0, sizeof(c->count));
	if (db_run(d, &q[Q_IMPORT_LOCK], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return apply_refused(c, APPLY_NO_IMPORT);
	if (dbres_int(&r, 0, 1) != 0)
		return apply_refused(c, APPLY_ALREADY);
	orgs = strcmp(dbres_str(&r, 0, 0), "organizations") == 0;
	if (db_run(d, &q[Q_ROW_COUNTS], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	for (i = 0; i < r.nrows; i++)
		for (k = 0; k < IA__MAX; k++)
			if (strcmp(dbres_str(&r, i, 0), import_actions[k]) == 0)
				n[k] = (long)dbres_int(&r, i, 1);
	if (orgs) {
		if ((end = apply_step(d, c, Q_APPLY_ORG_ADD, n[IA_ADD])) != TX_COMMIT ||
		    (end = apply_step(d, c, Q_APPLY_ORG_CHANGE, n[IA_CHANGE])) != TX_COMMIT ||
		    (end = apply_step(d, c, Q_APPLY_ORG_DEACTIVATE, n[IA_DEACTIVATE])) != TX_COMMIT)
			return end;
		if (apply_upkeep(d, scratch, c) != 0)
			return TX_FAIL;
	} else if ((end = apply_step(d, c, Q_APPLY_DISTRICT_ADD, n[IA_ADD])) != TX_COMMIT ||
		   (end = apply_step(d, c, Q_APPLY_DISTRICT_CHANGE, n[IA_CHANGE])) != TX_COMMIT)
		return end;
	if (db_run(d, &q[Q_IMPORT_APPLIED], v, NELEM(v), NULL, NULL) == -1 ||
	    db_audit(d, c->person_id, "register.import.apply", "register_import", c->id, c->ip,
		     arena_printf(scratch, "added %ld, changed %ld, deactivated %ld, rejected %ld", n[IA_ADD],
				  n[IA_CHANGE], n[IA_DEACTIVATE], n[IA_REJECT])) == -1)
		return TX_FAIL;
	c->outcome = APPLY_DONE;
	return TX_COMMIT;
}

int db_import_apply(struct db *d, long long id, long long person_id, const char *ip)
{
	struct apply_ctx c = {id, person_id, ip, {0}, APPLY__MAX};

	return db_tx(d, apply_tx, &c) == -1 ? -1 : (int)c.outcome;
}

/* ---------------------------------------------------------------- organisations proposed at sign-up */

long long db_person_propose(struct db *d, struct arena *scratch, const struct person_new *in,
			    const struct org_proposal *o)
{
	struct person_new p = *in;
	struct dbv v[] = {DB_DV_INT(o->district_id), DB_DV_INT(o->sector_id), DB_DV_STR(o->name), DB_DV_STR(o->name)};
	struct dbres r;
	long long id;

	if (db_run(d, &q[Q_PROPOSE], v, NELEM(v), &r, scratch) == -1)
		return db_errno(d) == 1452 ? -2 : -1;
	p.organization_id = (long long)r.insert_id;
	if ((id = db_person_create(d, &p)) <= 0)
		return id;
	{
		struct dbv w[] = {DB_DV_INT(id), DB_DV_INT(p.organization_id)};
		return db_run(d, &q[Q_PROPOSED_BY], w, NELEM(w), NULL, NULL) == -1 ? -1 : id;
	}
}

json_t *db_orgs_proposed(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id",      "name",           "short_name",     "district",
					"region",   "sector",         "created_at",     "#proposed_by",
					"proposer", "proposer_email", "#registrations", NULL};

	return db_json(d, &q[Q_PROPOSED], NULL, 0, a, k);
}

int db_org_get(struct db *d, struct arena *a, long long id, struct org_info *o)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_ORG_GET], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	*o = (struct org_info){.id = dbres_int(&r, 0, 0),
			       .name = dbres_str(&r, 0, 1),
			       .short_name = dbres_str(&r, 0, 2),
			       .inn = dbres_str(&r, 0, 3),
			       .sector_id = dbres_int(&r, 0, 4),
			       .sector = dbres_str(&r, 0, 5),
			       .district_id = dbres_int(&r, 0, 6),
			       .district = dbres_str(&r, 0, 7),
			       .region_id = dbres_int(&r, 0, 8),
			       .region = dbres_str(&r, 0, 9),
			       .status = dbres_str(&r, 0, 10),
			       .active = dbres_int(&r, 0, 11) != 0,
			       .created_at = dbres_str(&r, 0, 12),
			       .proposed_by = dbres_int(&r, 0, 13),
			       .proposer = dbres_str(&r, 0, 14),
			       .proposer_email = dbres_str(&r, 0, 15),
			       .people = dbres_int(&r, 0, 16),
			       .registrations = dbres_int(&r, 0, 17),
			       .merged_into = dbres_int(&r, 0, 18)};
	return 1;
}

json_t *db_orgs_search(struct db *d, struct arena *a, const char *text, long long region_id, long long district_id)
{
	static const char *const k[] = {"#id", "short_name", "name", "inn", "district", "sector", NULL};
	const char *like = db_like_escape(a, text);
	struct dbv v[] = {DB_DV_STR(text), DB_DV_STR(like), DB_DV_STR(like), DB_DV_INT(region_id),
			  DB_DV_INT(district_id)};

	return db_json(d, &q[Q_ORG_SEARCH], v, NELEM(v), a, k);
}

/* Locks a proposed organisation and finds its district: TX_COMMIT to go on; TX_ROLLBACK with the
 * outcome set when there is no such organisation or it is not proposed (any more); TX_FAIL. */
static enum tx_end proposed_lock(struct db *d, struct arena *a, long long id, long long *district_id,
				 enum org_outcome *outcome)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_ORG_LOCK], v, NELEM(v), &r, a) == -1)
		return TX_FAIL;
	if (r.nrows == 0 || strcmp(dbres_str(&r, 0, 0), "proposed") != 0) {
		*outcome = r.nrows == 0 ? ORG_NONE : ORG_NOT_PROPOSED;
		return TX_ROLLBACK;
	}
	*district_id = dbres_int(&r, 0, 2);
	return TX_COMMIT;
}

struct accept_ctx {
	const struct org_accept *in;
	enum org_outcome outcome;
};

static enum tx_end accept_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct accept_ctx *c = arg;
	const struct org_accept *in = c->in;
	struct dbv v[] = {DB_DV_STR(in->name), DB_DV_STR(in->short_name), db_dv_str_or_null(in->inn),
			  DB_DV_INT(in->sector_id), DB_DV_INT(in->id)};
	long long district;
	enum tx_end end;

	if ((end = proposed_lock(d, scratch, in->id, &district, &c->outcome)) != TX_COMMIT)
		return end;
	if (db_run(d, &q[Q_ORG_ACCEPT], v, NELEM(v), NULL, NULL) == -1) {
		if (db_errno(d) != 1062 && db_errno(d) != 1452)
			return TX_FAIL;
		c->outcome = db_errno(d) == 1062 ? ORG_INN_TAKEN : ORG_NO_SECTOR;
		return TX_ROLLBACK;
	}
	if (db_coverage_recount(d, district) == -1 || db_coverage_org(d, in->id) == -1 ||
	    db_audit(d, in->by, "organization.accept", "organization", in->id, in->ip,
		     arena_printf(scratch, "inn=%s sector=%lld", in->inn ? in->inn : "-", in->sector_id)) == -1)
		return TX_FAIL;
	c->outcome = ORG_DONE;
	return TX_COMMIT;
}

int db_org_accept(struct db *d, const struct org_accept *in)
{
	struct accept_ctx c = {in, ORG__MAX};

	return db_tx(d, accept_tx, &c) == -1 ? -1 : (int)c.outcome;
}

struct merge_ctx {
	long long id, target, by;
	const char *ip;
	enum org_outcome outcome;
};

static enum tx_end merge_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct merge_ctx *c = arg;
	struct dbv tv[] = {DB_DV_INT(c->target)};
	struct dbv mv[] = {DB_DV_INT(c->target), DB_DV_INT(c->id)};
	struct dbres r, people, regs;
	long long district;
	enum tx_end end;

	if ((end = proposed_lock(d, scratch, c->id, &district, &c->outcome)) != TX_COMMIT)
		return end;
	if (db_run(d, &q[Q_ORG_LOCK], tv, NELEM(tv), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0 || strcmp(dbres_str(&r, 0, 0), "register") != 0 || dbres_int(&r, 0, 1) == 0) {
		c->outcome = ORG_BAD_TARGET;
		return TX_ROLLBACK;
	}
	if (db_run(d, &q[Q_MOVE_PEOPLE], mv, NELEM(mv), &people, scratch) == -1 ||
	    db_run(d, &q[Q_MOVE_REGISTRATIONS], mv, NELEM(mv), &regs, scratch) == -1 ||
	    db_run(d, &q[Q_ORG_MERGED], mv, NELEM(mv), NULL, NULL) == -1)
		return TX_FAIL;
	if (db_coverage_org(d, c->target) == -1 || db_coverage_org(d, c->id) == -1 ||
	    db_audit(d, c->by, "organization.merge", "organization", c->id, c->ip,
		     arena_printf(scratch, "into=%lld people=%llu registrations=%llu", c->target, people.affected,
				  regs.affected)) == -1)
		return TX_FAIL;
	c->outcome = ORG_DONE;
	return TX_COMMIT;
}

int db_org_merge(struct db *d, long long id, long long target, long long by, const char *ip)
{
	struct merge_ctx c = {id, target, by, ip, ORG__MAX};

	return db_tx(d, merge_tx, &c) == -1 ? -1 : (int)c.outcome;
}
