/* Request input: parsing and validating the request, and reading its fields, cookies and headers. */
#ifndef REQ_H
#define REQ_H

#include <stddef.h>

struct kv;
struct req;

/* Parses the request line (method, path, query string, Accept) and the cookies. Returns 0, or 400
 * with r->errmsg set. */
int req_start(struct req *);
/* Then the query's and the body's fields, validating every field against the program's table; a
 * body over body_max bytes is refused before it is read. Returns 0, or an HTTP status (400, 413,
 * 415) with r->errmsg set. */
int req_read(struct req *, size_t body_max);

/* Request input. Values are validated by the program's field table before the
 * handler runs; absent and empty fields give NULL. */

/* The value of field name, or NULL. */
const char *req_param(const struct req *, const char *name);
/* All values of a repeated field (checkboxes), up to max; returns the count. */
size_t req_params(const struct req *, const char *name, const char **out, size_t max);
/* Parses a validated FT_ID/FT_INT field; returns def when absent. */
long long req_int(const struct req *, const char *name, long long def);
/* The query string of those of keys (NULL-terminated) the request has, "?a=1&b=x" URL-encoded, or
 * "" when none (arena): the filters of a page for its export and pager links. */
const char *req_query(struct req *, const char *const *keys);
/* The uploaded file part of field name (filename and ctype set), or NULL. */
const struct kv *req_file(const struct req *, const char *name);
/* The value of cookie name, or NULL. */
const char *req_cookie(const struct req *, const char *name);
/* A request header by its CGI name ("HTTP_USER_AGENT"), or NULL. */
const char *req_header(const struct req *, const char *cgi_name);
/* Route capture i as an id; 0 when not a positive integer. */
long long req_arg_id(const struct req *, int i);

#endif
