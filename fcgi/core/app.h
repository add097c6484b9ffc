/* The one internal header of fcgi/core: types and contracts of every core module. */
#ifndef APP_H
#define APP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

/* ---------------------------------------------------------------- arena
 * Per-request memory: many allocations, one reset. Allocation failure aborts
 * (a web worker cannot go on without memory). */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};

/* Returns zeroed memory aligned for any type, valid until arena_reset. */
void *arena_alloc(struct arena *, size_t);
/* Copies len bytes and appends a NUL. */
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_printf(struct arena *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Frees every chunk but the first, which is kept for the next request. */
void arena_reset(struct arena *);
void arena_free(struct arena *);

/* ---------------------------------------------------------------- buf
 * Growable byte buffer. Invariant: when cap > 0, p[len] == '\0', so p is
 * always a C string (possibly with NULs inside for binary data). */
struct buf {
	char *p;
	size_t len, cap;
};

void buf_add(struct buf *, const void *, size_t);
void buf_adds(struct buf *, const char *);
void buf_addc(struct buf *, char);
void buf_addf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *, const char *, va_list);
/* Empties the buffer and keeps its memory. */
void buf_reset(struct buf *);
void buf_free(struct buf *);

/* ---------------------------------------------------------------- log
 * One line per event on stderr: time, level, program, pid, request id, text. */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG__MAX };

void log_init(const char *prog, enum log_level min);
/* rid may be NULL outside a request. */
void log_msg(enum log_level, const char *rid, const char *, ...) __attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------------- config
 * `key = value` lines, '#' comments. Look-up order for key K of program P:
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
void config_free(struct config *);

/* ---------------------------------------------------------------- utf8 / text */

/* Returns the number of code points, or -1 when s is not valid UTF-8 or has NUL. */
long utf8_count(const char *s, size_t len);
/* URL-decodes in place ('+' as space when plus is set); returns the new length or -1. */
long url_decode(char *s, size_t len, int plus);
/* Appends s percent-encoded for a query value. */
void url_encode(struct buf *, const char *s);
/* Appends HTML-escaped text (& < > " ' all escaped: safe in text and quoted attributes). */
void html_escape(struct buf *, const char *s, size_t len);
/* Returns 1 when s is a safe link target: a path ("/x", not "//x"), "#", "?", or
 * http, https, mailto, tel; 0 otherwise (javascript:, data:, ...). */
int url_is_safe(const char *s);
/* A database date or time stamp ("2026-12-12" or "2026-12-12 10:00:00") in
 * Russian: "12 декабря 2026" plus ", 10:00" when with_time and there is a
 * time. Returns "" for NULL or a malformed value. Allocated in the arena. */
const char *date_ru(struct arena *, const char *sql, int with_time);
/* The Russian weekday of a database date ("суббота"), or "". */
const char *weekday_ru(const char *sql);
/* Base64url without padding, for random tokens. out must hold 4*n/3+4 bytes. */
void b64url_encode(char *out, const unsigned char *in, size_t n);

/* ---------------------------------------------------------------- cache
 * A worker's small cache of whole response bodies (pages that are the same
 * for every guest). An entry serves only while the data version it was made
 * from is current, and never longer than max_age seconds. */

/* The body stored for key at this version, fresh enough, or NULL; *ctype is set. */
const struct buf *cache_get(const char *key, const char *version, long max_age, const char **ctype);
/* Copies the body in (the oldest entry makes room). */
void cache_put(const char *key, const char *version, const char *ctype, const struct buf *body);

/* ---------------------------------------------------------------- valid
 * The validator table: every input field a program accepts, with its type,
 * limits and the Russian label used in error messages. */
enum field_type {
	FT_TEXT,      /* one line, no control characters */
	FT_MULTILINE, /* text with line breaks and tabs */
	FT_EMAIL,     /* local@domain.tld, lower-cased on input */
	FT_ID,        /* positive decimal integer up to 2^31-1 */
	FT_INT,       /* decimal integer, optional minus, within min..max */
	FT_PASSWORD,  /* any characters but controls; length in code points */
	FT_PHONE,     /* digits, spaces, + ( ) - */
	FT_BOOL,      /* "1", "on", "true" */
	FT_TOKEN,     /* base64url alphabet, for CSRF tokens and codes */
	FT_ENUM,      /* one of the '|'-separated words in .choices */
	FT_PATH,      /* a local path starting with one '/', for "next" redirects */
	FT_FILE,      /* a multipart file part; max is its size in bytes */
	FT_DATE,      /* YYYY-MM-DD, a real calendar date */
	FT_TIME,      /* HH:MM */
	FT_DATETIME,  /* YYYY-MM-DDTHH:MM (an <input type=datetime-local>) */
	FT_URL,       /* http:// or https:// address without spaces */
	FT_DECIMAL,   /* digits with at most one decimal place, '.' or ',' (academic hours) */
	FT__MAX
};

struct field {
	const char *name;
	const char *label; /* «Электронная почта» */
	enum field_type type;
	long min, max;       /* code points for strings; value for FT_INT */
	const char *choices; /* FT_ENUM only */
};

