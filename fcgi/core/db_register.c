/* The register of organisations: imports from the ministry's spreadsheets (preview, apply) and organisations proposed
 * at sign-up. */
#include "db_register.h"
#include "db_coverage.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

const char *const import_kinds[IMPORT__MAX] = {"organizations", "districts"};
const char *const import_actions[IA__MAX] = {"add", "change", "same", "deactivate", "reject"};

#define ROWS_PER_INSERT 1000 /* preview rows sent in one statement */
#define RECOUNT_ALL     50   /* more districts touched than this: recount them all at once */
#define RECOUNT_ROWS    2000 /* more rows written than this: recount all without asking which districts */
#define URLS_MAX        1000 /* organization.page_urls */

/* What the apply compares, so that a register changed since the preview is noticed. */
#define ORG_FP                                                                                                         \
	"MD5(CONCAT_WS(CHAR(31), o.district_id, o.sector_id, o.name, o.short_name, IFNULL(o.page_urls, ''), "          \
	"o.active, o.status))"
#define DISTRICT_FP  "MD5(CONCAT_WS(CHAR(31), d.region_id, d.name, IFNULL(d.oktmo, ''), IFNULL(d.population, '')))"
#define ROW_VALUE(k) "JSON_VALUE(r.data, '$." k "')"

enum {
	Q_REGIONS,
	Q_DISTRICTS,
	Q_SECTORS,
	Q_ORGS_BY_INN,
	Q_ORGS_OF_REGION,
	Q_IMPORT_INSERT,
	Q_ROWS_INSERT,
	Q_IMPORT_GET,
	Q_IMPORT_ROWS,
	Q_IMPORTS_RECENT,
	Q_IMPORT_LOCK,
	Q_ROW_COUNTS,
	Q_APPLY_ORG_ADD,
	Q_APPLY_ORG_CHANGE,
	Q_APPLY_ORG_DEACTIVATE,
	Q_APPLY_TOUCHED,
	Q_APPLY_DISTRICTS,
	Q_APPLY_DISTRICT_ADD,
	Q_APPLY_DISTRICT_CHANGE,
	Q_IMPORT_APPLIED,
	Q_PROPOSE,
	Q_PROPOSED_BY,
	Q_PROPOSED,
	Q_ORG_GET,
	Q_ORG_LOCK,
	Q_ORG_ACCEPT,
	Q_ORG_SEARCH,
	Q_MOVE_PEOPLE,
	Q_MOVE_REGISTRATIONS,
	Q_ORG_MERGED,
	Q__MAX
};

static struct dbq q[Q__MAX] = {
	[Q_REGIONS] = {"SELECT id, name FROM region"},
	[Q_DISTRICTS] = {"SELECT d.id, d.region_id, d.name, d.oktmo, d.population, " DISTRICT_FP
			 " FROM district d ORDER BY d.id"},
	[Q_SECTORS] = {"SELECT id, code, name FROM sector"},
	/* The file's INNs as a JSON array: one statement whatever their number. */
	[Q_ORGS_BY_INN] = {"SELECT o.id, o.inn, o.district_id, o.sector_id, o.name, o.short_name, o.page_urls, "
			   "o.active, o.status, " ORG_FP " FROM JSON_TABLE(?, '$[*]' COLUMNS (inn VARCHAR(12) "
			   "PATH '$')) j JOIN organization o ON o.inn = j.inn ORDER BY o.inn"},
	[Q_ORGS_OF_REGION] = {"SELECT o.id, o.inn, o.district_id, o.sector_id, o.name, o.short_name, " ORG_FP
			      " FROM organization o JOIN district d ON d.id = o.district_id WHERE d.region_id = ? "
			      "AND o.active AND o.status = 'register' AND o.inn IS NOT NULL AND o.inn NOT IN (SELECT "
			      "j.inn FROM JSON_TABLE(?, '$[*]' COLUMNS (inn VARCHAR(12) PATH '$')) j) "
			      "ORDER BY d.name, o.short_name"},
	[Q_IMPORT_INSERT] = {"INSERT INTO register_import (kind, file_name, file_sha256, uploaded_by, summary) "
			     "VALUES (?, ?, ?, ?, ?)"},
	[Q_ROWS_INSERT] = {"INSERT INTO register_import_row (import_id, line, action, target_id, data, reason) "
			   "SELECT ?, j.line, j.action, j.target, j.data, j.reason FROM JSON_TABLE(?, '$[*]' COLUMNS ("
			   "line INT UNSIGNED PATH '$.line', action VARCHAR(10) PATH '$.action', "
			   "target INT UNSIGNED PATH '$.target', data TEXT PATH '$.data', "
			   "reason VARCHAR(500) PATH '$.reason')) j"},
	[Q_IMPORT_GET] = {"SELECT i.kind, i.file_name, i.file_sha256, i.uploaded_by, p.full_name, i.uploaded_at, "
			  "i.applied_at, i.summary, (SELECT MAX(x.applied_at) FROM register_import x WHERE "
			  "x.file_sha256 = i.file_sha256 AND x.kind = i.kind AND x.id < i.id) FROM register_import i "
			  "JOIN person p ON p.id = i.uploaded_by WHERE i.id = ?"},
	[Q_IMPORT_ROWS] = {"SELECT line, action, target_id, data, reason FROM register_import_row "
			   "WHERE import_id = ? AND action = ? ORDER BY id LIMIT ? OFFSET ?"},
	[Q_IMPORTS_RECENT] = {"SELECT i.id, i.kind, i.file_name, p.full_name, i.uploaded_at, i.applied_at, i.summary "
			      "FROM register_import i JOIN person p ON p.id = i.uploaded_by ORDER BY i.id DESC "
			      "LIMIT ?"},
	[Q_IMPORT_LOCK] = {"SELECT kind, applied_at IS NOT NULL FROM register_import WHERE id = ? FOR UPDATE"},
	[Q_ROW_COUNTS] = {"SELECT action, COUNT(*) FROM register_import_row WHERE import_id = ? GROUP BY action"},
	/* The formatter cannot lay out literals joined with ROW_VALUE(): it leaves these as written. */
	/* clang-format off */
	/* The apply works set-wise from the stored preview rows; a row whose organisation (or
	 * district) no longer has the fingerprint it had at the preview is not touched, and the
	 * caller compares the counts. */
	[Q_APPLY_ORG_ADD] = {"INSERT INTO organization (district_id, sector_id, name, short_name, inn, page_urls) "
			      "SELECT " ROW_VALUE("district_id") ", " ROW_VALUE("sector_id") ", " ROW_VALUE("name") ", "
			      ROW_VALUE("short_name") ", " ROW_VALUE("inn") ", " ROW_VALUE("page_urls") " "
			      "FROM register_import_row r WHERE r.import_id = ? AND r.action = 'add' ORDER BY r.id"},
	[Q_APPLY_ORG_CHANGE] = {"UPDATE organization o JOIN register_import_row r ON r.target_id = o.id "
				"SET o.district_id = " ROW_VALUE("district_id") ", o.sector_id = " ROW_VALUE("sector_id") ", "
				"o.name = " ROW_VALUE("name") ", o.short_name = " ROW_VALUE("short_name") ", "
				"o.page_urls = " ROW_VALUE("page_urls") ", o.active = TRUE, o.status = 'register' "
				"WHERE r.import_id = ? AND r.action = 'change' AND " ORG_FP " = " ROW_VALUE("fp")},
	[Q_APPLY_ORG_DEACTIVATE] = {"UPDATE organization o JOIN register_import_row r ON r.target_id = o.id "
				    "SET o.active = FALSE "
				    "WHERE r.import_id = ? AND r.action = 'deactivate' AND " ORG_FP " = " ROW_VALUE("fp")},
	/* Organisations whose district, sector or standing changed: their coverage moves. One without
	 * registrations has no coverage to move (a region's deactivations are mostly such). */
	[Q_APPLY_TOUCHED] = {"SELECT r.target_id FROM register_import_row r "
			     "WHERE r.import_id = ? "
			     "AND (r.action = 'deactivate' OR (r.action = 'change' AND " ROW_VALUE("touch") " = 1)) "
			     "AND EXISTS (SELECT 1 FROM registration g WHERE g.organization_id = r.target_id)"},
	/* Districts whose count of active organisations per sector may have changed. */
	[Q_APPLY_DISTRICTS] = {"SELECT DISTINCT x.d FROM ("
			       "SELECT " ROW_VALUE("district_id") " AS d FROM register_import_row r "
			       "WHERE r.import_id = ? "
			       "AND (r.action IN ('add', 'deactivate') OR (r.action = 'change' AND " ROW_VALUE("touch") " = 1)) "
			       "UNION "
			       "SELECT " ROW_VALUE("old_district_id") " FROM register_import_row r "
			       "WHERE r.import_id = ? AND r.action = 'change' AND " ROW_VALUE("touch") " = 1"
			       ") x"},
	[Q_APPLY_DISTRICT_ADD] = {"INSERT INTO district (region_id, name, oktmo, population) "
				  "SELECT " ROW_VALUE("region_id") ", " ROW_VALUE("name") ", " ROW_VALUE("oktmo") ", "
				  ROW_VALUE("population") " "
				  "FROM register_import_row r WHERE r.import_id = ? AND r.action = 'add' ORDER BY r.id"},
	[Q_APPLY_DISTRICT_CHANGE] = {"UPDATE district d JOIN register_import_row r ON r.target_id = d.id "
				     "SET d.name = " ROW_VALUE("name") ", d.oktmo = " ROW_VALUE("oktmo") ", "
				     "d.population = " ROW_VALUE("population") " "
				     "WHERE r.import_id = ? AND r.action = 'change' AND " DISTRICT_FP " = " ROW_VALUE("fp")},
	/* clang-format on */
	[Q_IMPORT_APPLIED] = {"UPDATE register_import SET applied_at = NOW() WHERE id = ?"},
	[Q_PROPOSE] = {"INSERT INTO organization (district_id, sector_id, name, short_name, active, status) "
		       "VALUES (?, ?, ?, ?, FALSE, 'proposed')"},
	[Q_PROPOSED_BY] = {"UPDATE organization SET proposed_by = ? WHERE id = ?"},
	[Q_PROPOSED] = {"SELECT o.id, o.name, o.short_name, d.name, g.name, s.name, o.created_at, p.id, p.full_name, "
			"p.email, (SELECT COUNT(*) FROM registration x WHERE x.organization_id = o.id) "
			"FROM organization o JOIN district d ON d.id = o.district_id JOIN region g ON g.id = "
			"d.region_id JOIN sector s ON s.id = o.sector_id LEFT JOIN person p ON p.id = o.proposed_by "
			"WHERE o.status = 'proposed' ORDER BY o.created_at, o.id"},
	[Q_ORG_GET] = {"SELECT o.id, o.name, o.short_name, o.inn, o.sector_id, s.name, o.district_id, d.name, "
		       "d.region_id, g.name, o.status, o.active, o.created_at, o.proposed_by, p.full_name, p.email, "
		       "(SELECT COUNT(*) FROM person x WHERE x.organization_id = o.id), "
		       "(SELECT COUNT(*) FROM registration x WHERE x.organization_id = o.id), o.merged_into "
		       "FROM organization o JOIN district d ON d.id = o.district_id JOIN region g ON g.id = "
		       "d.region_id JOIN sector s ON s.id = o.sector_id LEFT JOIN person p ON p.id = o.proposed_by "
		       "WHERE o.id = ?"},
	[Q_ORG_LOCK] = {"SELECT status, active, district_id FROM organization WHERE id = ? FOR UPDATE"},
	[Q_ORG_ACCEPT] = {"UPDATE organization SET name = ?, short_name = ?, inn = ?, sector_id = ?, "
			  "status = 'register', active = TRUE WHERE id = ?"},
	[Q_ORG_SEARCH] = {"SELECT o.id, o.short_name, o.name, o.inn, d.name, s.name FROM organization o "
			  "JOIN district d ON d.id = o.district_id JOIN sector s ON s.id = o.sector_id "
			  "WHERE o.active AND o.status = 'register' AND (o.inn = ? OR o.short_name LIKE CONCAT('%', ?, "
			  "'%') OR o.name LIKE CONCAT('%', ?, '%')) ORDER BY d.region_id = ? DESC, d.id = ? DESC, "
			  "o.short_name LIMIT 50"},
	[Q_MOVE_PEOPLE] = {"UPDATE person SET organization_id = ? WHERE organization_id = ?"},
	[Q_MOVE_REGISTRATIONS] = {"UPDATE registration SET organization_id = ? WHERE organization_id = ?"},
	[Q_ORG_MERGED] = {"UPDATE organization SET status = 'merged', merged_into = ?, active = FALSE WHERE id = ?"},
};

