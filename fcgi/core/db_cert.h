/* Statements of certificates: settings, the dry run, a certificate's row and PDF, look-ups, revoke, re-issue. */
#ifndef DB_CERT_H
#define DB_CERT_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "db.h"

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
/* CERT_COLS of row i into c (the rest zeroed). */
void db_cert_row(const struct dbres *, size_t i, struct cert_row *c);
/* Renders c into pdf and writes it under dir (files_put: durable only after files_sync) with its hash in hex.
 * Returns 0, -2 when the PDF cannot be rendered, -1 when it cannot be written. */
int db_cert_pdf_write(const char *dir, const struct cert_row *c, cert_render_fn, void *arg, struct buf *pdf,
		      char hex[65]);
/* Makes c's file (db_cert_pdf_write, then files_sync) its current PDF, in the caller's transaction. 0 or -1. */
int db_cert_pdf_row(struct db *, const struct cert_row *c, const char *hex);

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
/* The columns db_cert_row reads, of a certificate c. */
#define CERT_COLS                                                                                                      \
	"c.id, c.registration_id, c.seminar_id, c.person_id, c.template_id, c.version, c.number, c.verify_code, "      \
	"c.full_name, c.full_name_dat, c.organization, c.seminar_title, c.dates, c.hours, c.format, c.issuer, "        \
	"c.signatory, c.issued_at, c.reissued_at, c.revoked_at, c.revoke_reason"
/* Certificate c has no PDF yet. */
#define NO_FILE "NOT EXISTS (SELECT 1 FROM certificate_file f WHERE f.certificate_id = c.id)"

#endif
