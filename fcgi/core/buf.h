/* Growable byte buffer that is always a C string. */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

/* Growable byte buffer. Invariant: when cap > 0, p[len] == '\0', so p is
 * always a C string (possibly with NULs inside for binary data). */
struct buf {
	char *p;
	size_t len, cap;
};

void buf_add(struct buf *, const void *, size_t);
void buf_adds(struct buf *, const char *);
void buf_addc(struct buf *, char);
void buf_addf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *, const char *, va_list);
/* Empties the buffer and keeps its memory. */
void buf_reset(struct buf *);
void buf_free(struct buf *);

#endif
