/* Uploaded files: type by content, storage by SHA-256 with an atomic rename, the names they download as. */
#include "files.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "text.h"
#include "zip.h"

const char *const files_ext[FK__MAX] = {".pdf", ".docx", ".pptx", ".xlsx", ".odt", ".odp", ".ods", ".png", ".jpg"};
const char *const files_mime[FK__MAX] = {
	"application/pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.presentation",
	"application/vnd.oasis.opendocument.spreadsheet",
	"image/png",
	"image/jpeg",
};
/* The content type of each OOXML kind's main part in [Content_Types].xml; the macro-enabled variants
 * (docm, pptm, xlsm) name other types and so are refused. */
static const char *const ooxml_main[FK__MAX] = {
	[FK_DOCX] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
	[FK_PPTX] = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
	[FK_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
};

#define ZIP_XML_MAX (256 * 1024) /* [Content_Types].xml and the ODF mimetype are small */

static const char *const refused = "Такой файл загрузить нельзя: принимаются PDF, документы, презентации и таблицы "
				   "(DOCX, PPTX, XLSX, ODT, ODP, ODS) и изображения PNG и JPEG. Тип определяется по "
				   "содержимому файла, а не по его имени.";

static int starts(const void *p, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(p, magic, n) == 0;
}

static enum files_kind zip_kind(const void *p, size_t len, const char **why)
{
	struct buf b = {0};
	enum files_kind k = FK__MAX;
	int i;

	*why = refused;
	if (zip_read(p, len, "[Content_Types].xml", ZIP_XML_MAX, &b) == 1) {
		buf_add(&b, "", 1);
		if (strstr(b.p, "vbaProject") != NULL || strstr(b.p, "macroEnabled") != NULL)
			*why = "Документы с макросами загрузить нельзя: сохраните файл без макросов (DOCX, PPTX, XLSX).";
		else
			for (i = 0; i < FK__MAX; i++)
				if (ooxml_main[i] != NULL && strstr(b.p, ooxml_main[i]) != NULL)
					k = (enum files_kind)i;
	} else if (zip_read(p, len, "mimetype", ZIP_XML_MAX, &b) == 1) {
		struct buf s = {0};
		for (i = FK_ODT; i <= FK_ODS; i++)
			if (b.len == strlen(files_mime[i]) && memcmp(b.p, files_mime[i], b.len) == 0)
				k = (enum files_kind)i;
		/* Macros of an ODF document live under Basic/ and Scripts/, listed in its manifest. */
		if (k != FK__MAX &&
		    (zip_read(p, len, "META-INF/manifest.xml", ZIP_XML_MAX, &s) != 1 ||
		     (buf_add(&s, "", 1), strstr(s.p, "\"Basic/") != NULL) || strstr(s.p, "\"Scripts/") != NULL)) {
			*why = "Документы с макросами загрузить нельзя: сохраните файл без макросов.";
			k = FK__MAX;
		}
		buf_free(&s);
	}
	buf_free(&b);
	if (k != FK__MAX)
		*why = NULL;
	return k;
}

enum files_kind files_sniff(const void *p, size_t len, const char **why)
{
	*why = NULL;
	if (starts(p, len, "%PDF-", 5))
		return FK_PDF;
	if (starts(p, len, "\x89PNG\r\n\x1a\n", 8))
		return FK_PNG;
	if (starts(p, len, "\xff\xd8\xff", 3))
		return FK_JPEG;
	if (starts(p, len, "PK\x03\x04", 4))
		return zip_kind(p, len, why);
	if (starts(p, len, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
		*why = "Файлы в старом формате (DOC, PPT, XLS) загрузить нельзя: их содержимое не проверить. "
		       "Сохраните файл как DOCX, PPTX, XLSX или PDF.";
		return FK__MAX;
	}
	*why = refused;
	return FK__MAX;
}

const char *files_path(struct arena *a, const char *prefix, const char *hex)
{
	assert(strlen(hex) == 64 && strspn(hex, "0123456789abcdef") == 64);
	return arena_printf(a, "%s/%.2s/%s", prefix, hex, hex + 2);
}

const char *files_dir(const struct config *cfg)
{
	return config_get(cfg, "files_dir", "var/files");
}

static int is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* files_store, with sync 0: the file's data and name reach the disk at the next files_sync. */
static int store(const char *dir, const void *p, size_t len, char hex[65], int sync)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	char sub[4096], tmp[4096 + 16], path[4096 + 80];
	int fd = -1, rc = -1;

	crypto_hash_sha256(hash, p, len);
	sodium_bin2hex(hex, 65, hash, sizeof(hash));
	if ((size_t)snprintf(sub, sizeof(sub), "%s/%.2s", dir, hex) >= sizeof(sub))
		goto out;
	snprintf(tmp, sizeof(tmp), "%s/.tmpXXXXXX", sub);
	snprintf(path, sizeof(path), "%s/%s", sub, hex + 2);
	if (mkdir(sub, 0755) == -1 && errno != EEXIST)
		goto out;
	if ((fd = mkstemp(tmp)) == -1)
		goto out;
	/* nginx (another user when the stack runs as root) reads what it serves. */
	if (fchmod(fd, 0644) == -1 || write_all(fd, p, len) == -1 || (sync && fsync(fd) == -1)) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		goto out;
	}
	rc = 1;
out:
	if (rc == -1)
		log_msg(LOG_ERROR, NULL, "files: cannot store %s under %s: %s", hex, dir, strerror(errno));
	if (fd != -1)
		close(fd);
	return rc;
}

