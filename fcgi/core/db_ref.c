/* Statements of reference data: sectors, regions, districts and the register of organisations (pickers offer only
 * active organisations of the register). */
#include "db_ref.h"

#include <string.h>

enum {
	Q_SECTORS,
	Q_REGIONS,
	Q_DISTRICTS,
	Q_ORGS,
	Q_REGION_ORGS,
	Q_ORG_PLACE,
	Q_DISTRICT_REGION,
	Q_DISTRICTS_ALL,
	Q__MAX
};

static struct dbq q[Q__MAX] = {
	[Q_SECTORS] = {"SELECT id, code, name FROM sector ORDER BY id"},
	[Q_REGIONS] = {"SELECT id, name FROM region ORDER BY name"},
	[Q_DISTRICTS] = {"SELECT id, name FROM district WHERE region_id = ? ORDER BY name"},
	[Q_ORGS] = {"SELECT o.id, o.short_name, s.name FROM organization o JOIN sector s ON s.id = o.sector_id "
		    "WHERE o.district_id = ? AND o.active AND o.status = 'register' ORDER BY o.short_name"},
	[Q_REGION_ORGS] =
		{"SELECT o.id, o.short_name, d.name FROM organization o JOIN district d ON d.id = o.district_id "
		 "WHERE d.region_id = ? AND o.active AND o.status = 'register' ORDER BY d.name, o.short_name"},
	[Q_ORG_PLACE] = {"SELECT d.region_id, d.id FROM organization o JOIN district d ON d.id = o.district_id "
			 "WHERE o.id = ? AND o.active AND o.status = 'register'"},
	[Q_DISTRICT_REGION] = {"SELECT region_id FROM district WHERE id = ?"},
	[Q_DISTRICTS_ALL] = {"SELECT d.id, CONCAT(r.name, ': ', d.name) FROM district d "
			     "JOIN region r ON r.id = d.region_id ORDER BY r.name, d.name"},
};

json_t *db_sectors(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id", "code", "name", NULL};

	return db_json(d, &q[Q_SECTORS], NULL, 0, a, k);
}

json_t *db_regions(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id", "name", NULL};

	return db_json(d, &q[Q_REGIONS], NULL, 0, a, k);
}

json_t *db_districts(struct db *d, struct arena *a, long long region_id)
{
	static const char *const k[] = {"#id", "name", NULL};
	struct dbv v[] = {DB_DV_INT(region_id)};

	return db_json(d, &q[Q_DISTRICTS], v, NELEM(v), a, k);
}

json_t *db_organizations(struct db *d, struct arena *a, long long district_id)
{
	static const char *const k[] = {"#id", "short_name", "sector_name", NULL};
	struct dbv v[] = {DB_DV_INT(district_id)};

	return db_json(d, &q[Q_ORGS], v, NELEM(v), a, k);
}

json_t *db_region_organizations(struct db *d, struct arena *a, long long region_id)
{
	static const char *const k[] = {"#id", "short_name", "district", NULL};
	struct dbv v[] = {DB_DV_INT(region_id)};

	return db_json(d, &q[Q_REGION_ORGS], v, NELEM(v), a, k);
}

int db_organization_place(struct db *d, struct arena *a, long long id, long long *region_id, long long *district_id)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres res;

	if (db_run(d, &q[Q_ORG_PLACE], v, NELEM(v), &res, a) == -1)
		return -1;
	if (res.nrows == 0)
		return 0;
	*region_id = dbres_int(&res, 0, 0);
	*district_id = dbres_int(&res, 0, 1);
	return 1;
}

long long db_district_region(struct db *d, struct arena *a, long long district_id)
{
	struct dbv v[] = {DB_DV_INT(district_id)};
	struct dbres res;

	if (db_run(d, &q[Q_DISTRICT_REGION], v, NELEM(v), &res, a) == -1)
		return -1;
	return res.nrows ? dbres_int(&res, 0, 0) : 0;
}

json_t *db_districts_all(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id", "name", NULL};

	return db_json(d, &q[Q_DISTRICTS_ALL], NULL, 0, a, k);
}
