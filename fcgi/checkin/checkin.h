/* Handlers of the checkin program: the door scanner and its API. */
#ifndef CHECKIN_H
#define CHECKIN_H

#include "../core/app.h"

/* The seminar's sessions into *sessions (caller releases), and the one asked for
 * by ?session_id, else the one running now, else the next, else the last.
 * Returns its id, 0 when there is no such session, -1 on failure. */
long long door_session(struct req *, const struct seminar *, json_t **sessions);

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

#endif
