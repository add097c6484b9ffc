/* A handler's face: the program, the request and the answer, and every module a handler uses. */
#ifndef APP_H
#define APP_H

#include <stddef.h>

#include <jansson.h>

#include "account_mail.h"
#include "access.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "cache.h"
#include "cert.h"
#include "cert_sanitize.h"
#include "config.h"
#include "db.h"
#include "db_access.h"
#include "db_auth.h"
#include "db_briefing.h"
#include "db_cert.h"
#include "db_cert_template.h"
#include "db_checkin.h"
#include "db_head.h"
#include "db_mail.h"
#include "db_material.h"
#include "db_pdata.h"
#include "db_people.h"
#include "db_ref.h"
#include "db_register.h"
#include "db_report.h"
#include "db_seminar.h"
#include "db_registration.h"
#include "db_retention.h"
#include "db_survey.h"
#include "db_untrained.h"
#include "download.h"
#include "urls.h"
#include "db_token.h"
#include "export.h"
#include "files.h"
#include "ics.h"
#include "log.h"
#include "mail.h"
#include "mail_kinds.h"
#include "pdf.h"
#include "prefork.h"
#include "qr.h"
#include "req.h"
#include "resp.h"
#include "retention.h"
#include "sheet.h"
#include "text.h"
#include "valid.h"
#include "zip.h"

struct req_io;
struct tmpl_set;

enum method { M_GET, M_POST, M_HEAD, M_OTHER };

/* Route flags: what the front line checks before the handler runs. */
#define R_LOGIN  0x1 /* a signed-in user; guests are sent to /login */
#define R_ADMIN  0x2 /* an administrator */
#define R_NOCSRF 0x4 /* POST without a CSRF token (liveness, scripts with their own token) */
#define R_UPLOAD 0x8 /* a file upload: the body may be upload_max bytes (default 51 MB), not body_max */
#define R_ORGANIZER                                                                                                    \
	0x10            /* an organiser of some region (or an administrator); the object's own scope is the handler's */
#define R_REVIEWER 0x20 /* a reviewer or an organiser of some region (or an administrator); likewise */
#define R_HEAD     0x40 /* the confirmed head of an organisation (user->head_org) */
#define R_BULK                                                                                                         \
	0x80         /* a report or an export: refused sooner under load (queue_max_bulk), the door and the            \
			catalogue keep priority */
#define R_SLOW 0x100 /* may take deadline_slow (a register import), not deadline */
#define R_ANYCONSENT                                                                                                   \
	0x200 /* open to a signed-in person who has not accepted the consent in force (its page, their data, erasure)  \
	       */

struct route {
	enum method method;
	const char *pattern; /* "/admin/users/{id}": {name} captures one segment; a name ending in "id" only digits */
	int (*fn)(struct req *); /* the handler: returns the HTTP status */
	int flags;
};

struct app;
/* A task run from the command line (`portal retention`), once, with a database connection. */
struct command {
	const char *name;
	int (*run)(struct app *); /* returns the exit status */
};
struct program {
	const char *name;
	const struct route *routes;
	const struct field *fields;
	int nodb; /* serves without a database connection (the H0 baseline) */
	int bulk; /* every route is R_BULK (the reports) */
	/* Optional background work (certificate issuing): app_serve runs it in
	 * `background_workers` (default 2) extra processes beside the FastCGI
	 * workers, each with its own database connection, restarted like a worker
	 * when it dies. It must return soon after prefork_stopping is set. */
	void (*background)(struct app *);
	/* Optional tasks: app_main runs the one its first argument after the options names, instead of serving. */
	const struct command *commands; /* ends with a NULL name */
};

struct app {
	const struct program *prog;
	struct config cfg;
	struct tmpl_set *tmpl;
	struct tmpl_set *mail_tmpl; /* templates/mail: the messages of mail_queue */
	struct db *db;
	/* db_read_*: a replica for reads that tolerate lag (app_db_read); NULL until first used or when none */
	struct db *db_read;
	long long read_retry_at; /* time(): the replica did not answer; ask again from then */
	unsigned char key[32];   /* secret_key: CSRF tokens, code HMACs */
	const char *base_url;
	size_t body_max;
	size_t upload_max; /* the body limit of R_UPLOAD routes */
	int secure_cookies;
	int pwhash_min;   /* "pwhash = min": cheapest argon2id, for tests only */
	long session_ttl; /* seconds */
	/* Overload (README, «Under load»): a request's database work ends within deadline_ms of its arrival
	 * at nginx; every statement within stmt_limit seconds (0 in background runners); a request that
	 * waited in the socket's queue longer than queue_ms (queue_bulk_ms for R_BULK) is refused at once. */
	double deadline_ms, deadline_slow_ms, stmt_limit, queue_ms, queue_bulk_ms;
	int seminar_writers; /* workers that may write one seminar's places at a time (seminar_writers, 1) */
	int test_faults;     /* honours X-Test-Fault (tests only) */
};

