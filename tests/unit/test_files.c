/* Unit tests of fcgi/core/files.c: types by content (renamed and disguised files refused), storage by hash, names,
 * the sweep of files nobody refers to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include "files.h"
#include "zip.h"

#include <cmocka.h>

#include "tmpfiles.h"

/* A zip with one member (name, text). */
static void zip_of(struct buf *out, const char *name, const char *text)
{
	struct zipw *z = zipw_open();

	assert_non_null(z);
	assert_int_equal(zipw_add(z, name, text, strlen(text), 0), 0);
	assert_int_equal(zipw_close(z, out), 0);
}

/* An ODF text document with the manifest given. */
static void odf(struct buf *out, const char *manifest)
{
	static const char mt[] = "application/vnd.oasis.opendocument.text";
	struct zipw *z = zipw_open();

	assert_non_null(z);
	assert_int_equal(zipw_add(z, "mimetype", mt, strlen(mt), 1), 0);
	assert_int_equal(zipw_add(z, "META-INF/manifest.xml", manifest, strlen(manifest), 0), 0);
	assert_int_equal(zipw_close(z, out), 0);
}

static enum files_kind sniff(const void *p, size_t len)
{
	const char *why;
	enum files_kind k = files_sniff(p, len, &why);

	assert_true((k == FK__MAX) == (why != NULL));
	return k;
}

static void test_magic(void **state)
{
	(void)state;
	assert_int_equal(sniff("%PDF-1.7\n", 9), FK_PDF);
	assert_int_equal(sniff("\x89PNG\r\n\x1a\n....", 12), FK_PNG);
	assert_int_equal(sniff("\xff\xd8\xff\xe0", 4), FK_JPEG);
	/* An executable, HTML, a script, text: whatever their names say. */
	assert_int_equal(sniff("\x7f"
			       "ELF\2\1\1",
			       7),
			 FK__MAX);
	assert_int_equal(sniff("MZ\x90\0", 4), FK__MAX);
	assert_int_equal(sniff("<html><body>%PDF-", 17), FK__MAX);
	assert_int_equal(sniff(" %PDF-1.4", 9), FK__MAX);
	assert_int_equal(sniff("#!/bin/sh\n", 10), FK__MAX);
	assert_int_equal(sniff("", 0), FK__MAX);
	/* Legacy OLE documents cannot be checked. */
	assert_int_equal(sniff("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", 10), FK__MAX);
}

static void test_containers(void **state)
{
	static const char *const ct =
		"<Types><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
		"officedocument.wordprocessingml.document.main+xml\"/></Types>";
	static const char *const ct_pptx =
		"<Types><Override ContentType=\"application/vnd.openxmlformats-officedocument.presentationml."
		"presentation.main+xml\"/></Types>";
	static const char *const ct_docm =
		"<Types><Override ContentType=\"application/vnd.ms-word.document.macroEnabled.main+xml\"/>"
		"<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/></Types>";
	struct buf z = {0};

	(void)state;
	zip_of(&z, "[Content_Types].xml", ct);
	assert_int_equal(sniff(z.p, z.len), FK_DOCX);
	buf_reset(&z);
	zip_of(&z, "[Content_Types].xml", ct_pptx);
	assert_int_equal(sniff(z.p, z.len), FK_PPTX);
	buf_reset(&z);
	zip_of(&z, "[Content_Types].xml", ct_docm);
	assert_int_equal(sniff(z.p, z.len), FK__MAX);
	buf_reset(&z);
	/* A zip that is neither OOXML nor ODF. */
	zip_of(&z, "readme.txt", "hello");
	assert_int_equal(sniff(z.p, z.len), FK__MAX);
	buf_reset(&z);
	odf(&z, "<manifest:file-entry manifest:full-path=\"/\"/>");
	assert_int_equal(sniff(z.p, z.len), FK_ODT);
	buf_reset(&z);
	odf(&z, "<manifest:file-entry manifest:full-path=\"Basic/\"/>");
	assert_int_equal(sniff(z.p, z.len), FK__MAX);
	buf_reset(&z);
	/* ODF without its manifest is not taken on trust. */
	zip_of(&z, "mimetype", "application/vnd.oasis.opendocument.text");
	assert_int_equal(sniff(z.p, z.len), FK__MAX);
	buf_free(&z);
}

static void test_store(void **state)
{
	char hex[65], again[65];
	struct arena a = {0};
	struct stat st;
	const char *path;

	(void)state;
	assert_int_equal(files_store(tmpdir, "%PDF-1.4 x", 10, hex), 1);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(files_store(tmpdir, "%PDF-1.4 x", 10, again), 1);
	assert_string_equal(hex, again);
	path = files_path(&a, tmpdir, hex);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 10);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(strncmp(path + strlen(tmpdir), "/", 1), 0);
	assert_int_equal(memcmp(path + strlen(tmpdir) + 1, hex, 2), 0);
	assert_string_equal(path + strlen(tmpdir) + 4, hex + 2);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(arena_printf(&a, "%s/%.2s", tmpdir, hex)), 0);
	/* A directory that cannot be written. */
	assert_int_equal(files_store("/nonexistent/files", "x", 1, hex), -1);
	arena_free(&a);
}

