/* Messages about a person's registrations: queued by one cheap INSERT ... SELECT in the causing transaction
 * (db_mail_event, db_mail_seminar_event, the reminders' procedure), rendered by the background sender. */
#ifndef MAIL_KINDS_H
#define MAIL_KINDS_H

#include "arena.h"
#include "db.h"
#include "db_mail.h"

struct app;

/* The kinds (mail_message.kind); all are rendered with templates/mail/seminar_mail.xhtml, whose sections
 * name the kind, so the seminar's details are written once:
 *   reg_confirmed     a place taken at sign-up: the dates, the place or broadcast link, the ticket link, an .ics
 *   reg_waitlisted    joined the waiting list: the position
 *   reg_promoted      moved up from the waiting list: as reg_confirmed
 *   reg_cancelled     cancelled; data {"by_organizer": true} when an organiser did it
 *   remind_day, remind_hour   a session tomorrow / within the hour; data {"session": id} (opt-out: reminders)
 *   seminar_changed   data {"changes": [{"text"}]}: what the organiser changed; with a new .ics
 *   seminar_cancelled the organiser cancelled the seminar
 *   cert_issued       data {"number", "code"}: links to the PDF and the public verification page
 *   org_message       data {"subject", "message"}: an organiser's message (db_mail_audience; opt-out: organizer)
 *   untrained_invite  no registration (seminar_id): an invitation to the untrained (db_untrained.h; opt-out: organizer)
 * A message about a registration is queued only when the person's address is confirmed. */

/* Inside the sender's claim transaction: makes the subject, both bodies, the Message-ID and the attachments
 * of a claimed row with render set, and stores them (the row is then an ordinary message). Returns 1 done,
 * 0 when the registration or the seminar is gone (the row cannot be made: it is marked failed), -1 on failure. */
int mail_kinds_render(struct app *, struct db *, struct arena *, struct mail_row *);

/* What the organiser's list of a seminar's notices calls a kind («Напоминание за день»); kind itself when unknown. */
const char *mail_kinds_name(const char *kind);
/* The opt-out list of a kind ("reminders"), or NULL for a transactional kind. */
const char *mail_kinds_list(const char *kind);
/* The keyed hash in a one-click unsubscribe link of person from list (base64url, in the arena), and the link
 * (base_url/unsubscribe/{person}/{list}/{mac}). */
const char *mail_unsubscribe_mac(struct arena *, const struct app *, long long person_id, const char *list);
const char *mail_unsubscribe_url(struct arena *, const struct app *, long long person_id, const char *list);

/* The reminder scheduler: queues what is due (db_mail_remind) at most every mail_remind_s seconds (60).
 * Called by the sender between batches; two senders racing make each reminder once (UNIQUE event key). */
void mail_kinds_schedule(struct app *);

#endif
