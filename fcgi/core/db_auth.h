/* Statements of accounts, sessions, grants, throttling and the audit log. */
#ifndef DB_AUTH_H
#define DB_AUTH_H

#include <jansson.h>

#include "arena.h"
#include "auth.h"
#include "db.h"

struct person_new {
	const char *email, *password_hash, *full_name, *full_name_dat, *phone, *position;
	long long organization_id;
	const char *consent_version;
};
/* Returns the new id, 0 when the e-mail is taken, -1 on failure. The address is unconfirmed: run it in a
 * transaction with account_mail_confirm or account_mail_invite (account_mail.h). */
long long db_person_create(struct db *, const struct person_new *);
/* Returns 1 with id and hash (arena), 0 unknown or disabled, -1 failure. */
int db_person_password(struct db *, struct arena *, const char *email, long long *id, const char **hash);
/* Stores a session by the hash of its id, valid for ttl seconds. Returns 0 or -1. */
/* ua: the device's User-Agent (printable ASCII, at most 200 characters; NULL: unknown). */
int db_session_create(struct db *, const unsigned char hash[32], long long person_id, long ttl, const char *ip,
		      const char *ua);
/* Deletes the session with this hash. Returns 0 or -1. */
int db_session_delete(struct db *, const unsigned char hash[32]);
/* Returns 1 with user filled (arena), 0 no such live session, -1 failure. */
int db_session_user(struct db *, struct arena *, const unsigned char hash[32], struct user *);
/* Grants role with the scope of g (region, sector, district; 0: any). Returns 1 granted, 0 already
 * held, -1 failure (db_errno 1452: no such region, sector or district). */
int db_grant_add(struct db *, long long person_id, enum role, const struct grant *g, long long by);
/* Returns 1 revoked (person_id set), 0 no such grant, -1 failure. */
int db_grant_revoke(struct db *, long long grant_id, long long *person_id);
/* Counts one hit in bucket when hit is set; returns the hits in the current window of `window`
 * seconds, or -1 on failure. */
long db_throttle(struct db *, struct arena *, const char *bucket, long window, int hit);
/* Forgets the hits in bucket. Returns 0 or -1. */
int db_throttle_clear(struct db *, const char *bucket);
/* Appends an audit record: who, what, which object, from where, and a detail; an id 0 or a NULL
 * string (all but action) is stored as SQL NULL. Returns 0 or -1. */
int db_audit(struct db *, long long person_id, const char *action, const char *otype, long long oid, const char *ip,
	     const char *detail);

#endif
