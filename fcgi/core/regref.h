/* The register's reference data (regions, districts, sectors) indexed for finding them by what a file's cells say. */
#ifndef REGREF_H
#define REGREF_H

#include <stddef.h>

#include "arena.h"

/* The caller fills the arrays (from the database) and calls regref_index; the look-ups then take
 * a cell as written in a file. Keys are cell_key() of the names, so case, ё and spaces do not
 * matter. Everything stays in the arena the index was built in; nothing is copied. */
struct regref_region {
	long long id;
	const char *name, *key;
};
struct regref_district {
	long long id, region_id;
	const char *name, *key;
	const char *oktmo, *population; /* NULL when not known */
	const char *fp;                 /* the row's fingerprint, for the apply; opaque here */
};
struct regref_sector {
	long long id;
	const char *code, *name, *key;
};
struct regref {
	struct regref_region *regions;
	struct regref_district *districts;
	struct regref_sector *sectors;
	size_t nregions, ndistricts, nsectors;
	/* By regref_index: districts by region and name key, and those with a code by OKTMO (a national
	 * register has thousands, and every line looks one up). */
	const struct regref_district **by_name, **by_oktmo;
	size_t noktmo;
};

/* Sets every key and builds the look-ups; sorts districts by id. Allocates in the arena. */
void regref_index(struct arena *, struct regref *);
/* The region a cell names: by its number (id) or its name. NULL when none. */
const struct regref_region *regref_region(struct arena *, const struct regref *, const char *cell);
/* The district with this OKTMO code (as cell_oktmo gives it), or NULL. */
const struct regref_district *regref_district_by_oktmo(const struct regref *, const char *oktmo);
/* The district of the region whose name key (cell_key) is key, or NULL. */
const struct regref_district *regref_district_by_name(const struct regref *, long long region_id, const char *key);
/* The district with this id, or NULL. */
const struct regref_district *regref_district_by_id(const struct regref *, long long id);
/* The sector a cell names: by its code or its name. NULL when none. */
const struct regref_sector *regref_sector(struct arena *, const struct regref *, const char *cell);
/* The name of the sector with this id, "" when there is none. */
const char *regref_sector_name(const struct regref *, long long id);

#endif
