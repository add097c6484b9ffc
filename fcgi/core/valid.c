/* Validator table checks: type, length in code points, charset. */
#include "valid.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Whether name is the family's prefix followed by 1 to 9 digits. */
static int family_member(const char *family, size_t flen, const char *name, size_t len)
{
	size_t i;

	if (len <= flen || len - flen > 9 || memcmp(family, name, flen) != 0)
		return 0;
	for (i = flen; i < len; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

const struct field *valid_find(const struct field *t, const char *name, size_t len)
{
	for (; t->name != NULL; t++) {
		size_t n = strlen(t->name);
		if (n > 0 && t->name[n - 1] == '*' ? family_member(t->name, n - 1, name, len)
						   : n == len && memcmp(t->name, name, len) == 0)
			return t;
	}
	return NULL;
}

static int has_controls(const char *s, size_t len, int multiline)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x7f)
			return 1;
		if (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return 1;
	}
	return 0;
}

static int check_email(char *s, size_t len)
{
	char *at = memchr(s, '@', len), *dot;
	size_t i;

	if (at == NULL || at == s || memchr(at + 1, '@', len - (size_t)(at - s) - 1) != NULL)
		return 0;
	dot = strrchr(at, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\')
			return 0;
		s[i] = (char)tolower(c);
	}
	return 1;
}

static int check_int(const char *s, long min, long max, int positive)
{
	const char *d = (!positive && *s == '-') ? s + 1 : s;
	char *end;
	long long v;

	if (!isdigit((unsigned char)*d))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return 0;
	if (positive)
		return v >= 1 && v <= 2147483647LL;
	return v >= min && v <= max;
}

static int check_enum(const char *choices, const char *s, size_t len)
{
	const char *p = choices;

	while (*p) {
		size_t n = strcspn(p, "|");
		if (n == len && memcmp(p, s, len) == 0)
			return 1;
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

static int digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int check_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return 0;
	y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int check_time(const char *s)
{
	return digits(s, 2) && s[2] == ':' && digits(s + 3, 2) && atoi(s) < 24 && atoi(s + 3) < 60;
}

static int check_decimal(char *s, size_t len)
{
	size_t i, dot = len;

	for (i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == ',') {
			if (dot != len)
				return 0;
			dot = i;
			s[i] = '.';
		} else if (!isdigit((unsigned char)s[i]))
			return 0;
	return dot > 0 && dot <= 4 && (dot == len || len - dot == 2);
}

int valid_check(const struct field *f, char *s, size_t len, const char **why)
{
	long cps = utf8_count(s, len);
	size_t i;

	*why = "недопустимые символы (текст должен быть в кодировке UTF-8)";
	if (cps < 0)
		return 0;
	switch (f->type) {
	case FT_ID:
	case FT_INT:
		*why = "ожидается целое число";
		if (len > 20 || !check_int(s, f->min, f->max, f->type == FT_ID))
			return 0;
		return 1;
	case FT_BOOL:
		*why = "ожидается отметка «да»";
		return strcmp(s, "1") == 0 || strcmp(s, "on") == 0 || strcmp(s, "true") == 0;
	case FT_ENUM: *why = "недопустимое значение"; return check_enum(f->choices, s, len);
	default: break;
	}
	if (cps < f->min) {
		*why = "слишком короткое значение";
		return 0;
	}
	if (cps > f->max) {
		*why = "слишком длинное значение";
		return 0;
	}
	*why = "недопустимые символы";
	if (has_controls(s, len, f->type == FT_MULTILINE))
		return 0;
	switch (f->type) {
	case FT_EMAIL: *why = "неверный адрес электронной почты"; return check_email(s, len);
	case FT_PHONE:
		*why = "телефон может содержать только цифры, пробелы и знаки + ( ) -";
		for (i = 0; i < len; i++)
			if (!isdigit((unsigned char)s[i]) && strchr(" +()-", s[i]) == NULL)
				return 0;
		return 1;
	case FT_TOKEN:
		for (i = 0; i < len; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
				return 0;
		return 1;
	case FT_PATH:
		*why = "недопустимый адрес страницы";
		return s[0] == '/' && s[1] != '/' && s[1] != '\\' && strchr(s, ':') == NULL;
	case FT_DATE: *why = "ожидается дата (ГГГГ-ММ-ДД)"; return len == 10 && check_date(s);
	case FT_TIME: *why = "ожидается время (ЧЧ:ММ)"; return len == 5 && check_time(s);
	case FT_DATETIME:
		*why = "ожидаются дата и время (ГГГГ-ММ-ДДTЧЧ:ММ)";
		return len == 16 && check_date(s) && s[10] == 'T' && check_time(s + 11);
	case FT_URL:
		*why = "ожидается адрес, начинающийся с http:// или https://";
		return (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0) && url_is_safe(s) &&
		       strchr(s, '"') == NULL;
	case FT_DECIMAL: *why = "ожидается число, например 4 или 4,5"; return check_decimal(s, len);
	default: return 1;
	}
}
