/* A seminar's certificates for its organisers: settings, the dry run (who qualifies), issuing and book jobs. */
#include <string.h>

#include "certs.h"

static const char *job_status_name(const struct cert_job *j)
{
	static const char *const t[][2] = {
		{"queued", "в очереди"}, {"running", "выпускаются"}, {"done", "готово"}, {"failed", "ошибка"}};
	size_t i;

	if (strcmp(j->kind, "book") == 0 && strcmp(j->status, "running") == 0)
		return "собирается";
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i][0], j->status) == 0)
			return t[i][1];
	return "";
}

static json_t *job_json(struct req *r, const struct cert_job *j)
{
	int active = strcmp(j->status, "queued") == 0 || strcmp(j->status, "running") == 0;
	int book = strcmp(j->kind, "book") == 0;
	long long pct = j->total > 0 ? j->done * 100 / j->total : strcmp(j->status, "done") == 0 ? 100 : 0;

	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:s, s:s?, s:s, s:s, s:s?}", "id",
			 (json_int_t)j->id, "seminar_id", (json_int_t)j->seminar_id, "kind", j->kind, "status",
			 j->status, "status_name", job_status_name(j), "done_label",
			 book ? "Собрано страниц" : "Выпущено", "total", (json_int_t)j->total, "done",
			 (json_int_t)j->done, "percent", (json_int_t)pct, "active", active, "url",
			 url(&r->arena, U_CERTIFICATES_JOBS_ID, j->id), "error", j->error, "seminar_url",
			 url(&r->arena, U_CERTIFICATES_SEMINARS_ID, j->seminar_id), "created_at", j->created_at,
			 "finished_at", j->finished_at);
}

/* A finished book's page: when it was made, and either its download or, when out of date, the button that
 * makes it again. Returns 0 or -1. */
static int book_done(struct req *r, const struct cert_job *j, json_t *ctx)
{
	int current = j->book_sha256 != NULL ? certs_book_current(r, j) : 0;

	if (current == -1)
		return -1;
	json_object_set_new(ctx, "made_at", json_string(date_ru(&r->arena, j->finished_at, 1)));
	if (current)
		json_object_set_new(
			ctx, "download_url",
			json_string(url(&r->arena, U_CERTIFICATES_SEMINARS_ID_CERTIFICATES_PDF, j->seminar_id)));
	else
		json_object_set_new(ctx, "rebuild_url",
				    json_string(url(&r->arena, U_CERTIFICATES_SEMINARS_ID_BOOK, j->seminar_id)));
	return 0;
}

/* The progress of a job: {status, total, done, ...} at the top, for the page's script. */
static int job_page(struct req *r, const struct cert_job *j, const struct seminar *s)
{
	json_t *ctx = job_json(r, j);
	int book = strcmp(j->kind, "book") == 0;

	json_object_set_new(ctx, "title", json_string(book ? "PDF для печати" : "Выпуск сертификатов"));
	json_object_set_new(ctx, "seminar_title", json_string(s->title));
	if (book && strcmp(j->status, "done") == 0 && book_done(r, j, ctx) == -1) {
		json_decref(ctx);
		return 500;
	}
	return page(r, "cert-job", ctx);
}

/* "a; b", or b when a is empty (in the arena). */
static const char *also(struct req *r, const char *a, const char *b)
{
	return *a ? arena_printf(&r->arena, "%s; %s", a, b) : b;
}

/* What a registration lacks under the seminar's rule: the sessions that count and must count, and
 * the sessions missed, come from SQL (sql/procedures/010-attendance.sql); the rule «both» also
 * needs a check-in of each kind. */
static const char *why_not(struct req *r, const struct seminar *s, json_t *row)
{
	long long sessions = json_integer_value(json_object_get(row, "sessions"));
	long long counted = json_integer_value(json_object_get(row, "counted"));
	long long needed = json_integer_value(json_object_get(row, "needed"));
	const char *missing = json_string_value(json_object_get(row, "missing_sessions")), *why = "";

	if (sessions == 0)
		return "у семинара нет занятий";
	if (strcmp(s->attendance_rule, "both") == 0 && json_integer_value(json_object_get(row, "door_n")) == 0)
		why = "нет отметки на входе";
	if (strcmp(s->attendance_rule, "both") == 0 && json_integer_value(json_object_get(row, "online_n")) == 0)
		why = also(r, why, "нет кодов присутствия онлайн");
	if (counted < needed)
		why = also(r, why,
			   arena_printf(&r->arena, "засчитано %lld из %lld занятий — нужно не меньше %lld (%lld%%)",
					counted, sessions, needed, s->online_min_percent));
	if (counted < needed && missing != NULL)
		why = also(r, why, arena_printf(&r->arena, "пропущены: %s", missing));
	return why;
}

