/* Statements of the coverage reports. */
#ifndef DB_REPORT_H
#define DB_REPORT_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* Read only the summary tables of migration 005 (coverage_cell, register_cell, coverage_org,
 * coverage_fact) and seminar rows: never a join over registrations. sectors is a
 * comma-separated list of sector ids ("1,3"); period a period key of period.h ("all", "2026", "2026-Q4",
 * "2026-11"); from and to the dates "YYYY-MM-DD" the period spans, to excluded. A report's rows
 * are the districts of region_id, or the regions of the country when region_id is 0. */
struct report_cell {
	long long key; /* the district, or the region in the country's report */
	long long sector_id;
	long long orgs, covered, people, people_door, people_online, seminars;
	long long invited, signed_up; /* invitations to the untrained, and of them signed up for their seminar */
};
/* Returns 1 with the first and the last year that coverage_cell has periods of, 0 when it has
 * none, -1 on failure. */
int db_report_years(struct db *, struct arena *, int *first, int *last);
/* Returns 1 with the district's region and both names (arena), 0 no such district, -1 failure. */
int db_report_district(struct db *, struct arena *, long long id, long long *region_id, const char **name,
		       const char **region);
/* Each fills *cells (arena) with the cells that have counts, and only its own measures (the
 * others 0), and returns their number, or -1 on failure.
 * register: orgs, the active organisations of the register per cell. */
long db_report_register(struct db *, struct arena *, long long region_id, const char *sectors,
			struct report_cell **cells);
/* coverage: covered, people, people_door and people_online per cell in period. */
long db_report_coverage(struct db *, struct arena *, long long region_id, const char *sectors, const char *period,
			struct report_cell **cells);
/* invited and signed_up per cell: the invitations to the untrained (migration 019) made in [from, to) to people
 * of the cell's organisations (where they stood when invited), and how many of those people are signed up for the
 * seminar they were invited to (a cancelled sign-up does not count). */
long db_report_invited(struct db *, struct arena *, long long region_id, const char *sectors, const char *from,
		       const char *to, struct report_cell **cells);
/* Seminars held (published or finished, with a district, starting in [from, to)) of a row with
 * the same sectors: a report counts a seminar once in a total of any sectors. Sector ids are
 * below 64. */
struct report_seminars {
	long long key;              /* the district, or the region in the country's report */
	unsigned long long sectors; /* bit (1 << id) of each of their sectors */
	long long n;
};
/* Fills *rows (arena) and returns their number, or -1 on failure. */
long db_report_seminars(struct db *, struct arena *, long long region_id, const char *from, const char *to,
			struct report_seminars **rows);
/* The largest district id (a new district or region shows at once in cached reports), -1 on failure. */
long long db_report_last_district(struct db *, struct arena *);
/* Active register organisations of a district as a JSON array (new reference, NULL on failure):
 * {id, short_name, inn, sector_id, sector, covered (1/0 in period), last_on (the latest training
 * before to, or null), people (distinct people trained in [from, to))}, those not covered first,
 * then by name. */
json_t *db_report_district_orgs(struct db *, struct arena *, long long district_id, const char *sectors,
				const char *period, const char *from, const char *to);
/* The time a replica's data are from: the last heartbeat of the primary it applied ("06.12.2026 10:42:17", arena)
 * and how many seconds ago that was by the replica's clock. Returns 1, 0 when there is no heartbeat, -1 failure. */
int db_report_asof(struct db *, struct arena *, const char **asof, long long *lag_s);

#endif
