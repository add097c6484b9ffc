/* Program start-up: the configuration, secrets, limits and templates of struct app, then serving or a command. */
#include "app.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "authcache.h"
#include "tmpl.h"

/* The templates of dir/sub, or NULL (logged). */
static struct tmpl_set *templates(const char *dir, const char *sub)
{
	char *path = NULL;
	struct tmpl_set *t;

	if (asprintf(&path, "%s/%s", dir, sub) < 0)
		abort();
	t = tmpl_load(path);
	free(path);
	return t;
}

int app_init(struct app *a, const struct program *prog, int argc, char **argv)
{
	const char *path = getenv("SEM_CONFIG"), *v;
	int c;

	memset(a, 0, sizeof(*a));
	a->prog = prog;
	/* Every process of every program, set before the workers fork: a request's big temporary blocks (zlib's
	 * state of a PNG or a PDF, about 256 KB; cairo's surfaces) would go back to the kernel at every free and be
	 * faulted in again at the next request (3 x the cost of a ticket's image, two thirds of a certificate's time,
	 * measured). Up to 4 MB of freed heap is kept, so a worker stays flat within its 40 MB; blocks of 1 MB and
	 * more are still mapped and unmapped alone, and a big upload trims. */
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	log_init(prog->name, LOG_INFO);
	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c != 'c') {
			fprintf(stderr, "usage: %s [-c config] [command]\n", argv[0]);
			return -1;
		}
		path = optarg;
	}
	if (path == NULL && access("var/app.conf", R_OK) == 0)
		path = "var/app.conf";
	if (config_load(&a->cfg, path, prog->name) == -1)
		return -1;
	v = config_get(&a->cfg, "log_level", "info");
	log_init(prog->name, strcmp(v, "debug") == 0   ? LOG_DEBUG
			     : strcmp(v, "warn") == 0  ? LOG_WARN
			     : strcmp(v, "error") == 0 ? LOG_ERROR
						       : LOG_INFO);
	if (sodium_init() < 0)
		return -1;
	v = config_get(&a->cfg, "secret_key", NULL);
	if (v == NULL || sodium_hex2bin(a->key, sizeof(a->key), v, strlen(v), NULL, NULL, NULL) != 0) {
		log_msg(LOG_ERROR, NULL, "config: secret_key must be 64 hex digits");
		return -1;
	}
	a->base_url = config_get(&a->cfg, "base_url", "http://127.0.0.1:8080");
	a->secure_cookies = strncmp(a->base_url, "https:", 6) == 0;
	a->body_max = (size_t)config_int(&a->cfg, "body_max", 1024 * 1024);
	/* The largest upload: a seminar material of material_max (50 MB) with its form. */
	a->upload_max = (size_t)config_int(&a->cfg, "upload_max", 51 * 1024 * 1024);
	a->pwhash_min = strcmp(config_get(&a->cfg, "pwhash", "interactive"), "min") == 0;
	a->session_ttl = config_int(&a->cfg, "session_ttl", 14 * 86400);
	/* Signed-in users cached per worker, ended by the epoch every program of the host shares (authcache.h). */
	if (authcache_init(config_get(&a->cfg, "auth_epoch", NULL), config_num(&a->cfg, "session_cache_ttl", 5)) == -1)
		return -1;
	db_watch(authcache_watched, authcache_bump);
	/* Below nginx's fastcgi_read_timeout (nginx.conf), so the client hears our answer, not nginx's 504. */
	a->deadline_ms = config_num(&a->cfg, "deadline", 5) * 1000;
	a->deadline_slow_ms = config_num(&a->cfg, "deadline_slow", 60) * 1000;
	a->stmt_limit = config_num(&a->cfg, "statement_time", a->deadline_ms / 4000);
	a->queue_ms = config_num(&a->cfg, "queue_max", 1) * 1000;
	a->queue_bulk_ms = config_num(&a->cfg, "queue_max_bulk", 0.25) * 1000;
	a->test_faults = config_int(&a->cfg, "test_faults", 0) == 1;
	v = config_get(&a->cfg, "templates", "templates");
	a->tmpl = templates(v, "pages");
	a->mail_tmpl = templates(v, "mail");
	return a->tmpl != NULL && a->mail_tmpl != NULL ? 1 : -1;
}

/* Runs the program's command of that name once, with a database connection and no statement limit. */
static int command(struct app *a, const char *name)
{
	const struct command *c;
	int rc;

	/* Every program's: ends the signed-in users cached on this host (authcache.h) after sessions, grants or
	 * consents were changed by hand. */
	if (strcmp(name, "auth-epoch") == 0) {
		authcache_bump();
		return 0;
	}
	for (c = a->prog->commands; c != NULL && c->name != NULL; c++)
		if (strcmp(c->name, name) == 0) {
			a->stmt_limit = 0;
			if (!app_db(a)) {
				fprintf(stderr, "%s: the database is not reachable\n", a->prog->name);
				return 1;
			}
			rc = c->run(a);
			db_close(a->db);
			a->db = NULL;
			return rc;
		}
	fprintf(stderr, "%s: no command %s\n", a->prog->name, name);
	return 2;
}

int app_main(const struct program *prog, int argc, char **argv)
{
	static struct app app;

	if (app_init(&app, prog, argc, argv) == -1)
		return 1;
	return optind < argc ? command(&app, argv[optind]) : app_serve(&app);
}
