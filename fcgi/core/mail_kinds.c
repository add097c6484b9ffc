/* Messages about a person's registrations: rendered by the background sender from the registration and the event's
 * data. */
#include "mail_kinds.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "ics.h"
#include "tmpl.h"

#define TEMPLATE "seminar_mail"

struct kind {
	const char *kind, *subject; /* the subject's %s: the seminar's title */
	int ics;                    /* attach the seminar's calendar */
	const char *list;           /* the opt-out list (person.mail_<list>), or NULL: transactional */
	const char *name;           /* what the organiser's list of notices calls it */
};

static const struct kind kinds[] = {
	{"reg_confirmed", "Вы записаны на семинар «%s»", 1, NULL, "Подтверждение записи"},
	{"reg_waitlisted", "Лист ожидания: «%s»", 0, NULL, "Запись в лист ожидания"},
	{"reg_promoted", "Место подтверждено: «%s»", 1, NULL, "Место из листа ожидания"},
	{"reg_cancelled", "Запись отменена: «%s»", 0, NULL, "Отмена записи"},
	{"remind_day", "Завтра: «%s»", 0, "reminders", "Напоминание за день"},
	{"remind_hour", "Через час: «%s»", 0, "reminders", "Напоминание за час"},
	{"seminar_changed", "Изменения в семинаре «%s»", 1, NULL, "Изменения семинара"},
	{"seminar_cancelled", "Семинар отменён: «%s»", 1, NULL, "Отмена семинара"},
	{"cert_issued", "Сертификат о прохождении семинара «%s»", 0, NULL, "Сертификат выдан"},
	{"org_message", "Сообщение организатора семинара «%s»", 0, "organizer", "Сообщение организатора"},
	{"untrained_invite", "Приглашение на семинар «%s»", 0, "organizer", "Приглашение необученным"},
};