/* ---------------------------------------------------------------- text of the cells */

/* Spaces of any kind (line breaks, tabs, no-break spaces) as one space, trimmed. In the arena. */
static char *clean(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;
	int space = 0;

	for (; *s; s++) {
		int sp = *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n';
		if (!sp && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
			sp = 1, s++;
		if (sp) {
			space = o > out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* A key for comparing names: clean, lower case (Latin and Cyrillic), ё as е. In the arena. */
static const char *fold(struct arena *a, const char *s)
{
	char *out = clean(a, s), *o = out;
	const unsigned char *p = (const unsigned char *)out;

	while (*p) {
		if (p[0] == 0xd0 && (p[1] == 0x81 || p[1] == 0xb5)) { /* Ё, е */
			*o++ = (char)0xd0, *o++ = (char)0xb5, p += 2;
		} else if (p[0] == 0xd1 && p[1] == 0x91) { /* ё */
			*o++ = (char)0xd0, *o++ = (char)0xb5, p += 2;
		} else if (p[0] == 0xd0 && p[1] >= 0x90 && p[1] <= 0x9f) { /* А..П */
			*o++ = (char)0xd0, *o++ = (char)(p[1] + 0x20), p += 2;
		} else if (p[0] == 0xd0 && p[1] >= 0xa0 && p[1] <= 0xaf) { /* Р..Я */
			*o++ = (char)0xd1, *o++ = (char)(p[1] - 0x20), p += 2;
		} else
			*o++ = (char)tolower(*p++);
	}
	*o = '\0';
	return out;
}

/* s with at most max code points, an ellipsis marking a cut. In the arena. */
static const char *cut(struct arena *a, const char *s, long max)
{
	const char *p = s;
	long n = 0;

	for (; *p && n < max; n++)
		for (p++; ((unsigned char)*p & 0xc0) == 0x80; p++)
			;
	return *p ? arena_printf(a, "%.*s…", (int)(p - s), s) : s;
}

/* Digits only (spaces of any kind dropped), or NULL when s has anything else. In the arena. */
static const char *digits_of(struct arena *a, const char *s)
{
	const char *c = clean(a, s);
	char *out = arena_alloc(a, strlen(c) + 1), *o = out;

	for (; *c; c++)
		if (isdigit((unsigned char)*c))
			*o++ = *c;
		else if (*c != ' ')
			return NULL;
	*o = '\0';
	return out;
}

int inn_valid(const char *s)
{
	static const int w[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
	size_t n = strlen(s), k, i;

	if ((n != 10 && n != 12) || strspn(s, "0123456789") != n)
		return 0;
	/* The check digits: the weights end-aligned with the digits before each. */
	for (k = n == 10 ? 9 : 10; k < n; k++) {
		int sum = 0;
		for (i = 0; i < k; i++)
			sum += w[11 - k + i] * (s[i] - '0');
		if (sum % 11 % 10 != s[k] - '0')
			return 0;
	}
	return 1;
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

/* ---------------------------------------------------------------- reference data */

struct region_ref {
	long long id;
	const char *name, *key;
};
struct district_ref {
	long long id, region_id;
	const char *name, *key, *oktmo, *population, *fp;
};
struct sector_ref {
	long long id;
	const char *code, *name, *key;
};
struct refs {
	struct region_ref *regions;
	struct district_ref *districts; /* by id */
	struct sector_ref *sectors;
	size_t nregions, ndistricts, nsectors;
	/* Districts by region and name key, and those with a code by OKTMO: a national register has
	 * thousands, and every line looks one up. */
	const struct district_ref **by_name, **by_oktmo;
	size_t noktmo;
};

static int by_name_cmp(const void *x, const void *y)
{
	const struct district_ref *a = *(const struct district_ref *const *)x,
				  *b = *(const struct district_ref *const *)y;

	return a->region_id != b->region_id ? (a->region_id > b->region_id) - (a->region_id < b->region_id)
					    : strcmp(a->key, b->key);
}

static int by_oktmo_cmp(const void *x, const void *y)
{
	return strcmp((*(const struct district_ref *const *)x)->oktmo, (*(const struct district_ref *const *)y)->oktmo);
}

static int by_id_cmp(const void *x, const void *y)
{
	long long a = ((const struct district_ref *)x)->id, b = ((const struct district_ref *)y)->id;

	return (a > b) - (a < b);
}

static int refs_load(struct db *d, struct arena *a, struct refs *f)
{
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_REGIONS], NULL, 0, &r, a) == -1)
		return -1;
	f->nregions = r.nrows;
	f->regions = arena_alloc(a, (r.nrows + 1) * sizeof(*f->regions));
	for (i = 0; i < r.nrows; i++)
		f->regions[i] =
			(struct region_ref){dbres_int(&r, i, 0), dbres_str(&r, i, 1), fold(a, dbres_str(&r, i, 1))};
	if (db_run(d, &q[Q_DISTRICTS], NULL, 0, &r, a) == -1)
		return -1;
	f->ndistricts = r.nrows;
	f->districts = arena_alloc(a, (r.nrows + 1) * sizeof(*f->districts));
	for (i = 0; i < r.nrows; i++)
		f->districts[i] = (struct district_ref){
			dbres_int(&r, i, 0), dbres_int(&r, i, 1), dbres_str(&r, i, 2), fold(a, dbres_str(&r, i, 2)),
			dbres_str(&r, i, 3), dbres_str(&r, i, 4), dbres_str(&r, i, 5)};
	f->by_name = arena_alloc(a, (f->ndistricts + 1) * sizeof(*f->by_name));
	f->by_oktmo = arena_alloc(a, (f->ndistricts + 1) * sizeof(*f->by_oktmo));
	for (i = 0; i < f->ndistricts; i++) {
		f->by_name[i] = &f->districts[i];
		if (f->districts[i].oktmo != NULL)
			f->by_oktmo[f->noktmo++] = &f->districts[i];
	}
	qsort(f->by_name, f->ndistricts, sizeof(*f->by_name), by_name_cmp);
	qsort(f->by_oktmo, f->noktmo, sizeof(*f->by_oktmo), by_oktmo_cmp);
	if (db_run(d, &q[Q_SECTORS], NULL, 0, &r, a) == -1)
		return -1;
	f->nsectors = r.nrows;
	f->sectors = arena_alloc(a, (r.nrows + 1) * sizeof(*f->sectors));
	for (i = 0; i < r.nrows; i++)
		f->sectors[i] = (struct sector_ref){dbres_int(&r, i, 0), dbres_str(&r, i, 1), dbres_str(&r, i, 2),
						    fold(a, dbres_str(&r, i, 2))};
	return 0;
}

static const struct region_ref *region_find(struct arena *a, const struct refs *f, const char *cell)
{
	const char *key = fold(a, cell);
	char *end;
	long long id = strtoll(key, &end, 10);
	size_t i;

	for (i = 0; i < f->nregions; i++)
		if ((*end == '\0' && *key != '\0' && f->regions[i].id == id) || strcmp(f->regions[i].key, key) == 0)
			return &f->regions[i];
	return NULL;
}

static const struct district_ref *district_by_oktmo(const struct refs *f, const char *oktmo)
{
	const struct district_ref key = {.oktmo = oktmo}, *k = &key, **d;

	d = bsearch(&k, f->by_oktmo, f->noktmo, sizeof(*f->by_oktmo), by_oktmo_cmp);
	return d ? *d : NULL;
}

static const struct district_ref *district_by_name(const struct refs *f, long long region_id, const char *key)
{
	const struct district_ref k0 = {.region_id = region_id, .key = key}, *k = &k0, **d;

	d = bsearch(&k, f->by_name, f->ndistricts, sizeof(*f->by_name), by_name_cmp);
	return d ? *d : NULL;
}

static const struct district_ref *district_by_id(const struct refs *f, long long id)
{
	const struct district_ref key = {.id = id};

	return bsearch(&key, f->districts, f->ndistricts, sizeof(*f->districts), by_id_cmp);
}

static const struct sector_ref *sector_find(struct arena *a, const struct refs *f, const char *cell)
{
	const char *key = fold(a, cell);
	size_t i;

	for (i = 0; i < f->nsectors; i++)
		if (strcmp(f->sectors[i].code, key) == 0 || strcmp(f->sectors[i].key, key) == 0)
			return &f->sectors[i];
	return NULL;
}

static const char *sector_name(const struct refs *f, long long id)
{
	size_t i;

	for (i = 0; i < f->nsectors; i++)
		if (f->sectors[i].id == id)
			return f->sectors[i].name;
	return "";
}

/* An OKTMO code of 8 or 11 digits; 7 or 10 digits lost their leading zero in Excel. In the arena,
 * or NULL when the cell is not such a code. */
static const char *oktmo_of(struct arena *a, const char *cell)
{
	const char *s = digits_of(a, cell);
	size_t n = s ? strlen(s) : 0;

	if (n == 7 || n == 10)
		return arena_printf(a, "0%s", s);
	return n == 8 || n == 11 ? s : NULL;
}

/* ---------------------------------------------------------------- the header row */

enum col { C_REGION, C_DISTRICT, C_OKTMO, C_SECTOR, C_NAME, C_SHORT, C_INN, C_URLS, C_POPULATION, C__MAX };
static const char *const col_labels[C__MAX] = {
	"Регион", "Район",    "ОКТМО",     "Направление", "Полное наименование", "Краткое наименование",
	"ИНН",    "Страницы", "Население",
};
/* Word beginnings of each column's header, tried in this order: "Код ОКТМО района" is the
 * OKTMO, "Наименование района" the district, "Краткое наименование" the short name. */
static const struct {
	enum col c;
	const char *stems;
} col_stems[] = {
	{C_OKTMO, "октмо|oktmo"},
	{C_INN, "инн|inn"},
	{C_POPULATION, "населен|численн|population"},
	{C_SHORT, "кратк|сокращ|short"},
	{C_URLS, "ссылк|страниц|сайт|паблик|url|page"},
	{C_DISTRICT, "район|округ|муниципальн|district"},
	{C_REGION, "регион|субъект|region"},
	{C_SECTOR, "направлен|отрасл|сфер|sector"},
	{C_NAME, "наименован|название|организац|name"},
};

/* Whether a word of key (words split at anything but letters and digits) begins with a stem. */
static int has_stem(const char *key, const char *stems)
{
	const char *w = key;

	while (*w) {
		size_t wl = 0;
		const char *s = stems;
		while (w[wl] && ((unsigned char)w[wl] >= 0x80 || isalnum((unsigned char)w[wl])))
			wl++;
		while (wl > 0 && *s) {
			size_t sl = strcspn(s, "|");
			if (sl <= wl && memcmp(w, s, sl) == 0)
				return 1;
			s += sl + (s[sl] == '|');
		}
		w += wl ? wl : 1;
	}
	return 0;
}

/* Finds the columns in the header row: cols[c] is the cell index of column c, or -1. Returns 0, or -1 with
 * *why for a column named twice or a required one missing. */
static int header_map(struct arena *a, enum import_kind kind, const struct sheet_row *h, long cols[C__MAX],
		      const char **ignored, const char **why)
{
	static const enum col need_orgs[] = {C_REGION, C_SECTOR, C_NAME, C_SHORT, C_INN, C__MAX};
	static const enum col need_districts[] = {C_REGION, C_DISTRICT, C_OKTMO, C__MAX};
	struct buf missing = {0}, skip = {0};
	const enum col *need = kind == IMPORT_DISTRICTS ? need_districts : need_orgs;
	size_t i, k;

	for (k = 0; k < C__MAX; k++)
		cols[k] = -1;
	for (i = 0; i < h->n; i++) {
		const char *key = fold(a, h->cells[i]);
		for (k = 0; k < sizeof(col_stems) / sizeof(col_stems[0]) && !has_stem(key, col_stems[k].stems); k++)
			;
		if (k == sizeof(col_stems) / sizeof(col_stems[0])) {
			if (*key)
				buf_addf(&skip, "%s«%s»", skip.len ? ", " : "", clean(a, h->cells[i]));
			continue;
		}
		if (cols[col_stems[k].c] >= 0) {
			*why = arena_printf(a, "В первой строке файла два столбца «%s»: %ld-й и %zu-й.",
					    col_labels[col_stems[k].c], cols[col_stems[k].c] + 1, i + 1);
			buf_free(&skip);
			return -1;
		}
		cols[col_stems[k].c] = (long)i;
	}
	/* A districts file may call the district's name just «Наименование». */
	if (kind == IMPORT_DISTRICTS && cols[C_DISTRICT] < 0)
		cols[C_DISTRICT] = cols[C_NAME];
	for (; *need != C__MAX; need++)
		if (cols[*need] < 0)
			buf_addf(&missing, "%s«%s»", missing.len ? ", " : "", col_labels[*need]);
	if (kind == IMPORT_ORGANIZATIONS && cols[C_DISTRICT] < 0 && cols[C_OKTMO] < 0)
		buf_addf(&missing, "%s«Район» или «ОКТМО»", missing.len ? ", " : "");
	if (missing.len > 0)
		*why = arena_printf(
			a, "В первой строке файла нет столбцов: %s. Первая строка — заголовки: %s.", missing.p,
			kind == IMPORT_DISTRICTS ? "Регион, Район, ОКТМО, Население"
						 : "Регион, Район, ОКТМО, Направление, Полное наименование, Краткое "
						   "наименование, ИНН, Страницы");
	*ignored = skip.len ? cut(a, arena_strdup(a, skip.p), 400) : NULL;
	buf_free(&missing);
	buf_free(&skip);
	return *why ? -1 : 0;
}

/* ---------------------------------------------------------------- the preview */

/* One row of the preview as it is stored. */
struct line {
	long line; /* 0: not in the file (a deactivation) */
	enum import_action action;
	long long target;
	const char *data, *reason; /* data: JSON text */
};

/* Keys of the file's lines (INN, OKTMO code, region and name), sorted by key, then line. */
struct key_line {
	const char *key;
	long line;
};
struct keyset {
	struct key_line *v;
	size_t n;
};

static int key_line_cmp(const void *x, const void *y)
{
	const struct key_line *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

/* The first line of the file with this key, or 0 when no line has it. */
static long keyset_first(const struct keyset *k, const char *key)
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

struct preview {
	struct arena *a;
	const struct import_new *in;
	struct refs refs;
	long cols[C__MAX];
	struct buf lines; /* struct line[] */
	size_t n;
	long count[IA__MAX];
	const char *ignored;
	/* The INNs (or OKTMO codes) anywhere in the file: what is absent is deactivated, a
	 * repeat is rejected; names: a districts file's "region:name" keys. */
	struct keyset keys, names;
	const char *inns;       /* the keys that can be INNs, as a JSON array */
	long long regions[128]; /* of the file (Russia has 89) */
	size_t nregions;
	long long id;
};

static const char *cell(const struct preview *p, const struct sheet_row *row, enum col c)
{
	return p->cols[c] >= 0 ? clean(p->a, sheet_cell(row, (size_t)p->cols[c])) : "";
}

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

static void line_add(struct preview *p, long line, enum import_action action, long long target, json_t *data,
		     const char *reason)
{
	char *s = json_dumps(data, JSON_COMPACT);
	struct line l = {line, action, target, NULL,
			 reason && *reason ? arena_strdup(p->a, cut(p->a, reason, 490)) : NULL};

	if (s == NULL)
		abort();
	l.data = arena_strdup(p->a, s);
	free(s);
	json_decref(data);
	buf_add(&p->lines, &l, sizeof(l));
	p->n++;
	p->count[action]++;
}

static void region_note(struct preview *p, long long id)
{
	size_t i;

	for (i = 0; i < p->nregions && p->regions[i] != id; i++)
		;
	if (i == p->nregions && p->nregions < sizeof(p->regions) / sizeof(p->regions[0]))
		p->regions[p->nregions++] = id;
}

/* An organisation of the register as the database has it. */
struct org_ref {
	long long id, district_id, sector_id;
	const char *inn, *name, *short_name, *urls, *status, *fp;
	int active;
};

/* The file's distinct keys that can be INNs (10 or 12 characters), as a JSON array. In the arena. */
static const char *inns_json(struct preview *p)
{
	json_t *inns = json_array();
	char *text;
	const char *s;
	size_t i;

	for (i = 0; i < p->keys.n; i++) {
		size_t len = strlen(p->keys.v[i].key);
		if ((len == 10 || len == 12) && (i == 0 || strcmp(p->keys.v[i - 1].key, p->keys.v[i].key) != 0))
			json_array_append_new(inns, json_string(p->keys.v[i].key));
	}
	text = json_dumps(inns, JSON_COMPACT);
	json_decref(inns);
	if (text == NULL)
		abort();
	s = arena_strdup(p->a, text);
	free(text);
	return s;
}

/* The organisations that hold INNs of the file, sorted by INN. */
static int orgs_by_inn(struct db *d, struct preview *p, struct org_ref **out, size_t *n)
{
	struct dbv v[] = {DB_DV_STR(p->inns)};
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_ORGS_BY_INN], v, 1, &r, p->a) == -1)
		return -1;
	*n = r.nrows;
	*out = arena_alloc(p->a, (r.nrows + 1) * sizeof(**out));
	for (i = 0; i < r.nrows; i++)
		(*out)[i] = (struct org_ref){.id = dbres_int(&r, i, 0),
					     .inn = dbres_str(&r, i, 1),
					     .district_id = dbres_int(&r, i, 2),
					     .sector_id = dbres_int(&r, i, 3),
					     .name = dbres_str(&r, i, 4),
					     .short_name = dbres_str(&r, i, 5),
					     .urls = dbres_str(&r, i, 6),
					     .active = dbres_int(&r, i, 7) != 0,
					     .status = dbres_str(&r, i, 8),
					     .fp = dbres_str(&r, i, 9)};
	return 0;
}

static int org_cmp(const void *key, const void *o)
{
	return strcmp(key, ((const struct org_ref *)o)->inn);
}

/* The official pages of a cell, checked and joined by spaces; NULL for none. Problems go to why. */
static const char *urls_of(struct arena *a, const char *cell, struct buf *why)
{
	struct buf out = {0};
	char *s = arena_strdup(a, cell), *save = NULL, *u;
	const char *res;

	for (u = strtok_r(s, " ,;", &save); u != NULL; u = strtok_r(NULL, " ,;", &save)) {
		if (!url_ok(u)) {
			why_add(why, "неверная ссылка «%s»: нужен адрес страницы, начинающийся с http:// или https://",
				cut(a, u, 60));
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
static const char *org_changes(struct preview *p, const struct org_ref *o, long long district_id, long long sector_id,
			       const char *name, const char *short_name, const char *urls, int *touch)
{
	struct buf b = {0};
	const char *s;

	*touch = 0;
	if (o->district_id != district_id) {
		const struct district_ref *from = district_by_id(&p->refs, o->district_id),
					  *to = district_by_id(&p->refs, district_id);
		why_add(&b, "район: %s → %s", from ? from->name : "?", to ? to->name : "?");
		*touch = 1;
	}
	if (o->sector_id != sector_id) {
		why_add(&b, "направление: %s → %s", sector_name(&p->refs, o->sector_id),
			sector_name(&p->refs, sector_id));
		*touch = 1;
	}
	if (strcmp(o->short_name, short_name) != 0)
		why_add(&b, "краткое наименование: «%s» → «%s»", cut(p->a, o->short_name, 60),
			cut(p->a, short_name, 60));
	if (strcmp(o->name, name) != 0)
		why_add(&b, "полное наименование: «%s» → «%s»", cut(p->a, o->name, 60), cut(p->a, name, 60));
	if (strcmp(o->urls ? o->urls : "", urls ? urls : "") != 0)
		why_add(&b, "страницы: %s → %s", o->urls ? cut(p->a, o->urls, 80) : "нет",
			urls ? cut(p->a, urls, 80) : "нет");
	if (strcmp(o->status, "proposed") == 0) {
		why_add(&b, "будет внесена в реестр (её предложил участник)");
		*touch = 1;
	} else if (!o->active) {
		why_add(&b, "снова станет действующей");
		*touch = 1;
	}
	s = b.len ? arena_strdup(p->a, b.p) : NULL;
	buf_free(&b);
	return s;
}

/* One line of an organisations file: checked, then compared with the register. */
static void org_line(struct preview *p, const struct sheet_row *row, const struct org_ref *orgs, size_t norgs)
{
	struct arena *a = p->a;
	const char *region_c = cell(p, row, C_REGION), *district_c = cell(p, row, C_DISTRICT),
		   *oktmo_c = cell(p, row, C_OKTMO), *sector_c = cell(p, row, C_SECTOR), *name = cell(p, row, C_NAME),
		   *short_name = cell(p, row, C_SHORT), *inn_c = cell(p, row, C_INN), *urls_c = cell(p, row, C_URLS);
	const char *inn = digits_of(a, inn_c), *oktmo = NULL, *urls;
	const struct region_ref *region = NULL;
	const struct district_ref *district = NULL;
	const struct sector_ref *sector = NULL;
	const struct org_ref *o;
	struct buf why = {0};
	json_t *data;
	long first;

	if (*region_c == '\0')
		why_add(&why, "не указан регион");
	else if ((region = region_find(a, &p->refs, region_c)) == NULL)
		why_add(&why, "регион «%s» не найден", cut(a, region_c, 60));
	else
		region_note(p, region->id);
	if (*oktmo_c && (oktmo = oktmo_of(a, oktmo_c)) == NULL)
		why_add(&why, "код ОКТМО «%s» должен состоять из 8 или 11 цифр", cut(a, oktmo_c, 20));
	if (region != NULL && (oktmo != NULL || *district_c)) {
		const struct district_ref *by_code = oktmo ? district_by_oktmo(&p->refs, oktmo) : NULL;
		const struct district_ref *by_name =
			*district_c ? district_by_name(&p->refs, region->id, fold(a, district_c)) : NULL;
		if (by_code != NULL && by_code->region_id != region->id)
			why_add(&why, "район с кодом ОКТМО %s («%s») относится к другому региону", oktmo,
				by_code->name);
		else if (by_code != NULL && by_name != NULL && by_code != by_name)
			why_add(&why, "код ОКТМО %s — это «%s», а не «%s»", oktmo, by_code->name, by_name->name);
		else if ((district = by_code ? by_code : by_name) == NULL)
			why_add(&why, "район «%s» не найден в регионе «%s»",
				*district_c ? cut(a, district_c, 60) : arena_printf(a, "ОКТМО %s", oktmo),
				region->name);
	} else if (region != NULL && oktmo_c[0] == '\0')
		why_add(&why, "не указан район");
	if (*sector_c == '\0')
		why_add(&why, "не указано направление");
	else if ((sector = sector_find(a, &p->refs, sector_c)) == NULL)
		why_add(&why, "направление «%s» не найдено", cut(a, sector_c, 60));
	if (*name == '\0')
		why_add(&why, "не указано полное наименование");
	else if (utf8_count(name, strlen(name)) > 500)
		why_add(&why, "полное наименование длиннее 500 символов");
	if (*short_name == '\0')
		why_add(&why, "не указано краткое наименование");
	else if (utf8_count(short_name, strlen(short_name)) > 255)
		why_add(&why, "краткое наименование длиннее 255 символов");
	if (*inn_c == '\0')
		why_add(&why, "не указан ИНН");
	else if (inn == NULL || (strlen(inn) != 10 && strlen(inn) != 12))
		why_add(&why, "ИНН «%s» должен состоять из 10 или 12 цифр%s", cut(a, inn_c, 20),
			inn && (strlen(inn) == 9 || strlen(inn) == 11)
				? " (если ИНН начинается с нуля, задайте столбцу в Excel текстовый формат)"
				: "");
	else if (!inn_valid(inn))
		why_add(&why, "неверная контрольная цифра ИНН %s", inn);
	else if ((first = keyset_first(&p->keys, inn)) != row->line)
		why_add(&why, "ИНН %s повторяется: он уже есть в строке %ld (та строка остаётся, эта отклонена)", inn,
			first);
	urls = urls_of(a, urls_c, &why);
	o = why.len == 0 ? bsearch(inn, orgs, norgs, sizeof(*orgs), org_cmp) : NULL;
	if (o != NULL && strcmp(o->status, "merged") == 0)
		why_add(&why, "организация с ИНН %s объединена с другой организацией реестра", inn);
	if (why.len > 0) {
		data = json_pack("{s:s, s:s, s:s, s:s, s:s}", "inn", inn_c, "name", name, "short_name", short_name,
				 "district", *district_c ? district_c : oktmo_c, "sector", sector_c);
		line_add(p, row->line, IA_REJECT, 0, data, why.p);
		buf_free(&why);
		return;
	}
	/* Without a pages column the stored pages stay. */
	if (p->cols[C_URLS] < 0 && o != NULL)
		urls = o->urls;
	data = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s?, s:s, s:s, s:s}", "inn", inn, "name", name, "short_name",
			 short_name, "district_id", (json_int_t)district->id, "sector_id", (json_int_t)sector->id,
			 "page_urls", urls, "district", district->name, "sector", sector->name, "region", region->name);
	if (o == NULL)
		line_add(p, row->line, IA_ADD, 0, data, NULL);
	else {
		int touch;
		const char *changes = org_changes(p, o, district->id, sector->id, name, short_name, urls, &touch);
		if (changes == NULL) {
			/* What the page shows of it is enough: many files are mostly the same. */
			json_decref(data);
			line_add(p, row->line, IA_SAME, o->id,
				 json_pack("{s:s, s:s, s:s, s:s}", "inn", inn, "short_name", short_name, "district",
					   district->name, "sector", sector->name),
				 NULL);
		} else {
			json_object_set_new(data, "fp", json_string(o->fp));
			json_object_set_new(data, "touch", json_integer(touch));
			json_object_set_new(data, "old_district_id", json_integer(o->district_id));
			line_add(p, row->line, IA_CHANGE, o->id, data, changes);
		}
	}
}

/* Active organisations of the file's regions whose INN is nowhere in the file. */
static int org_deactivations(struct db *d, struct preview *p)
{
	size_t i, k;

	for (k = 0; k < p->nregions; k++) {
		struct dbv v[] = {DB_DV_INT(p->regions[k]), DB_DV_STR(p->inns)};
		struct dbres r;
		if (db_run(d, &q[Q_ORGS_OF_REGION], v, 2, &r, p->a) == -1)
			return -1;
		for (i = 0; i < r.nrows; i++) {
			const struct district_ref *dr = district_by_id(&p->refs, dbres_int(&r, i, 2));
			line_add(p, 0, IA_DEACTIVATE, dbres_int(&r, i, 0),
				 json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "inn", dbres_str(&r, i, 1), "name",
					   dbres_str(&r, i, 4), "short_name", dbres_str(&r, i, 5), "district_id",
					   (json_int_t)dbres_int(&r, i, 2), "district", dr ? dr->name : "", "sector",
					   sector_name(&p->refs, dbres_int(&r, i, 3)), "fp", dbres_str(&r, i, 6)),
				 "нет в файле: станет недействующей");
		}
	}
	return 0;
}

/* A district's name as a key within its region. */
static const char *name_key(struct arena *a, long long region_id, const char *name)
{
	return arena_printf(a, "%lld:%s", region_id, fold(a, name));
}

/* One line of a districts file: region, name, OKTMO, population; the key is the OKTMO code. */
static void district_line(struct preview *p, const struct sheet_row *row)
{
	struct arena *a = p->a;
	const char *region_c = cell(p, row, C_REGION), *name = cell(p, row, C_DISTRICT),
		   *oktmo_c = cell(p, row, C_OKTMO), *pop_c = cell(p, row, C_POPULATION);
	const char *oktmo = oktmo_of(a, oktmo_c), *pop = NULL;
	const struct region_ref *region = NULL;
	const struct district_ref *by_code = NULL, *by_name = NULL;
	struct buf why = {0}, changes = {0};
	json_t *data;

	if (*region_c == '\0')
		why_add(&why, "не указан регион");
	else if ((region = region_find(a, &p->refs, region_c)) == NULL)
		why_add(&why, "регион «%s» не найден", cut(a, region_c, 60));
	if (*name == '\0')
		why_add(&why, "не указано название района");
	else if (utf8_count(name, strlen(name)) > 160)
		why_add(&why, "название района длиннее 160 символов");
	if (*oktmo_c == '\0')
		why_add(&why, "не указан код ОКТМО");
	else if (oktmo == NULL)
		why_add(&why, "код ОКТМО «%s» должен состоять из 8 или 11 цифр", cut(a, oktmo_c, 20));
	if (*pop_c) {
		pop = digits_of(a, pop_c);
		if (pop == NULL || *pop == '\0' || strlen(pop) > 9)
			why_add(&why, "население «%s» должно быть целым числом", cut(a, pop_c, 20));
		else
			pop = arena_printf(a, "%lld", strtoll(pop, NULL, 10));
	}
	/* Both the code and the name are unique keys: a repeat of either is rejected. */
	if (oktmo != NULL && region != NULL && *name) {
		long by_oktmo = keyset_first(&p->keys, oktmo);
		long by_name = keyset_first(&p->names, name_key(a, region->id, name));
		if (by_oktmo != row->line || by_name != row->line)
			why_add(&why, "район с тем же %s уже есть в строке %ld (та строка остаётся, эта отклонена)",
				by_oktmo != row->line ? "кодом ОКТМО" : "названием",
				by_oktmo != row->line ? by_oktmo : by_name);
	}
	if (why.len == 0) {
		by_code = district_by_oktmo(&p->refs, oktmo);
		by_name = district_by_name(&p->refs, region->id, fold(a, name));
		if (by_code != NULL && by_code->region_id != region->id)
			why_add(&why, "код ОКТМО %s уже у района «%s» другого региона", oktmo, by_code->name);
		else if (by_name != NULL && by_code != by_name && (by_code != NULL || by_name->oktmo != NULL))
			why_add(&why, "в регионе уже есть район «%s» с кодом ОКТМО %s", by_name->name,
				by_name->oktmo ? by_name->oktmo : "—");
	}
	if (why.len > 0) {
		data = json_pack("{s:s, s:s, s:s, s:s}", "region", region_c, "name", name, "oktmo", oktmo_c,
				 "population", pop_c);
		line_add(p, row->line, IA_REJECT, 0, data, why.p);
		buf_free(&why);
		return;
	}
	region_note(p, region->id);
	by_code = by_code ? by_code : by_name; /* a district known by name only gets its code */
	if (by_code != NULL && pop == NULL)
		pop = by_code->population; /* an empty cell keeps what is known */
	data = json_pack("{s:I, s:s, s:s, s:s?, s:s}", "region_id", (json_int_t)region->id, "name", name, "oktmo",
			 oktmo, "population", pop, "region", region->name);
	if (by_code == NULL) {
		line_add(p, row->line, IA_ADD, 0, data, NULL);
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
		line_add(p, row->line, IA_SAME, by_code->id, data, NULL);
		return;
	}
	json_object_set_new(data, "fp", json_string(by_code->fp));
	line_add(p, row->line, IA_CHANGE, by_code->id, data, changes.p);
	buf_free(&changes);
}

static enum tx_end store_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct preview *p = arg;
	const struct import_new *in = p->in;
	json_t *summary = json_object();
	struct dbres r;
	char *s;
	size_t i, k;
	int rc;

	for (k = 0; k < IA__MAX; k++)
		json_object_set_new(summary, import_actions[k], json_integer(p->count[k]));
	if (p->ignored != NULL)
		json_object_set_new(summary, "ignored", json_string(p->ignored));
	s = json_dumps(summary, JSON_COMPACT);
	json_decref(summary);
	{
		struct dbv v[] = {DB_DV_STR(import_kinds[in->kind]), DB_DV_STR(in->file_name), DB_DV_STR(in->sha256),
				  DB_DV_INT(in->person_id), DB_DV_STR(s)};
		rc = db_run(d, &q[Q_IMPORT_INSERT], v, 5, &r, scratch);
	}
	free(s);
	if (rc == -1)
		return TX_FAIL;
	p->id = (long long)r.insert_id;
	for (i = 0; i < p->n; i += ROWS_PER_INSERT) {
		json_t *rows = json_array();
		for (k = i; k < p->n && k < i + ROWS_PER_INSERT; k++) {
			const struct line *l = (const struct line *)p->lines.p + k;
			json_t *row = json_pack("{s:o, s:s, s:o, s:s, s:s?}", "line",
						l->line ? json_integer(l->line) : json_null(), "action",
						import_actions[l->action], "target",
						l->target ? json_integer(l->target) : json_null(), "data", l->data,
						"reason", l->reason);
			if (row == NULL)
				abort(); /* every value is checked UTF-8: a failure is a bug, never a lost row */
			json_array_append_new(rows, row);
		}
		s = json_dumps(rows, JSON_COMPACT);
		json_decref(rows);
		{
			struct dbv v[] = {DB_DV_INT(p->id), DB_DV_STR(s)};
			rc = db_run(d, &q[Q_ROWS_INSERT], v, 2, NULL, NULL);
		}
		free(s);
		if (rc == -1)
			return TX_FAIL;
	}
	if (db_audit(d, in->person_id, "register.import.upload", "register_import", p->id, in->ip,
		     arena_printf(scratch, "%s %s: %ld lines", import_kinds[in->kind], in->sha256, (long)p->n)) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

/* The header is the first row that names the required columns (a title may stand above it);
 * returns its index, or -1 with *why about the first row. */
static long header_find(struct preview *p, const struct sheet *sh, const char **why)
{
	const char *first = NULL;
	size_t i;

	for (i = 0; i < sh->nrows && i < 5; i++) {
		*why = NULL;
		if (header_map(p->a, p->in->kind, &sh->rows[i], p->cols, &p->ignored, why) == 0)
			return (long)i;
		if (first == NULL)
			first = *why;
	}
	*why = first;
	return -1;
}

/* Collects the keys of every line after the header. */
static void keys_collect(struct preview *p, const struct sheet *sh, size_t from)
{
	size_t i;

	p->keys.v = arena_alloc(p->a, (sh->nrows + 1) * sizeof(*p->keys.v));
	p->names.v = arena_alloc(p->a, (sh->nrows + 1) * sizeof(*p->names.v));
	for (i = from; i < sh->nrows; i++) {
		const struct sheet_row *row = &sh->rows[i];
		const char *k = p->in->kind == IMPORT_ORGANIZATIONS ? digits_of(p->a, cell(p, row, C_INN))
								    : oktmo_of(p->a, cell(p, row, C_OKTMO));
		const struct region_ref *region;
		if (k != NULL && *k)
			p->keys.v[p->keys.n++] = (struct key_line){k, row->line};
		if (p->in->kind == IMPORT_DISTRICTS && *cell(p, row, C_DISTRICT) &&
		    (region = region_find(p->a, &p->refs, cell(p, row, C_REGION))) != NULL)
			p->names.v[p->names.n++] =
				(struct key_line){name_key(p->a, region->id, cell(p, row, C_DISTRICT)), row->line};
	}
	qsort(p->keys.v, p->keys.n, sizeof(*p->keys.v), key_line_cmp);
	qsort(p->names.v, p->names.n, sizeof(*p->names.v), key_line_cmp);
}

long long db_import_preview(struct db *d, struct arena *a, const struct import_new *in, const struct sheet *sh,
			    const char **why)
{
	struct preview p = {.a = a, .in = in};
	struct org_ref *orgs = NULL;
	size_t i, norgs = 0;
	long head;
	long long rc = -1;

	*why = NULL;
	if (sh->nrows == 0) {
		*why = "Файл пуст.";
		return 0;
	}
	if ((head = header_find(&p, sh, why)) < 0)
		return 0;
	if ((size_t)head + 1 == sh->nrows) {
		*why = "В файле нет строк с данными: только заголовки.";
		return 0;
	}
	if (refs_load(d, a, &p.refs) == -1)
		return -1;
	keys_collect(&p, sh, (size_t)head + 1);
	if (in->kind == IMPORT_ORGANIZATIONS) {
		p.inns = inns_json(&p);
		if (orgs_by_inn(d, &p, &orgs, &norgs) == -1)
			return -1;
	}
	for (i = (size_t)head + 1; i < sh->nrows; i++) {
		if (in->kind == IMPORT_ORGANIZATIONS)
			org_line(&p, &sh->rows[i], orgs, norgs);
		else
			district_line(&p, &sh->rows[i]);
	}
	if ((in->kind == IMPORT_DISTRICTS || org_deactivations(d, &p) == 0) && db_tx(d, store_tx, &p) == 1)
		rc = p.id;
	buf_free(&p.lines);
	return rc;
}

/* ---------------------------------------------------------------- reading imports back */

/* The counts per action of a stored summary; ignored: the header cells no column was taken from (arena). */
static void summary_counts(struct arena *a, const char *summary, long n[IA__MAX], const char **ignored)
{
	json_t *j = summary ? json_loads(summary, 0, NULL) : NULL;
	const char *s = json_string_value(json_object_get(j, "ignored"));
	int k;

	for (k = 0; k < IA__MAX; k++)
		n[k] = (long)json_integer_value(json_object_get(j, import_actions[k]));
	*ignored = s ? arena_strdup(a, s) : NULL;
	json_decref(j);
}

int db_import_get(struct db *d, struct arena *a, long long id, struct import_info *out)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_IMPORT_GET], v, 1, &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->kind = strcmp(dbres_str(&r, 0, 0), "districts") == 0 ? IMPORT_DISTRICTS : IMPORT_ORGANIZATIONS;
	out->file_name = dbres_str(&r, 0, 1);
	out->sha256 = dbres_str(&r, 0, 2);
	out->uploaded_by = dbres_int(&r, 0, 3);
	out->uploader = dbres_str(&r, 0, 4);
	out->uploaded_at = dbres_str(&r, 0, 5);
	out->applied_at = dbres_str(&r, 0, 6);
	out->same_file_applied_at = dbres_str(&r, 0, 8);
	summary_counts(a, dbres_str(&r, 0, 7), out->count, &out->ignored);
	return 1;
}

