/* The sums of a coverage report: a matrix of rows (districts or regions) x sectors with totals. */
#ifndef MATRIX_H
#define MATRIX_H

#include <jansson.h>

#include "sources.h"

/* Where a row's id is in the matrix. */
struct matrix_slot {
	long long id;
	size_t i;
};

/* (nrows + 1) x (ncols + 1) cells: row nrows holds the column totals, column ncols the row totals. */
struct matrix {
	size_t nrows, ncols;
	struct matrix_slot *slots; /* of the rows, sorted by id */
	long long *sector;         /* the sector of each column */
	struct report_cell *t;
};

/* Sets m up (arena) for the rows and the columns of sectors, both arrays of {id, ...} that m
 * keeps no reference to, every cell zero. */
void matrix_init(struct matrix *m, struct arena *, json_t *rows, json_t *sectors);
/* The cell of row i and column j (i == nrows: the totals row; j == ncols: the row's total). */
struct report_cell *matrix_cell(const struct matrix *m, size_t i, size_t j);
/* Adds the counts of a cell of the register, of coverage or of invitations (orgs, covered, people,
 * people_door, people_online, invited, signed_up) to its cell, its row's and its column's totals and the grand total; a
 * cell of a row or sector not in the matrix is left out. */
void matrix_add(struct matrix *m, const struct report_cell *c);
/* Adds seminars of a row with the same sectors to each shown sector's cell and column total, and
 * once to the row's total and the grand total when any of their sectors is shown: a seminar of
 * two sectors counts once in a total. */
void matrix_seminars(struct matrix *m, const struct report_seminars *x);
/* Adds every cell and seminar of s. */
void matrix_sum(struct matrix *m, const struct sources *s);
/* Coverage of a cell in tenths of a percent (covered / orgs), rounded half up; 0 when orgs is 0. */
long long matrix_tenths(const struct report_cell *t);

#endif
