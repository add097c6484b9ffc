/* The home page: the catalogue of published seminars with filters and pages. */
#include <string.h>
#include <time.h>

#include "portal.h"

#define PER_PAGE 20
#define STALE_S  5 /* seconds: the oldest copy of the catalogue a guest is shown while sign-ups take every writer */

/* The current query string with page=N, for the pager links. */
static const char *page_url(struct req *r, long n)
{
	static const char *const keys[] = {"q", "sector_id", "format", "region_id", "district_id", "from", "to", NULL};
	struct buf b = {0};
	const char *const *k;
	const char *out;

	buf_adds(&b, "/?");
	for (k = keys; *k; k++) {
		const char *v = req_param(r, *k);
		if (v == NULL)
			continue;
		buf_adds(&b, *k);
		buf_addc(&b, '=');
		url_encode(&b, v);
		buf_addc(&b, '&');
	}
	buf_addf(&b, "page=%ld", n);
	out = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	return out;
}

static json_t *cards(struct req *r, json_t *rows)
{
	json_t *out = json_array(), *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		long long cap[MODE__MAX], taken[MODE__MAX];
		const char *format = json_string_value(json_object_get(row, "format"));
		const char *venue = json_string_value(json_object_get(row, "venue"));
		const char *district = json_string_value(json_object_get(row, "district"));
		json_t *co = json_object_get(row, "cap_online");

		cap[MODE_IN_PERSON] = json_integer_value(json_object_get(row, "cap_in_person"));
		cap[MODE_ONLINE] = json_is_null(co) ? -1 : json_integer_value(co);
		taken[MODE_IN_PERSON] = json_integer_value(json_object_get(row, "taken_in_person"));
		taken[MODE_ONLINE] = json_integer_value(json_object_get(row, "taken_online"));
		json_array_append_new(
			out,
			json_pack("{s:O, s:s, s:O, s:s, s:s, s:s, s:s, s:O, s:o}", "id", json_object_get(row, "id"),
				  "url",
				  url(&r->arena, U_SEMINARS_ID,
				      (long long)json_integer_value(json_object_get(row, "id"))),
				  "title", json_object_get(row, "title"), "date",
				  date_ru(&r->arena, json_string_value(json_object_get(row, "starts_at")), 1), "place",
				  strcmp(format, "online") == 0 ? "онлайн"
				  : venue && district           ? arena_printf(&r->arena, "%s, %s", venue, district)
				  : venue                       ? venue
				  : district                    ? district
								: "место уточняется",
				  "format", format, "format_name", format_name(format), "sectors",
				  json_object_get(row, "sectors"), "seats", seats_json(&r->arena, format, cap, taken)));
	}
	return out;
}

/* The name of the {id, name} row of list with this id, or NULL. */
static const char *name_of(json_t *list, long long id)
{
	json_t *row;
	size_t i;

	json_array_foreach (list, i, row)
		if (json_integer_value(json_object_get(row, "id")) == id)
			return json_string_value(json_object_get(row, "name"));
	return NULL;
}

/* The filters that are on, for the folded filter box: «поиск «сайт», Образование, Онлайн, с 1 декабря
 * 2026», or NULL when none is. In the arena. */
static const char *filters_on(struct req *r, const struct catalogue_filter *f, json_t *sectors, json_t *regions,
			      json_t *districts)
{
	const char *on[7];
	size_t n = 0, i;
	struct buf b = {0};
	const char *out;

	if (f->q != NULL)
		on[n++] = arena_printf(&r->arena, "поиск «%s»", f->q);
	if (f->sector_id && name_of(sectors, f->sector_id))
		on[n++] = name_of(sectors, f->sector_id);
	if (f->format != NULL && format_name(f->format)[0])
		on[n++] = format_name(f->format);
	if (f->region_id && name_of(regions, f->region_id))
		on[n++] = name_of(regions, f->region_id);
	if (f->district_id && name_of(districts, f->district_id))
		on[n++] = name_of(districts, f->district_id);
	if (req_param(r, "from") != NULL)
		on[n++] = arena_printf(&r->arena, "с %s", date_ru(&r->arena, f->from, 0));
	if (f->to != NULL)
		on[n++] = arena_printf(&r->arena, "по %s", date_ru(&r->arena, f->to, 0));
	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, on[i]);
	}
	out = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	return out;
}

