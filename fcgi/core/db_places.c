/* Places and the waiting list: the seminar row locked, a place taken or freed, the queue promoted. */
#include "db_places.h"

#include <stddef.h>
#include <string.h>

#include "db_coverage.h"
#include "db_mail.h"

enum {
	Q_SEMINAR_LOCK,
	Q_TAKE_IN_PERSON,
	Q_TAKE_ONLINE,
	Q_FREE_IN_PERSON,
	Q_FREE_ONLINE,
	Q_FIRST_WAITING,
	Q_REG_SET,
	Q__MAX
};

#define PLACES_COL(t, field, sql) {DBC_##t, offsetof(struct seminar, field)},
static const struct dbcol seminar_places[] = {SEMINAR_PLACES(PLACES_COL)};

static struct dbq q[Q__MAX] = {
	/* Only the seminar row is locked (a join would lock its region and district
	 * too, and serialise every sign-up of a region), and only what the places
	 * logic needs is read while the lock is held. */
	[Q_SEMINAR_LOCK] = {"SELECT " SEMINAR_PLACES(DB_COL_SQL) " FROM seminar s WHERE s.id = ? FOR UPDATE"},
	[Q_TAKE_IN_PERSON] = {"UPDATE seminar SET taken_in_person = taken_in_person + 1 WHERE id = ?"},
	[Q_TAKE_ONLINE] = {"UPDATE seminar SET taken_online = taken_online + 1 WHERE id = ?"},
	[Q_FREE_IN_PERSON] = {"UPDATE seminar SET taken_in_person = taken_in_person - 1 WHERE id = ?"},
	[Q_FREE_ONLINE] = {"UPDATE seminar SET taken_online = taken_online - 1 WHERE id = ?"},
	/* The head of the queue in the order every page shows (the view waitlist, sql/procedures/080-waitlist.sql). */
	[Q_FIRST_WAITING] = {"SELECT registration_id FROM waitlist WHERE seminar_id = ? AND mode = ? AND position = 1"},
	[Q_REG_SET] = {"UPDATE registration SET mode = ?, status = ?, "
		       "cancelled_at = IF(? = 'cancelled', NOW(), NULL) WHERE id = ?"},
};

int db_places_lock(struct db *d, struct arena *a, long long id, struct seminar *s)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_SEMINAR_LOCK], v, NELEM(v), &r, a) == -1)
		return -1;
	return r.nrows == 0 ? 0 : db_places_row(&r, s);
}

int db_places_row(const struct dbres *r, struct seminar *s)
{
	memset(s, 0, sizeof(*s));
	if (dbres_str(r, 0, 0) == NULL)
		return 0;
	dbres_fill(r, 0, seminar_places, NELEM(seminar_places), s);
	return 1;
}

int places_free(const struct seminar *s, enum mode m)
{
	return s->cap[m] < 0 || s->taken[m] < s->cap[m];
}

int db_places_take(struct db *d, long long seminar_id, enum mode m)
{
	struct dbv sid[] = {DB_DV_INT(seminar_id)};

	return db_run(d, &q[m == MODE_IN_PERSON ? Q_TAKE_IN_PERSON : Q_TAKE_ONLINE], sid, NELEM(sid), NULL, NULL);
}

int db_places_set(struct db *d, long long registration_id, enum mode m, const char *status)
{
	struct dbv set[] = {DB_DV_STR(mode_codes[m]), DB_DV_STR(status), DB_DV_STR(status), DB_DV_INT(registration_id)};

	return db_run(d, &q[Q_REG_SET], set, NELEM(set), NULL, NULL);
}

int db_places_freed(struct db *d, struct arena *a, long long seminar_id, enum mode m)
{
	struct dbv w[] = {DB_DV_INT(seminar_id), DB_DV_STR(mode_codes[m])};
	struct dbv sid[] = {DB_DV_INT(seminar_id)};
	struct dbres r;

	if (db_run(d, &q[Q_FIRST_WAITING], w, NELEM(w), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return db_run(d, &q[m == MODE_IN_PERSON ? Q_FREE_IN_PERSON : Q_FREE_ONLINE], sid, NELEM(sid), NULL,
			      NULL);
	if (db_places_set(d, dbres_int(&r, 0, 0), m, "confirmed") == -1 ||
	    db_mail_event(d, "reg_promoted", dbres_int(&r, 0, 0), NULL) == -1)
		return -1;
	/* Promoted: check-ins from before a cancellation count again. */
	return db_coverage_registration(d, dbres_int(&r, 0, 0));
}

int db_places_promote(struct db *d, struct arena *a, long long seminar_id)
{
	struct seminar s;
	int m;

	if (db_places_lock(d, a, seminar_id, &s) != 1)
		return -1;
	for (m = 0; m < MODE__MAX; m++)
		while (places_free(&s, (enum mode)m)) {
			struct dbv w[] = {DB_DV_INT(seminar_id), DB_DV_STR(mode_codes[m])};
			struct dbres r;
			if (db_run(d, &q[Q_FIRST_WAITING], w, NELEM(w), &r, a) == -1)
				return -1;
			if (r.nrows == 0)
				break;
			if (db_places_set(d, dbres_int(&r, 0, 0), (enum mode)m, "confirmed") == -1 ||
			    db_mail_event(d, "reg_promoted", dbres_int(&r, 0, 0), NULL) == -1 ||
			    db_places_take(d, seminar_id, (enum mode)m) == -1 ||
			    db_coverage_registration(d, dbres_int(&r, 0, 0)) == -1)
				return -1;
			s.taken[m]++;
		}
	return 0;
}
