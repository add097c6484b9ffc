/* Statements of certificates: settings, the dry run, a certificate's row and PDF, look-ups, revoke, re-issue. */
#include "db_cert.h"

#include <string.h>

#include "db_auth.h"
#include "files.h"

enum {
	Q_SETTINGS,
	Q_SETTINGS_SAVE,
	Q_TEMPLATE_OK,
	Q_TEMPLATES,
	Q_DRY_RUN,
	Q_FILE_PUT,
	Q_BY_NUMBER,
	Q_BY_CODE,
	Q_LOOKUP,
	Q_PDF,
	Q_BATCH,
	Q_BATCH_FILES,
	Q_BLOBS,
	Q_BLOB_OUT,
	Q_REVOKE,
	Q_CERT_LOCK,
	Q_QUALIFIES,
	Q_PERSON_NOW,
	Q_REISSUE,
	Q_PERSON_CERTS,
	Q__MAX
};

#define CERT_NCOLS 21

static struct dbq q[Q__MAX] = {
	[Q_SETTINGS] = {"SELECT template_id, issuer, signatory FROM seminar_certificate WHERE seminar_id = ?"},
	[Q_SETTINGS_SAVE] = {"INSERT INTO seminar_certificate (seminar_id, template_id, issuer, signatory) "
			     "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE template_id = VALUES(template_id), "
			     "issuer = VALUES(issuer), signatory = VALUES(signatory)"},
	[Q_TEMPLATE_OK] = {"SELECT id FROM certificate_template WHERE id = ? AND archived_at IS NULL "
			   "AND (region_id IS NULL OR region_id = ?)"},
	[Q_TEMPLATES] = {"SELECT id, name FROM certificate_template WHERE archived_at IS NULL "
			 "AND (region_id IS NULL OR region_id = ?) ORDER BY builtin IS NULL, name, id"},
	/* The rule's verdict, the sessions that count and must count, and, for who does not qualify, the
	 * sessions without a check-in that counts (to say what is missing). */
	[Q_DRY_RUN] = {"SELECT x.id, x.person_id, p.full_name, o.short_name, x.mode, x.sessions, x.door_n, "
		       "x.online_n, " QUALIFIES ", attendance_counted(s.attendance_rule, x.door_n, x.online_n), "
		       "attendance_needed(s.online_min_percent, x.sessions), IF(" QUALIFIES ", NULL, "
		       "(SELECT GROUP_CONCAT(DATE_FORMAT(ss.starts_at, '%d.%m.%Y %H:%i') ORDER BY ss.starts_at, ss.id "
		       "SEPARATOR ', ') FROM seminar_session ss WHERE ss.seminar_id = x.seminar_id AND NOT EXISTS "
		       "(SELECT 1 FROM attendance a WHERE a.registration_id = x.id AND a.session_id = ss.id "
		       "AND a.undone_at IS NULL "
		       "AND attendance_counted(s.attendance_rule, a.mode = 'in_person', a.mode = 'online') > 0))), "
		       "c.number, c.verify_code, c.revoked_at, c.reissued_at, c.version, "
		       "c.id IS NOT NULL AND NOT " NO_FILE " FROM (SELECT r.id, r.seminar_id, r.person_id, "
		       "r.organization_id, r.mode, " ATT_COUNTS " FROM registration r WHERE r.seminar_id = ? "
		       "AND (r.status = 'confirmed' OR EXISTS (SELECT 1 FROM certificate c WHERE c.registration_id = "
		       "r.id))) x JOIN seminar s ON s.id = x.seminar_id JOIN person p ON p.id = x.person_id "
		       "LEFT JOIN organization o ON o.id = x.organization_id "
		       "LEFT JOIN certificate c ON c.registration_id = x.id ORDER BY p.full_name, x.id"},
	[Q_FILE_PUT] = {"INSERT INTO certificate_file (certificate_id, version, sha256) VALUES (?, ?, ?) "
			"ON DUPLICATE KEY UPDATE version = VALUES(version), sha256 = VALUES(sha256), pdf = NULL"},
	[Q_BY_NUMBER] = {"SELECT " CERT_COLS ", s.region_id, NOT " NO_FILE " FROM certificate c "
			 "JOIN seminar s ON s.id = c.seminar_id WHERE c.number = ?"},
	[Q_BY_CODE] = {"SELECT " CERT_COLS ", s.region_id, NOT " NO_FILE " FROM certificate c "
		       "JOIN seminar s ON s.id = c.seminar_id WHERE c.verify_code = ?"},
	[Q_LOOKUP] = {"SELECT verify_code FROM certificate WHERE number = ? "
		      "AND SUBSTRING_INDEX(TRIM(full_name), ' ', 1) = ?"},
	[Q_PDF] = {"SELECT sha256 FROM certificate_file WHERE certificate_id = ? AND sha256 IS NOT NULL"},
	[Q_BATCH] = {"SELECT " CERT_COLS " FROM certificate c WHERE c.seminar_id = ? AND c.revoked_at IS NULL "
		     "AND c.id > ? AND NOT " NO_FILE " ORDER BY c.id LIMIT ?"},
	[Q_BATCH_FILES] = {"SELECT " CERT_COLS ", f.sha256 FROM certificate c JOIN certificate_file f "
			   "ON f.certificate_id = c.id WHERE c.seminar_id = ? AND c.revoked_at IS NULL AND c.id > ? "
			   "AND f.sha256 IS NOT NULL ORDER BY c.id LIMIT ?"},
	/* PDFs stored in the row before migration 030, to be written out under files_dir. */
	[Q_BLOBS] = {"SELECT certificate_id, pdf FROM certificate_file WHERE sha256 IS NULL ORDER BY certificate_id "
		     "LIMIT ?"},
	[Q_BLOB_OUT] =
		{"UPDATE certificate_file SET sha256 = ?, pdf = NULL WHERE certificate_id = ? AND sha256 IS NULL"},
	[Q_REVOKE] = {"UPDATE certificate SET revoked_at = NOW(), revoke_reason = ?, revoked_by = ? "
		      "WHERE id = ? AND revoked_at IS NULL"},
	[Q_CERT_LOCK] = {"SELECT " CERT_COLS " FROM certificate c WHERE c.id = ? FOR UPDATE"},
	[Q_QUALIFIES] = {"SELECT " QUALIFIES " FROM (SELECT r.id, r.seminar_id, " ATT_COUNTS " FROM registration r "
			 "WHERE r.id = ? AND r.status = 'confirmed') x JOIN seminar s ON s.id = x.seminar_id"},
	[Q_PERSON_NOW] = {"SELECT p.full_name, p.full_name_dat, o.name FROM person p "
			  "LEFT JOIN organization o ON o.id = p.organization_id WHERE p.id = ?"},
	[Q_REISSUE] =
		{"UPDATE certificate SET full_name = ?, full_name_dat = ?, organization = ?, version = version + 1, "
		 "reissued_at = NOW(), revoked_at = NULL, revoke_reason = NULL, revoked_by = NULL WHERE id = ?"},
	[Q_PERSON_CERTS] = {"SELECT c.number, c.verify_code, c.seminar_title, c.dates, c.issued_at, c.reissued_at, "
			    "c.revoked_at FROM certificate c WHERE c.person_id = ? AND NOT " NO_FILE
			    " ORDER BY c.issued_at DESC, c.id DESC"},
};

