/* Unit tests of fcgi/core/authcache.c: which writes end the cached users (every statement of every dbq table
 * walked), a copy kept and returned whole, ended by the epoch (also bumped by another process), by its age and by
 * the session's end. */
#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "authcache.h"

#include <cmocka.h>

static void test_watched(void **state)
{
	(void)state;
	assert_true(authcache_watched("DELETE FROM web_session WHERE id_hash = ?"));
	assert_true(authcache_watched("UPDATE person SET password_hash = ? WHERE id = ?"));
	assert_true(authcache_watched("INSERT INTO role_grant (person_id, role) VALUES (?, ?)"));
	assert_true(authcache_watched("DELETE FROM role_grant WHERE id = ?"));
	assert_true(authcache_watched("INSERT INTO consent_acceptance (person_id, version) VALUES (?, ?)"));
	assert_true(authcache_watched("INSERT INTO consent_document (version) VALUES (?)"));
	assert_true(authcache_watched("UPDATE org_head SET status = 'confirmed' WHERE id = ?"));
	/* New rows no copy holds, reads, and tables whose names only begin alike. */
	assert_false(authcache_watched("INSERT INTO web_session (id_hash, person_id) VALUES (?, ?)"));
	assert_false(authcache_watched("INSERT INTO person (email) VALUES (?)"));
	assert_false(authcache_watched("SELECT id FROM person WHERE email = ?"));
	assert_false(authcache_watched("UPDATE registration SET status = ? WHERE person_id = ?"));
	assert_false(authcache_watched("UPDATE person_note SET x = ?"));
	assert_false(authcache_watched("CALL coverage_touch(?)"));
}

/* The walk: every statement of every dbq table, as the build preprocessed the sources that hold one (macros
 * expanded: the column lists and X-macros), judged by a reading of the SQL of this test's own: the tables a
 * statement writes, also through a multi-table UPDATE or DELETE, ON DUPLICATE KEY UPDATE, or a stored routine of
 * sql/procedures that it CALLs. The matcher stays a few prefix comparisons (it runs at every statement); this
 * reading fails the test as soon as a statement writes what it does not recognise. */
#define DBQ_I "build/tests/unit/dbq.i"

/* What db_session_user reads (db_auth.c's session statement): a write to one of them ends the copies. */
static const char *const watched_tables[] = {"web_session",        "person",           "role_grant",
					     "consent_acceptance", "consent_document", "org_head"};
#define NWATCHED (sizeof(watched_tables) / sizeof(watched_tables[0]))

struct tok {
	const char *p;
	size_t n;
};

struct toks {
	struct tok *t;
	size_t n, cap;
};

/* realloc that fails the test rather than return NULL. */
static void *grow(void *p, size_t n)
{
	void *q = realloc(p, n);

	assert_non_null(q);
	return q;
}

static void tok_add(struct toks *v, const char *p, size_t n)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->t = grow(v->t, v->cap * sizeof(*v->t));
	}
	v->t[v->n++] = (struct tok){p, n};
}

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.' || (unsigned char)c >= 0x80;
}

/* SQL's tokens into v: words with their dots (p.email), a quoted string as one token, a `name` as the name, "//"
 * (the procedures' delimiter), else one character; comments and spaces dropped. */
static void sql_tokens(const char *s, size_t len, struct toks *v)
{
	const char *e = s + len, *p = s, *q;

	v->n = 0;
	while (p < e) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if ((*p == '-' && p + 1 < e && p[1] == '-') || *p == '#') {
			while (p < e && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < e && p[1] == '*') {
			for (p += 2; p + 1 < e && !(p[0] == '*' && p[1] == '/'); p++)
				;
			p += 2;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			for (q = p + 1; q < e && *q != *p; q++)
				if (*q == '\\')
					q++;
			if (*p == '`')
				tok_add(v, p + 1, (size_t)(q - p - 1));
			else
				tok_add(v, p, (size_t)(q + 1 - p));
			p = q + 1;
		} else if (word_char(*p) && *p != '.') {
			for (q = p; q < e && word_char(*q); q++)
				;
			tok_add(v, p, (size_t)(q - p));
			p = q;
		} else {
			tok_add(v, p, *p == '/' && p + 1 < e && p[1] == '/' ? 2 : 1);
			p += v->t[v->n - 1].n;
		}
	}
}

