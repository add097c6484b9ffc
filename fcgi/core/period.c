/* The period grammar of the coverage reports: keys, the dates they span, their names and choices. */
#include "period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const month_names[] = {"январь", "февраль", "март",     "апрель",  "май",    "июнь",
					  "июль",   "август",  "сентябрь", "октябрь", "ноябрь", "декабрь"};
static const char *const quarter_names[] = {"I", "II", "III", "IV"};

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The months [month, month + n) of year y as dates. */
static void period_span(struct period *p, int y, int month, int n)
{
	int end = month + n;

	snprintf(p->from, sizeof(p->from), "%04d-%02d-01", y, month);
	snprintf(p->to, sizeof(p->to), "%04d-%02d-01", end > 12 ? y + 1 : y, end > 12 ? end - 12 : end);
}

int period_parse(struct arena *a, const char *s, struct period *p)
{
	size_t len = strlen(s);
	int y, n;

	memset(p, 0, sizeof(*p));
	if (strcmp(s, "all") == 0) {
		snprintf(p->from, sizeof(p->from), "1000-01-01");
		snprintf(p->to, sizeof(p->to), "9999-12-31");
		p->name = "за всё время";
	} else if (len >= 4 && digits(s, 4) && (y = atoi(s)) >= 1900 && y < 9999) {
		if (len == 4) {
			period_span(p, y, 1, 12);
			p->name = arena_printf(a, "%d год", y);
		} else if (len == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
			n = s[6] - '0';
			period_span(p, y, 3 * n - 2, 3);
			p->name = arena_printf(a, "%s квартал %d", quarter_names[n - 1], y);
		} else if (len == 7 && s[4] == '-' && digits(s + 5, 2) && (n = atoi(s + 5)) >= 1 && n <= 12) {
			period_span(p, y, n, 1);
			p->name = arena_printf(a, "%s %d", month_names[n - 1], y);
		} else
			return 0;
	} else
		return 0;
	snprintf(p->key, sizeof(p->key), "%s", s);
	return 1;
}

static int year_of(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

const char *period_default(struct arena *a, time_t now)
{
	return arena_printf(a, "%d", year_of(now));
}

static int year_cmp(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

json_t *period_choices(struct arena *a, time_t now, const struct period *chosen, int first, int last)
{
	int years[64], y;
	size_t i, n = 0, k;
	json_t *out;

	years[n++] = year_of(now);
	if (strcmp(chosen->key, "all") != 0)
		years[n++] = atoi(chosen->key);
	for (y = last; y >= first && n < sizeof(years) / sizeof(years[0]); y--)
		years[n++] = y;
	qsort(years, n, sizeof(years[0]), year_cmp);
	out = json_array();
	for (i = 0; i < n; i++) {
		json_t *items;
		struct period p;
		if (i > 0 && years[i] == years[i - 1])
			continue;
		/* The year, its quarters, its months: k = 0, 1..4, 5..16. */
		items = json_array();
		for (k = 0; k <= 16; k++) {
			const char *key = k == 0   ? arena_printf(a, "%d", years[i])
					  : k <= 4 ? arena_printf(a, "%d-Q%zu", years[i], k)
						   : arena_printf(a, "%d-%02zu", years[i], k - 4);
			if (period_parse(a, key, &p))
				json_array_append_new(items, json_pack("{s:s, s:s}", "value", key, "name", p.name));
		}
		json_array_append_new(out,
				      json_pack("{s:s, s:o}", "year", arena_printf(a, "%d", years[i]), "items", items));
	}
	return out;
}
