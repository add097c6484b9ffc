/* Statements of stored certificate templates. */
#ifndef DB_CERT_TEMPLATE_H
#define DB_CERT_TEMPLATE_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

struct cert_template_row {
	long long id, owner_id, region_id; /* owner_id, region_id 0: none (builtin; every region) */
	const char *name, *svg, *builtin;  /* builtin: the file name, or NULL for an upload */
	int archived;
};
/* Returns 1 with the template (strings in the arena; svg only when with_svg), 0 no such template, -1 failure. */
int db_cert_template_get(struct db *, struct arena *, long long id, int with_svg, struct cert_template_row *);
/* Templates not archived, builtin ones first: {id, name, builtin, owner_id, owner_name, region_id, region_name,
 * created_at} (owner_id, region_id null when none). */
json_t *db_cert_templates(struct db *, struct arena *);
/* Stores a sanitised upload and its audit record ('certificate_template.upload') in one transaction.
 * region_id 0: every region. Returns the new id, or -1. */
long long db_cert_template_create(struct db *, const char *name, const char *svg, long long owner_id,
				  long long region_id, const char *ip);
/* Archives a template with its audit record. Returns 1 archived, 0 it already was, -1 failure. */
int db_cert_template_archive(struct db *, long long id, long long person_id, const char *ip);
/* Inserts or updates the builtin template of file `builtin`. Returns its id, or -1. */
long long db_cert_template_builtin(struct db *, const char *builtin, const char *name, const char *svg);

#endif
