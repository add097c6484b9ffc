/* Statements of seminar surveys; changes of the questionnaire and responses as transactions. */
#include "db_survey.h"

#include <stddef.h>
#include <string.h>

#include "db_seminar.h"

const char *const survey_kind_codes[SQK__MAX] = {"rating", "single", "multiple", "text"};
const char *const survey_kind_names[SQK__MAX] = {"оценка от 1 до 5", "один вариант", "несколько вариантов",
						 "свободный ответ"};

enum survey_kind survey_kind_of(const char *code)
{
	int i;

	for (i = 0; code && i < SQK__MAX; i++)
		if (strcmp(code, survey_kind_codes[i]) == 0)
			return (enum survey_kind)i;
	return SQK__MAX;
}

enum {
	Q_GET,
	Q_ENSURE,
	Q_LOCK,
	Q_LOCK_SHARED,
	Q_SETTINGS,
	Q_QUESTIONS,
	Q_OPTIONS,
	Q_SOURCES,
	Q_NEXT_POSITION,
	Q_QUESTION_ADD,
	Q_OPTION_ADD,
	Q_OPTIONS_DELETE,
	Q_QUESTION_DELETE,
	Q_QUESTIONS_DELETE_ALL,
	Q_SOURCE_QUESTIONS,
	Q_OPTIONS_COPY,
	Q_SETTINGS_COPY,
	Q_OPEN,
	Q_CLOSE,
	Q_RESPONSE_FIND,
	Q_RESPONSE_ADD,
	Q_RESPONSE_TOUCH,
	Q_ANSWERS_CLEAR,
	Q_ANSWER_ADD,
	Q_RESPONSE_OF,
	Q_ANSWERED,
	Q_COUNTS,
	Q_RESPONDENTS,
	Q_ANSWERS,
	Q_OPEN_FOR,
	Q__MAX
};

/* Whether survey v of seminar s takes answers now: not closed, and opened by hand or after the last session. */
#define OPEN_SQL "(v.closed_at IS NULL AND (v.opened_at IS NOT NULL OR (s.ends_at IS NOT NULL AND s.ends_at <= NOW())))"

/* The columns of struct survey: X(type, field, SQL), as in db_seminar.c. */
/* cppcheck 2.10 fails to expand X-macro arguments that are strings holding commas: */
/* cppcheck-suppress preprocessorErrorDirective */
#define SURVEY_COLS(X)                                                                                                 \
	X(LL, seminar_id, "v.seminar_id")                                                                              \
	X(BOOL, anonymous, ", v.anonymous")                                                                            \
	X(BOOL, cert_gate, ", v.cert_gate")                                                                            \
	X(BOOL, open, ", " OPEN_SQL)                                                                                   \
	X(BOOL, by_hand, ", v.opened_at IS NOT NULL")                                                                  \
	X(BOOL, closed, ", v.closed_at IS NOT NULL")                                                                   \
	X(STR, closed_at, ", v.closed_at")                                                                             \
	X(LL, nquestions, ", (SELECT COUNT(*) FROM survey_question x WHERE x.seminar_id = v.seminar_id)")              \
	X(LL, nresponses, ", (SELECT COUNT(*) FROM survey_response x WHERE x.seminar_id = v.seminar_id)")
#define SURVEY_COL(t, field, sql) {DBC_##t, offsetof(struct survey, field)},
static const struct dbcol survey_cols[] = {SURVEY_COLS(SURVEY_COL)};

