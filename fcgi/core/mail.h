/* Mail: messages queued in the outbox inside the transaction that causes them, built with libcurl's MIME API and
 * sent over SMTP by the background sender, never inside a request. */
#ifndef MAIL_H
#define MAIL_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"

struct app;
struct db;

/* How to add a message kind:
 *   1. a template templates/mail/<kind>.xhtml (rendered inside templates/mail/layout.xhtml, which shows
 *      the subject as its heading): its HTML is the HTML part, tmpl_render_text of it the text part, so
 *      both say the same; links are <a t:attr-href="x" t:text="x"/> with x from mail_url;
 *   2. in the db_tx body of the change that causes the message, mail_queue with the kind, an event key
 *      that names the event once ("<kind>:<id of what happened>"), the recipient and the data. The row
 *      commits or rolls back with the change; the sender delivers it later, retrying as needed.
 * A message about a person's seminars, tickets or certificates sets confirmed_only: it is made only when
 * the person's address is confirmed (person.email_confirmed_at), so a mistyped address gets nothing of a
 * stranger's but the confirmation letter. */
struct mail_attachment {
	const char *filename; /* shown to the reader; control characters are dropped */
	const char *ctype;    /* "text/calendar; charset=utf-8", "application/pdf" */
	const void *data;
	size_t len;
};

struct mail_new {
	const char *kind;      /* the template's name; also kept in the row (mail_message.kind) */
	const char *event_key; /* unique per event (at most 190 ASCII characters) */
	long long person_id;   /* the person written to, 0 for none */
	const char *to;        /* the address (checked: one address, no spaces or control characters) */
	const char *to_name;   /* display name or NULL */
	const char *subject;   /* Russian, one line (control characters are dropped; at most 200 characters) */
	json_t *ctx;           /* the template's data (borrowed); "subject" is added */
	const struct mail_attachment *att;
	size_t natt;
	int confirmed_only; /* make it only when person_id's address is confirmed */
};

enum mail_queued {
	MAIL_QUEUED,      /* a new row */
	MAIL_DUPLICATE,   /* the event already has its message: nothing made */
	MAIL_UNCONFIRMED, /* confirmed_only and the address is not confirmed: nothing made */
	MAIL_QUEUED__MAX
};

/* Renders and inserts the message (its attachments too) on d, which must be inside a db_tx body: the
 * message commits with the transaction, or not at all. scratch is the body's arena. Returns the outcome,
 * or -1 when a statement failed (return TX_FAIL then) or the kind has no template or the address is not
 * one (logged; a programmer's error). */
int mail_queue(struct app *, struct db *, struct arena *scratch, const struct mail_new *);

/* base_url + path: every link in a message (never the request's Host). In the arena. */
const char *mail_url(struct arena *, const struct app *, const char *path);

/* A new Message-ID (without brackets) for a message of kind: "<kind>.<random>@<mail_from's domain>". */
const char *mail_message_id(struct arena *, const struct app *, const char *kind);

/* ---- building (pure, for the sender and the unit tests) */

/* Appends s as a header value: plain when it is printable ASCII, else RFC 2047 encoded words
 * (=?UTF-8?B?...?=, each under 76 characters, never splitting a character). Control characters
 * (CR and LF among them) are dropped first. */
void mail_header_word(struct buf *, const char *s);
/* Appends "name <addr>" (name encoded as mail_header_word, quoted when plain ASCII), or "<addr>". */
void mail_header_address(struct buf *, const char *name, const char *addr);
/* Returns 1 when addr is one plain address (local@domain, printable ASCII without spaces, quotes,
 * brackets, commas or semicolons, at most 254 bytes), 0 otherwise. */
int mail_address_ok(const char *addr);

/* ---- sending (the portal's background workers) */

/* The background sender: claims due messages (FOR UPDATE SKIP LOCKED, a batch at a time), sends them over
 * smtp_url, records each outcome, and retries temporary failures with back-off until prefork_stopping. Between
 * batches it runs the schedulers of the background workers: reminders (mail_kinds.h) and retention (retention.h). */
void mail_sender(struct app *);

#endif
