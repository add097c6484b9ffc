/* Request parsing: path, cookies, query, form, multipart and JSON bodies, all under hard limits. */
#include "req.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "io.h"

#define MAX_PARAMS  200
#define MAX_COOKIES 50

static int bad(struct req *r, int status, const char *msg)
{
	r->errmsg = msg;
	return status;
}

/* Adds one raw parameter after validation against the program's table. */
static int add_param(struct req *r, const char *k, size_t klen, char *v, size_t vlen, const char *filename,
		     const char *ctype)
{
	const struct field *f = valid_find(r->app->prog->fields, k, klen);
	const char *why;
	struct kv *p;

	if (f == NULL)
		return 0; /* unknown fields are ignored, never seen by handlers */
	if ((f->type == FT_FILE) != (filename != NULL))
		return fail_field(r, f->name, filename ? "ожидается текст, а не файл" : "ожидается файл");
	if (vlen == 0)
		return 0; /* empty counts as absent */
	if (f->type == FT_FILE) {
		if ((long)vlen > f->max)
			return fail_field(r, f->name, "файл слишком большой");
	} else if (!valid_check(f, v, vlen, &why))
		return fail_field(r, f->name, why);
	if (r->nparams >= MAX_PARAMS)
		return bad(r, 400, "Слишком много полей в запросе.");
	if (r->params == NULL)
		r->params = arena_alloc(&r->arena, MAX_PARAMS * sizeof(*r->params));
	p = &r->params[r->nparams++];
	/* A family's member keeps its own name (digits after the prefix, checked by valid_find). */
	p->key = f->name[strlen(f->name) - 1] == '*' ? arena_strndup(&r->arena, k, klen) : f->name;
	p->val = v;
	p->len = vlen;
	p->filename = filename;
	p->ctype = ctype;
	return 0;
}

/* a=b&c=d, percent-decoded, '+' as space. Works on a writable copy. */
static int parse_urlencoded(struct req *r, char *s, size_t len)
{
	char *p = s, *end = s + len;

	while (p < end) {
		char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		long kl, vl;
		int rc;

		if (amp == NULL)
			amp = end;
		*amp = '\0';
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq != NULL)
			*eq = '\0';
		kl = url_decode(p, strlen(p), 1);
		vl = eq ? url_decode(eq + 1, (size_t)(amp - eq - 1), 1) : 0;
		if (kl < 0 || vl < 0)
			return bad(r, 400, "Неверно закодированные данные формы.");
		if (kl > 0 && (rc = add_param(r, p, (size_t)kl, eq ? eq + 1 : amp, (size_t)vl, NULL, NULL)) != 0)
			return rc;
		p = amp + 1;
	}
	return 0;
}

static const char *header_param(struct arena *a, const char *h, size_t hlen, const char *name)
{
	size_t nl = strlen(name);
	const char *p = h, *end = h + hlen;

	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		if (semi == NULL)
			semi = end;
		while (p < semi && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(semi - p) > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1, *ve = semi;
			if (*v == '"') {
				v++;
				ve = memchr(v, '"', (size_t)(end - v));
				if (ve == NULL)
					return NULL;
			}
			return arena_strndup(a, v, (size_t)(ve - v));
		}
		p = semi + 1;
	}
	return NULL;
}

