/* What cairo 1.16 cannot write into a PDF, added by libqpdf afterwards: the document's language and the alternative
 * texts of its figures. */
#ifndef PDFDOC_H
#define PDFDOC_H

#include <stddef.h>

#include "buf.h"

/* The language of every PDF the system writes (the catalog's /Lang, BCP 47). */
#define PDFDOC_LANG "ru-RU"

/* Rewrites the PDF that fills out from byte start: the catalog gets /Lang lang, and the Figure elements of its
 * structure tree, in document order, get /Alt alts[0], alts[1], ... (nalts of them; any further figure gets none).
 * Returns 0, or -1 (logged) with out left as it was when libqpdf cannot read or write it. */
int pdfdoc_finish(struct buf *out, size_t start, const char *lang, const char *const *alts, size_t nalts);

#endif
