/* A line of a register file judged: its checks, and what it would do to the register (add, change, same, reject) and
 * why. */
#include "regline.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "inn.h"
#include "text.h"

const char *const import_actions[IA__MAX] = {"add", "change", "same", "deactivate", "reject"};

#define URLS_MAX 1000 /* organization.page_urls */

/* Appends "; " and a reason. */
static void why_add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_add(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len > 0)
		buf_adds(b, "; ");
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* The cleaned text of column c of a row, "" when the file has no such column. */
static const char *value(const struct regline_set *s, const struct sheet_row *row, enum reghead_col c)
{
	return s->cols[c] >= 0 ? cell_clean(s->a, sheet_cell(row, (size_t)s->cols[c])) : "";
}

static int key_line_cmp(const void *x, const void *y)
{
	const struct regline_key *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

/* The first line of the file with this key, or 0 when no line has it. */
static long keys_first(const struct regline_keys *k, const char *key)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(k->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && strcmp(k->v[lo].key, key) == 0 ? k->v[lo].line : 0;
}

/* A district's name as a key within its region. */
static const char *name_key(struct arena *a, long long region_id, const char *name)
{
	return arena_printf(a, "%lld:%s", region_id, cell_key(a, name));
}

void regline_keys(struct regline_set *s, const struct sheet *sh, size_t from)
{
	size_t i;

	s->keys.v = arena_alloc(s->a, (sh->nrows + 1) * sizeof(*s->keys.v));
	s->names.v = arena_alloc(s->a, (sh->nrows + 1) * sizeof(*s->names.v));
	for (i = from; i < sh->nrows; i++) {
		const struct sheet_row *row = &sh->rows[i];
		const char *k = s->kind == IMPORT_ORGANIZATIONS ? cell_digits(s->a, value(s, row, COL_INN))
								: cell_oktmo(s->a, value(s, row, COL_OKTMO));
		const struct regref_region *region;
		if (k != NULL && *k)
			s->keys.v[s->keys.n++] = (struct regline_key){k, row->line};
		if (s->kind == IMPORT_DISTRICTS && *value(s, row, COL_DISTRICT) &&
		    (region = regref_region(s->a, &s->refs, value(s, row, COL_REGION))) != NULL)
			s->names.v[s->names.n++] = (struct regline_key){
				name_key(s->a, region->id, value(s, row, COL_DISTRICT)), row->line};
	}
	qsort(s->keys.v, s->keys.n, sizeof(*s->keys.v), key_line_cmp);
	qsort(s->names.v, s->names.n, sizeof(*s->names.v), key_line_cmp);
}

const char *regline_inns(const struct regline_set *s)
{
	json_t *inns = json_array();
	char *text;
	const char *out;
	size_t i;

	for (i = 0; i < s->keys.n; i++) {
		size_t len = strlen(s->keys.v[i].key);
		if ((len == 10 || len == 12) && (i == 0 || strcmp(s->keys.v[i - 1].key, s->keys.v[i].key) != 0))
			json_array_append_new(inns, json_string(s->keys.v[i].key));
	}
	text = json_dumps(inns, JSON_COMPACT);
	json_decref(inns);
	if (text == NULL)
		abort();
	out = arena_strdup(s->a, text);
	free(text);
	return out;
}

void regline_add(struct regline_set *s, long line, enum import_action action, long long target, json_t *data,
		 const char *reason)
{
	char *text = json_dumps(data, JSON_COMPACT);
	struct regline l = {line, action, target, NULL,
			    reason && *reason ? arena_strdup(s->a, cell_cut(s->a, reason, 490)) : NULL};

	if (text == NULL)
		abort();
	l.data = arena_strdup(s->a, text);
	free(text);
	json_decref(data);
	buf_add(&s->lines, &l, sizeof(l));
	s->n++;
	s->count[action]++;
}

void regline_free(struct regline_set *s)
{
	buf_free(&s->lines);
}

static void region_note(struct regline_set *s, long long id)
{
	size_t i;

	for (i = 0; i < s->nregions && s->regions[i] != id; i++)
		;
	if (i == s->nregions && s->nregions < sizeof(s->regions) / sizeof(s->regions[0]))
		s->regions[s->nregions++] = id;
}

/* The region a line names, or NULL with the reason in why. */
static const struct regref_region *region_of(const struct regline_set *s, const char *cell, struct buf *why)
{
	const struct regref_region *region = NULL;

	if (*cell == '\0')
		why_add(why, "не указан регион");
	else if ((region = regref_region(s->a, &s->refs, cell)) == NULL)
		why_add(why, "регион «%s» не найден", cell_cut(s->a, cell, 60));
	return region;
}

/* A required name of at most max code points; what it is, as in «не указано полное наименование». */
static void name_check(struct buf *why, const char *name, long max, const char *what)
{
	if (*name == '\0')
		why_add(why, "не указано %s", what);
	else if (utf8_count(name, strlen(name)) > max)
		why_add(why, "%s длиннее %ld символов", what, max);
}

static int org_cmp(const void *key, const void *o)
{
	return strcmp(key, ((const struct regline_org *)o)->inn);
}

/* An official page: http(s)://host[:port][/...], the host with a dot, no quotes or brackets. */
static int url_ok(const char *u)
{
	const char *h = strncmp(u, "https://", 8) == 0 ? u + 8 : strncmp(u, "http://", 7) == 0 ? u + 7 : NULL;
	size_t hl;

	if (h == NULL || strlen(u) > 500 || !url_is_safe(u) || strpbrk(u, "\"'<>\\") != NULL)
		return 0;
	hl = strcspn(h, "/?#:");
	return hl > 2 && memchr(h, '.', hl) != NULL && h[0] != '.' && h[hl - 1] != '.';
}

const char *regline_urls(struct arena *a, const char *cell, struct buf *why)
{
	struct buf out = {0};
	char *s = arena_strdup(a, cell), *save = NULL, *u;
	const char *res;

	for (u = strtok_r(s, " ,;", &save); u != NULL; u = strtok_r(NULL, " ,;", &save)) {
		if (!url_ok(u)) {
			why_add(why, "неверная ссылка «%s»: нужен адрес страницы, начинающийся с http:// или https://",
				cell_cut(a, u, 60));
			continue;
		}
		if (out.len == 0 || strstr(out.p, u) == NULL)
			buf_addf(&out, "%s%s", out.len ? " " : "", u);
	}
	if (out.len > URLS_MAX)
		why_add(why, "ссылок на страницы слишком много: вместе больше %d символов", URLS_MAX);
	res = out.len ? arena_strdup(a, out.p) : NULL;
	buf_free(&out);
	return res;
}

/* What changes, in Russian, for the preview; *touch when the coverage of the organisation moves. */
static const char *org_changes(struct regline_set *s, const struct regline_org *o, long long district_id,
			       long long sector_id, const char *name, const char *short_name, const char *urls,
			       int *touch)
{
	struct arena *a = s->a;
	struct buf b = {0};
	const char *out;

	*touch = 0;
	if (o->district_id != district_id) {
		const struct regref_district *from = regref_district_by_id(&s->refs, o->district_id),
					     *to = regref_district_by_id(&s->refs, district_id);
		why_add(&b, "район: %s → %s", from ? from->name : "?", to ? to->name : "?");
		*touch = 1;
	}
	if (o->sector_id != sector_id) {
		why_add(&b, "направление: %s → %s", regref_sector_name(&s->refs, o->sector_id),
			regref_sector_name(&s->refs, sector_id));
		*touch = 1;
	}
	if (strcmp(o->short_name, short_name) != 0)
		why_add(&b, "краткое наименование: «%s» → «%s»", cell_cut(a, o->short_name, 60),
			cell_cut(a, short_name, 60));
	if (strcmp(o->name, name) != 0)
		why_add(&b, "полное наименование: «%s» → «%s»", cell_cut(a, o->name, 60), cell_cut(a, name, 60));
	if (strcmp(o->urls ? o->urls : "", urls ? urls : "") != 0)
		why_add(&b, "страницы: %s → %s", o->urls ? cell_cut(a, o->urls, 80) : "нет",
			urls ? cell_cut(a, urls, 80) : "нет");
	if (strcmp(o->status, "proposed") == 0) {
		why_add(&b, "будет внесена в реестр (её предложил участник)");
		*touch = 1;
	} else if (!o->active) {
		why_add(&b, "снова станет действующей");
		*touch = 1;
	}
	out = b.len ? arena_strdup(a, b.p) : NULL;
	buf_free(&b);
	return out;
}

/* One line of an organisations file: checked, then compared with the register. */
static void org_line(struct regline_set *s, const struct sheet_row *row)
{
	struct arena *a = s->a;
	const char *region_c = value(s, row, COL_REGION), *district_c = value(s, row, COL_DISTRICT),
		   *oktmo_c = value(s, row, COL_OKTMO), *sector_c = value(s, row, COL_SECTOR),
		   *name = value(s, row, COL_NAME), *short_name = value(s, row, COL_SHORT),
		   *inn_c = value(s, row, COL_INN), *urls_c = value(s, row, COL_URLS);
	const char *inn = cell_digits(a, inn_c), *oktmo = NULL, *urls;
	const struct regref_region *region = NULL;
	const struct regref_district *district = NULL;
	const struct regref_sector *sector = NULL;
	const struct regline_org *o;
	struct buf why = {0};
	json_t *data;
	long first;

	if ((region = region_of(s, region_c, &why)) != NULL)
		region_note(s, region->id);
	if (*oktmo_c && (oktmo = cell_oktmo(a, oktmo_c)) == NULL)
		why_add(&why, "код ОКТМО «%s» должен состоять из 8 или 11 цифр", cell_cut(a, oktmo_c, 20));
	if (region != NULL && (oktmo != NULL || *district_c)) {
		const struct regref_district *by_code = oktmo ? regref_district_by_oktmo(&s->refs, oktmo) : NULL;
		const struct regref_district *by_name =
			*district_c ? regref_district_by_name(&s->refs, region->id, cell_key(a, district_c)) : NULL;
		if (by_code != NULL && by_code->region_id != region->id)
			why_add(&why, "район с кодом ОКТМО %s («%s») относится к другому региону", oktmo,
				by_code->name);
		else if (by_code != NULL && by_name != NULL && by_code != by_name)
			why_add(&why, "код ОКТМО %s — это «%s», а не «%s»", oktmo, by_code->name, by_name->name);
		else if ((district = by_code ? by_code : by_name) == NULL)
			why_add(&why, "район «%s» не найден в регионе «%s»",
				*district_c ? cell_cut(a, district_c, 60) : arena_printf(a, "ОКТМО %s", oktmo),
				region->name);
	} else if (region != NULL && oktmo_c[0] == '\0')
		why_add(&why, "не указан район");
	if (*sector_c == '\0')
		why_add(&why, "не указано направление");
	else if ((sector = regref_sector(a, &s->refs, sector_c)) == NULL)
		why_add(&why, "направление «%s» не найдено", cell_cut(a, sector_c, 60));
	name_check(&why, name, 500, "полное наименование");
	name_check(&why, short_name, 255, "краткое наименование");
	if (*inn_c == '\0')
		why_add(&why, "не указан ИНН");
	else if (inn == NULL || (strlen(inn) != 10 && strlen(inn) != 12))
		why_add(&why, "ИНН «%s» должен состоять из 10 или 12 цифр%s", cell_cut(a, inn_c, 20),
			inn && (strlen(inn) == 9 || strlen(inn) == 11)
				? " (если ИНН начинается с нуля, задайте столбцу в Excel текстовый формат)"
				: "");
	else if (!inn_valid(inn))
		why_add(&why, "неверная контрольная цифра ИНН %s", inn);
	else if ((first = keys_first(&s->keys, inn)) != row->line)
		why_add(&why, "ИНН %s повторяется: он уже есть в строке %ld (та строка остаётся, эта отклонена)", inn,
			first);
	urls = regline_urls(a, urls_c, &why);
	o = why.len == 0 ? bsearch(inn, s->orgs, s->norgs, sizeof(*s->orgs), org_cmp) : NULL;
	if (o != NULL && strcmp(o->status, "merged") == 0)
		why_add(&why, "организация с ИНН %s объединена с другой организацией реестра", inn);
	if (why.len > 0) {
		data = json_pack("{s:s, s:s, s:s, s:s, s:s}", "inn", inn_c, "name", name, "short_name", short_name,
				 "district", *district_c ? district_c : oktmo_c, "sector", sector_c);
		regline_add(s, row->line, IA_REJECT, 0, data, why.p);
		buf_free(&why);
		return;
	}
	/* Without a pages column the stored pages stay. */
	if (s->cols[COL_URLS] < 0 && o != NULL)
		urls = o->urls;
	data = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s?, s:s, s:s, s:s}", "inn", inn, "name", name, "short_name",
			 short_name, "district_id", (json_int_t)district->id, "sector_id", (json_int_t)sector->id,
			 "page_urls", urls, "district", district->name, "sector", sector->name, "region", region->name);
	if (o == NULL)
		regline_add(s, row->line, IA_ADD, 0, data, NULL);
	else {
		int touch;
		const char *changes = org_changes(s, o, district->id, sector->id, name, short_name, urls, &touch);
		if (changes == NULL) {
			/* What the page shows of it is enough: many files are mostly the same. */
			json_decref(data);
			regline_add(s, row->line, IA_SAME, o->id,
				    json_pack("{s:s, s:s, s:s, s:s}", "inn", inn, "short_name", short_name, "district",
					      district->name, "sector", sector->name),
				    NULL);
		} else {
			json_object_set_new(data, "fp", json_string(o->fp));
			json_object_set_new(data, "touch", json_integer(touch));
			json_object_set_new(data, "old_district_id", json_integer(o->district_id));
			regline_add(s, row->line, IA_CHANGE, o->id, data, changes);
		}
	}
}

