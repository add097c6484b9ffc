/* Accounts: sign-up with the organisation from the register, login with throttling, logout, cabinet. */
#include <sodium.h>
#include <string.h>

#include "portal.h"

#define LOGIN_WINDOW  900
#define SIGNUP_WINDOW 3600

/* The form as the person typed it (never the passwords), for re-display. */
static json_t *form_echo(struct req *r, const char *const *names)
{
	json_t *f = json_object();

	for (; *names; names++) {
		const char *v = req_param(r, *names);
		json_object_set_new(f, *names, v ? json_string(v) : json_null());
	}
	return f;
}

static int login_page(struct req *r, int status, const char *error)
{
	static const char *const names[] = {"email", "next", NULL};

	/* A script signs in through JSON alone: the token comes with the form's data, as in the HTML. */
	page(r, "login",
	     json_pack("{s:s, s:o, s:s?, s:s}", "title", "Вход", "form", form_echo(r, names), "error", error, "csrf",
		       auth_csrf(r)));
	return status;
}

int pg_login(struct req *r)
{
	if (r->user != NULL)
		return redirect(r, U_ME);
	return login_page(r, 200, NULL);
}

int pg_login_post(struct req *r)
{
	const char *email = req_param(r, "email"), *pw = req_param(r, "password"), *next = req_param(r, "next");
	const char *hash = NULL, *by_email, *by_ip;
	long limit = config_int(&r->app->cfg, "login_limit", 5);
	long ip_limit = config_int(&r->app->cfg, "login_ip_limit", 50);
	long long id = 0;
	long n1, n2;
	int rc, ok;

	if (email == NULL || pw == NULL)
		return login_page(r, 400, "Введите адрес электронной почты и пароль.");
	by_email = arena_printf(&r->arena, "login:e:%s", email);
	by_ip = arena_printf(&r->arena, "login:ip:%s", r->ip);
	if ((n1 = auth_throttle_get(r, by_email, LOGIN_WINDOW)) < 0 ||
	    (n2 = auth_throttle_get(r, by_ip, LOGIN_WINDOW)) < 0)
		return 500;
	if (n1 >= limit || n2 >= ip_limit)
		return login_page(r, 429,
				  "Слишком много неудачных попыток входа. Подождите 15 минут и попробуйте снова.");
	if ((rc = db_person_password(r->app->db, &r->arena, email, &id, &hash)) == -1)
		return 500;
	ok = rc == 1 && auth_verify_password(hash, pw);
	if (!ok) {
		if (auth_throttle_hit(r, by_email, LOGIN_WINDOW) < 0 || auth_throttle_hit(r, by_ip, LOGIN_WINDOW) < 0)
			return 500;
		audit(r, "login.fail", "person", rc == 1 ? id : 0, NULL);
		return login_page(r, 401, "Неверный адрес электронной почты или пароль.");
	}
	if (auth_throttle_clear(r, by_email) == -1 || auth_login(r, id) == -1)
		return 500;
	audit(r, "login", "person", id, NULL);
	return redirect(r, next ? next : U_ME);
}

int pg_logout(struct req *r)
{
	if (r->user != NULL) {
		audit(r, "logout", "person", r->user->id, NULL);
		if (auth_logout(r) == -1)
			return 500;
	}
	return redirect(r, "/");
}

