/* Responses: what a handler answers (page, error, redirect, file) and sending it to the client. */
#ifndef RESP_H
#define RESP_H

#include <jansson.h>

struct req;

/* Response helpers. Each returns the HTTP status, so handlers end with
 * `return page(r, "home", ctx);`. */

/* Answers with template tmpl filled from ctx: the request loop renders it, or sends ctx as JSON
 * to a client that asks for JSON. ctx ownership passes to the request. Returns 200. */
int page(struct req *, const char *tmpl, json_t *ctx);
/* An error answer: the error page with the Russian message msg (static or in the arena).
 * Returns status. */
int fail(struct req *, int status, const char *msg);
/* 503 with Retry-After: secs and msg: try again in a moment (overload, the database down or busy). */
int fail_retry(struct req *, int secs, const char *msg);
/* Field-named 400: «Поле «label»: why». */
int fail_field(struct req *, const char *name, const char *why);
/* See other: sends the client to path (static or in the arena). Returns 303. */
int redirect(struct req *, const char *path);
/* Adds a header line to the answer; one with a line break is dropped (logged: a programmer error). */
void resp_header(struct req *, const char *name, const char *value);
/* A file answer of the body already written: the content type follows the
 * name's extension (csv, xlsx, pdf, png, svg, ics, zip, json), and Content-Disposition
 * is "attachment" (download) or "inline" with that name (RFC 6266: an ASCII fallback and
 * filename*=UTF-8''). Returns 200. */
int resp_file(struct req *, const char *disposition, const char *filename);
/* A file nginx sends from its internal location uri (X-Accel-Redirect), so the bytes never pass through
 * a worker; ctype (static or in the arena) and the Content-Disposition of name go with it. Returns 200. */
int resp_accel(struct req *, const char *uri, const char *ctype, const char *disposition, const char *name);
/* max_age < 0: session cookie; 0: delete. Always HttpOnly, SameSite=Lax, Path=/. */
void resp_cookie(struct req *, const char *name, const char *value, long max_age);
/* Writes status line, headers and body (none for HEAD) to the client. */
void resp_send(struct req *);

#endif
