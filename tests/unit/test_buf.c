/* Unit tests of fcgi/core/buf.c: growth by add/addf/addc, the NUL-termination invariant, reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#include <cmocka.h>

static void assert_invariant(const struct buf *b)
{
	assert_non_null(b->p);
	assert_true(b->cap > b->len);
	assert_int_equal(b->p[b->len], '\0');
}

static void test_addc_growth(void **state)
{
	struct buf b = {0};
	size_t i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		buf_addc(&b, (char)('a' + i % 26));
		assert_int_equal(b.len, i + 1);
		assert_invariant(&b);
	}
	for (i = 0; i < 5000; i++)
		assert_int_equal(b.p[i], 'a' + i % 26);
	buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_add_growth_and_binary(void **state)
{
	struct buf b = {0};
	char chunk[1000];
	size_t i;

	(void)state;
	buf_add(&b, "", 0);
	assert_int_equal(b.len, 0);
	assert_invariant(&b);
	assert_string_equal(b.p, "");
	buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "a\0b\0", 4);
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)(i * 7);
	for (i = 0; i < 100; i++) {
		buf_add(&b, chunk, sizeof(chunk));
		assert_invariant(&b);
	}
	assert_int_equal(b.len, 3 + 100 * sizeof(chunk));
	for (i = 0; i < 100; i++)
		assert_memory_equal(b.p + 3 + i * sizeof(chunk), chunk, sizeof(chunk));
	buf_adds(&b, "end");
	assert_string_equal(b.p + b.len - 3, "end");
	assert_invariant(&b);
	buf_free(&b);
}

static void test_addf(void **state)
{
	struct buf b = {0};
	char *big;
	size_t n = 100000;

	(void)state;
	buf_addf(&b, "%s", "");
	assert_int_equal(b.len, 0);
	assert_invariant(&b);
	buf_addf(&b, "%d|%s|%zu", -7, "Привет", (size_t)42);
	assert_string_equal(b.p, "-7|Привет|42");
	assert_int_equal(b.len, strlen("-7|Привет|42"));
	assert_invariant(&b);
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	buf_addf(&b, "<%s>", big);
	assert_int_equal(b.len, strlen("-7|Привет|42") + n + 2);
	assert_int_equal(b.p[b.len - 1], '>');
	assert_int_equal(b.p[b.len - 2], 'x');
	assert_invariant(&b);
	free(big);
	buf_addc(&b, '!');
	assert_int_equal(b.p[b.len - 1], '!');
	assert_invariant(&b);
	buf_free(&b);
}

static void test_reset_keeps_memory(void **state)
{
	struct buf b = {0};
	char *p;
	size_t cap;

	(void)state;
	buf_reset(&b); /* on a buffer without memory */
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_adds(&b, "some text that is kept in memory");
	p = b.p;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.p, p);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.p, "");
	buf_adds(&b, "new");
	assert_string_equal(b.p, "new");
	assert_ptr_equal(b.p, p);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addc_growth),
		cmocka_unit_test(test_add_growth_and_binary),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_reset_keeps_memory),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