static int is(const struct tok *t, const char *w)
{
	return t->n == strlen(w) && strncasecmp(t->p, w, t->n) == 0;
}

/* ws ends with NULL. */
static int is_any(const struct tok *t, const char *const *ws)
{
	for (; *ws != NULL; ws++)
		if (is(t, *ws))
			return 1;
	return 0;
}

static int is_watched(const struct tok *t)
{
	size_t i;

	for (i = 0; i < NWATCHED; i++)
		if (is(t, watched_tables[i]))
			return 1;
	return 0;
}

struct ref {
	struct tok table, alias;
};
#define REFS_MAX 16

/* The table references of t[0..n) up to a word of stop at depth 0 ("a x JOIN b AS y ON ..., c"), into refs.
 * Returns the index of the stop word (n when none). */
static size_t table_refs(const struct tok *t, size_t n, const char *const *stop, struct ref *refs, size_t *nrefs)
{
	static const char *const joins[] = {"JOIN", "STRAIGHT_JOIN", ",", NULL};
	static const char *const not_alias[] = {"JOIN",    "STRAIGHT_JOIN", "INNER", "LEFT",  "RIGHT",     "CROSS",
						"NATURAL", "OUTER",         "ON",    "USING", "PARTITION", NULL};
	size_t i;
	int depth = 0, want = 1;

	*nrefs = 0;
	for (i = 0; i < n; i++) {
		if (is(&t[i], "(")) {
			depth++;
			want = 0; /* a derived table: nothing of it is written */
		} else if (is(&t[i], ")")) {
			depth--;
		} else if (depth > 0) {
			continue;
		} else if (is_any(&t[i], stop)) {
			break;
		} else if (is_any(&t[i], joins)) {
			want = 1;
		} else if (want) {
			assert_true(*nrefs < REFS_MAX);
			refs[*nrefs].table = refs[*nrefs].alias = t[i];
			if (i + 1 < n && is(&t[i + 1], "AS"))
				i++;
			if (i + 1 < n && word_char(*t[i + 1].p) && !is_any(&t[i + 1], not_alias) &&
			    !is_any(&t[i + 1], stop))
				refs[*nrefs].alias = t[++i];
			++*nrefs;
			want = 0;
		}
	}
	return i;
}

/* The table of a (an alias or a name, up to its first dot) among refs, or a itself when none is named so. */
static const struct tok *ref_table(const struct ref *refs, size_t nrefs, const struct tok *a)
{
	const char *dot = memchr(a->p, '.', a->n);
	size_t n = dot != NULL ? (size_t)(dot - a->p) : a->n, i;

	for (i = 0; i < nrefs; i++)
		if (refs[i].alias.n == n && strncasecmp(refs[i].alias.p, a->p, n) == 0)
			return &refs[i].table;
	return a;
}

static int any_watched(const struct ref *refs, size_t nrefs)
{
	size_t i;

	for (i = 0; i < nrefs; i++)
		if (is_watched(&refs[i].table))
			return 1;
	return 0;
}

static int procedure_writes(const struct tok *name);

