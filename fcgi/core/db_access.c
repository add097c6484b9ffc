/* Statements of the journal of access to personal data: entries, whose data they showed, the administrators' reading.
 */
#include "db_access.h"

#include <string.h>

enum { Q_INSERT, Q_SUBJECTS_LIST, Q_SUBJECTS_SEMINAR, Q_SUBJECTS_PERSON, Q_COUNT_SET, Q_LIST, Q_LIST_COUNT, Q__MAX };

/* The filters of the administrators' page; each parameter twice (NULL: any). */
#define ACCESS_WHERE                                                                                                   \
	"WHERE (? IS NULL OR p.email LIKE CONCAT('%', ?, '%') OR p.full_name LIKE CONCAT('%', ?, '%')) "               \
	"AND (? IS NULL OR j.action = ?) "                                                                             \
	"AND (? IS NULL OR EXISTS (SELECT 1 FROM access_journal_subject x WHERE x.journal_id = j.id "                  \
	"AND x.person_id = ?)) "                                                                                       \
	"AND (? IS NULL OR j.at >= ?) AND (? IS NULL OR j.at < ? + INTERVAL 1 DAY) "

static struct dbq q[Q__MAX] = {
	[Q_INSERT] = {"INSERT INTO access_journal (person_id, action, object_type, object_id, query, ip) "
		      "VALUES (?, ?, ?, ?, ?, ?)"},
	[Q_SUBJECTS_LIST] = {"INSERT IGNORE INTO access_journal_subject (journal_id, person_id) "
			     "SELECT ?, t.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) t "
			     "WHERE t.id IS NOT NULL"},
	[Q_SUBJECTS_SEMINAR] = {"INSERT IGNORE INTO access_journal_subject (journal_id, person_id) "
				"SELECT ?, person_id FROM registration WHERE seminar_id = ?"},
	[Q_SUBJECTS_PERSON] = {"INSERT IGNORE INTO access_journal_subject (journal_id, person_id) VALUES (?, ?)"},
	[Q_COUNT_SET] = {"UPDATE access_journal SET people = ? WHERE id = ?"},
	[Q_LIST] = {"SELECT j.id, DATE_FORMAT(j.at, '%Y-%m-%d %H:%i:%s'), p.full_name, p.email, j.action, "
		    "j.object_type, j.object_id, j.query, j.people, j.ip "
		    "FROM access_journal j LEFT JOIN person p ON p.id = j.person_id " ACCESS_WHERE
		    "ORDER BY j.id DESC LIMIT ? OFFSET ?"},
	[Q_LIST_COUNT] =
		{"SELECT COUNT(*) FROM access_journal j LEFT JOIN person p ON p.id = j.person_id " ACCESS_WHERE},
};

static enum tx_end record_tx(struct db *d, struct arena *a, void *ctx)
{
	const struct access_entry *e = ctx;
	struct dbv v[] = {db_dv_id_or_null(e->by),           DB_DV_STR(e->action),
			  db_dv_str_or_null(e->object_type), db_dv_id_or_null(e->object_id),
			  db_dv_str_or_null(e->query),       db_dv_str_or_null(e->ip)};
	struct dbres res;
	long long id;

	if (db_run(d, &q[Q_INSERT], v, NELEM(v), &res, a) == -1)
		return TX_FAIL;
	id = (long long)res.insert_id;
	if (e->people != NULL) {
		struct dbv s[] = {DB_DV_INT(id), DB_DV_STR(e->people)};
		if (db_run(d, &q[Q_SUBJECTS_LIST], s, NELEM(s), &res, a) == -1)
			return TX_FAIL;
	} else if (e->object_type != NULL && e->object_id > 0 &&
		   (strcmp(e->object_type, "seminar") == 0 || strcmp(e->object_type, "person") == 0)) {
		struct dbv s[] = {DB_DV_INT(id), DB_DV_INT(e->object_id)};
		if (db_run(d, &q[e->object_type[0] == 's' ? Q_SUBJECTS_SEMINAR : Q_SUBJECTS_PERSON], s, NELEM(s), &res,
			   a) == -1)
			return TX_FAIL;
	} else
		res.affected = 0;
	{
		struct dbv c[] = {DB_DV_INT((long long)res.affected), DB_DV_INT(id)};
		if (db_run(d, &q[Q_COUNT_SET], c, NELEM(c), NULL, NULL) == -1)
			return TX_FAIL;
	}
	return TX_COMMIT;
}

int db_access_record(struct db *d, const struct access_entry *e)
{
	return db_tx(d, record_tx, (void *)e) == 1 ? 0 : -1;
}

json_t *db_access_list(struct db *d, struct arena *a, const struct access_filter *f, long long *total)
{
	static const char *const k[] = {"#id",        "at",    "who",     "who_email", "action", "object_type",
					"#object_id", "query", "#people", "ip",        NULL};
	struct dbv who = db_dv_like_or_null(a, f->who);
	struct dbv v[] = {who,
			  who,
			  who,
			  db_dv_str_or_null(f->action),
			  db_dv_str_or_null(f->action),
			  db_dv_id_or_null(f->subject),
			  db_dv_id_or_null(f->subject),
			  db_dv_str_or_null(f->from),
			  db_dv_str_or_null(f->from),
			  db_dv_str_or_null(f->to),
			  db_dv_str_or_null(f->to),
			  DB_DV_INT(f->limit),
			  DB_DV_INT(f->offset)};
	struct dbres r;

	/* The count takes the filters without LIMIT and OFFSET, the last two. */
	if (db_run(d, &q[Q_LIST_COUNT], v, NELEM(v) - 2, &r, a) == -1)
		return NULL;
	*total = dbres_int(&r, 0, 0);
	return db_json(d, &q[Q_LIST], v, NELEM(v), a, k);
}
