/* Invitations to the untrained: the organiser of a published seminar invites the people of its region's
 * organisations never trained in its sectors, of chosen districts or all, after a preview of how many. */
#include <stdlib.h>
#include <string.h>

#include "portal.h"

#define DISTRICTS_MAX 190 /* the request holds at most 200 fields */

/* The invitations a person may get in seven days (untrained_week_limit). */
static long long week_limit(const struct req *r)
{
	return config_int(&r->app->cfg, "untrained_week_limit", 2);
}

/* The chosen districts of the seminar's region as "id,id" (NULL: none chosen, the whole region), each marked
 * "checked" in districts. Returns 1, or 0 when one is not a district of the region. */
static int districts_chosen(struct req *r, json_t *districts, const char **list)
{
	const char *vals[DISTRICTS_MAX];
	size_t n = req_params(r, "district_id", vals, DISTRICTS_MAX), i, j;
	json_t *row;

	*list = NULL;
	for (i = 0; i < n; i++) {
		long long id = strtoll(vals[i], NULL, 10);
		json_t *found = NULL;
		json_array_foreach (districts, j, row)
			if (json_integer_value(json_object_get(row, "id")) == id)
				found = row;
		if (found == NULL)
			return 0;
		json_object_set_new(found, "checked", json_true());
		*list = *list == NULL ? arena_printf(&r->arena, "%lld", id)
				      : arena_printf(&r->arena, "%s,%lld", *list, id);
	}
	return 1;
}

/* The page with the region's districts (borrowed), and the preview's numbers when people >= 0. Returns status. */
static int invite_page(struct req *r, const struct seminar *s, int status, const char *error, json_t *districts,
		       const char *list, long long people, long long orgs)
{
	json_t *ctx = json_pack("{s:s, s:{s:I, s:s, s:s, s:s, s:s, s:b}, s:O, s:I, s:s?}", "title",
				"Пригласить необученных", "seminar", "id", (json_int_t)s->id, "title", s->title,
				"manage_url", url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "action", r->path, "region",
				s->region, "published", strcmp(s->status, "published") == 0, "districts", districts,
				"week_limit", (json_int_t)week_limit(r), "error", error);

	if (people >= 0)
		json_object_set_new(ctx, "preview",
				    json_pack("{s:I, s:I, s:b}", "people", (json_int_t)people, "orgs", (json_int_t)orgs,
					      "all", list == NULL));
	page(r, "manage-invite", ctx);
	return status;
}

/* Loads the seminar of the path for its organiser and its region's districts (a new reference). Returns 0, or the
 * status. */
static int invite_load(struct req *r, struct seminar *s, json_t **districts)
{
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), s)) != 0)
		return rc;
	if ((*districts = db_districts(r->app->db, &r->arena, s->region_id)) == NULL)
		return 500;
	return 0;
}

int pg_manage_invite(struct req *r)
{
	struct seminar s;
	json_t *districts;
	int rc;

	if ((rc = invite_load(r, &s, &districts)) != 0)
		return rc;
	rc = invite_page(r, &s, 200, NULL, districts, NULL, -1, 0);
	json_decref(districts);
	return rc;
}

/* Invites au's audience: the notice with the numbers, or the page with why nobody was invited. */
static int invite_send(struct req *r, const struct seminar *s, json_t *districts, const struct untrained_audience *au)
{
	long long people, orgs;
	int rc = db_untrained_invite(r->app->db, au, r->user->id, r->ip,
				     arena_printf(&r->arena, "districts=%s week_limit=%lld",
						  au->districts != NULL ? au->districts : "all", au->week_limit),
				     &people, &orgs);

	if (rc == -1)
		return 500;
	if (rc == UNTRAINED_NOBODY)
		return invite_page(r, s, 409, "Приглашать некого: все, кого можно пригласить, уже приглашены.",
				   districts, au->districts, -1, 0);
	return notice_page(r, 200, "Приглашения отправлены",
			   arena_printf(&r->arena,
					"Приглашено %lld чел. из %lld организаций. Письма уйдут в ближайшие минуты.",
					people, orgs),
			   url(&r->arena, U_MANAGE_SEMINARS_ID_NOTICES, s->id), "Уведомления семинара");
}

/* Without send: the preview (how many people of how many organisations); with it, the invitations. */
int pg_manage_invite_post(struct req *r)
{
	struct seminar s;
	struct untrained_audience au;
	json_t *districts;
	long long people, orgs;
	int rc;

	if ((rc = invite_load(r, &s, &districts)) != 0)
		return rc;
	au = (struct untrained_audience){s.id, NULL, week_limit(r)};
	if (!districts_chosen(r, districts, &au.districts))
		rc = invite_page(r, &s, 400, "Выберите районы из списка: только районы региона семинара.", districts,
				 NULL, -1, 0);
	else if (strcmp(s.status, "published") != 0)
		rc = invite_page(r, &s, 409, "Приглашать можно только на опубликованный семинар.", districts,
				 au.districts, -1, 0);
	else if (req_param(r, "send") != NULL)
		rc = invite_send(r, &s, districts, &au);
	else if (db_untrained_count(r->app->db, &r->arena, &au, &people, &orgs) == -1)
		rc = 500;
	else
		rc = invite_page(r, &s, 200, NULL, districts, au.districts, people, orgs);
	json_decref(districts);
	return rc;
}
