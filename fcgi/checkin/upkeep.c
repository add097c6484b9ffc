/* The checkin program's background runner: applies the coverage upkeep that scans, undos and online codes queued. */
#include <time.h>

#include "../core/db_coverage.h"
#include "checkin.h"

#define BATCH   500 /* queued re-evaluations applied per transaction */
#define POLL_MS 100 /* an idle runner looks at the queue this often: the delay of a check-in's coverage */

void checkin_upkeep(struct app *app)
{
	log_msg(LOG_INFO, NULL, "coverage: upkeep runner ready");
	while (!prefork_stopping) {
		int n = db_coverage_apply(app->db, BATCH);
		if (n < BATCH && !prefork_stopping) {
			/* SIGTERM interrupts the sleep; a failing database is asked less often. */
			struct timespec ts = {n < 0, n < 0 ? 0 : POLL_MS * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
}
