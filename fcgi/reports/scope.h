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
/* A report's export: its rows and columns, the sheet's name and title (XLSX), what the audit
 * records and the file's name. */
struct scope_file {
	const char *sheet, *title;
	const struct export_col *cols;
	size_t ncols;
	json_t *rows;
	const char *object_type; /* the audit's object: "region" or "district" */
	long long object_id;
	const char *what; /* the audit's detail starts "<what>.csv" or "<what>.xlsx" */
	const char *name; /* the file's name without its extension */
};
/* Writes f's rows as CSV or XLSX into the answer, audits the export (report.export, with the
 * period and the sectors of sc) and answers it as an attachment. Returns the status (500 when
 * the file cannot be made). */
int scope_export(struct req *, const struct scope *sc, int xlsx, const struct scope_file *f);
/* The common part of a page's context (new reference, NULL on failure): filter {region, sector,
 * period}, period_name, sectors, regions, country and the periods to choose from. */
json_t *scope_json(struct req *, const struct scope *sc);

#endif
