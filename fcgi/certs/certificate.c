/* One certificate (its PDF, revoke, re-issue) and a seminar's certificates as a ZIP. */
#include <string.h>

#include "certs.h"

#define BATCH 50 /* certificates read per query for the ZIP */

/* The certificate of the path for an organiser of its seminar's region, or for its holder when
 * holder_ok. Returns 0, or the status to return. */
static int cert_for(struct req *r, struct cert_row *c, int holder_ok)
{
	const char *number = r->args[0];
	int rc;

	if (strlen(number) > 80 || (rc = db_cert_by_number(r->app->db, &r->arena, number, c)) == 0)
		return fail(r, 404, "Такого сертификата нет.");
	if (rc == -1)
		return 500;
	if ((rc = auth_organizes(r, c->seminar_id)) == -1)
		return 500;
	if (rc == 1 || (holder_ok && c->person_id == r->user->id))
		return 0;
	return fail(r, 403,
		    holder_ok ? "Этот сертификат может скачать только его владелец или организатор семинара."
			      : "Отзывать и переоформлять сертификаты могут только организаторы семинара.");
}

/* A seminar whose survey holds back certificates gives its holder the PDF only after they answered it: 0 when
 * the PDF may go, or the status of the page that sends them to the survey. */
static int survey_gate(struct req *r, const struct cert_row *c)
{
	struct survey v;
	int rc;

	if ((rc = db_survey_get(r->app->db, &r->arena, c->seminar_id, &v)) == -1)
		return 500;
	if (rc == 0 || !v.cert_gate || v.nquestions == 0)
		return 0;
	if ((rc = db_survey_answered(r->app->db, &r->arena, c->registration_id)) != 0)
		return rc == -1 ? 500 : 0;
	page(r, "cert-survey",
	     json_pack("{s:s, s:s, s:s, s:s}", "title", "Сначала заполните анкету", "error",
		       "Сертификат станет доступен после того, как вы заполните анкету участника семинара.",
		       "seminar_title", c->seminar_title, "survey_url",
		       url(&r->arena, U_SEMINARS_ID_SURVEY, c->seminar_id)));
	return 403;
}

int pg_cert_pdf(struct req *r)
{
	struct cert_row c;
	const char *sha256;
	int rc, organizer;

	if ((rc = cert_for(r, &c, 1)) != 0)
		return rc;
	/* The holder of a revoked certificate gets no copy to show; organisers keep theirs. */
	if ((organizer = auth_organizes(r, c.seminar_id)) == -1)
		return 500;
	if (c.revoked_at != NULL && !organizer)
		return fail(r, 409,
			    arena_printf(&r->arena, "Сертификат отозван %s. Обратитесь к организатору семинара.",
					 certs_dmy(&r->arena, c.revoked_at)));
	if (!organizer && (rc = survey_gate(r, &c)) != 0)
		return rc;
	if ((rc = db_cert_file(r->app->db, &r->arena, c.id, &sha256)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 409, "Сертификат ещё выпускается. Обновите страницу через минуту.");
	return resp_accel(r, files_path(&r->arena, FILES_URI, sha256), "application/pdf", "attachment",
			  arena_printf(&r->arena, "certificate-%s.pdf", c.number));
}

int pg_cert_revoke(struct req *r)
{
	const char *reason = req_param(r, "reason");
	struct cert_row c;
	int rc;

	if ((rc = cert_for(r, &c, 0)) != 0)
		return rc;
	if (reason == NULL)
		return fail(r, 400, "Укажите причину отзыва сертификата.");
	if ((rc = db_cert_revoke(r->app->db, c.id, reason, r->user->id, r->ip)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 409, "Сертификат уже отозван.");
	return redirect(r, url(&r->arena, U_CERTIFICATES_SEMINARS_ID, c.seminar_id));
}

int pg_cert_reissue(struct req *r)
{
	struct cert_row c, now;
	int rc;

	if ((rc = cert_for(r, &c, 0)) != 0)
		return rc;
	if (!c.rendered)
		return fail(r, 409, "Сертификат ещё выпускается. Переоформить его можно, когда выпуск закончится.");
	if ((rc = db_cert_reissue(r->app->db, &r->arena, c.id, r->user->id, r->ip, files_dir(&r->app->cfg),
				  certs_render, r->app, &now)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 409,
			    "Отозванный сертификат можно переоформить, только если участник выполнил условие "
			    "посещения семинара. Проверьте отметки посещения.");
	return redirect(r, url(&r->arena, U_CERTIFICATES_SEMINARS_ID, c.seminar_id));
}

int pg_cert_zip(struct req *r)
{
	struct seminar s;
	struct arena a = {0};
	struct cert_row *rows;
	const char **sha256;
	struct buf pdf = {0};
	struct zipw *z;
	long long after = 0, total = 0;
	int rc, n, i;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((z = zipw_open()) == NULL)
		return 500;
	/* In batches, so that only a batch of PDFs is in memory besides the archive. */
	do {
		arena_reset(&a);
		if ((n = db_cert_seminar_batch(r->app->db, &a, s.id, after, BATCH, &rows, &sha256)) == -1)
			break;
		for (i = 0; i < n; i++) {
			buf_reset(&pdf);
			if (files_load(files_dir(&r->app->cfg), sha256[i], &pdf) == -1 ||
			    zipw_add(z, arena_printf(&a, "%s.pdf", rows[i].number), pdf.p, pdf.len, 1) == -1)
				n = -1;
		}
		if (n > 0)
			after = rows[n - 1].id;
		total += n > 0 ? n : 0;
	} while (n == BATCH);
	arena_free(&a);
	buf_free(&pdf);
	if (n == -1 || total == 0) {
		struct buf junk = {0};
		zipw_close(z, &junk);
		buf_free(&junk);
		return n == -1 ? 500 : fail(r, 404, "Выданных сертификатов у этого семинара пока нет.");
	}
	if (zipw_close(z, &r->body) == -1)
		return 500;
	/* Certificates carry personal data: every export is on record. */
	if (access_record(r, "certificates.export", "seminar", s.id, arena_printf(&r->arena, "zip, %lld", total),
			  NULL) == -1) {
		buf_reset(&r->body);
		return 500;
	}
	return resp_file(r, "attachment", arena_printf(&r->arena, "certificates-%lld.zip", s.id));
}
