/* Statements of the register of organisations: imports, proposals, accepting and merging. */
#ifndef DB_REGISTER_H
#define DB_REGISTER_H

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "db_auth.h"
#include "inn.h"
#include "regline.h"
#include "sheet.h"

/* Imports of the ministry's spreadsheets go in two steps. The preview checks every line, compares
 * it with the database and stores the outcome (register_import and its rows); the apply writes
 * exactly those rows in one transaction and then lets coverage and the register's counts follow
 * (CALL coverage_touch_org, register_recount). An organisation's key is its INN, a district's its
 * OKTMO code. An organisations file names the regions it covers: their active organisations of
 * the register that have an INN and are absent from the file are deactivated (one without an
 * INN cannot be matched and is left alone). A districts file adds and changes, never deletes.
 * Organisations proposed at sign-up (status 'proposed', not active) wait for an administrator to
 * accept them into the register or merge them into one of it. */

struct import_new {
	enum import_kind kind;
	const char *file_name, *sha256; /* sha256: 64 hex digits of the file's bytes */
	long long person_id;
	const char *ip;
};
/* Reads the header (reghead_find), checks every line after it and compares it with the database
 * (regline_check; the kinds of file and of line are reghead.h's and regline.h's), adds the
 * deactivations, and stores the preview with its audit record in one transaction. Returns the
 * import id; 0 with *why (Russian, arena or static) when the file as a whole cannot be used (empty,
 * a required column missing or named twice, no data lines); -1 failure. */
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
enum apply_outcome {
	APPLY_DONE,      /* applied */
	APPLY_NO_IMPORT, /* no such import */
	APPLY_ALREADY,   /* it was applied before: nothing done */
	APPLY_STALE,     /* the register changed since the preview (a row no longer matches what was shown) */
	APPLY__MAX
};
/* Applies a preview in one transaction with its audit record; anything but APPLY_DONE changes
 * nothing. Returns the outcome, or -1 on failure. */
int db_import_apply(struct db *, long long id, long long person_id, const char *ip);

/* An organisation a person proposes at sign-up because theirs is not in the register. */
struct org_proposal {
	const char *name;
	long long district_id, sector_id;
};
/* Inside a transaction: creates the account and the organisation (status 'proposed', not active,
 * proposed_by the person; its short name is the name). Returns the person's id, 0 when the e-mail is
 * taken, -2 when there is no such district or sector, -1 failure (roll back on anything but an id). */
long long db_person_propose(struct db *, struct arena *, const struct person_new *, const struct org_proposal *);
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
	const char *name, *short_name, *inn; /* inn: NULL, or one that inn_valid takes */
	long long by;                        /* the administrator, for the audit log */
	const char *ip;
};
/* What the review of a proposed organisation did. */
enum org_outcome {
	ORG_DONE,         /* accepted or merged */
	ORG_NONE,         /* no such organisation */
	ORG_NOT_PROPOSED, /* it is not proposed (any more) */
	ORG_INN_TAKEN,    /* accept: the INN belongs to another organisation */
	ORG_NO_SECTOR,    /* accept: no such sector */
	ORG_BAD_TARGET,   /* merge: the target is not an active organisation of the register */
	ORG__MAX
};
/* Takes a proposed organisation into the register (status 'register', active) with the values given,
 * recounts its district and re-evaluates its registrations' coverage, audited, in one transaction.
 * Returns the outcome (ORG_BAD_TARGET never), or -1 on failure. */
int db_org_accept(struct db *, const struct org_accept *);
/* Merges a proposed organisation into target (an active organisation of the register): its people
 * and their registrations move to target, it becomes 'merged' into target, and the coverage of both
 * is re-evaluated, audited, in one transaction. Returns the outcome (ORG_INN_TAKEN, ORG_NO_SECTOR
 * never), or -1 on failure. */
int db_org_merge(struct db *, long long id, long long target, long long by, const char *ip);

#endif