/* A batch: files_put writes as files_store lays out, files_sync makes them durable, files_load reads them back. */
static void test_batch(void **state)
{
	char one[65], two[65], same[65];
	struct buf b = {0};
	struct arena a = {0};

	(void)state;
	assert_int_equal(files_put(tmpdir, "%PDF-1.7 one", 12, one), 1);
	assert_int_equal(files_put(tmpdir, "%PDF-1.7 two", 12, two), 1);
	assert_int_equal(files_store(tmpdir, "%PDF-1.7 one", 12, same), 1);
	assert_string_equal(one, same);
	assert_int_equal(files_sync(tmpdir), 0);
	assert_int_equal(files_load(tmpdir, two, &b), 0);
	assert_int_equal(b.len, 12);
	assert_memory_equal(b.p, "%PDF-1.7 two", 12);
	/* Appended, as the ZIP of a seminar's certificates adds one after the other. */
	assert_int_equal(files_load(tmpdir, one, &b), 0);
	assert_int_equal(b.len, 24);
	assert_memory_equal(b.p + 12, "%PDF-1.7 one", 12);
	assert_int_equal(unlink(files_path(&a, tmpdir, one)), 0);
	assert_int_equal(files_load(tmpdir, one, &b), -1);
	assert_int_equal(unlink(files_path(&a, tmpdir, two)), 0);
	assert_int_equal(rmdir(arena_printf(&a, "%s/%.2s", tmpdir, one)), 0);
	assert_int_equal(rmdir(arena_printf(&a, "%s/%.2s", tmpdir, two)), 0);
	assert_int_equal(files_put("/nonexistent/files", "x", 1, one), -1);
	assert_int_equal(files_sync("/nonexistent/files"), -1);
	buf_free(&b);
	arena_free(&a);
}

/* The sweep's judge: keeps the file whose hash is arg. */
static int keep_one(void *arg, const char *hex)
{
	return strcmp(hex, arg) == 0;
}

static int refuse(void *arg, const char *hex)
{
	(void)arg;
	(void)hex;
	return -1;
}

/* Sets the file's modification time seconds ago. */
static void age(const char *path, long seconds)
{
	struct utimbuf t = {time(NULL) - seconds, time(NULL) - seconds};

	assert_int_equal(utime(path, &t), 0);
}

static void test_sweep(void **state)
{
	char kept[65], old[65], young[65];
	struct arena a = {0};
	const char *tmp_path;
	FILE *f;

	(void)state;
	assert_int_equal(files_store(tmpdir, "kept", 4, kept), 1);
	assert_int_equal(files_store(tmpdir, "old", 3, old), 1);
	assert_int_equal(files_store(tmpdir, "young", 5, young), 1);
	age(files_path(&a, tmpdir, kept), 7200);
	age(files_path(&a, tmpdir, old), 7200);
	/* A failing judge stops the sweep. */
	assert_int_equal(files_sweep(tmpdir, 3600, refuse, NULL), -1);
	assert_int_equal(access(files_path(&a, tmpdir, old), F_OK), 0);
	/* A store that died left its temporary file behind. */
	tmp_path = arena_printf(&a, "%s/%.2s/.tmpAbc123", tmpdir, old);
	assert_non_null(f = fopen(tmp_path, "w"));
	fclose(f);
	age(tmp_path, 7200);
	/* Old and unreferenced: gone with the temporary file; referenced or young: kept. */
	assert_int_equal(files_sweep(tmpdir, 3600, keep_one, kept), 2);
	assert_int_equal(access(files_path(&a, tmpdir, old), F_OK), -1);
	assert_int_equal(access(tmp_path, F_OK), -1);
	assert_int_equal(access(files_path(&a, tmpdir, kept), F_OK), 0);
	assert_int_equal(access(files_path(&a, tmpdir, young), F_OK), 0);
	/* Again: nothing more. A directory that does not exist has nothing to sweep. */
	assert_int_equal(files_sweep(tmpdir, 3600, keep_one, kept), 0);
	assert_int_equal(files_sweep("/nonexistent/files", 3600, keep_one, kept), 0);
	assert_int_equal(unlink(files_path(&a, tmpdir, kept)), 0);
	assert_int_equal(unlink(files_path(&a, tmpdir, young)), 0);
	rmdir(arena_printf(&a, "%s/%.2s", tmpdir, kept));
	rmdir(arena_printf(&a, "%s/%.2s", tmpdir, old));
	rmdir(arena_printf(&a, "%s/%.2s", tmpdir, young));
	arena_free(&a);
}

static void test_name(void **state)
{
	struct arena a = {0};

	(void)state;
	assert_string_equal(files_name(&a, "C:\\Users\\me\\Программа.PDF", 200, ".pdf"), "Программа.PDF");
	assert_string_equal(files_name(&a, "../../etc/report", 200, ".pdf"), "report.pdf");
	assert_string_equal(files_name(&a, "evil.exe", 200, ".pdf"), "evil.exe.pdf");
	assert_string_equal(files_name(&a, "\xff\xfe.pdf", 200, ".pdf"), "файл.pdf");
	assert_string_equal(files_name(&a, NULL, 200, NULL), "файл");
	assert_string_equal(files_name(&a, "Длинное имя", 3, NULL), "Дли");
	arena_free(&a);
}

static int setup(void **state)
{
	(void)state;
	return tmp_make("test_files");
}

static int teardown(void **state)
{
	(void)state;
	return tmp_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic), cmocka_unit_test(test_containers), cmocka_unit_test(test_store),
		cmocka_unit_test(test_batch), cmocka_unit_test(test_sweep),      cmocka_unit_test(test_name),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
