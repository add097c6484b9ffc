/* The register's reference data (regions, districts, sectors) indexed for finding them by what a file's cells say. */
#include "regref.h"

#include <stdlib.h>
#include <string.h>

#include "cell.h"

static int by_name_cmp(const void *x, const void *y)
{
	const struct regref_district *a = *(const struct regref_district *const *)x,
				     *b = *(const struct regref_district *const *)y;

	return a->region_id != b->region_id ? (a->region_id > b->region_id) - (a->region_id < b->region_id)
					    : strcmp(a->key, b->key);
}

static int by_oktmo_cmp(const void *x, const void *y)
{
	return strcmp((*(const struct regref_district *const *)x)->oktmo,
		      (*(const struct regref_district *const *)y)->oktmo);
}

static int by_id_cmp(const void *x, const void *y)
{
	long long a = ((const struct regref_district *)x)->id, b = ((const struct regref_district *)y)->id;

	return (a > b) - (a < b);
}

void regref_index(struct arena *a, struct regref *f)
{
	size_t i;

	for (i = 0; i < f->nregions; i++)
		f->regions[i].key = cell_key(a, f->regions[i].name);
	for (i = 0; i < f->nsectors; i++)
		f->sectors[i].key = cell_key(a, f->sectors[i].name);
	qsort(f->districts, f->ndistricts, sizeof(*f->districts), by_id_cmp);
	f->by_name = arena_alloc(a, (f->ndistricts + 1) * sizeof(*f->by_name));
	f->by_oktmo = arena_alloc(a, (f->ndistricts + 1) * sizeof(*f->by_oktmo));
	f->noktmo = 0;
	for (i = 0; i < f->ndistricts; i++) {
		f->districts[i].key = cell_key(a, f->districts[i].name);
		f->by_name[i] = &f->districts[i];
		if (f->districts[i].oktmo != NULL)
			f->by_oktmo[f->noktmo++] = &f->districts[i];
	}
	qsort(f->by_name, f->ndistricts, sizeof(*f->by_name), by_name_cmp);
	qsort(f->by_oktmo, f->noktmo, sizeof(*f->by_oktmo), by_oktmo_cmp);
}

const struct regref_region *regref_region(struct arena *a, const struct regref *f, const char *cell)
{
	const char *key = cell_key(a, cell);
	char *end;
	long long id = strtoll(key, &end, 10);
	size_t i;

	for (i = 0; i < f->nregions; i++)
		if ((*end == '\0' && *key != '\0' && f->regions[i].id == id) || strcmp(f->regions[i].key, key) == 0)
			return &f->regions[i];
	return NULL;
}

const struct regref_district *regref_district_by_oktmo(const struct regref *f, const char *oktmo)
{
	const struct regref_district key = {.oktmo = oktmo}, *k = &key, **d;

	d = bsearch(&k, f->by_oktmo, f->noktmo, sizeof(*f->by_oktmo), by_oktmo_cmp);
	return d ? *d : NULL;
}

const struct regref_district *regref_district_by_name(const struct regref *f, long long region_id, const char *key)
{
	const struct regref_district k0 = {.region_id = region_id, .key = key}, *k = &k0, **d;

	d = bsearch(&k, f->by_name, f->ndistricts, sizeof(*f->by_name), by_name_cmp);
	return d ? *d : NULL;
}

const struct regref_district *regref_district_by_id(const struct regref *f, long long id)
{
	const struct regref_district key = {.id = id};

	return bsearch(&key, f->districts, f->ndistricts, sizeof(*f->districts), by_id_cmp);
}

const struct regref_sector *regref_sector(struct arena *a, const struct regref *f, const char *cell)
{
	const char *key = cell_key(a, cell);
	size_t i;

	for (i = 0; i < f->nsectors; i++)
		if (strcmp(f->sectors[i].code, key) == 0 || strcmp(f->sectors[i].key, key) == 0)
			return &f->sectors[i];
	return NULL;
}

const char *regref_sector_name(const struct regref *f, long long id)
{
	size_t i;

	for (i = 0; i < f->nsectors; i++)
		if (f->sectors[i].id == id)
			return f->sectors[i].name;
	return "";
}
