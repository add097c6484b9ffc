/* Registrations: sign-up, cancellation and mode switch as transactions; registrations and participants read back. */
#ifndef DB_REGISTRATION_H
#define DB_REGISTRATION_H

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "db_seminar.h"

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
	const char *for_whom; /* signed up by the head of their organisation: the person, named in the audit log */
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
	long long organization_id; /* the organisation the place counts for (its head may act), 0 none */
	const char *full_name;     /* of the person */
};
/* Returns 1 with the registration and its seminar's region, 0 none, -1 failure. */
int db_registration_get(struct db *, struct arena *, long long id, struct reg_info *);
/* A registration's place in its waiting list, in the order promotions follow (the view waitlist of
 * sql/procedures/080-waitlist.sql). */
struct queue_place {
	long long position; /* from 1; 0 when not waiting */
	int first_group;    /* its organisation was never trained in the seminar's sectors, and it counts */
	int priority;       /* the seminar puts such organisations first (seminar.untrained_first) */
	int reordered;      /* the organiser switched that option after the person joined the list */
};
/* Fills p for a waitlisted registration of the seminar: 1, 0 it is not waiting (p zeroed), -1 failure. */
int db_queue_place(struct db *, struct arena *, long long seminar_id, long long registration_id, struct queue_place *p);
/* Returns 1 with the registration of person in seminar, 0 none, -1 failure; p (may be NULL) is its
 * place in the waiting list (zeroed when not waiting). */
int db_registration_of(struct db *, struct arena *, long long seminar_id, long long person_id, struct reg_info *,
		       struct queue_place *p);
/* What a cancellation or a mode switch did. */
enum reg_change {
	CHANGE_DONE,    /* cancelled, or moved to the other mode */
	CHANGE_ALREADY, /* cancel: it already was cancelled; switch: it already is in that mode */
	CHANGE_REFUSED, /* switch: no free place, the format lacks the mode, or the registration is cancelled */
	CHANGE_CLOSED,  /* the seminar is finished or its last session has ended: nothing changed */
	CHANGE__MAX
};
/* Cancels; a confirmed place goes to the first person waiting for that mode in the
 * same transaction, and the person is told by mail (by_organizer: that an organiser did it).
 * Returns DONE, ALREADY or CLOSED, or -1 on failure. */
int db_registration_cancel(struct db *, long long id, int by_organizer);
/* Moves a registration to the other mode when that mode has a free place (the
 * freed place goes to the waiting list). Returns DONE, ALREADY (nothing changed),
 * REFUSED or CLOSED, or -1 on failure. */
int db_registration_switch(struct db *, long long id, enum mode to);
/* The person's registrations, soonest first: {id, seminar_id, title, starts_at, ends_at, venue,
 * district, format, mode, status, past, position, first_group, priority, reordered} (the last four as
 * struct queue_place). NULL on failure. */
json_t *db_person_registrations(struct db *, struct arena *, long long person_id);

struct participant_filter {
	const char *q, *status, *mode;
	long long district_id, organization_id;
};
/* Registrations of a seminar for the organiser: {id, person_id, full_name, organization, district, email,
 * phone, position, mode, status, queue_position, first_group, created_at}, by status then the waiting
 * list's order (queue_position and first_group as in struct queue_place; null when not waiting). */
json_t *db_participants(struct db *, struct arena *, long long seminar_id, const struct participant_filter *);
/* Organisations and districts that appear among a seminar's registrations: {id, name}. */
json_t *db_participant_orgs(struct db *, struct arena *, long long seminar_id);
json_t *db_participant_districts(struct db *, struct arena *, long long seminar_id);
/* Registrations of a seminar counted by {mode, status, n}. */
json_t *db_registration_counts(struct db *, struct arena *, long long seminar_id);
#endif
