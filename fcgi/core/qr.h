/* QR codes: SVG, PNG, path data, and the modules for other drawings. */
#ifndef QR_H
#define QR_H

#include <stddef.h>

#include <qrencode.h>

#include "buf.h"

#define QR_QUIET 4 /* modules of white around the symbol, as ISO/IEC 18004 asks */

/* The code of a text (UTF-8, 1 to 1,000 bytes), error correction level M
 * (15% of the symbol may be damaged), with a quiet zone of 4 modules.
 * module_px is 1..16. Each appends to out and returns 0, or -1 (logged) with
 * out left as it was, when the text is empty, too long or not UTF-8. */

/* A standalone SVG document: a white square and one <path> of the dark
 * modules, viewBox in modules, width and height modules * module_px,
 * shape-rendering crispEdges. No input text appears in it but as modules, so
 * it can be inlined in a page. */
int qr_svg(struct buf *out, const char *text, int module_px);
/* A PNG image, black on white, (modules) * module_px pixels square. The images made lately are kept per
 * process (2,048 of about a kilobyte): the same text again costs a copy. */
int qr_png(struct buf *out, const char *text, int module_px);
/* The dark modules as SVG path data to be stroked 1 unit wide with butt caps: each run of dark
 * modules is a line through the middle of its row ("M4 4.5h7..."), in module units with the quiet
 * zone, for embedding in another SVG document; *modules is the side of the symbol with its quiet zone. */
int qr_path(struct buf *out, const char *text, int *modules);

/* The code of text for another drawing (freed with QRcode_free), or NULL (logged with fn, the
 * caller's name) when the text is empty, too long or not UTF-8. */
QRcode *qr_encode(const char *fn, const char *text);
/* Calls fn for each horizontal run of n dark modules from (x, y), in module coordinates that
 * include the quiet zone of QR_QUIET modules on each side. */
void qr_runs(const QRcode *q, void (*fn)(void *, int x, int y, int n), void *arg);
/* The outline of the dark modules, in the same coordinates: calls corner for each corner of each closed loop in order
 * (first set for a loop's first corner; a loop closes back to it). Each loop goes clockwise round dark modules on a
 * y-down page and counter-clockwise round a hole, so filled with the non-zero rule they cover exactly the dark
 * modules, with a fraction of the points of a rectangle per run. */
void qr_outline(const QRcode *q, void (*corner)(void *, int x, int y, int first), void *arg);

#endif
