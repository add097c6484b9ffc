/* Registrations: sign-up, cancellation and mode switch as transactions; registrations and participants read back. */
#include "db_registration.h"

#include <string.h>

#include "db_coverage.h"
#include "db_mail.h"
#include "db_places.h"

enum {
	Q_SIGNUP,
	Q_REG_GET,
	Q_REG_STATUS,
	Q_POSITION,
	Q_QUEUE_PLACE,
	Q_QUEUE_COUNT,
	Q_PERSON_REGS,
	Q_PARTICIPANTS,
	Q_PART_ORGS,
	Q_PART_DISTRICTS,
	Q_COUNTS,
	Q__MAX
};

static struct dbq q[Q__MAX] = {
	/* A sign-up's whole body in one round trip, its START TRANSACTION included (db_tx_begun;
	 * sql/procedures/100-registration-signup.sql): seminar, person, mode, key, by an organiser, source, actor, ip,
	 * the audit detail's end, lock shared. */
	[Q_SIGNUP] = {"CALL registration_signup(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_REG_GET] = {"SELECT g.id, g.seminar_id, g.person_id, s.region_id, g.mode, g.status, g.organization_id, "
		       "p.full_name FROM registration g JOIN seminar s ON s.id = g.seminar_id "
		       "JOIN person p ON p.id = g.person_id WHERE g.id = ?"},
	[Q_REG_STATUS] = {"SELECT seminar_id, mode, status FROM registration WHERE id = ?"},
	[Q_POSITION] = {"SELECT r.id, r.seminar_id, r.person_id, s.region_id, r.mode, r.status, r.organization_id, "
			"NULL FROM registration r "
			"JOIN seminar s ON s.id = r.seminar_id WHERE r.seminar_id = ? AND r.person_id = ?"},
	/* Positions come from the one definition of the order, the view waitlist, read for one seminar. */
	[Q_QUEUE_PLACE] = {"SELECT position, first_group, priority, reordered FROM waitlist "
			   "WHERE seminar_id = ? AND registration_id = ?"},
	/* The same position where no priority rule applies (first_group is false for every row, so the view's
	 * order is queued_at, id): counted on the index registration_queue instead of numbering the whole list,
	 * which a letter to each of a rush's 19,000 waiting people would do 19,000 times. No row: the seminar
	 * has a priority rule (or the registration is not waiting), and the view answers. */
	[Q_QUEUE_COUNT] =
		{"SELECT 1 + (SELECT COUNT(*) FROM registration o WHERE o.seminar_id = r.seminar_id "
		 "AND o.mode = r.mode AND o.status = 'waitlisted' AND o.queued_at < r.queued_at) "
		 "+ (SELECT COUNT(*) FROM registration o WHERE o.seminar_id = r.seminar_id "
		 "AND o.mode = r.mode AND o.status = 'waitlisted' AND o.queued_at = r.queued_at AND o.id < r.id), "
		 "0, 0, IFNULL(s.queue_rule_changed_at > r.queued_at, FALSE) "
		 "FROM registration r JOIN seminar s ON s.id = r.seminar_id "
		 "WHERE r.seminar_id = ? AND r.id = ? AND r.status = 'waitlisted' AND NOT s.untrained_first"},
	[Q_PERSON_REGS] = {"SELECT r.id, s.id, s.title, s.starts_at, s.ends_at, s.venue, d.name, s.format, r.mode, "
			   "r.status, " SEMINAR_OVER " FROM registration r "
			   "JOIN seminar s ON s.id = r.seminar_id LEFT JOIN district d ON d.id = s.district_id "
			   "WHERE r.person_id = ? ORDER BY s.starts_at IS NULL, s.starts_at, r.id"},
	[Q_PARTICIPANTS] =
		{"SELECT r.id, p.id, p.full_name, o.short_name, d.name, p.email, p.phone, p.position, "
		 "r.mode, r.status, w.position, w.first_group, r.created_at "
		 "FROM registration r JOIN person p ON p.id = r.person_id "
		 /* DISTINCT keeps the derived table whole (not merged into the join), so its
		  * seminar_id = ? reaches the view's window and only this seminar's queue is read. */
		 "LEFT JOIN (SELECT DISTINCT registration_id, position, first_group FROM waitlist "
		 "WHERE seminar_id = ?) w ON w.registration_id = r.id "
		 "LEFT JOIN organization o ON o.id = r.organization_id "
		 "LEFT JOIN district d ON d.id = o.district_id WHERE r.seminar_id = ? "
		 "AND (? IS NULL OR p.full_name LIKE CONCAT('%', ?, '%') "
		 "OR o.short_name LIKE CONCAT('%', ?, '%') OR o.name LIKE CONCAT('%', ?, '%')) "
		 "AND (? IS NULL OR r.status = ?) AND (? IS NULL OR r.mode = ?) "
		 "AND (? IS NULL OR o.district_id = ?) AND (? IS NULL OR r.organization_id = ?) "
		 "ORDER BY FIELD(r.status, 'confirmed', 'waitlisted', 'cancelled'), w.position, r.queued_at, r.id"},
	[Q_PART_ORGS] =
		{"SELECT DISTINCT o.id, o.short_name FROM registration r "
		 "JOIN organization o ON o.id = r.organization_id WHERE r.seminar_id = ? ORDER BY o.short_name"},
	[Q_PART_DISTRICTS] = {"SELECT DISTINCT d.id, d.name FROM registration r "
			      "JOIN organization o ON o.id = r.organization_id JOIN district d ON d.id = o.district_id "
			      "WHERE r.seminar_id = ? ORDER BY d.name"},
	[Q_COUNTS] = {"SELECT mode, status, COUNT(*) FROM registration WHERE seminar_id = ? GROUP BY mode, status"},
};

