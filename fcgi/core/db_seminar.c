/* Seminars: one read whole, created and edited with their sectors, status and sessions; the catalogue and the
 * organisers' list. */
#include "db_seminar.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "db_coverage.h"
#include "db_mail.h"
#include "db_places.h"
#include "text.h"

const char *const mode_codes[MODE__MAX] = {"in_person", "online"};
const char *const mode_names[MODE__MAX] = {"очно", "онлайн"};

const char *format_name(const char *format)
{
	static const char *const t[][2] = {{"in_person", "Очно"}, {"online", "Онлайн"}, {"hybrid", "Очно и онлайн"}};
	size_t i;

	for (i = 0; format != NULL && i < 3; i++)
		if (strcmp(t[i][0], format) == 0)
			return t[i][1];
	return "";
}

enum {
	Q_SEMINAR,
	Q_SEMINAR_INSERT,
	Q_SEMINAR_UPDATE,
	Q_QUEUE_RULE,
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
	Q_PLACE,
	Q_VERSION,
	Q__MAX
};

/* The whole seminar for its pages: the columns of the places logic (db_places.h), then the rest. */
/* cppcheck 2.10 fails to expand X-macro arguments that are strings holding commas: */
/* cppcheck-suppress preprocessorErrorDirective */
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
	X(STR, sector_ids, ", " SEMINAR_SECTOR_IDS_SQL)                                                                \
	X(STR, attendance_rule, ", s.attendance_rule")                                                                 \
	X(LL, online_min_percent, ", s.online_min_percent")                                                            \
	X(BOOL, untrained_first, ", s.untrained_first")
#define SEMINAR_COL(t, field, sql) {DBC_##t, offsetof(struct seminar, field)},
static const struct dbcol seminar_all[] = {SEMINAR_ALL(SEMINAR_COL)};

