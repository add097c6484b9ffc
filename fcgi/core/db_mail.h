/* Statements of the mail outbox: queueing, the sender's claims and outcomes, the administrators' view. */
#ifndef DB_MAIL_H
#define DB_MAIL_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* A message as the outbox keeps it. */
struct mail_row {
	long long id, person_id, attempts;
	const char *kind, *event_key, *recipient, *recipient_name, *subject, *body_text, *body_html, *message_id;
	long long registration_id; /* a message about a registration (mail_kinds.h), else 0 */
	long long seminar_id;      /* a message about a seminar but no registration (an invitation), else 0 */
	const char *data;          /* its event's data (JSON) or NULL */
	int render;                /* 1: subject, bodies and Message-ID are still to be made (mail_kinds_render) */
};

/* Inserts a queued message (id, attempts ignored); sets row->id. Returns 1, 0 when its event_key is
 * taken, -1 on failure. */
int db_mail_insert(struct db *, struct arena *, struct mail_row *row);
/* Adds an attachment to message id. Returns 0 or -1. */
int db_mail_attach(struct db *, long long id, const char *filename, const char *ctype, const void *data, size_t len);
/* ---- messages about registrations (mail_kinds.h): one INSERT ... SELECT each (the procedure mail_event), rendered
 * by the sender */
/* Queues kind for the registration's person (when the address is confirmed), once per kind and sign-up;
 * data is the event's JSON or NULL. Returns 0 (queued, or nothing to do) or -1. */
int db_mail_event(struct db *, const char *kind, long long registration_id, const char *data);
/* Queues kind for every active registration of the seminar (confirmed addresses), once each. Returns 0 or -1. */
int db_mail_seminar_event(struct db *, const char *kind, long long seminar_id, const char *data);
/* Stores what the sender rendered (subject, bodies, Message-ID) and clears render. Returns 0 or -1. */
int db_mail_rendered(struct db *, const struct mail_row *);
/* Queues the reminders that are due (the stored procedure mail_remind, sql/procedures/). Returns 0 or -1. */
int db_mail_remind(struct db *);
/* An organiser's message to a seminar's active registrations of status and mode (NULL: any) whose people take
 * such messages: with data NULL counts them (the preview), else queues org_message with data ({subject,
 * message}) for each. Returns the number, or -1. */
long long db_mail_audience(struct db *, struct arena *, long long seminar_id, const char *status, const char *mode,
			   const char *data);
/* The person's opt-outs: {reminders, organizer} (true: wanted). NULL on failure or no such person. */
json_t *db_mail_prefs(struct db *, struct arena *, long long person_id);
/* Turns list ("reminders", anything else: "organizer") on or off for the person. Returns 0 or -1. */
int db_mail_pref_set(struct db *, long long person_id, const char *list, int on);
/* Returns 1 when the person's address is confirmed, 0 when not (or no such person), -1 on failure. */
int db_mail_confirmed(struct db *, struct arena *, long long person_id);

/* Inside a transaction: locks up to max queued messages due for at least hold_s seconds that no other sender
 * holds (SKIP LOCKED), counts an attempt on each and moves it lease_s seconds ahead, so a sender that dies gives
 * it back. Fills rows (the attempts counted included). Returns the number claimed, or -1. */
int db_mail_claim(struct db *, struct arena *, struct mail_row *rows, int max, long lease_s, long hold_s);
/* The attachments of message id as {filename, ctype, data (string with its length)} in res. Returns 0 or -1. */
int db_mail_attachments(struct db *, struct arena *, long long id, struct dbres *res);
enum mail_outcome {
	MAIL_SENT,   /* the server accepted it */
	MAIL_RETRY,  /* a temporary failure: again after retry_s seconds */
	MAIL_FAILED, /* a permanent failure (5xx), or too many attempts */
	MAIL_OUTCOME__MAX
};
/* Records a claimed message's outcome with the server's answer (only while it is still queued: a message
 * an administrator changed meanwhile keeps that). Returns 0 or -1. */
int db_mail_outcome(struct db *, long long id, enum mail_outcome, const char *answer, long retry_s);
/* The senders' last error (answer NULL: a delivery, which clears nothing but is recorded). Returns 0 or -1. */
int db_mail_sender_state(struct db *, const char *error);

/* The notices a seminar sent, newest first, at most 200: its registrations' messages and its own (invitations),
 * those about one registration (reg_*, cert_issued) one row per kind, the others (sent to many by one statement:
 * a change, a message, a scheduler's reminders, invitations) one row per kind and time queued: {kind, #recipients,
 * #queued, #sent, #failed, first_at, last_at} (times "YYYY-MM-DD HH:MM:SS"). NULL on failure. */
json_t *db_mail_seminar_notices(struct db *, struct arena *, long long seminar_id);

/* ---- /admin/mail */
/* {queued, sent, failed}: counts by status. NULL on failure. */
json_t *db_mail_counts(struct db *, struct arena *);
/* The latest messages of a status ("queued", "sent", "failed"), newest first, at most 100: {id, kind,
 * recipient, subject, status, attempts, next_attempt_at, last_answer, created_at, sent_at}. NULL on failure. */
json_t *db_mail_list(struct db *, struct arena *, const char *status);
/* {last_error, last_error_at, last_sent_at} of the senders. NULL on failure. */
json_t *db_mail_sender(struct db *, struct arena *);
/* Queues a failed message again (attempts from zero, due now, the same Message-ID). Returns 1, 0 when it is
 * not failed (or does not exist), -1 on failure. */
int db_mail_resend(struct db *, long long id);

#endif
