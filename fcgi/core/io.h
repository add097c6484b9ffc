/* The request's connection: FastCGI through libfcgi, or plain CGI. */
#ifndef IO_H
#define IO_H

#include <stddef.h>

/* The request's connection: FastCGI (fcgx set), a replay (env set: a request the worker makes again for
 * itself, see app_serve.c's replay) or plain CGI (environment, stdin, stdout). */
struct req_io {
	void *fcgx;       /* FCGX_Request *, NULL in CGI mode and in a replay */
	char *const *env; /* a replay's parameters, "NAME=value", NULL-terminated; no body; its output is dropped */
};
/* A CGI/FastCGI parameter, or NULL. Valid until the request finishes. */
const char *io_param(struct req_io *, const char *name);
/* Reads up to n body bytes; returns the count, 0 at the end, -1 on error. */
long io_read(struct req_io *, char *, size_t n);
/* Writes n bytes to the client. */
void io_write(struct req_io *, const void *, size_t n);
/* FastCGI listener on a unix socket path (mode 0666 so nginx's workers can
 * connect) or on TCP "host:port" (an app server nginx reaches over the network), or
 * fd 0 when the process was started with a socket there; -1 when neither. */
int io_listen(const char *path);
/* Worker loop: accepts and calls fn for each request until prefork_stopping
 * or an accept failure; after each request is finished (the client has its answer), calls after(arg) when
 * set. */
void io_accept_loop(int fd, void (*fn)(struct req_io *, void *), void (*after)(void *), void *arg);

#endif
