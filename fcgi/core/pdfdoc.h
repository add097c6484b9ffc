/* What cairo 1.16 cannot write into a PDF, added by libqpdf afterwards: the document's language and the alternative
 * texts of its figures. */
#ifndef PDFDOC_H
#define PDFDOC_H

#include <stddef.h>

#include "buf.h"

/* The language of every PDF the system writes (the catalog's /Lang, BCP 47). */
#define PDFDOC_LANG "ru-RU"

/* A page drawn once and put under the first page of many documents (pdfdoc_finish) as a form XObject: what is the
 * same on every certificate of a template is drawn and compressed once, and copied into each as it is. */
struct pdfdoc_under;
/* The first page of the PDF pdf (len bytes) as an underlay; NULL (logged) when libqpdf cannot read it or its page
 * is not one content stream. */
struct pdfdoc_under *pdfdoc_under_load(const char *pdf, size_t len);
void pdfdoc_under_free(struct pdfdoc_under *);

/* Rewrites the PDF that fills out from byte start: the catalog gets /Lang lang, and the Figure elements of its
 * structure tree, in document order, get /Alt alts[0], alts[1], ... (nalts of them; any further figure gets none);
 * under, unless NULL, goes under its first page, marked as an artifact (decoration a screen reader skips). Returns 0,
 * or -1 (logged) with out left as it was when libqpdf cannot read or write it. */
int pdfdoc_finish(struct buf *out, size_t start, const char *lang, const char *const *alts, size_t nalts,
		  const struct pdfdoc_under *under);

#endif
