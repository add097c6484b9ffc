/* libFuzzer harness of the template loader and renderer: any input either fails to load or renders. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tmpl.h"

static const char layout[] = "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:t=\"urn:seminar:tmpl\">"
			     "<body><t:content/></body></html>";

static char dir[64];

static void put(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	fwrite(p, 1, n, f);
	fclose(f);
}

static const char *token(void *arg)
{
	(void)arg;
	return "tok<&>";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *s;
	json_t *ctx;
	struct buf out = {0};

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-tmpl-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		put("layout.xhtml", layout, sizeof(layout) - 1);
		log_init("fuzz", LOG__MAX);
	}
	put("page.xhtml", data, size);
	if ((s = tmpl_load(dir)) == NULL)
		return 0;
	ctx = json_pack("{s:s, s:[{s:s}, {s:i}], s:{s:s}}", "title", "<script>&\"'", "items", "name", "a<b", "name", 7,
			"user", "name", "javascript:alert(1)");
	tmpl_render(s, "page", ctx, token, NULL, &out);
	if (out.len > 0 && strstr(out.p, "<script>&") != NULL)
		abort(); /* a context value came out unescaped */
	json_decref(ctx);
	buf_free(&out);
	tmpl_free(s);
	return 0;
}