/* Validates one value in place (lower-cases e-mail). Returns 1 when valid, 0 when
 * not, with a Russian reason in *why (static string). Empty values are not
 * passed here: an empty field counts as absent. */
int valid_check(const struct field *, char *val, size_t len, const char **why);
const struct field *valid_find(const struct field *table, const char *name, size_t len);

/* ---------------------------------------------------------------- db
 * One connection per worker. Statements are prepared lazily from tables of
 * struct dbq (one table per area, in db_<area>.c) and re-prepared after a
 * reconnect. Never reconnects inside a transaction: a lost connection there
 * fails the transaction, and db_tx retries it whole. */
struct db;

enum dbt { DBT_NULL, DBT_INT, DBT_STR };
struct dbv {
	enum dbt t;
	long long i;
	const char *s; /* for DBT_STR; NUL-terminated, len bytes */
	size_t len;
};

struct dbq {
	const char *sql;
	void *stmt;        /* MYSQL_STMT *, owned by db.c */
	unsigned long gen; /* connection generation it was prepared on */
};

/* Result rows, allocated in the request arena; cells are DBT_NULL or DBT_STR
 * (ints come back as strings; use dbres_int). */
struct dbres {
	size_t nrows, ncols;
	struct dbv *cells; /* nrows * ncols */
	unsigned long long affected, insert_id;
};

#define DB_DV_NULL      ((struct dbv){.t = DBT_NULL})
#define DB_DV_INT(x)    ((struct dbv){.t = DBT_INT, .i = (x)})
#define DB_DV_STR(x)    ((struct dbv){.t = DBT_STR, .s = (x), .len = strlen(x)})
#define DB_DV_BIN(x, n) ((struct dbv){.t = DBT_STR, .s = (const char *)(x), .len = (n)})
/* A string that may be NULL, and an id where 0 means "none": SQL NULL then. */
static inline struct dbv db_dv_str_or_null(const char *s)
{
	return s != NULL ? DB_DV_STR(s) : DB_DV_NULL;
}
static inline struct dbv db_dv_id_or_null(long long id)
{
	return id > 0 ? DB_DV_INT(id) : DB_DV_NULL;
}

/* Returns a connected handle or NULL (logged). Arguments are copied. */
struct db *db_open(const char *socket, const char *user, const char *password, const char *dbname);
void db_close(struct db *);
/* Runs one statement; rows land in res (may be NULL) in arena a.
 * Returns 0 on success, -1 on failure (db_errno tells why). Outside a
 * transaction, a lost connection is re-established, and a SELECT is run once
 * more (a write is not: it may have committed before the connection dropped). */
int db_run(struct db *, struct dbq *, const struct dbv *params, size_t n, struct dbres *res, struct arena *a);
/* The server error code of the last failure: 1062 duplicate key, 1213 deadlock,
 * 1205 lock wait timeout, 2006/2013 connection lost, 0 none. */
unsigned db_errno(const struct db *);
/* Runs fn(db, arg) inside BEGIN/COMMIT. fn returns < 0 to roll back (its value
 * is returned), >= 0 to commit. Deadlock, lock timeout and lost connection
 * roll back and retry the whole function up to 3 times. Returns fn's value, or
 * -1 when the transaction could not be committed. */
int db_tx(struct db *, int (*fn)(struct db *, void *), void *arg);
int db_ping(struct db *);

const char *dbres_str(const struct dbres *, size_t row, size_t col); /* NULL for SQL NULL */
/* s with LIKE's metacharacters (% _ \) escaped, for "LIKE CONCAT('%', ?, '%')". In the arena. */
const char *db_like_escape(struct arena *, const char *s);
long long dbres_int(const struct dbres *, size_t row, size_t col); /* 0 for SQL NULL */
/* Rows as a JSON array (new reference) of objects: keys name the columns in
 * order; a key starting with '#' makes an integer column (the '#' is dropped).
 * SQL NULL becomes JSON null. */
json_t *dbres_json(const struct dbres *, const char *const *keys);
/* Runs a query and returns dbres_json of its rows, or NULL on failure. */
json_t *db_json(struct db *, struct dbq *, const struct dbv *params, size_t n, struct arena *, const char *const *keys);

/* ---------------------------------------------------------------- tmpl
 * XHTML templates with attribute directives (see templates/pages/layout.xhtml
 * and README). Parsed and compiled once at start; rendering writes values only
 * through html_escape, so escaping holds by construction. */
struct tmpl_set;

/* Loads every *.xhtml file of dir. Returns NULL (logged) when a file is not
 * well-formed, has a DOCTYPE or uses an unknown directive. */
struct tmpl_set *tmpl_load(const char *dir);
void tmpl_free(struct tmpl_set *);
/* Renders page `name` inside the layout with context ctx. <t:csrf/> asks
 * csrf(arg) for the token only when a form is really rendered (so a page
 * without forms sets no cookie). Returns 1, or 0 when there is no such page. */
int tmpl_render(const struct tmpl_set *, const char *name, json_t *ctx, const char *(*csrf)(void *), void *arg,
		struct buf *out);

/* ---------------------------------------------------------------- app, req, resp */
enum method { M_GET, M_POST, M_HEAD, M_OTHER };

