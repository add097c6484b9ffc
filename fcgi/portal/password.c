/* Accounts by mail: forgotten password and reset, invitations accepted, address confirmation, password change. */
#include <sodium.h>
#include <string.h>

#include "portal.h"

#define RESET_WINDOW  3600
#define CHANGE_WINDOW 900

int notice_page(struct req *r, int status, const char *title, const char *message, const char *url, const char *label)
{
	page(r, "notice",
	     json_pack("{s:s, s:s, s:o}", "title", title, "message", message, "link",
		       url != NULL ? json_pack("{s:s, s:s}", "url", url, "label", label) : json_null()));
	return status;
}

/* ---------------------------------------------------------------- forgotten password */

static int forgot_page(struct req *r, int status, const char *error)
{
	const char *email = req_param(r, "email");

	page(r, "password-forgot",
	     json_pack("{s:s, s:{s:s?}, s:s?}", "title", "Восстановление пароля", "form", "email", email, "error",
		       error));
	return status;
}

int pg_password_forgot(struct req *r)
{
	return forgot_page(r, 200, NULL);
}

struct person_mail_ctx {
	struct app *app;
	const struct person_account *p;
	int (*fn)(struct app *, struct db *, struct arena *, const struct person_account *);
};

static enum tx_end person_mail_tx(struct db *d, struct arena *a, void *arg)
{
	struct person_mail_ctx *c = arg;

	return c->fn(c->app, d, a, c->p) == -1 ? TX_FAIL : TX_COMMIT;
}

/* The same answer whether the address is known or not; limited per address and per visitor's address. */
int pg_password_forgot_post(struct req *r)
{
	const char *email = req_param(r, "email");
	struct person_account acct;
	struct person_mail_ctx c = {r->app, &acct, account_mail_reset};
	long n1, n2;
	int rc;

	if (email == NULL)
		return forgot_page(r, 400, "Введите адрес электронной почты.");
	if ((n1 = auth_throttle_hit(r, arena_printf(&r->arena, "reset:e:%s", email), RESET_WINDOW)) < 0 ||
	    (n2 = auth_throttle_hit(r, arena_printf(&r->arena, "reset:ip:%s", r->ip), RESET_WINDOW)) < 0)
		return 500;
	if (n1 > config_int(&r->app->cfg, "reset_limit", 3) || n2 > config_int(&r->app->cfg, "reset_ip_limit", 20))
		return forgot_page(r, 429, "Слишком много запросов на смену пароля. Попробуйте через час.");
	if ((rc = db_person_account(r->app->db, &r->arena, 0, email, &acct)) == -1)
		return 500;
	if (rc == 1) {
		if (db_tx(r->app->db, person_mail_tx, &c) != 1)
			return 500;
		audit(r, "password.reset_sent", "person", acct.id, NULL);
	}
	return notice_page(r, 200, "Проверьте почту",
			   "Если адрес зарегистрирован, мы отправили на него письмо со ссылкой для смены пароля. "
			   "Ссылка действует один час. Письма нет несколько минут — проверьте папку «Спам».",
			   U_LOGIN, "Ко входу");
}

/* ---------------------------------------------------------------- a new password through a link */

/* What the reset and the invitation links share: the page, its form's address, the audit action. */
struct link_kind {
	enum token_purpose purpose;
	const char *title, *path, *action; /* path: the link's pattern, one {token} capture */
};
static const struct link_kind reset_link = {TOKEN_RESET, "Новый пароль", U_PASSWORD_RESET_TOKEN, "password.reset"};
static const struct link_kind invite_link = {TOKEN_INVITE, "Приглашение: задайте пароль", U_INVITE_TOKEN,
					     "invite.accept"};