json_t *db_import_rows(struct db *d, struct arena *a, long long id, enum import_action action, long limit, long offset)
{
	struct dbv v[] = {DB_DV_INT(id), DB_DV_STR(import_actions[action]), DB_DV_INT(limit), DB_DV_INT(offset)};
	struct dbres r;
	json_t *rows;
	size_t i;

	if (db_run(d, &q[Q_IMPORT_ROWS], v, 4, &r, a) == -1)
		return NULL;
	rows = json_array();
	for (i = 0; i < r.nrows; i++) {
		json_t *row = json_loads(dbres_str(&r, i, 3) ? dbres_str(&r, i, 3) : "{}", 0, NULL);
		if (!json_is_object(row)) {
			json_decref(row);
			row = json_object();
		}
		/* Internal keys of the apply are not for the page. */
		json_object_del(row, "fp");
		json_object_del(row, "touch");
		json_object_del(row, "old_district_id");
		json_object_set_new(row, "line", dbres_str(&r, i, 0) ? json_integer(dbres_int(&r, i, 0)) : json_null());
		json_object_set_new(row, "action", json_string(dbres_str(&r, i, 1)));
		json_object_set_new(row, "target_id",
				    dbres_str(&r, i, 2) ? json_integer(dbres_int(&r, i, 2)) : json_null());
		json_object_set_new(row, "reason",
				    dbres_str(&r, i, 4) ? json_string(dbres_str(&r, i, 4)) : json_null());
		json_array_append_new(rows, row);
	}
	return rows;
}

