/* Pre-forking master: worker processes, restarts and a graceful stop. */
#ifndef PREFORK_H
#define PREFORK_H

/* Pre-forking master: runs child(arg, slot) in n worker processes (slot 0..n-1,
 * kept by a restarted worker), restarts a worker that dies, and on SIGTERM or
 * SIGINT passes the signal on and waits for the workers to drain (at most
 * drain_s seconds). Returns the exit code. */
int prefork_run(int n, void (*child)(void *, int), void *arg, int drain_s);
/* Set by the worker's SIGTERM handler: finish the current request, then exit. */
extern volatile int prefork_stopping;

#endif
