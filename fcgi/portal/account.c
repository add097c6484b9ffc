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
		return redirect(r, "/me");
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
	return redirect(r, next ? next : "/me");
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
					    "org_missing", "org_name",  "sector_id",     NULL};
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

int pg_signup_post(struct req *r)
{
	struct person_new p = {0};
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
		struct org_proposal o = {req_param(r, "org_name"), req_int(r, "org_district_id", 0),
					 req_int(r, "sector_id", 0)};
		p.organization_id = 0;
		id = db_person_create_proposing(r->app->db, &p, &o);
	} else
		id = db_person_create(r->app->db, &p);
	if (id == -1)
		return 500;
	if (id == -2)
		return signup_page(r, 400, "Такого района или направления нет. Выберите их из списка.");
	if (id == 0)
		return signup_page(r, 409, "Этот адрес электронной почты уже зарегистрирован. Войдите с ним.");
	audit(r, "signup", "person", id,
	      arena_printf(&r->arena, "consent %s%s", p.consent_version, proposing ? "; organisation proposed" : ""));
	if (db_consent_accept(r->app->db, id, p.consent_version, r->ip, 0) != 1)
		return 500;
	if (auth_login(r, id) == -1)
		return 500;
	return redirect(r, "/me");
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
		long long pos = json_integer_value(json_object_get(row, "position"));

		json_array_append_new(
			is_past ? past : up,
			json_pack("{s:O, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s?}", "seminar_title",
				  json_object_get(row, "title"), "seminar_url",
				  arena_printf(&r->arena, "/seminars/%lld",
					       (long long)json_integer_value(json_object_get(row, "seminar_id"))),
				  "date",
				  date_range_ru(&r->arena, json_string_value(json_object_get(row, "starts_at")),
						json_string_value(json_object_get(row, "ends_at"))),
				  "place", venue ? venue : "онлайн", "mode_name", mode_names[mode_of(mode)], "status",
				  status, "status_name", reg_status_name(status), "position",
				  pos > 0 ? json_integer(pos) : json_null(), "cancel_url",
				  !is_past && strcmp(status, "cancelled") != 0
					  ? arena_printf(&r->arena, "/registrations/%lld/cancel", id)
					  : NULL,
				  "ticket_url",
				  !is_past && strcmp(status, "confirmed") == 0
					  ? arena_printf(&r->arena, "/tickets/%lld", id)
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
				  "pdf_url", revoked ? NULL : arena_printf(&r->arena, "/certificates/%s.pdf", number),
				  "verify_url",
				  arena_printf(&r->arena, "/certificates/verify/%s",
					       json_string_value(json_object_get(row, "verify_code")))));
	}
	json_decref(rows);
	return out;
}

int pg_me(struct req *r)
{
	json_t *person = db_person_profile(r->app->db, &r->arena, r->user->id);
	json_t *grants = db_person_grants(r->app->db, &r->arena, r->user->id), *roles, *g, *regs, *certs = NULL, *live,
	       *ctx;
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
	if ((regs = registrations_view(r)) == NULL || (certs = certificates_view(r)) == NULL ||
	    (live = live_online(r, 0)) == NULL) {
		json_decref(person);
		json_decref(roles);
		json_decref(regs);
		json_decref(certs);
		return 500;
	}
	/* live: the seminars whose session runs now for an online participant, with the code entry. */
	ctx = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s?, s:o*}", "title", "Личный кабинет", "person", person,
			"roles", roles, "registrations", regs, "certificates", certs, "live", live, "code_url",
			json_array_size(live) ? "/checkin/code" : NULL, "surveys", surveys_open(r));
	if (materials_set(r, ctx, 0) == -1) {
		json_decref(ctx);
		return 500;
	}
	return page(r, "me", ctx);
}
