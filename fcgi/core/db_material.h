/* Statements of seminar materials: files and links, who may see them, download counts. */
#ifndef DB_MATERIAL_H
#define DB_MATERIAL_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* Who may see a material: everyone, participants with a confirmed registration, or those whose
 * attendance qualifies by the seminar's rule (the certificates' definition: attendance_qualifies). */
enum visibility { VIS_PUBLIC, VIS_REGISTERED, VIS_ATTENDED, VIS__MAX };
extern const char *const visibility_codes[VIS__MAX]; /* "public", ... as in SQL */
extern const char *const visibility_names[VIS__MAX]; /* «всем», ... */

struct material_new {
	long long seminar_id, created_by;
	const char *title, *visibility;
	const char *sha256, *file_name, *mime; /* a file (url NULL) ... */
	long long size;
	const char *url; /* ... or a link (sha256 NULL) */
};
/* Returns the new material's id, or -1. */
long long db_material_add(struct db *, const struct material_new *);
/* Deletes material id of seminar seminar_id. Returns 1, 0 when there is no such material there, -1. */
int db_material_delete(struct db *, long long seminar_id, long long id);

struct material {
	long long id, seminar_id, region_id;
	const char *title, *visibility, *sha256, *file_name, *mime, *url; /* sha256 or url NULL */
	int allowed; /* person_id may see it by its visibility (organisers are checked by the caller) */
};
/* Material id with what person_id (0: a guest) may do with it. Strings in the arena. Returns 1, 0 no
 * such material, -1. */
int db_material_get(struct db *, struct arena *, long long id, long long person_id, struct material *);
/* Counts one download of material id. Returns 0 or -1. */
int db_material_count(struct db *, long long id);
/* Every material of a seminar for its organiser: {id, title, visibility, file_name, size, url, downloads,
 * created_at}, oldest first. */
json_t *db_materials_all(struct db *, struct arena *, long long seminar_id);
/* The materials of a seminar that person_id (0: a guest) may see: {id, title, visibility, file_name, size,
 * url}, oldest first. */
json_t *db_materials_visible(struct db *, struct arena *, long long seminar_id, long long person_id);
/* The materials person_id may see of the seminars they are signed up for: {id, title, visibility,
 * file_name, size, url, seminar_id, seminar_title}, newest seminar first. */
json_t *db_materials_of_person(struct db *, struct arena *, long long person_id);

#endif