static int signup_page(struct req *r, int status, const char *error)
{
	static const char *const names[] = {"email",       "full_name", "full_name_dat", "phone",
					    "position",    "region_id", "district_id",   "organization_id",
					    "org_missing", "org_name",  "sector_id",     "head_request",
					    NULL};
	json_t *form = form_echo(r, names), *ctx;
	long long region = req_int(r, "region_id", 0), district = req_int(r, "district_id", 0);
	long long org = req_int(r, "organization_id", 0), org_district = req_int(r, "org_district_id", 0);
	const char *dname, *rname;
	json_t *regions, *districts, *orgs, *sectors;

	/* After a POST the place comes from the chosen organisation, or is the district of the proposed one. */
	if ((org > 0 && db_organization_place(r->app->db, &r->arena, org, &region, &district) == 1) ||
	    (org <= 0 && org_district > 0 &&
	     db_report_district(r->app->db, &r->arena, org_district, &region, &dname, &rname) == 1)) {
		if (org <= 0)
			district = org_district;
		json_object_set_new(form, "region_id", json_integer(region));
		json_object_set_new(form, "district_id", json_integer(district));
	}
	regions = db_regions(r->app->db, &r->arena);
	districts = region > 0 ? db_districts(r->app->db, &r->arena, region) : json_array();
	orgs = district > 0 ? db_organizations(r->app->db, &r->arena, district) : json_array();
	sectors = db_sectors(r->app->db, &r->arena);
	ctx = json_pack("{s:s, s:o, s:o?, s:o?, s:o?, s:o?, s:o?, s:s?}", "title", "Регистрация", "form", form,
			"regions", regions, "districts", districts, "organizations", orgs, "sectors", sectors,
			"consent", db_consent(r->app->db, &r->arena, NULL), "error", error);
	json_object_set_new(ctx, "csrf", json_string(auth_csrf(r)));
	if (regions == NULL || districts == NULL || orgs == NULL || sectors == NULL ||
	    json_object_get(ctx, "consent") == NULL) {
		json_decref(ctx);
		return 500;
	}
	page(r, "signup", ctx);
	return status;
}

int pg_signup(struct req *r)
{
	return signup_page(r, 200, NULL);
}

/* The first required field left empty; a person whose organisation is not in the register names
 * it (with its district and sector) instead of choosing one. */
static const char *missing(struct req *r, int proposing)
{
	static const struct {
		const char *name, *label;
		int when; /* 0: choosing, 1: proposing, -1: always */
	} need[] = {
		{"organization_id", "Организация", 0},
		{"org_name", "Название организации", 1},
		{"org_district_id", "Район", 1},
		{"sector_id", "Направление", 1},
		{"full_name", "ФИО", -1},
		{"full_name_dat", "ФИО в дательном падеже", -1},
		{"email", "Электронная почта", -1},
		{"password", "Пароль", -1},
		{"password2", "Пароль ещё раз", -1},
		{"consent", "Согласие на обработку персональных данных", -1},
	};
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if ((need[i].when < 0 || need[i].when == proposing) && req_param(r, need[i].name) == NULL)
			return arena_printf(&r->arena, "Заполните поле «%s».", need[i].label);
	return NULL;
}

struct signup_ctx {
	struct app *app;
	const struct person_new *p;
	const struct org_proposal *o; /* NULL: an organisation of the register */
	long long id;                 /* as db_person_propose returns it */
};

/* The account and the letter that confirms its address, in one transaction. */
static enum tx_end signup_tx(struct db *d, struct arena *a, void *arg)
{
	struct signup_ctx *c = arg;
	struct person_account acct = {0};

	c->id = c->o != NULL ? db_person_propose(d, a, c->p, c->o) : db_person_create(d, c->p);
	if (c->id <= 0)
		return c->id == -1 ? TX_FAIL : TX_ROLLBACK;
	acct.id = c->id;
	acct.email = c->p->email;
	acct.name = c->p->full_name;
	return account_mail_confirm(c->app, d, a, &acct) == -1 ? TX_FAIL : TX_COMMIT;
}

struct invite_ctx {
	struct app *app;
	const struct person_account *p;
};

static enum tx_end invite_again_tx(struct db *d, struct arena *a, void *arg)
{
	struct invite_ctx *c = arg;

	return account_mail_invite(c->app, d, a, c->p, NULL, NULL) == -1 ? TX_FAIL : TX_COMMIT;
}

