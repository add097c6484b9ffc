/* Text helpers: UTF-8, URL and HTML encoding, Russian dates, base64url. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"

/* Returns the number of code points, or -1 when s is not valid UTF-8 or has NUL. */
long utf8_count(const char *s, size_t len);
/* URL-decodes in place ('+' as space when plus is set); returns the new length or -1. */
long url_decode(char *s, size_t len, int plus);
/* Appends s percent-encoded for a query value. */
void url_encode(struct buf *, const char *s);
/* Appends HTML-escaped text (& < > " ' all escaped: safe in text and quoted attributes). */
void html_escape(struct buf *, const char *s, size_t len);
/* Returns 1 when s is a safe link target: a path ("/x", not "//x"), "#", "?", or
 * http, https, mailto, tel; 0 otherwise (javascript:, data:, ...). */
int url_is_safe(const char *s);
/* A database date or time stamp ("2026-12-12" or "2026-12-12 10:00:00") in
 * Russian: "12 декабря 2026" plus ", 10:00" when with_time and there is a
 * time. Returns "" for NULL or a malformed value. Allocated in the arena. */
const char *date_ru(struct arena *, const char *sql, int with_time);
/* "12 декабря 2026, 10:00–13:00", or a span of days, or «дата уточняется». In the arena. */
const char *date_range_ru(struct arena *, const char *starts, const char *ends);
/* The Russian weekday of a database date ("суббота"), or "". */
const char *weekday_ru(const char *sql);
/* A seminar's attendance rule (door, online, either, both) in Russian: «отметка на входе по
 * билету», with the online share when percent > 0 and it applies. Static storage. */
const char *attendance_rule_name(const char *rule, long long percent);
/* Base64url without padding, for random tokens. out must hold 4*n/3+4 bytes. */
void b64url_encode(char *out, const unsigned char *in, size_t n);

#endif