static struct dbq q[Q__MAX] = {
	[Q_GET] = {"SELECT " SURVEY_COLS(DB_COL_SQL) " FROM survey v JOIN seminar s ON s.id = v.seminar_id "
						     "WHERE v.seminar_id = ?"},
	[Q_ENSURE] = {"INSERT IGNORE INTO survey (seminar_id) VALUES (?)"},
	/* Changes of the questionnaire lock the survey row; answers hold it shared. */
	[Q_LOCK] = {"SELECT v.anonymous, (SELECT COUNT(*) FROM survey_response x WHERE x.seminar_id = v.seminar_id), "
		    "(SELECT COUNT(*) FROM survey_question x WHERE x.seminar_id = v.seminar_id) "
		    "FROM survey v WHERE v.seminar_id = ? FOR UPDATE"},
	[Q_LOCK_SHARED] = {"SELECT " OPEN_SQL " FROM survey v JOIN seminar s ON s.id = v.seminar_id "
			   "WHERE v.seminar_id = ? LOCK IN SHARE MODE"},
	[Q_SETTINGS] = {"UPDATE survey SET anonymous = ?, cert_gate = ? WHERE seminar_id = ?"},
	[Q_QUESTIONS] = {"SELECT id, position, kind, text, required FROM survey_question WHERE seminar_id = ? "
			 "ORDER BY position, id"},
	[Q_OPTIONS] = {"SELECT o.id, o.question_id, o.text FROM survey_option o "
		       "JOIN survey_question x ON x.id = o.question_id WHERE x.seminar_id = ? "
		       "ORDER BY x.position, x.id, o.position, o.id"},
	[Q_SOURCES] = {"SELECT s.id, s.title, s.region_id, IFNULL(s.district_id, 0), " SEMINAR_SECTOR_IDS_SQL
		       " FROM seminar s WHERE s.id <> ? AND EXISTS "
		       "(SELECT 1 FROM survey_question x WHERE x.seminar_id = s.id) "
		       "ORDER BY s.starts_at IS NULL, s.starts_at DESC, s.id DESC LIMIT 200"},
	[Q_NEXT_POSITION] = {"SELECT IFNULL(MAX(position), 0) + 1 FROM survey_question WHERE seminar_id = ?"},
	[Q_QUESTION_ADD] = {"INSERT INTO survey_question (seminar_id, position, kind, text, required) "
			    "VALUES (?, ?, ?, ?, ?)"},
	[Q_OPTION_ADD] = {"INSERT INTO survey_option (question_id, position, text) VALUES (?, ?, ?)"},
	[Q_OPTIONS_DELETE] = {"DELETE FROM survey_option WHERE question_id = ?"},
	[Q_QUESTION_DELETE] = {"DELETE FROM survey_question WHERE id = ? AND seminar_id = ?"},
	[Q_QUESTIONS_DELETE_ALL] = {"DELETE FROM survey_question WHERE seminar_id = ?"},
	[Q_SOURCE_QUESTIONS] = {"SELECT id, position, kind, text, required FROM survey_question WHERE seminar_id = ? "
				"ORDER BY position, id"},
	[Q_OPTIONS_COPY] = {"INSERT INTO survey_option (question_id, position, text) "
			    "SELECT ?, position, text FROM survey_option WHERE question_id = ? ORDER BY position, id"},
	[Q_SETTINGS_COPY] = {"UPDATE survey t JOIN survey f ON f.seminar_id = ? SET t.anonymous = f.anonymous, "
			     "t.cert_gate = f.cert_gate WHERE t.seminar_id = ?"},
	[Q_OPEN] = {"UPDATE survey SET opened_at = NOW(), closed_at = NULL WHERE seminar_id = ?"},
	[Q_CLOSE] = {"UPDATE survey SET closed_at = NOW() WHERE seminar_id = ?"},
	[Q_RESPONSE_FIND] = {"SELECT id FROM survey_response WHERE registration_id = ? FOR UPDATE"},
	[Q_RESPONSE_ADD] = {"INSERT INTO survey_response (seminar_id, registration_id) VALUES (?, ?)"},
	[Q_RESPONSE_TOUCH] = {"UPDATE survey_response SET updated_at = NOW() WHERE id = ?"},
	[Q_ANSWERS_CLEAR] = {"DELETE FROM survey_answer WHERE response_id = ?"},
	[Q_ANSWER_ADD] = {"INSERT INTO survey_answer (response_id, question_id, rating, option_id, text) "
			  "VALUES (?, ?, ?, ?, ?)"},
	[Q_RESPONSE_OF] = {"SELECT a.question_id, a.rating, a.option_id, a.text FROM survey_response r "
			   "JOIN survey_answer a ON a.response_id = r.id WHERE r.registration_id = ? ORDER BY a.id"},
	[Q_ANSWERED] = {"SELECT COUNT(*) FROM survey_response WHERE registration_id = ?"},
	[Q_COUNTS] = {"SELECT a.question_id, a.option_id, a.rating, COUNT(*) FROM survey_answer a "
		      "JOIN survey_response r ON r.id = a.response_id WHERE r.seminar_id = ? AND a.text IS NULL "
		      "GROUP BY a.question_id, a.option_id, a.rating"},
	[Q_RESPONDENTS] =
		{"SELECT a.question_id, COUNT(DISTINCT a.response_id) FROM survey_answer a "
		 "JOIN survey_response r ON r.id = a.response_id WHERE r.seminar_id = ? GROUP BY a.question_id"},
	/* Names are read only for a named survey (the second parameter). */
	[Q_ANSWERS] = {"SELECT r.id, IF(?, p.full_name, NULL), a.question_id, a.rating, o.text, a.text "
		       "FROM survey_response r JOIN registration g ON g.id = r.registration_id "
		       "JOIN person p ON p.id = g.person_id JOIN survey_answer a ON a.response_id = r.id "
		       "LEFT JOIN survey_option o ON o.id = a.option_id WHERE r.seminar_id = ? "
		       "ORDER BY r.id, a.question_id, o.position, a.id"},
	[Q_OPEN_FOR] =
		{"SELECT s.id, s.title, EXISTS (SELECT 1 FROM survey_response x WHERE x.registration_id = g.id) "
		 "FROM registration g JOIN seminar s ON s.id = g.seminar_id JOIN survey v ON v.seminar_id = s.id "
		 "WHERE g.person_id = ? AND g.status = 'confirmed' AND " OPEN_SQL " AND EXISTS "
		 "(SELECT 1 FROM survey_question x WHERE x.seminar_id = s.id) ORDER BY s.ends_at DESC, s.id"},
};

