/* Authentication and authorisation: passwords, sessions, CSRF tokens, roles, throttling, audit. */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

#include <jansson.h>

struct app;
struct req;
struct seminar;

enum role { ROLE_ORGANIZER, ROLE_REVIEWER, ROLE_ADMIN, ROLE__MAX };
extern const char *const role_codes[ROLE__MAX]; /* "organizer", ... as in SQL */
extern const char *const role_names[ROLE__MAX]; /* «организатор», ... */

struct grant {
	long long id;
	enum role role;
	long long region_id, sector_id; /* 0 = any */
	long long district_id;          /* 0 = every district of the region */
};

struct user {
	long long id;
	const char *email, *name;
	struct grant *grants;
	size_t ngrants;
	long long head_org;   /* the organisation the user is the confirmed head of (role head), 0 none */
	int consent_ok;       /* accepted the consent document in force (and did not withdraw it) */
	long long expires_at; /* the session's end, unix time */
};

/* Hashes a password with argon2id into out (crypto_pwhash_STRBYTES bytes).
 * Returns 0, or -1 when out of memory. */
int auth_hash_password(const struct app *, const char *pw, char *out);
/* Returns 1 when pw matches the stored hash, 0 when not. */
int auth_verify_password(const char *hash, const char *pw);
/* Random tokens (session ids, links sent by mail): 32 random bytes as base64url, stored only as their
 * BLAKE2b-256 hash. */
#define AUTH_TOKEN_LEN 43
/* A new token into out and its hash. */
void auth_token_new(char out[AUTH_TOKEN_LEN + 1], unsigned char hash[32]);
void auth_token_hash(const char *tok, unsigned char out[32]);
/* Returns 1 when s is want characters of base64url (a token's shape), 0 otherwise. */
int auth_token_ok(const char *s, size_t want);
/* Loads the user of the session cookie, if any. Returns 1, or -1 on database failure. */
int auth_load(struct req *);
/* Starts a new session for person id (a new id at every login). Returns 1 or -1. */
int auth_login(struct req *, long long person_id);
/* The user's active sessions: {handle, created_at, expires_at, ip, user_agent, current} (new reference), NULL
 * on failure. */
json_t *auth_sessions(struct req *);
/* Ends the user's session of handle (from auth_sessions), or every other one when handle is NULL; the
 * current one stays. Returns the sessions ended (0: none, or no such handle), -1 on failure. */
int auth_sessions_end(struct req *, const char *handle);
/* Ends the session of the cookie (deleted from the database) and clears the cookie. Returns 1 or -1. */
int auth_logout(struct req *);
/* The CSRF token of this visitor (sets the guest cookie when needed). */
const char *auth_csrf(struct req *);
/* Returns 1 when the posted token matches. */
int auth_csrf_ok(struct req *);
/* Returns 1 when the user holds role for the given region and sector in some
 * district. A positive id must be covered by the grant's scope (a NULL scope
 * covers all); 0 asks for a grant of any region (or sector); -1 accepts any
 * grant of the role ("is an organiser somewhere"). Admins hold every role. */
int auth_has(const struct req *, enum role, long long region_id, long long sector_id);
/* Returns 1 when the user is the confirmed head of organisation org (> 0). Administrators are not heads:
 * the role is one organisation's. */
int auth_head_of(const struct req *, long long org);
/* Returns 1 when the user's grants of role cover an object lying in region_id
 * and district_id (0: none, as an online seminar; only grants of the whole
 * region cover it; -1: any district will do) for EVERY sector of sector_ids
 * ("1,3"; NULL: any sector will do). region_id as for auth_has. */
int auth_covers(const struct req *, enum role, long long region_id, long long district_id, const char *sector_ids);
/* Whether the user organises seminar id: their organiser grants cover its region, district and
 * every sector (auth_covers). Returns 1, 0 (also for no such seminar), -1 on database failure. */
int auth_organizes(struct req *, long long seminar_id);
/* Whether the user may open the coverage reports at all: a reviewer or an organiser somewhere (each
 * sees their own scope there), or an administrator. */
int auth_sees_reports(const struct req *);
/* Object-level check for handlers: returns 0 when allowed, otherwise the status
 * to return (401 for a guest, 403 with a message set). */
int auth_require(struct req *, enum role, long long region_id, long long sector_id);
/* Online attendance: the short code shown on the broadcast for a session,
 * 6 digits from an HMAC of the secret key, the session and the time window
 * (CODE_WINDOW seconds; window = unix time / CODE_WINDOW). */
#define CODE_WINDOW 45
void auth_session_code(const struct app *, long long session_id, long long window, char out[7]);
/* Object-level check of the organiser's screens: loads seminar id (from the
 * path) for an organiser whose grants cover its region, district and every
 * sector (auth_covers), or an administrator. Returns 0, or the
 * status to return (404 no such seminar, 401/403, 500). */
int auth_seminar(struct req *, long long id, struct seminar *);
/* auth_seminar's check from the seminar's place alone (one light read), for a request that needs nothing else
 * of the seminar (the door's scan). Returns as auth_seminar. */
int auth_seminar_place(struct req *, long long id);
/* Throttling: counts one hit in bucket; returns the hits in the current window
 * of `window` seconds (after this one), or -1 on database failure. */
long auth_throttle_hit(struct req *, const char *bucket, long window);
/* The hits in bucket in the current window, without counting one; -1 on database failure. */
long auth_throttle_get(struct req *, const char *bucket, long window);
/* Forgets the hits in bucket (a successful login). Returns 0 or -1. */
int auth_throttle_clear(struct req *, const char *bucket);

/* Audit log: who (current user), what, which object, from where. Returns 0 or -1. */
int audit(struct req *, const char *action, const char *object_type, long long object_id, const char *detail);

#endif
