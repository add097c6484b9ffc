/* The cells a coverage matrix is summed from, and their JSON form for a worker's cache. */
#include "sources.h"

#include <stdlib.h>
#include <string.h>

/* The numbers of a row of each kind in the JSON form: only the measures its query reads. */
#define REG_WIDTH 3
#define COV_WIDTH 6
#define SEM_WIDTH 3
#define INV_WIDTH 4

static void add(json_t *list, long long v)
{
	json_array_append_new(list, json_integer((json_int_t)v));
}

void sources_encode(const struct sources *s, struct buf *b)
{
	json_t *reg = json_array(), *cov = json_array(), *sem = json_array(), *inv = json_array(), *o;
	char *text;
	long i;

	for (i = 0; i < s->nreg; i++) {
		add(reg, s->reg[i].key);
		add(reg, s->reg[i].sector_id);
		add(reg, s->reg[i].orgs);
	}
	for (i = 0; i < s->ncov; i++) {
		add(cov, s->cov[i].key);
		add(cov, s->cov[i].sector_id);
		add(cov, s->cov[i].covered);
		add(cov, s->cov[i].people);
		add(cov, s->cov[i].people_door);
		add(cov, s->cov[i].people_online);
	}
	for (i = 0; i < s->nsem; i++) {
		add(sem, s->sem[i].key);
		add(sem, (long long)s->sem[i].sectors);
		add(sem, s->sem[i].n);
	}
	for (i = 0; i < s->ninv; i++) {
		add(inv, s->inv[i].key);
		add(inv, s->inv[i].sector_id);
		add(inv, s->inv[i].invited);
		add(inv, s->inv[i].signed_up);
	}
	o = json_pack("{s:o, s:o, s:o, s:o}", "reg", reg, "cov", cov, "sem", sem, "inv", inv);
	text = json_dumps(o, JSON_COMPACT);
	if (text == NULL)
		abort();
	buf_add(b, text, strlen(text));
	free(text);
	json_decref(o);
}

/* The integers of list in rows of width into a new arena array of *n rows, NULL when list is
 * not such an array. */
static long long *rows_of(struct arena *a, json_t *list, size_t width, long *n)
{
	size_t len = json_array_size(list), i;
	long long *v;
	json_t *x;

	if (!json_is_array(list) || len % width != 0)
		return NULL;
	v = arena_alloc(a, (len + 1) * sizeof(*v));
	json_array_foreach (list, i, x) {
		if (!json_is_integer(x))
			return NULL;
		v[i] = json_integer_value(x);
	}
	*n = (long)(len / width);
	return v;
}

int sources_decode(struct arena *a, const char *p, size_t len, struct sources *s)
{
	json_t *o = json_loadb(p, len, 0, NULL);
	const long long *reg = rows_of(a, json_object_get(o, "reg"), REG_WIDTH, &s->nreg),
			*cov = rows_of(a, json_object_get(o, "cov"), COV_WIDTH, &s->ncov),
			*sem = rows_of(a, json_object_get(o, "sem"), SEM_WIDTH, &s->nsem),
			*inv = rows_of(a, json_object_get(o, "inv"), INV_WIDTH, &s->ninv);
	long i;

	json_decref(o);
	if (reg == NULL || cov == NULL || sem == NULL || inv == NULL) {
		memset(s, 0, sizeof(*s));
		return 0;
	}
	s->reg = arena_alloc(a, ((size_t)s->nreg + 1) * sizeof(*s->reg));
	s->cov = arena_alloc(a, ((size_t)s->ncov + 1) * sizeof(*s->cov));
	s->sem = arena_alloc(a, ((size_t)s->nsem + 1) * sizeof(*s->sem));
	for (i = 0; i < s->nreg; i++, reg += REG_WIDTH)
		s->reg[i] = (struct report_cell){.key = reg[0], .sector_id = reg[1], .orgs = reg[2]};
	for (i = 0; i < s->ncov; i++, cov += COV_WIDTH)
		s->cov[i] = (struct report_cell){.key = cov[0],
						 .sector_id = cov[1],
						 .covered = cov[2],
						 .people = cov[3],
						 .people_door = cov[4],
						 .people_online = cov[5]};
	for (i = 0; i < s->nsem; i++, sem += SEM_WIDTH)
		s->sem[i] = (struct report_seminars){sem[0], (unsigned long long)sem[1], sem[2]};
	s->inv = arena_alloc(a, ((size_t)s->ninv + 1) * sizeof(*s->inv));
	for (i = 0; i < s->ninv; i++, inv += INV_WIDTH)
		s->inv[i] = (struct report_cell){
			.key = inv[0], .sector_id = inv[1], .invited = inv[2], .signed_up = inv[3]};
	return 1;
}
