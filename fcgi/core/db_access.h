/* Statements of the journal of access to personal data: entries, whose data they showed, the administrators' reading.
 */
#ifndef DB_ACCESS_H
#define DB_ACCESS_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* One view or export of other people's personal data by staff. */
struct access_entry {
	long long by;            /* who looked */
	const char *ip;          /* from where */
	const char *action;      /* what: participants.view, participants.export, ... */
	const char *object_type; /* which object: seminar, person (NULL: none, as a search) */
	long long object_id;
	const char *query;  /* which query: filters, a search text, a format (NULL: none) */
	const char *people; /* whose data, as a JSON array of person ids; NULL: the people registered
			     * for seminar object_id, or person object_id */
};
/* Writes the entry and its subjects in one transaction. Returns 0 or -1. */
int db_access_record(struct db *, const struct access_entry *);

/* The administrators' filters of the journal; NULL or 0: any. */
struct access_filter {
	const char *who;       /* the looker's e-mail or name, a part of it */
	const char *action;    /* an exact action */
	long long subject;     /* entries about this person */
	const char *from, *to; /* dates YYYY-MM-DD, both included */
	long limit, offset;
};
/* Entries, the newest first: {id, at, who, who_email, action, object_type, object_id, query, people, ip};
 * *total counts them all. NULL on failure. */
json_t *db_access_list(struct db *, struct arena *, const struct access_filter *, long long *total);

#endif
