/* The outbox for administrators: queued, sent and failed messages with the server's answers, resending a failed one. */
#include "portal.h"

int pg_admin_mail(struct req *r)
{
	static const char *const statuses[] = {"failed", "queued", "sent"};
	json_t *ctx = json_pack("{s:s, s:o*, s:o*}", "title", "Почта", "counts", db_mail_counts(r->app->db, &r->arena),
				"sender", db_mail_sender(r->app->db, &r->arena));
	size_t i;

	for (i = 0; i < NELEM(statuses); i++) {
		json_t *rows = db_mail_list(r->app->db, &r->arena, statuses[i]), *m;
		size_t k;
		if (rows == NULL) {
			json_decref(ctx);
			return 500;
		}
		json_array_foreach (rows, k, m)
			if (i == 0)
				json_object_set_new(m, "resend_url", url_row(&r->arena, U_ADMIN_MAIL_ID_RESEND, m));
		json_object_set_new(ctx, statuses[i], rows);
	}
	if (json_object_get(ctx, "counts") == NULL || json_object_get(ctx, "sender") == NULL) {
		json_decref(ctx);
		return 500;
	}
	return page(r, "admin-mail", ctx);
}

int pg_admin_mail_resend(struct req *r)
{
	long long id = req_arg_id(r, 0);
	int rc = db_mail_resend(r->app->db, id);

	if (rc == -1)
		return 500;
	if (rc == 0)
		return fail(r, 409,
			    "Это письмо не в списке неотправленных: его уже отправили или поставили в очередь.");
	audit(r, "mail.resend", "mail_message", id, NULL);
	return redirect(r, U_ADMIN_MAIL);
}
