/* iCalendar files of a seminar: one VEVENT per session (the page's .ics and the mail's attachment). */
#include "ics.h"

#include <string.h>
#include <time.h>

/* iCalendar text: backslash, semicolon, comma and line breaks escaped. */
static void ics_text(struct buf *b, const char *name, const char *s)
{
	size_t col = strlen(name) + 1;

	buf_adds(b, name);
	buf_addc(b, ':');
	for (; s && *s; s++) {
		const char *rep = NULL;
		char one[2] = {*s, '\0'};
		if (*s == '\\' || *s == ';' || *s == ',')
			rep = *s == '\\' ? "\\\\" : *s == ';' ? "\\;" : "\\,";
		else if (*s == '\n')
			rep = "\\n";
		else if (*s == '\r')
			continue;
		/* Fold at 74 octets, never inside a UTF-8 sequence. */
		if (col >= 74 && ((unsigned char)*s & 0xc0) != 0x80) {
			buf_adds(b, "\r\n ");
			col = 1;
		}
		buf_adds(b, rep ? rep : one);
		col += rep ? strlen(rep) : 1;
	}
	buf_adds(b, "\r\n");
}

static const char *ics_time(struct arena *a, const char *sql)
{
	/* "2026-12-12 10:00:00" -> "20261212T100000", local time of the venue. */
	return arena_printf(a, "%.4s%.2s%.2sT%.2s%.2s%.2s", sql, sql + 5, sql + 8, sql + 11, sql + 14, sql + 17);
}

void ics_seminar(struct buf *b, struct arena *a, const char *base_url, const struct seminar *s, json_t *sessions)
{
	const char *where =
		s->venue ? arena_printf(a, "%s%s%s", s->venue, s->address ? ", " : "", s->address ? s->address : "")
			 : "Онлайн";
	json_t *row;
	size_t i;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	buf_adds(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CUR seminars//RU\r\nCALSCALE:GREGORIAN\r\n");
	json_array_foreach (sessions, i, row) {
		const char *st = json_string_value(json_object_get(row, "starts_at"));
		const char *en = json_string_value(json_object_get(row, "ends_at"));
		buf_adds(b, "BEGIN:VEVENT\r\n");
		buf_addf(b, "UID:seminar-%lld-session-%lld@seminars\r\n", s->id,
			 (long long)json_integer_value(json_object_get(row, "id")));
		buf_addf(b, "DTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\n", stamp, ics_time(a, st), ics_time(a, en));
		ics_text(b, "SUMMARY", s->title);
		ics_text(b, "LOCATION", where);
		ics_text(b, "URL", arena_printf(a, "%s/seminars/%lld", base_url, s->id));
		if (strcmp(s->status, "cancelled") == 0)
			buf_adds(b, "STATUS:CANCELLED\r\n");
		buf_adds(b, "END:VEVENT\r\n");
	}
	buf_adds(b, "END:VCALENDAR\r\n");
}
