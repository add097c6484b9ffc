/* Statements of the certs program's jobs: issuing (numbering, then rendering in chunks) and the printable book. */
#include "db_cert_job.h"

#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "log.h"

enum {
	Q_SETTINGS_LOCK,
	Q_SEMINAR_STATUS,
	Q_JOB_ACTIVE,
	Q_TODO,
	Q_JOB_INSERT,
	Q_JOB_GET,
	Q_JOB_LAST,
	Q_JOB_QUEUED,
	Q_JOBS_RUNNING,
	Q_JOB_LOCK,
	Q_SERIES_TAKE,
	Q_SERIES_ADD,
	Q_ISSUE,
	Q_JOB_START,
	Q_JOB_FAIL,
	Q_CHUNK,
	Q_HAS_FILES,
	Q_MAILS,
	Q_JOB_PROGRESS,
	Q_JOB_DONE,
	Q_BOOK_STAMP,
	Q_BOOK_READY,
	Q_BOOK_NEXT,
	Q_BOOK_START,
	Q_BOOK_PROGRESS,
	Q_BOOK_DONE,
	Q_BOOK_OLDER,
	Q__MAX
};

/* Confirmed registrations of a seminar without a certificate, with their evidence. */
#define UNCERTIFIED                                                                                                    \
	"(SELECT r.id, r.seminar_id, r.person_id, " ATT_COUNTS " FROM registration r WHERE r.seminar_id = ? "          \
	"AND r.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.registration_id = r.id)) x "   \
	"JOIN seminar s ON s.id = x.seminar_id"
#define JOB_COLS "id, seminar_id, kind, status, total, done, error, created_at, finished_at, stamp, book_sha256"
/* The ticket codes' recipe (db_seminar.c): 16 bytes of the server's CSPRNG as base64url. */
#define RANDOM_CODE "SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22)"

