/* The front line every request passes before its handler: the route, the queue's and the body's limits, the
 * database deadline, the session, CSRF, sign-in, consent and roles; and the answers of a database that fails. */
#ifndef APP_FRONT_H
#define APP_FRONT_H

struct req;

/* Reads the request, finds its route (404, 405), refuses what waited too long in the queue (503), connects the
 * database and sets the request's deadline, loads the session, then checks CSRF, sign-in (303 to the login page
 * or 401), the consent in force and the route's roles (403) before running the handler. Returns the status. */
int app_front_dispatch(struct req *);
/* An answer that failed for want of the database is a 503 the client may retry, not a 500: drops what the handler
 * had made (its transaction was rolled back) and sets that answer. */
void app_front_unavailable(struct req *);
/* path followed by this request's address (path and query) as the value of a query parameter: where a page
 * sends the visitor to come back here (the presenter's QR carries the code in the query). In the arena. */
const char *app_front_come_back(struct req *, const char *path);
/* Before a write of a seminar's places (sign-up, cancellation, mode switch): enters the seminar's gate, so
 * that at most seminar_writers workers wait on one seminar's row; left when the request ends. Returns 1,
 * or 0 after setting a 503 answer (the seminar is stuck: try again in a moment). */
int app_seminar_gate(struct req *, long long seminar_id);

#endif