enum role { ROLE_ORGANIZER, ROLE_REVIEWER, ROLE_ADMIN, ROLE__MAX };
extern const char *const role_codes[ROLE__MAX]; /* "organizer", ... as in SQL */
extern const char *const role_names[ROLE__MAX]; /* «организатор», ... */

struct grant {
	long long id;
	enum role role;
	long long region_id, sector_id; /* 0 = any */
};

struct user {
	long long id;
	const char *email, *name;
	struct grant *grants;
	size_t ngrants;
};

struct req;
typedef int (*handler_fn)(struct req *);

/* Route flags: what the front line checks before the handler runs. */
#define R_LOGIN  0x1 /* a signed-in user; guests are sent to /login */
#define R_ADMIN  0x2 /* an administrator */
#define R_NOCSRF 0x4 /* POST without a CSRF token (liveness, scripts with their own token) */

struct route {
	enum method method;
	const char *pattern; /* "/admin/users/{id}": {name} captures one segment; a name ending in "id" only digits */
	handler_fn fn;
	int flags;
};

struct program {
	const char *name;
	const struct route *routes;
	const struct field *fields;
	int nodb; /* serves without a database connection (the H0 baseline) */
};

struct app {
	const struct program *prog;
	struct config cfg;
	struct tmpl_set *tmpl;
	struct db *db;
	unsigned char key[32]; /* secret_key: CSRF tokens, code HMACs */
	const char *base_url;
	size_t body_max;
	int secure_cookies;
	int pwhash_min;   /* "pwhash = min": cheapest argon2id, for tests only */
	long session_ttl; /* seconds */
};

/* Every program's field table carries the CSRF token field. */
#define FIELD_CSRF                                                                                                     \
	{                                                                                                              \
		"csrf", "Токен формы", FT_TOKEN, 20, 64, NULL                                                          \
	}

struct kv {
	const char *key, *val;
	size_t len;
	const char *filename, *ctype; /* multipart file parts only */
};

/* The request's connection: FastCGI (fcgx set) or plain CGI (environment, stdin, stdout). */
struct req_io {
	void *fcgx; /* FCGX_Request *, NULL in CGI mode */
};
/* A CGI/FastCGI parameter, or NULL. Valid until the request finishes. */
const char *io_param(struct req_io *, const char *name);
/* Reads up to n body bytes; returns the count, 0 at the end, -1 on error. */
long io_read(struct req_io *, char *, size_t n);
void io_write(struct req_io *, const void *, size_t n);
/* FastCGI listener on a unix socket path (mode 0666 so nginx's workers can
 * connect), or fd 0 when the process was started with a socket there; -1 when
 * neither. */
int io_listen(const char *path);
/* Worker loop: accepts and calls fn for each request until prefork_stopping
 * or an accept failure. */
void io_accept_loop(int fd, void (*fn)(struct req_io *, void *), void *arg);

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
};

/* Program start: loads config (-c FILE, default $SEM_CONFIG or var/app.conf),
 * templates and secrets. Returns 1 or -1 (logged). */
int app_init(struct app *, const struct program *, int argc, char **argv);
/* Serves until SIGTERM: as a pre-forking FastCGI master on `listen` (or on fd 0
 * when it is a socket), or, when REQUEST_METHOD is set, one CGI request on
 * stdin/stdout. Returns the process exit code. */
int app_serve(struct app *);

/* A program's whole main(): app_init, then app_serve. Returns the exit code. */
int app_main(const struct program *, int argc, char **argv);

/* Parses the request line, cookies, query and body, validating every field
 * against the program's table. Returns 0, or an HTTP status (400, 413, 415)
 * with r->errmsg set. */
int req_parse(struct req *);
/* Writes status line, headers and body (none for HEAD) to the client. */
void resp_send(struct req *);

/* Pre-forking master: runs child(arg) in n worker processes, restarts a worker
 * that dies, and on SIGTERM or SIGINT passes the signal on and waits for the
 * workers to drain (at most drain_s seconds). Returns the exit code. */
int prefork_run(int n, void (*child)(void *), void *arg, int drain_s);
/* Set by the worker's SIGTERM handler: finish the current request, then exit. */
extern volatile int prefork_stopping;

/* Request input. Values are validated by the program's field table before the
 * handler runs; absent and empty fields give NULL. */
const char *req_param(const struct req *, const char *name);
/* All values of a repeated field (checkboxes), up to max; returns the count. */
size_t req_params(const struct req *, const char *name, const char **out, size_t max);
/* Parses a validated FT_ID/FT_INT field; returns def when absent. */
long long req_int(const struct req *, const char *name, long long def);
const struct kv *req_file(const struct req *, const char *name);
const char *req_cookie(const struct req *, const char *name);
const char *req_header(const struct req *, const char *cgi_name); /* "HTTP_USER_AGENT" */
/* Route capture i as an id; 0 when not a positive integer. */
long long req_arg_id(const struct req *, int i);

/* Response helpers. Each returns the HTTP status, so handlers end with
 * `return page(r, "home", ctx);`. ctx ownership passes to the request. */