/* A sign-up with a taken address: an account made by an organiser that never got a password is invited
 * again (at most invite_limit times an hour per address); any other is refused. */
static int signup_taken(struct req *r, const char *email)
{
	struct person_account acct;
	struct invite_ctx c = {r->app, &acct};
	const char *bucket = arena_printf(&r->arena, "invite:e:%s", email);
	long hits;
	int rc, send;

	if ((rc = db_person_account(r->app->db, &r->arena, 0, email, &acct)) == -1)
		return 500;
	if (rc == 0 || acct.has_password)
		return signup_page(r, 409, "Этот адрес электронной почты уже зарегистрирован. Войдите с ним.");
	if ((hits = auth_throttle_hit(r, bucket, SIGNUP_WINDOW)) < 0)
		return 500;
	send = hits <= config_int(&r->app->cfg, "invite_limit", 3);
	if (send && db_tx(r->app->db, invite_again_tx, &c) != 1)
		return 500;
	audit(r, "invite.again", "person", acct.id, send ? NULL : "throttled");
	return notice_page(r, 200, "Приглашение отправлено",
			   "Учётную запись с этим адресом уже создал организатор. Мы отправили на него письмо со "
			   "ссылкой: по ней вы зададите пароль и сразу войдёте.",
			   NULL, NULL);
}

int pg_signup_post(struct req *r)
{
	struct person_new p = {0};
	struct org_proposal o;
	struct signup_ctx c;
	char hash[crypto_pwhash_STRBYTES];
	const char *err, *bucket = arena_printf(&r->arena, "signup:ip:%s", r->ip);
	long long region, district, id;
	json_t *consent;
	long hits;
	int rc, proposing = req_param(r, "org_missing") != NULL;

	if ((err = missing(r, proposing)) != NULL)
		return signup_page(r, 400, err);
	/* The consent is to the text in force, shown on the form; an older or unknown version is refused. */
	if ((consent = db_consent(r->app->db, &r->arena, NULL)) == NULL)
		return 500;
	p.consent_version = arena_strdup(&r->arena, json_is_string(json_object_get(consent, "version"))
							    ? json_string_value(json_object_get(consent, "version"))
							    : "");
	json_decref(consent);
	if (req_param(r, "consent_version") && strcmp(req_param(r, "consent_version"), p.consent_version) != 0)
		return signup_page(
			r, 400,
			"Такой редакции согласия нет среди действующих: обновите страницу и примите действующую.");
	if (utf8_count(req_param(r, "password"), strlen(req_param(r, "password"))) < 8)
		return signup_page(r, 400, "Пароль должен быть не короче 8 символов.");
	if (strcmp(req_param(r, "password"), req_param(r, "password2")) != 0)
		return signup_page(r, 400, "Пароли не совпадают.");
	if ((hits = auth_throttle_hit(r, bucket, SIGNUP_WINDOW)) < 0)
		return 500;
	if (hits > config_int(&r->app->cfg, "signup_limit", 20))
		return signup_page(r, 429, "Слишком много регистраций с вашего адреса. Попробуйте через час.");
	p.organization_id = req_int(r, "organization_id", 0);
	if (!proposing &&
	    (rc = db_organization_place(r->app->db, &r->arena, p.organization_id, &region, &district)) != 1)
		return rc == -1 ? 500
				: signup_page(r, 400,
					      "Выбранной организации нет в реестре. Выберите организацию из списка.");
	if (auth_hash_password(r->app, req_param(r, "password"), hash) == -1)
		return 500;
	p.email = req_param(r, "email");
	p.password_hash = hash;
	p.full_name = req_param(r, "full_name");
	p.full_name_dat = req_param(r, "full_name_dat");
	p.phone = req_param(r, "phone");
	p.position = req_param(r, "position");
	if (proposing) {
		/* The organisation waits for an administrator (not active, so it counts nowhere yet). */
		o = (struct org_proposal){req_param(r, "org_name"), req_int(r, "org_district_id", 0),
					  req_int(r, "sector_id", 0)};
		p.organization_id = 0;
	}
	c = (struct signup_ctx){r->app, &p, proposing ? &o : NULL, 0};
	if (db_tx(r->app->db, signup_tx, &c) == -1 || c.id == -1)
		return 500;
	if ((id = c.id) == -2)
		return signup_page(r, 400, "Такого района или направления нет. Выберите их из списка.");
	if (id == 0)
		return signup_taken(r, p.email);
	audit(r, "signup", "person", id,
	      arena_printf(&r->arena, "consent %s%s", p.consent_version, proposing ? "; organisation proposed" : ""));
	if (db_consent_accept(r->app->db, id, p.consent_version, r->ip, 0) != 1)
		return 500;
	/* «Я руководитель организации»: a request an organiser or administrator confirms (/manage/heads). */
	if (req_param(r, "head_request") != NULL && (rc = db_head_request(r->app->db, id)) != 0) {
		if (rc == -1)
			return 500;
		audit(r, "head.request", "person", id, NULL);
	}
	if (auth_login(r, id) == -1)
		return 500;
	return redirect(r, U_ME);
}

