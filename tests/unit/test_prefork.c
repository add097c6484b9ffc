/* Unit tests of fcgi/core/prefork.c: a killed worker is replaced in its slot, SIGTERM drains the workers and the master
 * exits 0. */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "prefork.h"

#include <cmocka.h>

static pid_t master;

static void worker(void *arg, int slot)
{
	(void)arg;
	(void)slot;
	while (!prefork_stopping)
		pause();
}

/* Live (not zombie) children of parent, up to n; returns how many. */
static int children(pid_t parent, pid_t *out, int n)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int k = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL && k < n) {
		char path[300], buf[512], *p, state;
		int ppid;
		FILE *f;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p == NULL || (p = strrchr(buf, ')')) == NULL)
			continue;
		if (sscanf(p + 1, " %c %d", &state, &ppid) == 2 && ppid == parent && state != 'Z')
			out[k++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return k;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Waits up to ms for exactly 2 live workers; returns 1 when they are there. */
static int wait_workers(pid_t *w, long ms)
{
	long t;

	for (t = 0; t < ms; t += 20) {
		if (children(master, w, 2) == 2 && children(master, (pid_t[3]){0}, 3) == 2)
			return 1;
		sleep_ms(20);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (master > 0 && kill(master, 0) == 0) {
		kill(master, SIGKILL);
		waitpid(master, NULL, 0);
	}
	master = 0;
	return 0;
}

static void test_restart_and_drain(void **state)
{
	pid_t w[2], w2[2], killed, survivor, fresh;
	int st = 0;
	long t;
	pid_t got = 0;

	(void)state;
	fflush(NULL);
	master = fork();
	assert_true(master >= 0);
	if (master == 0) {
		/* cmocka's handlers must not run in the master or its workers. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		log_init("unit-master", LOG__MAX);
		_exit(prefork_run(2, worker, NULL, 2));
	}
	if (!wait_workers(w, 2000))
		fail_msg("the master did not start 2 workers");
	killed = w[0];
	survivor = w[1];
	assert_int_equal(kill(killed, SIGKILL), 0);
	/* A worker that died young is restarted after a second. */
	for (t = 0; t < 3000; t += 20) {
		if (wait_workers(w2, 20) && (w2[0] != killed && w2[1] != killed))
			break;
		sleep_ms(20);
	}
	if (t >= 3000)
		fail_msg("no new worker replaced the killed one");
	assert_true(w2[0] == survivor || w2[1] == survivor);
	fresh = w2[0] == survivor ? w2[1] : w2[0];
	assert_int_not_equal(fresh, killed);
	/* SIGTERM: the workers stop, the master exits 0. */
	assert_int_equal(kill(master, SIGTERM), 0);
	for (t = 0; t < 3000; t += 20) {
		got = waitpid(master, &st, WNOHANG);
		if (got == master)
			break;
		sleep_ms(20);
	}
	if (got != master)
		fail_msg("the master did not exit within 3 s of SIGTERM");
	master = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* Its workers are gone (reaped by the master, so no such process any more). */
	assert_true(kill(survivor, 0) == -1);
	assert_true(kill(fresh, 0) == -1);
}

static void stubborn(void *arg, int slot)
{
	(void)arg;
	(void)slot;
	for (;;)
		pause();
}

/* Workers that do not stop on SIGTERM are killed after drain_s seconds; the master still exits 0. */
static void test_drain_timeout(void **state)
{
	pid_t w[2];
	int st = 0;
	long t;
	pid_t got = 0;

	(void)state;
	fflush(NULL);
	master = fork();
	assert_true(master >= 0);
	if (master == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		log_init("unit-master", LOG__MAX);
		_exit(prefork_run(2, stubborn, NULL, 1));
	}
	if (!wait_workers(w, 2000))
		fail_msg("the master did not start 2 workers");
	assert_int_equal(kill(master, SIGTERM), 0);
	/* Still there half a second later: the master waits for them. */
	sleep_ms(500);
	assert_int_equal(waitpid(master, &st, WNOHANG), 0);
	for (t = 0; t < 2500; t += 20) {
		got = waitpid(master, &st, WNOHANG);
		if (got == master)
			break;
		sleep_ms(20);
	}
	if (got != master)
		fail_msg("the master did not stop its stubborn workers within drain_s");
	master = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(kill(w[0], 0) == -1);
	assert_true(kill(w[1], 0) == -1);
}

static char slot_dir[64];

/* Marks its slot with a file "<slot>.<pid>" in slot_dir, then waits to be stopped. */
static void slot_worker(void *arg, int slot)
{
	char path[128];
	FILE *f;

	(void)arg;
	snprintf(path, sizeof(path), "%s/%d.%d", slot_dir, slot, (int)getpid());
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	while (!prefork_stopping)
		pause();
}

/* The pid marked for slot, skipping not_pid; 0 when none (yet). */
static pid_t slot_pid(int slot, pid_t not_pid)
{
	DIR *d = opendir(slot_dir);
	struct dirent *e;
	pid_t pid = 0;
	int s, p;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (sscanf(e->d_name, "%d.%d", &s, &p) == 2 && s == slot && p != not_pid)
			pid = (pid_t)p;
	closedir(d);
	return pid;
}

/* Each worker is told its slot, 0..n-1; the worker that replaces a dead one takes its slot. */
static void test_slots(void **state)
{
	pid_t w[3], fresh = 0;
	long t;
	int i;

	(void)state;
	strcpy(slot_dir, "/tmp/test_prefork.XXXXXX");
	assert_non_null(mkdtemp(slot_dir));
	fflush(NULL);
	master = fork();
	assert_true(master >= 0);
	if (master == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		log_init("unit-master", LOG__MAX);
		_exit(prefork_run(3, slot_worker, NULL, 2));
	}
	for (t = 0; t < 3000; t += 20) {
		for (i = 0; i < 3 && (w[i] = slot_pid(i, 0)) != 0; i++)
			;
		if (i == 3)
			break;
		sleep_ms(20);
	}
	if (t >= 3000)
		fail_msg("the workers of slots 0, 1 and 2 did not all start");
	assert_true(slot_pid(3, 0) == 0);
	assert_int_equal(kill(w[1], SIGKILL), 0);
	for (t = 0; t < 3000 && (fresh = slot_pid(1, w[1])) == 0; t += 20)
		sleep_ms(20);
	if (fresh == 0)
		fail_msg("no new worker took slot 1");
	assert_int_not_equal(fresh, w[0]);
	assert_int_not_equal(fresh, w[2]);
	kill(master, SIGTERM);
	waitpid(master, NULL, 0);
	master = 0;
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", slot_dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_restart_and_drain, teardown),
		cmocka_unit_test_teardown(test_drain_timeout, teardown),
		cmocka_unit_test_teardown(test_slots, teardown),
	};

	return cmocka_run_group_tests_name("prefork", tests, NULL, NULL);
}
