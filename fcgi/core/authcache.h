/* Signed-in users cached per worker for a few seconds, and the epoch that ends every cached copy at once. */
#ifndef AUTHCACHE_H
#define AUTHCACHE_H

#include "arena.h"
#include "auth.h"

/* A request reads its session, grants and consent from the database (db_session_user); a worker keeps
 * what it read for ttl seconds, keyed by the session's hash. Every write that changes what that read
 * returns (a session ended, a password, a grant, a consent, a head's role, an erasure: authcache_watched)
 * bumps an epoch once it is committed (db_watch), and a copy read before the bump is never used after it.
 * The epoch lives in a shared file mapping (config auth_epoch, in the stack's run directory) that every
 * program on the host maps, so the change holds for the very next request on any worker of any program
 * here. A change made elsewhere (another app server, SQL by hand, a text of consent coming into force at
 * its hour) holds within ttl seconds (config session_cache_ttl, default 5; 0: no cache). */

/* Before fork: maps the epoch (path NULL: an anonymous mapping shared by this program's workers only)
 * and enables the cache. Returns 0, or -1 (logged) when the file cannot be mapped. Without it (CGI
 * mode, unit tests) nothing is cached. */
int authcache_init(const char *epoch_path, double ttl_s);
/* The epoch now: read it before the database, and store with it what the database said. */
unsigned long long authcache_epoch(void);
/* Copies the user of session hash into u (strings and grants in a) when a copy of epoch `epoch` no
 * older than ttl is held and the session has not expired. Returns 1 found, 0 not. */
int authcache_get(const unsigned char hash[32], unsigned long long epoch, struct arena *, struct user *u);
/* Keeps a copy of u, read from the database at epoch `epoch`, for session hash. */
void authcache_put(const unsigned char hash[32], unsigned long long epoch, const struct user *u);
/* 1 when the statement writes what db_session_user reads (its target table is person, web_session,
 * role_grant, consent_acceptance, consent_document or org_head; a new person or session excepted: no
 * copy holds them), else 0. */
int authcache_watched(const char *sql);
/* Bumps the epoch: every copy held anywhere on the host is stale. */
void authcache_bump(void);

#endif
