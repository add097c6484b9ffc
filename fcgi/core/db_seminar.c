/* Statements of seminars, sessions and registrations; sign-up, cancellation and promotion as transactions. */
#include "db_seminar.h"
#include "db_coverage.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "db_auth.h"

const char *const mode_codes[MODE__MAX] = {"in_person", "online"};
const char *const mode_names[MODE__MAX] = {"очно", "онлайн"};

enum {
	Q_SEMINAR,
	Q_SEMINAR_LOCK,
	Q_SEMINAR_INSERT,
	Q_SEMINAR_UPDATE,
	Q_SECTORS_CLEAR,
	Q_SECTOR_ADD,
	Q_SECTOR_IDS,
	Q_STATUS,
	Q_SESSION_COUNT,
	Q_STATUS_SET,
	Q_SESSION_ADD,
	Q_SESSION_DELETE,
	Q_DATES,
	Q_SESSIONS,
	Q_CATALOGUE,
	Q_CATALOGUE_COUNT,
	Q_MANAGE,
	Q_IDEM,
	Q_REG_OF,
	Q_ORG_COUNT,
	Q_TAKE_IN_PERSON,
	Q_TAKE_ONLINE,
	Q_FREE_IN_PERSON,
	Q_FREE_ONLINE,
	Q_REG_INSERT,
	Q_REG_REVIVE,
	Q_REG_GET,
	Q_REG_STATUS,
	Q_REG_SET,
	Q_FIRST_WAITING,
	Q_POSITION,
	Q_PERSON_REGS,
	Q_PARTICIPANTS,
	Q_PART_ORGS,
	Q_PART_DISTRICTS,
	Q_PERSON_BY_EMAIL,
	Q_COUNTS,
	Q_VERSION,
	Q__MAX
};

/* Finished, or its last session has ended (ends_at is the end of the last session). */
#define SEMINAR_OVER "(s.status = 'finished' OR (s.ends_at IS NOT NULL AND s.ends_at <= NOW()))"
/* The columns of struct seminar: X(type, field, SQL); the SQL pieces joined make the select list, and
 * the same list reads the row (dbres_fill). What the places logic needs while the row is locked: */
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
/* ... and the whole seminar for its pages. */
#define SEMINAR_ALL(X)                                                                                                 \
	SEMINAR_PLACES(X)                                                                                              \
	X(LL, organizer_id, ", s.organizer_id")                                                                        \
	X(LL, district_id, ", s.district_id")                                                                          \
	X(STR, title, ", s.title")                                                                                     \
	X(STR, description, ", s.description")                                                                         \
	X(STR, venue, ", s.venue")                                                                                     \
	X(STR, address, ", s.address")                                                                                 \
	X(STR, stream_url, ", s.stream_url")                                                                           \
	X(STR, reg_opens_at, ", s.reg_opens_at")                                                                       \
	X(STR, reg_closes_at, ", s.reg_closes_at")                                                                     \
	X(STR, hours, ", s.hours")                                                                                     \
	X(STR, starts_at, ", s.starts_at")                                                                             \
	X(STR, ends_at, ", s.ends_at")                                                                                 \
	X(STR, district, ", (SELECT name FROM district WHERE id = s.district_id)")                                     \
	X(STR, region, ", (SELECT name FROM region WHERE id = s.region_id)")                                           \
	X(STR, sectors,                                                                                                \
	  ", (SELECT GROUP_CONCAT(x.name ORDER BY x.id SEPARATOR ', ') FROM seminar_sector ss "                        \
	  "JOIN sector x ON x.id = ss.sector_id WHERE ss.seminar_id = s.id)")                                          \
	X(STR, attendance_rule, ", s.attendance_rule")                                                                 \
	X(LL, online_min_percent, ", s.online_min_percent")
#define SEMINAR_COL(t, field, sql) {DBC_##t, offsetof(struct seminar, field)},
static const struct dbcol seminar_places[] = {SEMINAR_PLACES(SEMINAR_COL)};
static const struct dbcol seminar_all[] = {SEMINAR_ALL(SEMINAR_COL)};

#define POSITION_SQL                                                                                                   \
	"(SELECT COUNT(*) FROM registration w WHERE w.seminar_id = r.seminar_id AND w.mode = r.mode AND "              \
	"w.status = 'waitlisted' AND (w.queued_at < r.queued_at OR (w.queued_at = r.queued_at AND w.id <= r.id)))"

