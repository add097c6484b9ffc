/* An organiser's message to a seminar's participants: the form, a preview with the number of recipients, sending
 * (rate-limited, audited). */
#include <stdlib.h>
#include <string.h>

#include "portal.h"

#define MESSAGE_WINDOW 3600 /* seconds of the per-seminar limit */

static int message_page(struct req *r, const struct seminar *s, int status, const char *error, long long count)
{
	json_t *ctx = json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:{s:s?, s:s?, s:s?, s:s?}, s:o, s:I, s:s?}", "title",
				"Сообщение участникам", "seminar", "id", (json_int_t)s->id, "title", s->title,
				"manage_url", url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "action", r->path, "form",
				"subject", req_param(r, "subject"), "message", req_param(r, "message"), "status",
				req_param(r, "status"), "mode", req_param(r, "mode"), "modes", modes_json(), "limit",
				(json_int_t)config_int(&r->app->cfg, "org_message_limit", 3), "error", error);

	if (count >= 0)
		json_object_set_new(ctx, "preview", json_pack("{s:I}", "count", (json_int_t)count));
	page(r, "manage-message", ctx);
	return status;
}

int pg_manage_message(struct req *r)
{
	struct seminar s;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	return message_page(r, &s, 200, NULL, -1);
}

/* Without send: the preview; with it, the messages queued. */
int pg_manage_message_post(struct req *r)
{
	const char *subject = req_param(r, "subject"), *message = req_param(r, "message");
	const char *status = req_param(r, "status"), *mode = req_param(r, "mode");
	struct seminar s;
	json_t *o;
	char *data;
	long long n;
	long hits;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (subject == NULL || message == NULL)
		return message_page(r, &s, 400, "Напишите тему и текст сообщения.", -1);
	if (status != NULL && strcmp(status, "confirmed") != 0 && strcmp(status, "waitlisted") != 0)
		return message_page(r, &s, 400, "Выберите, кому отправить: записавшимся с местом или в листе ожидания.",
				    -1);
	if (req_param(r, "send") == NULL) {
		if ((n = db_mail_audience(r->app->db, &r->arena, s.id, status, mode, NULL)) < 0)
			return 500;
		return message_page(r, &s, 200, NULL, n);
	}
	if ((hits = auth_throttle_hit(r, arena_printf(&r->arena, "orgmsg:s:%lld", s.id), MESSAGE_WINDOW)) < 0)
		return 500;
	if (hits > config_int(&r->app->cfg, "org_message_limit", 3))
		return message_page(r, &s, 429,
				    "По этому семинару уже отправлено несколько сообщений за час. Попробуйте позже.",
				    -1);
	o = json_pack("{s:s, s:s}", "subject", subject, "message", message);
	data = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	n = db_mail_audience(r->app->db, &r->arena, s.id, status, mode, data);
	free(data);
	if (n < 0)
		return 500;
	audit(r, "mail.org_message", "seminar", s.id,
	      arena_printf(&r->arena, "to=%lld status=%s mode=%s subject=%s", n, status ? status : "any",
			   mode ? mode : "any", subject));
	return notice_page(
		r, 200, "Сообщение отправлено",
		arena_printf(&r->arena, "Писем поставлено в очередь: %lld. Они уйдут в ближайшие минуты.", n),
		url(&r->arena, U_MANAGE_SEMINARS_ID, s.id), "К семинару");
}