static int run1(struct db *d, int stmt, long long id, struct dbres *r, struct arena *a)
{
	struct dbv v[] = {DB_DV_INT(id)};

	return db_run(d, &q[stmt], v, NELEM(v), r, a);
}

int db_survey_get(struct db *d, struct arena *a, long long seminar_id, struct survey *s)
{
	struct dbres r;

	if (run1(d, Q_GET, seminar_id, &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	memset(s, 0, sizeof(*s));
	dbres_fill(&r, 0, survey_cols, NELEM(survey_cols), s);
	return 1;
}

json_t *db_survey_questions(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const keys[] = {"#id", "#position", "kind", "text", "#required", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_QUESTIONS], v, NELEM(v), a, keys);
}

json_t *db_survey_options(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const keys[] = {"#id", "#question_id", "text", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_OPTIONS], v, NELEM(v), a, keys);
}

json_t *db_survey_sources(struct db *d, struct arena *a, long long except_seminar)
{
	static const char *const keys[] = {"#id", "title", "#region_id", "#district_id", "sector_ids", NULL};
	struct dbv v[] = {DB_DV_INT(except_seminar)};

	return db_json(d, &q[Q_SOURCES], v, NELEM(v), a, keys);
}

/* ---- changes of the questionnaire: each creates the survey row if needed and locks it */

struct change_ctx {
	long long seminar_id;
	int outcome;
	long long anonymous, responses, questions; /* of the locked row */
	/* the change */
	int anon_new, gate_new;
	const struct survey_question_new *add;
	long long question_id, from;
	int open;
};

static enum tx_end lock(struct db *d, struct arena *scratch, struct change_ctx *c)
{
	struct dbres r;

	if (run1(d, Q_ENSURE, c->seminar_id, NULL, NULL) == -1 || run1(d, Q_LOCK, c->seminar_id, &r, scratch) == -1 ||
	    r.nrows != 1)
		return TX_FAIL;
	c->anonymous = dbres_int(&r, 0, 0);
	c->responses = dbres_int(&r, 0, 1);
	c->questions = dbres_int(&r, 0, 2);
	return TX_COMMIT;
}

/* The outcome named and the transaction rolled back. */
static enum tx_end refuse(struct change_ctx *c, int outcome)
{
	c->outcome = outcome;
	return TX_ROLLBACK;
}

static int change(struct db *d, enum tx_end (*body)(struct db *, struct arena *, void *), struct change_ctx *c)
{
	c->outcome = SURVEY_DONE;
	return db_tx(d, body, c) == -1 ? -1 : c->outcome;
}

static enum tx_end settings_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct change_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->anon_new), DB_DV_INT(c->gate_new), DB_DV_INT(c->seminar_id)};

	if (lock(d, scratch, c) == TX_FAIL)
		return TX_FAIL;
	if (c->anonymous && !c->anon_new && c->responses > 0)
		return refuse(c, SURVEY_NAMED_LATE);
	return db_run(d, &q[Q_SETTINGS], v, NELEM(v), NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
}