int page(struct req *, const char *tmpl, json_t *ctx);
int fail(struct req *, int status, const char *msg);
/* Field-named 400: «Поле «label»: why». */
int fail_field(struct req *, const char *name, const char *why);
int redirect(struct req *, const char *path);
void resp_header(struct req *, const char *name, const char *value);
/* A file answer of the body already written: the content type follows the
 * name's extension (csv, xlsx, pdf, png, svg, ics), and Content-Disposition
 * is "attachment" (download) or "inline" with that name. Returns 200. */
int resp_file(struct req *, const char *disposition, const char *filename);
/* max_age < 0: session cookie; 0: delete. Always HttpOnly, SameSite=Lax, Path=/. */
void resp_cookie(struct req *, const char *name, const char *value, long max_age);

/* GET /healthz of every program: 200 when the database answers, 503 when not. */
int app_healthz(struct req *);

/* Audit log: who (current user), what, which object, from where. Returns 0 or -1. */
int audit(struct req *, const char *action, const char *object_type, long long object_id, const char *detail);

/* ---------------------------------------------------------------- auth */

/* Hashes a password with argon2id into out (crypto_pwhash_STRBYTES bytes).
 * Returns 0, or -1 when out of memory. */
int auth_hash_password(const struct app *, const char *pw, char *out);
/* Returns 1 when pw matches the stored hash, 0 when not. */
int auth_verify_password(const char *hash, const char *pw);
/* Loads the user of the session cookie, if any. Returns 1, or -1 on database failure. */
int auth_load(struct req *);
/* Starts a new session for person id (a new id at every login). Returns 1 or -1. */
int auth_login(struct req *, long long person_id);
int auth_logout(struct req *);
/* The CSRF token of this visitor (sets the guest cookie when needed). */
const char *auth_csrf(struct req *);
/* Returns 1 when the posted token matches. */
int auth_csrf_ok(struct req *);
/* Returns 1 when the user holds role for the given region and sector. A
 * positive id must be covered by the grant's scope (a NULL scope covers all);
 * 0 asks for a grant of any region (or sector); -1 accepts any grant of the
 * role ("is an organiser somewhere"). Admins hold every role. */
int auth_has(const struct req *, enum role, long long region_id, long long sector_id);
/* Object-level check for handlers: returns 0 when allowed, otherwise the status
 * to return (401 for a guest, 403 with a message set). */
int auth_require(struct req *, enum role, long long region_id, long long sector_id);
/* Online attendance: the short code shown on the broadcast for a session,
 * 6 digits from an HMAC of the secret key, the session and the time window
 * (CODE_WINDOW seconds; window = unix time / CODE_WINDOW). */
#define CODE_WINDOW 45
void auth_session_code(const struct app *, long long session_id, long long window, char out[7]);
/* Object-level check of the organiser's screens: loads seminar id (from the
 * path) for an organiser of its region or an administrator. Returns 0, or the
 * status to return (404 no such seminar, 401/403, 500). */
struct seminar;
int auth_seminar(struct req *, long long id, struct seminar *);
/* Throttling: counts one hit in bucket; returns the hits in the current window
 * of `window` seconds (after this one), or -1 on database failure. */
long auth_throttle_hit(struct req *, const char *bucket, long window);
long auth_throttle_get(struct req *, const char *bucket, long window);
int auth_throttle_clear(struct req *, const char *bucket);

/* ---------------------------------------------------------------- db_auth: accounts, sessions, grants */
struct person_new {
	const char *email, *password_hash, *full_name, *full_name_dat, *phone, *position;
	long long organization_id;
	const char *consent_version;
};
/* Returns the new id, 0 when the e-mail is taken, -1 on failure. */
long long db_person_create(struct db *, const struct person_new *);
/* Returns 1 with id and hash (arena), 0 unknown or disabled, -1 failure. */
int db_person_password(struct db *, struct arena *, const char *email, long long *id, const char **hash);
int db_session_create(struct db *, const unsigned char hash[32], long long person_id, long ttl, const char *ip);
int db_session_delete(struct db *, const unsigned char hash[32]);
/* Returns 1 with user filled (arena), 0 no such live session, -1 failure. */
int db_session_user(struct db *, struct arena *, const unsigned char hash[32], struct user *);
/* Returns 1 granted, 0 already held, -1 failure (db_errno 1452: no such region or sector). */
int db_grant_add(struct db *, long long person_id, enum role, long long region_id, long long sector_id, long long by);
/* Returns 1 revoked (person_id set), 0 no such grant, -1 failure. */
int db_grant_revoke(struct db *, long long grant_id, long long *person_id);
long db_throttle(struct db *, struct arena *, const char *bucket, long window, int hit);
int db_throttle_clear(struct db *, const char *bucket);
int db_audit(struct db *, long long person_id, const char *action, const char *otype, long long oid, const char *ip,
	     const char *detail);

/* ---------------------------------------------------------------- db_ref: sectors, territory, register
 * Each returns a JSON array (new reference) of objects, or NULL on failure. */
