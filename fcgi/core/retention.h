/* Retention: personal data and working rows are kept no longer than their periods (app.conf), by a daily run of
 * the portal's background workers and by hand (`make retention`). */
#ifndef RETENTION_H
#define RETENTION_H

struct app;

/* What one run removed. */
struct retention_counts {
	long long unconfirmed;  /* accounts never confirmed in retention_unconfirmed_days, erased */
	long long cancelled;    /* their registrations without a check-in of seminars not over, cancelled */
	long long sessions;     /* expired sessions */
	long long tokens;       /* account links expired more than a day ago */
	long long throttle;     /* throttling counters of windows begun more than 8 days ago */
	long long import_rows;  /* preview rows of register imports older than retention_import_days */
	long long imports;      /* such imports never applied */
	long long scan_devices; /* scans older than retention_device_years whose device was cleared */
	long long att_devices;  /* check-ins of that age whose device was cleared */
	long long files;        /* stored files no material or briefing refers to, a day old or more */
};

/* The periods of app.conf, with their defaults. */
struct retention_periods {
	long unconfirmed_days; /* retention_unconfirmed_days, 14 */
	long import_days;      /* retention_import_days, 30 */
	long device_years;     /* retention_device_years, 3 */
};
struct retention_periods retention_periods(const struct app *);

/* Runs every step once on app->db and audits the counts (action retention.run by the person by, 0 for nobody; detail
 * "how=<how> unconfirmed=... files=..."). Fills out. Returns 0, or -1 when a step failed (the steps before it stay
 * done; each is safe to run again). */
int retention_run(struct app *, const char *how, long long by, struct retention_counts *out);
/* For the background workers' loop: every retention_poll_s seconds (300) asks the database whether today's run
 * is due (db_retention_claim: at most one run a day across every worker of every app server) and runs it. */
void retention_schedule(struct app *);
/* `portal retention` (make retention): one run now, whatever the daily schedule, its counts on stdout. Returns
 * the exit status. */
int retention_command(struct app *);

#endif
