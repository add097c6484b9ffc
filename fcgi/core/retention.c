/* Retention: personal data and working rows are kept no longer than their periods (app.conf), by a daily run of
 * the portal's background workers and by hand (`make retention`). */
#include "retention.h"

#include <stdio.h>
#include <time.h>

#include "app.h"
#include "db_retention.h"
#include "files.h"

#define BATCH 500

/* Accounts whose address was never confirmed in days: their open places go back to the waiting list, then the
 * account is erased as on request (db_erase), so the counts made of its past stay and the address is free. */
static int expire_unconfirmed(struct db *d, long days, struct retention_counts *c)
{
	long long ids[BATCH], regs[BATCH];
	struct arena a = {0};
	char why[96];
	int n, i, j, k, rc = 0;

	snprintf(why, sizeof(why), "retention: the address was not confirmed within %ld days", days);
	do {
		n = db_retention_unconfirmed(d, &a, days, ids, BATCH);
		rc = n < 0 ? -1 : 0;
		for (i = 0; i < n && rc == 0; i++) {
			k = db_retention_open_registrations(d, &a, ids[i], regs, BATCH);
			rc = k < 0 ? -1 : 0;
			for (j = 0; j < k && rc == 0; j++)
				switch (db_registration_cancel(d, regs[j], 0)) {
				case CHANGE_DONE: c->cancelled++; break;
				case -1: rc = -1; break;
				default: break; /* the seminar is over: the registration stays as it was */
				}
			if (rc == 0 && (k = db_erase(d, ids[i], 0, NULL, why)) == -1)
				rc = -1;
			else if (rc == 0)
				c->unconfirmed += k;
		}
		arena_reset(&a);
	} while (rc == 0 && n == BATCH);
	arena_free(&a);
	return rc;
}

struct file_check {
	struct db *d;
	struct arena a;
};

static int file_kept(void *arg, const char *hex)
{
	struct file_check *f = arg;
	int rc = db_retention_file_used(f->d, &f->a, hex);

	arena_reset(&f->a);
	return rc;
}

struct retention_periods retention_periods(const struct app *app)
{
	return (struct retention_periods){config_int(&app->cfg, "retention_unconfirmed_days", 14),
					  config_int(&app->cfg, "retention_import_days", 30),
					  config_int(&app->cfg, "retention_device_years", 3)};
}

int retention_run(struct app *app, const char *how, long long by, struct retention_counts *c)
{
	const struct retention_periods p = retention_periods(app);
	/* Each sweep with its age; sessions go once expired, links a day after, throttling counters when no window
	 * in use (an hour at most; a week for the weekly limits) can still count them. */
	const struct {
		enum retention_sweep s;
		long age;
		long long *count;
	} sweeps[] = {{SWEEP_SESSIONS, 0, &c->sessions},
		      {SWEEP_TOKENS, 1, &c->tokens},
		      {SWEEP_THROTTLE, 8, &c->throttle},
		      {SWEEP_IMPORT_ROWS, p.import_days, &c->import_rows},
		      {SWEEP_IMPORTS, p.import_days, &c->imports},
		      {SWEEP_SCAN_DEVICES, p.device_years, &c->scan_devices},
		      {SWEEP_ATT_DEVICES, p.device_years, &c->att_devices}};
	struct file_check f = {app->db, {0}};
	char detail[400];
	size_t i;
	int rc = 0;

	*c = (struct retention_counts){0};
	if (expire_unconfirmed(app->db, p.unconfirmed_days, c) == -1)
		rc = -1;
	for (i = 0; i < NELEM(sweeps) && rc == 0; i++)
		if ((*sweeps[i].count = db_retention_sweep(app->db, sweeps[i].s, sweeps[i].age)) == -1)
			rc = -1;
	/* Files of deleted materials and refused uploads; a day covers an upload between its store and its row. */
	if (rc == 0 && (c->files = files_sweep(files_dir(&app->cfg), 86400, file_kept, &f)) == -1)
		rc = -1;
	arena_free(&f.a);
	snprintf(detail, sizeof(detail),
		 "how=%s%s unconfirmed=%lld cancelled=%lld sessions=%lld tokens=%lld throttle=%lld import_rows=%lld "
		 "imports=%lld scan_devices=%lld att_devices=%lld files=%lld",
		 how, rc == -1 ? " failed" : "", c->unconfirmed, c->cancelled, c->sessions, c->tokens, c->throttle,
		 c->import_rows, c->imports, c->scan_devices, c->att_devices, c->files);
	log_msg(rc == -1 ? LOG_ERROR : LOG_INFO, NULL, "retention: %s", detail);
	if (db_audit(app->db, by, "retention.run", NULL, 0, NULL, detail) == -1)
		rc = -1;
	return rc;
}

void retention_schedule(struct app *app)
{
	static time_t last;
	time_t now = time(NULL);
	struct retention_counts c;
	int rc;

	if (now - last < config_int(&app->cfg, "retention_poll_s", 300))
		return;
	last = now;
	if ((rc = db_retention_claim(app->db)) == 1)
		retention_run(app, "daily", 0, &c);
	else if (rc == -1)
		log_msg(LOG_WARN, NULL, "retention: cannot ask whether today's run is due");
}

int retention_command(struct app *app)
{
	struct retention_counts c;
	int rc = retention_run(app, "manual", 0, &c);

	printf("unconfirmed accounts erased\t%lld\nregistrations cancelled\t%lld\nexpired sessions\t%lld\n"
	       "expired account links\t%lld\nthrottling counters\t%lld\nimport preview rows\t%lld\n"
	       "imports never applied\t%lld\nscan devices cleared\t%lld\ncheck-in devices cleared\t%lld\n"
	       "stored files removed\t%lld\n",
	       c.unconfirmed, c.cancelled, c.sessions, c.tokens, c.throttle, c.import_rows, c.imports, c.scan_devices,
	       c.att_devices, c.files);
	return rc == 0 ? 0 : 1;
}