json_t *db_sectors(struct db *, struct arena *);
json_t *db_regions(struct db *, struct arena *);
json_t *db_districts(struct db *, struct arena *, long long region_id);
/* Active organisations of a district: {id, short_name, sector_name}. */
json_t *db_organizations(struct db *, struct arena *, long long district_id);
/* Active organisations of a region: {id, short_name, district}, by district and name. */
json_t *db_region_organizations(struct db *, struct arena *, long long region_id);
/* Returns 1 with the organisation's region and district, 0 no such active organisation, -1 failure. */
int db_organization_place(struct db *, struct arena *, long long organization_id, long long *region_id,
			  long long *district_id);

/* ---------------------------------------------------------------- db_people: profile and administration */
/* {full_name, full_name_dat, email, phone, position, organization, district, region}, or
 * json_null() when absent; NULL on failure. */
json_t *db_person_profile(struct db *, struct arena *, long long person_id);
/* People matching q (name or e-mail), newest first: {id, email, full_name, organization, roles}. */
json_t *db_people_search(struct db *, struct arena *, const char *q, long limit);
/* {id, role, role_name, region_name, sector_name} of a person. */
json_t *db_person_grants(struct db *, struct arena *, long long person_id);

/* ---------------------------------------------------------------- db_seminar: seminars, sessions, registrations */
enum mode { MODE_IN_PERSON, MODE_ONLINE, MODE__MAX };
extern const char *const mode_codes[MODE__MAX]; /* "in_person", "online" as in SQL */
extern const char *const mode_names[MODE__MAX]; /* «очно», «онлайн» */

struct seminar {
	long long id, organizer_id, region_id, district_id;
	const char *title, *description, *format, *status, *venue, *address, *stream_url;
	const char *reg_opens_at, *reg_closes_at, *hours, *starts_at, *ends_at, *district, *region, *sectors;
	long long cap[MODE__MAX];    /* -1: unlimited */
	long long taken[MODE__MAX];  /* confirmed registrations */
	long long org_limit;         /* 0: none */
	int reg_not_yet, reg_over;   /* the registration window has not opened / has closed */
	const char *attendance_rule; /* door, online, either, both */
	long long online_min_percent;
};

/* Returns 1 with s filled (strings in the arena), 0 no such seminar, -1 failure. */
int db_seminar_get(struct db *, struct arena *, long long id, struct seminar *s);
/* Whether the seminar's format offers the mode. */
int seminar_offers(const struct seminar *, enum mode);

struct seminar_edit {
	long long id; /* 0: create */
	long long organizer_id, region_id, district_id;
	const char *title, *description, *format, *venue, *address, *stream_url, *reg_opens, *reg_closes, *hours;
	long long cap_in_person, cap_online; /* cap_online -1: unlimited */
	long long org_limit;                 /* 0: none */
	const char *attendance_rule;         /* door, online, either, both */
	long long online_min_percent;        /* of the sessions, for the online evidence */
	long long sector_ids[8];
	size_t nsectors;
};
/* Creates or updates a seminar and its sectors in one transaction; raising a
 * capacity promotes the waiting list. Returns the id, 0 when a capacity would
 * fall below the confirmed registrations (nothing changed), -1 on failure. */
long long db_seminar_save(struct db *, const struct seminar_edit *);
/* Returns 1 changed, 0 the transition is not allowed from the current status
 * (publishing needs a session), -1 failure. */
int db_seminar_set_status(struct db *, long long id, const char *status);
/* Returns the new session id or -1; the seminar's first/last dates follow. */
long long db_seminar_session_add(struct db *, long long seminar_id, const char *starts, const char *ends);
/* Returns 1 deleted, 0 no such session of that seminar, -1 failure. */
int db_seminar_session_delete(struct db *, long long seminar_id, long long session_id);
/* Sessions of a seminar: {id, starts_at, ends_at}. */
json_t *db_seminar_sessions(struct db *, struct arena *, long long seminar_id);
json_t *db_seminar_sector_ids(struct db *, struct arena *, long long seminar_id);

struct catalogue_filter {
	const char *q, *format, *from, *to; /* from/to: YYYY-MM-DD */
	long long sector_id, region_id, district_id;
	long limit, offset;
};
/* Published seminars matching f, soonest first: {id, title, starts_at, venue, district, format,
 * cap_in_person, cap_online, taken_in_person, taken_online, sectors}; *total counts all matches. */
json_t *db_catalogue(struct db *, struct arena *, const struct catalogue_filter *f, long long *total);
/* Seminars an organiser may manage (all for region 0... see db_seminar.c), newest first, with counts:
 * {id, title, status, format, starts_at, region_id, organizer_id, cap_in_person, cap_online,
 *  in_person_confirmed, in_person_waitlisted, in_person_cancelled, online_confirmed, ...}. */
json_t *db_manage_seminars(struct db *, struct arena *);

enum reg_outcome {
	REG_CONFIRMED,  /* a place was taken */
	REG_WAITLISTED, /* the mode is full: queued */
	REG_REPLAY,     /* the same request again: out holds the first outcome */
	REG_ALREADY,    /* the person already has an active registration */
	REG_NO_SEMINAR,
	REG_NOT_OPEN,  /* draft */
	REG_CANCELLED, /* the seminar is cancelled */
	REG_FINISHED,
	REG_WINDOW,     /* outside the registration window */
	REG_BAD_MODE,   /* the format does not offer this mode */
	REG_ORG_LIMIT,  /* the organisation's places are used up */
	REG_KEY_REUSED, /* the idempotency key belongs to another request */
	REG__MAX
};