int pg_home(struct req *r)
{
	struct catalogue_filter f = {0};
	long long total = 0, page_no = req_int(r, "page", 1), pages;
	json_t *sectors, *regions, *districts, *rows, *ctx;
	const char *on;
	char today[11];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	/* A guest's catalogue is the same for every guest: serve it from the cache while no
	 * seminar has changed (places included), for a minute at most (reference lists). */
	if (r->user == NULL) {
		const char *version = db_seminars_version(r->app->db, &r->arena), *ctype;
		const struct buf *hit;
		if (version == NULL)
			return 500;
		/* One entry for each answer: JSON, the page, the page for the visually impaired. */
		char kind = r->want_json ? 'j' : app_lowvision(r) ? 'v' : 'h';
		r->cache_key = arena_printf(&r->arena, "%c%s?%s", kind, today, r->query);
		r->cache_version = version;
		hit = cache_get(r->cache_key, version, 60, &ctype);
		/* While sign-ups take every writer, the places shown may be a moment old: the last copy now (made at
		 * most STALE_S seconds ago), a fresh one right after the answer, so guests never wait for a render. */
		if (hit == NULL && !app_replaying() && app_writers_busy(r) &&
		    (hit = cache_get(r->cache_key, NULL, STALE_S, &ctype)) != NULL)
			app_replay_later(r);
		if (hit != NULL) {
			buf_add(&r->body, hit->p, hit->len);
			r->ctype = ctype;
			r->cache_key = NULL;
			return 200;
		}
	}
	f.q = req_param(r, "q");
	f.format = req_param(r, "format");
	f.from = req_param(r, "from") ? req_param(r, "from") : today;
	f.to = req_param(r, "to");
	f.sector_id = req_int(r, "sector_id", 0);
	f.region_id = req_int(r, "region_id", 0);
	f.district_id = req_int(r, "district_id", 0);
	f.limit = PER_PAGE;
	f.offset = (long)(page_no - 1) * PER_PAGE;
	sectors = db_sectors(r->app->db, &r->arena);
	regions = db_regions(r->app->db, &r->arena);
	districts = f.region_id ? db_districts(r->app->db, &r->arena, f.region_id) : json_array();
	rows = db_catalogue(r->app->db, &r->arena, &f, &total);
	pages = total > 0 ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	ctx = json_pack(
		"{s:s, s:o?, s:o?, s:o?, s:o, s:{s:s?, s:I, s:I, s:I, s:s?, s:s?, s:s?}, s:o, s:{s:I, s:I, s:I, "
		"s:s?, s:s?}}",
		"title", "Семинары для администраторов госпабликов", "sectors", sectors, "regions", regions,
		"districts", districts, "formats", formats_json(), "filter", "q", f.q, "sector_id",
		(json_int_t)f.sector_id, "region_id", (json_int_t)f.region_id, "district_id", (json_int_t)f.district_id,
		"format", f.format, "from", req_param(r, "from"), "to", f.to, "seminars",
		rows ? cards(r, rows) : json_array(), "pager", "page", (json_int_t)page_no, "pages", (json_int_t)pages,
		"total", (json_int_t)total, "prev_url", page_no > 1 ? page_url(r, (long)page_no - 1) : NULL, "next_url",
		page_no < pages ? page_url(r, (long)page_no + 1) : NULL);
	if (sectors == NULL || regions == NULL || districts == NULL || rows == NULL) {
		json_decref(rows);
		json_decref(ctx);
		return 500;
	}
	/* The summary line of the folded filter box says which filters are on. */
	on = filters_on(r, &f, sectors, regions, districts);
	json_object_set_new(ctx, "filters_on", on ? json_string(on) : json_null());
	json_decref(rows);
	return page(r, "home", ctx);
}
