/* Statements of the coverage reports: summary tables of coverage and the register, seminars held, one district's
 * organisations. */
#include "db_report.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_YEARS,
	Q_DISTRICT,
	Q_REGISTER_REGION,
	Q_REGISTER_COUNTRY,
	Q_COVERAGE_REGION,
	Q_COVERAGE_COUNTRY,
	Q_SEMINARS_REGION,
	Q_SEMINARS_COUNTRY,
	Q_INVITED_REGION,
	Q_INVITED_COUNTRY,
	Q_LAST_DISTRICT,
	Q_DISTRICT_ORGS,
	Q_ASOF,
	Q__MAX
};

/* Sector lists are bound as one comma-separated string ("1,3") and tested with FIND_IN_SET, so
 * one prepared statement serves any set of sectors. A region's report walks its districts by
 * district_region_name and reaches the summary rows by their primary keys; the country's report
 * reads one period's slice of coverage_cell (its primary key starts with the period). */
/* Seminars held, per row and set of sectors: the inner query makes one row per seminar with the
 * bits of its sectors, so a report can count a seminar once in a total of any sectors. */
#define SEMINARS_HELD(key, region)                                                                                     \
	"SELECT x.k, x.m, COUNT(*) FROM (SELECT " key " AS k, BIT_OR(1 << ss.sector_id) AS m "                         \
	"FROM seminar s JOIN seminar_sector ss ON ss.seminar_id = s.id "                                               \
	"WHERE s.status IN ('published', 'finished') AND s.starts_at >= ? AND s.starts_at < ? "                        \
	"AND s.district_id IS NOT NULL" region " GROUP BY s.id, " key ") x GROUP BY x.k, x.m"

/* Invitations to the untrained per row and sector: the invitations' own table (a region's by its key), and the
 * sign-up of each invited person for that seminar by registration_once (seminar, person). */
#define INVITED(key, region)                                                                                           \
	"SELECT " key ", i.sector_id, COUNT(*), COUNT(r.id) FROM untrained_invite i "                                  \
	"LEFT JOIN registration r ON r.seminar_id = i.seminar_id AND r.person_id = i.person_id "                       \
	"AND r.status <> 'cancelled' WHERE " region "i.invited_at >= ? AND i.invited_at < ? "                          \
	"AND FIND_IN_SET(i.sector_id, ?) GROUP BY " key ", i.sector_id"

