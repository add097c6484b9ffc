/* The journal of access to personal data: who viewed or exported whose data, which object or query, when, from where.
 */
#include "access.h"

#include <stdlib.h>

#include "app.h"

int access_record(struct req *r, const char *action, const char *otype, long long oid, const char *query,
		  const json_t *people)
{
	struct access_entry e = {.by = r->user ? r->user->id : 0,
				 .ip = r->ip,
				 .action = action,
				 .object_type = otype,
				 .object_id = oid,
				 .query = query};
	char *ids = people ? json_dumps(people, JSON_COMPACT) : NULL;
	int rc;

	e.people = ids;
	rc = db_access_record(r->app->db, &e);
	free(ids);
	return rc;
}

json_t *access_ids(const json_t *rows, const char *key)
{
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach (rows, i, x)
		if (json_integer_value(json_object_get(x, key)) > 0)
			json_array_append(out, json_object_get(x, key));
	return out;
}
