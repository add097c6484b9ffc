/* A worker's small cache of whole responses, each valid for one data version and a short time. */
#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SLOTS 32

struct slot {
	char *key, *version, *ctype;
	struct buf body;
	time_t stored;
	unsigned long seq; /* order of storing: the smallest goes first */
};

static struct slot slots[CACHE_SLOTS];
static unsigned long stores;

const struct buf *cache_get(const char *key, const char *version, long max_age, const char **ctype)
{
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &slots[i];
		if (s->key == NULL || strcmp(s->key, key) != 0)
			continue;
		if ((version != NULL && strcmp(s->version, version) != 0) || now - s->stored > max_age)
			return NULL;
		*ctype = s->ctype;
		return &s->body;
	}
	return NULL;
}

static char *dup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

void cache_put(const char *key, const char *version, const char *ctype, const struct buf *body)
{
	struct slot *s = NULL;
	size_t i;

	/* The same key, else an empty slot, else the oldest. */
	for (i = 0; i < CACHE_SLOTS && s == NULL; i++)
		if (slots[i].key != NULL && strcmp(slots[i].key, key) == 0)
			s = &slots[i];
	for (i = 0; i < CACHE_SLOTS && s == NULL; i++)
		if (slots[i].key == NULL)
			s = &slots[i];
	if (s == NULL) {
		s = &slots[0];
		for (i = 1; i < CACHE_SLOTS; i++)
			if (slots[i].seq < s->seq)
				s = &slots[i];
	}
	free(s->key);
	free(s->version);
	free(s->ctype);
	s->key = dup(key);
	s->version = dup(version);
	s->ctype = dup(ctype);
	buf_reset(&s->body);
	buf_add(&s->body, body->p, body->len);
	s->stored = time(NULL);
	s->seq = ++stores;
}
