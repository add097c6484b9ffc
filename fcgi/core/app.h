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
/* A seminar's attendance rule (door, online, either, both) in Russian: «отметка на входе по
 * билету», with the online share when percent > 0 and it applies. Static storage. */
const char *attendance_rule_name(const char *rule, long long percent);
/* Base64url without padding, for random tokens. out must hold 4*n/3+4 bytes. */
void b64url_encode(char *out, const unsigned char *in, size_t n);

/* ---------------------------------------------------------------- cache
 * A worker's small cache of whole response bodies (pages that are the same
 * for every guest) or of other data that is costly to read (the country's
 * coverage cells). An entry serves only while the data version it was made
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
#define R_UPLOAD 0x8 /* a file upload: the body may be upload_max bytes (default 20 MB), not body_max */

struct route {
	enum method method;
	const char *pattern; /* "/admin/users/{id}": {name} captures one segment; a name ending in "id" only digits */
	handler_fn fn;
	int flags;
};

struct app;
struct program {
	const char *name;
	const struct route *routes;
	const struct field *fields;
	int nodb; /* serves without a database connection (the H0 baseline) */
	/* Optional background work (certificate issuing): app_serve runs it in
	 * `background_workers` (default 2) extra processes beside the FastCGI
	 * workers, each with its own database connection, restarted like a worker
	 * when it dies. It must return soon after prefork_stopping is set. */
	void (*background)(struct app *);
};

