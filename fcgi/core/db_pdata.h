/* Statements of a person's own data (152-FZ): profile edits, consents, the export of what is held, erasure, sessions.
 */
#ifndef DB_PDATA_H
#define DB_PDATA_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* The profile form of person id: {full_name, full_name_dat, email, position, phone, organization_id,
 * district_id, region_id} (new reference), or NULL on failure (or no such person). */
json_t *db_profile_form(struct db *, struct arena *, long long person_id);
/* A person's own edit of their profile. */
struct profile_edit {
	long long person_id;
	const char *full_name, *full_name_dat, *position, *phone; /* position, phone: NULL clears */
	long long organization_id;                                /* an active organisation of the register */
	const char *ip;                                           /* for the audit */
};
/* Saves the profile, and when the organisation changes moves the person's registrations to the new one
 * with their coverage (db_coverage_registration for each), audited, in one transaction. Returns 1 saved,
 * 0 no such person, -1 failure. */
int db_profile_save(struct db *, const struct profile_edit *);

/* The consent document of version, or the one in force when version is NULL: {version, in_force_from,
 * title, body, current} (new reference); JSON null when there is none; NULL on failure. */
json_t *db_consent(struct db *, struct arena *, const char *version);
/* Records that person_id accepted (or withdrew) the consent of version from ip; an acceptance also
 * becomes the person row's standing. Audited, in one transaction. Returns 1, 0 no such version, -1. */
int db_consent_accept(struct db *, long long person_id, const char *version, const char *ip, int withdrawn);

/* Everything held about person_id, for /me/data (new reference; NULL on failure): {profile,
 * consents, registrations, checkins, certificates, sessions, access}: each an array of objects. */
json_t *db_my_data(struct db *, struct arena *, long long person_id);

/* The text that replaces an erased person's name wherever it was kept (certificates included). */
#define ERASED_NAME "Данные удалены по требованию владельца"
/* Erasure (152-FZ art. 21): destroys the person's identifying fields (name, e-mail, phone, position,
 * password, the names and PDFs of their certificates, their sessions' addresses) and ends their
 * sessions, keeping the rows every count is made of (registrations, check-ins, the organisation),
 * audited (by: who asked, the person or an administrator), in one transaction. Returns 1 erased,
 * 0 already erased (harmless), -1 failure. */
int db_erase(struct db *, long long person_id, long long by, const char *ip, const char *why);

/* The active sessions of person_id, with which is current (its hash): {handle, created_at, expires_at, ip,
 * user_agent, current} (new reference); NULL on failure. */
json_t *db_sessions(struct db *, struct arena *, long long person_id, const unsigned char current[32]);
/* Ends person_id's session of handle unless it is current (every other: db_sessions_end of db_token.h).
 * Returns how many ended (0 or 1), -1 on failure. */
int db_session_end(struct db *, long long person_id, const unsigned char current[32], const char *handle);

#endif