static struct dbq q[Q__MAX] = {
	[Q_SEMINAR] = {"SELECT " SEMINAR_ALL(DB_COL_SQL) " FROM seminar s WHERE s.id = ?"},
	/* Only the seminar row is locked (a join would lock its region and district
	 * too, and serialise every sign-up of a region), and only what the places
	 * logic needs is read while the lock is held. */
	[Q_SEMINAR_LOCK] = {"SELECT " SEMINAR_PLACES(DB_COL_SQL) " FROM seminar s WHERE s.id = ? FOR UPDATE"},
	[Q_SEMINAR_INSERT] = {"INSERT INTO seminar (organizer_id, region_id, district_id, title, description, format, "
			      "venue, address, stream_url, reg_opens_at, reg_closes_at, hours, cap_in_person, "
			      "cap_online, org_limit, attendance_rule, online_min_percent) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_SEMINAR_UPDATE] =
		{"UPDATE seminar SET region_id = ?, district_id = ?, title = ?, description = ?, "
		 "format = ?, venue = ?, address = ?, stream_url = ?, reg_opens_at = ?, reg_closes_at = ?, "
		 "hours = ?, cap_in_person = ?, cap_online = ?, org_limit = ?, attendance_rule = ?, "
		 "online_min_percent = ?, updated_at = NOW(6) WHERE id = ?"},
	[Q_SECTORS_CLEAR] = {"DELETE FROM seminar_sector WHERE seminar_id = ?"},
	[Q_SECTOR_ADD] = {"INSERT IGNORE INTO seminar_sector (seminar_id, sector_id) VALUES (?, ?)"},
	[Q_SECTOR_IDS] = {"SELECT sector_id FROM seminar_sector WHERE seminar_id = ? ORDER BY sector_id"},
	[Q_STATUS] = {"SELECT status FROM seminar WHERE id = ? FOR UPDATE"},
	[Q_SESSION_COUNT] = {"SELECT COUNT(*) FROM seminar_session WHERE seminar_id = ?"},
	[Q_STATUS_SET] = {"UPDATE seminar SET status = ? WHERE id = ?"},
	[Q_SESSION_ADD] = {"INSERT INTO seminar_session (seminar_id, starts_at, ends_at) VALUES (?, ?, ?)"},
	[Q_SESSION_DELETE] = {"DELETE FROM seminar_session WHERE id = ? AND seminar_id = ?"},
	[Q_DATES] =
		{"UPDATE seminar SET starts_at = (SELECT MIN(starts_at) FROM seminar_session WHERE seminar_id = ?), "
		 "ends_at = (SELECT MAX(ends_at) FROM seminar_session WHERE seminar_id = ?) WHERE id = ?"},
	[Q_SESSIONS] = {"SELECT id, starts_at, ends_at FROM seminar_session WHERE seminar_id = ? ORDER BY starts_at"},
/* Each optional filter is "? IS NULL OR ...", so one prepared statement serves every combination. */
#define CATALOGUE_WHERE                                                                                                \
	"FROM seminar s LEFT JOIN district d ON d.id = s.district_id WHERE s.status = 'published' "                    \
	"AND (? IS NULL OR EXISTS (SELECT 1 FROM seminar_sector ss WHERE ss.seminar_id = s.id AND ss.sector_id = ?)) " \
	"AND (? IS NULL OR s.format = ?) AND (? IS NULL OR s.region_id = ?) AND (? IS NULL OR s.district_id = ?) "     \
	"AND (s.ends_at IS NULL OR s.ends_at >= ?) AND (? IS NULL OR s.starts_at < ? + INTERVAL 1 DAY) "               \
	"AND (? IS NULL OR s.title LIKE CONCAT('%', ?, '%') OR s.venue LIKE CONCAT('%', ?, '%') "                      \
	"OR d.name LIKE CONCAT('%', ?, '%'))"
	[Q_CATALOGUE] = {"SELECT s.id, s.title, s.starts_at, s.venue, d.name, s.format, s.cap_in_person, s.cap_online, "
			 "s.taken_in_person, s.taken_online, (SELECT GROUP_CONCAT(x.name ORDER BY x.id SEPARATOR ', ') "
			 "FROM seminar_sector ss JOIN sector x ON x.id = ss.sector_id WHERE ss.seminar_id = "
			 "s.id) " CATALOGUE_WHERE " ORDER BY s.starts_at IS NULL, s.starts_at, s.id LIMIT ? OFFSET ?"},
	[Q_CATALOGUE_COUNT] = {"SELECT COUNT(*) " CATALOGUE_WHERE},
	[Q_MANAGE] = {"SELECT s.id, s.title, s.status, s.format, s.starts_at, s.region_id, s.organizer_id, "
		      "s.cap_in_person, s.cap_online, "
		      "COALESCE(SUM(g.mode = 'in_person' AND g.status = 'confirmed'), 0), "
		      "COALESCE(SUM(g.mode = 'in_person' AND g.status = 'waitlisted'), 0), "
		      "COALESCE(SUM(g.mode = 'in_person' AND g.status = 'cancelled'), 0), "
		      "COALESCE(SUM(g.mode = 'online' AND g.status = 'confirmed'), 0), "
		      "COALESCE(SUM(g.mode = 'online' AND g.status = 'waitlisted'), 0), "
		      "COALESCE(SUM(g.mode = 'online' AND g.status = 'cancelled'), 0) "
		      "FROM seminar s LEFT JOIN registration g ON g.seminar_id = s.id "
		      "GROUP BY s.id ORDER BY s.starts_at IS NULL DESC, s.starts_at DESC, s.id DESC"},
	/* Before the lock, in one round trip: the person's organisation and the
	 * registration an earlier try of this request may have made. */
	[Q_IDEM] = {"SELECT p.organization_id, g.id, g.seminar_id, g.person_id, g.mode, g.status FROM person p "
		    "LEFT JOIN registration g ON g.idem_key = ? WHERE p.id = ?"},
	[Q_REG_OF] = {"SELECT id, mode, status, idem_key FROM registration WHERE seminar_id = ? AND person_id = ?"},
	[Q_ORG_COUNT] = {"SELECT COUNT(*) FROM registration WHERE seminar_id = ? AND organization_id = ? "
			 "AND status <> 'cancelled'"},
	[Q_TAKE_IN_PERSON] = {"UPDATE seminar SET taken_in_person = taken_in_person + 1 WHERE id = ?"},
	[Q_TAKE_ONLINE] = {"UPDATE seminar SET taken_online = taken_online + 1 WHERE id = ?"},
	[Q_FREE_IN_PERSON] = {"UPDATE seminar SET taken_in_person = taken_in_person - 1 WHERE id = ?"},
	[Q_FREE_ONLINE] = {"UPDATE seminar SET taken_online = taken_online - 1 WHERE id = ?"},
	/* The ticket code: 16 bytes of the server's CSPRNG as base64url (see migration 003). */
	[Q_REG_INSERT] = {"INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, "
			  "idem_key, source, ticket_code) VALUES (?, ?, ?, ?, ?, NOW(6), ?, ?, "
			  "SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22))"},
	[Q_REG_REVIVE] = {"UPDATE registration SET organization_id = ?, mode = ?, status = ?, queued_at = NOW(6), "
			  "idem_key = ?, source = ?, cancelled_at = NULL WHERE id = ?"},
	[Q_REG_GET] = {"SELECT g.id, g.seminar_id, g.person_id, s.region_id, g.mode, g.status FROM registration g "
		       "JOIN seminar s ON s.id = g.seminar_id WHERE g.id = ?"},
	[Q_REG_STATUS] = {"SELECT seminar_id, mode, status FROM registration WHERE id = ?"},
	[Q_REG_SET] = {"UPDATE registration SET mode = ?, status = ?, "
		       "cancelled_at = IF(? = 'cancelled', NOW(), NULL) WHERE id = ?"},
	[Q_FIRST_WAITING] = {"SELECT id FROM registration WHERE seminar_id = ? AND mode = ? AND status = 'waitlisted' "
			     "ORDER BY queued_at, id LIMIT 1"},
	[Q_POSITION] = {"SELECT r.id, r.seminar_id, r.person_id, s.region_id, r.mode, r.status, "
			"IF(r.status = 'waitlisted', " POSITION_SQL ", 0) FROM registration r "
			"JOIN seminar s ON s.id = r.seminar_id WHERE r.seminar_id = ? AND r.person_id = ?"},
	[Q_PERSON_REGS] = {"SELECT r.id, s.id, s.title, s.starts_at, s.ends_at, s.venue, d.name, s.format, r.mode, "
			   "r.status, IF(r.status = 'waitlisted', " POSITION_SQL ", 0), " SEMINAR_OVER
			   " FROM registration r "
			   "JOIN seminar s ON s.id = r.seminar_id LEFT JOIN district d ON d.id = s.district_id "
			   "WHERE r.person_id = ? ORDER BY s.starts_at IS NULL, s.starts_at, r.id"},
	[Q_PARTICIPANTS] = {"SELECT r.id, p.id, p.full_name, o.short_name, d.name, p.email, p.phone, p.position, "
			    "r.mode, r.status, IF(r.status = 'waitlisted', " POSITION_SQL ", NULL), r.created_at "
			    "FROM registration r JOIN person p ON p.id = r.person_id "
			    "LEFT JOIN organization o ON o.id = r.organization_id "
			    "LEFT JOIN district d ON d.id = o.district_id WHERE r.seminar_id = ? "
			    "AND (? IS NULL OR p.full_name LIKE CONCAT('%', ?, '%') "
			    "OR o.short_name LIKE CONCAT('%', ?, '%') OR o.name LIKE CONCAT('%', ?, '%')) "
			    "AND (? IS NULL OR r.status = ?) AND (? IS NULL OR r.mode = ?) "
			    "AND (? IS NULL OR o.district_id = ?) AND (? IS NULL OR r.organization_id = ?) "
			    "ORDER BY FIELD(r.status, 'confirmed', 'waitlisted', 'cancelled'), r.queued_at, r.id"},
	[Q_PART_ORGS] =
		{"SELECT DISTINCT o.id, o.short_name FROM registration r "
		 "JOIN organization o ON o.id = r.organization_id WHERE r.seminar_id = ? ORDER BY o.short_name"},
	[Q_PART_DISTRICTS] = {"SELECT DISTINCT d.id, d.name FROM registration r "
			      "JOIN organization o ON o.id = r.organization_id JOIN district d ON d.id = o.district_id "
			      "WHERE r.seminar_id = ? ORDER BY d.name"},
	[Q_PERSON_BY_EMAIL] = {"SELECT id FROM person WHERE email = ?"},
	[Q_VERSION] = {"SELECT MAX(updated_at) FROM seminar"},
	[Q_COUNTS] = {"SELECT mode, status, COUNT(*) FROM registration WHERE seminar_id = ? GROUP BY mode, status"},
};

static struct dbv like_or_null(struct arena *a, const char *s)
{
	return s ? DB_DV_STR(db_like_escape(a, s)) : DB_DV_NULL;
}

int mode_parse(const char *s, enum mode *m)
{
	int i;

	for (i = 0; s && i < MODE__MAX; i++)
		if (strcmp(mode_codes[i], s) == 0) {
			*m = (enum mode)i;
			return 1;
		}
	return 0;
}

enum mode mode_of(const char *s)
{
	enum mode m = MODE_IN_PERSON;