static struct dbq q[Q__MAX] = {
	[Q_SETTINGS_LOCK] = {"SELECT template_id FROM seminar_certificate WHERE seminar_id = ? FOR UPDATE"},
	[Q_SEMINAR_STATUS] = {"SELECT status FROM seminar WHERE id = ?"},
	[Q_JOB_ACTIVE] = {"SELECT id FROM certificate_job WHERE seminar_id = ? AND kind = ? "
			  "AND status IN ('queued', 'running') ORDER BY id LIMIT 1"},
	[Q_TODO] = {"SELECT (SELECT COUNT(*) FROM " UNCERTIFIED " WHERE " QUALIFIES ") + "
		    "(SELECT COUNT(*) FROM certificate c WHERE c.seminar_id = ? AND " NO_FILE ")"},
	[Q_JOB_INSERT] = {"INSERT INTO certificate_job (seminar_id, kind, requested_by) VALUES (?, ?, ?)"},
	[Q_JOB_GET] = {"SELECT " JOB_COLS " FROM certificate_job WHERE id = ?"},
	[Q_JOB_LAST] = {"SELECT " JOB_COLS " FROM certificate_job WHERE seminar_id = ? AND kind = ? "
			"ORDER BY id DESC LIMIT 1"},
	[Q_JOB_QUEUED] = {"SELECT " JOB_COLS " FROM certificate_job WHERE kind = 'issue' AND status = 'queued' "
			  "ORDER BY id LIMIT 1"},
	[Q_JOBS_RUNNING] = {"SELECT " JOB_COLS " FROM certificate_job WHERE kind = 'issue' AND status = 'running' "
			    "ORDER BY id LIMIT ?"},
	[Q_JOB_LOCK] = {"SELECT status FROM certificate_job WHERE id = ? FOR UPDATE SKIP LOCKED"},
	/* Locks the series row and reads its last number (0 for a new series) in one round trip. */
	[Q_SERIES_TAKE] = {"INSERT INTO certificate_series (prefix, last_no) VALUES (?, 0) "
			   "ON DUPLICATE KEY UPDATE last_no = LAST_INSERT_ID(last_no)"},
	[Q_SERIES_ADD] = {"UPDATE certificate_series SET last_no = last_no + ? WHERE prefix = ?"},
	/* Numbers follow the names' order; the counter has at least 5 digits. */
	[Q_ISSUE] =
		{"INSERT INTO certificate (registration_id, seminar_id, person_id, number, verify_code, template_id, "
		 "full_name, full_name_dat, organization, seminar_title, dates, hours, format, issuer, signatory, "
		 "issued_at) SELECT y.id, y.seminar_id, y.person_id, "
		 "CONCAT(?, LPAD(y.n, GREATEST(5, CHAR_LENGTH(y.n)), '0')), " RANDOM_CODE ", sc.template_id, "
		 "p.full_name, p.full_name_dat, o.name, s.title, ?, s.hours, "
		 "IF(y.door_n > 0, IF(y.online_n > 0, 'очно и онлайн', 'очно'), 'онлайн'), sc.issuer, "
		 "sc.signatory, NOW() FROM (SELECT x.*, ? + ROW_NUMBER() OVER (ORDER BY pp.full_name, x.id) AS n "
		 "FROM " UNCERTIFIED " JOIN person pp ON pp.id = x.person_id WHERE " QUALIFIES ") y "
		 "JOIN seminar s ON s.id = y.seminar_id JOIN seminar_certificate sc ON sc.seminar_id = y.seminar_id "
		 "JOIN person p ON p.id = y.person_id LEFT JOIN organization o ON o.id = p.organization_id"},
	[Q_JOB_START] = {"UPDATE certificate_job SET status = 'running', started_at = NOW(3), "
			 "total = (SELECT COUNT(*) FROM certificate c WHERE c.seminar_id = ? AND " NO_FILE ") "
			 "WHERE id = ?"},
	[Q_JOB_FAIL] = {"UPDATE certificate_job SET status = 'failed', error = ?, finished_at = NOW(3) "
			"WHERE id = ? AND status IN ('queued', 'running')"},
	/* Only certificate rows are read, so only they are locked (never the seminar). */
	[Q_CHUNK] = {"SELECT " CERT_COLS " FROM certificate c WHERE c.seminar_id = ? AND " NO_FILE " ORDER BY c.id "
		     "LIMIT ? FOR UPDATE SKIP LOCKED"},
	/* The files among ids lo..hi (a chunk's, in order). A statement of its own: under READ COMMITTED it sees a file
	 * committed after the chunk's statement began. */
	[Q_HAS_FILES] = {"SELECT certificate_id FROM certificate_file WHERE certificate_id BETWEEN ? AND ? "
			 "ORDER BY certificate_id"},
	[Q_MAILS] = {"CALL cert_issued_mail(?)"},
	[Q_JOB_PROGRESS] = {"UPDATE certificate_job SET done = done + ? WHERE id = ?"},
	[Q_JOB_DONE] = {"UPDATE certificate_job SET status = 'done', finished_at = NOW(3) WHERE id = ? "
			"AND status = 'running' AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.seminar_id = ? "
			"AND " NO_FILE ")"},
	/* What a book of the seminar holds now (Q_BATCH's certificates): "count-checksum", and the count. */
	[Q_BOOK_STAMP] =
		{"SELECT CONCAT(COUNT(*), '-', COALESCE(SUM(CRC32(CONCAT(c.id, ':', c.version))), 0)), "
		 "COUNT(*) FROM certificate c WHERE c.seminar_id = ? AND c.revoked_at IS NULL AND NOT " NO_FILE},
	[Q_BOOK_READY] = {"SELECT " JOB_COLS " FROM certificate_job WHERE seminar_id = ? AND kind = 'book' "
			  "AND status = 'done' AND book_sha256 IS NOT NULL ORDER BY id DESC LIMIT 1"},
	/* A queued book, or a running one whose runner stopped (BOOK_STALE_S). */
	[Q_BOOK_NEXT] = {"SELECT " JOB_COLS " FROM certificate_job WHERE kind = 'book' AND (status = 'queued' "
			 "OR status = 'running' AND heartbeat_at < NOW(3) - INTERVAL ? SECOND) ORDER BY id LIMIT 1 "
			 "FOR UPDATE SKIP LOCKED"},
	[Q_BOOK_START] = {"UPDATE certificate_job SET status = 'running', started_at = NOW(3), heartbeat_at = NOW(3), "
			  "done = 0, total = ?, stamp = ? WHERE id = ?"},
	[Q_BOOK_PROGRESS] = {"UPDATE certificate_job SET done = ?, heartbeat_at = NOW(3) WHERE id = ? "
			     "AND status = 'running'"},
	[Q_BOOK_DONE] = {"UPDATE certificate_job SET status = 'done', done = ?, book_sha256 = ?, "
			 "finished_at = NOW(3) WHERE id = ? AND status = 'running'"},
	/* An older book's file is no longer referred to: the retention sweep removes it (db_retention.c). */
	[Q_BOOK_OLDER] = {"UPDATE certificate_job SET book_sha256 = NULL WHERE seminar_id = ? AND kind = 'book' "
			  "AND id < ? AND book_sha256 IS NOT NULL"},
};

