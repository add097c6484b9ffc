/* A worker's cache of response bodies and costly data. */
#ifndef CACHE_H
#define CACHE_H

#include "buf.h"

/* A worker's small cache of whole response bodies (pages that are the same
 * for every guest) or of other data that is costly to read (the country's
 * coverage cells). An entry serves only while the data version it was made
 * from is current, and never longer than max_age seconds. */

/* The body stored for key at this version (any version when NULL), fresh enough, or NULL; *ctype is set. */
const struct buf *cache_get(const char *key, const char *version, long max_age, const char **ctype);
/* Copies the body in (the oldest entry makes room). */
void cache_put(const char *key, const char *version, const char *ctype, const struct buf *body);

#endif
