/* Administration: people, their roles and scopes. */
#include <string.h>

#include "portal.h"

int pg_admin_users(struct req *r)
{
	const char *q = req_param(r, "q");
	json_t *users = db_people_search(r->app->db, &r->arena, q, 200), *u, *ids;
	size_t i;
	int rc;

	if (users == NULL)
		return 500;
	ids = access_ids(users, "id");
	rc = access_record(r, "people.search", NULL, 0, q, ids);
	json_decref(ids);
	if (rc == -1) {
		json_decref(users);
		return 500;
	}
	json_array_foreach (users, i, u) {
		json_object_set_new(u, "url", url_row(&r->arena, U_ADMIN_USERS_ID, u));
	}
	return page(r, "admin-users",
		    json_pack("{s:s, s:s?, s:I, s:o}", "title", "Пользователи", "q", q, "total",
			      (json_int_t)json_array_size(users), "users", users));
}

int pg_admin_user(struct req *r)
{
	long long id = req_arg_id(r, 0);
	json_t *person, *grants, *g, *roles, *head, *ctx;
	size_t i;
	int k;

	if (id == 0 || (person = db_person_profile(r->app->db, &r->arena, id)) == NULL)
		return id == 0 ? 404 : 500;
	if (json_is_null(person))
		return fail(r, 404, "Такого пользователя нет.");
	if (access_record(r, "person.view", "person", id, NULL, NULL) == -1) {
		json_decref(person);
		return 500;
	}
	json_object_set_new(person, "id", json_integer(id));
	json_object_set_new(person, "grants_url", json_string(url(&r->arena, U_ADMIN_USERS_ID_GRANTS, id)));
	if ((grants = db_person_grants(r->app->db, &r->arena, id)) == NULL) {
		json_decref(person);
		return 500;
	}
	json_array_foreach (grants, i, g) {
		json_object_set_new(g, "revoke_url", url_row(&r->arena, U_ADMIN_GRANTS_ID_REVOKE, g));
	}
	/* The role head (one organisation), decided on /manage/heads. */
	if ((head = db_head_of_person(r->app->db, &r->arena, id)) == NULL) {
		json_decref(person);
		json_decref(grants);
		return 500;
	}
	if (!json_is_null(head))
		head_actions(r, head);
	roles = json_array();
	for (k = 0; k < ROLE__MAX; k++)
		json_array_append_new(roles, json_pack("{s:s, s:s}", "value", role_codes[k], "name", role_names[k]));
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:o?, s:o?, s:o?, s:o}", "title", "Пользователь", "person", person,
			"grants", grants, "role_options", roles, "regions", db_regions(r->app->db, &r->arena),
			"sectors", db_sectors(r->app->db, &r->arena), "districts",
			db_districts_all(r->app->db, &r->arena), "head", head);
	if (json_object_get(ctx, "regions") == NULL || json_object_get(ctx, "sectors") == NULL ||
	    json_object_get(ctx, "districts") == NULL) {
		json_decref(ctx);
		return 500;
	}
	return page(r, "admin-user", ctx);
}

int pg_admin_grant(struct req *r)
{
	long long id = req_arg_id(r, 0);
	struct grant g = {.region_id = req_int(r, "region_id", 0),
			  .sector_id = req_int(r, "sector_id", 0),
			  .district_id = req_int(r, "district_id", 0)};
	const char *role = req_param(r, "role");
	enum role k;
	json_t *person;
	int rc;

	if (role == NULL)
		return fail_field(r, "role", "выберите роль");
	for (k = 0; k < ROLE__MAX && strcmp(role_codes[k], role) != 0; k++)
		;
	if (id == 0 || (person = db_person_profile(r->app->db, &r->arena, id)) == NULL)
		return id == 0 ? 404 : 500;
	if (json_is_null(person))
		return fail(r, 404, "Такого пользователя нет.");
	json_decref(person);
	/* An administrator's rights have no territory. */
	if (k == ROLE_ADMIN)
		g.region_id = g.sector_id = g.district_id = 0;
	/* A district narrows a grant of its own region. */
	if (g.district_id > 0) {
		long long region = db_district_region(r->app->db, &r->arena, g.district_id);
		if (region == -1)
			return 500;
		if (region == 0 || region != g.region_id)
			return fail_field(r, "district_id", "выберите район выбранного региона");
	}
	if ((rc = db_grant_add(r->app->db, id, k, &g, r->user->id)) == -1)
		return db_errno(r->app->db) == 1452 ? fail(r, 400, "Такого региона или направления нет.") : 500;
	if (rc == 1)
		audit(r, "role.grant", "person", id,
		      arena_printf(&r->arena, "%s region=%lld sector=%lld%s", role_codes[k], g.region_id, g.sector_id,
				   g.district_id ? arena_printf(&r->arena, " district=%lld", g.district_id) : ""));
	return redirect(r, url(&r->arena, U_ADMIN_USERS_ID, id));
}

int pg_admin_revoke(struct req *r)
{
	long long id = req_arg_id(r, 0), person = 0;
	int rc;

	if (id == 0)
		return 404;
	if ((rc = db_grant_revoke(r->app->db, id, &person)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такой роли нет: возможно, её уже отозвали.");
	audit(r, "role.revoke", "person", person, arena_printf(&r->arena, "grant=%lld", id));
	return redirect(r, url(&r->arena, U_ADMIN_USERS_ID, person));
}
