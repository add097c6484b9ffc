/* Writers per seminar and the workers' activity, shared by a program's workers through a table in shared memory. */
#include "gate.h"

#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#define WAKE_MS 10 /* a waiter looks again at least this often: a holder may have become stuck */

struct gate_row {
	long long key;   /* 0: this worker holds nothing */
	double since_ms; /* when it entered (CLOCK_MONOTONIC) */
	int serving;     /* a request is being served */
	double seen_ms;  /* when it last started or ended one */
};

struct gate_table {
	int lock; /* a spin lock over the few instructions of an entry */
	int turn; /* bumped when a key is left: waiters sleep on it (a futex shared by the processes) */
	int rows;
	double stall_ms;
	struct gate_row row[];
};

static struct gate_table *table;
static int self = -1;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void gate_init(int rows, double stall_ms)
{
	size_t size = sizeof(*table) + (size_t)rows * sizeof(table->row[0]);

	table = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED)
		abort();
	table->rows = rows;
	table->stall_ms = stall_ms;
}

/* Wakes the workers waiting for a key: one was left. */
static void wake(void)
{
	__atomic_add_fetch(&table->turn, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &table->turn, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void gate_attach(int slot)
{
	if (table == NULL || slot < 0 || slot >= table->rows)
		return;
	self = slot;
	/* A predecessor that died in a key leaves it now. */
	if (__atomic_exchange_n(&table->row[self].key, 0, __ATOMIC_ACQ_REL) != 0)
		wake();
	__atomic_store_n(&table->row[self].serving, 0, __ATOMIC_RELEASE);
}

static void lock(void)
{
	/* Held for a few instructions; a holder preempted on a busy machine is waited for without spinning. */
	while (__atomic_exchange_n(&table->lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void unlock(void)
{
	__atomic_store_n(&table->lock, 0, __ATOMIC_RELEASE);
}

/* Under the lock: 1 entered, 0 full with young holders (wait), -1 full with a stuck holder (refuse). */
static int try_enter(long long key, int limit, double now)
{
	int i, in = 0, stuck = 0;

	for (i = 0; i < table->rows; i++)
		if (i != self && table->row[i].key == key) {
			in++;
			stuck |= now - table->row[i].since_ms > table->stall_ms;
		}
	if (in < limit) {
		table->row[self].since_ms = now;
		table->row[self].key = key;
		return 1;
	}
	return stuck ? -1 : 0;
}

int gate_enter(long long key, int limit, double wait_ms)
{
	double start = now_ms(), now = start;
	int rc, turn;

	if (table == NULL || self < 0)
		return 1;
	for (;;) {
		turn = __atomic_load_n(&table->turn, __ATOMIC_ACQUIRE);
		lock();
		rc = try_enter(key, limit, now);
		unlock();
		if (rc != 0)
			return rc == 1;
		if (now - start >= wait_ms)
			return 0;
		/* Asleep until a key is left (a turn taken since the read above returns at once), not polling: a
		 * rush's waiters would otherwise take the CPU its writer needs. */
		{
			double left = wait_ms - (now - start), nap = left < WAKE_MS ? left : WAKE_MS;
			struct timespec t = {0, (long)(nap * 1e6)};
			syscall(SYS_futex, &table->turn, FUTEX_WAIT, turn, &t, NULL, 0);
		}
		now = now_ms();
	}
}

void gate_leave(void)
{
	if (table != NULL && self >= 0 && __atomic_exchange_n(&table->row[self].key, 0, __ATOMIC_ACQ_REL) != 0)
		wake();
}

void gate_serving(int on)
{
	if (table == NULL || self < 0)
		return;
	table->row[self].seen_ms = now_ms();
	__atomic_store_n(&table->row[self].serving, on, __ATOMIC_RELEASE);
}

int gate_serving_count(int from, int to)
{
	int i, n = 0;

	for (i = from; table != NULL && i < to && i < table->rows; i++)
		n += __atomic_load_n(&table->row[i].serving, __ATOMIC_ACQUIRE);
	return n;
}

double gate_quiet_ms(void)
{
	double now = now_ms(), last = 0;
	int i;

	if (table == NULL)
		return 1e12;
	/* Racy reads of whole doubles written by one worker each: at worst a request seen a moment late. */
	for (i = 0; i < table->rows; i++) {
		if (__atomic_load_n(&table->row[i].serving, __ATOMIC_ACQUIRE))
			return 0;
		if (table->row[i].seen_ms > last)
			last = table->row[i].seen_ms;
	}
	return last > 0 ? now - last : 1e12;
}
