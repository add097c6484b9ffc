/* Serving: the pre-forking master's workers (readers, writers, background runners) and each request's life in one. */
#ifndef APP_SERVE_H
#define APP_SERVE_H

struct app;
struct req;

/* Serves until SIGTERM: as a pre-forking FastCGI master on `listen` (or on fd 0
 * when it is a socket), or, when REQUEST_METHOD is set, one CGI request on
 * stdin/stdout. Returns the process exit code. */
int app_serve(struct app *);
/* 1 while every write worker is serving (sign-ups saturate the program): a page that is the same for every
 * guest may then be answered from its last copy in the cache (at most a few seconds old) and made afresh
 * after the answer (app_replay_later), so readers never wait for a render behind the writers. With
 * test_faults = 1, the header X-Test-Fault: writers-busy makes it 1 for that request. */
int app_writers_busy(struct req *);
/* After this request's answer is sent, the worker makes it again for itself as a guest's GET (same path,
 * query, Accept and view cookie; the output dropped), so the cache gets a fresh copy. At most one pending. */
void app_replay_later(struct req *);
/* 1 in a request app_replay_later made. */
int app_replaying(void);

#endif
