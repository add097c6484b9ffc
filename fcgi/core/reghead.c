/* The header row of a register file: which row it is and which cell holds which column, by the words of their names. */
#include "reghead.h"

#include <ctype.h>
#include <string.h>

#include "buf.h"
#include "cell.h"

const char *const import_kinds[IMPORT__MAX] = {"organizations", "districts"};

static const char *const col_labels[COL__MAX] = {
	"Регион", "Район",    "ОКТМО",     "Направление", "Полное наименование", "Краткое наименование",
	"ИНН",    "Страницы", "Население",
};
/* Word beginnings of each column's header, tried in this order: "Код ОКТМО района" is the
 * OKTMO, "Наименование района" the district, "Краткое наименование" the short name. */
static const struct {
	enum reghead_col c;
	const char *stems;
} col_stems[] = {
	{COL_OKTMO, "октмо|oktmo"},
	{COL_INN, "инн|inn"},
	{COL_POPULATION, "населен|численн|population"},
	{COL_SHORT, "кратк|сокращ|short"},
	{COL_URLS, "ссылк|страниц|сайт|паблик|url|page"},
	{COL_DISTRICT, "район|округ|муниципальн|district"},
	{COL_REGION, "регион|субъект|region"},
	{COL_SECTOR, "направлен|отрасл|сфер|sector"},
	{COL_NAME, "наименован|название|организац|name"},
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

/* Finds the columns in one row: cols[c] is the cell index of column c, or -1. Returns 0, or -1 with
 * *why (which must be NULL on entry) for a column named twice or a required one missing. */
static int header_map(struct arena *a, enum import_kind kind, const struct sheet_row *h, long cols[COL__MAX],
		      const char **ignored, const char **why)
{
	static const enum reghead_col need_orgs[] = {COL_REGION, COL_SECTOR, COL_NAME, COL_SHORT, COL_INN, COL__MAX};
	static const enum reghead_col need_districts[] = {COL_REGION, COL_DISTRICT, COL_OKTMO, COL__MAX};
	struct buf missing = {0}, skip = {0};
	const enum reghead_col *need = kind == IMPORT_DISTRICTS ? need_districts : need_orgs;
	size_t i, k;

	for (k = 0; k < COL__MAX; k++)
		cols[k] = -1;
	for (i = 0; i < h->n; i++) {
		const char *key = cell_key(a, h->cells[i]);
		for (k = 0; k < sizeof(col_stems) / sizeof(col_stems[0]) && !has_stem(key, col_stems[k].stems); k++)
			;
		if (k == sizeof(col_stems) / sizeof(col_stems[0])) {
			if (*key)
				buf_addf(&skip, "%s«%s»", skip.len ? ", " : "", cell_clean(a, h->cells[i]));
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
	if (kind == IMPORT_DISTRICTS && cols[COL_DISTRICT] < 0)
		cols[COL_DISTRICT] = cols[COL_NAME];
	for (; *need != COL__MAX; need++)
		if (cols[*need] < 0)
			buf_addf(&missing, "%s«%s»", missing.len ? ", " : "", col_labels[*need]);
	if (kind == IMPORT_ORGANIZATIONS && cols[COL_DISTRICT] < 0 && cols[COL_OKTMO] < 0)
		buf_addf(&missing, "%s«Район» или «ОКТМО»", missing.len ? ", " : "");
	if (missing.len > 0)
		*why = arena_printf(
			a, "В первой строке файла нет столбцов: %s. Первая строка — заголовки: %s.", missing.p,
			kind == IMPORT_DISTRICTS ? "Регион, Район, ОКТМО, Население"
						 : "Регион, Район, ОКТМО, Направление, Полное наименование, Краткое "
						   "наименование, ИНН, Страницы");
	*ignored = skip.len ? cell_cut(a, arena_strdup(a, skip.p), 400) : NULL;
	buf_free(&missing);
	buf_free(&skip);
	return *why ? -1 : 0;
}

long reghead_find(struct arena *a, enum import_kind kind, const struct sheet *sh, long cols[COL__MAX],
		  const char **ignored, const char **why)
{
	const char *first = NULL;
	size_t i;

	for (i = 0; i < sh->nrows && i < REGHEAD_ROWS; i++) {
		*why = NULL;
		if (header_map(a, kind, &sh->rows[i], cols, ignored, why) == 0)
			return (long)i;
		if (first == NULL)
			first = *why;
	}
	*why = first;
	return -1;
}
