/* The mail a person wants: reminders and organisers' messages on or off in the cabinet, and the one-click unsubscribe
 * link of such mail. */
#include <string.h>

#include <sodium.h>

#include "portal.h"

int pg_me_mail(struct req *r)
{
	if (db_mail_pref_set(r->app->db, r->user->id, "reminders", req_param(r, "reminders") != NULL) == -1 ||
	    db_mail_pref_set(r->app->db, r->user->id, "organizer", req_param(r, "organizer") != NULL) == -1)
		return 500;
	return redirect(r, "/me#me-mail");
}

/* The person and list of an unsubscribe link whose keyed hash holds; 0 when it does not. */
static long long unsubscribe_for(struct req *r, const char **list)
{
	long long id = req_arg_id(r, 0);
	const char *mac = r->args[2], *want;

	*list = r->args[1];
	if (id == 0 || (strcmp(*list, "reminders") != 0 && strcmp(*list, "organizer") != 0))
		return 0;
	want = mail_unsubscribe_mac(&r->arena, r->app, id, *list);
	return strlen(mac) == strlen(want) && sodium_memcmp(mac, want, strlen(want)) == 0 ? id : 0;
}

static const char *list_name(const char *list)
{
	return strcmp(list, "reminders") == 0 ? "напоминания о занятиях" : "сообщения организаторов";
}

int pg_unsubscribe(struct req *r)
{
	const char *list;

	if (unsubscribe_for(r, &list) == 0)
		return fail(r, 404, "Ссылка для отписки неверна.");
	return page(r, "unsubscribe",
		    json_pack("{s:s, s:s, s:s}", "title", "Отписка от рассылки", "list", list_name(list), "action",
			      r->path));
}

/* The form's button and mail clients' one-click POST (RFC 8058): the keyed hash is the proof, no CSRF token. */
int pg_unsubscribe_post(struct req *r)
{
	const char *list;
	long long id = unsubscribe_for(r, &list);

	if (id == 0)
		return fail(r, 404, "Ссылка для отписки неверна.");
	if (db_mail_pref_set(r->app->db, id, list, 0) == -1)
		return 500;
	audit(r, "mail.unsubscribe", "person", id, list);
	return notice_page(r, 200, "Вы отписались",
			   arena_printf(&r->arena,
					"Больше не будем присылать %s. Письма о записи, билетах и изменениях семинаров "
					"продолжат приходить. Включить рассылку снова можно в личном кабинете.",
					list_name(list)),
			   "/me#me-mail", "Личный кабинет");
}