/* {upcoming, past, any}: the person's registrations for the cabinet. */
static json_t *registrations_view(struct req *r)
{
	json_t *rows = db_person_registrations(r->app->db, &r->arena, r->user->id), *row, *up, *past;
	size_t i;

	if (rows == NULL)
		return NULL;
	up = json_array();
	past = json_array();
	json_array_foreach (rows, i, row) {
		const char *status = json_string_value(json_object_get(row, "status"));
		const char *venue = json_string_value(json_object_get(row, "venue"));
		const char *mode = json_string_value(json_object_get(row, "mode"));
		int is_past = json_integer_value(json_object_get(row, "past")) != 0;
		long long id = json_integer_value(json_object_get(row, "id"));
		struct queue_place queue = {json_integer_value(json_object_get(row, "position")),
					    json_is_true(json_object_get(row, "first_group")),
					    json_is_true(json_object_get(row, "priority")),
					    json_is_true(json_object_get(row, "reordered"))};

		json_array_append_new(
			is_past ? past : up,
			json_pack("{s:O, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s?, s:s?}", "seminar_title",
				  json_object_get(row, "title"), "seminar_url",
				  url(&r->arena, U_SEMINARS_ID,
				      (long long)json_integer_value(json_object_get(row, "seminar_id"))),
				  "date",
				  date_range_ru(&r->arena, json_string_value(json_object_get(row, "starts_at")),
						json_string_value(json_object_get(row, "ends_at"))),
				  "place", venue ? venue : "онлайн", "mode_name", mode_names[mode_of(mode)], "status",
				  status, "status_name", reg_status_name(status), "position",
				  queue.position > 0 ? json_integer(queue.position) : json_null(), "queue_note",
				  queue_note(&queue), "cancel_url",
				  !is_past && strcmp(status, "cancelled") != 0
					  ? url(&r->arena, U_REGISTRATIONS_ID_CANCEL, id)
					  : NULL,
				  "ticket_url",
				  !is_past && strcmp(status, "confirmed") == 0 ? url(&r->arena, U_TICKETS_ID, id)
									       : NULL));
	}
	json_decref(rows);
	return json_pack("{s:o, s:o, s:b}", "upcoming", up, "past", past, "any",
			 json_array_size(up) + json_array_size(past) > 0);
}

