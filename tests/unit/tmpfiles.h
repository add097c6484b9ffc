/* Shared by unit tests that check files with outside tools: a temporary directory, saving, running a command. */
#ifndef TMPFILES_H
#define TMPFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];

/* Makes the directory /tmp/<prefix>.XXXXXX; 0 or -1 (a cmocka group setup returns it). */
static inline int tmp_make(const char *prefix)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX", prefix);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Removes it again: every test deletes what it wrote, so rmdir fails when one did not. */
static inline int tmp_remove(void)
{
	return rmdir(tmpdir);
}

/* A path in the temporary directory (static storage: one at a time per slot). */
static inline const char *tmp(const char *name)
{
	static char paths[4][128];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", tmpdir, name);
	return p;
}

static inline void save(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Runs a shell command; returns its exit status with its standard output in out (caller frees). */
static inline int run(const char *cmd, char **out)
{
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	FILE *f = popen(cmd, "r");
	int st;

	assert_non_null(f);
	buf_adds(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	st = pclose(f);
	*out = b.p;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
