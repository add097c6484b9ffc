/* Handlers and shared helpers of the certs program. */
#ifndef CERTS_H
#define CERTS_H

#include "../core/app.h"
#include "../core/db_cert_job.h"

/* ---- templates.c: certificate templates */

/* The compiled template id from this worker's cache, compiled on first use (a stored template
 * never changes). NULL when there is no such template or it cannot be compiled (logged). The
 * pointer stays valid until certs_template is called for another id. */
const struct cert_tmpl *certs_template(struct db *, struct arena *, long long id);
/* Before the workers start: sanitises each .svg file of templates/certificates and upserts it by its file
 * name, named after its <title>. Logs and goes on when a file or the database fails. */
void certs_templates_sync(struct app *);

int pg_templates(struct req *);
int pg_template_upload(struct req *);
int pg_template_preview(struct req *);
int pg_template_svg(struct req *);
int pg_template_archive(struct req *);

/* ---- issue.c: a seminar's certificates (settings, dry run), issuing jobs and their progress */
int pg_cert_seminar(struct req *);
int pg_cert_settings(struct req *);
int pg_cert_issue(struct req *);
int pg_cert_job(struct req *);

/* ---- runner.c: the background runner (struct program's background) */
/* Claims queued jobs, renders their certificates and draws queued books until prefork_stopping is set. */
void certs_runner(struct app *);

/* ---- render.c: a certificate's values and PDF */
/* "22.11.2026" of a database date or time stamp; "" for NULL. In the arena. */
const char *certs_dmy(struct arena *, const char *sql);
/* The compiled template of a certificate and its values (strings in the arena). Returns 0, or -1
 * when the template cannot be had. */
int certs_fill(struct app *, struct arena *, const struct cert_row *, const struct cert_tmpl **, struct cert_values *);
/* A cert_render_fn (arg: the struct app): the certificate's PDF from certs_fill. */
int certs_render(void *app, const struct cert_row *, struct buf *out);
/* Before the workers start: writes the PDFs still stored in their rows (before migration 030) out under
 * files_dir, the rows keeping their hashes. Logs and goes on when the database or the disk fails. */
void certs_blobs_out(struct app *);
/* Academic hours for people: "8", "1,5"; "" for NULL. In the arena. */
const char *certs_hours(struct arena *, const char *decimal);
/* base_url/certificates/verify/<code>: what the QR code holds. In the arena. */
const char *certs_verify_url(struct arena *, const struct app *, const char *code);

/* ---- certificate.c: one certificate (PDF, revoke, re-issue) and a seminar's ZIP */
int pg_cert_pdf(struct req *);
int pg_cert_revoke(struct req *);
int pg_cert_reissue(struct req *);
int pg_cert_zip(struct req *);

/* ---- book.c: the printable book of a seminar's certificates (db_cert_job.h) */
/* The runner's part: draws the oldest queued book and stores it under files_dir. Returns 1 when it took one, 0
 * none, -1 failure. */
int certs_book_run(struct app *, struct arena *);
/* 1 when the finished book holds the seminar's certificates as they are now, 0 out of date, -1 failure. */
int certs_book_current(struct req *, const struct cert_job *book);
int pg_cert_book_queue(struct req *);
int pg_cert_book(struct req *);

/* ---- verify.c: the public verification page and the look-up by number and surname */
int pg_verify(struct req *);
int pg_verify_lookup(struct req *);

#endif
