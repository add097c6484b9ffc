/* Statements of reference data: sectors, regions, districts, organisations. */
#ifndef DB_REF_H
#define DB_REF_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* Each returns a JSON array (new reference) of objects, or NULL on failure. */
json_t *db_sectors(struct db *, struct arena *);
json_t *db_regions(struct db *, struct arena *);
json_t *db_districts(struct db *, struct arena *, long long region_id);
/* Every district, {id, name: «Регион: Район»}, by region and name. */
json_t *db_districts_all(struct db *, struct arena *);
/* Active organisations of the register (status 'register') of a district: {id, short_name, sector_name}. */
json_t *db_organizations(struct db *, struct arena *, long long district_id);
/* Active organisations of the register of a region: {id, short_name, district}, by district and name. */
json_t *db_region_organizations(struct db *, struct arena *, long long region_id);
/* Returns 1 with the organisation's region and district, 0 no such active organisation of the register, -1 failure. */
int db_organization_place(struct db *, struct arena *, long long organization_id, long long *region_id,
			  long long *district_id);
/* The region of a district: its id, 0 no such district, -1 failure. */
long long db_district_region(struct db *, struct arena *, long long district_id);

#endif
