/* Shared by the unit tests of the register's rules: a small register (regions, districts, sectors, organisations). */
#ifndef REGFIX_H
#define REGFIX_H

#include <string.h>

#include "regline.h"

/* A row of cells (a NULL-terminated list) as sheet_read gives it; line 0 until a test numbers it. */
#define ROW(...) regfix_row((const char *[]){__VA_ARGS__, NULL})
static inline struct sheet_row regfix_row(const char **cells)
{
	size_t n = 0;

	while (cells[n] != NULL)
		n++;
	return (struct sheet_row){0, n, cells};
}

/* Two regions; Грязинский and Мичуринский have OKTMO codes, Елецкий has none yet; given out of id order. */
static inline struct regref regfix_refs(struct arena *a)
{
	static const struct regref_region regions[] = {{1, "Липецкая область", NULL}, {2, "Тамбовская область", NULL}};
	static const struct regref_district districts[] = {
		{20, 2, "Мичуринский район", NULL, "68618000", "30100", "fp20"},
		{10, 1, "Грязинский район", NULL, "42606000", "74000", "fp10"},
		{11, 1, "Елецкий район", NULL, NULL, NULL, "fp11"},
	};
	static const struct regref_sector sectors[] = {{1, "edu", "Образование", NULL},
						       {2, "health", "Здравоохранение", NULL}};
	struct regref f = {0};

	f.regions = memcpy(arena_alloc(a, sizeof(regions)), regions, sizeof(regions));
	f.districts = memcpy(arena_alloc(a, sizeof(districts)), districts, sizeof(districts));
	f.sectors = memcpy(arena_alloc(a, sizeof(sectors)), sectors, sizeof(sectors));
	f.nregions = sizeof(regions) / sizeof(regions[0]);
	f.ndistricts = sizeof(districts) / sizeof(districts[0]);
	f.nsectors = sizeof(sectors) / sizeof(sectors[0]);
	regref_index(a, &f);
	return f;
}

/* Organisations of the register by INN: a school in Грязинский район, a merged one, a proposed one, an
 * inactive one. */
static const struct regline_org regfix_orgs[] = {
	{100, 10, 1, "4816105358", "Муниципальное бюджетное общеобразовательное учреждение «Школа №1»", "МБОУ СОШ №1",
	 "https://school1.ru", "register", "fp100", 1},
	{103, 11, 2, "4826000019", "Больница", "Больница", NULL, "register", "fp103", 0},
	{102, 10, 1, "4826000026", "Детский сад", "Детский сад", NULL, "proposed", "fp102", 0},
	{101, 10, 1, "7707083893", "Старая школа", "Старая школа", NULL, "merged", "fp101", 0},
};

#endif
