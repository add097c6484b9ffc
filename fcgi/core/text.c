/* Text helpers: UTF-8 checks, URL coding, HTML escaping, base64url, dates and attendance rules in Russian. */
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

long utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	long n = 0;

	while (p < e) {
		unsigned c = *p;
		size_t k;
		unsigned cp;

		if (c == 0)
			return -1;
		if (c < 0x80) {
			p++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else
			return -1;
		if ((size_t)(e - p) <= k)
			return -1;
		for (size_t i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		p += k + 1;
		n++;
	}
	return n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long url_decode(char *s, size_t len, int plus)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			int h, l;
			if (i + 2 >= len || (h = hexval((unsigned char)s[i + 1])) < 0 ||
			    (l = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			s[o++] = (char)(h * 16 + l);
			i += 2;
		} else if (plus && s[i] == '+')
			s[o++] = ' ';
		else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return (long)o;
}

void url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/')
			buf_addc(b, (char)c);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

void html_escape(struct buf *b, const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, s + start, i - start);
		buf_adds(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

int url_is_safe(const char *s)
{
	static const char *const schemes[] = {"http:", "https:", "mailto:", "tel:"};
	size_t i;

	/* Browsers read '\\' as '/', and drop blanks and control characters, so
	 * " //x" or "/\t/x" would lead to another site. */
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '\\')
			return 0;
	if (s[0] == '/')
		return s[1] != '/' && s[1] != '\\';
	if (s[0] == '#' || s[0] == '?' || s[0] == '\0')
		return 1;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncasecmp(s, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	/* A relative path without a scheme: no ':' before the first '/', '?' or '#'. */
	return s[strcspn(s, ":/?#")] != ':';
}

void b64url_encode(char *out, const unsigned char *in, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*out++ = al[v >> 18 & 63];
		*out++ = al[v >> 12 & 63];
		*out++ = al[v >> 6 & 63];
		*out++ = al[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)in[i] << 16;
		*out++ = al[v >> 18 & 63];
		*out++ = al[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		*out++ = al[v >> 18 & 63];
		*out++ = al[v >> 12 & 63];
		*out++ = al[v >> 6 & 63];
	}
	*out = '\0';
}

static int date_parts(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > 31)
		return 0;
	return 1;
}

const char *date_ru(struct arena *a, const char *s, int with_time)
{
	static const char *const months[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
					     "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
	int y, m, d;

	if (!date_parts(s, &y, &m, &d))
		return "";
	if (with_time && strlen(s) >= 16 && s[10] == ' ')
		return arena_printf(a, "%d %s %d, %.5s", d, months[m - 1], y, s + 11);
	return arena_printf(a, "%d %s %d", d, months[m - 1], y);
}

const char *weekday_ru(const char *s)
{
	static const char *const days[] = {"воскресенье", "понедельник", "вторник", "среда",
					   "четверг",     "пятница",     "суббота"};
	static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
	int y, m, d;

	if (!date_parts(s, &y, &m, &d))
		return "";
	/* Sakamoto's method: 0 is Sunday. */
	y -= m < 3;
	return days[(y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7];
}

const char *attendance_rule_name(const char *rule, long long percent)
{
	static const char *const t[][2] = {{"door", "отметка на входе по билету"},
					   {"online", "коды присутствия онлайн"},
					   {"either", "отметка на входе или коды присутствия онлайн"},
					   {"both", "и отметка на входе, и коды присутствия онлайн"}};
	static char buf[160];
	const char *name = "";
	size_t i;

	for (i = 0; rule && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i][0], rule) == 0)
			name = t[i][1];
	/* Every rule counts the sessions attended against the share. */
	if (percent > 0 && *name) {
		snprintf(buf, sizeof(buf), "%s — не меньше чем на %lld%% занятий", name, percent);
		return buf;
	}
	return name;
}

const char *date_range_ru(struct arena *a, const char *starts, const char *ends)
{
	if (starts == NULL)
		return "дата уточняется";
	if (ends != NULL && strncmp(starts, ends, 10) == 0 && strlen(ends) >= 16)
		return arena_printf(a, "%s–%.5s", date_ru(a, starts, 1), ends + 11);
	if (ends != NULL && strncmp(starts, ends, 10) != 0)
		return arena_printf(a, "%s — %s", date_ru(a, starts, 0), date_ru(a, ends, 0));
	return date_ru(a, starts, 1);
}
