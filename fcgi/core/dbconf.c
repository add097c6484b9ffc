/* Database connection settings from the configuration: where the primary and the read replica are, and how to reach
 * them. */
#include "dbconf.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static const char *const prefixes[DBCONF__MAX] = {"db_", "db_read_"};

/* The value of prefix + key, or def. */
static const char *get(const struct config *c, enum dbconf_role role, const char *key, const char *def)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%s", prefixes[role], key);
	return config_get(c, name, def);
}

/* A set value: NULL for "" (an override that clears a setting). */
static const char *set_or_null(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

int dbconf_target(const struct config *c, enum dbconf_role role, struct db_target *t)
{
	const char *port;
	char *end;
	long n;

	t->host = set_or_null(get(c, role, "host", NULL));
	t->socket = set_or_null(get(c, role, "socket", role == DBCONF_PRIMARY ? "var/run/mysqld.sock" : NULL));
	if (role == DBCONF_READ && t->host == NULL && t->socket == NULL)
		return 0;
	t->port = 0;
	if ((port = set_or_null(get(c, role, "port", NULL))) != NULL) {
		n = strtol(port, &end, 10);
		if (*port < '0' || *port > '9' || *end != '\0' || n < 1 || n > 65535) {
			log_msg(LOG_ERROR, NULL, "config: %sport must be a port number, not '%s'", prefixes[role],
				port);
			return -1;
		}
		t->port = (unsigned)n;
	}
	/* TLS is for the network; a unix socket stays on this host. */
	t->tls_ca = t->host != NULL ? set_or_null(get(c, role, "tls_ca", config_get(c, "db_tls_ca", NULL))) : NULL;
	t->user = get(c, role, "user", config_get(c, "db_user", "sem_portal"));
	t->password = get(c, role, "password", config_get(c, "db_password", ""));
	t->name = get(c, role, "name", config_get(c, "db_name", "seminars"));
	return 1;
}
