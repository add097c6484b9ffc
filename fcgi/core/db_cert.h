/* Statements of certificate settings, issuing jobs and verification. */
#ifndef DB_CERT_H
#define DB_CERT_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "db.h"

/* Certificates of a seminar are issued by background jobs (the certs program's runners): a job
 * is queued by the organiser, claimed by one runner in one transaction that numbers and inserts
 * the certificates of every confirmed registration that qualifies by the seminar's rule (the SQL
 * function attendance_qualifies) and has none yet, and then rendered in chunks by every runner. */
#define CERT_CODE_LEN 22 /* verify_code: 16 random bytes, base64url */

/* What a seminar's certificates say beyond the seminar itself. */
struct cert_settings {
	long long template_id;
	const char *issuer, *signatory;
};
/* Returns 1 with s filled (arena), 0 when the seminar has no settings yet, -1 failure. */
int db_cert_settings_get(struct db *, struct arena *, long long seminar_id, struct cert_settings *);
/* Saves (upserts) the settings. Returns 1, 0 when the template is not one of
 * db_cert_templates_usable(region_id), -1 failure. */
int db_cert_settings_save(struct db *, long long seminar_id, long long region_id, const struct cert_settings *);
/* Templates a seminar of the region may use (builtin and the region's, not archived): {id, name}. */
json_t *db_cert_templates_usable(struct db *, struct arena *, long long region_id);
/* The dry run: every confirmed registration of the seminar (and any with a certificate), by name:
 * {registration_id, person_id, full_name, organization, mode, sessions, door_n, online_n,
 *  qualifies (0/1, by attendance_qualifies), counted and needed (the sessions that count under the
 *  rule, and that must: attendance_counted, attendance_needed), missing_sessions («12.11.2026 10:00,
 *  ...»: the sessions without a check-in that counts; null when qualifies), number, verify_code,
 *  revoked_at, reissued_at, version, rendered (0/1: the PDF of the certificate exists)}; number and
 *  the rest are null without a certificate. */
json_t *db_cert_dry_run(struct db *, struct arena *, long long seminar_id);

struct cert_job {
	long long id, seminar_id, total, done;
	const char *kind;   /* issue, book */
	const char *status; /* queued, running, done, failed */
	const char *error, *created_at, *finished_at;
	const char *stamp, *book_sha256; /* a book's: what it holds (db_cert_book_stamp) and its file; else NULL */
};
enum cert_queue {
	CQ_QUEUED,      /* *job_id is the new job */
	CQ_NO_SETTINGS, /* no template chosen yet */
	CQ_STATUS,      /* the seminar is a draft or cancelled */
	CQ_BUSY,        /* a job of the seminar is queued or running: *job_id is that one */
	CQ_NOTHING,     /* nobody qualifies without a certificate, no PDF is left to make; a book: none to print */
	CQ_CURRENT,     /* a book: the latest holds the certificates as they are; *job_id is that one */
	CQ__MAX
};
/* Queues an issuing job for the seminar in one transaction, unless settings, status, a job in
 * progress or nothing to do stop it. Returns the enum cert_queue outcome (*job_id set for CQ_QUEUED
 * and CQ_BUSY), or -1 on failure. */
int db_cert_job_create(struct db *, long long seminar_id, long long person_id, long long *job_id);
/* Returns 1 with the job (arena), 0 none, -1 failure. */
int db_cert_job_get(struct db *, struct arena *, long long job_id, struct cert_job *);
/* The seminar's latest job of the kind ("issue" or "book"): 1, 0 none, -1 failure. */
int db_cert_job_last(struct db *, struct arena *, long long seminar_id, const char *kind, struct cert_job *);
/* The oldest queued issuing job: 1, 0 none, -1 failure. */
int db_cert_job_queued(struct db *, struct arena *, struct cert_job *);
/* Running issuing jobs, oldest first, up to max into jobs; returns the count or -1. */
int db_cert_jobs_running(struct db *, struct arena *, struct cert_job *jobs, int max);