static const struct kind *kind_of(const char *kind)
{
	size_t i;

	for (i = 0; i < NELEM(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const char *mail_kinds_list(const char *kind)
{
	const struct kind *k = kind_of(kind);

	return k != NULL ? k->list : NULL;
}

const char *mail_kinds_name(const char *kind)
{
	const struct kind *k = kind_of(kind);

	return k != NULL ? k->name : kind;
}

const char *mail_unsubscribe_mac(struct arena *a, const struct app *app, long long person_id, const char *list)
{
	unsigned char mac[16];
	char msg[96], *out = arena_alloc(a, 32);
	int n = snprintf(msg, sizeof(msg), "unsubscribe:%lld:%s", person_id, list);

	crypto_generichash(mac, sizeof(mac), (const unsigned char *)msg, (size_t)n, app->key, sizeof(app->key));
	b64url_encode(out, mac, sizeof(mac));
	return out;
}

const char *mail_unsubscribe_url(struct arena *a, const struct app *app, long long person_id, const char *list)
{
	/* U_UNSUBSCRIBE_ID_LIST_MAC, whose captures are a number and two words. */
	return mail_url(a, app,
			arena_printf(a, "/unsubscribe/%lld/%s/%s", person_id, list,
				     mail_unsubscribe_mac(a, app, person_id, list)));
}

/* The session of a reminder among the seminar's sessions. */
static const char *session_when(struct arena *a, json_t *sessions, long long id)
{
	json_t *row;
	size_t i;

	json_array_foreach (sessions, i, row)
		if (json_integer_value(json_object_get(row, "id")) == id)
			return date_range_ru(a, json_string_value(json_object_get(row, "starts_at")),
					     json_string_value(json_object_get(row, "ends_at")));
	return NULL;
}

/* An organiser's text as paragraphs: [{text}] per non-empty line. */
static json_t *text_lines(const char *s)
{
	json_t *out = json_array();

	while (*s) {
		size_t n = strcspn(s, "\r\n");
		if (n > 0)
			json_array_append_new(out, json_pack("{s:s%}", "text", s, n));
		s += n;
		s += strspn(s, "\r\n");
	}
	return out;
}

int mail_kinds_render(struct app *app, struct db *d, struct arena *a, struct mail_row *m)
{
	const struct kind *k = kind_of(m->kind);
	json_t *data = m->data != NULL ? json_loads(m->data, 0, NULL) : NULL, *ctx = NULL, *sessions = NULL;
	struct buf html = {0}, text = {0}, ics = {0};
	struct reg_info g = {0};
	struct seminar s;
	struct queue_place place = {0};
	long long position = 0, seminar_id = m->seminar_id;
	int rc = -1, confirmed, online, reg = m->registration_id != 0;

	/* A message about a registration, or about a seminar only (an invitation: no mode, place or ticket yet). */
	if (k == NULL || (!reg && seminar_id == 0)) {
		rc = 0;
		goto out;
	}
	if (reg) {
		if ((rc = db_registration_get(d, a, m->registration_id, &g)) != 1)
			goto out;
		seminar_id = g.seminar_id;
	}
	if ((rc = db_seminar_get(d, a, seminar_id, &s)) != 1)
		goto out;
	rc = -1;
	if ((sessions = db_seminar_sessions(d, a, seminar_id)) == NULL ||
	    (reg && strcmp(g.status, "waitlisted") == 0 && db_queue_place(d, a, seminar_id, g.id, &place) == -1))
		goto out;
	position = place.position;
	confirmed = reg && strcmp(g.status, "confirmed") == 0 && strcmp(s.status, "cancelled") != 0;
	online = reg ? g.mode == MODE_ONLINE : strcmp(s.format, "online") == 0;
	m->subject = arena_printf(a, k->subject, s.title);
	ctx = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:b, s:I}", "kind", m->kind, "name", m->recipient_name,
			"subject", m->subject, "seminar", s.title, "when", date_range_ru(a, s.starts_at, s.ends_at),
			"venue", online ? NULL : s.venue, "address", online ? NULL : s.address, "online", online,
			"position", (json_int_t)position);
	if (reg)
		json_object_set_new(ctx, "mode_name", json_string(mode_names[g.mode]));
	else
		json_object_set_new(ctx, "format_name", json_string(format_name(s.format)));
	if (!reg && s.reg_closes_at != NULL)
		json_object_set_new(ctx, "reg_closes", json_string(date_ru(a, s.reg_closes_at, 1)));
	json_object_set_new(ctx, "seminar_url", json_string(mail_url(a, app, url(a, U_SEMINARS_ID, s.id))));
	if (confirmed && online && s.stream_url != NULL)
		json_object_set_new(ctx, "stream_url", json_string(s.stream_url));
	if (confirmed && !online)
		json_object_set_new(ctx, "ticket_url", json_string(mail_url(a, app, url(a, U_TICKETS_ID, g.id))));
	if (data != NULL) {
		json_t *cert = json_object_get(data, "number");
		json_object_set(ctx, "changes", json_object_get(data, "changes"));
		json_object_set(ctx, "by_organizer", json_object_get(data, "by_organizer"));
		if (json_object_get(data, "session") != NULL)
			json_object_set_new(
				ctx, "session_when",
				json_string(session_when(a, sessions,
							 json_integer_value(json_object_get(data, "session")))));
		if (json_is_string(json_object_get(data, "message")))
			json_object_set_new(ctx, "org",
					    json_pack("{s:O, s:o}", "subject", json_object_get(data, "subject"),
						      "lines",
						      text_lines(json_string_value(json_object_get(data, "message")))));
		if (json_is_string(cert)) {
			json_object_set_new(
				ctx, "cert_url",
				json_string(mail_url(a, app,
						     url_code(a, U_CERTIFICATES_NUMBER_PDF, json_string_value(cert)))));
			json_object_set_new(
				ctx, "verify_url",
				json_string(mail_url(a, app,
						     url_code(a, U_CERTIFICATES_VERIFY_CODE,
							      json_string_value(json_object_get(data, "code"))))));
		}
	}
	if (k->list != NULL) {
		json_object_set_new(ctx, "optout_url",
				    json_string(mail_unsubscribe_url(a, app, m->person_id, k->list)));
		json_object_set_new(
			ctx, "optout_what",
			json_string(strcmp(k->list, "reminders") == 0 ? "напоминания" : "сообщения организаторов"));
	}
	if (!tmpl_render(app->mail_tmpl, TEMPLATE, ctx, NULL, NULL, &html) ||
	    !tmpl_render_text(app->mail_tmpl, TEMPLATE, ctx, &text)) {
		log_msg(LOG_ERROR, NULL, "mail: no template templates/mail/" TEMPLATE ".xhtml");
		goto out;
	}
	m->body_html = arena_strdup(a, html.p);
	m->body_text = arena_strdup(a, text.p);
	m->message_id = mail_message_id(a, app, m->kind);
	if (k->ics) {
		ics_seminar(&ics, a, app->base_url, &s, sessions);
		if (db_mail_attach(d, m->id, arena_printf(a, "seminar-%lld.ics", s.id), "text/calendar; charset=utf-8",
				   ics.p, ics.len) == -1)
			goto out;
	}
	if (db_mail_rendered(d, m) == -1)
		goto out;
	m->render = 0;
	rc = 1;
out:
	json_decref(data);
	json_decref(ctx);
	json_decref(sessions);
	buf_free(&html);
	buf_free(&text);
	buf_free(&ics);
	return rc;
}

void mail_kinds_schedule(struct app *app)
{
	static time_t last;
	time_t now = time(NULL);

	if (now - last < config_int(&app->cfg, "mail_remind_s", 60))
		return;
	last = now;
	if (db_mail_remind(app->db) == -1)
		log_msg(LOG_WARN, NULL, "mail: the reminder scheduler failed");
}
