/* Administration: organisations proposed at sign-up, accepted into the register or merged into one of it. */
#include <string.h>

#include "portal.h"

int pg_proposed(struct req *r)
{
	json_t *orgs = db_orgs_proposed(r->app->db, &r->arena), *o;
	size_t i;

	if (orgs == NULL)
		return 500;
	json_array_foreach (orgs, i, o) {
		json_object_set_new(o, "url", url_row(&r->arena, U_ADMIN_ORGANIZATIONS_PROPOSED_ID, o));
		json_object_set_new(
			o, "proposed_on",
			json_string(date_ru(&r->arena, json_string_value(json_object_get(o, "created_at")), 1)));
	}
	return page(r, "admin-proposed",
		    json_pack("{s:s, s:I, s:o}", "title", "Предложенные организации", "total",
			      (json_int_t)json_array_size(orgs), "orgs", orgs));
}

static const char *status_name(const struct org_info *o)
{
	if (strcmp(o->status, "proposed") == 0)
		return "ждёт решения администратора";
	if (strcmp(o->status, "merged") == 0)
		return "объединена с организацией реестра";
	return o->active ? "в реестре" : "в реестре, недействующая";
}

/* The page of one proposed organisation: what is known, the accept form (prefilled with the
 * posted values after an error) and the search for the organisation to merge it into. */
static int proposed_page(struct req *r, int status, const char *error)
{
	long long id = req_arg_id(r, 0);
	const char *q = req_param(r, "q"), *name = req_param(r, "org_name"),
		   *short_name = req_param(r, "org_short_name");
	struct org_info o;
	json_t *ctx, *sectors, *found = NULL;
	int rc;

	if (id == 0 || (rc = db_org_get(r->app->db, &r->arena, id, &o)) == 0)
		return fail(r, 404, "Такой организации нет.");
	if (rc == -1)
		return 500;
	if (strcmp(o.status, "proposed") == 0 && q != NULL &&
	    (found = db_orgs_search(r->app->db, &r->arena, q, o.region_id, o.district_id)) == NULL)
		return 500;
	if ((sectors = db_sectors(r->app->db, &r->arena)) == NULL) {
		json_decref(found);
		return 500;
	}
	ctx = json_pack("{s:s, s:{s:I, s:s, s:s, s:s?, s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:I, s:b, s:s?}, "
			"s:{s:s, s:s, s:s?, s:I}, s:o, s:s?, s:o?, s:s, s:s, s:s?}",
			"title", "Предложенная организация", "org", "id", (json_int_t)o.id, "name", o.name,
			"short_name", o.short_name, "inn", o.inn, "sector_id", (json_int_t)o.sector_id, "sector",
			o.sector, "district", o.district, "region", o.region, "status", o.status, "status_name",
			status_name(&o), "proposer", o.proposer, "proposer_email", o.proposer_email, "people",
			(json_int_t)o.people, "registrations", (json_int_t)o.registrations, "waiting",
			strcmp(o.status, "proposed") == 0, "proposed_on", date_ru(&r->arena, o.created_at, 1), "form",
			"name", name ? name : o.name, "short_name", short_name ? short_name : o.short_name, "inn",
			req_param(r, "inn") ? req_param(r, "inn") : o.inn, "sector_id",
			(json_int_t)req_int(r, "sector_id", o.sector_id), "sectors", sectors, "q", q, "found", found,
			"accept_url", url(&r->arena, U_ADMIN_ORGANIZATIONS_PROPOSED_ID_ACCEPT, id), "merge_url",
			url(&r->arena, U_ADMIN_ORGANIZATIONS_PROPOSED_ID_MERGE, id), "error", error);
	page(r, "admin-proposed-org", ctx);
	return status;
}

int pg_proposed_org(struct req *r)
{
	return proposed_page(r, 200, NULL);
}

int pg_proposed_accept(struct req *r)
{
	long long id = req_arg_id(r, 0);
	struct org_accept in = {.id = id, .by = r->user->id, .ip = r->ip};
	struct org_info o;
	int rc;

	if (id == 0 || (rc = db_org_get(r->app->db, &r->arena, id, &o)) == 0)
		return fail(r, 404, "Такой организации нет.");
	if (rc == -1)
		return 500;
	/* What the administrator leaves out stays as proposed. */
	in.name = req_param(r, "org_name") ? req_param(r, "org_name") : o.name;
	in.short_name = req_param(r, "org_short_name") ? req_param(r, "org_short_name") : o.short_name;
	in.inn = req_param(r, "inn");
	in.sector_id = req_int(r, "sector_id", o.sector_id);
	if (in.inn != NULL && !inn_valid(in.inn))
		return proposed_page(r, 400, "ИНН должен состоять из 10 или 12 цифр с верной контрольной цифрой.");
	switch (db_org_accept(r->app->db, &in)) {
	case ORG_DONE: return redirect(r, U_ADMIN_ORGANIZATIONS_PROPOSED);
	case ORG_NONE: return fail(r, 404, "Такой организации нет.");
	case ORG_NOT_PROPOSED:
		return proposed_page(r, 409, "Организация уже не ждёт решения: её приняли или объединили.");
	case ORG_INN_TAKEN:
		return proposed_page(r, 409, "Этот ИНН уже есть у другой организации реестра. Объедините с ней.");
	case ORG_NO_SECTOR: return proposed_page(r, 400, "Такого направления нет.");
	default: return 500;
	}
}

int pg_proposed_merge(struct req *r)
{
	long long id = req_arg_id(r, 0), target = req_int(r, "target_id", 0);

	if (id == 0)
		return 404;
	if (target == 0 || target == id)
		return fail_field(r, "target_id", "выберите организацию реестра, с которой объединить");
	switch (db_org_merge(r->app->db, id, target, r->user->id, r->ip)) {
	case ORG_DONE: return redirect(r, U_ADMIN_ORGANIZATIONS_PROPOSED);
	case ORG_NONE: return fail(r, 404, "Такой организации нет.");
	case ORG_NOT_PROPOSED:
		return proposed_page(r, 409, "Организация уже не ждёт решения: её приняли или объединили.");
	case ORG_BAD_TARGET:
		return proposed_page(r, 409, "Объединить можно только с действующей организацией реестра.");
	default: return 500;
	}
}
