/* Statements of the certs program's jobs: issuing (numbering, then rendering in chunks) and the printable book. */
#ifndef DB_CERT_JOB_H
#define DB_CERT_JOB_H

#include "db_cert.h"

/* Certificates of a seminar are issued by background jobs (the certs program's runners): a job
 * is queued by the organiser, claimed by one runner in one transaction that numbers and inserts
 * the certificates of every confirmed registration that qualifies by the seminar's rule (the SQL
 * function attendance_qualifies) and has none yet, and then rendered in chunks by every runner. */
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

/* Renders up to limit certificates of the job's seminar that have no PDF, in one
 * transaction: claimed with FOR UPDATE SKIP LOCKED (so several runners share a job),
 * their PDFs stored under dir (files.h) and synced together before their rows refer to them,
 * and added to the job's done count. When none is left at all, marks the job
 * done. Returns the number claimed (0: nothing to do here now), or -1 on failure
 * (a render failure rolls back and marks the job failed). */
int db_cert_render_chunk(struct db *, const struct cert_job *, int limit, const char *dir, cert_render_fn, void *arg);

#endif
