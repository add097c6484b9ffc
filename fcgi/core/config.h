/* Configuration file and environment look-ups. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

/* `key = value` lines, '#' comments. Look-up order for key K of program P:
 * environment SEM_K (upper case, dots as underscores), then "P.K", then "K". */
struct config_entry;
struct config {
	const char *prog;
	struct config_entry *entries;
	size_t n;
};

/* Returns 1 when loaded, -1 (logged) when the file cannot be read or a line is malformed. */
int config_load(struct config *, const char *path, const char *prog);
/* Returns the value, or def. The string lives as long as the config. */
const char *config_get(const struct config *, const char *key, const char *def);
long config_int(const struct config *, const char *key, long def);
/* A non-negative decimal number ("2.5"), or def when absent or not one. */
double config_num(const struct config *, const char *key, double def);
void config_free(struct config *);

#endif
