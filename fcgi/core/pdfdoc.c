/* The PDF's language and its figures' alternative texts, which cairo 1.16 cannot write (its cairo_tag_begin takes no
 * attributes for structure elements, and the catalog it writes has no /Lang), set with libqpdf; in the same pass, a
 * page drawn once put under the document's first page. */
#include "pdfdoc.h"

#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "log.h"

#define TREE_DEPTH 64 /* deeper than any structure the drawings make */

struct pdfdoc_under {
	qpdf_data q;
	qpdf_oh form; /* the page as a form XObject, in q */
	char *pdf;    /* what q reads, kept while q lives */
};

/* The error of q (else why), logged with what failed. */
static void qpdf_log(qpdf_data q, const char *what, const char *why)
{
	log_msg(LOG_ERROR, NULL, "pdfdoc: libqpdf: %s: %s", what,
		qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : why);
}

struct pdfdoc_under *pdfdoc_under_load(const char *pdf, size_t len)
{
	struct pdfdoc_under *u = calloc(1, sizeof(*u));
	qpdf_oh page, contents, dict;
	unsigned char *data = NULL;
	size_t n = 0;

	if (u == NULL || (u->pdf = malloc(len)) == NULL)
		abort();
	memcpy(u->pdf, pdf, len);
	u->q = qpdf_init();
	qpdf_silence_errors(u->q);
	qpdf_set_suppress_warnings(u->q, QPDF_TRUE);
	if (qpdf_read_memory(u->q, "under", u->pdf, len, NULL) & QPDF_ERRORS)
		goto fail;
	page = qpdf_get_page_n(u->q, 0);
	contents = qpdf_oh_get_key(u->q, page, "/Contents");
	if (!qpdf_oh_is_stream(u->q, contents) ||
	    qpdf_oh_get_stream_data(u->q, contents, qpdf_dl_none, NULL, &data, &n) & QPDF_ERRORS)
		goto fail;
	/* The content as it was compressed, with its filter: nothing is decoded or encoded again. */
	u->form = qpdf_oh_new_stream(u->q);
	dict = qpdf_oh_get_dict(u->q, u->form);
	qpdf_oh_replace_key(u->q, dict, "/Type", qpdf_oh_new_name(u->q, "/XObject"));
	qpdf_oh_replace_key(u->q, dict, "/Subtype", qpdf_oh_new_name(u->q, "/Form"));
	qpdf_oh_replace_key(u->q, dict, "/BBox", qpdf_oh_get_key(u->q, page, "/MediaBox"));
	qpdf_oh_replace_key(u->q, dict, "/Resources", qpdf_oh_get_key(u->q, page, "/Resources"));
	dict = qpdf_oh_get_dict(u->q, contents);
	qpdf_oh_replace_stream_data(u->q, u->form, data, n, qpdf_oh_get_key(u->q, dict, "/Filter"),
				    qpdf_oh_get_key(u->q, dict, "/DecodeParms"));
	free(data);
	if (!qpdf_has_error(u->q))
		return u;
fail:
	qpdf_log(u->q, "the underlay", "its page is not one content stream");
	pdfdoc_under_free(u);
	return NULL;
}

void pdfdoc_under_free(struct pdfdoc_under *u)
{
	if (u == NULL)
		return;
	qpdf_cleanup(&u->q);
	free(u->pdf);
	free(u);
}

/* Puts under (in u->q) under page of q: the form in the page's resources as /Under, drawn by a content stream of its
 * own before the page's. */
static void underlay(qpdf_data q, qpdf_oh page, const struct pdfdoc_under *u)
{
	static const char draw[] = "/Artifact BMC q /Under Do Q EMC\n";
	qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources"), xo = qpdf_oh_get_key(q, res, "/XObject");
	qpdf_oh contents = qpdf_oh_get_key(q, page, "/Contents"), all = qpdf_oh_new_array(q);
	qpdf_oh first = qpdf_oh_new_stream(q);

	if (!qpdf_oh_is_dictionary(q, xo)) {
		xo = qpdf_oh_new_dictionary(q);
		qpdf_oh_replace_key(q, res, "/XObject", xo);
	}
	qpdf_oh_replace_key(q, xo, "/Under", qpdf_oh_copy_foreign_object(q, u->q, u->form));
	qpdf_oh_replace_stream_data(q, first, (const unsigned char *)draw, sizeof(draw) - 1, qpdf_oh_new_null(q),
				    qpdf_oh_new_null(q));
	qpdf_oh_append_item(q, all, first);
	if (qpdf_oh_is_array(q, contents))
		for (int i = 0, n = qpdf_oh_get_array_n_items(q, contents); i < n; i++)
			qpdf_oh_append_item(q, all, qpdf_oh_get_array_item(q, contents, i));
	else
		qpdf_oh_append_item(q, all, contents);
	qpdf_oh_replace_key(q, page, "/Contents", all);
}

/* Gives the Figure elements under elem, in document order, the texts of alts from *next on. */
static void figures(qpdf_data q, qpdf_oh elem, const char *const *alts, size_t nalts, size_t *next, int depth)
{
	qpdf_oh kids;

	if (depth > TREE_DEPTH || *next >= nalts || !qpdf_oh_is_dictionary(q, elem))
		return;
	if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, elem, "/S"), "/Figure")) {
		qpdf_oh_replace_key(q, elem, "/Alt", qpdf_oh_new_unicode_string(q, alts[(*next)++]));
		return;
	}
	kids = qpdf_oh_get_key(q, elem, "/K");
	if (!qpdf_oh_is_array(q, kids)) {
		figures(q, kids, alts, nalts, next, depth + 1);
		return;
	}
	for (int i = 0, n = qpdf_oh_get_array_n_items(q, kids); i < n; i++)
		figures(q, qpdf_oh_get_array_item(q, kids, i), alts, nalts, next, depth + 1);
}

int pdfdoc_finish(struct buf *out, size_t start, const char *lang, const char *const *alts, size_t nalts,
		  const struct pdfdoc_under *under)
{
	qpdf_data q = qpdf_init();
	qpdf_oh root;
	size_t next = 0, len = 0;
	char *pdf = NULL;
	int rc = -1;

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	/* libqpdf reads out in place: it is not touched until the new document is copied out. */
	if (qpdf_read_memory(q, "pdf", out->p + start, out->len - start, NULL) & QPDF_ERRORS)
		goto out;
	root = qpdf_get_root(q);
	qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, lang));
	figures(q, qpdf_oh_get_key(q, root, "/StructTreeRoot"), alts, nalts, &next, 0);
	if (under != NULL)
		underlay(q, qpdf_get_page_n(q, 0), under);
	if (qpdf_has_error(q) || qpdf_init_write_memory(q) & QPDF_ERRORS)
		goto out;
	/* cairo's streams go out as they came, neither decoded nor compressed again: the rewrite costs little. */
	qpdf_set_stream_data_mode(q, qpdf_s_preserve);
	qpdf_set_decode_level(q, qpdf_dl_none);
	if (qpdf_write(q) & QPDF_ERRORS)
		goto out;
	len = qpdf_get_buffer_length(q);
	if ((pdf = malloc(len)) == NULL)
		abort();
	memcpy(pdf, qpdf_get_buffer(q), len);
	rc = 0;
out:
	if (rc == -1)
		qpdf_log(q, "the document", "cannot write it");
	qpdf_cleanup(&q);
	if (rc == 0) {
		out->len = start;
		buf_add(out, pdf, len);
	}
	free(pdf);
	return rc;
}