/* One line of a districts file: region, name, OKTMO, population; the key is the OKTMO code. */
static void district_line(struct regline_set *s, const struct sheet_row *row)
{
	struct arena *a = s->a;
	const char *region_c = value(s, row, COL_REGION), *name = value(s, row, COL_DISTRICT),
		   *oktmo_c = value(s, row, COL_OKTMO), *pop_c = value(s, row, COL_POPULATION);
	const char *oktmo = cell_oktmo(a, oktmo_c), *pop = NULL;
	const struct regref_region *region = NULL;
	const struct regref_district *by_code = NULL, *by_name = NULL;
	struct buf why = {0}, changes = {0};
	json_t *data;

	region = region_of(s, region_c, &why);
	name_check(&why, name, 160, "название района");
	if (*oktmo_c == '\0')
		why_add(&why, "не указан код ОКТМО");
	else if (oktmo == NULL)
		why_add(&why, "код ОКТМО «%s» должен состоять из 8 или 11 цифр", cell_cut(a, oktmo_c, 20));
	if (*pop_c) {
		pop = cell_digits(a, pop_c);
		if (pop == NULL || *pop == '\0' || strlen(pop) > 9)
			why_add(&why, "население «%s» должно быть целым числом", cell_cut(a, pop_c, 20));
		else
			pop = arena_printf(a, "%lld", strtoll(pop, NULL, 10));
	}
	/* Both the code and the name are unique keys: a repeat of either is rejected. */
	if (oktmo != NULL && region != NULL && *name) {
		long by_oktmo = keys_first(&s->keys, oktmo);
		long by_name_line = keys_first(&s->names, name_key(a, region->id, name));
		if (by_oktmo != row->line || by_name_line != row->line)
			why_add(&why, "район с тем же %s уже есть в строке %ld (та строка остаётся, эта отклонена)",
				by_oktmo != row->line ? "кодом ОКТМО" : "названием",
				by_oktmo != row->line ? by_oktmo : by_name_line);
	}
	if (why.len == 0) {
		by_code = regref_district_by_oktmo(&s->refs, oktmo);
		by_name = regref_district_by_name(&s->refs, region->id, cell_key(a, name));
		if (by_code != NULL && by_code->region_id != region->id)
			why_add(&why, "код ОКТМО %s уже у района «%s» другого региона", oktmo, by_code->name);
		else if (by_name != NULL && by_code != by_name && (by_code != NULL || by_name->oktmo != NULL))
			why_add(&why, "в регионе уже есть район «%s» с кодом ОКТМО %s", by_name->name,
				by_name->oktmo ? by_name->oktmo : "—");
	}
	if (why.len > 0) {
		data = json_pack("{s:s, s:s, s:s, s:s}", "region", region_c, "name", name, "oktmo", oktmo_c,
				 "population", pop_c);
		regline_add(s, row->line, IA_REJECT, 0, data, why.p);
		buf_free(&why);
		return;
	}
	region_note(s, region->id);
	by_code = by_code ? by_code : by_name; /* a district known by name only gets its code */
	if (by_code != NULL && pop == NULL)
		pop = by_code->population; /* an empty cell keeps what is known */
	data = json_pack("{s:I, s:s, s:s, s:s?, s:s}", "region_id", (json_int_t)region->id, "name", name, "oktmo",
			 oktmo, "population", pop, "region", region->name);
	if (by_code == NULL) {
		regline_add(s, row->line, IA_ADD, 0, data, NULL);
		return;
	}
	if (strcmp(by_code->name, name) != 0)
		why_add(&changes, "название: «%s» → «%s»", by_code->name, name);
	if (by_code->oktmo == NULL)
		why_add(&changes, "код ОКТМО: нет → %s", oktmo);
	if (strcmp(by_code->population ? by_code->population : "", pop ? pop : "") != 0)
		why_add(&changes, "население: %s → %s", by_code->population ? by_code->population : "нет",
			pop ? pop : "нет");
	if (changes.len == 0) {
		regline_add(s, row->line, IA_SAME, by_code->id, data, NULL);
		return;
	}
	json_object_set_new(data, "fp", json_string(by_code->fp));
	regline_add(s, row->line, IA_CHANGE, by_code->id, data, changes.p);
	buf_free(&changes);
}

void regline_check(struct regline_set *s, const struct sheet_row *row)
{
	if (s->kind == IMPORT_ORGANIZATIONS)
		org_line(s, row);
	else
		district_line(s, row);
}