struct app {
	const struct program *prog;
	struct config cfg;
	struct tmpl_set *tmpl;
	struct db *db;
	unsigned char key[32]; /* secret_key: CSRF tokens, code HMACs */
	const char *base_url;
	size_t body_max;
	size_t upload_max; /* the body limit of R_UPLOAD routes */
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

/* Connects a->db with the program's settings when it is not connected (start-up work before the
 * workers fork must db_close it and set it NULL again). Returns 1 when connected, 0 when not (logged). */
int app_db(struct app *);
/* A program's whole main(): app_init, then app_serve. Returns the exit code. */
int app_main(const struct program *, int argc, char **argv);

/* Parses the request line, cookies, query and body, validating every field
 * against the program's table. Returns 0, or an HTTP status (400, 413, 415)
 * with r->errmsg set. */
int req_parse(struct req *);
/* The body limit of the request's route: upload_max for an R_UPLOAD route, body_max otherwise. */
size_t app_body_max(struct req *);
/* Writes status line, headers and body (none for HEAD) to the client. */
void resp_send(struct req *);

/* Pre-forking master: runs child(arg, slot) in n worker processes (slot 0..n-1,
 * kept by a restarted worker), restarts a worker that dies, and on SIGTERM or
 * SIGINT passes the signal on and waits for the workers to drain (at most
 * drain_s seconds). Returns the exit code. */
int prefork_run(int n, void (*child)(void *, int), void *arg, int drain_s);
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
 * name's extension (csv, xlsx, pdf, png, svg, ics, zip), and Content-Disposition
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
/* Active organisations of the register (status 'register') of a district: {id, short_name, sector_name}. */
json_t *db_organizations(struct db *, struct arena *, long long district_id);
/* Active organisations of the register of a region: {id, short_name, district}, by district and name. */
json_t *db_region_organizations(struct db *, struct arena *, long long region_id);
/* Returns 1 with the organisation's region and district, 0 no such active organisation of the register, -1 failure. */
int db_organization_place(struct db *, struct arena *, long long organization_id, long long *region_id,
			  long long *district_id);

/* ---------------------------------------------------------------- db_report: coverage reports
 * Read only the summary tables of migration 005 (coverage_cell, register_cell, coverage_org,
 * coverage_fact) and seminar rows: never a join over registrations. sectors is a
 * comma-separated list of sector ids ("1,3"); period a period key ("all", "2026", "2026-Q4",
 * "2026-11"); from and to the dates "YYYY-MM-DD" the period spans, to excluded. A report's rows
 * are the districts of region_id, or the regions of the country when region_id is 0. */
struct report_cell {
	long long key; /* the district, or the region in the country's report */
	long long sector_id;
	long long orgs, covered, people, people_door, people_online, seminars;
};
/* Returns 1 with the first and the last year that coverage_cell has periods of, 0 when it has
 * none, -1 on failure. */
int db_report_years(struct db *, struct arena *, int *first, int *last);
/* Returns 1 with the district's region and both names (arena), 0 no such district, -1 failure. */
int db_report_district(struct db *, struct arena *, long long id, long long *region_id, const char **name,
		       const char **region);
/* Each fills *cells (arena) with the cells that have counts, and only its own measures (the
 * others 0), and returns their number, or -1 on failure.
 * register: orgs, the active organisations of the register per cell. */
long db_report_register(struct db *, struct arena *, long long region_id, const char *sectors,
			struct report_cell **cells);
/* coverage: covered, people, people_door and people_online per cell in period. */
long db_report_coverage(struct db *, struct arena *, long long region_id, const char *sectors, const char *period,
			struct report_cell **cells);
/* Seminars held (published or finished, with a district, starting in [from, to)) of a row with
 * the same sectors: a report counts a seminar once in a total of any sectors. Sector ids are
 * below 64. */
struct report_seminars {
	long long key;              /* the district, or the region in the country's report */
	unsigned long long sectors; /* bit (1 << id) of each of their sectors */
	long long n;
};
/* Fills *rows (arena) and returns their number, or -1 on failure. */
long db_report_seminars(struct db *, struct arena *, long long region_id, const char *from, const char *to,
			struct report_seminars **rows);
/* The largest district id (a new district or region shows at once in cached reports), -1 on failure. */
long long db_report_last_district(struct db *, struct arena *);
/* Active register organisations of a district as a JSON array (new reference, NULL on failure):
 * {id, short_name, inn, sector_id, sector, covered (1/0 in period), last_on (the latest training
 * before to, or null), people (distinct people trained in [from, to))}, those not covered first,
 * then by name. */
json_t *db_report_district_orgs(struct db *, struct arena *, long long district_id, const char *sectors,
				const char *period, const char *from, const char *to);

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

/* ---------------------------------------------------------------- db_cert: certificate settings, issuing, verification
 * Certificates of a seminar are issued by background jobs (the certs program's runners): a job
 * is queued by the organiser, claimed by one runner in one transaction that numbers and inserts
 * the certificates of every confirmed registration that qualifies by the seminar's rule (the SQL
 * function attendance_qualifies) and has none yet, and then rendered in chunks by every runner. */
#define CERT_CODE_LEN 22 /* verify_code: 16 random bytes, base64url */

/* What a seminar's certificates say beyond the seminar itself. */
struct cert_settings {
	long long template_id;
	const char *issuer, *signatory;
};
/* Returns 1 with s filled (arena), 0 when the seminar has no settings yet, -1 failure. */
int db_cert_settings_get(struct db *, struct arena *, long long seminar_id, struct cert_settings *);
/* Saves (upserts) the settings. Returns 1, 0 when the template is not one of
 * db_cert_templates_usable(region_id), -1 failure. */
int db_cert_settings_save(struct db *, long long seminar_id, long long region_id, const struct cert_settings *);
/* Templates a seminar of the region may use (builtin and the region's, not archived): {id, name}. */
json_t *db_cert_templates_usable(struct db *, struct arena *, long long region_id);
/* The dry run: every confirmed registration of the seminar (and any with a certificate), by name:
 * {registration_id, person_id, full_name, organization, mode, sessions, door_n, online_n,
 *  qualifies (0/1, by attendance_qualifies), counted and needed (the sessions that count under the
 *  rule, and that must: attendance_counted, attendance_needed), missing_sessions («12.11.2026 10:00,
 *  ...»: the sessions without a check-in that counts; null when qualifies), number, verify_code,
 *  revoked_at, reissued_at, version, rendered (0/1: the PDF of the certificate exists)}; number and
 *  the rest are null without a certificate. */
json_t *db_cert_dry_run(struct db *, struct arena *, long long seminar_id);

struct cert_job {
	long long id, seminar_id, total, done;
	const char *status; /* queued, running, done, failed */
	const char *error, *created_at, *finished_at;
};
enum cert_queue {
	CQ_QUEUED,      /* *job_id is the new job */
	CQ_NO_SETTINGS, /* no template chosen yet */
	CQ_STATUS,      /* the seminar is a draft or cancelled */
	CQ_BUSY,        /* a job of the seminar is queued or running: *job_id is that one */
	CQ_NOTHING,     /* nobody qualifies who has no certificate yet, and no PDF is left to make */
	CQ__MAX
};
/* Queues an issuing job for the seminar in one transaction (the checks above first).
 * Returns the outcome, or -1 on failure. */
int db_cert_job_create(struct db *, long long seminar_id, long long person_id, long long *job_id);
/* Returns 1 with the job (arena), 0 none, -1 failure. */
int db_cert_job_get(struct db *, struct arena *, long long job_id, struct cert_job *);
/* The seminar's latest job: 1, 0 none, -1 failure. */
int db_cert_job_last(struct db *, struct arena *, long long seminar_id, struct cert_job *);
/* The oldest queued job: 1, 0 none, -1 failure. */
int db_cert_job_queued(struct db *, struct arena *, struct cert_job *);
/* Running jobs, oldest first, up to max into jobs; returns the count or -1. */
int db_cert_jobs_running(struct db *, struct arena *, struct cert_job *jobs, int max);

/* What the runner works out for a job's certificates; the rest of their snapshot (title,
 * hours, template, issuer, signatory, the person's names and organisation) is read in the
 * claiming transaction. */
struct cert_issue {
	long long job_id, seminar_id;
	const char *prefix; /* the number series: number = prefix + a counter of at least 5 digits */
	const char *dates;  /* «12–13 ноября 2026 г.» */
};
/* Claims a queued job in one transaction: takes the next numbers of the series, inserts
 * a certificate (with a new verify_code) for every qualifying registration without one,
 * and marks the job running with total = the seminar's certificates without a PDF.
 * Returns 1 claimed, 0 when another runner has it or it is not queued, -1 failure. */
int db_cert_job_claim(struct db *, const struct cert_issue *);
/* Marks a job failed with a Russian message. Returns 0 or -1. */
int db_cert_job_fail(struct db *, long long job_id, const char *error);

/* A certificate as stored: the snapshot of its current version. */
struct cert_row {
	long long id, registration_id, seminar_id, person_id, template_id, version;
	long long region_id; /* the seminar's; 0 where not loaded (render callbacks, batches) */
	int rendered;        /* its PDF is stored; set where region_id is */
	const char *number, *verify_code, *full_name, *full_name_dat, *organization, *seminar_title, *dates, *hours,
		*format, *issuer, *signatory, *issued_at, *reissued_at, *revoked_at, *revoke_reason;
};
/* Renders the PDF of a certificate into out; 0 or -1. */
typedef int (*cert_render_fn)(void *arg, const struct cert_row *, struct buf *out);
/* Renders up to limit certificates of the job's seminar that have no PDF, in one
 * transaction: claimed with FOR UPDATE SKIP LOCKED (so several runners share a job),
 * stored, and added to the job's done count. When none is left at all, marks the job
 * done. Returns the number claimed (0: nothing to do here now), or -1 on failure
 * (a render failure rolls back and marks the job failed). */
int db_cert_render_chunk(struct db *, const struct cert_job *, int limit, cert_render_fn, void *arg);

/* Returns 1 with the certificate (arena; region_id set), 0 none, -1 failure. */
int db_cert_by_number(struct db *, struct arena *, const char *number, struct cert_row *);
int db_cert_by_code(struct db *, struct arena *, const char *code, struct cert_row *);
/* The verify_code of the certificate with this number whose holder's surname (the first word
 * of the name; case and е/ё do not matter) is surname: 1 with *code (arena), 0 none, -1 failure. */
int db_cert_lookup(struct db *, struct arena *, const char *number, const char *surname, const char **code);
/* The stored PDF of a certificate: 1 with pdf (arena) and len, 0 none yet, -1 failure. */
int db_cert_pdf(struct db *, struct arena *, long long cert_id, const char **pdf, size_t *len);
/* Certificates of a seminar that are issued (PDF stored) and not revoked, in number order:
 * rows with id > after_id, at most limit, into *rows (arena); with_pdf also loads each PDF
 * (pdf, len arrays in the arena). Returns the count, or -1. */
int db_cert_seminar_batch(struct db *, struct arena *, long long seminar_id, long long after_id, int limit,
			  int with_pdf, struct cert_row **rows, const char ***pdf, size_t **len);
/* Revokes with a reason, audited in the same transaction. Returns 1, 0 already revoked, -1 failure. */
int db_cert_revoke(struct db *, long long cert_id, const char *reason, long long by, const char *ip);
/* Re-issues: the snapshot takes the person's current name, dative name and organisation,
 * version + 1, reissued_at now, the new PDF (render) stored, same number and verify_code,
 * audited, all in one transaction. A revoked certificate is re-issued (and so restored) only
 * while its registration is confirmed and qualifies by the seminar's rule. Returns 1 with
 * out filled (arena), 0 when revoked and not qualifying, -1 failure. */
int db_cert_reissue(struct db *, struct arena *, long long cert_id, long long by, const char *ip, cert_render_fn,
		    void *arg, struct cert_row *out);
/* A person's certificates whose PDF exists, newest first: {number, verify_code, seminar_title,
 * dates, issued_at, reissued_at, revoked_at}. */
json_t *db_person_certificates(struct db *, struct arena *, long long person_id);

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
/* The dark modules as SVG path data to be stroked 1 unit wide with butt caps: each run of dark
 * modules is a line through the middle of its row ("M4 4.5h7..."), in module units with the quiet
 * zone, for embedding in another SVG document; *modules is the side of the symbol with its quiet zone. */
int qr_path(struct buf *out, const char *text, int *modules);

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
/* (*why is a static string, or a static buffer that the next call overwrites.) */
struct cert_tmpl;
/* Compiles a sanitised template once: parsed, placeholders located. NULL with *why when it
 * cannot be used. The template is shared by every certificate rendered from it. */
struct cert_tmpl *cert_compile(const char *svg, size_t len, const char **why);
void cert_free(struct cert_tmpl *);
/* Bit (1u << f) for every cert_field the template uses. */
unsigned cert_fields_used(const struct cert_tmpl *);
/* The text of the template's <title> (its name as the designer gave it), or NULL. */
const char *cert_title(const struct cert_tmpl *);
/* Appends a one-page PDF of the filled template. Returns 0, or -1 (logged). */
int cert_pdf(struct buf *out, const struct cert_tmpl *, const struct cert_values *);
/* Many certificates as one PDF, a page each (for printing): open, add each, close. */
struct cert_book;
struct cert_book *cert_book_open(struct buf *out);
int cert_book_add(struct cert_book *, const struct cert_tmpl *, const struct cert_values *);
/* Finishes the PDF into out and frees the book. Returns 0, or -1 when any page failed. */
int cert_book_close(struct cert_book *);

/* ---------------------------------------------------------------- db_cert_template: stored certificate templates */
struct cert_template_row {
	long long id, owner_id, region_id; /* owner_id, region_id 0: none (builtin; every region) */
	const char *name, *svg, *builtin;  /* builtin: the file name, or NULL for an upload */
	int archived;
};
/* Returns 1 with the template (strings in the arena; svg only when with_svg), 0 no such template, -1 failure. */
int db_cert_template_get(struct db *, struct arena *, long long id, int with_svg, struct cert_template_row *);
/* Templates not archived, builtin ones first: {id, name, builtin, owner_id, owner_name, region_id, region_name,
 * created_at} (owner_id, region_id null when none). */
json_t *db_cert_templates(struct db *, struct arena *);
/* Stores a sanitised upload and its audit record ('certificate_template.upload') in one transaction.
 * region_id 0: every region. Returns the new id, or -1. */
long long db_cert_template_create(struct db *, const char *name, const char *svg, long long owner_id,
				  long long region_id, const char *ip);
/* Archives a template with its audit record. Returns 1 archived, 0 it already was, -1 failure. */
int db_cert_template_archive(struct db *, long long id, long long person_id, const char *ip);
/* Inserts or updates the builtin template of file `builtin`. Returns its id, or -1. */
long long db_cert_template_builtin(struct db *, const char *builtin, const char *name, const char *svg);

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

/* ---------------------------------------------------------------- sheet: spreadsheet uploads
 * A CSV or XLSX upload read into rows of text cells, for the register imports.
 * CSV: UTF-8 with or without a BOM, or Windows-1251 (Excel's "CSV" in a Russian
 * locale; converted), ';' or ',' (or a tab) between fields, whichever the first
 * line has most of, quotes per RFC 4180, CRLF or LF. XLSX: the workbook's first
 * worksheet with shared and inline strings; a whole number is written as people
 * read it (4816105358, not 4.816105358E9), booleans as 1 and 0, formulas by their
 * cached value. Parsed from memory with libxml2 (no network, no DTD, a DOCTYPE
 * refused); an inflated member is capped, so a zip bomb is refused. */
#define SHEET_ROWS_MAX  100000             /* non-empty rows of a file */
#define SHEET_COLS_MAX  64                 /* columns: a value further right is refused */
#define SHEET_CELLS_MAX 2000000            /* cells of a file (empty ones between values count) */
#define SHEET_CELL_MAX  32767              /* bytes of one cell (Excel's limit) */
#define SHEET_XML_MAX   (32 * 1024 * 1024) /* an inflated member of an .xlsx */

struct sheet_row {
	long line;          /* where it is in the file: the CSV line it starts on, the XLSX row number */
	size_t n;           /* cells up to the last non-empty one */
	const char **cells; /* UTF-8 text as in the file (not trimmed); an empty cell is "" */
};
struct sheet {
	struct sheet_row *rows; /* rows with a non-empty cell, in file order (empty rows are left out) */
	size_t nrows;
};
/* Reads data (XLSX when it is a zip archive, otherwise CSV) into s, in the arena. Returns 1, or
 * 0 with *why saying in Russian what is wrong (empty, not a table, an old .xls, UTF-16, an
 * unclosed quote, over a cap, damaged or a zip bomb); *why is static or in the arena. */
int sheet_read(struct arena *, const void *data, size_t len, struct sheet *s, const char **why);
/* Cell i of a row, "" past its end. */
const char *sheet_cell(const struct sheet_row *, size_t i);

/* ---------------------------------------------------------------- db_register: the register of organisations
 * Imports of the ministry's spreadsheets go in two steps. The preview checks every line, compares
 * it with the database and stores the outcome (register_import and its rows); the apply writes
 * exactly those rows in one transaction and then lets coverage and the register's counts follow
 * (CALL coverage_touch_org, register_recount). An organisation's key is its INN, a district's its
 * OKTMO code. An organisations file names the regions it covers: their active organisations of
 * the register that have an INN and are absent from the file are deactivated (one without an
 * INN cannot be matched and is left alone). A districts file adds and changes, never deletes.
 * Organisations proposed at sign-up (status 'proposed', not active) wait for an administrator to
 * accept them into the register or merge them into one of it. */
enum import_kind { IMPORT_ORGANIZATIONS, IMPORT_DISTRICTS, IMPORT__MAX };
extern const char *const import_kinds[IMPORT__MAX]; /* "organizations", "districts" as in SQL */
enum import_action { IA_ADD, IA_CHANGE, IA_SAME, IA_DEACTIVATE, IA_REJECT, IA__MAX };
extern const char *const import_actions[IA__MAX]; /* "add", "change", "same", "deactivate", "reject" */

/* Returns 1 when s is an INN: 10 or 12 digits with the right check digits, 0 otherwise. */
int inn_valid(const char *s);

struct import_new {
	enum import_kind kind;
	const char *file_name, *sha256; /* sha256: 64 hex digits of the file's bytes */
	long long person_id;
	const char *ip;
};
/* Reads the header (the first of the top 5 rows that names the required columns; the column
 * names are matched by their words, «Код ОКТМО», «ИНН», «Краткое наименование», ...), checks
 * every line after it, compares with the database and stores the preview with its audit record
 * in one transaction. A rejected line carries every reason, in Russian; a repeated key rejects
 * the later line. Returns the import id; 0 with *why (Russian, arena or static) when the file as
 * a whole cannot be used (a required column missing or named twice, no data lines); -1 failure. */
long long db_import_preview(struct db *, struct arena *, const struct import_new *, const struct sheet *,
			    const char **why);

struct import_info {
	long long id, uploaded_by;
	enum import_kind kind;
	const char *file_name, *sha256, *uploader, *uploaded_at;
	const char *applied_at;           /* NULL while not applied */
	const char *same_file_applied_at; /* when an earlier import of the same file was applied, or NULL */
	const char *ignored;              /* header cells no column was taken from, or NULL */
	long count[IA__MAX];
};
/* Returns 1 with the import (strings in the arena), 0 no such import, -1 failure. */
int db_import_get(struct db *, struct arena *, long long id, struct import_info *);
/* Rows of one action in file order, limit from offset: {line (null for a deactivation), action,
 * target_id, reason, and the line's values: inn, name, short_name, district, sector, region, page_urls
 * (organisations) or region, name, oktmo, population (districts)}. */
json_t *db_import_rows(struct db *, struct arena *, long long id, enum import_action, long limit, long offset);
/* The latest imports: {id, kind, file_name, uploader, uploaded_at, applied_at, add, change, same,
 * deactivate, reject}. */
json_t *db_imports_recent(struct db *, struct arena *, long limit);
/* Applies a preview in one transaction with its audit record. Returns 1 applied, 0 no such
 * import, 2 it was applied before (nothing done), 3 the register changed since the preview (a
 * row no longer matches what was shown: nothing done), -1 failure. */
int db_import_apply(struct db *, long long id, long long person_id, const char *ip);

/* An organisation a person proposes at sign-up because theirs is not in the register. */
struct org_proposal {
	const char *name;
	long long district_id, sector_id;
};
/* Creates the account and the organisation (status 'proposed', not active, proposed_by the
 * person; its short name is the name) in one transaction. Returns the person's id, 0 when the
 * e-mail is taken, -2 when there is no such district or sector, -1 failure. */
long long db_person_create_proposing(struct db *, const struct person_new *, const struct org_proposal *);
/* Organisations waiting for an administrator, oldest first: {id, name, short_name, district, region, sector,
 * created_at, proposed_by, proposer, proposer_email, registrations}. */
json_t *db_orgs_proposed(struct db *, struct arena *);

struct org_info {
	long long id, sector_id, district_id, region_id, proposed_by, people, registrations, merged_into;
	const char *name, *short_name, *inn, *sector, *district, *region, *status, *created_at, *proposer,
		*proposer_email;
	int active;
};
/* Returns 1 with the organisation (strings in the arena), 0 none, -1 failure. */
int db_org_get(struct db *, struct arena *, long long id, struct org_info *);
/* Active organisations of the register whose INN is text or whose name has it, those of the district and then
 * the region first, at most 50: {id, short_name, name, inn, district, sector}. */
json_t *db_orgs_search(struct db *, struct arena *, const char *text, long long region_id, long long district_id);

struct org_accept {
	long long id, sector_id;
	const char *name, *short_name, *inn; /* inn may be NULL */
	long long by;                        /* the administrator, for the audit log */
	const char *ip;
};
/* Takes a proposed organisation into the register (status 'register', active) with the values given,
 * recounts its district and re-evaluates its registrations' coverage, audited, in one transaction.
 * Returns 1, 0 no such organisation, 2 it is not proposed (any more), 3 the INN belongs to another
 * organisation, 4 no such sector, -1 failure. */
int db_org_accept(struct db *, const struct org_accept *);
/* Merges a proposed organisation into target (an active organisation of the register): its people
 * and their registrations move to target, it becomes 'merged' into target, and the coverage of both
 * is re-evaluated, audited, in one transaction. Returns 1, 0 no such organisation, 2 it is not
 * proposed (any more), 3 target is not an active organisation of the register, -1 failure. */
int db_org_merge(struct db *, long long id, long long target, long long by, const char *ip);

#endif
