/* Unit tests of fcgi/core/gate.c: writers per key shared between processes, waiting behind a moving writer,
 * refused at once behind a stuck one, a key left by its worker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gate.h"

#include <cmocka.h>

static double ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Worker `slot` in a child process: tries key (limit 1, waiting at most wait_ms); exits 1 entered, 0 refused,
 * and 2 when the answer took longer than max_ms. hold_ms: how long it stays in before it leaves. */
static pid_t other(int slot, long long key, double wait_ms, double max_ms, int hold_ms)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		double t0 = ms();
		int in;
		gate_attach(slot);
		in = gate_enter(key, 1, wait_ms);
		if (ms() - t0 > max_ms)
			_exit(2);
		usleep((useconds_t)hold_ms * 1000);
		gate_leave();
		_exit(in);
	}
	return pid;
}

static int status_of(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_without_table_everyone_enters(void **state)
{
	(void)state;
	/* CGI mode and programs without gate_init: no bound. */
	assert_int_equal(gate_enter(7, 1, 0), 1);
	gate_leave();
}

static void test_one_writer_per_key(void **state)
{
	(void)state;
	gate_init(4, 10000); /* a long stall: a busy machine must not make the writer look stuck */
	gate_attach(0);
	assert_int_equal(gate_enter(7, 1, 0), 1);
	/* Another worker: the same key is full (refused without waiting), another key is free. */
	assert_int_equal(status_of(other(1, 7, 0, 1000, 0)), 0);
	assert_int_equal(status_of(other(1, 8, 0, 1000, 0)), 1);
	/* Waiting behind a young writer that leaves: it gets in. */
	{
		pid_t p = other(1, 7, 2000, 2000, 0);
		usleep(50 * 1000);
		gate_leave();
		assert_int_equal(status_of(p), 1);
	}
	/* Free again. */
	assert_int_equal(status_of(other(2, 7, 0, 1000, 0)), 1);
}

static void test_stuck_writer_refuses_at_once(void **state)
{
	(void)state;
	gate_init(4, 100);
	gate_attach(0);
	assert_int_equal(gate_enter(9, 1, 0), 1);
	usleep(150 * 1000);
	/* In for longer than the stall: the next is refused at once, though it would wait 5 s. */
	assert_int_equal(status_of(other(1, 9, 5000, 1000, 0)), 0);
	gate_leave();
	assert_int_equal(status_of(other(1, 9, 0, 1000, 0)), 1);
}

static void test_a_restarted_worker_clears_its_row(void **state)
{
	(void)state;
	gate_init(4, 1000);
	/* Worker 1 enters and dies without leaving; its successor in the same slot starts clean. */
	{
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			gate_attach(1);
			gate_enter(11, 1, 0);
			_exit(0);
		}
		assert_int_equal(status_of(pid), 0);
	}
	gate_attach(0);
	assert_int_equal(gate_enter(11, 1, 0), 0);
	gate_attach(1); /* this process takes slot 1 over, as a restarted worker would */
	assert_int_equal(gate_enter(11, 1, 0), 1);
	gate_leave();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_table_everyone_enters),
		cmocka_unit_test(test_one_writer_per_key),
		cmocka_unit_test(test_stuck_writer_refuses_at_once),
		cmocka_unit_test(test_a_restarted_worker_clears_its_row),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
