/* The printable book of a seminar's certificates: queued by an organiser, drawn by a runner, downloaded when current.
 */
#include <string.h>

#include "certs.h"

#define BATCH 50 /* certificates read (and pages reported done) at a time */

/* Draws every certificate of db_cert_seminar_batch into one PDF in out, reporting progress to the job. Returns
 * the pages, or -1. */
static long long draw(struct app *app, const struct cert_job *j, const char *title, struct buf *out)
{
	struct arena a = {0};
	struct cert_row *rows;
	struct cert_book *book = NULL;
	long long after = 0, total = 0;
	int n, i, bad = 0;

	do {
		arena_reset(&a);
		if ((n = db_cert_seminar_batch(app->db, &a, j->seminar_id, after, BATCH, &rows, NULL)) == -1) {
			bad = 1;
			break;
		}
		if (n > 0 && book == NULL && (book = cert_book_open(out, title)) == NULL) {
			bad = 1;
			break;
		}
		for (i = 0; i < n && !bad; i++) {
			const struct cert_tmpl *t;
			struct cert_values v;
			bad = certs_fill(app, &a, &rows[i], &t, &v) == -1 || cert_book_add(book, t, &v) == -1;
		}
		if (n > 0)
			after = rows[n - 1].id;
		total += n;
		if (!bad && n > 0 && db_cert_book_progress(app->db, j->id, total) == -1)
			bad = 1;
	} while (n == BATCH && !bad && !prefork_stopping);
	arena_free(&a);
	if (book != NULL && cert_book_close(book) == -1)
		bad = 1;
	return bad || prefork_stopping ? -1 : total;
}

int certs_book_run(struct app *app, struct arena *a)
{
	struct cert_job j;
	struct seminar s;
	struct buf pdf = {0};
	char hex[65];
	long long pages;
	int rc;

	if ((rc = db_cert_book_claim(app->db, a, &j)) != 1)
		return rc;
	if (db_seminar_get(app->db, a, j.seminar_id, &s) != 1)
		return -1;
	log_msg(LOG_INFO, NULL, "certificates: book %lld of seminar %lld: %lld pages", j.id, s.id, j.total);
	pages = draw(app, &j, arena_printf(a, "Сертификаты: %s", s.title), &pdf);
	/* Stopped half-way: another runner takes the book over once its heartbeat is stale. */
	if (pages == -1 && prefork_stopping)
		rc = 0;
	else if (pages == 0)
		rc = db_cert_job_fail(app->db, j.id, "Выданных сертификатов у этого семинара больше нет.");
	else if (pages == -1 || files_store(files_dir(&app->cfg), pdf.p, pdf.len, hex) != 1 ||
		 db_cert_book_done(app->db, &j, pages, hex) == -1) {
		log_msg(LOG_ERROR, NULL, "certificates: book %lld of seminar %lld failed", j.id, s.id);
		db_cert_job_fail(app->db, j.id, "Не удалось собрать PDF для печати: проверьте шаблон и повторите.");
		rc = -1;
	}
	buf_free(&pdf);
	return rc;
}

int pg_cert_book_queue(struct req *r)
{
	struct seminar s;
	long long id;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rc = db_cert_book_create(r->app->db, s.id, r->user->id, &id)) == -1)
		return 500;
	if (rc == CQ_NOTHING)
		return fail(r, 404, "Выданных сертификатов у этого семинара пока нет.");
	if (rc == CQ_QUEUED)
		audit(r, "certificate.book", "seminar", s.id, arena_printf(&r->arena, "job %lld", id));
	/* A book queued, one in progress, or the current one: its page shows which. */
	return redirect(r, url(&r->arena, U_CERTIFICATES_JOBS_ID, id));
}

int certs_book_current(struct req *r, const struct cert_job *book)
{
	const char *stamp;
	long long count;

	if (db_cert_book_stamp(r->app->db, &r->arena, book->seminar_id, &stamp, &count) == -1)
		return -1;
	return book->stamp != NULL && strcmp(book->stamp, stamp) == 0;
}

int pg_cert_book(struct req *r)
{
	struct seminar s;
	struct cert_job book;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rc = db_cert_book_ready(r->app->db, &r->arena, s.id, &book)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "PDF для печати ещё не собран. Соберите его на странице сертификатов семинара.");
	if ((rc = certs_book_current(r, &book)) != 1)
		return rc == -1
			       ? 500
			       : fail(r, 409,
				      "PDF для печати устарел: после его сборки сертификаты выдавались, отзывались или "
				      "переоформлялись. Соберите его заново на странице сертификатов семинара.");
	/* Certificates carry personal data: every export is on record. */
	if (access_record(r, "certificates.export", "seminar", s.id, arena_printf(&r->arena, "pdf, %lld", book.done),
			  NULL) == -1)
		return 500;
	return resp_accel(r, files_path(&r->arena, FILES_URI, book.book_sha256), "application/pdf", "attachment",
			  arena_printf(&r->arena, "certificates-%lld.pdf", s.id));
}
