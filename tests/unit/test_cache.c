/* Unit tests of fcgi/core/cache.c: hits only for the same key and version, expiry, replacement of the oldest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"

#include <cmocka.h>

static void put(const char *key, const char *version, const char *text)
{
	struct buf b = {0};

	buf_adds(&b, text);
	cache_put(key, version, "text/html; charset=utf-8", &b);
	buf_free(&b);
}

static void test_hit_and_miss(void **state)
{
	const struct buf *hit;
	const char *ctype = NULL;

	(void)state;
	put("h?q=a", "v1", "<p>a</p>");
	hit = cache_get("h?q=a", "v1", 60, &ctype);
	assert_non_null(hit);
	assert_string_equal(hit->p, "<p>a</p>");
	assert_string_equal(ctype, "text/html; charset=utf-8");
	/* Another version of the data, another key, an expired entry: no hit. */
	assert_null(cache_get("h?q=a", "v2", 60, &ctype));
	assert_null(cache_get("h?q=b", "v1", 60, &ctype));
	assert_null(cache_get("h?q=a", "v1", -1, &ctype));
}

static void test_replace_same_key(void **state)
{
	const char *ctype;

	(void)state;
	put("k", "v1", "old");
	put("k", "v2", "new");
	assert_null(cache_get("k", "v1", 60, &ctype));
	assert_string_equal(cache_get("k", "v2", 60, &ctype)->p, "new");
}

static void test_full_cache_keeps_working(void **state)
{
	char key[32];
	const char *ctype;
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		put(key, "v", key);
	}
	/* The newest entry is there; the first ones made room. */
	assert_string_equal(cache_get("key-99", "v", 60, &ctype)->p, "key-99");
	assert_null(cache_get("key-0", "v", 60, &ctype));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_miss),
		cmocka_unit_test(test_replace_same_key),
		cmocka_unit_test(test_full_cache_keeps_working),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
