/* Unit tests of fcgi/core/auth.c: password hashing, CSRF tokens and their check, role scopes of auth_has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "io.h"

/* After app.h: cmocka defines a fail() macro that would clash with the core's fail(). */
#include <cmocka.h>

static const struct field fields[] = {FIELD_CSRF, {NULL, NULL, FT_TEXT, 0, 0, NULL}};
static const struct route routes[] = {{M_GET, NULL, NULL, 0}};
static const struct program prog = {.name = "unit", .routes = routes, .fields = fields, .nodb = 1};
static struct app app;
static struct req_io io = {NULL};
static struct req r;
static struct kv param;

static int setup(void **state)
{
	(void)state;
	unsetenv("HTTP_X_CSRF_TOKEN");
	memset(&app, 0, sizeof(app));
	app.prog = &prog;
	app.pwhash_min = 1;
	memset(app.key, 0x5a, sizeof(app.key));
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.io = &io;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("HTTP_X_CSRF_TOKEN");
	arena_free(&r.arena);
	buf_free(&r.head);
	buf_free(&r.body);
	return 0;
}

static void post_token(const char *tok)
{
	param.key = "csrf";
	param.val = tok;
	param.len = tok ? strlen(tok) : 0;
	r.params = tok ? &param : NULL;
	r.nparams = tok ? 1 : 0;
}

