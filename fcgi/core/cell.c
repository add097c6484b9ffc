/* The text of a spreadsheet cell as the register reads it: spaces, keys for matching names, digits, codes. */
#include "cell.h"

#include <ctype.h>
#include <string.h>

char *cell_clean(struct arena *a, const char *s)
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

const char *cell_key(struct arena *a, const char *s)
{
	char *out = cell_clean(a, s), *o = out;
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

const char *cell_cut(struct arena *a, const char *s, long max)
{
	const char *p = s;
	long n = 0;

	for (; *p && n < max; n++)
		for (p++; ((unsigned char)*p & 0xc0) == 0x80; p++)
			;
	return *p ? arena_printf(a, "%.*s…", (int)(p - s), s) : s;
}

const char *cell_digits(struct arena *a, const char *s)
{
	const char *c = cell_clean(a, s);
	char *out = arena_alloc(a, strlen(c) + 1), *o = out;

	for (; *c; c++)
		if (isdigit((unsigned char)*c))
			*o++ = *c;
		else if (*c != ' ')
			return NULL;
	*o = '\0';
	return out;
}

const char *cell_oktmo(struct arena *a, const char *s)
{
	const char *d = cell_digits(a, s);
	size_t n = d ? strlen(d) : 0;

	if (n == 7 || n == 10)
		return arena_printf(a, "0%s", d);
	return n == 8 || n == 11 ? d : NULL;
}