struct signup {
	long long seminar_id, person_id;
	enum mode mode;
	const char *idem_key; /* may be NULL */
	int by_organizer;     /* taken by an organiser: the window does not apply */
	long long actor_id;   /* who did it, for the audit log */
	const char *ip;
};
struct reg_state {
	long long id;
	enum mode mode;
	const char *status; /* "confirmed", "waitlisted", "cancelled" (static strings) */
};
/* Signs a person up in one transaction with the seminar row locked: a place
 * is taken only if one is free, otherwise the person joins that mode's
 * waiting list; a new registration is written to the audit log in the same
 * transaction. Returns the outcome with out filled for CONFIRMED, WAITLISTED,
 * REPLAY and ALREADY, or -1 on database failure. */
int db_register(struct db *, const struct signup *, struct reg_state *out);

struct reg_info {
	long long id, seminar_id, person_id, region_id;
	enum mode mode;
	const char *status;
};
/* Returns 1 with the registration and its seminar's region, 0 none, -1 failure. */
int db_registration_get(struct db *, struct arena *, long long id, struct reg_info *);
/* Returns 1 with the registration of person in seminar, 0 none, -1 failure; position is the
 * place in the waiting list (0 when not waiting). */
int db_registration_of(struct db *, struct arena *, long long seminar_id, long long person_id, struct reg_info *,
		       long long *position);
/* Cancels; a confirmed place goes to the first person waiting for that mode in the
 * same transaction. Returns 1 cancelled, 0 it already was, -1 failure. */
int db_registration_cancel(struct db *, long long id);
/* Moves a registration to the other mode when that mode has a free place (the
 * freed place goes to the waiting list). Returns 1 moved, 0 no free place or the
 * format lacks the mode or the registration is cancelled, 2 it already is in that
 * mode (nothing changed), -1 failure. */
int db_registration_switch(struct db *, long long id, enum mode to);
/* The person's registrations, soonest first: {id, seminar_id, title, starts_at, ends_at, venue,
 * district, format, mode, status, position}. */
json_t *db_person_registrations(struct db *, struct arena *, long long person_id);

struct participant_filter {
	const char *q, *status, *mode;
	long long district_id, organization_id;
};
/* Registrations of a seminar for the organiser: {id, person_id, full_name, organization, district, email,
 * phone, position, mode, status, queue_position, created_at}, by status then queue order. */
json_t *db_participants(struct db *, struct arena *, long long seminar_id, const struct participant_filter *);
/* Organisations and districts that appear among a seminar's registrations: {id, name}. */
json_t *db_participant_orgs(struct db *, struct arena *, long long seminar_id);
json_t *db_participant_districts(struct db *, struct arena *, long long seminar_id);
/* Registrations of a seminar counted by {mode, status, n}. */
json_t *db_registration_counts(struct db *, struct arena *, long long seminar_id);
/* A version of everything the catalogue shows of seminars: the latest change of any seminar row
 * (places included). "" when there are none; NULL on failure. In the arena. */
const char *db_seminars_version(struct db *, struct arena *);
/* ---------------------------------------------------------------- db_checkin: tickets, scans, attendance */
struct scan_in {
	long long seminar_id, session_id, operator_id;
	const char *code;           /* ticket code as read (validated token) */
	const char *client_scan_id; /* the device's id of this scan: a retried upload is a no-op */
	const char *device_id;      /* may be NULL */
	const char *device_time;    /* "YYYY-MM-DD HH:MM:SS" when the device saw it, or NULL */
	const char *method;         /* "qr" or "manual" */
};
struct scan_out {
	const char *result; /* ok, already, invalid, other_seminar, cancelled, waitlisted */
	long long scan_id, registration_id;
	const char *name, *organization, *at, *by; /* the person, and when and by whom checked in */
	int conflict;                              /* already checked in on another device */
	int replay;                                /* this client_scan_id was stored before */
};
/* Records one door scan and its check-in in one transaction (strings in the arena).
 * Returns 1, or -1 on failure. */
int db_checkin_scan(struct db *, struct arena *, const struct scan_in *, struct scan_out *);
/* Takes back the check-in made by scan_id (an 'undo' event; nothing is deleted).
 * Returns 1 undone, 2 this very undo (client_scan_id) was done before, 0 nothing
 * to undo, -1 failure. */
int db_checkin_undo(struct db *, struct arena *, long long seminar_id, long long scan_id, const char *client_scan_id,
		    const char *device_id, long long operator_id);
/* Confirmed tickets of a seminar, for offline checks: {code, name, organization, mode}. */
json_t *db_checkin_tickets(struct db *, struct arena *, long long seminar_id);
/* {registered, present_in_person, present_online} for a session. */
json_t *db_checkin_counts(struct db *, struct arena *, long long seminar_id, long long session_id);
/* Registrations whose person or organisation matches q: {registration_id, name, organization, code,
 * status, mode, present}. */