/* Registration statuses as static strings, so they outlive the arena of a transaction. */
static const char *status_static(const char *s)
{
	static const char *const all[] = {"confirmed", "waitlisted", "cancelled"};
	size_t i;

	for (i = 0; i < 3; i++)
		if (s && strcmp(s, all[i]) == 0)
			return all[i];
	return "cancelled";
}

/* registration.source: who signed the person up. */
static const char *source_of(const struct signup *in)
{
	return in->by_organizer ? "organizer" : in->for_whom ? "head" : "self";
}

/* The outcomes as registration_signup names them. */
static const char *const reg_outcome_codes[REG__MAX] = {
	[REG_CONFIRMED] = "confirmed", [REG_WAITLISTED] = "waitlisted", [REG_REPLAY] = "replay",
	[REG_ALREADY] = "already",     [REG_NO_SEMINAR] = "no_seminar", [REG_NOT_OPEN] = "not_open",
	[REG_CANCELLED] = "cancelled", [REG_FINISHED] = "finished",     [REG_WINDOW] = "window",
	[REG_BAD_MODE] = "bad_mode",   [REG_ORG_LIMIT] = "org_limit",   [REG_KEY_REUSED] = "key_reused",
};

struct reg_ctx {
	const struct signup *in;
	struct reg_state *out;
	enum reg_outcome outcome;
	int runs; /* of the body: only the first may share the seminar's row (see register_tx) */
};

/* The seminars and modes this worker last found full, by seminar * MODE__MAX + mode + 1 in a slot of its own.
 * Only a hint of which lock a sign-up's first run takes: a wrong one costs a wait or a run again, never a place. */
static long long full_hint[64];

static long long *full_slot(long long seminar_id, enum mode m, long long *key)
{
	*key = seminar_id * MODE__MAX + (long long)m + 1;
	return &full_hint[(unsigned long long)*key % NELEM(full_hint)];
}

/* Commits a place taken or a place in the queue; rolls back every refusal. The whole body is one call
 * (registration_signup), which locks the seminar's row first. A sign-up to a seminar this worker last found full
 * shares that lock with the other sign-ups (a place in the waiting list needs no more, so they commit side by side
 * and their flushes group); should a place have come free, the call's UPDATE, last, makes the lock exclusive, and
 * two that do so at once deadlock: the one the server rolls back runs again with the row locked exclusively from
 * the start, as every other sign-up runs (it most likely takes a place, and one at a time). */
static enum tx_end register_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct reg_ctx *c = arg;
	const struct signup *in = c->in;
	long long key, *hint = full_slot(in->seminar_id, in->mode, &key);
	int shared = c->runs++ == 0 && *hint == key;
	struct dbv v[] = {
		DB_DV_INT(in->seminar_id),
		DB_DV_INT(in->person_id),
		DB_DV_STR(mode_codes[in->mode]),
		db_dv_str_or_null(in->idem_key),
		DB_DV_INT(in->by_organizer != 0),
		DB_DV_STR(source_of(in)),
		db_dv_id_or_null(in->actor_id),
		db_dv_str_or_null(in->ip),
		DB_DV_STR(arena_printf(scratch, "%s%s%s", in->by_organizer ? " by an organiser" : "",
				       in->for_whom ? " by the head of the organisation for " : "",
				       in->for_whom ? in->for_whom : "")),
		DB_DV_INT(shared),
	};
	struct dbres r;
	const char *outcome;
	int o;

	if (db_run(d, &q[Q_SIGNUP], v, NELEM(v), &r, scratch) == -1 || r.nrows == 0 ||
	    (outcome = dbres_str(&r, 0, 0)) == NULL)
		return TX_FAIL;
	for (o = 0; o < REG__MAX && strcmp(outcome, reg_outcome_codes[o]) != 0; o++)
		;
	if (o == REG__MAX)
		return TX_FAIL;
	c->outcome = (enum reg_outcome)o;
	if (dbres_str(&r, 0, 1) != NULL) {
		c->out->id = dbres_int(&r, 0, 1);
		mode_parse(dbres_str(&r, 0, 2), &c->out->mode);
		c->out->status = status_static(dbres_str(&r, 0, 3));
	}
	if (c->outcome != REG_CONFIRMED && c->outcome != REG_WAITLISTED)
		return TX_ROLLBACK;
	*hint = c->outcome == REG_WAITLISTED ? key : 0;
	return TX_COMMIT;
}

