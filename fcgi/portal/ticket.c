/* Tickets: the page with a large QR code, and the QR as SVG or PNG, and a printable PDF. */
#include <string.h>

#include "portal.h"

/* The ticket of the path for its owner, the seminar's organisers or the head of the organisation it counts for,
 * read by load (db_ticket_get, or db_ticket_key for who may open it); returns 0 or the status to return. */
static int ticket_for(struct req *r, struct ticket *t,
		      int (*load)(struct db *, struct arena *, long long, struct ticket *))
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0 || (rc = load(r->app->db, &r->arena, id, t)) == 0)
		return fail(r, 404, "Такого билета нет.");
	if (rc == -1)
		return 500;
	if (t->person_id != r->user->id && !auth_head_of(r, t->organization_id) &&
	    (rc = auth_organizes(r, t->seminar_id)) != 1)
		return rc == -1
			       ? 500
			       : fail(r, 403,
				      "Этот билет может открыть только его владелец, организатор семинара или руководитель "
				      "организации участника.");
	if (strcmp(t->status, "confirmed") != 0)
		return fail(r, 409,
			    strcmp(t->status, "waitlisted") == 0
				    ? "Билет появится, когда место подтвердится: сейчас вы в листе ожидания."
				    : "Запись отменена — билет недействителен.");
	return 0;
}

/* The QR holds a link built from the configured base URL, never from the Host header. */
static const char *ticket_url(struct req *r, const struct ticket *t)
{
	return arena_printf(&r->arena, "%s%s", r->app->base_url, url_code(&r->arena, U_T_CODE, t->code));
}

/* The QR code's text equivalent on the page and in the PDF: what it is, the ticket's number and code. */
static const char *qr_alt(struct req *r, const struct ticket *t)
{
	return arena_printf(&r->arena, "QR-код билета № %lld, код билета %s", t->id, t->code);
}

static const char *where(struct req *r, const struct ticket *t)
{
	if (t->venue && t->address)
		return arena_printf(&r->arena, "%s, %s", t->venue, t->address);
	return t->venue ? t->venue : t->address;
}

int pg_ticket(struct req *r)
{
	struct ticket t;
	int rc;

	if ((rc = ticket_for(r, &t, db_ticket_get)) != 0)
		return rc;
	return page(r, "ticket",
		    json_pack("{s:s, s:{s:I, s:s, s:s?, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}", "title",
			      "Билет участника", "ticket", "id", (json_int_t)t.id, "name", t.name, "organization",
			      t.organization, "title", t.title, "when",
			      date_range_ru(&r->arena, t.starts_at, t.ends_at), "where", where(r, &t), "mode_name",
			      mode_names[mode_of(t.mode)], "code", t.code, "qr_alt", qr_alt(r, &t), "svg_url",
			      url(&r->arena, U_TICKETS_ID_SVG, t.id), "png_url", url(&r->arena, U_TICKETS_ID_PNG, t.id),
			      "pdf_url", url(&r->arena, U_TICKETS_ID_PDF, t.id), "seminar_url",
			      url(&r->arena, U_SEMINARS_ID, t.seminar_id)));
}

static int ticket_file(struct req *r, int kind)
{
	static const char *const ext[] = {"svg", "pdf"};
	struct ticket t;
	int rc;

	if ((rc = ticket_for(r, &t, db_ticket_get)) != 0)
		return rc;
	if (kind == 1) {
		struct pdf_ticket p = {t.title,        t.name,
				       t.organization, date_range_ru(&r->arena, t.starts_at, t.ends_at),
				       where(r, &t),   strcmp(t.mode, "online") == 0 ? "онлайн" : "очно",
				       t.code,         ticket_url(r, &t),
				       qr_alt(r, &t)};
		rc = pdf_ticket(&r->body, &p);
	} else
		rc = qr_svg(&r->body, ticket_url(r, &t), 8);
	if (rc == -1)
		return 500;
	return resp_file(r, kind == 1 ? "attachment" : "inline",
			 arena_printf(&r->arena, "ticket-%lld.%s", t.id, ext[kind]));
}

int pg_ticket_svg(struct req *r)
{
	return ticket_file(r, 0);
}

/* The image of a ticket, the most asked for: who may open it comes from the registration row alone; the code
 * never changes, so the browser keeps the image (private, immutable) and asks again only with its ETag (a
 * hash of the QR's text: 304), and the worker keeps it too (qr_png). */
int pg_ticket_png(struct req *r)
{
	const char *text, *etag, *inm;
	unsigned char h[32];
	struct ticket t;
	int rc;

	if ((rc = ticket_for(r, &t, db_ticket_key)) != 0)
		return rc;
	text = ticket_url(r, &t);
	auth_token_hash(text, h);
	etag = arena_printf(&r->arena, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", h[0], h[1], h[2], h[3], h[4], h[5], h[6],
			    h[7]);
	resp_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	resp_header(r, "ETag", etag);
	inm = req_header(r, "HTTP_IF_NONE_MATCH");
	if (inm != NULL && strstr(inm, etag) != NULL)
		return 304;
	if (qr_png(&r->body, text, 8) == -1)
		return 500;
	return resp_file(r, "inline", arena_printf(&r->arena, "ticket-%lld.png", t.id));
}

int pg_ticket_pdf(struct req *r)
{
	return ticket_file(r, 1);
}

/* What the QR opens: the owner sees the ticket, an organiser the door scanner, anyone else only that it is a ticket. */
int pg_ticket_link(struct req *r)
{
	const char *code = r->args[0];
	struct ticket t;
	int rc;
	long long id;
	size_t i;

	for (i = 0; code[i]; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= 'a' && code[i] <= 'z') ||
		      (code[i] >= '0' && code[i] <= '9') || code[i] == '-' || code[i] == '_'))
			return fail(r, 404, "Такого билета нет.");
	if ((id = db_ticket_by_code(r->app->db, &r->arena, code)) == -1 ||
	    (id > 0 && db_ticket_get(r->app->db, &r->arena, id, &t) == -1))
		return 500;
	if (id == 0)
		return fail(r, 404, "Такого билета нет.");
	if ((rc = auth_organizes(r, t.seminar_id)) == -1)
		return 500;
	if (rc == 1)
		return redirect(r, url(&r->arena, U_CHECKIN_ID, t.seminar_id));
	if (r->user != NULL && r->user->id == t.person_id)
		return redirect(r, url(&r->arena, U_TICKETS_ID, t.id));
	return fail(r, 403, "Это билет участника семинара. Покажите его организатору на входе.");
}
