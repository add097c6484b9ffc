/* What a certificate's template is filled with, and its PDF: shared by the runner, re-issue, the pages and printing. */
#include <string.h>

#include "certs.h"

const char *certs_dmy(struct arena *a, const char *sql)
{
	if (sql == NULL || strlen(sql) < 10)
		return "";
	return arena_printf(a, "%.2s.%.2s.%.4s", sql + 8, sql + 5, sql);
}

const char *certs_hours(struct arena *a, const char *decimal)
{
	char *s, *p;
	size_t n;

	if (decimal == NULL)
		return "";
	s = arena_strdup(a, decimal);
	n = strlen(s);
	if (n > 2 && strcmp(s + n - 2, ".0") == 0)
		s[n - 2] = '\0';
	else if ((p = strchr(s, '.')) != NULL)
		*p = ',';
	return s;
}

const char *certs_verify_url(struct arena *a, const struct app *app, const char *code)
{
	/* From the configured base URL, never from the Host header. */
	return arena_printf(a, "%s%s", app->base_url, url_code(a, U_CERTIFICATES_VERIFY_CODE, code));
}

int certs_fill(struct app *app, struct arena *a, const struct cert_row *c, const struct cert_tmpl **t,
	       struct cert_values *v)
{
	const char *on = c->reissued_at ? c->reissued_at : c->issued_at;

	if ((*t = certs_template(app->db, a, c->template_id)) == NULL)
		return -1;
	memset(v, 0, sizeof(*v));
	v->v[CF_FULL_NAME] = c->full_name;
	v->v[CF_FULL_NAME_DAT] = c->full_name_dat;
	v->v[CF_ORGANIZATION] = c->organization;
	v->v[CF_SEMINAR] = c->seminar_title;
	v->v[CF_DATES] = c->dates;
	v->v[CF_HOURS] = certs_hours(a, c->hours);
	v->v[CF_FORMAT] = c->format;
	v->v[CF_NUMBER] = c->number;
	v->v[CF_ISSUED_ON] = arena_printf(a, "%s г.", date_ru(a, on, 0));
	v->v[CF_ISSUER] = c->issuer;
	v->v[CF_SIGNATORY] = c->signatory;
	v->verify_url = certs_verify_url(a, app, c->verify_code);
	return 0;
}

int certs_render(void *arg, const struct cert_row *c, struct buf *out)
{
	static struct arena a;
	const struct cert_tmpl *t;
	struct cert_values v;

	arena_reset(&a);
	if (certs_fill(arg, &a, c, &t, &v) == -1)
		return -1;
	return cert_pdf(out, t, &v);
}
