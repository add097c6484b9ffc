/* The account messages with a single-use link: password reset, address confirmation, invitation; and taking a link. */
#include "account_mail.h"

#include <string.h>

#include "app.h"

#define RESET_TTL 3600

/* A new link of purpose for the person at base_url + pattern (one {token} capture) with the token, and its
 * message of kind. */
static int link_mail(struct app *app, struct db *d, struct arena *a, const struct person_account *p,
		     enum token_purpose purpose, long ttl_s, const char *pattern, struct mail_new *m)
{
	unsigned char hash[32];
	char tok[AUTH_TOKEN_LEN + 1];
	long long id;
	int rc;

	auth_token_new(tok, hash);
	if ((id = db_token_create(d, purpose, p->id, hash, p->email, ttl_s)) == -1)
		return -1;
	json_object_set_new(m->ctx, "link", json_string(mail_url(a, app, url_code(a, pattern, tok))));
	json_object_set_new(m->ctx, "name", json_string(p->name));
	m->event_key = arena_printf(a, "%s:%lld", m->kind, id);
	m->person_id = p->id;
	m->to = p->email;
	m->to_name = p->name;
	rc = mail_queue(app, d, a, m);
	json_decref(m->ctx);
	return rc;
}

int account_mail_reset(struct app *app, struct db *d, struct arena *a, const struct person_account *p)
{
	struct mail_new m = {.kind = "password_reset", .subject = "Смена пароля", .ctx = json_object()};

	return link_mail(app, d, a, p, TOKEN_RESET, RESET_TTL, U_PASSWORD_RESET_TOKEN, &m);
}

int account_mail_confirm(struct app *app, struct db *d, struct arena *a, const struct person_account *p)
{
	long days = config_int(&app->cfg, "confirm_days", 3);
	struct mail_new m = {.kind = "address_confirm",
			     .subject = "Подтвердите адрес электронной почты",
			     .ctx = json_pack("{s:I}", "days", (json_int_t)days)};

	return link_mail(app, d, a, p, TOKEN_CONFIRM, days * 86400, U_CONFIRM_TOKEN, &m);
}

int account_mail_invite(struct app *app, struct db *d, struct arena *a, const struct person_account *p, const char *by,
			const char *seminar)
{
	long days = config_int(&app->cfg, "invite_days", 7);
	struct mail_new m = {.kind = "invitation",
			     .subject = "Приглашение на сайт семинаров ЦУР",
			     .ctx = json_pack("{s:I, s:s, s:s?}", "days", (json_int_t)days, "by",
					      by != NULL ? by : "Организатор", "seminar", seminar)};

	return link_mail(app, d, a, p, TOKEN_INVITE, days * 86400, U_INVITE_TOKEN, &m);
}

long long account_invite_new(struct app *app, struct db *d, struct arena *a, const struct person_new *in,
			     const char *by, const char *seminar)
{
	struct person_new p = *in;
	struct person_account acct = {0};
	long long id;

	p.password_hash = "!"; /* no argon2id string: no password matches it */
	if ((id = db_person_create(d, &p)) <= 0)
		return id;
	acct.id = id;
	acct.email = p.email;
	acct.name = p.full_name;
	return account_mail_invite(app, d, a, &acct, by, seminar) == -1 ? -1 : id;
}

static int link_find(struct db *d, struct arena *a, enum token_purpose p, const char *token, int lock, long long *id)
{
	unsigned char hash[32];

	if (token == NULL || !auth_token_ok(token, AUTH_TOKEN_LEN))
		return 0;
	auth_token_hash(token, hash);
	return db_token_find(d, a, p, hash, lock, id);
}

int account_link_take(struct db *d, struct arena *a, enum token_purpose p, const char *token, long long *person_id)
{
	int rc = link_find(d, a, p, token, 1, person_id);

	if (rc == 1 && db_token_spend(d, p, *person_id) == -1)
		return -1;
	return rc;
}

int account_link_valid(struct db *d, struct arena *a, enum token_purpose p, const char *token, long long *person_id)
{
	return link_find(d, a, p, token, 0, person_id);
}