static int link_gone(struct req *r, const struct link_kind *k)
{
	return notice_page(r, 410, "Ссылка недействительна",
			   k->purpose == TOKEN_INVITE
				   ? "Ссылка уже использована или устарела. Зарегистрируйтесь с вашим адресом: мы "
				     "пришлём приглашение снова."
				   : "Ссылка уже использована или устарела. Запросите новую.",
			   k->purpose == TOKEN_INVITE ? U_SIGNUP : U_PASSWORD_FORGOT,
			   k->purpose == TOKEN_INVITE ? "Регистрация" : "Восстановить пароль");
}

static int set_page(struct req *r, const struct link_kind *k, long long person, int status, const char *error)
{
	struct person_account acct;

	if (db_person_account(r->app->db, &r->arena, person, NULL, &acct) != 1)
		return 500;
	page(r, "password-set",
	     json_pack("{s:s, s:s, s:s, s:s?}", "title", k->title, "email", acct.email, "action",
		       url_code(&r->arena, k->path, r->args[0]), "error", error));
	return status;
}

static int link_form(struct req *r, const struct link_kind *k)
{
	long long person;
	int rc = account_link_valid(r->app->db, &r->arena, k->purpose, r->args[0], &person);

	if (rc == -1)
		return 500;
	return rc == 0 ? link_gone(r, k) : set_page(r, k, person, 200, NULL);
}

struct link_ctx {
	const struct link_kind *k;
	const char *token, *hash;
	long long person; /* 0: the link does not work */
};

/* The link is taken once: the password set, the address confirmed (the letter reached it), every session ended. */
static enum tx_end link_tx(struct db *d, struct arena *a, void *arg)
{
	struct link_ctx *c = arg;
	int rc = account_link_take(d, a, c->k->purpose, c->token, &c->person);

	if (rc != 1) {
		c->person = 0;
		return rc == 0 ? TX_ROLLBACK : TX_FAIL;
	}
	if (db_person_set_password(d, c->person, c->hash) == -1 || db_person_confirm(d, c->person) == -1 ||
	    db_sessions_end(d, c->person, NULL) == -1)
		return TX_FAIL;
	return TX_COMMIT;
}

/* The new password's fields: NULL when they are fine, else the message. */
static const char *password_error(struct req *r)
{
	const char *pw = req_param(r, "password"), *pw2 = req_param(r, "password2");

	if (pw == NULL || pw2 == NULL)
		return "Введите новый пароль дважды.";
	if (utf8_count(pw, strlen(pw)) < 8)
		return "Пароль должен быть не короче 8 символов.";
	if (strcmp(pw, pw2) != 0)
		return "Пароли не совпадают.";
	return NULL;
}

static int link_post(struct req *r, const struct link_kind *k)
{
	char hash[crypto_pwhash_STRBYTES];
	struct link_ctx c = {k, r->args[0], hash, 0};
	const char *err;
	long long person;
	int rc;

	if ((rc = account_link_valid(r->app->db, &r->arena, k->purpose, r->args[0], &person)) != 1)
		return rc == -1 ? 500 : link_gone(r, k);
	if ((err = password_error(r)) != NULL)
		return set_page(r, k, person, 400, err);
	if (auth_hash_password(r->app, req_param(r, "password"), hash) == -1)
		return 500;
	if ((rc = db_tx(r->app->db, link_tx, &c)) == -1)
		return 500;
	if (rc == 0)
		return link_gone(r, k);
	r->sid = NULL; /* ended with the others */
	if (auth_login(r, c.person) == -1)
		return 500;
	audit(r, k->action, "person", c.person, NULL);
	return redirect(r, U_ME);
}

int pg_password_reset(struct req *r)
{
	return link_form(r, &reset_link);
}

int pg_password_reset_post(struct req *r)
{
	return link_post(r, &reset_link);
}

int pg_invite(struct req *r)
{
	return link_form(r, &invite_link);
}

int pg_invite_post(struct req *r)
{
	return link_post(r, &invite_link);
}

/* ---------------------------------------------------------------- address confirmation */

struct confirm_ctx {
	const char *token;
	long long person;
};

static enum tx_end confirm_tx(struct db *d, struct arena *a, void *arg)
{
	struct confirm_ctx *c = arg;
	int rc = account_link_take(d, a, TOKEN_CONFIRM, c->token, &c->person);