static struct dbq q[Q__MAX] = {
	/* Two dives into the primary key (it starts with the period; 'all' sorts after the digits).
	 * Not DISTINCT: MariaDB 10.11 drops the loose index scan when a prepared statement runs again,
	 * and reads every row (measured: 150 ms on the national data set). */
	[Q_YEARS] = {"SELECT LEFT(MIN(period), 4), LEFT(MAX(period), 4) FROM coverage_cell WHERE period < 'a'"},
	[Q_DISTRICT] = {"SELECT d.region_id, d.name, r.name FROM district d JOIN region r ON r.id = d.region_id "
			"WHERE d.id = ?"},
	[Q_REGISTER_REGION] = {"SELECT rc.district_id, rc.sector_id, rc.orgs FROM district d "
			       "JOIN register_cell rc ON rc.district_id = d.id "
			       "WHERE d.region_id = ? AND FIND_IN_SET(rc.sector_id, ?)"},
	[Q_REGISTER_COUNTRY] = {"SELECT d.region_id, rc.sector_id, SUM(rc.orgs) FROM register_cell rc "
				"JOIN district d ON d.id = rc.district_id WHERE FIND_IN_SET(rc.sector_id, ?) "
				"GROUP BY d.region_id, rc.sector_id"},
	[Q_COVERAGE_REGION] = {"SELECT c.district_id, c.sector_id, c.orgs_covered, c.people, c.people_door, "
			       "c.people_online FROM district d "
			       "JOIN coverage_cell c ON c.period = ? AND c.district_id = d.id "
			       "WHERE d.region_id = ? AND FIND_IN_SET(c.sector_id, ?)"},
	[Q_COVERAGE_COUNTRY] = {"SELECT d.region_id, c.sector_id, SUM(c.orgs_covered), SUM(c.people), "
				"SUM(c.people_door), SUM(c.people_online) FROM coverage_cell c "
				"JOIN district d ON d.id = c.district_id "
				"WHERE c.period = ? AND FIND_IN_SET(c.sector_id, ?) GROUP BY d.region_id, c.sector_id"},
	[Q_SEMINARS_REGION] = {SEMINARS_HELD("s.district_id", " AND s.region_id = ?")},
	[Q_SEMINARS_COUNTRY] = {SEMINARS_HELD("s.region_id", "")},
	[Q_INVITED_REGION] = {INVITED("i.district_id", "i.region_id = ? AND ")},
	[Q_INVITED_COUNTRY] = {INVITED("i.region_id", "")},
	[Q_LAST_DISTRICT] = {"SELECT MAX(id) FROM district"},
	[Q_DISTRICT_ORGS] = {"SELECT o.id, o.short_name, o.inn, o.sector_id, x.name, IFNULL(co.n, 0) > 0, "
			     "(SELECT MAX(f.held_on) FROM coverage_fact f WHERE f.organization_id = o.id "
			     "AND f.held_on < ?), "
			     "(SELECT COUNT(DISTINCT f.person_id) FROM coverage_fact f WHERE f.organization_id = o.id "
			     "AND f.held_on >= ? AND f.held_on < ?) "
			     "FROM organization o JOIN sector x ON x.id = o.sector_id "
			     "LEFT JOIN coverage_org co ON co.organization_id = o.id AND co.sector_id = o.sector_id "
			     "AND co.period = ? "
			     "WHERE o.district_id = ? AND o.status = 'register' AND o.active "
			     "AND FIND_IN_SET(o.sector_id, ?) ORDER BY 6, o.short_name, o.id"},
	/* The primary stamps the heartbeat every second (sql/procedures/090-heartbeat.sql); a replica has the
	 * stamp of the last second it applied. */
	[Q_ASOF] = {"SELECT DATE_FORMAT(beat, '%d.%m.%Y %H:%i:%s'), GREATEST(TIMESTAMPDIFF(SECOND, beat, NOW(6)), 0) "
		    "FROM replication_heartbeat WHERE id = 1"},
};

int db_report_years(struct db *d, struct arena *a, int *first, int *last)
{
	struct dbres res;

	if (db_run(d, &q[Q_YEARS], NULL, 0, &res, a) == -1)
		return -1;
	if (res.nrows == 0 || dbres_str(&res, 0, 0) == NULL)
		return 0;
	*first = (int)dbres_int(&res, 0, 0);
	*last = (int)dbres_int(&res, 0, 1);
	return 1;
}

