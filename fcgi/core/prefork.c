/* Pre-forking master: keeps n workers alive, drains them on SIGTERM. */
#include "prefork.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

volatile int prefork_stopping;
static volatile sig_atomic_t got_term, got_chld;

static void on_term(int s)
{
	got_term = s;
}

static void on_chld(int s)
{
	(void)s;
	got_chld = 1;
}

static void on_worker_term(int s)
{
	(void)s;
	prefork_stopping = 1;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked accept() must return so the worker can stop. */
	sigaction(sig, &sa, NULL);
}

static pid_t spawn(void (*child)(void *, int), void *arg, int slot, const sigset_t *orig)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	handle(SIGTERM, on_worker_term);
	handle(SIGINT, SIG_IGN);
	handle(SIGCHLD, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigprocmask(SIG_SETMASK, orig, NULL);
	child(arg, slot);
	_exit(0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int prefork_run(int n, void (*child)(void *, int), void *arg, int drain_s)
{
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	time_t *born = calloc((size_t)n, sizeof(*born));
	sigset_t block, orig;
	int i, alive;
	long waited;

	if (pids == NULL || born == NULL)
		abort();
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	handle(SIGTERM, on_term);
	handle(SIGINT, on_term);
	handle(SIGCHLD, on_chld);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++) {
		pids[i] = spawn(child, arg, i, &orig);
		born[i] = time(NULL);
	}
	log_msg(LOG_INFO, NULL, "master: %d workers started", n);
	while (!got_term) {
		sigsuspend(&orig);
		if (!got_chld)
			continue;
		got_chld = 0;
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);
			if (p <= 0)
				break;
			for (i = 0; i < n; i++)
				if (pids[i] == p)
					break;
			if (i == n)
				continue;
			if (WIFSIGNALED(st))
				log_msg(LOG_WARN, NULL, "master: worker %d killed by signal %d", (int)p, WTERMSIG(st));
			else
				log_msg(LOG_WARN, NULL, "master: worker %d exited with %d", (int)p, WEXITSTATUS(st));
			pids[i] = 0;
			if (got_term)
				continue;
			/* A worker that dies at once (database down) is restarted slowly. */
			if (time(NULL) - born[i] < 1)
				sleep(1);
			pids[i] = spawn(child, arg, i, &orig);
			born[i] = time(NULL);
		}
	}
	log_msg(LOG_INFO, NULL, "master: signal %d, draining", (int)got_term);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (waited = 0;; waited += 20) {
		for (i = 0, alive = 0; i < n; i++) {
			if (pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == pids[i])
				pids[i] = 0;
			alive += pids[i] > 0;
		}
		if (alive == 0)
			break;
		if (waited >= drain_s * 1000L) {
			for (i = 0; i < n; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGKILL);
			while (wait(NULL) > 0 || errno == EINTR)
				;
			break;
		}
		sleep_ms(20);
	}
	free(pids);
	free(born);
	log_msg(LOG_INFO, NULL, "master: stopped");
	return 0;
}
