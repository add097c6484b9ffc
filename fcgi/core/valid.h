/* The validator table: input fields, their types and limits. */
#ifndef VALID_H
#define VALID_H

#include <stddef.h>

/* The validator table: every input field a program accepts, with its type,
 * limits and the Russian label used in error messages. */
enum field_type {
	FT_TEXT,      /* one line, no control characters */
	FT_MULTILINE, /* text with line breaks and tabs */
	FT_EMAIL,     /* local@domain.tld, lower-cased on input */
	FT_ID,        /* positive decimal integer up to 2^31-1 */
	FT_INT,       /* decimal integer, optional minus, within min..max */
	FT_PASSWORD,  /* any characters but controls; length in code points */
	FT_PHONE,     /* digits, spaces, + ( ) - */
	FT_BOOL,      /* "1", "on", "true" */
	FT_TOKEN,     /* base64url alphabet, for CSRF tokens and codes */
	FT_ENUM,      /* one of the '|'-separated words in .choices */
	FT_PATH,      /* a local path starting with one '/', for "next" redirects */
	FT_FILE,      /* a multipart file part; max is its size in bytes */
	FT_DATE,      /* YYYY-MM-DD, a real calendar date */
	FT_TIME,      /* HH:MM */
	FT_DATETIME,  /* YYYY-MM-DDTHH:MM (an <input type=datetime-local>) */
	FT_URL,       /* http:// or https:// address without spaces */
	FT_DECIMAL,   /* digits with at most one decimal place, '.' or ',' (academic hours) */
	FT__MAX
};

struct field {
	const char *name;
	const char *label; /* «Электронная почта» */
	enum field_type type;
	long min, max;       /* code points for strings; value for FT_INT */
	const char *choices; /* FT_ENUM only */
};

/* Validates one value in place (lower-cases e-mail). Returns 1 when valid, 0 when
 * not, with a Russian reason in *why (static string). Empty values are not
 * passed here: an empty field counts as absent. */
int valid_check(const struct field *, char *val, size_t len, const char **why);
/* The field of table (ended by an entry with a NULL name) named by the len bytes of name, or NULL.
 * A table name ending in '*' names a family: its prefix followed by 1 to 9 digits ("rate*" takes
 * rate12), for forms with one field per row of the database (a survey's questions). */
const struct field *valid_find(const struct field *table, const char *name, size_t len);

/* Every program's field table carries the CSRF token field. */
#define FIELD_CSRF                                                                                                     \
	{                                                                                                              \
		"csrf", "Токен формы", FT_TOKEN, 20, 64, NULL                                                          \
	}

#endif