	mode_parse(s, &m);
	return m;
}

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

int seminar_offers(const struct seminar *s, enum mode m)
{
	if (strcmp(s->format, "hybrid") == 0)
		return 1;
	return strcmp(s->format, mode_codes[m]) == 0;
}

static int seminar_row(struct db *d, struct arena *a, long long id, struct seminar *s)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_SEMINAR], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	memset(s, 0, sizeof(*s));
	dbres_fill(&r, 0, seminar_all, NELEM(seminar_all), s);
	return 1;
}

/* Locks the seminar row for a change of places; fills id, region, format,
 * status, capacities, counters, the organisation limit, the window flags and over. */
static int seminar_lock(struct db *d, struct arena *a, long long id, struct seminar *s)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_SEMINAR_LOCK], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	memset(s, 0, sizeof(*s));
	dbres_fill(&r, 0, seminar_places, NELEM(seminar_places), s);
	return 1;
}

int db_seminar_get(struct db *d, struct arena *a, long long id, struct seminar *s)
{
	return seminar_row(d, a, id, s);
}

static int seat_free(const struct seminar *s, enum mode m)
{
	return s->cap[m] < 0 || s->taken[m] < s->cap[m];
}

/* A place of mode m was freed: it goes to the first person waiting for it, or
 * back to the pool. Runs inside a transaction that holds the seminar row. */
