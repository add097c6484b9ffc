/* Places and the waiting list: the seminar row locked, a place taken or freed, the queue promoted. */
#ifndef DB_PLACES_H
#define DB_PLACES_H

#include "arena.h"
#include "db.h"
#include "db_seminar.h"

/* Every change of a seminar's places (a sign-up, a cancellation, a mode switch, a capacity change)
 * starts by locking the seminar's row with db_places_lock and runs inside that transaction, so they
 * happen one at a time; the counters taken_in_person and taken_online always equal the confirmed
 * registrations (sql/checks/reconcile-places.sql). */

/* SQL of the seminar s: finished, or its last session has ended (ends_at is the end of the last session). */
#define SEMINAR_OVER "(s.status = 'finished' OR (s.ends_at IS NOT NULL AND s.ends_at <= NOW()))"
/* The columns of struct seminar the places logic reads while the row is locked: X(type, field, SQL),
 * whose SQL pieces joined make a select list and whose table of struct dbcol reads the row
 * (DB_COL_SQL, dbres_fill); db_seminar.c reads the whole seminar with these first. */
/* cppcheck 2.10 fails to expand X-macro arguments that are strings holding commas: */
/* cppcheck-suppress preprocessorErrorDirective */
#define SEMINAR_PLACES(X)                                                                                              \
	X(LL, id, "s.id")                                                                                              \
	X(LL, region_id, ", s.region_id")                                                                              \
	X(STR, format, ", s.format")                                                                                   \
	X(STR, status, ", s.status")                                                                                   \
	X(LL, cap[MODE_IN_PERSON], ", s.cap_in_person")                                                                \
	X(LL, cap[MODE_ONLINE], ", IFNULL(s.cap_online, -1)")                                                          \
	X(LL, taken[MODE_IN_PERSON], ", s.taken_in_person")                                                            \
	X(LL, taken[MODE_ONLINE], ", s.taken_online")                                                                  \
	X(LL, org_limit, ", IFNULL(s.org_limit, 0)")                                                                   \
	X(BOOL, reg_not_yet, ", s.reg_opens_at IS NOT NULL AND s.reg_opens_at > NOW()")                                \
	X(BOOL, reg_over, ", s.reg_closes_at IS NOT NULL AND s.reg_closes_at <= NOW()")                                \
	X(BOOL, over, ", " SEMINAR_OVER)

/* The number of those columns. */
#define SEMINAR_PLACES_ONE(t, field, sql) +1
enum { SEMINAR_PLACES_COLS = 0 SEMINAR_PLACES(SEMINAR_PLACES_ONE) };

/* Fills s from row 0 of r, a read whose first columns are SEMINAR_PLACES (strings stay r's). Returns 1, or 0
 * when they are NULL: no such seminar (a LEFT JOIN's). */
int db_places_row(const struct dbres *r, struct seminar *s);
/* Locks the seminar's row and fills id, region, format, status, capacities, counters, the
 * organisation limit, the window flags and over (strings in the arena). Returns 1, 0 no such
 * seminar, -1 failure. */
int db_places_lock(struct db *, struct arena *, long long seminar_id, struct seminar *);
/* Whether the locked seminar has a free place of mode m. */
int places_free(const struct seminar *, enum mode m);
/* Takes a place of mode m (the caller checked places_free). Returns 0 or -1. */
int db_places_take(struct db *, long long seminar_id, enum mode m);
/* Sets a registration's mode and status (cancelled_at follows the status). Returns 0 or -1. */
int db_places_set(struct db *, long long registration_id, enum mode m, const char *status);
/* A place of mode m was freed: it goes to the first person waiting for it in the order of the view
 * waitlist (the one every page shows: with the seminar's option, organisations never trained in its
 * sectors first; then first come), coverage following; or back to the pool. Returns 0 or -1. */
int db_places_freed(struct db *, struct arena *, long long seminar_id, enum mode m);
/* Capacity grew (or became unlimited): fills free places from the waiting list, in the same order.
 * Returns 0 or -1. */
int db_places_promote(struct db *, struct arena *, long long seminar_id);

#endif