static int parse_multipart(struct req *r, char *body, size_t len, const char *ctype)
{
	const char *boundary = header_param(&r->arena, ctype, strlen(ctype), "boundary");
	char *delim, *p, *end = body + len;
	size_t dl;
	int parts = 0;

	if (boundary == NULL || *boundary == '\0' || strlen(boundary) > 200)
		return bad(r, 400, "Неверный формат составной формы: нет границы.");
	delim = arena_printf(&r->arena, "\r\n--%s", boundary);
	dl = strlen(delim);
	/* The first boundary has no preceding CRLF. */
	if (len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
		return bad(r, 400, "Неверный формат составной формы.");
	p = body + dl - 2;
	for (;;) {
		char *hend, *next, *name = NULL, *filename = NULL, *pctype = NULL, *h;
		int rc;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* closing boundary */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return bad(r, 400, "Неверный формат составной формы.");
		p += 2;
		if (++parts > MAX_PARAMS)
			return bad(r, 400, "Слишком много полей в запросе.");
		hend = (char *)memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hend == NULL)
			return bad(r, 400, "Неверный формат составной формы.");
		for (h = p; h < hend;) {
			char *eol = (char *)memmem(h, (size_t)(hend + 2 - h), "\r\n", 2);
			size_t hl = (size_t)(eol - h);
			if (hl > 30 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
				name = (char *)header_param(&r->arena, h + 20, hl - 20, "name");
				filename = (char *)header_param(&r->arena, h + 20, hl - 20, "filename");
			} else if (hl > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
				h += 13, hl -= 13;
				while (hl > 0 && *h == ' ')
					h++, hl--;
				pctype = arena_strndup(&r->arena, h, hl);
			}
			h = eol + 2;
		}
		p = hend + 4;
		next = (char *)memmem(p, (size_t)(end - p), delim, dl);
		if (next == NULL)
			return bad(r, 400, "Неверный формат составной формы: нет закрывающей границы.");
		*next = '\0';
		if (name == NULL)
			return bad(r, 400, "Неверный формат составной формы: у части нет имени.");
		if ((rc = add_param(r, name, strlen(name), p, (size_t)(next - p), filename, pctype)) != 0)
			return rc;
		p = next + dl;
	}
}

static int parse_json(struct req *r, const char *body, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err), *v;
	const char *k;
	int rc = 0;

	if (!json_is_object(o)) {
		json_decref(o);
		return bad(r, 400, "Неверный JSON: ожидается объект.");
	}
	json_object_foreach (o, k, v) {
		char *val;
		if (json_is_string(v))
			val = arena_strndup(&r->arena, json_string_value(v), json_string_length(v));
		else if (json_is_integer(v))
			val = arena_printf(&r->arena, "%lld", (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			val = arena_strdup(&r->arena, json_is_true(v) ? "1" : "");
		else if (json_is_null(v))
			continue;
		else {
			rc = bad(r, 400, "Неверный JSON: значения полей должны быть строками или числами.");
			break;
		}
		if ((rc = add_param(r, k, strlen(k), val, strlen(val), NULL, NULL)) != 0)
			break;
	}
	json_decref(o);
	return rc;
}

static void parse_cookies(struct req *r, const char *h)
{
	const char *p = h;

	while (*p && r->ncookies < MAX_COOKIES) {
		size_t n = strcspn(p, ";"), kl;
		const char *eq;
		while (*p == ' ')
			p++, n--;
		eq = memchr(p, '=', n);
		if (eq != NULL) {
			if (r->cookies == NULL)
				r->cookies = arena_alloc(&r->arena, MAX_COOKIES * sizeof(*r->cookies));
			kl = (size_t)(eq - p);
			r->cookies[r->ncookies].key = arena_strndup(&r->arena, p, kl);
			r->cookies[r->ncookies].val = arena_strndup(&r->arena, eq + 1, n - kl - 1);
			r->ncookies++;
		}
		p += n;
		if (*p == ';')
			p++;
	}
}

static int read_body(struct req *r, size_t max, char **out, size_t *outlen)
{
	const char *cl = io_param(r->io, "CONTENT_LENGTH");
	char *end, *body;
	long long n;
	size_t got = 0;

	*out = NULL;
	*outlen = 0;
	if (cl == NULL || *cl == '\0')
		return 0;
	n = strtoll(cl, &end, 10);
	if (*end != '\0' || n < 0)
		return bad(r, 400, "Неверная длина запроса.");
	if ((unsigned long long)n > max) {
		r->errmsg = arena_printf(&r->arena, "Слишком большой запрос: не более %zu КБ.", max / 1024);
		return 413;
	}
	body = arena_alloc(&r->arena, (size_t)n + 1);
	while (got < (size_t)n) {
		long k = io_read(r->io, body + got, (size_t)n - got);
		if (k <= 0)
			return bad(r, 400, "Запрос оборван.");
		got += (size_t)k;
	}
	body[got] = '\0';
	*out = body;
	*outlen = got;
	return 0;
}

int req_start(struct req *r)
{
	const char *m = io_param(r->io, "REQUEST_METHOD");
	const char *uri = io_param(r->io, "REQUEST_URI");
	const char *q = io_param(r->io, "QUERY_STRING");
	const char *ck = io_param(r->io, "HTTP_COOKIE");
	char *path;
	size_t plen;
	long n;

	r->method = m == NULL                ? M_OTHER
		    : strcmp(m, "GET") == 0  ? M_GET
		    : strcmp(m, "POST") == 0 ? M_POST
		    : strcmp(m, "HEAD") == 0 ? M_HEAD
					     : M_OTHER;
	r->ip = arena_strdup(&r->arena, (m = io_param(r->io, "REMOTE_ADDR")) ? m : "");
	r->accept = arena_strdup(&r->arena, (m = io_param(r->io, "HTTP_ACCEPT")) ? m : "");
	r->want_json = strstr(r->accept, "application/json") != NULL && strstr(r->accept, "text/html") == NULL;
	if (uri == NULL)
		uri = "/";
	plen = strcspn(uri, "?#");
	path = arena_strndup(&r->arena, uri, plen);
	if ((n = url_decode(path, plen, 0)) < 0 || utf8_count(path, (size_t)n) < 0 || path[0] != '/')
		return bad(r, 400, "Неверный адрес страницы.");
	r->path = path;
	r->query = arena_strdup(&r->arena, q ? q : "");
	if (ck != NULL)
		parse_cookies(r, ck);
	return 0;
}

int req_read(struct req *r, size_t body_max)
{
	const char *ct = io_param(r->io, "CONTENT_TYPE");
	char *body;
	size_t blen;
	int rc;

	if (r->query[0] != '\0' && (rc = parse_urlencoded(r, arena_strdup(&r->arena, r->query), strlen(r->query))) != 0)
		return rc;
	if ((rc = read_body(r, body_max, &body, &blen)) != 0 || blen == 0)
		return rc;
	if (ct == NULL)
		ct = "";
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		return parse_urlencoded(r, body, blen);
	if (strncasecmp(ct, "multipart/form-data", 19) == 0)
		return parse_multipart(r, body, blen, ct);
	if (strncasecmp(ct, "application/json", 16) == 0)
		return parse_json(r, body, blen);
	return bad(r, 415, "Неподдерживаемый тип данных запроса.");
}

const char *req_param(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].key, name) == 0 && r->params[i].filename == NULL)
			return r->params[i].val;
	return NULL;
}