json_t *db_imports_recent(struct db *d, struct arena *a, long limit)
{
	struct dbv v[] = {DB_DV_INT(limit)};
	struct dbres r;
	json_t *rows;
	size_t i;
	int k;

	if (db_run(d, &q[Q_IMPORTS_RECENT], v, 1, &r, a) == -1)
		return NULL;
	rows = json_array();
	for (i = 0; i < r.nrows; i++) {
		long n[IA__MAX];
		const char *ignored;
		json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?}", "id", (json_int_t)dbres_int(&r, i, 0),
					"kind", dbres_str(&r, i, 1), "file_name", dbres_str(&r, i, 2), "uploader",
					dbres_str(&r, i, 3), "uploaded_at", dbres_str(&r, i, 4), "applied_at",
					dbres_str(&r, i, 5));
		summary_counts(a, dbres_str(&r, i, 6), n, &ignored);
		for (k = 0; k < IA__MAX; k++)
			json_object_set_new(row, import_actions[k], json_integer(n[k]));
		json_array_append_new(rows, row);
	}
	return rows;
}

/* ---------------------------------------------------------------- apply */

struct apply_ctx {
	long long id, person_id;
	const char *ip;
	long count[IA__MAX]; /* rows of the preview per action */
	enum apply_outcome outcome;
};

