/* Consent to the processing of personal data as its own document: its page, and a signed-in person's acceptance of a
 * new text. */
#include "portal.h"

/* The document's paragraphs (blank-line separated) for the template. */
static void paragraphs(json_t *doc)
{
	const char *body = json_string_value(json_object_get(doc, "body"));
	json_t *out = json_array();

	while (body && *body) {
		const char *end = strstr(body, "\n\n");
		size_t n = end ? (size_t)(end - body) : strlen(body);
		json_array_append_new(out, json_stringn(body, n));
		body = end ? end + 2 : body + n;
	}
	json_object_set_new(doc, "paragraphs", out);
}

/* The document of the request's consent_version (the one in force without it) into *doc. Returns 0, or
 * the status to return (404 for a version that does not exist). */
static int document(struct req *r, json_t **doc)
{
	if ((*doc = db_consent(r->app->db, &r->arena, req_param(r, "consent_version"))) == NULL)
		return 500;
	if (json_is_null(*doc))
		return fail(r, 404, "Такой редакции согласия нет.");
	paragraphs(*doc);
	return 0;
}

int pg_consent(struct req *r)
{
	json_t *doc;
	int rc;

	if ((rc = document(r, &doc)) != 0)
		return rc;
	return page(r, "consent",
		    json_pack("{s:s, s:o, s:b}", "title", "Согласие на обработку персональных данных", "document", doc,
			      "accept", 0));
}

static int accept_page(struct req *r, int status, const char *error)
{
	json_t *doc = db_consent(r->app->db, &r->arena, NULL);

	if (doc == NULL || json_is_null(doc)) {
		json_decref(doc);
		return 500;
	}
	paragraphs(doc);
	page(r, "consent",
	     json_pack("{s:s, s:o, s:b, s:s, s:s?}", "title", "Новая редакция согласия", "document", doc, "accept", 1,
		       "next", req_param(r, "next") ? req_param(r, "next") : U_ME, "error", error));
	return status;
}

int pg_consent_accept(struct req *r)
{
	return accept_page(r, 200, NULL);
}

int pg_consent_accept_post(struct req *r)
{
	const char *version = req_param(r, "consent_version");
	json_t *doc;
	int rc, current;

	if (version == NULL || req_param(r, "consent") == NULL)
		return accept_page(r, 400, "Отметьте согласие с текстом, чтобы продолжить.");
	if ((doc = db_consent(r->app->db, &r->arena, version)) == NULL)
		return 500;
	current = json_integer_value(json_object_get(doc, "current")) == 1;
	rc = json_is_null(doc);
	json_decref(doc);
	if (rc)
		return accept_page(r, 400, "Такой редакции согласия нет.");
	if (!current)
		return accept_page(r, 409, "Эта редакция согласия уже не действует: примите действующую.");
	if ((rc = db_consent_accept(r->app->db, r->user->id, version, r->ip, 0)) == -1)
		return 500;
	if (rc == 0)
		return accept_page(r, 400, "Такой редакции согласия нет.");
	return redirect(r, req_param(r, "next") ? req_param(r, "next") : U_ME);
}