/* The dry-run rows for people, and the counts for the page. */
static json_t *rows_view(struct req *r, const struct seminar *s, json_t *rows, long long *qualify, long long *to_issue,
			 long long *issued)
{
	json_t *out = json_array(), *row;
	size_t i;

	json_array_foreach (rows, i, row) {
		const char *number = json_string_value(json_object_get(row, "number"));
		const char *revoked = json_string_value(json_object_get(row, "revoked_at"));
		const char *reissued = json_string_value(json_object_get(row, "reissued_at"));
		const char *mode = json_string_value(json_object_get(row, "mode"));
		int ok = json_integer_value(json_object_get(row, "qualifies")) != 0;
		json_t *cert = json_null();

		*qualify += ok;
		/* A certificate whose PDF a failed job left unmade is issued again too. */
		*to_issue += ok && (number == NULL || json_integer_value(json_object_get(row, "rendered")) == 0);
		if (number != NULL) {
			*issued += revoked == NULL;
			cert = json_pack(
				"{s:s, s:b, s:s, s:s?, s:b, s:s, s:s, s:s, s:s, s:s}", "number", number, "revoked",
				revoked != NULL, "status_name",
				revoked ? arena_printf(&r->arena, "отозван %s", certs_dmy(&r->arena, revoked))
					: "действителен",
				"reissued",
				reissued ? arena_printf(&r->arena, "переоформлен %s", certs_dmy(&r->arena, reissued))
					 : NULL,
				"rendered", json_integer_value(json_object_get(row, "rendered")) != 0, "pdf_url",
				url_code(&r->arena, U_CERTIFICATES_NUMBER_PDF, number), "verify_url",
				url_code(&r->arena, U_CERTIFICATES_VERIFY_CODE,
					 json_string_value(json_object_get(row, "verify_code"))),
				"revoke_url", url_code(&r->arena, U_CERTIFICATES_NUMBER_REVOKE, number), "reissue_url",
				url_code(&r->arena, U_CERTIFICATES_NUMBER_REISSUE, number), "reason_id",
				arena_printf(&r->arena, "reason-%s", number));
		}
		json_array_append_new(
			out, json_pack("{s:O, s:O, s:O, s:s, s:O, s:O, s:O, s:b, s:s?, s:O?, s:o}", "registration_id",
				       json_object_get(row, "registration_id"), "full_name",
				       json_object_get(row, "full_name"), "organization",
				       json_object_get(row, "organization"), "mode_name", mode_names[mode_of(mode)],
				       "door_n", json_object_get(row, "door_n"), "online_n",
				       json_object_get(row, "online_n"), "sessions", json_object_get(row, "sessions"),
				       "qualifies", ok, "why", ok ? NULL : why_not(r, s, row), "missing_sessions",
				       json_object_get(row, "missing_sessions"), "certificate", cert));
	}
	return out;
}

/* The page of a seminar's certificates with status; error and form (the settings as posted) may be NULL. */
static int seminar_page(struct req *r, const struct seminar *s, int status, const char *error, json_t *form)
{
	struct cert_settings set;
	struct cert_job job, book;
	json_t *rows, *templates, *view, *ctx;
	long long qualify = 0, to_issue = 0, issued = 0;
	int has, has_job, has_book, open = strcmp(s->status, "published") == 0 || strcmp(s->status, "finished") == 0;

	if ((has = db_cert_settings_get(r->app->db, &r->arena, s->id, &set)) == -1 ||
	    (has_job = db_cert_job_last(r->app->db, &r->arena, s->id, "issue", &job)) == -1 ||
	    (has_book = db_cert_job_last(r->app->db, &r->arena, s->id, "book", &book)) == -1) {
		json_decref(form);
		return 500;
	}
	rows = db_cert_dry_run(r->app->db, &r->arena, s->id);
	templates = db_cert_templates_usable(r->app->db, &r->arena, s->region_id);
	if (rows == NULL || templates == NULL) {
		json_decref(rows);
		json_decref(templates);
		json_decref(form);
		return 500;
	}
	view = rows_view(r, s, rows, &qualify, &to_issue, &issued);
	json_decref(rows);
	if (form == NULL)
		form = has ? json_pack("{s:I, s:s, s:s}", "template_id", (json_int_t)set.template_id, "issuer",
				       set.issuer, "signatory", set.signatory)
			   : json_object();
	ctx = json_pack(
		"{s:s, s:{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s}, s:b, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:b, "
		"s:o, s:o, s:s, s:s, s:s, s:s, s:s?}",
		"title", "Сертификаты участников", "seminar", "id", (json_int_t)s->id, "title", s->title, "dates",
		s->starts_at ? date_ru(&r->arena, s->starts_at, 0) : "дата не назначена", "rule",
		attendance_rule_name(s->attendance_rule, s->online_min_percent), "hours",
		certs_hours(&r->arena, s->hours), "open", open, "public_url", url(&r->arena, U_SEMINARS_ID, s->id),
		"manage_url", url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "has_settings", has == 1, "form", form,
		"templates", templates, "rows", view, "confirmed", (json_int_t)json_array_size(view), "qualify",
		(json_int_t)qualify, "to_issue", (json_int_t)to_issue, "issued", (json_int_t)issued, "can_issue",
		has == 1 && open && to_issue > 0 &&
			!(has_job && (strcmp(job.status, "queued") == 0 || strcmp(job.status, "running") == 0)),
		"job", has_job ? job_json(r, &job) : json_null(), "book", has_book ? job_json(r, &book) : json_null(),
		"settings_url", url(&r->arena, U_CERTIFICATES_SEMINARS_ID_SETTINGS, s->id), "issue_url",
		url(&r->arena, U_CERTIFICATES_SEMINARS_ID_ISSUE, s->id), "zip_url",
		url(&r->arena, U_CERTIFICATES_SEMINARS_ID_CERTIFICATES_ZIP, s->id), "book_url",
		url(&r->arena, U_CERTIFICATES_SEMINARS_ID_BOOK, s->id), "error", error);
	page(r, "cert-seminar", ctx);
	return status;
}

