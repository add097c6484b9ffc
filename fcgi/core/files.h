/* Uploaded files: their type found in their content, stored on disk by content hash for nginx to serve. */
#ifndef FILES_H
#define FILES_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "config.h"

#define FILES_URI "/_files" /* nginx's internal location of files_dir (X-Accel-Redirect) */

/* Where stored files live: the setting files_dir (a volume every app server shares). */
const char *files_dir(const struct config *);

/* The kinds of file a material may be; anything else (executables, HTML, scripts, archives, documents
 * with macros, legacy OLE documents whose content cannot be checked) is refused. */
enum files_kind { FK_PDF, FK_DOCX, FK_PPTX, FK_XLSX, FK_ODT, FK_ODP, FK_ODS, FK_PNG, FK_JPEG, FK__MAX };
extern const char *const files_ext[FK__MAX];  /* ".pdf", ... */
extern const char *const files_mime[FK__MAX]; /* "application/pdf", ... */

/* The kind of the len bytes at p judged by their content alone (magic bytes; for zip containers the
 * OOXML [Content_Types].xml main part or the ODF mimetype member). Returns the kind, or FK__MAX with
 * a Russian reason in *why (static) when the file is none of them. */
enum files_kind files_sniff(const void *p, size_t len, const char **why);
/* Stores the len bytes at p as dir/ab/cdef... (ab and cdef... the lower-case hex SHA-256, written to
 * hex): written to a temporary file in the same directory, synced, then renamed, so a reader sees the
 * whole file or none; storing the same content again replaces it with itself. Returns 1, or -1 (logged). */
int files_store(const char *dir, const void *p, size_t len, char hex[65]);
/* files_store without waiting for the disk, for batches: the file is durable only once files_sync(dir) returned 0,
 * so a row must not refer to it before. Returns 1, or -1 (logged). */
int files_put(const char *dir, const void *p, size_t len, char hex[65]);
/* Makes every file stored under dir so far durable, names included (one syncfs of dir's filesystem). Returns 0, or
 * -1 (logged). */
int files_sync(const char *dir);
/* Appends the stored file of the 64-digit hex hash (asserted) under dir to out. Returns 0, or -1 (logged). */
int files_load(const char *dir, const char *hex, struct buf *out);
/* Removes the stored files under dir (as files_store lays them out) last written more than min_age seconds ago
 * that keep(arg, hex) says nobody refers to (1 keep, 0 remove, -1 failure: the sweep stops), and temporary files
 * of that age that a store which died left. A file stored again is written anew, so min_age covers an upload
 * between its store and the commit of the row that refers to it. Returns how many were removed, or -1. */
long files_sweep(const char *dir, long min_age, int (*keep)(void *arg, const char *hex), void *arg);
/* "prefix/ab/cdef..." for a 64-digit lower-case hex hash (asserted), in the arena. */
const char *files_path(struct arena *, const char *prefix, const char *hex);
/* An upload's name without a client's path, at most max_cp code points, ending in ext (added when it
 * does not, case-insensitively; ext may be NULL); «файл» when it is not UTF-8. In the arena. */
const char *files_name(struct arena *, const char *name, long max_cp, const char *ext);

#endif
