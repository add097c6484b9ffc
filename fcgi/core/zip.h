/* Zip archives in memory: writing downloads, reading members. */
#ifndef ZIP_H
#define ZIP_H

#include <stddef.h>

#include "buf.h"

/* Writing: many files in one download. Reading: members of an .xlsx workbook. */
struct zipw;
/* NULL when out of memory. */
struct zipw *zipw_open(void);
/* Adds a member (data is copied); store: no compression (for PDFs, compressed already). 0 or -1. */
int zipw_add(struct zipw *, const char *name, const void *data, size_t len, int store);
/* Appends the finished archive to out and frees the writer. 0 or -1. */
int zipw_close(struct zipw *, struct buf *out);
/* Appends member name of the archive data to out. Returns 1, 0 when there is no such member,
 * -1 when data is not a zip archive or the member is bigger than max (checked while inflating). */
int zip_read(const void *data, size_t len, const char *name, size_t max, struct buf *out);

#endif