/* ---- jobs */

struct create_ctx {
	long long seminar_id, person_id, *job_id;
	enum cert_queue outcome;
};

static enum tx_end not_queued(struct create_ctx *c, enum cert_queue why)
{
	c->outcome = why;
	return TX_ROLLBACK;
}

static enum tx_end job_insert(struct db *d, struct create_ctx *c, const char *kind)
{
	struct dbv ins[] = {DB_DV_INT(c->seminar_id), DB_DV_STR(kind), DB_DV_INT(c->person_id)};
	struct dbres r;

	if (db_run(d, &q[Q_JOB_INSERT], ins, NELEM(ins), &r, NULL) == -1)
		return TX_FAIL;
	*c->job_id = (long long)r.insert_id;
	c->outcome = CQ_QUEUED;
	return TX_COMMIT;
}

static enum tx_end create_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct create_ctx *c = arg;
	struct dbv sid[] = {DB_DV_INT(c->seminar_id)};
	struct dbv active[] = {DB_DV_INT(c->seminar_id), DB_DV_STR("issue")};
	struct dbv todo[] = {DB_DV_INT(c->seminar_id), DB_DV_INT(c->seminar_id)};
	struct dbres r;
	const char *status;

	/* The settings row serialises the jobs of one seminar. */
	if (db_run(d, &q[Q_SETTINGS_LOCK], sid, NELEM(sid), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return not_queued(c, CQ_NO_SETTINGS);
	if (db_run(d, &q[Q_SEMINAR_STATUS], sid, NELEM(sid), &r, scratch) == -1 || r.nrows == 0)
		return TX_FAIL;
	status = dbres_str(&r, 0, 0);
	if (strcmp(status, "draft") == 0 || strcmp(status, "cancelled") == 0)
		return not_queued(c, CQ_STATUS);
	if (db_run(d, &q[Q_JOB_ACTIVE], active, NELEM(active), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows > 0) {
		*c->job_id = dbres_int(&r, 0, 0);
		return not_queued(c, CQ_BUSY);
	}
	if (db_run(d, &q[Q_TODO], todo, NELEM(todo), &r, scratch) == -1)
		return TX_FAIL;
	if (dbres_int(&r, 0, 0) == 0)
		return not_queued(c, CQ_NOTHING);
	return job_insert(d, c, "issue");
}

int db_cert_job_create(struct db *d, long long seminar_id, long long person_id, long long *job_id)
{
	struct create_ctx c = {seminar_id, person_id, job_id, CQ__MAX};

	*job_id = 0;
	return db_tx(d, create_tx, &c) == -1 ? -1 : (int)c.outcome;
}

static void job_row(const struct dbres *r, size_t i, struct cert_job *j)
{
	j->id = dbres_int(r, i, 0);
	j->seminar_id = dbres_int(r, i, 1);
	j->kind = dbres_str(r, i, 2);
	j->status = dbres_str(r, i, 3);
	j->total = dbres_int(r, i, 4);
	j->done = dbres_int(r, i, 5);
	j->error = dbres_str(r, i, 6);
	j->created_at = dbres_str(r, i, 7);
	j->finished_at = dbres_str(r, i, 8);
	j->stamp = dbres_str(r, i, 9);
	j->book_sha256 = dbres_str(r, i, 10);
}

static int job_one(struct db *d, struct arena *a, int which, const struct dbv *v, size_t n, struct cert_job *j)
{
	struct dbres r;

	if (db_run(d, &q[which], v, n, &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	job_row(&r, 0, j);
	return 1;
}

int db_cert_job_get(struct db *d, struct arena *a, long long job_id, struct cert_job *j)
{
	struct dbv v[] = {DB_DV_INT(job_id)};

	return job_one(d, a, Q_JOB_GET, v, 1, j);
}

int db_cert_job_last(struct db *d, struct arena *a, long long seminar_id, const char *kind, struct cert_job *j)
{
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_STR(kind)};

	return job_one(d, a, Q_JOB_LAST, v, NELEM(v), j);
}

int db_cert_job_queued(struct db *d, struct arena *a, struct cert_job *j)
{
	return job_one(d, a, Q_JOB_QUEUED, NULL, 0, j);
}

int db_cert_jobs_running(struct db *d, struct arena *a, struct cert_job *jobs, int max)
{
	struct dbv v[] = {DB_DV_INT(max)};
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_JOBS_RUNNING], v, NELEM(v), &r, a) == -1)
		return -1;
	for (i = 0; i < r.nrows && i < (size_t)max; i++)
		job_row(&r, i, &jobs[i]);
	return (int)i;
}