static int place_freed(struct db *d, struct arena *a, long long seminar_id, enum mode m)
{
	struct dbv w[] = {DB_DV_INT(seminar_id), DB_DV_STR(mode_codes[m])};
	struct dbv sid[] = {DB_DV_INT(seminar_id)};
	struct dbres r;

	if (db_run(d, &q[Q_FIRST_WAITING], w, NELEM(w), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return db_run(d, &q[m == MODE_IN_PERSON ? Q_FREE_IN_PERSON : Q_FREE_ONLINE], sid, NELEM(sid), NULL,
			      NULL);
	{
		struct dbv set[] = {DB_DV_STR(mode_codes[m]), DB_DV_STR("confirmed"), DB_DV_STR("confirmed"),
				    DB_DV_INT(dbres_int(&r, 0, 0))};
		if (db_run(d, &q[Q_REG_SET], set, NELEM(set), NULL, NULL) == -1)
			return -1;
		/* Promoted: check-ins from before a cancellation count again. */
		return db_coverage_registration(d, dbres_int(&r, 0, 0));
	}
}

/* Capacity grew (or was unlimited): fill free places from the waiting list. */
static int promote_all(struct db *d, struct arena *a, long long seminar_id)
{
	struct seminar s;
	int m;

	if (seminar_lock(d, a, seminar_id, &s) != 1)
		return -1;
	for (m = 0; m < MODE__MAX; m++)
		while (seat_free(&s, (enum mode)m)) {
			struct dbv w[] = {DB_DV_INT(seminar_id), DB_DV_STR(mode_codes[m])};
			struct dbv sid[] = {DB_DV_INT(seminar_id)};
			struct dbres r;
			if (db_run(d, &q[Q_FIRST_WAITING], w, NELEM(w), &r, a) == -1)
				return -1;
			if (r.nrows == 0)
				break;
			struct dbv set[] = {DB_DV_STR(mode_codes[m]), DB_DV_STR("confirmed"), DB_DV_STR("confirmed"),
					    DB_DV_INT(dbres_int(&r, 0, 0))};
			if (db_run(d, &q[Q_REG_SET], set, NELEM(set), NULL, NULL) == -1 ||
			    db_run(d, &q[m == MODE_IN_PERSON ? Q_TAKE_IN_PERSON : Q_TAKE_ONLINE], sid, NELEM(sid), NULL,
				   NULL) == -1 ||
			    db_coverage_registration(d, dbres_int(&r, 0, 0)) == -1)
				return -1;
			s.taken[m]++;
		}
	return 0;
}

/* ---- seminar editing */

struct save_ctx {
	const struct seminar_edit *e;
	long long id; /* 0: the capacity is below the places taken */
};

static enum tx_end save_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct save_ctx *c = arg;
	const struct seminar_edit *e = c->e;
	struct dbv common[] = {DB_DV_INT(e->region_id),
			       db_dv_id_or_null(e->district_id),
			       DB_DV_STR(e->title),
			       DB_DV_STR(e->description),
			       DB_DV_STR(e->format),
			       db_dv_str_or_null(e->venue),
			       db_dv_str_or_null(e->address),
			       db_dv_str_or_null(e->stream_url),
			       db_dv_str_or_null(e->reg_opens),
			       db_dv_str_or_null(e->reg_closes),
			       db_dv_str_or_null(e->hours),
			       DB_DV_INT(e->cap_in_person),
			       e->cap_online < 0 ? DB_DV_NULL : DB_DV_INT(e->cap_online),
			       db_dv_id_or_null(e->org_limit),
			       DB_DV_STR(e->attendance_rule),
			       DB_DV_INT(e->online_min_percent),
			       DB_DV_INT(e->id)};
	struct dbres r;
	size_t i;

	if (e->id == 0) {
		struct dbv v[17];
		v[0] = DB_DV_INT(e->organizer_id);
		for (i = 0; i < 16; i++)
			v[i + 1] = common[i];
		if (db_run(d, &q[Q_SEMINAR_INSERT], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
		c->id = (long long)r.insert_id;
	} else {
		struct seminar s;
		/* The row lock orders this after any sign-up in flight. */
		if (seminar_lock(d, scratch, e->id, &s) != 1)
			return TX_FAIL;
		c->id = 0;
		if (e->cap_in_person < s.taken[MODE_IN_PERSON] ||
		    (e->cap_online >= 0 && e->cap_online < s.taken[MODE_ONLINE]))
			return TX_ROLLBACK;
		if (db_run(d, &q[Q_SEMINAR_UPDATE], common, NELEM(common), NULL, NULL) == -1)
			return TX_FAIL;
		c->id = e->id;
	}
	{
		struct dbv sid[] = {DB_DV_INT(c->id)};
		if (db_run(d, &q[Q_SECTORS_CLEAR], sid, NELEM(sid), NULL, NULL) == -1)
			return TX_FAIL;
	}
	for (i = 0; i < e->nsectors; i++) {
		struct dbv v[] = {DB_DV_INT(c->id), DB_DV_INT(e->sector_ids[i])};
		if (db_run(d, &q[Q_SECTOR_ADD], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	if (e->id == 0)
		return TX_COMMIT;
	/* The rule, its percent and the sectors decide which registrations count. */
	if (promote_all(d, scratch, c->id) == -1 || db_coverage_seminar(d, c->id) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

long long db_seminar_save(struct db *d, const struct seminar_edit *e)
{
	struct save_ctx c = {e, 0};

	return db_tx(d, save_tx, &c) == -1 ? -1 : c.id;
}

struct status_ctx {
	long long id;
	const char *to;
};

/* Rolls back when there is no such seminar or the change is not allowed. */
static enum tx_end status_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct status_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->id)};
	struct dbv set[] = {DB_DV_STR(c->to), DB_DV_INT(c->id)};
	struct dbres r;
	const char *from;
	int ok;

	if (db_run(d, &q[Q_STATUS], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return TX_ROLLBACK;
	from = dbres_str(&r, 0, 0);
	/* draft -> published -> finished; draft or published -> cancelled. */
	ok = (strcmp(c->to, "published") == 0 && strcmp(from, "draft") == 0) ||
	     (strcmp(c->to, "finished") == 0 && strcmp(from, "published") == 0) ||
	     (strcmp(c->to, "cancelled") == 0 && (strcmp(from, "draft") == 0 || strcmp(from, "published") == 0));
	if (!ok)
		return TX_ROLLBACK;
	if (strcmp(c->to, "published") == 0) {
		if (db_run(d, &q[Q_SESSION_COUNT], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
		if (dbres_int(&r, 0, 0) == 0)
			return TX_ROLLBACK;
	}
	if (db_run(d, &q[Q_STATUS_SET], set, NELEM(set), NULL, NULL) == -1)
		return TX_FAIL;
	/* Only a published or finished seminar counts. */
	return db_coverage_seminar(d, c->id) == -1 ? TX_FAIL : TX_COMMIT;
}

int db_seminar_set_status(struct db *d, long long id, const char *status)
{
	struct status_ctx c = {id, status};

	return db_tx(d, status_tx, &c);
}

/* After a session is added or deleted: the seminar's dates, and its coverage (the first session
 * dates the period, the number of sessions the online percent). */
static int dates_update(struct db *d, long long seminar_id)
{
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(seminar_id), DB_DV_INT(seminar_id)};

	if (db_run(d, &q[Q_DATES], v, NELEM(v), NULL, NULL) == -1)
		return -1;
	return db_coverage_seminar(d, seminar_id);
}

struct session_ctx {
	long long seminar_id, session_id;
	const char *starts, *ends;
};

static enum tx_end session_add_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct session_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->seminar_id), DB_DV_STR(c->starts), DB_DV_STR(c->ends)};
	struct dbres r;

	if (db_run(d, &q[Q_SESSION_ADD], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	c->session_id = (long long)r.insert_id;
	return dates_update(d, c->seminar_id) == -1 ? TX_FAIL : TX_COMMIT;
}

long long db_seminar_session_add(struct db *d, long long seminar_id, const char *starts, const char *ends)
{
	struct session_ctx c = {seminar_id, 0, starts, ends};

	return db_tx(d, session_add_tx, &c) == 1 ? c.session_id : -1;
}

/* Rolls back when the seminar has no such session. */
static enum tx_end session_delete_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct session_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->session_id), DB_DV_INT(c->seminar_id)};
	struct dbres r;

	if (db_run(d, &q[Q_SESSION_DELETE], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	if (r.affected == 0)
		return TX_ROLLBACK;
	return dates_update(d, c->seminar_id) == -1 ? TX_FAIL : TX_COMMIT;
}

int db_seminar_session_delete(struct db *d, long long seminar_id, long long session_id)
{
	struct session_ctx c = {seminar_id, session_id, NULL, NULL};

	return db_tx(d, session_delete_tx, &c);
}

json_t *db_seminar_sessions(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"#id", "starts_at", "ends_at", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_SESSIONS], v, NELEM(v), a, k);
}

json_t *db_seminar_sector_ids(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"#id", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_SECTOR_IDS], v, NELEM(v), a, k);
}

/* ---- lists */

json_t *db_catalogue(struct db *d, struct arena *a, const struct catalogue_filter *f, long long *total)
{
	static const char *const k[] = {"#id",
					"title",
					"starts_at",
					"venue",
					"district",
					"format",
					"#cap_in_person",
					"#cap_online",
					"#taken_in_person",
					"#taken_online",
					"sectors",
					NULL};
	struct dbv v[17] = {db_dv_id_or_null(f->sector_id),
			    db_dv_id_or_null(f->sector_id),
			    db_dv_str_or_null(f->format),
			    db_dv_str_or_null(f->format),
			    db_dv_id_or_null(f->region_id),
			    db_dv_id_or_null(f->region_id),
			    db_dv_id_or_null(f->district_id),
			    db_dv_id_or_null(f->district_id),
			    DB_DV_STR(f->from),
			    db_dv_str_or_null(f->to),
			    db_dv_str_or_null(f->to),
			    like_or_null(a, f->q),
			    like_or_null(a, f->q),
			    like_or_null(a, f->q),
			    like_or_null(a, f->q),
			    DB_DV_INT(f->limit),
			    DB_DV_INT(f->offset)};
	struct dbres r;

	/* The count takes the filters without LIMIT and OFFSET, the last two. */
	if (db_run(d, &q[Q_CATALOGUE_COUNT], v, NELEM(v) - 2, &r, a) == -1)
		return NULL;
	*total = dbres_int(&r, 0, 0);
	return db_json(d, &q[Q_CATALOGUE], v, NELEM(v), a, k);
}

json_t *db_manage_seminars(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id",
					"title",
					"status",
					"format",
					"starts_at",
					"#region_id",
					"#organizer_id",
					"#cap_in_person",
					"#cap_online",
					"#in_person_confirmed",
					"#in_person_waitlisted",
					"#in_person_cancelled",
					"#online_confirmed",
					"#online_waitlisted",
					"#online_cancelled",
					NULL};

	return db_json(d, &q[Q_MANAGE], NULL, 0, a, k);
}

/* ---- registrations */

struct reg_ctx {
	const struct signup *in;
	struct reg_state *out;
	enum reg_outcome outcome;
};

static enum tx_end refuse(struct reg_ctx *c, enum reg_outcome o)
{
	c->outcome = o;
	return TX_ROLLBACK;
}

/* Commits a place taken or a place in the queue; rolls back every refusal. */
static enum tx_end register_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct reg_ctx *c = arg;
	const struct signup *in = c->in;
	struct dbv sid[] = {DB_DV_INT(in->seminar_id)};
	struct dbv who[] = {DB_DV_INT(in->seminar_id), DB_DV_INT(in->person_id)};
	struct dbv k[] = {db_dv_str_or_null(in->idem_key), DB_DV_INT(in->person_id)};
	struct seminar s;
	struct dbres r;
	long long org, existing = 0;
	const char *status;
	int rc;

	if (db_run(d, &q[Q_IDEM], k, NELEM(k), &r, scratch) == -1 || r.nrows == 0)
		return TX_FAIL;
	org = dbres_int(&r, 0, 0);
	if (dbres_str(&r, 0, 1) != NULL) {
		if (dbres_int(&r, 0, 2) != in->seminar_id || dbres_int(&r, 0, 3) != in->person_id)
			return refuse(c, REG_KEY_REUSED);
		c->out->id = dbres_int(&r, 0, 1);
		mode_parse(dbres_str(&r, 0, 4), &c->out->mode);
		c->out->status = status_static(dbres_str(&r, 0, 5));
		return refuse(c, REG_REPLAY);
	}
	/* Every change of a seminar's places starts by locking its row: sign-ups,
	 * cancellations, mode switches and capacity changes happen one at a time. */
	if ((rc = seminar_lock(d, scratch, in->seminar_id, &s)) != 1)
		return rc == 0 ? refuse(c, REG_NO_SEMINAR) : TX_FAIL;
	if (strcmp(s.status, "draft") == 0)
		return refuse(c, REG_NOT_OPEN);
	if (strcmp(s.status, "cancelled") == 0)
		return refuse(c, REG_CANCELLED);
	if (strcmp(s.status, "finished") == 0)
		return refuse(c, REG_FINISHED);
	if (!in->by_organizer && (s.reg_not_yet || s.reg_over))
		return refuse(c, REG_WINDOW);
	if (db_run(d, &q[Q_REG_OF], who, NELEM(who), &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 1) {
		existing = dbres_int(&r, 0, 0);
		status = status_static(dbres_str(&r, 0, 2));
		if (strcmp(status, "cancelled") != 0) {
			const char *key = dbres_str(&r, 0, 3);
			c->out->id = existing;
			mode_parse(dbres_str(&r, 0, 1), &c->out->mode);
			c->out->status = status;
			/* A concurrent retry of the same request committed first. */
			return refuse(c,
				      key && in->idem_key && strcmp(key, in->idem_key) == 0 ? REG_REPLAY : REG_ALREADY);
		}
	}
	if (!seminar_offers(&s, in->mode))
		return refuse(c, REG_BAD_MODE);
	if (s.org_limit > 0 && org > 0) {
		struct dbv o[] = {DB_DV_INT(in->seminar_id), DB_DV_INT(org)};
		if (db_run(d, &q[Q_ORG_COUNT], o, NELEM(o), &r, scratch) == -1)
			return TX_FAIL;
		if (dbres_int(&r, 0, 0) >= s.org_limit)
			return refuse(c, REG_ORG_LIMIT);
	}
	status = seat_free(&s, in->mode) ? "confirmed" : "waitlisted";
	if (status[0] == 'c' && db_run(d, &q[in->mode == MODE_IN_PERSON ? Q_TAKE_IN_PERSON : Q_TAKE_ONLINE], sid,
				       NELEM(sid), NULL, NULL) == -1)
		return TX_FAIL;
	if (existing) {
		struct dbv v[] = {db_dv_id_or_null(org),
				  DB_DV_STR(mode_codes[in->mode]),
				  DB_DV_STR(status),
				  db_dv_str_or_null(in->idem_key),
				  DB_DV_STR(in->by_organizer ? "organizer" : "self"),
				  DB_DV_INT(existing)};
		/* A registration signed up again keeps its check-ins from before it was cancelled. */
		if (db_run(d, &q[Q_REG_REVIVE], v, NELEM(v), NULL, NULL) == -1 ||
		    db_coverage_registration(d, existing) == -1)
			return TX_FAIL;
		c->out->id = existing;
	} else {
		struct dbv v[] = {DB_DV_INT(in->seminar_id),
				  DB_DV_INT(in->person_id),
				  db_dv_id_or_null(org),
				  DB_DV_STR(mode_codes[in->mode]),
				  DB_DV_STR(status),
				  db_dv_str_or_null(in->idem_key),
				  DB_DV_STR(in->by_organizer ? "organizer" : "self")};
		if (db_run(d, &q[Q_REG_INSERT], v, NELEM(v), &r, scratch) == -1)
			return TX_FAIL;
		c->out->id = (long long)r.insert_id;
	}
	c->out->mode = in->mode;
	c->out->status = status_static(status);
	/* On record in the same transaction (and the same disk flush). */
	if (db_audit(d, in->actor_id, "registration.create", "registration", c->out->id, in->ip,
		     arena_printf(scratch, "seminar=%lld %s %s%s", in->seminar_id, mode_codes[in->mode], status,
				  in->by_organizer ? " by an organiser" : "")) == -1)
		return TX_FAIL;
	c->outcome = status[0] == 'c' ? REG_CONFIRMED : REG_WAITLISTED;
	return TX_COMMIT;
}

int db_register(struct db *d, const struct signup *in, struct reg_state *out)
{
	struct reg_ctx c = {in, out, REG__MAX};
	int rc = db_tx(d, register_tx, &c);

	/* Two first attempts with one key raced to the UNIQUE index: the loser replays. */
	if (rc == -1 && db_errno(d) == 1062 && in->idem_key != NULL)
		rc = db_tx(d, register_tx, &c);
	return rc == -1 ? -1 : (int)c.outcome;
}

/* Columns id, seminar_id, person_id, region_id, mode, status of the first row. */
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

int db_registration_of(struct db *d, struct arena *a, long long seminar_id, long long person_id, struct reg_info *g,
		       long long *position)
{
	struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(person_id)};
	struct dbres r;

	if (db_run(d, &q[Q_POSITION], v, NELEM(v), &r, a) == -1)
		return -1;
	if (reg_row(&r, g) == 0)
		return 0;
	*position = dbres_int(&r, 0, 6);
	return 1;
}

