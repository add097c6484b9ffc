/* The PDF's language and its figures' alternative texts, which cairo 1.16 cannot write (its cairo_tag_begin takes no
 * attributes for structure elements, and the catalog it writes has no /Lang), set with libqpdf. */
#include "pdfdoc.h"

#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "log.h"

#define TREE_DEPTH 64 /* deeper than any structure the drawings make */

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

int pdfdoc_finish(struct buf *out, size_t start, const char *lang, const char *const *alts, size_t nalts)
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
		log_msg(LOG_ERROR, NULL, "pdfdoc: libqpdf: %s",
			qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q))
					  : "cannot write the document");
	qpdf_cleanup(&q);
	if (rc == 0) {
		out->len = start;
		buf_add(out, pdf, len);
	}
	free(pdf);
	return rc;
}
