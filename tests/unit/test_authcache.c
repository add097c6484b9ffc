/* Unit tests of fcgi/core/authcache.c: which writes end the cached users, a copy kept and returned whole, ended by
 * the epoch (also bumped by another process), by its age and by the session's end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_watched), cmocka_unit_test(test_cache)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