/* Rolls back when the job is gone or no longer queued. */
static enum tx_end claim_tx(struct db *d, struct arena *scratch, void *arg)
{
	const struct cert_issue *in = arg;
	struct dbv job[] = {DB_DV_INT(in->job_id)};
	struct dbv prefix[] = {DB_DV_STR(in->prefix)};
	struct dbv start[] = {DB_DV_INT(in->seminar_id), DB_DV_INT(in->job_id)};
	struct dbres r;
	long long base, n;

	/* Another runner claiming the same job holds its row: skip it rather than wait. */
	if (db_run(d, &q[Q_JOB_LOCK], job, NELEM(job), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0 || strcmp(dbres_str(&r, 0, 0), "queued") != 0)
		return TX_ROLLBACK;
	/* From here to the commit the series row is locked: its numbers are ours. */
	if (db_run(d, &q[Q_SERIES_TAKE], prefix, NELEM(prefix), &r, scratch) == -1)
		return TX_FAIL;
	base = r.affected == 1 ? 0 : (long long)r.insert_id;
	{
		struct dbv v[] = {DB_DV_STR(in->prefix), DB_DV_STR(in->dates), DB_DV_INT(base),
				  DB_DV_INT(in->seminar_id)};
		if (db_run(d, &q[Q_ISSUE], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
	}
	n = (long long)r.affected;
	if (n > 0) {
		struct dbv v[] = {DB_DV_INT(n), DB_DV_STR(in->prefix)};
		if (db_run(d, &q[Q_SERIES_ADD], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	return db_run(d, &q[Q_JOB_START], start, NELEM(start), NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
}

int db_cert_job_claim(struct db *d, const struct cert_issue *in)
{
	return db_tx(d, claim_tx, (void *)in);
}

int db_cert_job_fail(struct db *d, long long job_id, const char *error)
{
	struct dbv v[] = {DB_DV_STR(error), DB_DV_INT(job_id)};

	return db_run(d, &q[Q_JOB_FAIL], v, NELEM(v), NULL, NULL);
}

/* ---- the printable book */

int db_cert_book_stamp(struct db *d, struct arena *a, long long seminar_id, const char **stamp, long long *count)
{
	struct dbv v[] = {DB_DV_INT(seminar_id)};
	struct dbres r;

	if (db_run(d, &q[Q_BOOK_STAMP], v, NELEM(v), &r, a) == -1 || r.nrows == 0)
		return -1;
	*stamp = dbres_str(&r, 0, 0);
	*count = dbres_int(&r, 0, 1);
	return 0;
}

int db_cert_book_ready(struct db *d, struct arena *a, long long seminar_id, struct cert_job *j)
{
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return job_one(d, a, Q_BOOK_READY, v, NELEM(v), j);
}

static enum tx_end book_create_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct create_ctx *c = arg;
	struct dbv sid[] = {DB_DV_INT(c->seminar_id)};
	struct dbv active[] = {DB_DV_INT(c->seminar_id), DB_DV_STR("book")};
	struct dbres r;
	struct cert_job ready;
	const char *stamp;
	long long count;
	int rc;

	/* Certificates need settings: without the row there is nothing to print, with it the row serialises. */
	if (db_run(d, &q[Q_SETTINGS_LOCK], sid, NELEM(sid), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return not_queued(c, CQ_NOTHING);
	if (db_run(d, &q[Q_JOB_ACTIVE], active, NELEM(active), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows > 0) {
		*c->job_id = dbres_int(&r, 0, 0);
		return not_queued(c, CQ_BUSY);
	}
	if (db_cert_book_stamp(d, scratch, c->seminar_id, &stamp, &count) == -1 ||
	    (rc = db_cert_book_ready(d, scratch, c->seminar_id, &ready)) == -1)
		return TX_FAIL;
	if (count == 0)
		return not_queued(c, CQ_NOTHING);
	if (rc == 1 && ready.stamp != NULL && strcmp(ready.stamp, stamp) == 0) {
		*c->job_id = ready.id;
		return not_queued(c, CQ_CURRENT);
	}
	return job_insert(d, c, "book");
}

int db_cert_book_create(struct db *d, long long seminar_id, long long person_id, long long *job_id)
{
	struct create_ctx c = {seminar_id, person_id, job_id, CQ__MAX};

	*job_id = 0;
	return db_tx(d, book_create_tx, &c) == -1 ? -1 : (int)c.outcome;
}

struct book_claim_ctx {
	struct arena *a;
	struct cert_job *j;
	int claimed;
};

static enum tx_end book_claim_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct book_claim_ctx *c = arg;
	struct dbv stale[] = {DB_DV_INT(BOOK_STALE_S)};
	struct dbres r;
	const char *stamp;
	long long count;

	(void)scratch; /* the job's strings outlive the transaction: in c->a */
	c->claimed = 0;
	/* Another runner taking a book holds its row: skip it rather than wait. */
	if (db_run(d, &q[Q_BOOK_NEXT], stale, NELEM(stale), &r, c->a) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return TX_ROLLBACK;
	job_row(&r, 0, c->j);
	/* Taken before the pages are read: a certificate changed meanwhile makes the book out of date, never wrong. */
	if (db_cert_book_stamp(d, c->a, c->j->seminar_id, &stamp, &count) == -1)
		return TX_FAIL;
	{
		struct dbv v[] = {DB_DV_INT(count), DB_DV_STR(stamp), DB_DV_INT(c->j->id)};
		if (db_run(d, &q[Q_BOOK_START], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	c->j->total = count;
	c->j->done = 0;
	c->j->stamp = stamp;
	c->claimed = 1;
	return TX_COMMIT;
}

int db_cert_book_claim(struct db *d, struct arena *a, struct cert_job *j)
{
	struct book_claim_ctx c = {a, j, 0};

	return db_tx(d, book_claim_tx, &c) == -1 ? -1 : c.claimed;
}

int db_cert_book_progress(struct db *d, long long job_id, long long done)
{
	struct dbv v[] = {DB_DV_INT(done), DB_DV_INT(job_id)};

	return db_run(d, &q[Q_BOOK_PROGRESS], v, NELEM(v), NULL, NULL);
}

struct book_done_ctx {
	const struct cert_job *j;
	long long pages;
	const char *sha256;
};

static enum tx_end book_done_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct book_done_ctx *c = arg;
	struct dbv done[] = {DB_DV_INT(c->pages), DB_DV_STR(c->sha256), DB_DV_INT(c->j->id)};
	struct dbv older[] = {DB_DV_INT(c->j->seminar_id), DB_DV_INT(c->j->id)};

	(void)scratch;
	if (db_run(d, &q[Q_BOOK_DONE], done, NELEM(done), NULL, NULL) == -1 ||
	    db_run(d, &q[Q_BOOK_OLDER], older, NELEM(older), NULL, NULL) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

int db_cert_book_done(struct db *d, const struct cert_job *j, long long pages, const char *sha256)
{
	struct book_done_ctx c = {j, pages, sha256};

	return db_tx(d, book_done_tx, &c) == -1 ? -1 : 0;
}

/* ---- rendering in chunks */

struct chunk_ctx {
	const struct cert_job *job;
	const char *dir;
	int limit, n, rendered;
	int render_failed; /* a PDF could not be made: the chunk is rolled back */
	cert_render_fn fn;
	void *arg;
	struct buf pdf;
};

/* The holders of the chunk's n certificates are told they are issued, with the number and verification code
 * (mail_kinds.h), in one call. */
static int cert_mails(struct db *d, const struct cert_row *rows, int n)
{
	json_t *a = json_array();
	char *data;
	int i, rc;

	for (i = 0; i < n; i++)
		json_array_append_new(a,
				      json_pack("{s:I, s:s, s:s}", "registration", (json_int_t)rows[i].registration_id,
						"number", rows[i].number, "code", rows[i].verify_code));
	data = json_dumps(a, JSON_COMPACT);
	{
		struct dbv v[] = {DB_DV_STR(data)};
		rc = db_run(d, &q[Q_MAILS], v, NELEM(v), NULL, NULL);
	}
	free(data);
	json_decref(a);
	return rc;
}

static enum tx_end chunk_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct chunk_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->job->seminar_id), DB_DV_INT(c->limit)};
	struct dbv done[] = {DB_DV_INT(c->job->id), DB_DV_INT(c->job->seminar_id)};
	struct dbres r, f;
	struct cert_row *rows;
	char(*hex)[65];
	size_t i, done_at = 0;
	int rc, k;

	c->rendered = 0;
	if (db_run(d, &q[Q_CHUNK], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	c->n = (int)r.nrows;
	if (r.nrows == 0) {
		/* Nothing free here: the job is done unless other runners still hold some. */
		return db_run(d, &q[Q_JOB_DONE], done, NELEM(done), NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
	}
	rows = arena_alloc(scratch, r.nrows * sizeof(*rows));
	hex = arena_alloc(scratch, r.nrows * sizeof(*hex));
	{
		/* The rows are ours now; another runner may have stored some of their PDFs just before we locked them.
		 */
		struct dbv range[] = {DB_DV_INT(dbres_int(&r, 0, 0)), DB_DV_INT(dbres_int(&r, r.nrows - 1, 0))};
		if (db_run(d, &q[Q_HAS_FILES], range, NELEM(range), &f, scratch) == -1)
			return TX_FAIL;
	}
	for (i = 0; i < r.nrows; i++) {
		long long id = dbres_int(&r, i, 0);
		while (done_at < f.nrows && dbres_int(&f, done_at, 0) < id)
			done_at++;
		if (done_at < f.nrows && dbres_int(&f, done_at, 0) == id)
			continue;
		db_cert_row(&r, i, &rows[c->rendered]);
		if ((rc = db_cert_pdf_write(c->dir, &rows[c->rendered], c->fn, c->arg, &c->pdf, hex[c->rendered])) ==
		    -2) {
			c->render_failed = 1;
			return TX_ROLLBACK;
		}
		if (rc != 0)
			return TX_FAIL;
		c->rendered++;
	}
	/* The chunk's files reach the disk together, before any row refers to one. */
	if (c->rendered > 0 && files_sync(c->dir) == -1)
		return TX_FAIL;
	for (k = 0; k < c->rendered; k++)
		if (db_cert_pdf_row(d, &rows[k], hex[k]) == -1)
			return TX_FAIL;
	if (c->rendered > 0 && cert_mails(d, rows, c->rendered) == -1)
		return TX_FAIL;
	if (c->rendered > 0) {
		struct dbv p[] = {DB_DV_INT(c->rendered), DB_DV_INT(c->job->id)};
		if (db_run(d, &q[Q_JOB_PROGRESS], p, NELEM(p), NULL, NULL) == -1)
			return TX_FAIL;
	}
	return TX_COMMIT;
}

int db_cert_render_chunk(struct db *d, const struct cert_job *job, int limit, const char *dir, cert_render_fn fn,
			 void *arg)
{
	struct chunk_ctx c = {job, dir, limit, 0, 0, 0, fn, arg, {0}};
	int rc = db_tx(d, chunk_tx, &c);

	buf_free(&c.pdf);
	if (c.render_failed) {
		log_msg(LOG_ERROR, NULL, "certificates: job %lld: a PDF could not be rendered", job->id);
		db_cert_job_fail(d, job->id, "Не удалось построить PDF сертификата: проверьте шаблон.");
		return -1;
	}
	return rc == 1 ? c.n : -1;
}