int db_survey_settings(struct db *d, long long seminar_id, int anonymous, int cert_gate)
{
	struct change_ctx c = {.seminar_id = seminar_id, .anon_new = anonymous != 0, .gate_new = cert_gate != 0};

	return change(d, settings_tx, &c);
}

/* Inserts a question with its options (copied from question `from`, or from the list in add); returns its id
 * or -1. */
static long long question_insert(struct db *d, struct arena *scratch, long long seminar_id, const char *kind,
				 const char *text, long long required, const struct survey_question_new *add,
				 long long from)
{
	struct dbres r;
	long long id;
	size_t i;

	if (run1(d, Q_NEXT_POSITION, seminar_id, &r, scratch) == -1)
		return -1;
	{
		struct dbv v[] = {DB_DV_INT(seminar_id), DB_DV_INT(dbres_int(&r, 0, 0)), DB_DV_STR(kind),
				  DB_DV_STR(text), DB_DV_INT(required)};
		if (db_run(d, &q[Q_QUESTION_ADD], v, NELEM(v), &r, scratch) == -1)
			return -1;
	}
	id = (long long)r.insert_id;
	if (from > 0) {
		struct dbv v[] = {DB_DV_INT(id), DB_DV_INT(from)};
		return db_run(d, &q[Q_OPTIONS_COPY], v, NELEM(v), NULL, NULL) == -1 ? -1 : id;
	}
	for (i = 0; add && i < add->noptions; i++) {
		struct dbv v[] = {DB_DV_INT(id), DB_DV_INT((long long)i + 1), DB_DV_STR(add->options[i])};
		if (db_run(d, &q[Q_OPTION_ADD], v, NELEM(v), NULL, NULL) == -1)
			return -1;
	}
	return id;
}

static enum tx_end add_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct change_ctx *c = arg;

	if (lock(d, scratch, c) == TX_FAIL)
		return TX_FAIL;
	if (c->responses > 0)
		return refuse(c, SURVEY_ANSWERED);
	return question_insert(d, scratch, c->seminar_id, survey_kind_codes[c->add->kind], c->add->text,
			       c->add->required != 0, c->add, 0) == -1
		       ? TX_FAIL
		       : TX_COMMIT;
}

int db_survey_question_add(struct db *d, const struct survey_question_new *n)
{
	struct change_ctx c = {.seminar_id = n->seminar_id, .add = n};

	return change(d, add_tx, &c);
}