int db_register(struct db *d, const struct signup *in, struct reg_state *out)
{
	struct reg_ctx c = {in, out, REG__MAX, 0};
	int rc = db_tx_begun(d, register_tx, &c);

	/* Two first attempts of one person (with one key, or not) raced to a UNIQUE index: the loser, run again,
	 * finds the winner's registration (a replay, or already signed up). */
	if (rc == -1 && db_errno(d) == 1062)
		rc = db_tx_begun(d, register_tx, &c);
	/* The COMMIT's answer was lost and the body, run again, found this request's own row by its key:
	 * the client hears what that COMMIT did, not a replay. */
	if (rc != -1 && c.outcome == REG_REPLAY && db_commit_unknown(d))
		c.outcome = strcmp(out->status, "confirmed") == 0 ? REG_CONFIRMED : REG_WAITLISTED;
	return rc == -1 ? -1 : (int)c.outcome;
}

/* Columns id, seminar_id, person_id, region_id, mode, status, organization_id, full_name of the first row. */
static int reg_row(const struct dbres *r, struct reg_info *g)
{
	if (r->nrows == 0)
		return 0;
	g->id = dbres_int(r, 0, 0);
	g->seminar_id = dbres_int(r, 0, 1);
	g->person_id = dbres_int(r, 0, 2);
	g->region_id = dbres_int(r, 0, 3);
	mode_parse(dbres_str(r, 0, 4), &g->mode);
	g->status = status_static(dbres_str(r, 0, 5));
	g->organization_id = dbres_int(r, 0, 6);
	g->full_name = dbres_str(r, 0, 7);
	return 1;
}

int db_registration_get(struct db *d, struct arena *a, long long id, struct reg_info *g)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_REG_GET], v, NELEM(v), &r, a) == -1)
		return -1;
	return reg_row(&r, g);
}