/* Runs a write of the apply and checks that it took every row the preview showed: TX_COMMIT to go
 * on; TX_ROLLBACK (APPLY_STALE) when the register changed since (fewer rows matched, or an added key
 * exists now); TX_FAIL. */
static enum tx_end apply_step(struct db *d, struct apply_ctx *c, int stmt, long expected)
{
	struct dbv v[] = {DB_DV_INT(c->id)};
	struct dbres r;

	if (expected == 0)
		return TX_COMMIT;
	if (db_run(d, &q[stmt], v, 1, &r, NULL) == -1 && db_errno(d) != 1062)
		return TX_FAIL;
	if (db_errno(d) == 1062 || (long)r.affected != expected) {
		c->outcome = APPLY_STALE;
		return TX_ROLLBACK;
	}
	return TX_COMMIT;
}

/* Coverage follows the organisations whose district, sector or standing changed; the register's
 * counts follow the districts they left or joined. */
static int apply_upkeep(struct db *d, struct arena *scratch, struct apply_ctx *c)
{
	struct dbv v[] = {DB_DV_INT(c->id), DB_DV_INT(c->id)};
	struct dbres r;
	size_t i;

	if (db_run(d, &q[Q_APPLY_TOUCHED], v, 1, &r, scratch) == -1)
		return -1;
	for (i = 0; i < r.nrows; i++)
		if (db_coverage_org(d, dbres_int(&r, i, 0)) == -1)
			return -1;
	if (c->count[IA_ADD] + c->count[IA_CHANGE] + c->count[IA_DEACTIVATE] > RECOUNT_ROWS)
		return db_coverage_recount(d, 0);
	if (db_run(d, &q[Q_APPLY_DISTRICTS], v, 2, &r, scratch) == -1)
		return -1;
	if (r.nrows > RECOUNT_ALL)
		return db_coverage_recount(d, 0);
	for (i = 0; i < r.nrows; i++)
		if (db_coverage_recount(d, dbres_int(&r, i, 0)) == -1)
			return -1;
	return 0;
}