static void test_password_hash(void **state)
{
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(auth_hash_password(&app, "correct horse Пароль", h1), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_int_equal(auth_verify_password(h1, "correct horse Пароль"), 1);
	assert_int_equal(auth_verify_password(h1, "correct horse пароль"), 0);
	assert_int_equal(auth_verify_password(h1, ""), 0);
	assert_int_equal(auth_verify_password(h1, "correct horse Пароль "), 0);
	/* Salted: the same password gives another hash that verifies too. */
	assert_int_equal(auth_hash_password(&app, "correct horse Пароль", h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(auth_verify_password(h2, "correct horse Пароль"), 1);
	/* Garbage as a stored hash never verifies. */
	assert_int_equal(auth_verify_password("", "x"), 0);
	assert_int_equal(auth_verify_password("$argon2id$v=19$m=8,t=1,p=1$bad", "x"), 0);
}

static void test_csrf_guest_binding(void **state)
{
	const char *t1, *t2, *t3;

	(void)state;
	r.aid = "AAAAAAAAAAAAAAAAAAAAAAAA";
	t1 = auth_csrf(&r);
	assert_int_equal(strlen(t1), 43);
	assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	/* A visitor who already has a guest cookie gets no new one. */
	assert_int_equal(r.head.len, 0);
	t2 = auth_csrf(&r);
	assert_string_equal(t1, t2);
	r.aid = "BAAAAAAAAAAAAAAAAAAAAAAA";
	t3 = auth_csrf(&r);
	assert_string_not_equal(t1, t3);
	/* Another key, another token. */
	r.aid = "AAAAAAAAAAAAAAAAAAAAAAAA";
	app.key[0] ^= 1;
	assert_string_not_equal(auth_csrf(&r), t1);
}

static void test_csrf_session_binding(void **state)
{
	const char *guest, *s1, *s2;

	(void)state;
	r.aid = "AAAAAAAAAAAAAAAAAAAAAAAA";
	guest = auth_csrf(&r);
	/* Once signed in, the session binds the token, not the guest cookie. */
	r.sid = "sessionAsessionAsessionAsessionAsessionAses";
	s1 = auth_csrf(&r);
	assert_string_not_equal(s1, guest);
	assert_string_equal(auth_csrf(&r), s1);
	r.aid = "CCCCCCCCCCCCCCCCCCCCCCCC";
	assert_string_equal(auth_csrf(&r), s1);
	r.sid = "sessionBsessionBsessionBsessionBsessionBses";
	s2 = auth_csrf(&r);
	assert_string_not_equal(s1, s2);
}

static void test_csrf_new_guest_gets_cookie(void **state)
{
	const char *t;

	(void)state;
	t = auth_csrf(&r);
	assert_non_null(r.aid);
	assert_int_equal(strlen(r.aid), 24);
	assert_non_null(r.head.p);
	assert_non_null(strstr(r.head.p, "Set-Cookie: aid="));
	assert_non_null(strstr(r.head.p, r.aid));
	assert_non_null(strstr(r.head.p, "HttpOnly"));
	/* The same visitor keeps the same token. */
	assert_string_equal(auth_csrf(&r), t);
}

static void test_csrf_ok(void **state)
{
	const char *tok;
	char wrong[64];

	(void)state;
	r.aid = "AAAAAAAAAAAAAAAAAAAAAAAA";
	tok = auth_csrf(&r);
	post_token(tok);
	assert_int_equal(auth_csrf_ok(&r), 1);
	/* Wrong: one character changed, truncated, extended, another visitor's. */
	snprintf(wrong, sizeof(wrong), "%s", tok);
	wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
	post_token(wrong);
	assert_int_equal(auth_csrf_ok(&r), 0);
	snprintf(wrong, sizeof(wrong), "%.42s", tok);
	post_token(wrong);
	assert_int_equal(auth_csrf_ok(&r), 0);
	snprintf(wrong, sizeof(wrong), "%sA", tok);
	post_token(wrong);
	assert_int_equal(auth_csrf_ok(&r), 0);
	post_token("");
	assert_int_equal(auth_csrf_ok(&r), 0);
	post_token(tok);
	r.aid = "BAAAAAAAAAAAAAAAAAAAAAAA";
	assert_int_equal(auth_csrf_ok(&r), 0);
	/* Missing. */
	r.aid = "AAAAAAAAAAAAAAAAAAAAAAAA";
	post_token(NULL);
	assert_int_equal(auth_csrf_ok(&r), 0);
	/* A visitor without any binding never passes, whatever is posted. */
	post_token(tok);
	r.aid = NULL;
	assert_int_equal(auth_csrf_ok(&r), 0);
}

static void test_csrf_ok_header(void **state)
{
	const char *tok;

	(void)state;
	r.sid = "sessionAsessionAsessionAsessionAsessionAses";
	tok = auth_csrf(&r);
	post_token(NULL);
	setenv("HTTP_X_CSRF_TOKEN", tok, 1);
	assert_int_equal(auth_csrf_ok(&r), 1);
	setenv("HTTP_X_CSRF_TOKEN", "x", 1);
	assert_int_equal(auth_csrf_ok(&r), 0);
}

static struct grant grants[4];
static struct user user = {
	.id = 1, .email = "u@x.ru", .name = "U", .grants = grants, .ngrants = 0, .head_org = 0, .consent_ok = 1};

static void as(size_t n, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		grants[i].id = (long long)i + 1;
		grants[i].role = (enum role)va_arg(ap, int);
		grants[i].region_id = va_arg(ap, long long);
		grants[i].sector_id = va_arg(ap, long long);
		grants[i].district_id = 0;
	}
	va_end(ap);
	user.ngrants = n;
	r.user = &user;
}

static void test_has_guest_and_no_grants(void **state)
{
	(void)state;
	r.user = NULL;
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, -1, -1), 0);
	assert_int_equal(auth_has(&r, ROLE_ADMIN, 0, 0), 0);
	as(0);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, -1, -1), 0);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, 1), 0);
}

static void test_has_admin_holds_everything(void **state)
{
	enum role ro;

	(void)state;
	as(1, (int)ROLE_ADMIN, 0LL, 0LL);
	for (ro = ROLE_ORGANIZER; ro < ROLE__MAX; ro++) {
		assert_int_equal(auth_has(&r, ro, 0, 0), 1);
		assert_int_equal(auth_has(&r, ro, -1, -1), 1);
		assert_int_equal(auth_has(&r, ro, 48, 1), 1);
		assert_int_equal(auth_has(&r, ro, 23, 6), 1);
	}
}

