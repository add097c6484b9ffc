/* Statements of retention: what has outlived its period, found by age and removed (fcgi/core/retention.c). */
#ifndef DB_RETENTION_H
#define DB_RETENTION_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* Claims today's run for the caller: one conditional UPDATE of the row retention_state, so of all workers of all
 * app servers at most one a day gets 1. Returns 1 claimed, 0 run less than a day ago, -1 on failure. */
int db_retention_claim(struct db *);
/* Up to max ids of accounts never confirmed, created more than days ago and not erased, oldest first, into ids.
 * Returns how many, or -1. */
int db_retention_unconfirmed(struct db *, struct arena *, long days, long long *ids, int max);
/* Up to max ids of the person's registrations that are not cancelled and have no check-in (cancelling one of a
 * seminar that is over changes nothing: db_registration_cancel says CLOSED). Returns how many, or -1. */
int db_retention_open_registrations(struct db *, struct arena *, long long person_id, long long *ids, int max);

/* The set-wise removals of rows older than n (days, or years for the devices). */
enum retention_sweep {
	SWEEP_SESSIONS,     /* sessions that expired more than n days ago */
	SWEEP_TOKENS,       /* account links (reset, confirmation, invitation) expired more than n days ago */
	SWEEP_THROTTLE,     /* throttling counters whose window began more than n days ago */
	SWEEP_IMPORT_ROWS,  /* the preview rows of register imports uploaded more than n days ago */
	SWEEP_IMPORTS,      /* such imports never applied (an applied one keeps its summary) */
	SWEEP_SCAN_DEVICES, /* the device of scans more than n years old */
	SWEEP_ATT_DEVICES,  /* the device of check-ins more than n years old */
	SWEEP__MAX
};
/* Runs one sweep. Returns the number of rows removed or cleared, or -1. */
long long db_retention_sweep(struct db *, enum retention_sweep, long n);
/* The latest 20 runs, newest first: {at, who (the administrator who asked, or null), detail} (new reference), and
 * *last_daily set to when the daily run was last claimed (in the arena; NULL: never). NULL on failure. */
json_t *db_retention_runs(struct db *, struct arena *, const char **last_daily);
/* Returns 1 when a material, a briefing's file, a seminar's latest printable book or a certificate's PDF refers to
 * the stored file of hex (its SHA-256), 0 when none does, -1 on failure. */
int db_retention_file_used(struct db *, struct arena *, const char *hex);

#endif