static enum tx_end apply_refused(struct apply_ctx *c, enum apply_outcome o)
{
	c->outcome = o;
	return TX_ROLLBACK;
}

static enum tx_end apply_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct apply_ctx *c = arg;
	struct dbv v[] = {DB_DV_INT(c->id)};
	struct dbres r;
	long *n = c->count;
	size_t i;
	int k, orgs;
	enum tx_end end;

	memset(c->count, 0, sizeof(c->count));
	if (db_run(d, &q[Q_IMPORT_LOCK], v, 1, &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0)
		return apply_refused(c, APPLY_NO_IMPORT);
	if (dbres_int(&r, 0, 1) != 0)
		return apply_refused(c, APPLY_ALREADY);
	orgs = strcmp(dbres_str(&r, 0, 0), "organizations") == 0;
	if (db_run(d, &q[Q_ROW_COUNTS], v, 1, &r, scratch) == -1)
		return TX_FAIL;
	for (i = 0; i < r.nrows; i++)
		for (k = 0; k < IA__MAX; k++)
			if (strcmp(dbres_str(&r, i, 0), import_actions[k]) == 0)
				n[k] = (long)dbres_int(&r, i, 1);
	if (orgs) {
		if ((end = apply_step(d, c, Q_APPLY_ORG_ADD, n[IA_ADD])) != TX_COMMIT ||
		    (end = apply_step(d, c, Q_APPLY_ORG_CHANGE, n[IA_CHANGE])) != TX_COMMIT ||
		    (end = apply_step(d, c, Q_APPLY_ORG_DEACTIVATE, n[IA_DEACTIVATE])) != TX_COMMIT)
			return end;
		if (apply_upkeep(d, scratch, c) != 0)
			return TX_FAIL;
	} else if ((end = apply_step(d, c, Q_APPLY_DISTRICT_ADD, n[IA_ADD])) != TX_COMMIT ||
		   (end = apply_step(d, c, Q_APPLY_DISTRICT_CHANGE, n[IA_CHANGE])) != TX_COMMIT)
		return end;
	if (db_run(d, &q[Q_IMPORT_APPLIED], v, 1, NULL, NULL) == -1 ||
	    db_audit(d, c->person_id, "register.import.apply", "register_import", c->id, c->ip,
		     arena_printf(scratch, "added %ld, changed %ld, deactivated %ld, rejected %ld", n[IA_ADD],
				  n[IA_CHANGE], n[IA_DEACTIVATE], n[IA_REJECT])) == -1)
		return TX_FAIL;
	c->outcome = APPLY_DONE;
	return TX_COMMIT;
}

