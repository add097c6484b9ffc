/* Statements of the heads of organisations: the role's requests, grants and revocations; what a head sees. */
#ifndef DB_HEAD_H
#define DB_HEAD_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* Records the person's request to become the head of their organisation (at sign-up). Returns 1, 0 when the
 * person has no organisation or already a request or the role, -1 failure. */
int db_head_request(struct db *, long long person_id);
/* Makes person the confirmed head of their own organisation (person.organization_id), replacing a
 * request or a role for another one. Returns the row's id, 0 when the person has no organisation,
 * -1 failure. */
long long db_head_grant(struct db *, long long person_id, long long by);
/* The account with this e-mail and its organisation (0 none). Returns 1, 0 no such account, -1 failure. */
int db_head_candidate(struct db *, struct arena *, const char *email, long long *person_id, long long *org);
/* Confirms a request. Returns 1, 0 when there is no such request, -1 failure. */
int db_head_confirm(struct db *, long long id, long long by);
/* Deletes a request or a role. Returns 1, 0 none, -1 failure. */
int db_head_revoke(struct db *, long long id);

struct head_row {
	long long id, person_id, organization_id, region_id, sector_id;
	const char *status, *full_name, *organization;
};
/* Returns 1 with h filled (strings in the arena), 0 no such row, -1 failure. */
int db_head_get(struct db *, struct arena *, long long id, struct head_row *h);
/* Requests first, then confirmed heads, at most limit: {id, person_id, full_name, email, position,
 * organization_id, organization, district, #region_id, #sector_id, status, requested_at, confirmed_at};
 * the caller keeps those the organiser may manage (region_id, sector_id). NULL on failure. */
json_t *db_heads(struct db *, struct arena *, long limit);
/* The head's request or role for the cabinet and the admin page: {id, status, organization}, or
 * json_null(); NULL on failure. */
json_t *db_head_of_person(struct db *, struct arena *, long long person_id);

struct head_org {
	long long id, sector_id, region_id;
	const char *name, *short_name, *sector, *district, *region;
};
/* Returns 1 with o filled (arena), 0 no such organisation, -1 failure. */
int db_head_org(struct db *, struct arena *, long long org, struct head_org *o);
/* The organisation's people with an account: {id, full_name, email, position, phone}, by name. */
json_t *db_head_staff(struct db *, struct arena *, long long org);
/* Whether person belongs to org. Returns 1, 0 not, -1 failure. */
int db_head_staff_member(struct db *, struct arena *, long long org, long long person_id);
/* Published seminars not over in the organisation's region and sector, soonest first: {id, title,
 * starts_at, ends_at, format, org_limit, ours} (ours: the organisation's active registrations). */
json_t *db_head_seminars(struct db *, struct arena *, long long org, long long region_id, long long sector_id);
/* Registrations counted for org (all seminars, or only seminar_id when not 0), latest seminar first:
 * {id, seminar_id, title, starts_at, person_id, full_name, position, mode, status, position_in_queue,
 * source, sessions, attended, qualifies, over, cert_number, cert_code, cert_revoked}. */
json_t *db_head_registrations(struct db *, struct arena *, long long org, long long seminar_id);

#endif
