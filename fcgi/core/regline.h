/* A line of a register file judged: its checks, and what it would do to the register (add, change, same, reject) and
 * why. */
#ifndef REGLINE_H
#define REGLINE_H

#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "regref.h"
#include "reghead.h"
#include "sheet.h"

/* What a line of a preview does; a deactivation is not a line of the file (line 0). */
enum import_action { IA_ADD, IA_CHANGE, IA_SAME, IA_DEACTIVATE, IA_REJECT, IA__MAX };
extern const char *const import_actions[IA__MAX]; /* "add", "change", "same", "deactivate", "reject" */

/* One line of the preview as it is stored. */
struct regline {
	long line; /* in the file; 0: not in the file (a deactivation) */
	enum import_action action;
	long long target;   /* the organisation or district changed, kept or deactivated; 0 for add, reject */
	const char *data;   /* the values as a JSON object (text): what the page shows and the apply writes */
	const char *reason; /* why rejected, or what changes, in Russian, "; " between; NULL for none */
};

/* An organisation of the register as the database has it. */
struct regline_org {
	long long id, district_id, sector_id;
	const char *inn, *name, *short_name, *urls, *status, *fp; /* urls NULL for none; fp opaque */
	int active;
};

/* Keys of the file's lines (INN, OKTMO code, region and name), sorted by key, then line. */
struct regline_key {
	const char *key;
	long line;
};
struct regline_keys {
	struct regline_key *v;
	size_t n;
};

/* The lines of one file judged against the register. The caller sets a, kind, refs (indexed),
 * cols (from reghead_find), and orgs for an organisations file; then calls regline_keys once and
 * regline_check for every line after the header, in file order. Everything is in the arena except
 * lines, which regline_free frees. */
struct regline_set {
	struct arena *a;
	enum import_kind kind;
	struct regref refs;
	long cols[COL__MAX];
	const struct regline_org *orgs; /* the register's organisations holding INNs of the file, sorted by INN */
	size_t norgs;
	/* What the lines made. */
	struct buf lines; /* struct regline[n], in the order added */
	size_t n;
	long count[IA__MAX];
	struct regline_keys keys;  /* INNs (organisations) or OKTMO codes (districts) of the file */
	struct regline_keys names; /* districts: "region_id:name key" of the file */
	long long regions[128];    /* the regions of the accepted lines (Russia has 89) */
	size_t nregions;
};

/* Collects the keys of the rows from index from on: a repeated key rejects its later line. */
void regline_keys(struct regline_set *, const struct sheet *, size_t from);
/* The file's distinct keys that can be INNs (10 or 12 characters) as a JSON array, in the arena. */
const char *regline_inns(const struct regline_set *);
/* Checks a row and compares it with the register: adds one line that is a reject with every reason,
 * or an add, a change with what changes («краткое наименование: «А» → «Б»»; a change's data has the
 * register row's fp, and for organisations touch, 1 when its coverage moves, and old_district_id),
 * or a same. Organisations: the key is the INN; without a pages column the stored pages stay.
 * Districts: the key is the OKTMO code, a district known by name only gets its code, and an empty
 * population keeps the known one. */
void regline_check(struct regline_set *, const struct sheet_row *);
/* Adds a line; takes data (a JSON object); reason is copied, cut to 490 code points, "" as NULL. */
void regline_add(struct regline_set *, long line, enum import_action, long long target, json_t *data,
		 const char *reason);
/* The official pages of a cell (http(s)://host.tld[:port][/...], no quotes or brackets, at most 500
 * characters), split at spaces, commas and semicolons, repeats dropped, joined by one space; NULL
 * for none. Each bad address and a joined length over 1000 append a reason to why ("; " between).
 * In the arena. */
const char *regline_urls(struct arena *, const char *cell, struct buf *why);
/* Frees the lines. */
void regline_free(struct regline_set *);

#endif
