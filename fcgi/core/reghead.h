/* The header row of a register file: which row it is and which cell holds which column, by the words of their names. */
#ifndef REGHEAD_H
#define REGHEAD_H

#include "arena.h"
#include "sheet.h"

/* What a file of the ministry holds; the kind decides which columns are required. */
enum import_kind { IMPORT_ORGANIZATIONS, IMPORT_DISTRICTS, IMPORT__MAX };
extern const char *const import_kinds[IMPORT__MAX]; /* "organizations", "districts" as in SQL */

/* The columns a register file may have. */
enum reghead_col {
	COL_REGION,
	COL_DISTRICT,
	COL_OKTMO,
	COL_SECTOR,
	COL_NAME,
	COL_SHORT,
	COL_INN,
	COL_URLS,
	COL_POPULATION,
	COL__MAX
};

#define REGHEAD_ROWS 5 /* the header is looked for among the first rows, under a title */

/* Finds the header: the first of the top REGHEAD_ROWS rows that names every required column
 * (organisations: region, sector, full and short name, INN, and the district or the OKTMO code;
 * districts: region, district, OKTMO code, where a district may be called just «Наименование»).
 * A header cell is the column whose word beginnings (after cell_key) it has, tried in a fixed order,
 * so «Код ОКТМО района» is the OKTMO code, «Наименование района» the district and «Краткое
 * наименование» the short name; cells that name no column are ignored. Returns the row's index with
 * cols[c] the cell index of column c or -1, and *ignored the ignored cells («a», «b», at most 400
 * code points) or NULL. Returns -1 with *why, in Russian, about the first row when no row will do (a
 * required column missing or one named twice). Strings in the arena. */
long reghead_find(struct arena *, enum import_kind, const struct sheet *, long cols[COL__MAX], const char **ignored,
		  const char **why);

#endif