static struct dbq q[Q__MAX] = {
	[Q_SEMINAR] = {"SELECT " SEMINAR_ALL(DB_COL_SQL) " FROM seminar s WHERE s.id = ?"},
	[Q_SEMINAR_INSERT] = {"INSERT INTO seminar (organizer_id, region_id, district_id, title, description, format, "
			      "venue, address, stream_url, reg_opens_at, reg_closes_at, hours, cap_in_person, "
			      "cap_online, org_limit, attendance_rule, online_min_percent) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_SEMINAR_UPDATE] =
		{"UPDATE seminar SET region_id = ?, district_id = ?, title = ?, description = ?, "
		 "format = ?, venue = ?, address = ?, stream_url = ?, reg_opens_at = ?, reg_closes_at = ?, "
		 "hours = ?, cap_in_person = ?, cap_online = ?, org_limit = ?, attendance_rule = ?, "
		 "online_min_percent = ?, updated_at = NOW(6) WHERE id = ?"},
	/* Only a switch is dated: the waiting list's positions changed then (the view waitlist). */
	[Q_QUEUE_RULE] = {"UPDATE seminar SET queue_rule_changed_at = NOW(6), untrained_first = ? "
			  "WHERE id = ? AND untrained_first <> ?"},
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
	[Q_PLACE] = {"SELECT s.region_id, IFNULL(s.district_id, 0), " SEMINAR_SECTOR_IDS_SQL
		     " FROM seminar s WHERE s.id = ?"},
	[Q_MANAGE] = {"SELECT s.id, s.title, s.status, s.format, s.starts_at, s.region_id, "
		      "IFNULL(s.district_id, 0), " SEMINAR_SECTOR_IDS_SQL ", s.organizer_id, "
		      "s.cap_in_person, s.cap_online, "
		      "COALESCE(SUM(g.mode = 'in_person' AND g.status = 'confirmed'), 0), "
		      "COALESCE(SUM(g.mode = 'in_person' AND g.status = 'waitlisted'), 0), "
		      "COALESCE(SUM(g.mode = 'in_person' AND g.status = 'cancelled'), 0), "
		      "COALESCE(SUM(g.mode = 'online' AND g.status = 'confirmed'), 0), "
		      "COALESCE(SUM(g.mode = 'online' AND g.status = 'waitlisted'), 0), "
		      "COALESCE(SUM(g.mode = 'online' AND g.status = 'cancelled'), 0) "
		      "FROM seminar s LEFT JOIN registration g ON g.seminar_id = s.id "
		      "GROUP BY s.id ORDER BY s.starts_at IS NULL DESC, s.starts_at DESC, s.id DESC"},
	[Q_VERSION] = {"SELECT MAX(updated_at) FROM seminar"},
};

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

int db_seminar_get(struct db *d, struct arena *a, long long id, struct seminar *s)
{
	return seminar_row(d, a, id, s);
}

/* ---- seminar editing */

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Every active registration of a published seminar is told what changed (changes: [{text}], taken). */
static int changes_notice(struct db *d, long long seminar_id, json_t *changes)
{
	char *data = NULL;
	int rc = 0;

	if (json_array_size(changes) > 0) {
		json_t *o = json_pack("{s:o}", "changes", changes);
		data = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		rc = db_mail_seminar_event(d, "seminar_changed", seminar_id, data);
	} else
		json_decref(changes);
	free(data);
	return rc;
}

static void change_add(json_t *changes, struct arena *a, const char *fmt, const char *v1, const char *v2)
{
	json_array_append_new(changes, json_pack("{s:s}", "text", arena_printf(a, fmt, v1, v2)));
}

/* What an edit changes that a participant must know: the format, the place, the broadcast link. */
static json_t *edit_changes(struct arena *a, const struct seminar *old, const struct seminar_edit *e)
{
	json_t *ch = json_array();

	if (!same(old->format, e->format))
		change_add(ch, a, "Формат: %s%s", format_name(e->format), "");
	if (!same(old->venue, e->venue) || !same(old->address, e->address))
		change_add(ch, a, "Место: %s%s", e->venue ? e->venue : "не указано",
			   e->address ? arena_printf(a, ", %s", e->address) : "");
	if (!same(old->stream_url, e->stream_url))
		change_add(ch, a, "Ссылка на трансляцию: %s%s", e->stream_url ? "новая" : "убрана", "");
	return ch;
}

/* The schedule after a session was added or deleted, when the seminar is published. */
static int schedule_notice(struct db *d, struct arena *a, long long seminar_id)
{
	struct dbv v[] = {DB_DV_INT(seminar_id)};
	struct dbres r;
	struct buf b = {0};
	json_t *rows, *row, *ch;
	size_t i;
	int rc;

	if (db_run(d, &q[Q_STATUS], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0 || strcmp(dbres_str(&r, 0, 0), "published") != 0)
		return 0;
	if ((rows = db_seminar_sessions(d, a, seminar_id)) == NULL)
		return -1;
	json_array_foreach (rows, i, row)
		buf_addf(&b, "%s%s", i ? "; " : "",
			 date_range_ru(a, json_string_value(json_object_get(row, "starts_at")),
				       json_string_value(json_object_get(row, "ends_at"))));
	ch = json_array();
	change_add(ch, a, "Расписание: %s%s", b.p ? b.p : "занятий нет", "");
	rc = changes_notice(d, seminar_id, ch);
	buf_free(&b);
	json_decref(rows);
	return rc;
}

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
		struct seminar s, old;
		/* The row lock orders this after any sign-up in flight. */
		if (db_places_lock(d, scratch, e->id, &s) != 1 || db_seminar_get(d, scratch, e->id, &old) != 1)
			return TX_FAIL;
		c->id = 0;
		if (e->cap_in_person < s.taken[MODE_IN_PERSON] ||
		    (e->cap_online >= 0 && e->cap_online < s.taken[MODE_ONLINE]))
			return TX_ROLLBACK;
		if (db_run(d, &q[Q_SEMINAR_UPDATE], common, NELEM(common), NULL, NULL) == -1 ||
		    (strcmp(old.status, "published") == 0 &&
		     changes_notice(d, e->id, edit_changes(scratch, &old, e)) == -1))
			return TX_FAIL;
		c->id = e->id;
	}
	{
		struct dbv sid[] = {DB_DV_INT(c->id)};
		struct dbv rule[] = {DB_DV_INT(e->untrained_first != 0), DB_DV_INT(c->id),
				     DB_DV_INT(e->untrained_first != 0)};
		if (db_run(d, &q[Q_QUEUE_RULE], rule, NELEM(rule), NULL, NULL) == -1 ||
		    db_run(d, &q[Q_SECTORS_CLEAR], sid, NELEM(sid), NULL, NULL) == -1)
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
	if (db_places_promote(d, scratch, c->id) == -1 || db_coverage_seminar(d, c->id) == -1)
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
	if (db_run(d, &q[Q_STATUS_SET], set, NELEM(set), NULL, NULL) == -1 ||
	    (strcmp(c->to, "cancelled") == 0 && strcmp(from, "published") == 0 &&
	     db_mail_seminar_event(d, "seminar_cancelled", c->id, NULL) == -1))
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
	return dates_update(d, c->seminar_id) == -1 || schedule_notice(d, scratch, c->seminar_id) == -1 ? TX_FAIL
													: TX_COMMIT;
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
	return dates_update(d, c->seminar_id) == -1 || schedule_notice(d, scratch, c->seminar_id) == -1 ? TX_FAIL
													: TX_COMMIT;
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

int db_seminar_place(struct db *d, struct arena *a, long long id, long long *region_id, long long *district_id,
		     const char **sector_ids)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_PLACE], v, NELEM(v), &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	*region_id = dbres_int(&r, 0, 0);
	*district_id = dbres_int(&r, 0, 1);
	*sector_ids = dbres_str(&r, 0, 2);
	return 1;
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
			    db_dv_like_or_null(a, f->q),
			    db_dv_like_or_null(a, f->q),
			    db_dv_like_or_null(a, f->q),
			    db_dv_like_or_null(a, f->q),
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
					"#district_id",
					"sector_ids",
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

const char *db_seminars_version(struct db *d, struct arena *a)
{
	struct dbres r;

	if (db_run(d, &q[Q_VERSION], NULL, 0, &r, a) == -1)
		return NULL;
	return dbres_str(&r, 0, 0) ? dbres_str(&r, 0, 0) : "";
}
