/* The cabinet's profile: the person edits their name, its dative form for certificates, position, phone and
 * organisation. */
#include "portal.h"

/* The form: the person's profile, or what was posted, with the choices of region, district and
 * organisation (narrowed by region_id and district_id of a GET). Returns the status. */
static int profile_page(struct req *r, int status, const char *error, const char *notice)
{
	static const char *const posted[] = {"full_name", "full_name_dat", "position", "phone", NULL};
	json_t *form = db_profile_form(r->app->db, &r->arena, r->user->id), *ctx;
	long long region, district;
	size_t i;

	if (form == NULL)
		return 500;
	if (r->method == M_POST)
		for (i = 0; posted[i]; i++)
			json_object_set_new(form, posted[i],
					    req_param(r, posted[i]) ? json_string(req_param(r, posted[i]))
								    : json_null());
	if (r->method == M_POST && req_int(r, "organization_id", 0) > 0) {
		long long reg, dis;
		if (db_organization_place(r->app->db, &r->arena, req_int(r, "organization_id", 0), &reg, &dis) == 1) {
			json_object_set_new(form, "region_id", json_integer(reg));
			json_object_set_new(form, "district_id", json_integer(dis));
		}
		json_object_set_new(form, "organization_id", json_integer(req_int(r, "organization_id", 0)));
	}
	if (req_param(r, "region_id") != NULL && r->method != M_POST) {
		json_object_set_new(form, "region_id", json_integer(req_int(r, "region_id", 0)));
		json_object_set_new(form, "district_id", json_integer(req_int(r, "district_id", 0)));
	}
	region = json_integer_value(json_object_get(form, "region_id"));
	district = json_integer_value(json_object_get(form, "district_id"));
	ctx = json_pack("{s:s, s:O, s:o, s:o?, s:o?, s:o?, s:s?, s:s?}", "title", "Мой профиль", "email",
			json_object_get(form, "email"), "form", form, "regions", db_regions(r->app->db, &r->arena),
			"districts", region > 0 ? db_districts(r->app->db, &r->arena, region) : json_array(),
			"organizations",
			district > 0 ? db_organizations(r->app->db, &r->arena, district) : json_array(), "error", error,
			"notice", notice);
	if (json_object_get(ctx, "regions") == NULL || json_object_get(ctx, "districts") == NULL ||
	    json_object_get(ctx, "organizations") == NULL) {
		json_decref(ctx);
		return 500;
	}
	page(r, "me-profile", ctx);
	return status;
}

int pg_profile(struct req *r)
{
	return profile_page(r, 200, NULL, req_param(r, "saved") ? "Профиль сохранён." : NULL);
}

int pg_profile_post(struct req *r)
{
	struct profile_edit e = {.person_id = r->user->id,
				 .full_name = req_param(r, "full_name"),
				 .full_name_dat = req_param(r, "full_name_dat"),
				 .position = req_param(r, "position"),
				 .phone = req_param(r, "phone"),
				 .organization_id = req_int(r, "organization_id", 0),
				 .ip = r->ip};
	long long region, district;
	int rc;

	if (e.full_name == NULL)
		return profile_page(r, 400, "Заполните поле «ФИО».", NULL);
	if (e.full_name_dat == NULL)
		return profile_page(r, 400, "Заполните поле «ФИО в дательном падеже».", NULL);
	if ((rc = db_organization_place(r->app->db, &r->arena, e.organization_id, &region, &district)) != 1)
		return rc == -1 ? 500
				: profile_page(r, 400,
					       "Выбранной организации нет в реестре. Выберите организацию из списка.",
					       NULL);
	if ((rc = db_profile_save(r->app->db, &e)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого пользователя нет.");
	return redirect(r, "/me/profile?saved=1");
}
