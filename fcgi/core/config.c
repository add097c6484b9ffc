/* Configuration from a `key = value` file, overridden by SEM_* environment variables. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct config_entry {
	char *key, *val;
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_load(struct config *c, const char *path, const char *prog)
{
	FILE *f;
	char line[4096];
	int lineno = 0, rc = 1;

	memset(c, 0, sizeof(*c));
	c->prog = prog;
	if (path == NULL)
		return 1;
	if ((f = fopen(path, "r")) == NULL) {
		log_msg(LOG_ERROR, NULL, "config: cannot open %s", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *eq;

		lineno++;
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			log_msg(LOG_ERROR, NULL, "config: %s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		c->entries = realloc(c->entries, (c->n + 1) * sizeof(*c->entries));
		if (c->entries == NULL)
			abort();
		c->entries[c->n].key = strdup(k);
		c->entries[c->n].val = strdup(v);
		c->n++;
	}
	fclose(f);
	return rc;
}

static const char *lookup(const struct config *c, const char *key)
{
	size_t i;
	const char *found = NULL;

	/* The last line wins, so appended overrides work. */
	for (i = 0; i < c->n; i++)
		if (strcmp(c->entries[i].key, key) == 0)
			found = c->entries[i].val;
	return found;
}

const char *config_get(const struct config *c, const char *key, const char *def)
{
	char name[128], *p;
	const char *v;

	snprintf(name, sizeof(name), "SEM_%s", key);
	for (p = name; *p; p++)
		*p = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
	if ((v = getenv(name)) != NULL)
		return v;
	if (c->prog != NULL) {
		snprintf(name, sizeof(name), "%s.%s", c->prog, key);
		if ((v = lookup(c, name)) != NULL)
			return v;
	}
	v = lookup(c, key);
	return v ? v : def;
}

long config_int(const struct config *c, const char *key, long def)
{
	const char *v = config_get(c, key, NULL);
	char *end;
	long n;

	if (v == NULL)
		return def;
	n = strtol(v, &end, 10);
	return (*v != '\0' && *end == '\0') ? n : def;
}

double config_num(const struct config *c, const char *key, double def)
{
	const char *v = config_get(c, key, NULL);
	char *end;
	double n;

	if (v == NULL)
		return def;
	n = strtod(v, &end);
	return (*v != '\0' && *end == '\0' && n >= 0) ? n : def;
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->entries[i].key);
		free(c->entries[i].val);
	}
	free(c->entries);
	c->entries = NULL;
	c->n = 0;
}