struct change_ctx {
	long long id;
	int to; /* target mode, or -1 to cancel */
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
	if (seminar_lock(d, scratch, seminar_id, &s) != 1)
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
		struct dbv set[] = {DB_DV_STR(mode_codes[from]), DB_DV_STR("cancelled"), DB_DV_STR("cancelled"),
				    DB_DV_INT(c->id)};
		/* A cancelled registration stops counting, check-ins or not. */
		if (db_run(d, &q[Q_REG_SET], set, NELEM(set), NULL, NULL) == -1 ||
		    db_coverage_registration(d, c->id) == -1)
			return TX_FAIL;
	} else {
		struct dbv set[] = {DB_DV_STR(mode_codes[c->to]), DB_DV_STR("confirmed"), DB_DV_STR("confirmed"),
				    DB_DV_INT(c->id)};
		struct dbv sid[] = {DB_DV_INT(seminar_id)};
		if ((enum mode)c->to == from)
			return unchanged(c, CHANGE_ALREADY);
		if (!seminar_offers(&s, (enum mode)c->to) || !seat_free(&s, (enum mode)c->to))
			return unchanged(c, CHANGE_REFUSED);
		if (db_run(d, &q[Q_REG_SET], set, NELEM(set), NULL, NULL) == -1 ||
		    db_run(d, &q[c->to == MODE_IN_PERSON ? Q_TAKE_IN_PERSON : Q_TAKE_ONLINE], sid, NELEM(sid), NULL,
			   NULL) == -1 ||
		    db_coverage_registration(d, c->id) == -1)
			return TX_FAIL;
	}
	if (status[0] == 'c' && place_freed(d, scratch, seminar_id, from) == -1)
		return TX_FAIL;
	c->outcome = CHANGE_DONE;
	return TX_COMMIT;
}

