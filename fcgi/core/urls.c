/* Paths built from the URL contract's patterns (urls.h). */
#include "urls.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "text.h"

/* pattern with each capture replaced by the next of vals (n of them), in the arena; aborts when the
 * pattern has another number of captures. */
static const char *fill(struct arena *a, const char *pattern, const char *const *vals, size_t n)
{
	struct buf b = {0};
	const char *p = pattern, *open, *out;
	size_t k = 0;

	for (p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{'))
		k++;
	if (k != n) {
		log_msg(LOG_ERROR, NULL, "url: %zu values for the %zu captures of %s", n, k, pattern);
		abort();
	}
	for (p = pattern, k = 0; (open = strchr(p, '{')) != NULL; p = strchr(open, '}') + 1) {
		buf_add(&b, p, (size_t)(open - p));
		buf_adds(&b, vals[k++]);
	}
	buf_adds(&b, p);
	out = arena_strndup(a, b.p, b.len);
	buf_free(&b);
	return out;
}

const char *url_ids(struct arena *a, const char *pattern, const long long *ids, size_t n)
{
	const char *vals[4] = {0}; /* no pattern has more captures */

	for (size_t i = 0; i < n && i < sizeof(vals) / sizeof(vals[0]); i++)
		vals[i] = arena_printf(a, "%lld", ids[i]);
	return fill(a, pattern, vals, n);
}

const char *url_code(struct arena *a, const char *pattern, const char *code)
{
	struct buf b = {0};
	const char *val;

	url_encode(&b, code);
	val = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_free(&b);
	return fill(a, pattern, &val, 1);
}

json_t *url_row(struct arena *a, const char *pattern, const json_t *row)
{
	long long id = (long long)json_integer_value(json_object_get(row, "id"));

	return json_string(url_ids(a, pattern, &id, 1));
}