/* An object's region, district and every one of its sectors must be covered. */
static void test_covers_district_and_every_sector(void **state)
{
	(void)state;
	as(2, (int)ROLE_ORGANIZER, 48LL, 3LL, (int)ROLE_ORGANIZER, 48LL, 1LL);
	grants[1].district_id = 16;
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 16, "3"), 1);
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 16, "1,3"), 1);
	/* Education only in district 16: not in 17, not without a district (an online seminar). */
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 17, "1,3"), 0);
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 0, "1"), 0);
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 0, "3"), 1);
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 16, "3,5"), 0);
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 23, 16, "3"), 0);
	assert_int_equal(auth_covers(&r, ROLE_REVIEWER, 48, 16, "3"), 0);
	/* -1 and NULL: any district, any sector. */
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, -1, NULL), 1);
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 17, NULL), 1);
	grants[0].district_id = 16;
	assert_int_equal(auth_covers(&r, ROLE_ORGANIZER, 48, 17, NULL), 0);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 48, 3), 1);
}

static void test_has_scoped_reviewer(void **state)
{
	(void)state;
	as(1, (int)ROLE_REVIEWER, 48LL, 1LL);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, 1), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, 3), 0);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 23, 1), 0);
	/* 0 asks for a grant of any region (or sector): a scoped grant is not one. */
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 0, 1), 0);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, 0), 0);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 0, 0), 0);
	/* -1 accepts any grant of the role. */
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, -1, -1), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, -1, 1), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, -1, 3), 0);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, -1), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 23, -1), 0);
	/* Another role is not held, and neither is admin. */
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 48, 1), 0);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, -1, -1), 0);
	assert_int_equal(auth_has(&r, ROLE_ADMIN, 0, 0), 0);
	assert_int_equal(auth_has(&r, ROLE_ADMIN, -1, -1), 0);
}

static void test_has_unscoped_grants(void **state)
{
	(void)state;
	/* A NULL (0) region covers every region. */
	as(1, (int)ROLE_ORGANIZER, 0LL, 1LL);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 48, 1), 1);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 23, 1), 1);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 0, 1), 1);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 48, 3), 0);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 48, 0), 0);
	/* NULL in both covers everything of the role. */
	as(1, (int)ROLE_ORGANIZER, 0LL, 0LL);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 48, 3), 1);
	assert_int_equal(auth_has(&r, ROLE_ORGANIZER, 0, 0), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 0, 0), 0);
	/* Several grants: any one may match. */
	as(2, (int)ROLE_REVIEWER, 48LL, 1LL, (int)ROLE_REVIEWER, 23LL, 3LL);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, 1), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 23, 3), 1);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 48, 3), 0);
	assert_int_equal(auth_has(&r, ROLE_REVIEWER, 23, 1), 0);
}

static void test_require(void **state)
{
	(void)state;
	r.user = NULL;
	assert_int_equal(auth_require(&r, ROLE_REVIEWER, 48, 1), 401);
	as(1, (int)ROLE_REVIEWER, 48LL, 1LL);
	assert_int_equal(auth_require(&r, ROLE_REVIEWER, 48, 1), 0);
	r.errmsg = NULL;
	assert_int_equal(auth_require(&r, ROLE_REVIEWER, 23, 1), 403);
	assert_non_null(r.errmsg);
}

static void test_head_of(void **state)
{
	(void)state;
	r.user = NULL;
	assert_int_equal(auth_head_of(&r, 5), 0);
	/* An administrator heads no organisation: the role is one organisation's. */
	as(1, (int)ROLE_ADMIN, 0LL, 0LL);
	user.head_org = 0;
	assert_int_equal(auth_head_of(&r, 5), 0);
	assert_int_equal(auth_head_of(&r, 0), 0);
	user.head_org = 5;
	assert_int_equal(auth_head_of(&r, 5), 1);
	assert_int_equal(auth_head_of(&r, 6), 0);
	assert_int_equal(auth_head_of(&r, 0), 0);
	user.head_org = 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_password_hash),
		T(test_csrf_guest_binding),
		T(test_csrf_session_binding),
		T(test_csrf_new_guest_gets_cookie),
		T(test_csrf_ok),
		T(test_csrf_ok_header),
		T(test_has_guest_and_no_grants),
		T(test_has_admin_holds_everything),
		T(test_has_scoped_reviewer),
		T(test_covers_district_and_every_sector),
		T(test_has_unscoped_grants),
		T(test_require),
		T(test_head_of),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