/* What the runner works out for a job's certificates; the rest of their snapshot (title,
 * hours, template, issuer, signatory, the person's names and organisation) is read in the
 * claiming transaction. */
struct cert_issue {
	long long job_id, seminar_id;
	const char *prefix; /* the number series: number = prefix + a counter of at least 5 digits */
	const char *dates;  /* «12–13 ноября 2026 г.» */
};
/* Claims a queued job in one transaction: takes the next numbers of the series, inserts
 * a certificate (with a new verify_code) for every qualifying registration without one,
 * and marks the job running with total = the seminar's certificates without a PDF.
 * Returns 1 claimed, 0 when another runner has it or it is not queued, -1 failure. */
int db_cert_job_claim(struct db *, const struct cert_issue *);
/* Marks a job failed with a Russian message. Returns 0 or -1. */
int db_cert_job_fail(struct db *, long long job_id, const char *error);

/* The printable book of a seminar's certificates (one PDF of those db_cert_seminar_batch reads) is a job of kind
 * "book": queued by an organiser, drawn by one runner (which writes a heartbeat with each batch of pages; a book
 * whose heartbeat is older than BOOK_STALE_S is taken over by another runner), stored under files_dir, and out of
 * date as soon as a certificate of the seminar is issued, revoked or re-issued (its stamp differs). */
#define BOOK_STALE_S 60
/* What a book of the seminar would hold now: *stamp ("count-checksum" of the certificates' ids and versions, in
 * the arena) and *count. Returns 0 or -1. */
int db_cert_book_stamp(struct db *, struct arena *, long long seminar_id, const char **stamp, long long *count);
/* The seminar's latest finished book whose file is kept: 1 with j (arena), 0 none, -1 failure. */
int db_cert_book_ready(struct db *, struct arena *, long long seminar_id, struct cert_job *);
/* Queues a book unless one is queued or running (CQ_BUSY), the latest holds the certificates as they are
 * (CQ_CURRENT) or there is no certificate to print (CQ_NOTHING). Returns the enum cert_queue outcome (*job_id set
 * for CQ_QUEUED, CQ_BUSY and CQ_CURRENT), or -1 on failure. */
int db_cert_book_create(struct db *, long long seminar_id, long long person_id, long long *job_id);
/* Takes the oldest queued (or abandoned) book and marks it running with its stamp and total. Returns 1 with j
 * (arena), 0 none, -1 failure. */
int db_cert_book_claim(struct db *, struct arena *, struct cert_job *);
/* Records done pages and the heartbeat of a running book. Returns 0 or -1. */
int db_cert_book_progress(struct db *, long long job_id, long long done);
/* Marks a running book done with its pages and file (files_store's hash), and lets go of the seminar's older
 * books' files, in one transaction. Returns 0 or -1. */
int db_cert_book_done(struct db *, const struct cert_job *, long long pages, const char *sha256);

/* A certificate as stored: the snapshot of its current version. */
struct cert_row {
	long long id, registration_id, seminar_id, person_id, template_id, version;
	long long region_id; /* the seminar's; 0 where not loaded (render callbacks, batches) */
	int rendered;        /* its PDF is stored; set where region_id is */
	const char *number, *verify_code, *full_name, *full_name_dat, *organization, *seminar_title, *dates, *hours,
		*format, *issuer, *signatory, *issued_at, *reissued_at, *revoked_at, *revoke_reason;
};
/* Renders the PDF of a certificate into out; 0 or -1. */
typedef int (*cert_render_fn)(void *arg, const struct cert_row *, struct buf *out);
/* Renders up to limit certificates of the job's seminar that have no PDF, in one
 * transaction: claimed with FOR UPDATE SKIP LOCKED (so several runners share a job),
 * their PDFs stored under dir (files.h) and synced together before their rows refer to them,
 * and added to the job's done count. When none is left at all, marks the job
 * done. Returns the number claimed (0: nothing to do here now), or -1 on failure
 * (a render failure rolls back and marks the job failed). */
