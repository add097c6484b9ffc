/* Handlers of the checkin program: the door scanner and its API. */
#ifndef CHECKIN_H
#define CHECKIN_H

#include "../core/app.h"

/* The seminar of the path for one of its organisers (auth_seminar) into *s, its sessions into *sessions
 * (caller releases), and into *session the one asked for by ?session_id, else the one running now, else
 * the next, else the last; 0 when there is no such session. Returns 0, or the status to return (then
 * nothing to release). */
int door_session(struct req *, struct seminar *s, json_t **sessions, long long *session);

int pg_scanner(struct req *);
int pg_scan(struct req *);
int pg_undo(struct req *);
int pg_tickets(struct req *);
int pg_search(struct req *);
int pg_present(struct req *);
int pg_present_svg(struct req *);
int pg_code(struct req *);
int pg_code_post(struct req *);
int pg_journal(struct req *);
int pg_journal_xlsx(struct req *);
int pg_journal_pdf(struct req *);

/* The background runner (upkeep.c): applies the queued coverage upkeep of check-ins (db_coverage_apply). */
void checkin_upkeep(struct app *);

#endif