int db_import_apply(struct db *d, long long id, long long person_id, const char *ip)
{
	struct apply_ctx c = {id, person_id, ip, {0}, APPLY__MAX};

	return db_tx(d, apply_tx, &c) == -1 ? -1 : (int)c.outcome;
}

/* ---------------------------------------------------------------- organisations proposed at sign-up */

struct propose_ctx {
	const struct person_new *p;
	const struct org_proposal *o;
	long long person_id; /* as db_person_create_proposing returns it */
};

static enum tx_end propose_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct propose_ctx *c = arg;
	struct person_new p = *c->p;
	struct dbv v[] = {DB_DV_INT(c->o->district_id), DB_DV_INT(c->o->sector_id), DB_DV_STR(c->o->name),
			  DB_DV_STR(c->o->name)};
	struct dbres r;

	if (db_run(d, &q[Q_PROPOSE], v, 4, &r, scratch) == -1) {
		if (db_errno(d) != 1452)
			return TX_FAIL;
		c->person_id = -2;
		return TX_ROLLBACK;
	}
	p.organization_id = (long long)r.insert_id;
	if ((c->person_id = db_person_create(d, &p)) <= 0)
		return c->person_id == 0 ? TX_ROLLBACK : TX_FAIL;
	{
		struct dbv w[] = {DB_DV_INT(c->person_id), DB_DV_INT(p.organization_id)};
		return db_run(d, &q[Q_PROPOSED_BY], w, 2, NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
	}
}