int files_store(const char *dir, const void *p, size_t len, char hex[65])
{
	return store(dir, p, len, hex, 1);
}

int files_put(const char *dir, const void *p, size_t len, char hex[65])
{
	return store(dir, p, len, hex, 0);
}

int files_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;

	/* One journal commit for a whole batch, where a fsync of each file and of its directory costs one each. */
	if (fd != -1 && syncfs(fd) == 0)
		rc = 0;
	if (rc == -1)
		log_msg(LOG_ERROR, NULL, "files: cannot sync %s: %s", dir, strerror(errno));
	if (fd != -1)
		close(fd);
	return rc;
}

int files_load(const char *dir, const char *hex, struct buf *out)
{
	char path[4096 + 80];
	unsigned char chunk[65536];
	ssize_t n;
	int fd;

	assert(is_hex(hex, 64));
	snprintf(path, sizeof(path), "%s/%.2s/%s", dir, hex, hex + 2);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_msg(LOG_ERROR, NULL, "files: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n == -1 && errno == EINTR))
		if (n > 0)
			buf_add(out, chunk, (size_t)n);
	if (n == -1)
		log_msg(LOG_ERROR, NULL, "files: cannot read %s: %s", path, strerror(errno));
	close(fd);
	return n == -1 ? -1 : 0;
}

/* Sweeps one directory ab/ of dir. Returns how many it removed, or -1. */
static long sweep_sub(const char *dir, const char *ab, time_t before, int (*keep)(void *, const char *), void *arg)
{
	char sub[4096], path[4096 + 80], hex[65];
	struct dirent *e;
	struct stat st;
	long n = 0;
	DIR *d;

	if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, ab) >= sizeof(sub) || (d = opendir(sub)) == NULL)
		return -1;
	while (n >= 0 && (e = readdir(d)) != NULL) {
		int tmp = strncmp(e->d_name, ".tmp", 4) == 0, k = 1;
		if (!tmp && !is_hex(e->d_name, 62))
			continue;
		snprintf(path, sizeof(path), "%s/%s", sub, e->d_name);
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode) || st.st_mtime >= before)
			continue;
		snprintf(hex, sizeof(hex), "%s%s", ab, e->d_name);
		if (!tmp && (k = keep(arg, hex)) == -1)
			n = -1;
		else if ((tmp || k == 0) && unlink(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

long files_sweep(const char *dir, long min_age, int (*keep)(void *arg, const char *hex), void *arg)
{
	time_t before = time(NULL) - min_age;
	struct dirent *e;
	long n = 0, k;
	DIR *d = opendir(dir);

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while (n >= 0 && (e = readdir(d)) != NULL)
		if (is_hex(e->d_name, 2) && (k = sweep_sub(dir, e->d_name, before, keep, arg)) != 0)
			n = k < 0 ? -1 : n + k;
	closedir(d);
	return n;
}

const char *files_name(struct arena *a, const char *name, long max_cp, const char *ext)
{
	const char *base = name ? name : "", *s;
	size_t n, elen = ext ? strlen(ext) : 0;
	long cp;

	for (s = base; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	if (utf8_count(base, strlen(base)) <= 0)
		base = "файл";
	for (s = base, cp = 0; *s && cp < max_cp; cp++)
		for (s++; ((unsigned char)*s & 0xc0) == 0x80; s++)
			;
	n = (size_t)(s - base);
	if (ext == NULL || (n >= elen && strncasecmp(base + n - elen, ext, elen) == 0))
		return arena_strndup(a, base, n);
	return arena_printf(a, "%.*s%s", (int)n, base, ext);
}