struct kv {
	const char *key, *val;
	size_t len;
	const char *filename, *ctype; /* multipart file parts only */
};

struct req {
	struct app *app;
	struct arena arena;
	struct req_io *io;
	const char *rid, *ip, *path, *query, *accept;
	enum method method;
	int want_json;
	const char *args[4]; /* {captures} of the route, in order */
	struct kv *params;   /* validated query and body fields */
	size_t nparams;
	struct kv *cookies;
	size_t ncookies;
	struct user *user; /* NULL for a guest */
	const char *sid;   /* session cookie value of a signed-in user */
	const char *aid;   /* guest cookie value, binds the guest's CSRF token */
	/* response */
	int status;
	const char *errmsg; /* Russian message for the error page */
	const char *page;   /* template name set by page() */
	json_t *ctx;        /* owned: released after the request */
	struct buf head, body;
	const char *ctype;
	const char *location;
	const char *cache_key, *cache_version; /* set by a handler: keep a 200 answer in the cache */
	double queued_ms;                      /* how long it waited for a worker (nginx's REQUEST_START) */
	double db_at_ms, db_limit_s;           /* the request's database deadline (db_deadline), for app_db_read */
};

/* Program start: loads config (-c FILE, default $SEM_CONFIG or var/app.conf),
 * templates and secrets. Returns 1 or -1 (logged). */
int app_init(struct app *, const struct program *, int argc, char **argv);
/* Serves until SIGTERM: as a pre-forking FastCGI master on `listen` (or on fd 0
 * when it is a socket), or, when REQUEST_METHOD is set, one CGI request on
 * stdin/stdout. Returns the process exit code. */
int app_serve(struct app *);

/* Connects a->db with the program's settings when it is not connected (start-up work before the
 * workers fork must db_close it and set it NULL again). Returns 1 when connected, 0 when not (logged). */
int app_db(struct app *);
/* The connection for reads that may lag behind the primary by seconds (the coverage reports): the replica of the
 * db_read_* settings, connected on first use, or the primary's (r->app->db) when none is set or the replica does not
 * answer (asked again after a few seconds). Never for what the request writes or what its user has just written. */
struct db *app_db_read(struct req *);
/* A program's whole main(): app_init, then app_serve. Returns the exit code. */
int app_main(const struct program *, int argc, char **argv);
/* GET /healthz of every program: 200 when the database answers, 503 when not, with the reason. */
int app_healthz(struct req *);
/* The version for the visually impaired (larger text, high contrast, images only where essential) is
 * chosen by the cookie VIEW_COOKIE, kept a year; the layout links to the switch on every page. */
#define VIEW_COOKIE  "view"
#define VIEW_MAX_AGE (365L * 24 * 3600)
/* 1 when this visitor chose the version for the visually impaired. */
int app_lowvision(const struct req *);
/* GET /view/lowvision and /view/normal (?next= a local path): sets or clears the cookie and sends the
 * visitor back to next (or /). Works without scripts: a plain link. */
int app_view(struct req *);
/* Before a write of a seminar's places (sign-up, cancellation, mode switch): enters the seminar's gate, so
 * that at most seminar_writers workers wait on one seminar's row; left when the request ends. Returns 1,
 * or 0 after setting a 503 answer (the seminar is stuck: try again in a moment). */
int app_seminar_gate(struct req *, long long seminar_id);
/* 1 while every write worker is serving (sign-ups saturate the program): a page that is the same for every
 * guest may then be answered from its last copy in the cache (at most a few seconds old) and made afresh
 * after the answer (app_replay_later), so readers never wait for a render behind the writers. With
 * test_faults = 1, the header X-Test-Fault: writers-busy makes it 1 for that request. */
int app_writers_busy(struct req *);
/* After this request's answer is sent, the worker makes it again for itself as a guest's GET (same path,
 * query, Accept and view cookie; the output dropped), so the cache gets a fresh copy. At most one pending. */
void app_replay_later(struct req *);
/* 1 in a request app_replay_later made. */
int app_replaying(void);

#endif