long long db_person_create_proposing(struct db *d, const struct person_new *p, const struct org_proposal *o)
{
	struct propose_ctx c = {p, o, 0};

	return db_tx(d, propose_tx, &c) == -1 ? -1 : c.person_id;
}

json_t *db_orgs_proposed(struct db *d, struct arena *a)
{
	static const char *const k[] = {"#id",      "name",           "short_name",     "district",
					"region",   "sector",         "created_at",     "#proposed_by",
					"proposer", "proposer_email", "#registrations", NULL};

	return db_json(d, &q[Q_PROPOSED], NULL, 0, a, k);
}

int db_org_get(struct db *d, struct arena *a, long long id, struct org_info *o)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_ORG_GET], v, 1, &r, a) == -1)
		return -1;
	if (r.nrows == 0)
		return 0;
	*o = (struct org_info){.id = dbres_int(&r, 0, 0),
			       .name = dbres_str(&r, 0, 1),
			       .short_name = dbres_str(&r, 0, 2),
			       .inn = dbres_str(&r, 0, 3),
			       .sector_id = dbres_int(&r, 0, 4),
			       .sector = dbres_str(&r, 0, 5),
			       .district_id = dbres_int(&r, 0, 6),
			       .district = dbres_str(&r, 0, 7),
			       .region_id = dbres_int(&r, 0, 8),
			       .region = dbres_str(&r, 0, 9),
			       .status = dbres_str(&r, 0, 10),
			       .active = dbres_int(&r, 0, 11) != 0,
			       .created_at = dbres_str(&r, 0, 12),
			       .proposed_by = dbres_int(&r, 0, 13),
			       .proposer = dbres_str(&r, 0, 14),
			       .proposer_email = dbres_str(&r, 0, 15),
			       .people = dbres_int(&r, 0, 16),
			       .registrations = dbres_int(&r, 0, 17),
			       .merged_into = dbres_int(&r, 0, 18)};
	return 1;
}

json_t *db_orgs_search(struct db *d, struct arena *a, const char *text, long long region_id, long long district_id)
{
	static const char *const k[] = {"#id", "short_name", "name", "inn", "district", "sector", NULL};
	const char *like = db_like_escape(a, text);
	struct dbv v[] = {DB_DV_STR(text), DB_DV_STR(like), DB_DV_STR(like), DB_DV_INT(region_id),
			  DB_DV_INT(district_id)};

	return db_json(d, &q[Q_ORG_SEARCH], v, 5, a, k);
}

/* Locks a proposed organisation and finds its district: TX_COMMIT to go on; TX_ROLLBACK with the
 * outcome set when there is no such organisation or it is not proposed (any more); TX_FAIL. */
static enum tx_end proposed_lock(struct db *d, struct arena *a, long long id, long long *district_id,
				 enum org_outcome *outcome)
{
	struct dbv v[] = {DB_DV_INT(id)};
	struct dbres r;

	if (db_run(d, &q[Q_ORG_LOCK], v, 1, &r, a) == -1)
		return TX_FAIL;
	if (r.nrows == 0 || strcmp(dbres_str(&r, 0, 0), "proposed") != 0) {
		*outcome = r.nrows == 0 ? ORG_NONE : ORG_NOT_PROPOSED;
		return TX_ROLLBACK;
	}
	*district_id = dbres_int(&r, 0, 2);
	return TX_COMMIT;
}

struct accept_ctx {
	const struct org_accept *in;
	enum org_outcome outcome;
};

static enum tx_end accept_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct accept_ctx *c = arg;
	const struct org_accept *in = c->in;
	struct dbv v[] = {DB_DV_STR(in->name), DB_DV_STR(in->short_name), db_dv_str_or_null(in->inn),
			  DB_DV_INT(in->sector_id), DB_DV_INT(in->id)};
	long long district;
	enum tx_end end;

	if ((end = proposed_lock(d, scratch, in->id, &district, &c->outcome)) != TX_COMMIT)
		return end;
	if (db_run(d, &q[Q_ORG_ACCEPT], v, 5, NULL, NULL) == -1) {
		if (db_errno(d) != 1062 && db_errno(d) != 1452)
			return TX_FAIL;
		c->outcome = db_errno(d) == 1062 ? ORG_INN_TAKEN : ORG_NO_SECTOR;
		return TX_ROLLBACK;
	}
	if (db_coverage_recount(d, district) == -1 || db_coverage_org(d, in->id) == -1 ||
	    db_audit(d, in->by, "organization.accept", "organization", in->id, in->ip,
		     arena_printf(scratch, "inn=%s sector=%lld", in->inn ? in->inn : "-", in->sector_id)) == -1)
		return TX_FAIL;
	c->outcome = ORG_DONE;
	return TX_COMMIT;
}

int db_org_accept(struct db *d, const struct org_accept *in)
{
	struct accept_ctx c = {in, ORG__MAX};

	return db_tx(d, accept_tx, &c) == -1 ? -1 : (int)c.outcome;
}

struct merge_ctx {
	long long id, target, by;
	const char *ip;
	enum org_outcome outcome;
};

static enum tx_end merge_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct merge_ctx *c = arg;
	struct dbv tv[] = {DB_DV_INT(c->target)};
	struct dbv mv[] = {DB_DV_INT(c->target), DB_DV_INT(c->id)};
	struct dbres r, people, regs;
	long long district;
	enum tx_end end;

	if ((end = proposed_lock(d, scratch, c->id, &district, &c->outcome)) != TX_COMMIT)
		return end;
	if (db_run(d, &q[Q_ORG_LOCK], tv, 1, &r, scratch) == -1)
		return TX_FAIL;
	if (r.nrows == 0 || strcmp(dbres_str(&r, 0, 0), "register") != 0 || dbres_int(&r, 0, 1) == 0) {
		c->outcome = ORG_BAD_TARGET;
		return TX_ROLLBACK;
	}
	if (db_run(d, &q[Q_MOVE_PEOPLE], mv, 2, &people, scratch) == -1 ||
	    db_run(d, &q[Q_MOVE_REGISTRATIONS], mv, 2, &regs, scratch) == -1 ||
	    db_run(d, &q[Q_ORG_MERGED], mv, 2, NULL, NULL) == -1)
		return TX_FAIL;
	if (db_coverage_org(d, c->target) == -1 || db_coverage_org(d, c->id) == -1 ||
	    db_audit(d, c->by, "organization.merge", "organization", c->id, c->ip,
		     arena_printf(scratch, "into=%lld people=%llu registrations=%llu", c->target, people.affected,
				  regs.affected)) == -1)
		return TX_FAIL;
	c->outcome = ORG_DONE;
	return TX_COMMIT;
}

int db_org_merge(struct db *d, long long id, long long target, long long by, const char *ip)
{
	struct merge_ctx c = {id, target, by, ip, ORG__MAX};

	return db_tx(d, merge_tx, &c) == -1 ? -1 : (int)c.outcome;
}
