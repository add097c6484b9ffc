/* The period grammar of the coverage reports: keys, the dates they span, their names and choices. */
#ifndef PERIOD_H
#define PERIOD_H

#include <jansson.h>
#include <time.h>

#include "arena.h"

/* A period key is "all", a year ("2026"), a quarter ("2026-Q4") or a month ("2026-11"), with
 * years from 1900 to 9998: the keys of the coverage summary tables (migration 005). */
struct period {
	char key[8];           /* the key as given */
	char from[11], to[11]; /* the dates "YYYY-MM-DD" it spans, to excluded; all: 1000-01-01 to 9999-12-31 */
	const char *name; /* «за всё время», «2026 год», «IV квартал 2026», «ноябрь 2026» (static or arena) */
};

/* Returns 1 with p filled from the key s, 0 when s is not a key (p then holds nothing). */
int period_parse(struct arena *, const char *s, struct period *p);
/* The key of the period a report shows when none is asked for: the year of now in local time (arena). */
const char *period_default(struct arena *, time_t now);
/* The periods a user may choose besides all time, as a JSON array (new reference) of
 * {year: "2026", items: [{value, name}]}, one for each year from last down to first (the years
 * with data; none when first > last) with the year of now and the year of chosen (unless it is
 * all), each once, at most 64 years, latest first; items are the year, its quarters and its
 * months. Strings in the arena are copied into the JSON. */
json_t *period_choices(struct arena *, time_t now, const struct period *chosen, int first, int last);

#endif
