/* The home page: the seminar catalogue with its filters. */
#include "portal.h"

int pg_home(struct req *r)
{
	json_t *sectors = db_sectors(r->app->db, &r->arena);
	json_t *regions = db_regions(r->app->db, &r->arena);
	const char *q = req_param(r, "q");

	if (sectors == NULL || regions == NULL) {
		json_decref(sectors);
		json_decref(regions);
		return 500;
	}
	return page(r, "home",
		    json_pack("{s:s, s:o, s:o, s:{s:s?, s:I, s:I}, s:[]}", "title",
			      "Семинары для администраторов госпабликов", "sectors", sectors, "regions", regions,
			      "filter", "q", q, "sector_id", (json_int_t)req_int(r, "sector_id", 0), "region_id",
			      (json_int_t)req_int(r, "region_id", 0), "seminars"));
}