size_t req_params(const struct req *r, const char *name, const char **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < r->nparams && n < max; i++)
		if (strcmp(r->params[i].key, name) == 0 && r->params[i].filename == NULL)
			out[n++] = r->params[i].val;
	return n;
}

long long req_int(const struct req *r, const char *name, long long def)
{
	const char *v = req_param(r, name);

	return v ? strtoll(v, NULL, 10) : def;
}

const struct kv *req_file(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].key, name) == 0 && r->params[i].filename != NULL)
			return &r->params[i];
	return NULL;
}

const char *req_cookie(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncookies; i++)
		if (strcmp(r->cookies[i].key, name) == 0)
			return r->cookies[i].val;
	return NULL;
}

const char *req_header(const struct req *r, const char *cgi_name)
{
	return io_param(r->io, cgi_name);
}

long long req_arg_id(const struct req *r, int i)
{
	const char *s = r->args[i];
	char *end;
	long long v;

	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 10)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v <= 2147483647LL ? v : 0;
}

const char *req_query(struct req *r, const char *const *keys)
{
	struct buf b = {0};
	const char *out;
	size_t i;

	for (i = 0; keys[i]; i++)
		if (req_param(r, keys[i]) != NULL) {
			buf_addc(&b, b.len ? '&' : '?');
			buf_adds(&b, keys[i]);
			buf_addc(&b, '=');
			url_encode(&b, req_param(r, keys[i]));
		}
	out = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	return out;
}
