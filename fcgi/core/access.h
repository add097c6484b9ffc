/* The journal of access to personal data: a staff member's view or export of other people's data, on record. */
#ifndef ACCESS_H
#define ACCESS_H

#include <jansson.h>

struct req;

/* Records that the user viewed or exported personal data: action ("participants.view"), the object
 * ("seminar" id: the people registered for it are whose data, unless people says; "person" id: that
 * person), query (filters, a search text, a format; NULL) and people, a JSON array of the person ids
 * shown (NULL: as the object says). Returns 0 or -1: a view that cannot be recorded is not shown. */
int access_record(struct req *, const char *action, const char *object_type, long long object_id, const char *query,
		  const json_t *people);
/* The person ids of rows (objects with key) as a JSON array for access_record (new reference). */
json_t *access_ids(const json_t *rows, const char *key);

#endif