/* ---- settings and the dry run */

int db_cert_settings_get(struct db *d, struct arena *a, long long seminar_id, struct cert_settings *s)
{
	struct dbv v[] = {DB_DV_INT(seminar_id)};
	struct dbres r;

	if (db_run(d, &q[Q_SETTINGS], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	s->template_id = dbres_int(&r, 0, 0);
	s->issuer = dbres_str(&r, 0, 1);
	s->signatory = dbres_str(&r, 0, 2);
	return 1;
}

struct settings_ctx {
	long long seminar_id, region_id;
	const struct cert_settings *s;
};

/* Rolls back when the template may not be used in the seminar's region. */
static enum tx_end settings_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct settings_ctx *c = arg;
	struct dbv t[] = {DB_DV_INT(c->s->template_id), DB_DV_INT(c->region_id)};
	struct dbv v[] = {DB_DV_INT(c->seminar_id), DB_DV_INT(c->s->template_id), DB_DV_STR(c->s->issuer),
			  DB_DV_STR(c->s->signatory)};
	struct dbres r;

	if (db_run(d, &q[Q_TEMPLATE_OK], t, NELEM(t), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return TX_ROLLBACK;
	return db_run(d, &q[Q_SETTINGS_SAVE], v, NELEM(v), NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
}

int db_cert_settings_save(struct db *d, long long seminar_id, long long region_id, const struct cert_settings *s)
{
	struct settings_ctx c = {seminar_id, region_id, s};

	return db_tx(d, settings_tx, &c);
}

json_t *db_cert_templates_usable(struct db *d, struct arena *a, long long region_id)
{
	static const char *const k[] = {"#id", "name", NULL};
	struct dbv v[] = {DB_DV_INT(region_id)};

	return db_json(d, &q[Q_TEMPLATES], v, NELEM(v), a, k);
}

json_t *db_cert_dry_run(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"#registration_id",
					"#person_id",
					"full_name",
					"organization",
					"mode",
					"#sessions",
					"#door_n",
					"#online_n",
					"#qualifies",
					"#counted",
					"#needed",
					"missing_sessions",
					"number",
					"verify_code",
					"revoked_at",
					"reissued_at",
					"#version",
					"#rendered",
					NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_DRY_RUN], v, NELEM(v), a, k);
}

/* ---- certificates */

/* CERT_COLS of row i. */
void db_cert_row(const struct dbres *r, size_t i, struct cert_row *c)
{
	memset(c, 0, sizeof(*c));
	c->id = dbres_int(r, i, 0);
	c->registration_id = dbres_int(r, i, 1);
	c->seminar_id = dbres_int(r, i, 2);
	c->person_id = dbres_int(r, i, 3);
	c->template_id = dbres_int(r, i, 4);
	c->version = dbres_int(r, i, 5);
	c->number = dbres_str(r, i, 6);
	c->verify_code = dbres_str(r, i, 7);
	c->full_name = dbres_str(r, i, 8);
	c->full_name_dat = dbres_str(r, i, 9);
	c->organization = dbres_str(r, i, 10);
	c->seminar_title = dbres_str(r, i, 11);
	c->dates = dbres_str(r, i, 12);
	c->hours = dbres_str(r, i, 13);
	c->format = dbres_str(r, i, 14);
	c->issuer = dbres_str(r, i, 15);
	c->signatory = dbres_str(r, i, 16);
	c->issued_at = dbres_str(r, i, 17);
	c->reissued_at = dbres_str(r, i, 18);
	c->revoked_at = dbres_str(r, i, 19);
	c->revoke_reason = dbres_str(r, i, 20);
}

/* Renders c into pdf and writes it under dir (files_put: durable only after files_sync) with its hash in hex.
 * Returns 0, -2 when the PDF cannot be rendered, -1 when it cannot be written. */
int db_cert_pdf_write(const char *dir, const struct cert_row *c, cert_render_fn fn, void *arg, struct buf *pdf,
		      char hex[65])
{
	buf_reset(pdf);
	if (fn(arg, c, pdf) == -1)
		return -2;
	return files_put(dir, pdf->p, pdf->len, hex) == 1 ? 0 : -1;
}

/* Makes c's file (file_write, then files_sync) its current PDF. */
int db_cert_pdf_row(struct db *d, const struct cert_row *c, const char *hex)
{
	struct dbv v[] = {DB_DV_INT(c->id), DB_DV_INT(c->version), DB_DV_STR(hex)};

	return db_run(d, &q[Q_FILE_PUT], v, NELEM(v), NULL, NULL);
}

static int cert_one(struct db *d, struct arena *a, int which, const char *key, struct cert_row *c)
{
	struct dbv v[] = {DB_DV_STR(key)};
	struct dbres r;

	if (db_run(d, &q[which], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	db_cert_row(&r, 0, c);
	c->region_id = dbres_int(&r, 0, CERT_NCOLS);
	c->rendered = dbres_int(&r, 0, CERT_NCOLS + 1) != 0;
	return 1;
}

int db_cert_by_number(struct db *d, struct arena *a, const char *number, struct cert_row *c)
{
	return cert_one(d, a, Q_BY_NUMBER, number, c);
}

int db_cert_by_code(struct db *d, struct arena *a, const char *code, struct cert_row *c)
{
	return cert_one(d, a, Q_BY_CODE, code, c);
}

int db_cert_lookup(struct db *d, struct arena *a, const char *number, const char *surname, const char **code)
{
	struct dbv v[] = {DB_DV_STR(number), DB_DV_STR(surname)};
	struct dbres r;

	if (db_run(d, &q[Q_LOOKUP], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	*code = dbres_str(&r, 0, 0);
	return 1;
}

int db_cert_file(struct db *d, struct arena *a, long long cert_id, const char **sha256)
{
	struct dbv v[] = {DB_DV_INT(cert_id)};
	struct dbres r;

	if (db_run(d, &q[Q_PDF], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	*sha256 = dbres_str(&r, 0, 0);
	return 1;
}

int db_cert_seminar_batch(struct db *d, struct arena *a, long long seminar_id, long long after_id, int limit,
			  struct cert_row **rows, const char ***sha256)
{
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(after_id), DB_DV_INT(limit)};
	struct dbres r;
	size_t i;

	if (db_run(d, &q[sha256 != NULL ? Q_BATCH_FILES : Q_BATCH], v, NELEM(v), &r, a) == -1)
		return -1;
	*rows = arena_alloc(a, (r.nrows + 1) * sizeof(**rows));
	if (sha256 != NULL)
		*sha256 = arena_alloc(a, (r.nrows + 1) * sizeof(**sha256));
	for (i = 0; i < r.nrows; i++) {
		db_cert_row(&r, i, &(*rows)[i]);
		if (sha256 != NULL)
			(*sha256)[i] = dbres_str(&r, i, CERT_NCOLS);
	}
	return (int)r.nrows;
}

int db_cert_blobs(struct db *d, struct arena *a, int limit, long long **ids, const char ***pdf, size_t **len)
{
	struct dbv v[] = {DB_DV_INT(limit)};
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_BLOBS], v, NELEM(v), &r, a) == -1)
		return -1;
	*ids = arena_alloc(a, (r.nrows + 1) * sizeof(**ids));
	*pdf = arena_alloc(a, (r.nrows + 1) * sizeof(**pdf));
	*len = arena_alloc(a, (r.nrows + 1) * sizeof(**len));
	for (i = 0; i < r.nrows; i++) {
		(*ids)[i] = dbres_int(&r, i, 0);
		(*pdf)[i] = r.cells[i * r.ncols + 1].s;
		(*len)[i] = r.cells[i * r.ncols + 1].len;
	}
	return (int)r.nrows;
}

int db_cert_blob_out(struct db *d, long long cert_id, const char *sha256)
{
	struct dbv v[] = {DB_DV_STR(sha256), DB_DV_INT(cert_id)};

	return db_run(d, &q[Q_BLOB_OUT], v, NELEM(v), NULL, NULL);
}

struct revoke_ctx {
	long long id, by;
	const char *reason, *ip;
};

/* Rolls back when the certificate is revoked already. */
static enum tx_end revoke_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct revoke_ctx *c = arg;
	struct dbv v[] = {DB_DV_STR(c->reason), DB_DV_INT(c->by), DB_DV_INT(c->id)};
	struct dbres r;

	if (db_run(d, &q[Q_REVOKE], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	if (r.affected == 0)
		return TX_ROLLBACK;
	return db_audit(d, c->by, "certificate.revoke", "certificate", c->id, c->ip, c->reason) == -1 ? TX_FAIL
												      : TX_COMMIT;
}

int db_cert_revoke(struct db *d, long long cert_id, const char *reason, long long by, const char *ip)
{
	struct revoke_ctx c = {cert_id, by, reason, ip};

	return db_tx(d, revoke_tx, &c);
}

struct reissue_ctx {
	long long id, by;
	const char *ip, *dir;
	struct arena *a;
	cert_render_fn fn;
	void *arg;
	struct cert_row *out;
	struct buf pdf;
};

/* Rolls back when a revoked certificate's holder no longer qualifies. The row lands in c->out, in the
 * caller's arena. */
static enum tx_end reissue_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct reissue_ctx *c = arg;
	struct dbv id[] = {DB_DV_INT(c->id)};
	struct dbres r;
	char hex[65];

	if (db_run(d, &q[Q_CERT_LOCK], id, NELEM(id), &r, c->a) == -1 || r.nrows == 0)
		return TX_FAIL;
	db_cert_row(&r, 0, c->out);
	if (c->out->revoked_at != NULL) {
		struct dbv reg[] = {DB_DV_INT(c->out->registration_id)};
		if (db_run(d, &q[Q_QUALIFIES], reg, NELEM(reg), &r, c->a) == -1)
			return TX_FAIL;
		if (r.nrows == 0 || dbres_int(&r, 0, 0) == 0)
			return TX_ROLLBACK;
	}
	{
		struct dbv p[] = {DB_DV_INT(c->out->person_id)};
		if (db_run(d, &q[Q_PERSON_NOW], p, NELEM(p), &r, c->a) == -1 || r.nrows == 0)
			return TX_FAIL;
	}
	{
		struct dbv v[] = {DB_DV_STR(dbres_str(&r, 0, 0)), DB_DV_STR(dbres_str(&r, 0, 1)),
				  db_dv_str_or_null(dbres_str(&r, 0, 2)), DB_DV_INT(c->id)};
		if (db_run(d, &q[Q_REISSUE], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	if (db_run(d, &q[Q_CERT_LOCK], id, NELEM(id), &r, c->a) == -1 || r.nrows == 0)
		return TX_FAIL;
	db_cert_row(&r, 0, c->out);
	if (db_cert_pdf_write(c->dir, c->out, c->fn, c->arg, &c->pdf, hex) != 0 || files_sync(c->dir) == -1 ||
	    db_cert_pdf_row(d, c->out, hex) == -1)
		return TX_FAIL;
	if (db_audit(d, c->by, "certificate.reissue", "certificate", c->id, c->ip,
		     arena_printf(scratch, "version %lld", c->out->version)) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

int db_cert_reissue(struct db *d, struct arena *a, long long cert_id, long long by, const char *ip, const char *dir,
		    cert_render_fn fn, void *arg, struct cert_row *out)
{
	struct reissue_ctx c = {cert_id, by, ip, dir, a, fn, arg, out, {0}};
	int rc = db_tx(d, reissue_tx, &c);

	buf_free(&c.pdf);
	return rc;
}

json_t *db_person_certificates(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"number",    "verify_code", "seminar_title", "dates",
					"issued_at", "reissued_at", "revoked_at",    NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_PERSON_CERTS], v, NELEM(v), a, k);
}