static int change(struct db *d, long long id, int to)
{
	struct change_ctx c = {id, to, CHANGE__MAX};

	return db_tx(d, change_tx, &c) == -1 ? -1 : (int)c.outcome;
}

int db_registration_cancel(struct db *d, long long id)
{
	return change(d, id, -1);
}

int db_registration_switch(struct db *d, long long id, enum mode to)
{
	return change(d, id, (int)to);
}

json_t *db_person_registrations(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#id",    "#seminar_id", "title",  "starts_at", "ends_at", "venue", "district",
					"format", "mode",        "status", "#position", "#past",   NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_PERSON_REGS], v, NELEM(v), a, k);
}

json_t *db_participants(struct db *d, struct arena *a, long long seminar_id, const struct participant_filter *f)
{
	static const char *const k[] = {
		"#id",      "#person_id", "full_name", "organization",    "district",   "email", "phone",
		"position", "mode",       "status",    "#queue_position", "created_at", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id),
			  like_or_null(a, f->q),
			  like_or_null(a, f->q),
			  like_or_null(a, f->q),
			  like_or_null(a, f->q),
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

long long db_person_by_email(struct db *d, struct arena *a, const char *email)
{
	struct dbv v[] = {DB_DV_STR(email)};
	struct dbres r;

	if (db_run(d, &q[Q_PERSON_BY_EMAIL], v, NELEM(v), &r, a) == -1)
		return -1;
	return r.nrows ? dbres_int(&r, 0, 0) : 0;
}

json_t *db_registration_counts(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"mode", "status", "#n", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_COUNTS], v, NELEM(v), a, k);
}

const char *db_seminars_version(struct db *d, struct arena *a)
{
	struct dbres r;

	if (db_run(d, &q[Q_VERSION], NULL, 0, &r, a) == -1)
		return NULL;
	return dbres_str(&r, 0, 0) ? dbres_str(&r, 0, 0) : "";
}
