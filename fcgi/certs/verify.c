/* Public verification of a certificate: by the code in its QR, or by its number and the holder's surname. */
#include <string.h>

#include "certs.h"

#define LOOKUP_WINDOW 600 /* seconds; look-ups per address are counted over this window */

/* The verification page: the certificate (or NULL) and the look-up form. */
static int verify_page(struct req *r, int status, const struct cert_row *c, const char *error)
{
	json_t *cert = json_null();

	/* Only what the certificate says of the training: nothing else about the person. */
	if (c != NULL)
		cert = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s?}", "number", c->number, "full_name",
			c->full_name, "seminar_title", c->seminar_title, "dates", c->dates, "hours",
			certs_hours(&r->arena, c->hours), "issuer", c->issuer, "issued_on",
			certs_dmy(&r->arena, c->issued_at), "valid", c->revoked_at == NULL, "status_name",
			c->revoked_at ? arena_printf(&r->arena, "отозван %s", certs_dmy(&r->arena, c->revoked_at))
				      : "действителен",
			"reissued",
			c->reissued_at
				? arena_printf(&r->arena, "переоформлен %s", certs_dmy(&r->arena, c->reissued_at))
				: NULL);
	page(r, "cert-verify",
	     json_pack("{s:s, s:o, s:{s:s?, s:s?}, s:s?}", "title", "Проверка сертификата", "certificate", cert, "form",
		       "number", req_param(r, "number"), "surname", req_param(r, "surname"), "error", error));
	return status;
}

int pg_verify(struct req *r)
{
	const char *code = r->args[0];
	struct cert_row c;
	int rc = 0;

	if (strlen(code) == CERT_CODE_LEN &&
	    strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == CERT_CODE_LEN)
		rc = db_cert_by_code(r->app->db, &r->arena, code, &c);
	if (rc == -1)
		return 500;
	if (rc == 0)
		return verify_page(r, 404, NULL,
				   "Сертификат с таким кодом не найден. Проверьте адрес или найдите "
				   "сертификат по номеру и фамилии.");
	return verify_page(r, 200, &c, NULL);
}

/* The first word of s, trimmed (the surname of "Иванова Мария Петровна"). In the arena. */
static const char *first_word(struct arena *a, const char *s)
{
	s += strspn(s, " ");
	return arena_strndup(a, s, strcspn(s, " "));
}

int pg_verify_lookup(struct req *r)
{
	const char *number = req_param(r, "number"), *surname = req_param(r, "surname"), *code;
	long hits;
	int rc;

	if (number == NULL && surname == NULL)
		return verify_page(r, 200, NULL, NULL);
	if (number == NULL || surname == NULL)
		return verify_page(r, 400, NULL, "Укажите номер сертификата и фамилию владельца.");
	/* Every look-up counts: numbers are sequential, so surnames must not be guessable in bulk. */
	hits = auth_throttle_hit(r, arena_printf(&r->arena, "verify:ip:%s", r->ip), LOOKUP_WINDOW);
	if (hits < 0)
		return 500;
	if (hits > config_int(&r->app->cfg, "verify_limit", 30))
		return verify_page(r, 429, NULL, "Слишком много проверок с вашего адреса. Подождите 10 минут.");
	number = first_word(&r->arena, number);
	if ((rc = db_cert_lookup(r->app->db, &r->arena, number, first_word(&r->arena, surname), &code)) == -1)
		return 500;
	/* The same answer for an unknown number and a wrong surname. */
	if (rc == 0)
		return verify_page(r, 404, NULL, "Сертификат не найден. Проверьте номер и фамилию.");
	return redirect(r, url_code(&r->arena, U_CERTIFICATES_VERIFY_CODE, code));
}
