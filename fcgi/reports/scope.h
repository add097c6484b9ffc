/* What a reviewer or organiser may see in the coverage reports: their regions, districts, sectors. */
#ifndef SCOPE_H
#define SCOPE_H

#include "../core/app.h"
#include "../core/period.h"

/* What a report may show, after the access checks. */
struct scope {
	long long region_id;     /* 0: the whole country, whose rows are regions */
	const char *region_name; /* «Вся страна» for the country */
	long long sector_id;     /* the sector filter, 0: none */
	json_t *sectors;         /* {id, name} of the columns: the user's sectors here, or the filter's */
	const char *sector_ids;  /* their ids for SQL: "1,3" (arena) */
	const char *all_ids;     /* the ids of every sector (arena) */
	json_t *regions;         /* {id, name} of the regions the user may choose */
	int country;             /* the user may see the whole country */
	struct period p;
};

/* Fills sc for the report of region_id (0: the country; -1: the user's default, the country when
 * they may see it, else their first region) with the request's sector filter and period (the
 * current year when none). Every grant of the user adds its region and sectors. Returns 0, or the
 * status to return (sc then holds nothing). */
int scope_load(struct req *, long long region_id, struct scope *sc);
/* Whether the user may see district_id of sc's region in some sector of sc (a grant may be
 * narrowed to districts). */
int scope_district(const struct req *, const struct scope *sc, long long district_id);
/* Drops the JSON sc holds. */
void scope_free(struct scope *sc);
/* The query string of a report's filters, "?region=5&period=2026&sector=1" (arena); with the
 * region only when region_id > 0. */
const char *scope_query(struct req *, const struct scope *sc, long long region_id);
/* «<place>, 2026 год, направления: Образование, Культура» for the titles of exports (arena). */
const char *scope_title(struct req *, const struct scope *sc, const char *place);
/* A report's export (see download.h) with the audit's note: the report, the period and the sectors of
 * sc ("coverage period=2025 sectors=1,3"). Returns the status. */
int scope_export(struct req *, const struct scope *sc, enum download_format f, struct download *d, const char *what);
/* The common part of a page's context (new reference, NULL on failure): filter {region, sector,
 * period}, period_name, sectors, regions, country and the periods to choose from. */
json_t *scope_json(struct req *, const struct scope *sc);

#endif
