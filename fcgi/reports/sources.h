/* The cells a coverage matrix is summed from, and their JSON form for a worker's cache. */
#ifndef SOURCES_H
#define SOURCES_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/db_report.h"

/* The register's cells (orgs), coverage's cells of a period (covered and people), the seminars
 * held in it and the invitations to the untrained made in it, as db_report_register, db_report_coverage,
 * db_report_seminars and db_report_invited read them. */
struct sources {
	long nreg, ncov, nsem;
	struct report_cell *reg, *cov;
	struct report_seminars *sem;
	long ninv;
	struct report_cell *inv; /* invited and signed_up (db_report_invited) */
};

/* Appends s to b as compact JSON, each kind a flat array of its rows' numbers: {"reg": [key,
 * sector_id, orgs, ...], "cov": [key, sector_id, covered, people, people_door, people_online,
 * ...], "sem": [key, sectors, n, ...], "inv": [key, sector_id, invited, signed_up, ...]}, sectors
 * being the bit mask as a signed 64-bit integer.
 * Only the measures each kind's query reads are kept (the others are 0). Flat, because parsing
 * is what a cache hit costs: about 1 ms for the country's 2,400 rows of the national data set. */
void sources_encode(const struct sources *, struct buf *b);
/* Returns 1 with s filled (arrays in the arena) from len bytes of sources_encode's JSON, 0 when
 * they are not that (s then holds nothing). */
int sources_decode(struct arena *, const char *p, size_t len, struct sources *s);

#endif
