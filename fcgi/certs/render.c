/* What a certificate's template is filled with, its PDF, and old PDFs written out: shared by the runner, re-issue, the
 * pages and printing. */
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

void certs_blobs_out(struct app *app)
{
	const char *dir = files_dir(&app->cfg);
	struct arena a = {0};
	long long *ids, moved = 0;
	const char **pdf;
	size_t *len;
	char(*hex)[65];
	int n = 0, i, bad = 0;

	if (!app_db(app)) {
		log_msg(LOG_ERROR, NULL, "certificates: PDFs stored in rows not written out: no database");
		return;
	}
	while (!bad && (n = db_cert_blobs(app->db, &a, 50, &ids, &pdf, &len)) > 0) {
		hex = arena_alloc(&a, (size_t)n * sizeof(*hex));
		for (i = 0; i < n && !bad; i++)
			bad = files_put(dir, pdf[i], len[i], hex[i]) != 1;
		bad = bad || files_sync(dir) == -1;
		for (i = 0; i < n && !bad; i++)
			bad = db_cert_blob_out(app->db, ids[i], hex[i]) == -1;
		moved += bad ? 0 : n;
		arena_reset(&a);
	}
	arena_free(&a);
	/* The workers open their own connections. */
	db_close(app->db);
	app->db = NULL;
	if (bad || n == -1)
		log_msg(LOG_ERROR, NULL, "certificates: PDFs stored in rows could not all be written out under %s",
			dir);
	if (moved > 0)
		log_msg(LOG_INFO, NULL, "certificates: %lld PDFs stored in rows written out under %s", moved, dir);
}
