/* Statements of seminars, sessions and registrations. */
#ifndef DB_SEMINAR_H
#define DB_SEMINAR_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"

enum mode { MODE_IN_PERSON, MODE_ONLINE, MODE__MAX };
extern const char *const mode_codes[MODE__MAX]; /* "in_person", "online" as in SQL */
extern const char *const mode_names[MODE__MAX]; /* «очно», «онлайн» */

struct seminar {
	long long id, organizer_id, region_id, district_id;
	const char *title, *description, *format, *status, *venue, *address, *stream_url;
	const char *reg_opens_at, *reg_closes_at, *hours, *starts_at, *ends_at, *district, *region, *sectors;
	long long cap[MODE__MAX];    /* -1: unlimited */
	long long taken[MODE__MAX];  /* confirmed registrations */
	long long org_limit;         /* 0: none */
	int reg_not_yet, reg_over;   /* the registration window has not opened / has closed */
	int over;                    /* finished, or its last session has ended: registrations are closed */
	const char *attendance_rule; /* door, online, either, both */
	long long online_min_percent;
};

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
	long long sector_ids[8];
	size_t nsectors;
};
/* Creates or updates a seminar and its sectors in one transaction; raising a
 * capacity promotes the waiting list. Returns the id, 0 when a capacity would
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

enum reg_outcome {
	REG_CONFIRMED,  /* a place was taken */
	REG_WAITLISTED, /* the mode is full: queued */
	REG_REPLAY,     /* the same request again: out holds the first outcome */
	REG_ALREADY,    /* the person already has an active registration */
	REG_NO_SEMINAR,
	REG_NOT_OPEN,  /* draft */
	REG_CANCELLED, /* the seminar is cancelled */
	REG_FINISHED,
	REG_WINDOW,     /* outside the registration window */
	REG_BAD_MODE,   /* the format does not offer this mode */
	REG_ORG_LIMIT,  /* the organisation's places are used up */
	REG_KEY_REUSED, /* the idempotency key belongs to another request */
	REG__MAX
};

struct signup {
	long long seminar_id, person_id;
	enum mode mode;
	const char *idem_key; /* may be NULL */
	int by_organizer;     /* taken by an organiser: the window does not apply */
	long long actor_id;   /* who did it, for the audit log */
	const char *ip;
};
struct reg_state {
	long long id;
	enum mode mode;
	const char *status; /* "confirmed", "waitlisted", "cancelled" (static strings) */
};
/* Signs a person up in one transaction with the seminar row locked: a place
 * is taken only if one is free, otherwise the person joins that mode's
 * waiting list; a new registration is written to the audit log in the same
 * transaction. Returns the outcome with out filled for CONFIRMED, WAITLISTED,
 * REPLAY and ALREADY, or -1 on database failure. */
int db_register(struct db *, const struct signup *, struct reg_state *out);

struct reg_info {
	long long id, seminar_id, person_id, region_id;
	enum mode mode;
	const char *status;
};
/* Returns 1 with the registration and its seminar's region, 0 none, -1 failure. */
int db_registration_get(struct db *, struct arena *, long long id, struct reg_info *);
/* Returns 1 with the registration of person in seminar, 0 none, -1 failure; position is the
 * place in the waiting list (0 when not waiting). */
int db_registration_of(struct db *, struct arena *, long long seminar_id, long long person_id, struct reg_info *,
		       long long *position);
/* What a cancellation or a mode switch did. */
enum reg_change {
	CHANGE_DONE,    /* cancelled, or moved to the other mode */
	CHANGE_ALREADY, /* cancel: it already was cancelled; switch: it already is in that mode */
	CHANGE_REFUSED, /* switch: no free place, the format lacks the mode, or the registration is cancelled */
	CHANGE_CLOSED,  /* the seminar is finished or its last session has ended: nothing changed */
	CHANGE__MAX
};
/* Cancels; a confirmed place goes to the first person waiting for that mode in the
 * same transaction. Returns DONE, ALREADY or CLOSED, or -1 on failure. */
int db_registration_cancel(struct db *, long long id);
/* Moves a registration to the other mode when that mode has a free place (the
 * freed place goes to the waiting list). Returns DONE, ALREADY (nothing changed),
 * REFUSED or CLOSED, or -1 on failure. */
int db_registration_switch(struct db *, long long id, enum mode to);
/* The person's registrations, soonest first: {id, seminar_id, title, starts_at, ends_at, venue,
 * district, format, mode, status, position}. */
json_t *db_person_registrations(struct db *, struct arena *, long long person_id);

struct participant_filter {
	const char *q, *status, *mode;
	long long district_id, organization_id;
};
/* Registrations of a seminar for the organiser: {id, person_id, full_name, organization, district, email,
 * phone, position, mode, status, queue_position, created_at}, by status then queue order. */
json_t *db_participants(struct db *, struct arena *, long long seminar_id, const struct participant_filter *);
/* Organisations and districts that appear among a seminar's registrations: {id, name}. */
json_t *db_participant_orgs(struct db *, struct arena *, long long seminar_id);
json_t *db_participant_districts(struct db *, struct arena *, long long seminar_id);
/* Registrations of a seminar counted by {mode, status, n}. */
json_t *db_registration_counts(struct db *, struct arena *, long long seminar_id);
/* A version of everything the catalogue shows of seminars: the latest change of any seminar row
 * (places included). "" when there are none; NULL on failure. In the arena. */
const char *db_seminars_version(struct db *, struct arena *);

/* Looks up a person by e-mail: returns the id, 0 none, -1 failure. */
long long db_person_by_email(struct db *, struct arena *, const char *email);

#endif