static enum tx_end delete_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct change_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->question_id), DB_DV_INT(c->seminar_id)};
	struct dbres r;

	if (lock(d, scratch, c) == TX_FAIL)
		return TX_FAIL;
	if (c->responses > 0)
		return refuse(c, SURVEY_ANSWERED);
	if (db_run(d, &q[Q_QUESTION_DELETE], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	return r.affected == 0 ? refuse(c, SURVEY_NOT_FOUND) : TX_COMMIT;
}

int db_survey_question_delete(struct db *d, long long seminar_id, long long question_id)
{
	struct change_ctx c = {.seminar_id = seminar_id, .question_id = question_id};

	return change(d, delete_tx, &c);
}

static enum tx_end copy_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct change_ctx *c = arg;
	struct dbres src;
	size_t i;

	if (lock(d, scratch, c) == TX_FAIL)
		return TX_FAIL;
	if (c->responses > 0)
		return refuse(c, SURVEY_ANSWERED);
	if (run1(d, Q_SOURCE_QUESTIONS, c->from, &src, scratch) == -1)
		return TX_FAIL;
	if (src.nrows == 0)
		return refuse(c, SURVEY_NOT_FOUND);
	if (run1(d, Q_QUESTIONS_DELETE_ALL, c->seminar_id, NULL, NULL) == -1)
		return TX_FAIL;
	for (i = 0; i < src.nrows; i++)
		if (question_insert(d, scratch, c->seminar_id, dbres_str(&src, i, 2), dbres_str(&src, i, 3),
				    dbres_int(&src, i, 4), NULL, dbres_int(&src, i, 0)) == -1)
			return TX_FAIL;
	{
		struct dbv v[] = {DB_DV_INT(c->from), DB_DV_INT(c->seminar_id)};
		return db_run(d, &q[Q_SETTINGS_COPY], v, NELEM(v), NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
	}
}

int db_survey_copy(struct db *d, long long seminar_id, long long from)
{
	struct change_ctx c = {.seminar_id = seminar_id, .from = from};

	return change(d, copy_tx, &c);
}

static enum tx_end open_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct change_ctx *c = arg;

	if (lock(d, scratch, c) == TX_FAIL)
		return TX_FAIL;
	if (c->open && c->questions == 0)
		return refuse(c, SURVEY_EMPTY);
	return run1(d, c->open ? Q_OPEN : Q_CLOSE, c->seminar_id, NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
}

int db_survey_set_open(struct db *d, long long seminar_id, int open)
{
	struct change_ctx c = {.seminar_id = seminar_id, .open = open != 0};

	return change(d, open_tx, &c);
}

/* ---- responses */

struct answer_ctx {
	long long seminar_id, registration_id;
	const struct survey_answer *a;
	size_t n;
	enum survey_save outcome;
};

static enum tx_end answer_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct answer_ctx *c = arg;
	struct dbv reg[] = {DB_DV_INT(c->seminar_id), DB_DV_INT(c->registration_id)};
	struct dbres r;
	long long id;
	size_t i;

	if (run1(d, Q_LOCK_SHARED, c->seminar_id, &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0 || dbres_int(&r, 0, 0) == 0) {
		c->outcome = SURVEY_CLOSED;
		return TX_ROLLBACK;
	}
	/* A second answer replaces the first. */
	if (run1(d, Q_RESPONSE_FIND, c->registration_id, &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 1) {
		c->outcome = SURVEY_UPDATED;
		id = dbres_int(&r, 0, 0);
		if (run1(d, Q_RESPONSE_TOUCH, id, NULL, NULL) == -1)
			return TX_FAIL;
	} else {
		c->outcome = SURVEY_SAVED;
		if (db_run(d, &q[Q_RESPONSE_ADD], reg, NELEM(reg), &r, scratch) == -1)
			return TX_FAIL;
		id = (long long)r.insert_id;
	}
	if (run1(d, Q_ANSWERS_CLEAR, id, NULL, NULL) == -1)
		return TX_FAIL;
	for (i = 0; i < c->n; i++) {
		const struct survey_answer *a = &c->a[i];
		struct dbv v[] = {DB_DV_INT(id), DB_DV_INT(a->question_id), db_dv_id_or_null(a->rating),
				  db_dv_id_or_null(a->option_id), db_dv_str_or_null(a->text)};
		if (db_run(d, &q[Q_ANSWER_ADD], v, NELEM(v), NULL, NULL) == -1)
			return TX_FAIL;
	}
	return TX_COMMIT;
}

int db_survey_answer(struct db *d, long long seminar_id, long long registration_id, const struct survey_answer *a,
		     size_t n)
{
	struct answer_ctx c = {seminar_id, registration_id, a, n, SURVEY_SAVED};

	return db_tx(d, answer_tx, &c) == -1 ? -1 : (int)c.outcome;
}

json_t *db_survey_response_of(struct db *d, struct arena *a, long long registration_id)
{
	static const char *const keys[] = {"#question_id", "#rating", "#option_id", "text", NULL};
	struct dbv v[] = {DB_DV_INT(registration_id)};

	return db_json(d, &q[Q_RESPONSE_OF], v, NELEM(v), a, keys);
}

int db_survey_answered(struct db *d, struct arena *a, long long registration_id)
{
	struct dbres r;

	if (run1(d, Q_ANSWERED, registration_id, &r, a) == -1)
		return -1;
	return dbres_int(&r, 0, 0) > 0;
}

json_t *db_survey_counts(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const keys[] = {"#question_id", "#option_id", "#rating", "#n", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_COUNTS], v, NELEM(v), a, keys);
}

json_t *db_survey_respondents(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const keys[] = {"#question_id", "#n", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_RESPONDENTS], v, NELEM(v), a, keys);
}

json_t *db_survey_answers(struct db *d, struct arena *a, long long seminar_id, int named)
{
	static const char *const keys[] = {"#response_id", "full_name", "#question_id", "#rating", "option",
					   "text",         NULL};
	struct dbv v[] = {DB_DV_INT(named != 0), DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_ANSWERS], v, NELEM(v), a, keys);
}

json_t *db_survey_open_for(struct db *d, struct arena *a, long long person_id)
{
	static const char *const keys[] = {"#seminar_id", "title", "#answered", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_OPEN_FOR], v, NELEM(v), a, keys);
}
