/* The certs program's background runner: issuing jobs (certificates rendered in chunks), then printable books. */
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "../core/gate.h"
#include "certs.h"

#define CHUNK       16  /* certificates rendered and stored per transaction */
#define POLL_MS     200 /* idle runners look for work this often */
#define MAX_RUNNING 8   /* running jobs looked at per round */

/* «12 ноября 2026 г.», «12–13 ноября 2026 г.», «30 октября – 2 ноября 2026 г.», or across years. */
static const char *dates_ru(struct arena *a, const char *starts, const char *ends)
{
	int y1, m1, d1, y2, m2, d2;
	const char *s = date_ru(a, starts, 0), *e = date_ru(a, ends, 0);

	if (*s == '\0')
		return "";
	if (*e == '\0' || strncmp(starts, ends, 10) == 0 || sscanf(starts, "%d-%d-%d", &y1, &m1, &d1) != 3 ||
	    sscanf(ends, "%d-%d-%d", &y2, &m2, &d2) != 3)
		return arena_printf(a, "%s г.", s);
	if (y1 == y2 && m1 == m2)
		return arena_printf(a, "%d–%s г.", d1, e);
	if (y1 == y2) /* date_ru ends with " YYYY": leave the first year out */
		return arena_printf(a, "%.*s – %s г.", (int)strlen(s) - 5, s, e);
	return arena_printf(a, "%s г. – %s г.", s, e);
}

/* The number series of a seminar's certificates from the pattern `number_prefix` ({region},
 * {year} of issue, {organizer}); NULL when the pattern makes a prefix unfit for a number
 * (only letters, digits, '-' and '_': the number is a path segment, "/certificates/N.pdf"). */
static const char *number_prefix(struct arena *a, const struct app *app, const struct seminar *s)
{
	const char *p = config_get(&app->cfg, "number_prefix", "{region}-{year}-");
	time_t now = time(NULL);
	struct tm tm;
	struct buf b = {0};
	const char *out = NULL;
	size_t i;

	localtime_r(&now, &tm);
	while (*p) {
		if (strncmp(p, "{region}", 8) == 0) {
			buf_addf(&b, "%02lld", s->region_id);
			p += 8;
		} else if (strncmp(p, "{year}", 6) == 0) {
			buf_addf(&b, "%d", tm.tm_year + 1900);
			p += 6;
		} else if (strncmp(p, "{organizer}", 11) == 0) {
			buf_addf(&b, "%lld", s->organizer_id);
			p += 11;
		} else
			buf_addc(&b, *p++);
	}
	for (i = 0; i < b.len; i++)
		if (!((b.p[i] >= 'A' && b.p[i] <= 'Z') || (b.p[i] >= 'a' && b.p[i] <= 'z') ||
		      (b.p[i] >= '0' && b.p[i] <= '9') || b.p[i] == '-' || b.p[i] == '_'))
			break;
	if (b.len > 0 && b.len <= 48 && i == b.len)
		out = arena_strndup(a, b.p, b.len);
	buf_free(&b);
	return out;
}

/* Claims the oldest queued job. Returns 1 when there was one, 0 none, -1 failure. */
static int claim(struct app *app, struct arena *a)
{
	struct cert_job j;
	struct seminar s;
	struct cert_issue in;
	int rc;

	if ((rc = db_cert_job_queued(app->db, a, &j)) != 1)
		return rc;
	if (db_seminar_get(app->db, a, j.seminar_id, &s) != 1)
		return -1;
	in.job_id = j.id;
	in.seminar_id = s.id;
	in.dates = dates_ru(a, s.starts_at, s.ends_at);
	if ((in.prefix = number_prefix(a, app, &s)) == NULL) {
		log_msg(LOG_ERROR, NULL, "certificates: number_prefix makes an unusable number for seminar %lld", s.id);
		db_cert_job_fail(app->db, j.id, "Неверный шаблон номера сертификатов в настройках (number_prefix).");
		return 1;
	}
	if ((rc = db_cert_job_claim(app->db, &in)) == -1) {
		db_cert_job_fail(app->db, j.id, "Не удалось выпустить сертификаты: ошибка базы данных.");
		return -1;
	}
	if (rc == 1)
		log_msg(LOG_INFO, NULL, "certificates: job %lld of seminar %lld claimed", j.id, s.id);
	return 1;
}

/* Renders a chunk of the first running job that has work left. Returns 1 when it did, 0 none, -1 failure. */
static int render(struct app *app, struct arena *a)
{
	struct cert_job jobs[MAX_RUNNING];
	int n = db_cert_jobs_running(app->db, a, jobs, MAX_RUNNING), i, k;

	for (i = 0; i < n; i++)
		if ((k = db_cert_render_chunk(app->db, &jobs[i], CHUNK, files_dir(&app->cfg), certs_render, app)) != 0)
			return k < 0 ? -1 : 1;
	return n < 0 ? -1 : 0;
}

/* Requests first: a runner draws a chunk at nice 0 only while none of the program's workers serves a request, and at
 * write_nice otherwise and for a book (long work that does not look up again). Lowering the nice value again needs
 * root or RLIMIT_NICE (LimitNICE= in deploy/systemd): without it the runner stays at write_nice. */
static void pace(struct app *app, int *now, int may_hurry)
{
	int want = may_hurry && gate_serving_count(0, INT_MAX) == 0 ? 0 : (int)config_int(&app->cfg, "write_nice", 10);

	if (want != *now && setpriority(PRIO_PROCESS, 0, want) == 0)
		*now = want;
}

void certs_runner(struct app *app)
{
	struct arena a = {0};
	int nice_now = getpriority(PRIO_PROCESS, 0);

	/* Named for ps and top (and the tests that pause the runners). */
	prctl(PR_SET_NAME, "certs runner");
	/* A PDF allocates and frees a few megabytes (cairo, librsvg, libqpdf): kept in the heap, not given back to the
	 * kernel and taken again for each one (brk and munmap with their page faults were a tenth of a PDF's time). The
	 * heap stays at its high-water mark: the runner's size is flat. */
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	log_msg(LOG_INFO, NULL, "certificates: runner ready");
	while (!prefork_stopping) {
		int rc;
		pace(app, &nice_now, 1);
		rc = claim(app, &a);
		if (rc == 0)
			rc = render(app, &a);
		if (rc == 0) {
			pace(app, &nice_now, 0);
			rc = certs_book_run(app, &a);
		}
		arena_reset(&a);
		if (rc <= 0 && !prefork_stopping) {
			/* SIGTERM interrupts the sleep; a failing database is asked less often. */
			struct timespec ts = {rc < 0, rc < 0 ? 0 : POLL_MS * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	arena_free(&a);
}
