/* Per-request memory arena: many allocations, one reset. */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

/* Allocation failure aborts (a web worker cannot go on without memory). */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};

/* Returns zeroed memory aligned for any type, valid until arena_reset. */
void *arena_alloc(struct arena *, size_t);
/* Copies len bytes and appends a NUL. */
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_printf(struct arena *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Frees every chunk but the first, which is kept for the next request. */
void arena_reset(struct arena *);
void arena_free(struct arena *);

#endif
