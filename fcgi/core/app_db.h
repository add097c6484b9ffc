/* The program's database connections: the primary, the replica for reads that may lag, and /healthz. */
#ifndef APP_DB_H
#define APP_DB_H

struct app;
struct db;
struct req;

/* Connects a->db with the program's settings when it is not connected (start-up work before the
 * workers fork must db_close it and set it NULL again). Returns 1 when connected, 0 when not (logged). */
int app_db(struct app *);
/* The connection for reads that may lag behind the primary by seconds (the coverage reports): the replica of the
 * db_read_* settings, connected on first use, or the primary's (r->app->db) when none is set or the replica does not
 * answer (asked again after a few seconds). Never for what the request writes or what its user has just written. */
struct db *app_db_read(struct req *);
/* GET /healthz of every program: 200 when the database answers, 503 when not, with the reason. */
int app_healthz(struct req *);

#endif
