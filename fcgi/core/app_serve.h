/* Serving: the pre-forking master's workers (readers, writers, background runners) and each request's life in one. */
#ifndef APP_SERVE_H
#define APP_SERVE_H

struct app;

/* Serves until SIGTERM: as a pre-forking FastCGI master on `listen` (or on fd 0
 * when it is a socket), or, when REQUEST_METHOD is set, one CGI request on
 * stdin/stdout. Returns the process exit code. */
int app_serve(struct app *);

#endif
