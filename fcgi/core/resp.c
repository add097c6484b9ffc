/* Response: status, security headers, cookies, redirects, pages as HTML or JSON. */
#include "resp.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "io.h"

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "OK";
	}
}

static int has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	/* Header injection is a programmer error: values come from the program. */
	if (has_crlf(name) || has_crlf(value)) {
		log_msg(LOG_ERROR, r->rid, "resp: header %s with a line break dropped", name);
		return;
	}
	buf_addf(&r->head, "%s: %s\r\n", name, value);
}

void resp_cookie(struct req *r, const char *name, const char *value, long max_age)
{
	char age[48] = "";

	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	resp_header(r, "Set-Cookie",
		    arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value, age,
				 r->app->secure_cookies ? "; Secure" : ""));
}

/* RFC 6266: an ASCII-only filename (other characters, quotes, backslashes and controls as '_') for old clients,
 * and, when that changed the name, filename*=UTF-8'' with the name percent-encoded. */
static const char *disposition_of(struct req *r, const char *disposition, const char *name)
{
	static const char hexd[] = "0123456789ABCDEF";
	struct buf b = {0};
	const unsigned char *s;
	const char *out;

	buf_addf(&b, "%s; filename=\"", disposition);
	for (s = (const unsigned char *)name; *s; s++)
		if ((*s & 0xc0) != 0x80) /* one '_' for a whole UTF-8 character */
			buf_addc(&b, *s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\' ? '_' : (char)*s);
	buf_addc(&b, '"');
	for (s = (const unsigned char *)name; *s && *s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\'; s++)
		;
	if (*s != '\0') /* only a name the fallback changed needs its UTF-8 form */
		buf_adds(&b, "; filename*=UTF-8''");
	for (s = (const unsigned char *)(*s != '\0' ? name : ""); *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("!#$&+-.^_`|~", *s) != NULL)
			buf_addc(&b, (char)*s);
		else {
			buf_addc(&b, '%');
			buf_addc(&b, hexd[*s >> 4]);
			buf_addc(&b, hexd[*s & 15]);
		}
	out = arena_strndup(&r->arena, b.p, b.len);
	buf_free(&b);
	return out;
}

int resp_file(struct req *r, const char *disposition, const char *name)
{
	static const char *const types[][2] = {
		{".csv", "text/csv; charset=utf-8"},
		{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{".pdf", "application/pdf"},
		{".png", "image/png"},
		{".svg", "image/svg+xml"},
		{".ics", "text/calendar; charset=utf-8"},
		{".zip", "application/zip"},
		{".json", "application/json; charset=utf-8"},
	};
	const char *ext = strrchr(name, '.');
	size_t i;

	r->ctype = "application/octet-stream";
	for (i = 0; ext && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(ext, types[i][0]) == 0)
			r->ctype = types[i][1];
	resp_header(r, "Content-Disposition", disposition_of(r, disposition, name));
	return 200;
}

int resp_accel(struct req *r, const char *uri, const char *ctype, const char *disposition, const char *name)
{
	r->ctype = ctype;
	resp_header(r, "Content-Disposition", disposition_of(r, disposition, name));
	resp_header(r, "X-Accel-Redirect", uri);
	return 200;
}

int page(struct req *r, const char *tmpl, json_t *ctx)
{
	json_decref(r->ctx);
	r->ctx = ctx;
	r->page = tmpl;
	return 200;
}

int fail(struct req *r, int status, const char *msg)
{
	r->errmsg = msg;
	return status;
}

int fail_retry(struct req *r, int secs, const char *msg)
{
	resp_header(r, "Retry-After", arena_printf(&r->arena, "%d", secs));
	return fail(r, 503, msg);
}

int fail_field(struct req *r, const char *name, const char *why)
{
	const struct field *f = valid_find(r->app->prog->fields, name, strlen(name));

	r->errmsg = arena_printf(&r->arena, "Поле «%s»: %s.", f ? f->label : name, why);
	return 400;
}

int redirect(struct req *r, const char *path)
{
	r->location = path;
	return 303;
}

void resp_send(struct req *r)
{
	struct buf h = {0};

	buf_addf(&h, "Status: %d %s\r\n", r->status, reason(r->status));
	if (r->location != NULL && !has_crlf(r->location))
		buf_addf(&h, "Location: %s\r\n", r->location);
	buf_addf(&h, "Content-Type: %s\r\n", r->ctype ? r->ctype : "text/html; charset=utf-8");
	buf_addf(&h, "Content-Length: %zu\r\n", r->body.len);
	buf_adds(&h, "X-Content-Type-Options: nosniff\r\n"
		     "X-Frame-Options: DENY\r\n"
		     "Referrer-Policy: same-origin\r\n"
		     "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; "
		     "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
		     "form-action 'self'\r\n");
	if (r->head.len == 0 || strstr(r->head.p, "Cache-Control:") == NULL)
		buf_adds(&h, "Cache-Control: no-store\r\n");
	buf_add(&h, r->head.p ? r->head.p : "", r->head.len);
	buf_adds(&h, "\r\n");
	io_write(r->io, h.p, h.len);
	if (r->method != M_HEAD && r->body.len > 0)
		io_write(r->io, r->body.p, r->body.len);
	buf_free(&h);
}