	if (rc != 1)
		return rc == 0 ? TX_ROLLBACK : TX_FAIL;
	return db_person_confirm(d, c->person) == -1 ? TX_FAIL : TX_COMMIT;
}

int pg_confirm(struct req *r)
{
	struct confirm_ctx c = {r->args[0], 0};
	int rc = db_tx(r->app->db, confirm_tx, &c);

	if (rc == -1)
		return 500;
	if (rc == 0)
		return notice_page(r, 410, "Ссылка недействительна",
				   "Ссылка уже использована или устарела. Войдите и отправьте письмо ещё раз из "
				   "личного кабинета.",
				   U_ME, "Личный кабинет");
	audit(r, "email.confirm", "person", c.person, NULL);
	return notice_page(r, 200, "Адрес подтверждён",
			   "Спасибо! Теперь билеты, сертификаты и напоминания будут приходить на этот адрес.", U_ME,
			   "Личный кабинет");
}

int pg_confirm_resend(struct req *r)
{
	struct person_account acct;
	struct person_mail_ctx c = {r->app, &acct, account_mail_confirm};
	long hits;

	if (db_person_account(r->app->db, &r->arena, r->user->id, NULL, &acct) != 1)
		return 500;
	if (acct.confirmed)
		return redirect(r, U_ME);
	if ((hits = auth_throttle_hit(r, arena_printf(&r->arena, "confirm:p:%lld", acct.id), RESET_WINDOW)) < 0)
		return 500;
	if (hits > config_int(&r->app->cfg, "confirm_limit", 3))
		return fail(r, 429, "Письмо уже отправлено несколько раз. Попробуйте через час.");
	if (db_tx(r->app->db, person_mail_tx, &c) != 1)
		return 500;
	return notice_page(
		r, 200, "Письмо отправлено",
		arena_printf(&r->arena, "Мы отправили на %s письмо со ссылкой для подтверждения адреса.", acct.email),
		U_ME, "Личный кабинет");
}

/* ---------------------------------------------------------------- password change in the cabinet */

static int change_page(struct req *r, int status, const char *error)
{
	page(r, "password-change", json_pack("{s:s, s:s?}", "title", "Смена пароля", "error", error));
	return status;
}

int pg_password_change(struct req *r)
{
	return change_page(r, 200, NULL);
}

int pg_password_change_post(struct req *r)
{
	char hash[crypto_pwhash_STRBYTES];
	unsigned char keep[32];
	const char *cur = req_param(r, "current_password"), *stored = NULL, *err;
	const char *bucket = arena_printf(&r->arena, "pwchange:%lld", r->user->id);
	long long id;
	long n;

	if ((n = auth_throttle_get(r, bucket, CHANGE_WINDOW)) < 0)
		return 500;
	if (n >= config_int(&r->app->cfg, "login_limit", 5))
		return change_page(r, 429, "Слишком много неверных попыток. Подождите 15 минут.");
	if (cur == NULL || db_person_password(r->app->db, &r->arena, r->user->email, &id, &stored) != 1 ||
	    !auth_verify_password(stored, cur)) {
		if (auth_throttle_hit(r, bucket, CHANGE_WINDOW) < 0)
			return 500;
		return change_page(r, 400, "Текущий пароль введён неверно.");
	}
	if ((err = password_error(r)) != NULL)
		return change_page(r, 400, err);
	if (auth_hash_password(r->app, req_param(r, "password"), hash) == -1)
		return 500;
	auth_token_hash(r->sid, keep);
	if (db_person_set_password(r->app->db, r->user->id, hash) == -1 ||
	    db_sessions_end(r->app->db, r->user->id, keep) == -1)
		return 500;
	audit(r, "password.change", "person", r->user->id, NULL);
	return notice_page(r, 200, "Пароль изменён", "Новый пароль сохранён. Другие входы в учётную запись завершены.",
			   U_ME, "Личный кабинет");
}