int pg_cert_seminar(struct req *r)
{
	struct seminar s;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	/* The list of who qualifies names people: on record. */
	if (access_record(r, "certificates.view", "seminar", s.id, NULL, NULL) == -1)
		return 500;
	return seminar_page(r, &s, 200, NULL, NULL);
}

int pg_cert_settings(struct req *r)
{
	struct seminar s;
	struct cert_settings set = {req_int(r, "template_id", 0), req_param(r, "issuer"), req_param(r, "signatory")};
	json_t *form;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	form = json_pack("{s:I, s:s?, s:s?}", "template_id", (json_int_t)set.template_id, "issuer", set.issuer,
			 "signatory", set.signatory);
	if (set.template_id == 0 || set.issuer == NULL || set.signatory == NULL)
		return seminar_page(r, &s, 400,
				    "Выберите шаблон и укажите, кто выдаёт сертификаты и кто их подписывает.", form);
	if ((rc = db_cert_settings_save(r->app->db, s.id, s.region_id, &set)) == -1) {
		json_decref(form);
		return 500;
	}
	if (rc == 0)
		return seminar_page(r, &s, 400, "Этот шаблон недоступен для семинара. Выберите шаблон из списка.",
				    form);
	json_decref(form);
	audit(r, "certificate.settings", "seminar", s.id, arena_printf(&r->arena, "template %lld", set.template_id));
	return redirect(r, url(&r->arena, U_CERTIFICATES_SEMINARS_ID, s.id));
}

int pg_cert_issue(struct req *r)
{
	static const char *const refusals[CQ__MAX] = {
		[CQ_NO_SETTINGS] = "Сначала выберите шаблон сертификата и укажите, кто выдаёт сертификаты.",
		[CQ_STATUS] = "Сертификаты выдаются только по опубликованному или завершённому семинару.",
		[CQ_BUSY] = "Сертификаты этого семинара уже выпускаются. Дождитесь окончания.",
		[CQ_NOTHING] = "Выдавать некому: все, кто выполнил условие посещения, уже получили сертификаты.",
	};
	struct seminar s;
	struct cert_job job;
	long long id;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if ((rc = db_cert_job_create(r->app->db, s.id, r->user->id, &id)) == -1)
		return 500;
	if (rc != CQ_QUEUED)
		return seminar_page(r, &s, 409, refusals[rc], NULL);
	audit(r, "certificate.issue", "seminar", s.id, arena_printf(&r->arena, "job %lld", id));
	if (!r->want_json)
		return redirect(r, url(&r->arena, U_CERTIFICATES_SEMINARS_ID, s.id));
	if (db_cert_job_get(r->app->db, &r->arena, id, &job) != 1)
		return 500;
	job_page(r, &job, &s);
	return 202;
}

int pg_cert_job(struct req *r)
{
	struct cert_job job;
	struct seminar s;
	int rc;

	if ((rc = db_cert_job_get(r->app->db, &r->arena, req_arg_id(r, 0), &job)) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого выпуска сертификатов нет.");
	if ((rc = auth_seminar(r, job.seminar_id, &s)) != 0)
		return rc;
	return job_page(r, &job, &s);
}
