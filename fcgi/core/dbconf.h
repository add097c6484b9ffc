/* A program's database connection settings: the primary's (db_*) and a replica's for reads that tolerate lag
 * (db_read_*). */
#ifndef DBCONF_H
#define DBCONF_H

#include "config.h"
#include "db.h"

enum dbconf_role { DBCONF_PRIMARY, DBCONF_READ, DBCONF__MAX };

/* Fills t from the settings of the role: db_host (TCP; else db_socket, default var/run/mysqld.sock), db_port
 * (default 3306), db_tls_ca (TCP only), db_user, db_password, db_name; DBCONF_READ from the same keys with db_read_,
 * taking the primary's user, password, name and tls_ca where it has none of its own. Strings live as long as the
 * config. Returns 1 filled; 0 (DBCONF_READ) when neither db_read_host nor db_read_socket is set: reads go to the
 * primary; -1 (logged) when a port is not a port number. */
int dbconf_target(const struct config *, enum dbconf_role, struct db_target *);

#endif