/* 1 when the statement t[0..n) writes a row of a watched table that a cached copy may hold. */
static int writes_watched(const struct tok *t, size_t n)
{
	static const char *const modifiers[] = {"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "QUICK", "IGNORE", NULL};
	static const char *const set[] = {"SET", NULL};
	static const char *const tail[] = {"WHERE", "ORDER", "LIMIT", "USING", "RETURNING", NULL};
	struct ref refs[REFS_MAX], deleted[REFS_MAX];
	size_t i = 1, j, nrefs, ndeleted;
	int depth = 0, start = 1;

	if (n < 2)
		return 0;
	if (is(&t[0], "CALL"))
		return procedure_writes(&t[1]);
	while (i < n && is_any(&t[i], modifiers))
		i++;
	if (is(&t[0], "INSERT") || is(&t[0], "REPLACE")) {
		if (i < n && is(&t[i], "INTO"))
			i++;
		if (i >= n || !is_watched(&t[i]))
			return 0;
		/* A new person or session: no copy can hold it, unless the insert updates the row it meets. */
		if (is(&t[0], "INSERT") && (is(&t[i], "person") || is(&t[i], "web_session"))) {
			for (j = i; j + 3 < n; j++)
				if (is(&t[j], "ON") && is(&t[j + 1], "DUPLICATE") && is(&t[j + 2], "KEY") &&
				    is(&t[j + 3], "UPDATE"))
					return 1;
			return 0;
		}
		return 1;
	}
	if (is(&t[0], "UPDATE")) {
		i += table_refs(t + i, n - i, set, refs, &nrefs);
		if (nrefs == 1)
			return is_watched(&refs[0].table);
		/* Several tables: those whose columns are set (p.name = ...); a bare column may be any one's. */
		for (j = i + 1; j < n; j++) {
			if (is(&t[j], "("))
				depth++;
			else if (is(&t[j], ")"))
				depth--;
			else if (depth == 0 && is_any(&t[j], tail))
				break;
			else if (depth == 0 && start &&
				 (memchr(t[j].p, '.', t[j].n) != NULL ? is_watched(ref_table(refs, nrefs, &t[j]))
								      : any_watched(refs, nrefs)))
				return 1;
			start = depth == 0 && is(&t[j], ",");
		}
		return 0;
	}
	if (is(&t[0], "DELETE")) {
		if (is(&t[i], "FROM")) {
			/* DELETE FROM t WHERE ..., or DELETE FROM a, b USING a JOIN b ... */
			i += 1 + table_refs(t + i + 1, n - i - 1, tail, deleted, &ndeleted);
			if (i >= n || !is(&t[i], "USING"))
				return any_watched(deleted, ndeleted);
			table_refs(t + i + 1, n - i - 1, tail, refs, &nrefs);
		} else {
			/* DELETE a, b FROM a JOIN b ... */
			for (ndeleted = 0; i < n && !is(&t[i], "FROM"); i++)
				if (word_char(*t[i].p)) {
					assert_true(ndeleted < REFS_MAX);
					deleted[ndeleted++].table = t[i];
				}
			if (i < n)
				table_refs(t + i + 1, n - i - 1, tail, refs, &nrefs);
		}
		for (j = 0; j < ndeleted; j++)
			if (is_watched(ref_table(refs, nrefs, &deleted[j].table)))
				return 1;
		return 0;
	}
	return 0;
}

/* The stored routines of sql/procedures: their text (the tokens point into it), names and bodies. */
static char *routines_text;
static struct toks routines_toks;
static struct routine {
	struct tok name;
	size_t from, to; /* the body: routines_toks.t[from..to) */
	int judged;      /* 0 not yet, 1 being judged (a recursive CALL), 2 writes nothing watched, 3 writes */
} routines[64];
static size_t nroutines;

/* The index of the token after t[i]'s CREATE that names a routine or another object (PROCEDURE, FUNCTION,
 * VIEW, EVENT, TRIGGER: CREATE OR REPLACE SQL SECURITY INVOKER VIEW), or 0 when t[i] begins none. */
static size_t created(const struct toks *v, size_t i)
{
	static const char *const kinds[] = {"PROCEDURE", "FUNCTION", "VIEW", "EVENT", "TRIGGER", NULL};
	size_t j;

	if (!is(&v->t[i], "CREATE"))
		return 0;
	for (j = i + 1; j < v->n && j < i + 8; j++)
		if (is_any(&v->t[j], kinds))
			return j;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		fail_msg("%s: cannot read it (make builds it with the test)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Reads every file of dir into routines, once. */
static void routines_load(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *all = NULL, path[512];
	size_t len = 0, i, j, k;

	if (nroutines > 0)
		return;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char *s;
		if (n < 5 || strcmp(e->d_name + n - 4, ".sql") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		s = slurp(path);
		all = grow(all, len + strlen(s) + 2);
		memcpy(all + len, s, strlen(s));
		len += strlen(s);
		all[len++] = '\n';
		all[len] = '\0';
		free(s);
	}
	closedir(d);
	assert_non_null(all);
	routines_text = all;
	sql_tokens(all, len, &routines_toks);
	for (i = 0; i < routines_toks.n; i++) {
		if ((j = created(&routines_toks, i)) == 0)
			continue;
		/* A trigger's writes are its table's: the walk would have to add them to that table's statements. */
		if (is(&routines_toks.t[j], "TRIGGER"))
			fail_msg("sql/procedures has a trigger: teach test_authcache's walk which tables it writes");
		if (!is(&routines_toks.t[j], "PROCEDURE") && !is(&routines_toks.t[j], "FUNCTION"))
			continue;
		for (k = j + 2; k < routines_toks.n && created(&routines_toks, k) == 0; k++)
			;
		assert_true(nroutines < sizeof(routines) / sizeof(routines[0]));
		routines[nroutines++] = (struct routine){routines_toks.t[j + 1], j + 2, k, 0};
	}
}

static int procedure_writes(const struct tok *name)
{
	static const char *const writes[] = {"INSERT", "UPDATE", "DELETE", "REPLACE", "CALL", NULL};
	static const char *const not_after[] = {"KEY", "FOR", "ON", "OR", NULL};
	const struct tok *t = routines_toks.t;
	struct routine *r = NULL;
	size_t i, end;

	for (i = 0; i < nroutines && r == NULL; i++)
		if (routines[i].name.n == name->n && strncasecmp(routines[i].name.p, name->p, name->n) == 0)
			r = &routines[i];
	if (r == NULL)
		fail_msg("CALL %.*s: no such procedure in sql/procedures", (int)name->n, name->p);
	if (r->judged == 0) {
		r->judged = 1;
		/* Every statement that writes: INSERT ..., not ON DUPLICATE KEY UPDATE, FOR UPDATE, OR REPLACE, a
		 * function INSERT(...) or REPLACE(...). */
		for (i = r->from; i < r->to && r->judged == 1; i++) {
			if (!is_any(&t[i], writes) || (i > 0 && is_any(&t[i - 1], not_after)) ||
			    (i + 1 < r->to && is(&t[i + 1], "(")))
				continue;
			for (end = i; end < r->to && !is(&t[end], ";") && !is(&t[end], "//"); end++)
				;
			if (writes_watched(t + i, end - i))
				r->judged = 3;
		}
		if (r->judged == 1)
			r->judged = 2;
	}
	return r->judged == 3;
}

/* Appends to sql (n of them) the statement of every struct dbq initialiser in the preprocessed C text s: the
 * adjacent string literals of its first member, concatenated. */
static void dbq_statements(const char *s, char ***sql, size_t *n)
{
	const char *p = s;
	char *cur = NULL;
	size_t len = 0, cap = 0;

	while ((p = strstr(p, "struct dbq")) != NULL) {
		int depth = 0, target, member = 0;
		p += strlen("struct dbq");
		while (isspace((unsigned char)*p))
			p++;
		if (!isalpha((unsigned char)*p) && *p != '_')
			continue; /* the struct's own definition */
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		while (isspace((unsigned char)*p))
			p++;
		/* An array's statements are its elements' first members; a single one's is its own. */
		target = *p == '[' ? 2 : 1;
		if (*p == '[')
			p = strchr(p, ']') + 1;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			continue; /* a parameter or a declaration */
		for (p++; isspace((unsigned char)*p); p++)
			;
		if (*p != '{')
			continue;
		do {
			if (*p == '{' && ++depth == target) {
				member = 0;
				len = 0;
			} else if (*p == '}' && depth-- == target && len > 0) {
				*sql = grow(*sql, (*n + 1) * sizeof(**sql));
				(*sql)[(*n)++] = strndup(cur, len);
			} else if (*p == ',' && depth == target) {
				member++;
			} else if (*p == '"') {
				for (p++; *p != '"'; p++) {
					char c = *p;
					assert_true(c != '\0');
					if (c == '\\')
						c = *++p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
					if (depth != target || member != 0)
						continue;
					if (len + 1 >= cap) {
						cap = cap ? 2 * cap : 4096;
						cur = grow(cur, cap);
					}
					cur[len++] = c;
				}
			}
			p++;
		} while (depth > 0 && *p != '\0');
	}
	free(cur);
}

/* The test's reading itself, on the forms no statement has today: it must see through them. */
static void test_reading(void **state)
{
	static const struct {
		const char *sql;
		int writes;
	} cases[] = {
		{"UPDATE registration r JOIN person p ON p.id = r.person_id SET p.full_name = ? WHERE r.id = ?", 1},
		{"UPDATE registration r JOIN person p ON p.id = r.person_id SET r.status = ? WHERE p.id = ?", 0},
		{"UPDATE seminar s, role_grant g SET g.region_id = s.region_id WHERE g.id = ?", 1},
		{"DELETE s FROM web_session s JOIN person p ON p.id = s.person_id WHERE p.disabled_at IS NOT NULL", 1},
		{"DELETE r FROM registration r JOIN person p ON p.id = r.person_id WHERE p.id = ?", 0},
		{"DELETE FROM role_grant USING role_grant JOIN person ON person.id = role_grant.person_id", 1},
		{"DELETE LOW_PRIORITY FROM org_head WHERE id = ?", 1},
		{"INSERT INTO person (email) VALUES (?) ON DUPLICATE KEY UPDATE full_name = VALUES(full_name)", 1},
		{"INSERT IGNORE INTO person (email) VALUES (?)", 0},
		{"REPLACE INTO web_session (id_hash) VALUES (?)", 1},
		{"insert into `consent_acceptance` (person_id) values (?)", 1},
		{"SELECT id FROM person WHERE id = ? FOR UPDATE", 0},
		{"UPDATE person_note SET x = ?", 0},
	};
	struct toks v = {0};
	size_t i;

	(void)state;
	routines_load("sql/procedures");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sql_tokens(cases[i].sql, strlen(cases[i].sql), &v);
		if (writes_watched(v.t, v.n) != cases[i].writes)
			fail_msg("read as %s: %s", cases[i].writes ? "no write" : "a write", cases[i].sql);
	}
	free(v.t);
}

/* Every statement of every dbq table: authcache_watched says yes exactly for those that write a watched table. */
static void test_every_statement(void **state)
{
	char *text = slurp(DBQ_I), **sql = NULL;
	size_t n = 0, i, writers = 0, calls = 0;
	struct toks v = {0};
	int want;

	(void)state;
	routines_load("sql/procedures");
	dbq_statements(text, &sql, &n);
	for (i = 0; i < n; i++) {
		sql_tokens(sql[i], strlen(sql[i]), &v);
		want = writes_watched(v.t, v.n);
		writers += (size_t)want;
		calls += v.n > 0 && is(&v.t[0], "CALL");
		if (authcache_watched(sql[i]) != want)
			fail_msg("authcache_watched says %s, but the statement %s a watched table: %s",
				 want ? "no" : "yes", want ? "writes" : "does not write", sql[i]);
		free(sql[i]);
	}
	/* The walk saw the tables: hundreds of statements, the writes of sessions, grants and consents, and CALLs. */
	printf("# %zu statements, %zu of them write a watched table, %zu CALLs\n", n, writers, calls);
	assert_true(n > 200);
	assert_true(writers >= 20);
	assert_true(calls >= 3);
	free(sql);
	free(v.t);
	free(text);
}

/* A write of each table of the list: a table taken off the matcher's list fails here even with no writer today. */
static void test_every_table(void **state)
{
	static const char *const one_write[NWATCHED] = {
		"DELETE FROM web_session WHERE person_id = ?",
		"UPDATE person SET disabled_at = NOW() WHERE id = ?",
		"UPDATE role_grant SET region_id = ? WHERE id = ?",
		"DELETE FROM consent_acceptance WHERE person_id = ?",
		"UPDATE consent_document SET version = ?",
		"DELETE FROM org_head WHERE person_id = ?",
	};
	struct toks v = {0};
	size_t i;

	(void)state;
	for (i = 0; i < NWATCHED; i++) {
		sql_tokens(one_write[i], strlen(one_write[i]), &v);
		assert_true(v.n > 2 && is(&v.t[is(&v.t[1], "FROM") ? 2 : 1], watched_tables[i]));
		assert_true(writes_watched(v.t, v.n));
		if (!authcache_watched(one_write[i]))
			fail_msg("not watched: %s", one_write[i]);
	}
	free(v.t);
}

static struct grant grants[] = {{7, ROLE_REVIEWER, 48, 3, 0}, {9, ROLE_ORGANIZER, 23, 0, 0}};

static struct user user_of(long long expires_at)
{
	return (struct user){.id = 42,
			     .email = "a@example.test",
			     .name = "Тестова Анна",
			     .grants = grants,
			     .ngrants = 2,
			     .head_org = 5,
			     .consent_ok = 1,
			     .expires_at = expires_at};
}

static void test_cache(void **state)
{
	unsigned char h[32] = {1, 2, 3}, other[32] = {1, 2, 3, 4};
	struct arena a = {0};
	struct user u = user_of((long long)time(NULL) + 60), got;
	unsigned long long e;
	pid_t pid;
	int st;

	(void)state;
	/* Not initialised: nothing is kept. */
	authcache_put(h, authcache_epoch(), &u);
	assert_false(authcache_get(h, authcache_epoch(), &a, &got));

	assert_int_equal(authcache_init(NULL, 0.3), 0);
	e = authcache_epoch();
	authcache_put(h, e, &u);
	assert_true(authcache_get(h, e, &a, &got));
	assert_int_equal(got.id, 42);
	assert_string_equal(got.email, "a@example.test");
	assert_string_equal(got.name, "Тестова Анна");
	assert_int_equal(got.ngrants, 2);
	assert_int_equal(got.grants[1].id, 9);
	assert_int_equal(got.grants[0].sector_id, 3);
	assert_int_equal(got.head_org, 5);
	assert_true(got.consent_ok);
	assert_false(authcache_get(other, e, &a, &got));

	/* Another process (a worker of the program) bumps the epoch: the copy is stale here too. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		authcache_bump();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(authcache_epoch() > e);
	assert_false(authcache_get(h, authcache_epoch(), &a, &got));

	/* Older than the TTL. */
	e = authcache_epoch();
	authcache_put(h, e, &u);
	assert_true(authcache_get(h, e, &a, &got));
	usleep(350 * 1000);
	assert_false(authcache_get(h, e, &a, &got));

	/* The session has ended. */
	u = user_of((long long)time(NULL) - 1);
	authcache_put(h, e, &u);
	assert_false(authcache_get(h, e, &a, &got));
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_watched), cmocka_unit_test(test_reading),
					   cmocka_unit_test(test_every_statement), cmocka_unit_test(test_every_table),
					   cmocka_unit_test(test_cache)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
