/* Accounts and access: argon2id passwords, database sessions, CSRF tokens, roles, throttling, audit. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "authcache.h"

#define SID_BYTES 32
#define AID_BYTES 18

const char *const role_codes[ROLE__MAX] = {"organizer", "reviewer", "admin"};
static const char not_yours[] = "Недостаточно прав: это действие доступно только для вашей роли и территории.";

const char *const role_names[ROLE__MAX] = {"организатор", "представитель министерства", "администратор"};

int auth_hash_password(const struct app *a, const char *pw, char *out)
{
	unsigned long long ops = a->pwhash_min ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = a->pwhash_min ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;

	return crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int auth_verify_password(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void auth_token_hash(const char *tok, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)tok, strlen(tok), NULL, 0);
}

void auth_token_new(char out[AUTH_TOKEN_LEN + 1], unsigned char hash[32])
{
	unsigned char rnd[SID_BYTES];

	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(out, rnd, sizeof(rnd));
	auth_token_hash(out, hash);
}

int auth_token_ok(const char *s, size_t want)
{
	size_t i;

	if (s == NULL || strlen(s) != want)
		return 0;
	for (i = 0; i < want; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

int auth_load(struct req *r)
{
	const char *sid = req_cookie(r, "sid"), *aid = req_cookie(r, "aid");
	unsigned char h[32];
	unsigned long long epoch;
	struct user *u;
	int rc;

	if (auth_token_ok(aid, 24))
		r->aid = aid;
	if (sid == NULL)
		return 1;
	if (!auth_token_ok(sid, AUTH_TOKEN_LEN)) {
		resp_cookie(r, "sid", "", 0);
		return 1;
	}
	auth_token_hash(sid, h);
	u = arena_alloc(&r->arena, sizeof(*u));
	/* The epoch before the database: a change committed after this read bumps it past the copy. */
	epoch = authcache_epoch();
	if (authcache_get(h, epoch, &r->arena, u))
		rc = 1;
	else if ((rc = db_session_user(r->app->db, &r->arena, h, u)) == 1)
		authcache_put(h, epoch, u);
	if (rc == -1)
		return -1;
	if (rc == 0) {
		/* Expired or logged out elsewhere: forget the cookie. */
		resp_cookie(r, "sid", "", 0);
		return 1;
	}
	r->user = u;
	r->sid = sid;
	return 1;
}

/* The device as the sessions list names it: the User-Agent's printable ASCII, at most 200 characters. */
static const char *device_of(struct req *r)
{
	const char *ua = req_header(r, "HTTP_USER_AGENT");
	char *out;
	size_t i, n = 0;

	if (ua == NULL)
		return NULL;
	out = arena_alloc(&r->arena, 201);
	for (i = 0; ua[i] && n < 200; i++)
		if (ua[i] >= 0x20 && ua[i] < 0x7f)
			out[n++] = ua[i];
	out[n] = '\0';
	return out;
}

/* The handle of a session in the list: the first 8 bytes of its hash, in hex (no secret). */
#define SESSION_HANDLE 16

int auth_sessions_end(struct req *r, const char *handle)
{
	unsigned char h[32];

	if (r->sid == NULL)
		return 0;
	auth_token_hash(r->sid, h);
	if (handle != NULL && strlen(handle) != SESSION_HANDLE)
		return 0;
	return handle ? db_session_end(r->app->db, r->user->id, h, handle)
		      : db_sessions_end(r->app->db, r->user->id, h);
}

json_t *auth_sessions(struct req *r)
{
	unsigned char h[32];

	if (r->sid == NULL)
		return NULL;
	auth_token_hash(r->sid, h);
	return db_sessions(r->app->db, &r->arena, r->user->id, h);
}

int auth_login(struct req *r, long long person_id)
{
	unsigned char h[32];
	char sid[AUTH_TOKEN_LEN + 1];
	struct user *u;

	if (r->sid != NULL) {
		auth_token_hash(r->sid, h);
		if (db_session_delete(r->app->db, h) == -1)
			return -1;
	}
	auth_token_new(sid, h);
	if (db_session_create(r->app->db, h, person_id, r->app->session_ttl, r->ip, device_of(r)) == -1)
		return -1;
	resp_cookie(r, "sid", sid, r->app->session_ttl);
	r->sid = arena_strdup(&r->arena, sid);
	u = arena_alloc(&r->arena, sizeof(*u));
	if (db_session_user(r->app->db, &r->arena, h, u) != 1)
		return -1;
	r->user = u;
	return 1;
}

int auth_logout(struct req *r)
{
	unsigned char h[32];

	if (r->sid != NULL) {
		auth_token_hash(r->sid, h);
		if (db_session_delete(r->app->db, h) == -1)
			return -1;
	}
	resp_cookie(r, "sid", "", 0);
	r->sid = NULL;
	r->user = NULL;
	return 1;
}

/* The CSRF token is an HMAC of what binds the visitor: the session id, or the guest cookie. */
static void csrf_for(const struct req *r, const char *binding, char out[48])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, r->app->key, sizeof(r->app->key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf:", 5);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)binding, strlen(binding));
	crypto_auth_hmacsha256_final(&st, mac);
	b64url_encode(out, mac, sizeof(mac));
}

const char *auth_csrf(struct req *r)
{
	char tok[48];

	if (r->sid == NULL && r->aid == NULL) {
		unsigned char rnd[AID_BYTES];
		char aid[32];
		randombytes_buf(rnd, sizeof(rnd));
		b64url_encode(aid, rnd, sizeof(rnd));
		r->aid = arena_strdup(&r->arena, aid);
		resp_cookie(r, "aid", aid, 30L * 86400);
	}
	csrf_for(r, r->sid ? r->sid : r->aid, tok);
	return arena_strdup(&r->arena, tok);
}