int db_queue_place(struct db *d, struct arena *a, long long seminar_id, long long registration_id,
		   struct queue_place *p)
{
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(registration_id)};
	struct dbres r;

	memset(p, 0, sizeof(*p));
	if (db_run(d, &q[Q_QUEUE_COUNT], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0 && db_run(d, &q[Q_QUEUE_PLACE], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	p->position = dbres_int(&r, 0, 0);
	p->first_group = dbres_int(&r, 0, 1) != 0;
	p->priority = dbres_int(&r, 0, 2) != 0;
	p->reordered = dbres_int(&r, 0, 3) != 0;
	return 1;
}

int db_registration_of(struct db *d, struct arena *a, long long seminar_id, long long person_id, struct reg_info *g,
		       struct queue_place *p)
{
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(person_id)};
	struct dbres r;

	if (p != NULL)
		memset(p, 0, sizeof(*p));
	if (db_run(d, &q[Q_POSITION], v, NELEM(v), &r, a) == -1)
		return -1;
	if (reg_row(&r, g) == 0)
		return 0;
	if (p != NULL && strcmp(g->status, "waitlisted") == 0 && db_queue_place(d, a, seminar_id, g->id, p) == -1)
		return -1;
	return 1;
}

struct change_ctx {
	long long id;
	int to;           /* target mode, or -1 to cancel */
	int by_organizer; /* a cancellation: an organiser did it (said in the mail) */
	enum reg_change outcome;
};

static enum tx_end unchanged(struct change_ctx *c, enum reg_change outcome)
{
	c->outcome = outcome;
	return TX_ROLLBACK;
}

static enum tx_end change_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct change_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->id)};
	struct dbres r;
	struct seminar s;
	enum mode from = MODE_IN_PERSON;
	const char *status;
	long long seminar_id;

	if (db_run(d, &q[Q_REG_STATUS], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return unchanged(c, c->to < 0 ? CHANGE_ALREADY : CHANGE_REFUSED);
	seminar_id = dbres_int(&r, 0, 0);
	if (db_places_lock(d, scratch, seminar_id, &s) != 1)
		return TX_FAIL;
	/* Read again under the lock: a concurrent change may have come first. */
	if (db_run(d, &q[Q_REG_STATUS], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	mode_parse(dbres_str(&r, 0, 1), &from);
	status = status_static(dbres_str(&r, 0, 2));
	if (strcmp(status, "cancelled") == 0)
		return unchanged(c, c->to < 0 ? CHANGE_ALREADY : CHANGE_REFUSED);
	/* Decided under the lock, so a change that raced the seminar's end finds it over. */
	if (s.over)
		return unchanged(c, CHANGE_CLOSED);
	if (c->to < 0) {
		/* A cancelled registration stops counting, check-ins or not. */
		if (db_places_set(d, c->id, from, "cancelled") == -1 || db_coverage_registration(d, c->id) == -1 ||
		    db_mail_event(d, "reg_cancelled", c->id, c->by_organizer ? "{\"by_organizer\": true}" : NULL) == -1)
			return TX_FAIL;
	} else {
		if ((enum mode)c->to == from)
			return unchanged(c, CHANGE_ALREADY);
		if (!seminar_offers(&s, (enum mode)c->to) || !places_free(&s, (enum mode)c->to))
			return unchanged(c, CHANGE_REFUSED);
		if (db_places_set(d, c->id, (enum mode)c->to, "confirmed") == -1 ||
		    db_places_take(d, seminar_id, (enum mode)c->to) == -1 || db_coverage_registration(d, c->id) == -1)
			return TX_FAIL;
	}
	if (status[0] == 'c' && db_places_freed(d, scratch, seminar_id, from) == -1)
		return TX_FAIL;
	c->outcome = CHANGE_DONE;
	return TX_COMMIT;
}

static int change(struct db *d, long long id, int to, int by_organizer)
{
	struct change_ctx c = {id, to, by_organizer, CHANGE__MAX};

	return db_tx(d, change_tx, &c) == -1 ? -1 : (int)c.outcome;
}

int db_registration_cancel(struct db *d, long long id, int by_organizer)
{
	return change(d, id, -1, by_organizer);
}

int db_registration_switch(struct db *d, long long id, enum mode to)
{
	return change(d, id, (int)to, 0);
}

json_t *db_person_registrations(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#id",      "#seminar_id", "title", "starts_at", "ends_at", "venue",
					"district", "format",      "mode",  "status",    "#past",   NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};
	json_t *rows = db_json(d, &q[Q_PERSON_REGS], v, NELEM(v), a, k), *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		struct queue_place p = {0};
		/* A person waits for a few seminars at most: each list is read for its own seminar. */
		if (strcmp(json_string_value(json_object_get(row, "status")), "waitlisted") == 0 &&
		    db_queue_place(d, a, json_integer_value(json_object_get(row, "seminar_id")),
				   json_integer_value(json_object_get(row, "id")), &p) == -1) {
			json_decref(rows);
			return NULL;
		}
		json_object_set_new(row, "position", json_integer(p.position));
		json_object_set_new(row, "first_group", json_boolean(p.first_group));
		json_object_set_new(row, "priority", json_boolean(p.priority));
		json_object_set_new(row, "reordered", json_boolean(p.reordered));
	}
	return rows;
}

json_t *db_participants(struct db *d, struct arena *a, long long seminar_id, const struct participant_filter *f)
{
	static const char *const k[] = {
		"#id",      "#person_id", "full_name", "organization",    "district",     "email",      "phone",
		"position", "mode",       "status",    "#queue_position", "#first_group", "created_at", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id),
			  DB_DV_INT(seminar_id),
			  db_dv_like_or_null(a, f->q),
			  db_dv_like_or_null(a, f->q),
			  db_dv_like_or_null(a, f->q),
			  db_dv_like_or_null(a, f->q),
			  db_dv_str_or_null(f->status),
			  db_dv_str_or_null(f->status),
			  db_dv_str_or_null(f->mode),
			  db_dv_str_or_null(f->mode),
			  db_dv_id_or_null(f->district_id),
			  db_dv_id_or_null(f->district_id),
			  db_dv_id_or_null(f->organization_id),
			  db_dv_id_or_null(f->organization_id)};

	return db_json(d, &q[Q_PARTICIPANTS], v, NELEM(v), a, k);
}

json_t *db_participant_orgs(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"#id", "short_name", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_PART_ORGS], v, NELEM(v), a, k);
}

json_t *db_participant_districts(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"#id", "name", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_PART_DISTRICTS], v, NELEM(v), a, k);
}

json_t *db_registration_counts(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"mode", "status", "#n", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_COUNTS], v, NELEM(v), a, k);
}