int db_report_district(struct db *d, struct arena *a, long long id, long long *region_id, const char **name,
		       const char **region)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres res;

	if (db_run(d, &q[Q_DISTRICT], v, NELEM(v), &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	*region_id = dbres_int(&res, 0, 0);
	*name = dbres_str(&res, 0, 1);
	*region = dbres_str(&res, 0, 2);
	return 1;
}

int db_report_asof(struct db *d, struct arena *a, const char **asof, long long *lag_s)
{
	struct dbres res;

	if (db_run(d, &q[Q_ASOF], NULL, 0, &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	*asof = dbres_str(&res, 0, 0);
	*lag_s = dbres_int(&res, 0, 1);
	return 1;
}

/* Runs a statement whose rows are (key, sector_id, counts...) into cells; the counts go to the
 * measures at offsets. NULL keys (ROLLUP's totals) become 0. */
static long cells_of(struct db *d, struct arena *a, struct dbq *st, const struct dbv *v, size_t n,
		     const size_t *offsets, size_t noffsets, struct report_cell **cells)
{
	struct dbres res;
	size_t i, k;

	if (db_run(d, st, v, n, &res, a) == -1)
		return -1;
	*cells = arena_alloc(a, (res.nrows + 1) * sizeof(**cells));
	for (i = 0; i < res.nrows; i++) {
		struct report_cell *c = &(*cells)[i];
		c->key = dbres_int(&res, i, 0);
		c->sector_id = dbres_int(&res, i, 1);
		for (k = 0; k < noffsets; k++)
			*(long long *)((char *)c + offsets[k]) = dbres_int(&res, i, 2 + k);
	}
	return (long)res.nrows;
}

long db_report_register(struct db *d, struct arena *a, long long region_id, const char *sectors,
			struct report_cell **cells)
{
	static const size_t m[] = {offsetof(struct report_cell, orgs)};
	struct dbv v[] = {DB_DV_INT(region_id), DB_DV_STR(sectors)};

	if (region_id == 0)
		return cells_of(d, a, &q[Q_REGISTER_COUNTRY], v + 1, 1, m, 1, cells);
	return cells_of(d, a, &q[Q_REGISTER_REGION], v, 2, m, 1, cells);
}

long db_report_coverage(struct db *d, struct arena *a, long long region_id, const char *sectors, const char *period,
			struct report_cell **cells)
{
	static const size_t m[] = {offsetof(struct report_cell, covered), offsetof(struct report_cell, people),
				   offsetof(struct report_cell, people_door),
				   offsetof(struct report_cell, people_online)};
	struct dbv v[] = {DB_DV_STR(period), DB_DV_INT(region_id), DB_DV_STR(sectors)};

	if (region_id == 0) {
		v[1] = v[2];
		return cells_of(d, a, &q[Q_COVERAGE_COUNTRY], v, 2, m, 4, cells);
	}
	return cells_of(d, a, &q[Q_COVERAGE_REGION], v, 3, m, 4, cells);
}

long db_report_invited(struct db *d, struct arena *a, long long region_id, const char *sectors, const char *from,
		       const char *to, struct report_cell **cells)
{
	static const size_t m[] = {offsetof(struct report_cell, invited), offsetof(struct report_cell, signed_up)};
	struct dbv v[] = {DB_DV_INT(region_id), DB_DV_STR(from), DB_DV_STR(to), DB_DV_STR(sectors)};

	if (region_id == 0)
		return cells_of(d, a, &q[Q_INVITED_COUNTRY], v + 1, 3, m, 2, cells);
	return cells_of(d, a, &q[Q_INVITED_REGION], v, 4, m, 2, cells);
}

long db_report_seminars(struct db *d, struct arena *a, long long region_id, const char *from, const char *to,
			struct report_seminars **rows)
{
	struct dbv v[] = {DB_DV_STR(from), DB_DV_STR(to), DB_DV_INT(region_id)};
	struct dbres res;
	size_t i;

	if (db_run(d, &q[region_id > 0 ? Q_SEMINARS_REGION : Q_SEMINARS_COUNTRY], v, region_id > 0 ? 3 : 2, &res, a) ==
	    -1)
		return -1;
	*rows = arena_alloc(a, (res.nrows + 1) * sizeof(**rows));
	for (i = 0; i < res.nrows; i++)
		(*rows)[i] = (struct report_seminars){dbres_int(&res, i, 0), strtoull(dbres_str(&res, i, 1), NULL, 10),
						      dbres_int(&res, i, 2)};
	return (long)res.nrows;
}

long long db_report_last_district(struct db *d, struct arena *a)
{
	struct dbres res;

	if (db_run(d, &q[Q_LAST_DISTRICT], NULL, 0, &res, a) == -1)
		return -1;
	return dbres_int(&res, 0, 0);
}

json_t *db_report_district_orgs(struct db *d, struct arena *a, long long district_id, const char *sectors,
				const char *period, const char *from, const char *to)
{
	static const char *const k[] = {"#id",      "short_name", "inn",     "#sector_id", "sector",
					"#covered", "last_on",    "#people", NULL};
	struct dbv v[] = {DB_DV_STR(to),     DB_DV_STR(from),        DB_DV_STR(to),
			  DB_DV_STR(period), DB_DV_INT(district_id), DB_DV_STR(sectors)};

	return db_json(d, &q[Q_DISTRICT_ORGS], v, NELEM(v), a, k);
}
