/* Zip archives in memory (libzip): many files in one download, and reading .xlsx members. */
#include "zip.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct zipw {
	zip_source_t *src; /* the archive's bytes */
	zip_t *za;
};

struct zipw *zipw_open(void)
{
	struct zipw *z = calloc(1, sizeof(*z));
	zip_error_t err;

	if (z == NULL)
		return NULL;
	zip_error_init(&err);
	z->src = zip_source_buffer_create(NULL, 0, 0, &err);
	if (z->src != NULL) {
		zip_source_keep(z->src); /* it outlives zip_close: the archive is read back from it */
		z->za = zip_open_from_source(z->src, ZIP_TRUNCATE, &err);
	}
	zip_error_fini(&err);
	if (z->za == NULL) {
		if (z->src != NULL)
			zip_source_free(z->src);
		free(z);
		return NULL;
	}
	return z;
}

int zipw_add(struct zipw *z, const char *name, const void *data, size_t len, int store)
{
	void *copy = NULL;
	zip_source_t *s;
	zip_int64_t i;

	/* An empty member needs no copy (libzip does not free a zero-length buffer). */
	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return -1;
		memcpy(copy, data, len);
	}
	s = zip_source_buffer(z->za, copy, len, copy != NULL); /* the copy is freed by libzip */
	if (s == NULL) {
		free(copy);
		return -1;
	}
	i = zip_file_add(z->za, name, s, ZIP_FL_ENC_UTF_8);
	if (i < 0) {
		zip_source_free(s);
		return -1;
	}
	if (store)
		zip_set_file_compression(z->za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
	return 0;
}

int zipw_close(struct zipw *z, struct buf *out)
{
	zip_stat_t st;
	char chunk[16384];
	zip_int64_t n;
	int rc = -1;

	if (zip_close(z->za) != 0) {
		zip_discard(z->za);
		goto done;
	}
	if (zip_source_stat(z->src, &st) != 0 || zip_source_open(z->src) != 0)
		goto done;
	while ((n = zip_source_read(z->src, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	zip_source_close(z->src);
	rc = n == 0 ? 0 : -1;
done:
	zip_source_free(z->src);
	free(z);
	return rc;
}

int zip_read(const void *data, size_t len, const char *name, size_t max, struct buf *out)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *za;
	zip_file_t *f;
	zip_stat_t st;
	char chunk[16384];
	zip_int64_t n;
	size_t total = 0;
	int rc = -1;

	zip_error_init(&err);
	src = zip_source_buffer_create(data, len, 0, &err);
	za = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
	zip_error_fini(&err);
	if (za == NULL) {
		if (src != NULL)
			zip_source_free(src);
		return -1;
	}
	if (zip_stat(za, name, 0, &st) != 0) {
		rc = 0;
		goto done;
	}
	if ((st.valid & ZIP_STAT_SIZE) == 0 || st.size > max)
		goto done;
	f = zip_fopen_index(za, st.index, 0);
	if (f == NULL)
		goto done;
	/* The declared size is not trusted: the count stops at max whatever the header says. */
	while ((n = zip_fread(f, chunk, sizeof(chunk))) > 0) {
		total += (size_t)n;
		if (total > max)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	zip_fclose(f);
	rc = n == 0 && total <= max ? 1 : -1;
done:
	zip_discard(za); /* frees src too */
	return rc;
}
