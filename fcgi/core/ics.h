/* iCalendar files of a seminar: one VEVENT per session (the page's .ics and the mail's attachment). */
#ifndef ICS_H
#define ICS_H

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "db_seminar.h"

/* Appends the VCALENDAR of seminar s with one VEVENT per session of sessions ({id, starts_at, ends_at},
 * as db_seminar_sessions gives them); the event's URL is base_url/seminars/{id}. */
void ics_seminar(struct buf *, struct arena *, const char *base_url, const struct seminar *s, json_t *sessions);

#endif
