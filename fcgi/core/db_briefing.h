/* Statements of the briefing journal: briefings, their audience and files, acknowledgements, the journal. */
#ifndef DB_BRIEFING_H
#define DB_BRIEFING_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* What an author may address: districts, sectors, organisations of the briefing's region. An organisation
 * is addressed when it matches every kind chosen (the education organisations of one district: a district
 * and a sector). */
enum briefing_kind { BK_DISTRICT, BK_SECTOR, BK_ORGANIZATION, BK__MAX };
extern const char *const briefing_kind_codes[BK__MAX]; /* "district", ... as in SQL */
extern const char *const briefing_kind_names[BK__MAX]; /* «районы», ... */

struct briefing_file_new {
	const char *sha256, *file_name, *mime;
	long long size;
};
struct briefing_new {
	long long region_id, created_by;
	const char *title, *body;
	const long long *ids[BK__MAX]; /* the chosen ids of each kind */
	size_t nids[BK__MAX];
	const struct briefing_file_new *files;
	size_t nfiles;
	/* Whether the author's grants cover organisations of a district and sector: every organisation the
	 * choice addresses must be covered. */
	int (*covers)(const void *author, long long district_id, long long sector_id);
	const void *author;
};
enum briefing_outcome {
	BRIEFING_PUBLISHED,
	BRIEFING_FOREIGN, /* a chosen district or organisation is not of the region (or not in the register) */
	BRIEFING_NOBODY,  /* no organisation of the region matches the choice */
	BRIEFING_OUTSIDE, /* an addressed organisation lies outside the author's districts or sectors */
	BRIEFING__MAX
};
/* Publishes b in one transaction: the briefing, its choice, the organisations it addresses (fixed now), its
 * files. Anything but BRIEFING_PUBLISHED writes nothing. Returns the outcome (*id set when published) or -1. */
int db_briefing_publish(struct db *, const struct briefing_new *b, long long *id);

struct briefing {
	long long id, region_id;
	const char *title, *body, *created_at, *author;
	const char *acked_at; /* when person_id acknowledged it; NULL not yet */
	int addressed;        /* person_id works in an organisation it addresses */
};
/* Where the organisations briefing id addresses lie: {#district_id, #sector_id}, each pair once. NULL on
 * failure. */
json_t *db_briefing_scopes(struct db *, struct arena *, long long id);
/* Briefing id as person_id sees it. Strings in the arena. Returns 1, 0 no such briefing, -1. */
int db_briefing_get(struct db *, struct arena *, long long id, long long person_id, struct briefing *);
/* Records that person_id acknowledged briefing id now, from ip. Returns 1 recorded, 0 recorded before (nothing
 * changes), -1. */
int db_briefing_ack(struct db *, long long id, long long person_id, const char *ip);

/* The files of briefing id: {id, file_name, #size}. NULL on failure. */
json_t *db_briefing_files(struct db *, struct arena *, long long id);
struct briefing_file {
	const char *sha256, *mime, *file_name;
};
/* File file_id of briefing id. Strings in the arena. Returns 1, 0 none, -1. */
int db_briefing_file_get(struct db *, struct arena *, long long id, long long file_id, struct briefing_file *);
/* What the author chose: {kind, name}, by kind and name. NULL on failure. */
json_t *db_briefing_targets(struct db *, struct arena *, long long id);

/* Every briefing, newest first: {id, #region_id, region, title, created_at, #people, #acked} (the caller keeps
 * those the user may manage). NULL on failure. */
json_t *db_briefings_all(struct db *, struct arena *);
/* The briefings addressed to person_id, those awaiting acknowledgement first, newest first: {id, title,
 * created_at, acked_at}. NULL on failure. */
json_t *db_briefings_of_person(struct db *, struct arena *, long long person_id);
/* The journal: everyone of the addressed organisations by district, organisation and name: {full_name, position,
 * organization, district, acked_at}. NULL on failure. */
json_t *db_briefing_journal(struct db *, struct arena *, long long id);
/* Per addressed organisation, by district and name: {district, organization, #people, #acked}. NULL on failure. */
json_t *db_briefing_summary(struct db *, struct arena *, long long id);

#endif