json_t *db_checkin_search(struct db *, struct arena *, long long seminar_id, long long session_id, const char *q);

struct ticket {
	long long id, person_id, seminar_id, region_id;
	const char *code, *status, *mode, *name, *organization, *title, *starts_at, *ends_at, *venue, *address;
};
/* Sessions running now (15 minutes of grace either side) of seminars where the person has a
 * confirmed registration: {session_id, seminar_id, registration_id, title}. */
json_t *db_online_candidates(struct db *, struct arena *, long long person_id);
/* Records online presence at a session (a scan event and the attendance row, once).
 * Returns 1 recorded, 0 it already was, -1 failure. */
int db_online_attend(struct db *, struct arena *, long long seminar_id, long long session_id, long long registration_id,
		     long long person_id, const char *client_scan_id);
/* The attendance journal: {session_id, session, full_name, organization, district, mode, at} for every
 * check-in not undone, by session and arrival; session_id 0 for all sessions. */
json_t *db_journal(struct db *, struct arena *, long long seminar_id, long long session_id);

/* The registration whose ticket has this code: its id, 0 none, -1 failure. */
long long db_ticket_by_code(struct db *, struct arena *, const char *code);
/* Returns 1 with the registration's ticket data (arena), 0 none, -1 failure. */
int db_ticket_get(struct db *, struct arena *, long long registration_id, struct ticket *);

/* Looks up a person by e-mail: returns the id, 0 none, -1 failure. */
long long db_person_by_email(struct db *, struct arena *, const char *email);

/* ---------------------------------------------------------------- export: spreadsheets for Excel
 * Tables for download, as CSV or XLSX. Rows are a JSON array of objects; each
 * column takes object[key]. A value may be a string, an integer, a real, a
 * boolean (1 or 0) or null (an empty cell, as is a missing key or ""). A string
 * in a numeric column ("12", "-3.5", "2,5", "1e3") is converted; a string that is
 * not a number, or not a date in a date column, is written as text, verbatim.
 * A string counts up to its first NUL. An object or array value is a caller
 * error: the export returns -1 (logged). */
enum export_kind {
	EX_TEXT,    /* strings as text; a number given here stays a number */
	EX_INT,     /* whole numbers */
	EX_NUMBER,  /* any number */
	EX_PERCENT, /* a FRACTION: 0.875 shows as 87,5% (not 87.5) */
	EX_DATE,    /* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (also with 'T'), year 1900..9999 */
	EX__MAX
};

struct export_col {
	const char *key;   /* object key of the value */
	const char *title; /* header text; NULL uses key */
	enum export_kind kind;
	double width; /* XLSX column width in characters; 0 picks a default for the kind */
};

/* Appends a CSV file for Russian-locale Excel: UTF-8 with a BOM, ';' between
 * fields, CRLF line ends, a header row of titles; numbers with a decimal comma,
 * percents as "87,5%", dates as "DD.MM.YYYY" or "DD.MM.YYYY HH:MM". A text cell
 * starting with = + - @ TAB or CR gets a leading apostrophe (formula injection
 * guard). Returns 0, or -1 (logged) with out left as it was. */
int export_csv(struct buf *out, const struct export_col *cols, size_t ncols, json_t *rows);
/* Appends an .xlsx workbook of one sheet named sheet (sanitised for Excel: at
 * most 31 characters, none of []:*?/\; NULL or empty gives «Лист1»). When
 * title is not NULL it fills row 1 in large bold type; then a bold header row,
 * frozen and with an autofilter over the data. Numbers are numbers, percents
 * are fractions shown as "0.0%", dates are real Excel dates; text over 32767
 * characters is cut (Excel's limit). Writes through a temporary file in
 * $TMPDIR (or /tmp), removed before returning. Returns 0, or -1 (logged) with
 * out left as it was. */
int export_xlsx(struct buf *out, const char *sheet, const char *title, const struct export_col *cols, size_t ncols,
		json_t *rows);

/* ---------------------------------------------------------------- qr: QR codes and printable tickets
 * The code of a text (UTF-8, 1 to 1,000 bytes), error correction level M
 * (15% of the symbol may be damaged), with a quiet zone of 4 modules.
 * module_px is 1..16. Each appends to out and returns 0, or -1 (logged) with
 * out left as it was, when the text is empty, too long or not UTF-8. */

/* A standalone SVG document: a white square and one <path> of the dark
 * modules, viewBox in modules, width and height modules * module_px,
 * shape-rendering crispEdges. No input text appears in it but as modules, so
 * it can be inlined in a page. */
int qr_svg(struct buf *out, const char *text, int module_px);
/* A PNG image, black on white, (modules) * module_px pixels square. */
int qr_png(struct buf *out, const char *text, int module_px);

