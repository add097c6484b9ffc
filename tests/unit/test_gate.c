/* Unit tests of fcgi/core/gate.c: writers per key shared between processes, waiting behind a moving writer,
 * refused at once behind a stuck one, a key left by its worker, the workers' activity seen by another process. */
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

static void test_quiet_while_no_worker_serves(void **state)
{
	int go[2], done[2];
	char c = 0;
	pid_t pid;

	(void)state;
	gate_init(4, 1000);
	/* No worker ever served: quiet for ever. */
	assert_true(gate_quiet_ms() > 1e9);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Worker 2 serves a request until told to end it. */
		gate_attach(2);
		gate_serving(1);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		gate_serving(0);
		_exit(write(done[1], &c, 1) == 1 ? 0 : 1);
	}
	/* A background runner (no slot of its own) sees the request being served... */
	assert_int_equal(read(done[0], &c, 1), 1);
	assert_true(gate_quiet_ms() == 0);
	usleep(20 * 1000);
	assert_true(gate_quiet_ms() == 0);
	/* ...and, once it has ended, how long ago that was. */
	assert_int_equal(write(go[1], &c, 1), 1);
	assert_int_equal(read(done[0], &c, 1), 1);
	usleep(30 * 1000);
	assert_true(gate_quiet_ms() >= 30 && gate_quiet_ms() < 5000);
	assert_int_equal(status_of(pid), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_table_everyone_enters),
		cmocka_unit_test(test_one_writer_per_key),
		cmocka_unit_test(test_stuck_writer_refuses_at_once),
		cmocka_unit_test(test_a_restarted_worker_clears_its_row),
		cmocka_unit_test(test_quiet_while_no_worker_serves),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
