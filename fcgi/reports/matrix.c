/* The sums of a coverage report: a matrix of rows (districts or regions) x sectors with totals. */
#include "matrix.h"

#include <stdlib.h>

#define CELL(m, i, j) (&(m)->t[(i) * ((m)->ncols + 1) + (j)])

static int slot_cmp(const void *a, const void *b)
{
	long long x = ((const struct matrix_slot *)a)->id, y = ((const struct matrix_slot *)b)->id;

	return (x > y) - (x < y);
}

void matrix_init(struct matrix *m, struct arena *a, json_t *rows, json_t *sectors)
{
	json_t *x;
	size_t i;

	m->nrows = json_array_size(rows);
	m->ncols = json_array_size(sectors);
	m->slots = arena_alloc(a, (m->nrows + 1) * sizeof(*m->slots));
	json_array_foreach (rows, i, x)
		m->slots[i] = (struct matrix_slot){json_integer_value(json_object_get(x, "id")), i};
	qsort(m->slots, m->nrows, sizeof(*m->slots), slot_cmp);
	m->sector = arena_alloc(a, (m->ncols + 1) * sizeof(*m->sector));
	json_array_foreach (sectors, i, x)
		m->sector[i] = json_integer_value(json_object_get(x, "id"));
	m->t = arena_alloc(a, (m->nrows + 1) * (m->ncols + 1) * sizeof(*m->t));
}

struct report_cell *matrix_cell(const struct matrix *m, size_t i, size_t j)
{
	return CELL(m, i, j);
}

/* The row of district or region id, or -1 when it is not in the matrix. */
static long row_of(const struct matrix *m, long long id)
{
	struct matrix_slot key = {id, 0};
	const struct matrix_slot *f = bsearch(&key, m->slots, m->nrows, sizeof(key), slot_cmp);

	return f != NULL ? (long)f->i : -1;
}

/* The column of a sector, or -1 when it is not shown. */
static long col_of(const struct matrix *m, long long sector_id)
{
	for (size_t j = 0; j < m->ncols; j++)
		if (m->sector[j] == sector_id)
			return (long)j;
	return -1;
}

void matrix_add(struct matrix *m, const struct report_cell *c)
{
	long i = row_of(m, c->key), j = col_of(m, c->sector_id);
	size_t at[4][2];

	if (i < 0 || j < 0)
		return;
	at[0][0] = at[1][0] = (size_t)i;
	at[2][0] = at[3][0] = m->nrows;
	at[0][1] = at[2][1] = (size_t)j;
	at[1][1] = at[3][1] = m->ncols;
	for (size_t k = 0; k < 4; k++) {
		struct report_cell *t = CELL(m, at[k][0], at[k][1]);
		t->orgs += c->orgs;
		t->covered += c->covered;
		t->people += c->people;
		t->people_door += c->people_door;
		t->people_online += c->people_online;
		t->invited += c->invited;
		t->signed_up += c->signed_up;
	}
}

void matrix_seminars(struct matrix *m, const struct report_seminars *x)
{
	long i = row_of(m, x->key);
	int shown = 0;

	if (i < 0)
		return;
	for (size_t j = 0; j < m->ncols; j++)
		if (m->sector[j] < 64 && (x->sectors >> m->sector[j] & 1)) {
			CELL(m, i, j)->seminars += x->n;
			CELL(m, m->nrows, j)->seminars += x->n;
			shown = 1;
		}
	if (shown) {
		CELL(m, i, m->ncols)->seminars += x->n;
		CELL(m, m->nrows, m->ncols)->seminars += x->n;
	}
}

void matrix_sum(struct matrix *m, const struct sources *s)
{
	long k;

	for (k = 0; k < s->nreg; k++)
		matrix_add(m, &s->reg[k]);
	for (k = 0; k < s->ncov; k++)
		matrix_add(m, &s->cov[k]);
	for (k = 0; k < s->nsem; k++)
		matrix_seminars(m, &s->sem[k]);
	for (k = 0; k < s->ninv; k++)
		matrix_add(m, &s->inv[k]);
}

long long matrix_tenths(const struct report_cell *t)
{
	return t->orgs > 0 ? (t->covered * 2000 + t->orgs) / (2 * t->orgs) : 0;
}
