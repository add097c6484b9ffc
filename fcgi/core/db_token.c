/* Statements of the single-use links sent by mail (reset, confirmation, invitation) and what using one changes. */
#include "db_token.h"

#include <stddef.h>

const char *const token_purposes[TOKEN__MAX] = {"reset", "confirm", "invite"};

enum {
	Q_ACCOUNT_ID,
	Q_ACCOUNT_EMAIL,
	Q_TOKEN_INSERT,
	Q_TOKEN_FIND,
	Q_TOKEN_FIND_LOCK,
	Q_TOKEN_SPEND,
	Q_SET_PASSWORD,
	Q_CONFIRM,
	Q_SESSIONS_END,
	Q__MAX
};

/* cppcheck-suppress preprocessorErrorDirective */
#define ACCOUNT_COLS(X)                                                                                                \
	X(LL, id, "id")                                                                                                \
	X(STR, email, ", email")                                                                                       \
	X(STR, name, ", full_name")                                                                                    \
	X(BOOL, has_password, ", password_hash <> '!'")                                                                \
	X(BOOL, confirmed, ", email_confirmed_at IS NOT NULL")
#define ACCOUNT_COL(t, field, sql) {DBC_##t, offsetof(struct person_account, field)},
static const struct dbcol account_cols[] = {ACCOUNT_COLS(ACCOUNT_COL)};
#define TOKEN_FIND                                                                                                     \
	"SELECT t.person_id FROM account_token t JOIN person p ON p.id = t.person_id WHERE t.token_hash = ? "          \
	"AND t.purpose = ? AND t.used_at IS NULL AND t.expires_at > NOW() AND t.email = p.email "                      \
	"AND p.disabled_at IS NULL"

static struct dbq q[Q__MAX] = {
	[Q_ACCOUNT_ID] = {"SELECT " ACCOUNT_COLS(DB_COL_SQL) " FROM person WHERE id = ? AND disabled_at IS NULL"},
	[Q_ACCOUNT_EMAIL] = {"SELECT " ACCOUNT_COLS(DB_COL_SQL) " FROM person WHERE email = ? AND disabled_at IS NULL"},
	[Q_TOKEN_INSERT] = {"INSERT INTO account_token (person_id, purpose, token_hash, email, expires_at) "
			    "VALUES (?, ?, ?, ?, NOW() + INTERVAL ? SECOND)"},
	[Q_TOKEN_FIND] = {TOKEN_FIND},
	[Q_TOKEN_FIND_LOCK] = {TOKEN_FIND " FOR UPDATE"},
	[Q_TOKEN_SPEND] = {"UPDATE account_token SET used_at = NOW() WHERE person_id = ? AND purpose = ? "
			   "AND used_at IS NULL"},
	[Q_SET_PASSWORD] = {"UPDATE person SET password_hash = ? WHERE id = ?"},
	[Q_CONFIRM] = {"UPDATE person SET email_confirmed_at = IFNULL(email_confirmed_at, NOW()) WHERE id = ?"},
	[Q_SESSIONS_END] = {"DELETE FROM web_session WHERE person_id = ? AND (? IS NULL OR id_hash <> ?)"},
};

int db_person_account(struct db *d, struct arena *a, long long id, const char *email, struct person_account *out)
{
	struct dbv by_id[] = {DB_DV_INT(id)};
	struct dbv by_email[] = {db_dv_str_or_null(email)};
	struct dbres res;
	int rc = email == NULL ? db_run(d, &q[Q_ACCOUNT_ID], by_id, NELEM(by_id), &res, a)
			       : db_run(d, &q[Q_ACCOUNT_EMAIL], by_email, NELEM(by_email), &res, a);

	if (rc == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	dbres_fill(&res, 0, account_cols, NELEM(account_cols), out);
	return 1;
}

long long db_token_create(struct db *d, enum token_purpose p, long long person_id, const unsigned char hash[32],
			  const char *email, long ttl_s)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_STR(token_purposes[p]), DB_DV_BIN(hash, 32), DB_DV_STR(email),
			  DB_DV_INT(ttl_s)};
	struct dbres res;
	struct arena a = {0};
	long long id = -1;

	if (db_run(d, &q[Q_TOKEN_INSERT], v, NELEM(v), &res, &a) == 0)
		id = (long long)res.insert_id;
	arena_free(&a);
	return id;
}

int db_token_find(struct db *d, struct arena *a, enum token_purpose p, const unsigned char hash[32], int lock,
		  long long *person_id)
{
	struct dbv v[] = {DB_DV_BIN(hash, 32), DB_DV_STR(token_purposes[p])};
	struct dbres res;

	if (db_run(d, &q[lock ? Q_TOKEN_FIND_LOCK : Q_TOKEN_FIND], v, NELEM(v), &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	*person_id = dbres_int(&res, 0, 0);
	return 1;
}

int db_token_spend(struct db *d, enum token_purpose p, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_STR(token_purposes[p])};

	return db_run(d, &q[Q_TOKEN_SPEND], v, NELEM(v), NULL, NULL);
}

int db_person_set_password(struct db *d, long long person_id, const char *hash)
{
	struct dbv v[] = {DB_DV_STR(hash), DB_DV_INT(person_id)};

	return db_run(d, &q[Q_SET_PASSWORD], v, NELEM(v), NULL, NULL);
}

int db_person_confirm(struct db *d, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_run(d, &q[Q_CONFIRM], v, NELEM(v), NULL, NULL);
}

int db_sessions_end(struct db *d, long long person_id, const unsigned char *keep)
{
	struct dbv v[] = {DB_DV_INT(person_id), keep ? DB_DV_BIN(keep, 32) : DB_DV_NULL,
			  keep ? DB_DV_BIN(keep, 32) : DB_DV_NULL};

	return db_run(d, &q[Q_SESSIONS_END], v, NELEM(v), NULL, NULL);
}