/* What a ticket shows; a NULL or empty field is left out. */
struct ticket_pdf {
	const char *title;        /* the seminar, wrapped over up to 4 lines */
	const char *name;         /* the participant */
	const char *organization; /* these four: up to 2 lines each */
	const char *when, *where, *mode;
	const char *code_text; /* printed in small monospace under the code */
	const char *url;       /* what the QR code holds (the limits of qr_svg apply) */
};
/* Appends a PDF of one A4 portrait page: «Билет участника», the fields, a QR
 * code of url 64 mm wide (vector), code_text, and a footer telling to show
 * the code at the door. Text is set in PT Sans (fontconfig substitutes a font
 * when it is missing); a line too long is cut with an ellipsis. Returns 0, or
 * -1 (logged) with out left as it was, when a field is not UTF-8 or url is
 * not a valid QR text. */
int ticket_pdf(struct buf *out, const struct ticket_pdf *t);
/* Appends a printable PDF of rows (A4 landscape): title on the first page, the
 * header row on every page, column widths in proportion to cols[].width, a cell
 * too long cut with an ellipsis, page numbers. Returns 0, or -1 (logged). */
int table_pdf(struct buf *out, const char *title, const struct export_col *cols, size_t ncols, json_t *rows);

/* ---------------------------------------------------------------- cert: certificate templates (SVG) and PDFs
 * A template is an SVG document (Inkscape works): placeholders {{name}} anywhere in text, and an
 * element with id="qr" (a <rect> with x, y, width, height) that the QR code of the verification
 * URL replaces. Uploads are parsed from memory (no network, no DTD, no entities; a DOCTYPE is
 * refused) and reduced to an allow-list of SVG elements and attributes; only the sanitised form is
 * stored. The PDF is rendered in process with librsvg and cairo. */
enum cert_field {
	CF_FULL_NAME,     /* {{full_name}}      Иванова Мария Петровна */
	CF_FULL_NAME_DAT, /* {{full_name_dat}}  Ивановой Марии Петровне */
	CF_ORGANIZATION,  /* {{organization}} */
	CF_SEMINAR,       /* {{seminar}}        the title */
	CF_DATES,         /* {{dates}}          12–13 ноября 2026 г. */
	CF_HOURS,         /* {{hours}}          8 */
	CF_FORMAT,        /* {{format}}         очно / онлайн */
	CF_NUMBER,        /* {{number}}         48-2026-00017 */
	CF_ISSUED_ON,     /* {{issued_on}}      22 ноября 2026 г. */
	CF_ISSUER,        /* {{issuer}} */
	CF_SIGNATORY,     /* {{signatory}} */
	CF__MAX
};
/* The placeholder names, in the order of enum cert_field ("full_name", ...). */
extern const char *const cert_field_names[CF__MAX];
struct cert_values {
	const char *v[CF__MAX]; /* NULL prints as empty */
	const char *verify_url; /* what the QR code holds */
};
#define CERT_SVG_MAX   (2 * 1024 * 1024) /* an uploaded template */
#define CERT_IMAGE_MAX (1024 * 1024)     /* one embedded data: image */
/* Sanitises an uploaded template. Returns 0 with the clean SVG appended to out, or -1 with *why
 * saying in Russian what is wrong (not SVG, DOCTYPE, too big, no placeholders, ...). Elements
 * and attributes outside the allow-list are refused, not silently dropped, when they are
 * dangerous (script, foreignObject, on* attributes, external references); harmless unknown ones
 * (Inkscape's metadata, sodipodi:*, inkscape:*) are dropped. */
int cert_sanitize(struct buf *out, const char *svg, size_t len, const char **why);
struct cert_tmpl;
/* Compiles a sanitised template once: parsed, placeholders located. NULL with *why when it
 * cannot be used. The template is shared by every certificate rendered from it. */
struct cert_tmpl *cert_compile(const char *svg, size_t len, const char **why);
void cert_free(struct cert_tmpl *);
/* Bit (1u << f) for every cert_field the template uses. */
unsigned cert_fields_used(const struct cert_tmpl *);
/* Appends a one-page PDF of the filled template. Returns 0, or -1 (logged). */
int cert_pdf(struct buf *out, const struct cert_tmpl *, const struct cert_values *);
/* Many certificates as one PDF, a page each (for printing): open, add each, close. */
struct cert_book;
struct cert_book *cert_book_open(struct buf *out);
int cert_book_add(struct cert_book *, const struct cert_tmpl *, const struct cert_values *);
/* Finishes the PDF into out and frees the book. Returns 0, or -1 when any page failed. */
int cert_book_close(struct cert_book *);

/* ---------------------------------------------------------------- zip: archives in memory
 * Writing: many files in one download. Reading: members of an .xlsx workbook. */
struct zipw;
/* NULL when out of memory. */
struct zipw *zipw_open(void);
/* Adds a member (data is copied); store: no compression (for PDFs, compressed already). 0 or -1. */
int zipw_add(struct zipw *, const char *name, const void *data, size_t len, int store);
/* Appends the finished archive to out and frees the writer. 0 or -1. */
int zipw_close(struct zipw *, struct buf *out);
/* Appends member name of the archive data to out. Returns 1, 0 when there is no such member,
 * -1 when data is not a zip archive or the member is bigger than max (checked while inflating). */
int zip_read(const void *data, size_t len, const char *name, size_t max, struct buf *out);

#endif
