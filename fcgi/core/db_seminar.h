/* Seminars: one read whole, created and edited with their sectors, status and sessions; the catalogue. */
#ifndef DB_SEMINAR_H
#define DB_SEMINAR_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"

enum mode { MODE_IN_PERSON, MODE_ONLINE, MODE__MAX };
extern const char *const mode_codes[MODE__MAX]; /* "in_person", "online" as in SQL */
extern const char *const mode_names[MODE__MAX]; /* «очно», «онлайн» */
/* A format's name: «Очно», «Онлайн», «Очно и онлайн»; "" for an unknown code. */
const char *format_name(const char *format);

struct seminar {
	long long id, organizer_id, region_id, district_id;
	const char *title, *description, *format, *status, *venue, *address, *stream_url;
	const char *reg_opens_at, *reg_closes_at, *hours, *starts_at, *ends_at, *district, *region, *sectors;
	const char *sector_ids;      /* "1,3" */
	long long cap[MODE__MAX];    /* -1: unlimited */
	long long taken[MODE__MAX];  /* confirmed registrations */
	long long org_limit;         /* 0: none */
	int reg_not_yet, reg_over;   /* the registration window has not opened / has closed */
	int over;                    /* finished, or its last session has ended: registrations are closed */
	const char *attendance_rule; /* door, online, either, both */
	long long online_min_percent;
	int untrained_first; /* the waiting list puts organisations never trained in its sectors first */
};

/* The sector ids of seminar s, "1,3", as an SQL expression, for the scope checks (auth_covers). */
#define SEMINAR_SECTOR_IDS_SQL                                                                                         \
	"(SELECT GROUP_CONCAT(ss.sector_id ORDER BY ss.sector_id) FROM seminar_sector ss WHERE ss.seminar_id = s.id)"

/* Returns 1 with s filled (strings in the arena), 0 no such seminar, -1 failure. */
int db_seminar_get(struct db *, struct arena *, long long id, struct seminar *s);
/* The mode a code of SQL names ("in_person", "online"): 1 with *m set, 0 when s names none (or is NULL). */
int mode_parse(const char *s, enum mode *m);
/* The mode a code names; in person for anything else (a NULL too). */
enum mode mode_of(const char *s);
/* Whether the seminar's format offers the mode. */
int seminar_offers(const struct seminar *, enum mode);

struct seminar_edit {
	long long id; /* 0: create */
	long long organizer_id, region_id, district_id;
	const char *title, *description, *format, *venue, *address, *stream_url, *reg_opens, *reg_closes, *hours;
	long long cap_in_person, cap_online; /* cap_online -1: unlimited */
	long long org_limit;                 /* 0: none */
	const char *attendance_rule;         /* door, online, either, both */
	long long online_min_percent;        /* of the sessions, for the online evidence */
	int untrained_first;                 /* as struct seminar's */
	long long sector_ids[8];
	size_t nsectors;
};
/* Creates or updates a seminar and its sectors in one transaction; raising a
 * capacity promotes the waiting list; switching untrained_first reorders it
 * (and is dated, so that those waiting are told why). Returns the id, 0 when a capacity would
 * fall below the confirmed registrations (nothing changed), -1 on failure. */
long long db_seminar_save(struct db *, const struct seminar_edit *);
/* Returns 1 changed, 0 the transition is not allowed from the current status
 * (publishing needs a session), -1 failure. */
int db_seminar_set_status(struct db *, long long id, const char *status);
/* Returns the new session id or -1; the seminar's first/last dates follow. */
long long db_seminar_session_add(struct db *, long long seminar_id, const char *starts, const char *ends);
/* Returns 1 deleted, 0 no such session of that seminar, -1 failure. */
int db_seminar_session_delete(struct db *, long long seminar_id, long long session_id);
/* Sessions of a seminar: {id, starts_at, ends_at}. */
json_t *db_seminar_sessions(struct db *, struct arena *, long long seminar_id);
/* Where seminar id lies, for the scope checks: its region, district (0: none) and sector ids
 * ("1,3", arena). Returns 1, 0 no such seminar, -1 failure. */
int db_seminar_place(struct db *, struct arena *, long long id, long long *region_id, long long *district_id,
		     const char **sector_ids);
json_t *db_seminar_sector_ids(struct db *, struct arena *, long long seminar_id);

struct catalogue_filter {
	const char *q, *format, *from, *to; /* from/to: YYYY-MM-DD */
	long long sector_id, region_id, district_id;
	long limit, offset;
};
/* Published seminars matching f, soonest first: {id, title, starts_at, venue, district, format,
 * cap_in_person, cap_online, taken_in_person, taken_online, sectors}; *total counts all matches. */
json_t *db_catalogue(struct db *, struct arena *, const struct catalogue_filter *f, long long *total);
/* Every seminar with its registration counts, those without a date first, then the latest first:
 * {id, title, status, format, starts_at, region_id, organizer_id, cap_in_person, cap_online,
 *  in_person_confirmed, in_person_waitlisted, in_person_cancelled, online_confirmed, online_waitlisted,
 *  online_cancelled}; the caller keeps those the organiser may manage (region_id, organizer_id).
 * NULL on failure. */
json_t *db_manage_seminars(struct db *, struct arena *);

/* A version of everything the catalogue shows of seminars: the latest change of any seminar row
 * (places included). "" when there are none; NULL on failure. In the arena. */
const char *db_seminars_version(struct db *, struct arena *);

#endif