/* The person's certificates for the cabinet (the PDF link while not revoked), or NULL on failure. */
static json_t *certificates_view(struct req *r)
{
	json_t *rows = db_person_certificates(r->app->db, &r->arena, r->user->id), *row, *out;
	size_t i;

	if (rows == NULL)
		return NULL;
	out = json_array();
	json_array_foreach (rows, i, row) {
		const char *number = json_string_value(json_object_get(row, "number"));
		const char *revoked = json_string_value(json_object_get(row, "revoked_at"));

		json_array_append_new(
			out,
			json_pack("{s:s, s:O, s:O, s:b, s:s, s:s?, s:s}", "number", number, "seminar_title",
				  json_object_get(row, "seminar_title"), "dates", json_object_get(row, "dates"),
				  "revoked", revoked != NULL, "status_name",
				  revoked ? arena_printf(&r->arena, "отозван %s", date_ru(&r->arena, revoked, 0))
					  : "действителен",
				  "pdf_url", revoked ? NULL : url_code(&r->arena, U_CERTIFICATES_NUMBER_PDF, number),
				  "verify_url",
				  url_code(&r->arena, U_CERTIFICATES_VERIFY_CODE,
					   json_string_value(json_object_get(row, "verify_code")))));
	}
	json_decref(rows);
	return out;
}

/* Adds the role head, or the request for it made at sign-up, to the cabinet's roles. Returns 0 or -1. */
static int head_role(struct req *r, json_t *roles)
{
	json_t *h = db_head_of_person(r->app->db, &r->arena, r->user->id);
	int requested;

	if (h == NULL)
		return -1;
	if (!json_is_null(h)) {
		requested = strcmp(json_string_value(json_object_get(h, "status")), "requested") == 0;
		json_array_append_new(
			roles,
			json_pack(
				"{s:s, s:s}", "role_name", "руководитель организации", "scope",
				arena_printf(&r->arena, "%s; %s", json_string_value(json_object_get(h, "organization")),
					     requested ? "запрос ждёт подтверждения организатором" : "подтверждена")));
	}
	json_decref(h);
	return 0;
}

int pg_me(struct req *r)
{
	struct person_account acct;
	json_t *person = db_person_profile(r->app->db, &r->arena, r->user->id);
	json_t *grants = db_person_grants(r->app->db, &r->arena, r->user->id), *roles, *g, *regs = NULL, *certs = NULL,
	       *live, *ctx;
	size_t i;

	if (person == NULL || grants == NULL) {
		json_decref(person);
		json_decref(grants);
		return 500;
	}
	roles = json_array();
	json_array_foreach (grants, i, g) {
		json_array_append_new(roles,
				      json_pack("{s:O, s:s}", "role_name", json_object_get(g, "role_name"), "scope",
						arena_printf(&r->arena, "%s; %s",
							     json_string_value(json_object_get(g, "region_name")),
							     json_string_value(json_object_get(g, "sector_name")))));
	}
	json_decref(grants);
	if (head_role(r, roles) == -1 || (regs = registrations_view(r)) == NULL ||
	    (certs = certificates_view(r)) == NULL || (live = live_online(r, 0)) == NULL) {
		json_decref(person);
		json_decref(roles);
		json_decref(regs);
		json_decref(certs);
		return 500;
	}
	/* live: the seminars whose session runs now for an online participant, with the code entry. */
	if (db_person_account(r->app->db, &r->arena, r->user->id, NULL, &acct) != 1) {
		json_decref(person);
		json_decref(roles);
		json_decref(regs);
		json_decref(certs);
		json_decref(live);
		return 500;
	}
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s?, s:o*}", "title", "Личный кабинет", "person", person,
			"roles", roles, "registrations", regs, "certificates", certs, "live", live, "code_url",
			json_array_size(live) ? U_CHECKIN_CODE : NULL, "surveys", surveys_open(r));
	json_object_set_new(ctx, "account", json_pack("{s:b}", "confirmed", acct.confirmed));
	if (materials_set(r, ctx, 0) == -1 || briefings_set(r, ctx) == -1 ||
	    json_object_set_new(ctx, "mail", db_mail_prefs(r->app->db, &r->arena, r->user->id)) == -1) {
		json_decref(ctx);
		return 500;
	}
	return page(r, "me", ctx);
}
