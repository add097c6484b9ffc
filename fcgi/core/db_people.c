/* Statements of people: the cabinet's profile and the administrators' user screens. */
#include "db_people.h"

#include <string.h>

enum { Q_PROFILE, Q_SEARCH, Q_GRANTS, Q_PERSON_BY_EMAIL, Q__MAX };

#define ROLE_NAMES_SQL                                                                                                                           \
	"CASE g.role WHEN 'organizer' THEN 'организатор' WHEN 'reviewer' THEN 'представитель министерства' " \
	"ELSE 'администратор' END"

static struct dbq q[Q__MAX] = {
	[Q_PROFILE] = {"SELECT p.full_name, p.full_name_dat, p.email, p.phone, p.position, o.short_name, d.name, "
		       "r.name FROM person p LEFT JOIN organization o ON o.id = p.organization_id "
		       "LEFT JOIN district d ON d.id = o.district_id LEFT JOIN region r ON r.id = d.region_id "
		       "WHERE p.id = ?"},
	[Q_SEARCH] = {"SELECT p.id, p.email, p.full_name, o.short_name, "
		      "(SELECT GROUP_CONCAT(DISTINCT " ROLE_NAMES_SQL " ORDER BY g.role SEPARATOR ', ') "
		      "FROM role_grant g WHERE g.person_id = p.id) "
		      "FROM person p LEFT JOIN organization o ON o.id = p.organization_id "
		      "WHERE ? = '' OR p.full_name LIKE CONCAT('%', ?, '%') OR p.email LIKE CONCAT('%', ?, '%') "
		      "ORDER BY p.id DESC LIMIT ?"},
	[Q_GRANTS] = {"SELECT g.id, g.role, " ROLE_NAMES_SQL ", IFNULL(r.name, 'все регионы'), "
		      "IFNULL(s.name, 'все направления'), IFNULL(d.name, 'все районы') FROM role_grant g "
		      "LEFT JOIN region r ON r.id = g.region_id LEFT JOIN sector s ON s.id = g.sector_id "
		      "LEFT JOIN district d ON d.id = g.district_id "
		      "WHERE g.person_id = ? ORDER BY g.role, r.name, s.name"},
	[Q_PERSON_BY_EMAIL] = {"SELECT id FROM person WHERE email = ?"},
};

json_t *db_person_profile(struct db *d, struct arena *a, long long id)
{
	static const char *const k[] = {"full_name",    "full_name_dat", "email",  "phone", "position",
					"organization", "district",      "region", NULL};
	struct dbv v[] = {DB_DV_INT(id)};
	json_t *rows = db_json(d, &q[Q_PROFILE], v, NELEM(v), a, k), *one;

	if (rows == NULL)
		return NULL;
	one = json_array_size(rows) ? json_incref(json_array_get(rows, 0)) : json_null();
	json_decref(rows);
	return one;
}

json_t *db_people_search(struct db *d, struct arena *a, const char *qs, long limit)
{
	static const char *const k[] = {"#id", "email", "full_name", "organization", "roles", NULL};
	/* LIKE metacharacters in the search text match themselves. */
	const char *esc = db_like_escape(a, qs ? qs : "");
	struct dbv v[] = {DB_DV_STR(esc), DB_DV_STR(esc), DB_DV_STR(esc), DB_DV_INT(limit)};

	return db_json(d, &q[Q_SEARCH], v, NELEM(v), a, k);
}

json_t *db_person_grants(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#id",         "role",          "role_name", "region_name",
					"sector_name", "district_name", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_GRANTS], v, NELEM(v), a, k);
}

long long db_person_by_email(struct db *d, struct arena *a, const char *email)
{
	struct dbv v[] = {DB_DV_STR(email)};
	struct dbres r;

	if (db_run(d, &q[Q_PERSON_BY_EMAIL], v, NELEM(v), &r, a) == -1)
		return -1;
	return r.nrows ? dbres_int(&r, 0, 0) : 0;
}
