/* Unit tests of fcgi/core/arena.c: zeroed aligned allocation, chunking, large blocks, strings, reset. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"

#include <cmocka.h>

static void test_alloc_zeroed_and_aligned(void **state)
{
	struct arena a = {0};
	size_t sizes[] = {1, 3, 7, 8, 15, 16, 17, 33, 100, 1000};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = arena_alloc(&a, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xAB, sizes[i]);
	}
	/* Memory reused after a reset must be zeroed again. */
	arena_reset(&a);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = arena_alloc(&a, sizes[i]);
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(p[k], 0);
	}
	arena_free(&a);
}

static void test_alloc_zero_size_gives_distinct_pointers(void **state)
{
	struct arena a = {0};
	void *p = arena_alloc(&a, 0), *q = arena_alloc(&a, 0);

	(void)state;
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	arena_free(&a);
}

static void test_many_allocations_across_chunks(void **state)
{
	struct arena a = {0};
	enum { N = 20000, SZ = 100 };
	unsigned char **ps = calloc(N, sizeof(*ps));
	size_t i, k;

	(void)state;
	assert_non_null(ps);
	/* 2 MB in 100-byte pieces: many chunks; no two blocks may overlap. */
	for (i = 0; i < N; i++) {
		ps[i] = arena_alloc(&a, SZ);
		memset(ps[i], (int)(i % 251), SZ);
	}
	for (i = 0; i < N; i++)
		for (k = 0; k < SZ; k++)
			assert_int_equal(ps[i][k], i % 251);
	free(ps);
	arena_free(&a);
	assert_null(a.head);
}

static void test_large_allocation(void **state)
{
	struct arena a = {0};
	size_t big = 3u << 20, i;
	char *s1 = arena_alloc(&a, 16), *large, *s2;

	(void)state;
	large = arena_alloc(&a, big);
	assert_non_null(large);
	assert_int_equal((uintptr_t)large % _Alignof(max_align_t), 0);
	for (i = 0; i < big; i += 4096)
		assert_int_equal(large[i], 0);
	assert_int_equal(large[big - 1], 0);
	memset(large, 'L', big);
	/* The large block lives in its own chunk: the current chunk keeps serving small requests. */
	s2 = arena_alloc(&a, 16);
	assert_true(s2 > s1 && s2 - s1 <= 64);
	memset(s1, 'a', 16);
	memset(s2, 'b', 16);
	assert_int_equal(large[0], 'L');
	assert_int_equal(large[big - 1], 'L');
	/* A medium block bigger than a quarter chunk that does not fit either. */
	for (i = 0; i < 5; i++) {
		char *m = arena_alloc(&a, 40000);
		memset(m, 'm', 40000);
	}
	assert_int_equal(s1[15], 'a');
	assert_int_equal(s2[0], 'b');
	arena_reset(&a);
	/* A first allocation that is large on its own, then reset and free. */
	arena_free(&a);
	large = arena_alloc(&a, big);
	large[big - 1] = 'x';
	arena_reset(&a);
	s1 = arena_alloc(&a, 32);
	assert_non_null(s1);
	arena_free(&a);
}

static void test_strndup_strdup_printf(void **state)
{
	struct arena a = {0};
	const char src[] = "hello world";
	char *s, *big, *p;
	size_t n = 200000;

	(void)state;
	s = arena_strndup(&a, src, 5);
	assert_string_equal(s, "hello");
	assert_int_equal(s[5], '\0');
	s = arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(s, "a\0b\0", 4);
	s = arena_strndup(&a, "", 0);
	assert_string_equal(s, "");
	s = arena_strdup(&a, "Привет");
	assert_string_equal(s, "Привет");
	s = arena_printf(&a, "%d-%s-%05.1f", -42, "x", 3.14159);
	assert_string_equal(s, "-42-x-003.1");
	/* Output longer than a chunk. */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'z', n);
	big[n] = '\0';
	p = arena_printf(&a, "[%s]", big);
	assert_int_equal(strlen(p), n + 2);
	assert_int_equal(p[0], '[');
	assert_int_equal(p[n + 1], ']');
	free(big);
	arena_free(&a);
}

static void test_reset_keeps_first_chunk(void **state)
{
	struct arena a = {0};
	char *first, *again;
	int round;

	(void)state;
	first = arena_alloc(&a, 24);
	strcpy(first, "first");
	for (round = 0; round < 5; round++) {
		int i;
		for (i = 0; i < 3000; i++)
			arena_strdup(&a, "some request data that fills several chunks of the arena....");
		(void)arena_alloc(&a, 1 << 20);
		arena_reset(&a);
		assert_non_null(a.head);
		/* The oldest, regular-sized chunk is kept and reused from its start. */
		again = arena_alloc(&a, 24);
		assert_ptr_equal(again, first);
		assert_string_equal(again, "");
		strcpy(again, "again");
		{
			char want[32];
			snprintf(want, sizeof(want), "again %d", round);
			assert_string_equal(arena_printf(&a, "%s %d", again, round), want);
		}
	}
	arena_free(&a);
	assert_null(a.head);
	/* A freed arena can be used again. */
	assert_string_equal(arena_strdup(&a, "reborn"), "reborn");
	arena_free(&a);
}

static void test_reset_empty_arena(void **state)
{
	struct arena a = {0};

	(void)state;
	arena_reset(&a);
	assert_null(a.head);
	arena_free(&a);
	assert_null(a.head);
}

/* An impossible size must abort (the arena's contract), never wrap around to a tiny block. */
static void test_alloc_overflow_aborts(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct arena a = {0};
		char *p = arena_alloc(&a, SIZE_MAX - 8);
		/* Reaching here means a "successful" allocation of almost 2^64 bytes. */
		_exit(p != NULL ? 3 : 4);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zeroed_and_aligned),
		cmocka_unit_test(test_alloc_zero_size_gives_distinct_pointers),
		cmocka_unit_test(test_many_allocations_across_chunks),
		cmocka_unit_test(test_large_allocation),
		cmocka_unit_test(test_strndup_strdup_printf),
		cmocka_unit_test(test_reset_keeps_first_chunk),
		cmocka_unit_test(test_reset_empty_arena),
		cmocka_unit_test(test_alloc_overflow_aborts),
	};

	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
