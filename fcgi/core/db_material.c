/* Statements of seminar materials: adding and deleting, access by visibility, lists, download counts. */
#include "db_material.h"

#include <stddef.h>

#include "db_cert.h"

const char *const visibility_codes[VIS__MAX] = {"public", "registered", "attended"};
const char *const visibility_names[VIS__MAX] = {"всем", "зарегистрированным участникам", "тем, кто посетил семинар"};

enum { Q_ADD, Q_DELETE, Q_GET, Q_COUNT, Q_ALL, Q_VISIBLE, Q_OF_PERSON, Q__MAX };

/* A material m of seminar s with x, the person's confirmed registration of that seminar (if any) and
 * its attendance evidence; the first parameter is the person. */
#define WITH_PERSON                                                                                                    \
	"FROM material m JOIN seminar s ON s.id = m.seminar_id LEFT JOIN (SELECT r.id, r.seminar_id, " ATT_COUNTS      \
	" FROM registration r WHERE r.person_id = ? AND r.status = 'confirmed') x ON x.seminar_id = m.seminar_id "
/* Whether that person may see m by its visibility; nobody but its organisers sees a draft's materials. */
#define ALLOWED                                                                                                        \
	"(s.status <> 'draft' AND (m.visibility = 'public' OR (m.visibility = 'registered' AND x.id IS NOT NULL) "     \
	"OR (m.visibility = 'attended' AND x.id IS NOT NULL AND " QUALIFIES ")))"
#define ALLOWED_COL ", " ALLOWED
#define LIST_COLS   "m.id, m.title, m.visibility, m.file_name, m.size, m.url"

/* cppcheck 2.10 fails to expand X-macro arguments that are strings holding commas: */
/* cppcheck-suppress preprocessorErrorDirective */
#define MATERIAL(X)                                                                                                    \
	X(LL, id, "m.id")                                                                                              \
	X(LL, seminar_id, ", m.seminar_id")                                                                            \
	X(LL, region_id, ", s.region_id")                                                                              \
	X(STR, title, ", m.title")                                                                                     \
	X(STR, visibility, ", m.visibility")                                                                           \
	X(STR, sha256, ", m.sha256")                                                                                   \
	X(STR, file_name, ", m.file_name")                                                                             \
	X(STR, mime, ", m.mime")                                                                                       \
	X(STR, url, ", m.url")                                                                                         \
	X(BOOL, allowed, ALLOWED_COL)
#define MATERIAL_COL(t, field, sql) {DBC_##t, offsetof(struct material, field)},
static const struct dbcol material_cols[] = {MATERIAL(MATERIAL_COL)};

static struct dbq q[Q__MAX] = {
	[Q_ADD] = {"INSERT INTO material (seminar_id, title, visibility, sha256, file_name, mime, size, url, "
		   "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[Q_DELETE] = {"DELETE FROM material WHERE id = ? AND seminar_id = ?"},
	[Q_GET] = {"SELECT " MATERIAL(DB_COL_SQL) " " WITH_PERSON "WHERE m.id = ?"},
	[Q_COUNT] = {"UPDATE material SET downloads = downloads + 1 WHERE id = ?"},
	[Q_ALL] = {"SELECT " LIST_COLS ", m.downloads, m.created_at FROM material m WHERE m.seminar_id = ? "
		   "ORDER BY m.id"},
	[Q_VISIBLE] = {"SELECT " LIST_COLS " " WITH_PERSON "WHERE m.seminar_id = ? AND " ALLOWED " ORDER BY m.id"},
	[Q_OF_PERSON] = {"SELECT " LIST_COLS ", s.id, s.title " WITH_PERSON "WHERE x.id IS NOT NULL AND " ALLOWED
			 " ORDER BY s.starts_at IS NULL, s.starts_at DESC, s.id DESC, m.id"},
};

static const char *const list_keys[] = {"#id", "title", "visibility", "file_name", "#size", "url", NULL};

long long db_material_add(struct db *d, const struct material_new *m)
{
	struct dbv v[] = {DB_DV_INT(m->seminar_id),
			  DB_DV_STR(m->title),
			  DB_DV_STR(m->visibility),
			  db_dv_str_or_null(m->sha256),
			  db_dv_str_or_null(m->file_name),
			  db_dv_str_or_null(m->mime),
			  m->sha256 ? DB_DV_INT(m->size) : DB_DV_NULL,
			  db_dv_str_or_null(m->url),
			  DB_DV_INT(m->created_by)};
	struct dbres r;

	if (db_run(d, &q[Q_ADD], v, NELEM(v), &r, NULL) == -1)
		return -1;
	return (long long)r.insert_id;
}

int db_material_delete(struct db *d, long long seminar_id, long long id)
{
	struct dbv v[] = {DB_DV_INT(id), DB_DV_INT(seminar_id)};
	struct dbres r;

	if (db_run(d, &q[Q_DELETE], v, NELEM(v), &r, NULL) == -1)
		return -1;
	return r.affected > 0;
}

int db_material_get(struct db *d, struct arena *a, long long id, long long person_id, struct material *m)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_INT(id)};

	return db_row(d, &q[Q_GET], v, NELEM(v), a, material_cols, NELEM(material_cols), m, sizeof(*m));
}

int db_material_count(struct db *d, long long id)
{
	struct dbv v[] = {DB_DV_INT(id)};

	return db_run(d, &q[Q_COUNT], v, NELEM(v), NULL, NULL) == -1 ? -1 : 0;
}

json_t *db_materials_all(struct db *d, struct arena *a, long long seminar_id)
{
	static const char *const k[] = {"#id", "title",      "visibility", "file_name", "#size",
					"url", "#downloads", "created_at", NULL};
	struct dbv v[] = {DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_ALL], v, NELEM(v), a, k);
}

json_t *db_materials_visible(struct db *d, struct arena *a, long long seminar_id, long long person_id)
{
	struct dbv v[] = {DB_DV_INT(person_id), DB_DV_INT(seminar_id)};

	return db_json(d, &q[Q_VISIBLE], v, NELEM(v), a, list_keys);
}

json_t *db_materials_of_person(struct db *d, struct arena *a, long long person_id)
{
	static const char *const k[] = {"#id", "title",       "visibility",    "file_name", "#size",
					"url", "#seminar_id", "seminar_title", NULL};
	struct dbv v[] = {DB_DV_INT(person_id)};

	return db_json(d, &q[Q_OF_PERSON], v, NELEM(v), a, k);
}