int db_cert_render_chunk(struct db *, const struct cert_job *, int limit, const char *dir, cert_render_fn, void *arg);

/* Returns 1 with the certificate (arena; region_id set), 0 none, -1 failure. */
int db_cert_by_number(struct db *, struct arena *, const char *number, struct cert_row *);
int db_cert_by_code(struct db *, struct arena *, const char *code, struct cert_row *);
/* The verify_code of the certificate with this number whose holder's surname (the first word
 * of the name; case and е/ё do not matter) is surname: 1 with *code (arena), 0 none, -1 failure. */
int db_cert_lookup(struct db *, struct arena *, const char *number, const char *surname, const char **code);
/* The PDF of a certificate under files_dir: 1 with its *sha256 (arena), 0 none yet, -1 failure. */
int db_cert_file(struct db *, struct arena *, long long cert_id, const char **sha256);
/* Certificates of a seminar that are issued (PDF stored) and not revoked, in number order:
 * rows with id > after_id, at most limit, into *rows (arena); with sha256 not NULL also each
 * PDF's hash under files_dir (an array in the arena). Returns the count, or -1. */
int db_cert_seminar_batch(struct db *, struct arena *, long long seminar_id, long long after_id, int limit,
			  struct cert_row **rows, const char ***sha256);
/* Up to limit PDFs still stored in their row (before migration 030): their certificate ids, PDFs and lengths
 * (arrays in the arena). Returns the count, or -1. */
int db_cert_blobs(struct db *, struct arena *, int limit, long long **ids, const char ***pdf, size_t **len);
/* The certificate's PDF of its row now lives under files_dir as sha256 (written and synced): the row keeps the
 * hash only. Returns 0 or -1. */
int db_cert_blob_out(struct db *, long long cert_id, const char *sha256);
/* Revokes with a reason, audited in the same transaction. Returns 1, 0 already revoked, -1 failure. */
int db_cert_revoke(struct db *, long long cert_id, const char *reason, long long by, const char *ip);
/* Re-issues: the snapshot takes the person's current name, dative name and organisation,
 * version + 1, reissued_at now, the new PDF (render) stored under dir, same number and verify_code,
 * audited, all in one transaction. A revoked certificate is re-issued (and so restored) only
 * while its registration is confirmed and qualifies by the seminar's rule. Returns 1 with
 * out filled (arena), 0 when revoked and not qualifying, -1 failure. */
int db_cert_reissue(struct db *, struct arena *, long long cert_id, long long by, const char *ip, const char *dir,
		    cert_render_fn, void *arg, struct cert_row *out);
/* A person's certificates whose PDF exists, newest first: {number, verify_code, seminar_title,
 * dates, issued_at, reissued_at, revoked_at}. */
json_t *db_person_certificates(struct db *, struct arena *, long long person_id);

/* The evidence of one registration (alias r) as the rule counts it: sessions of the seminar,
 * sessions checked in at the door, sessions attended online (undone check-ins do not count). */
#define ATT_COUNTS                                                                                                     \
	"(SELECT COUNT(*) FROM seminar_session ss WHERE ss.seminar_id = r.seminar_id) AS sessions, "                   \
	"(SELECT COUNT(*) FROM attendance a WHERE a.registration_id = r.id AND a.mode = 'in_person' "                  \
	"AND a.undone_at IS NULL) AS door_n, "                                                                         \
	"(SELECT COUNT(*) FROM attendance a WHERE a.registration_id = r.id AND a.mode = 'online' "                     \
	"AND a.undone_at IS NULL) AS online_n"
/* The one definition of "attended" (sql/procedures/010-attendance.sql; materials for those who attended use it
 * too), for a row x of ATT_COUNTS joined with its seminar s. */
#define QUALIFIES "attendance_qualifies(s.attendance_rule, s.online_min_percent, x.sessions, x.door_n, x.online_n)"

#endif
