/* Statements of tickets, door scans and attendance. */
#ifndef DB_CHECKIN_H
#define DB_CHECKIN_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

struct scan_in {
	long long seminar_id, session_id, operator_id;
	const char *code;           /* ticket code as read (validated token) */
	const char *client_scan_id; /* the device's id of this scan: a retried upload is a no-op */
	const char *device_id;      /* may be NULL */
	const char *device_time;    /* "YYYY-MM-DD HH:MM:SS" when the device saw it, or NULL */
	const char *method;         /* "qr" or "manual" */
};
struct scan_out {
	const char *result; /* ok, already, invalid, other_seminar, cancelled, waitlisted */
	long long scan_id, registration_id;
	const char *name, *organization, *at, *by;   /* the person, and when and by whom checked in */
	int conflict;                                /* already checked in on another device */
	int replay;                                  /* this client_scan_id was stored before */
	long long present_in_person, present_online; /* at the scan's session, this scan included */
	long long registered;                        /* the seminar's confirmed registrations */
};
/* Records one door scan and its check-in in one transaction (strings in the arena); its coverage upkeep
 * is queued (db_coverage_later). Returns 1, 0 the session is not the seminar's (nothing written), or -1 on
 * failure. */
int db_checkin_scan(struct db *, struct arena *, const struct scan_in *, struct scan_out *);
/* Takes back the check-in made by scan_id (an 'undo' event; nothing is deleted).
 * Returns 1 undone, 2 this very undo (client_scan_id) was done before, 0 nothing
 * to undo, -1 failure. */
int db_checkin_undo(struct db *, long long seminar_id, long long scan_id, const char *client_scan_id,
		    const char *device_id, long long operator_id);
/* Confirmed tickets of a seminar, for offline checks: {code, name, organization, mode}. */
json_t *db_checkin_tickets(struct db *, struct arena *, long long seminar_id);
/* {registered, present_in_person, present_online} for a session. */
json_t *db_checkin_counts(struct db *, struct arena *, long long seminar_id, long long session_id);
/* Registrations whose person or organisation matches q: {registration_id, name, organization, code,
 * status, mode, present}. */
json_t *db_checkin_search(struct db *, struct arena *, long long seminar_id, long long session_id, const char *q);

struct ticket {
	long long id, person_id, seminar_id, region_id;
	const char *code, *status, *mode, *name, *organization, *title, *starts_at, *ends_at, *venue, *address;
	long long organization_id; /* the place counts for it: its head may open the ticket */
};
/* Sessions running now (15 minutes of grace either side) of seminars where the person has a
 * confirmed registration: {session_id, seminar_id, registration_id, title, mode}, by seminar. */
json_t *db_online_candidates(struct db *, struct arena *, long long person_id);
/* Records online presence at a session (a scan event and the attendance row, once).
 * Returns 1 recorded, 0 it already was, -1 failure. */
int db_online_attend(struct db *, long long seminar_id, long long session_id, long long registration_id,
		     long long person_id, const char *client_scan_id);
/* The attendance journal: {session_id, session, full_name, organization, district, mode, at, present} for
 * every confirmed registration (and every one checked in) at every session, by session and name; at is
 * NULL and present 0 for those not checked in (mode: the registration's), else the check-in not undone
 * (mode: how they came); session_id 0 for all sessions. */
json_t *db_journal(struct db *, struct arena *, long long seminar_id, long long session_id);

/* The registration whose ticket has this code: its id, 0 none, -1 failure. */
long long db_ticket_by_code(struct db *, struct arena *, const char *code);
/* Returns 1 with the registration's ticket data (arena), 0 none, -1 failure. */
int db_ticket_get(struct db *, struct arena *, long long registration_id, struct ticket *);
/* The same with only id, person_id, seminar_id, organization_id, code and status (the rest NULL or 0): who may
 * open the ticket, from the registration row alone. */
int db_ticket_key(struct db *, struct arena *, long long registration_id, struct ticket *);

#endif
