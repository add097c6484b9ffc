/* Statements of profiles and the administration of people. */
#ifndef DB_PEOPLE_H
#define DB_PEOPLE_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* {full_name, full_name_dat, email, phone, position, organization, district, region}, or
 * json_null() when absent; NULL on failure. */
json_t *db_person_profile(struct db *, struct arena *, long long person_id);
/* People matching q (name or e-mail), newest first: {id, email, full_name, organization, roles}. */
json_t *db_people_search(struct db *, struct arena *, const char *q, long limit);
/* {id, role, role_name, region_name, sector_name} of a person. */
json_t *db_person_grants(struct db *, struct arena *, long long person_id);

/* Looks up a person by e-mail: returns the id, 0 none, -1 failure. */
long long db_person_by_email(struct db *, struct arena *, const char *email);

#endif
