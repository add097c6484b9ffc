/* Writers per seminar, and whether the workers are serving requests, shared by a program's worker processes: one
 * hot row never takes every worker, and background work knows when requests are waiting. */
#ifndef GATE_H
#define GATE_H

/* The table lives in a shared anonymous mapping that the master makes before it forks (gate_init), one
 * row per worker slot; each worker writes only its own row (gate_attach), so a worker that dies leaves
 * nothing held: its restarted successor clears the row. Without gate_init (CGI mode, unit tests) every
 * gate_enter succeeds. */

/* Makes the table for `rows` worker slots; stall_ms: a holder in longer than this is stuck (on a lock,
 * a slow database), and those waiting behind it are refused at once rather than held. Before fork. */
void gate_init(int rows, double stall_ms);
/* This process is worker `slot` (0..rows-1): clears its row. */
void gate_attach(int slot);
/* Enters key (a seminar id, > 0) when fewer than `limit` other workers are in it. When the key is full
 * and every holder is young, waits for a place (polling), at most wait_ms; when a holder is stuck,
 * refuses at once. Returns 1 entered (gate_leave ends it), 0 refused. */
int gate_enter(long long key, int limit, double wait_ms);
/* Leaves the key this worker entered (nothing when none): after the request, whatever happened. */
void gate_leave(void);
/* This worker starts (1) or ends (0) serving a request. */
void gate_serving(int on);
/* How many of the workers in slots from..to-1 are serving a request now. */
int gate_serving_count(int from, int to);
/* Milliseconds since a worker last served a request: 0 while one is serving, a large number when none ever
 * did or there is no table. Background runners (outside the table's slots) read it to let requests go first. */
double gate_quiet_ms(void);

#endif