int auth_csrf_ok(struct req *r)
{
	const char *got = req_param(r, "csrf");
	char want[48];

	if (got == NULL)
		got = req_header(r, "HTTP_X_CSRF_TOKEN");
	if (got == NULL || (r->sid == NULL && r->aid == NULL))
		return 0;
	csrf_for(r, r->sid ? r->sid : r->aid, want);
	return strlen(got) == strlen(want) && sodium_memcmp(got, want, strlen(want)) == 0;
}

static int scope_ok(long long granted, long long asked)
{
	if (asked == -1 || granted == 0)
		return 1;
	return asked > 0 && granted == asked;
}

/* Whether one grant of role covers the region, the district and sector (-1: any). */
static int grant_covers(const struct grant *g, enum role role, long long region_id, long long district_id,
			long long sector_id)
{
	return g->role == role && scope_ok(g->region_id, region_id) && scope_ok(g->district_id, district_id) &&
	       scope_ok(g->sector_id, sector_id);
}

static int some_grant_covers(const struct req *r, enum role role, long long region_id, long long district_id,
			     long long sector_id)
{
	size_t i;

	for (i = 0; i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_ADMIN ||
		    grant_covers(&r->user->grants[i], role, region_id, district_id, sector_id))
			return 1;
	return 0;
}

int auth_has(const struct req *r, enum role role, long long region_id, long long sector_id)
{
	return r->user != NULL && some_grant_covers(r, role, region_id, -1, sector_id);
}

int auth_sees_reports(const struct req *r)
{
	return auth_has(r, ROLE_REVIEWER, -1, -1) || auth_has(r, ROLE_ORGANIZER, -1, -1);
}

int auth_covers(const struct req *r, enum role role, long long region_id, long long district_id, const char *sector_ids)
{
	const char *p = sector_ids;

	if (r->user == NULL)
		return 0;
	if (p == NULL || *p == '\0')
		return some_grant_covers(r, role, region_id, district_id, -1);
	while (*p) {
		char *end;
		long long sector = strtoll(p, &end, 10);
		if (end == p || !some_grant_covers(r, role, region_id, district_id, sector))
			return 0;
		p = *end == ',' ? end + 1 : end;
	}
	return 1;
}

int auth_head_of(const struct req *r, long long org)
{
	return r->user != NULL && org > 0 && r->user->head_org == org;
}

int auth_require(struct req *r, enum role role, long long region_id, long long sector_id)
{
	if (r->user == NULL)
		return fail(r, 401, "Войдите, чтобы продолжить.");
	if (!auth_has(r, role, region_id, sector_id))
		return fail(r, 403, not_yours);
	return 0;
}

long auth_throttle_hit(struct req *r, const char *bucket, long window)
{
	return db_throttle(r->app->db, &r->arena, bucket, window, 1);
}

long auth_throttle_get(struct req *r, const char *bucket, long window)
{
	return db_throttle(r->app->db, &r->arena, bucket, window, 0);
}

int auth_throttle_clear(struct req *r, const char *bucket)
{
	return db_throttle_clear(r->app->db, bucket);
}

int audit(struct req *r, const char *action, const char *otype, long long oid, const char *detail)
{
	return db_audit(r->app->db, r->user ? r->user->id : 0, action, otype, oid, r->ip, detail);
}

void auth_session_code(const struct app *a, long long session_id, long long window, char out[7])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char msg[64];
	unsigned long v;

	snprintf(msg, sizeof(msg), "code:%lld:%lld", session_id, window);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), a->key);
	/* Dynamic truncation as in HOTP (RFC 4226). */
	{
		unsigned off = mac[sizeof(mac) - 1] & 0x0f;
		v = ((unsigned long)(mac[off] & 0x7f) << 24) | ((unsigned long)mac[off + 1] << 16) |
		    ((unsigned long)mac[off + 2] << 8) | mac[off + 3];
	}
	snprintf(out, 7, "%06lu", v % 1000000UL);
}

/* The status of the organiser's check of a seminar whose look-up returned rc (1 found, with its place), as
 * auth_seminar returns it. */
static int seminar_status(struct req *r, int rc, long long region_id, long long district_id, const char *sector_ids)
{
	if (rc == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (rc == -1)
		return 500;
	if (r->user == NULL)
		return fail(r, 401, "Войдите, чтобы продолжить.");
	if (!auth_covers(r, ROLE_ORGANIZER, region_id, district_id, sector_ids))
		return fail(r, 403, not_yours);
	return 0;
}

int auth_seminar(struct req *r, long long id, struct seminar *s)
{
	int rc = id == 0 ? 0 : db_seminar_get(r->app->db, &r->arena, id, s);

	if (rc != 1)
		return seminar_status(r, rc, 0, 0, NULL);
	return seminar_status(r, rc, s->region_id, s->district_id, s->sector_ids);
}

int auth_seminar_place(struct req *r, long long id)
{
	long long region_id = 0, district_id = 0;
	const char *sector_ids = NULL;
	int rc = id == 0 ? 0 : db_seminar_place(r->app->db, &r->arena, id, &region_id, &district_id, &sector_ids);

	return seminar_status(r, rc, region_id, district_id, sector_ids);
}

int auth_organizes(struct req *r, long long seminar_id)
{
	long long region_id, district_id;
	const char *sector_ids;
	int rc;

	if (r->user == NULL)
		return 0;
	rc = db_seminar_place(r->app->db, &r->arena, seminar_id, &region_id, &district_id, &sector_ids);
	if (rc != 1)
		return rc;
	return auth_covers(r, ROLE_ORGANIZER, region_id, district_id, sector_ids);
}
