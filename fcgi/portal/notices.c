/* The notices a seminar sent, for its organiser: per kind (and per sending, for those sent to many at once) how
 * many recipients, how many letters wait, went out or failed, and when. */
#include <string.h>

#include "portal.h"

int pg_manage_notices(struct req *r)
{
	struct seminar s;
	json_t *rows, *row;
	size_t i;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rows = db_mail_seminar_notices(r->app->db, &r->arena, s.id)) == NULL)
		return 500;
	json_array_foreach (rows, i, row) {
		const char *first = json_string_value(json_object_get(row, "first_at"));
		const char *last = json_string_value(json_object_get(row, "last_at"));
		json_object_set_new(row, "kind_name",
				    json_string(mail_kinds_name(json_string_value(json_object_get(row, "kind")))));
		json_object_set_new(row, "when",
				    json_string(strcmp(first, last) == 0 ? date_ru(&r->arena, first, 1)
									 : arena_printf(&r->arena, "%s — %s",
											date_ru(&r->arena, first, 1),
											date_ru(&r->arena, last, 1))));
	}
	return page(r, "manage-notices",
		    json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:o}", "title", "Уведомления семинара", "seminar", "id",
			      (json_int_t)s.id, "title", s.title, "manage_url",
			      url(&r->arena, U_MANAGE_SEMINARS_ID, s.id), "invite_url",
			      url(&r->arena, U_MANAGE_SEMINARS_ID_INVITE, s.id), "notices", rows));
}
