/* Retention for administrators: the periods in force, the latest runs with what each removed, a run at once. */
#include "portal.h"

#include <stdlib.h>

/* The counts of a run's detail (retention_run's "key=value" words) as the table shows them, in order. */
static const char *const columns[][2] = {
	{"unconfirmed", "Неподтверждённые учётные записи"},
	{"cancelled", "Отменённые записи на семинары"},
	{"sessions", "Истёкшие сеансы"},
	{"tokens", "Ссылки из писем"},
	{"throttle", "Счётчики ограничений"},
	{"import_rows", "Строки предпросмотра импорта"},
	{"imports", "Непримененные импорты"},
	{"scan_devices", "Устройства сканирований"},
	{"att_devices", "Устройства отметок"},
	{"files", "Файлы без ссылок"},
};

/* A run for the table: {at, who, how, failed, counts: [{n}] in the order of columns}; detail is changed. */
static json_t *run_view(json_t *run)
{
	const char *d = json_string_value(json_object_get(run, "detail"));
	char *detail = strdup(d ? d : ""), *word, *save = NULL;
	const char *v[NELEM(columns)] = {0}, *how = "";
	json_t *counts = json_array();
	size_t i;
	int failed = 0;

	if (detail == NULL)
		abort();
	for (word = strtok_r(detail, " ", &save); word != NULL; word = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(word, '=');
		if (eq == NULL) {
			failed |= strcmp(word, "failed") == 0;
			continue;
		}
		*eq = '\0';
		if (strcmp(word, "how") == 0)
			how = eq + 1;
		for (i = 0; i < NELEM(columns); i++)
			if (strcmp(word, columns[i][0]) == 0)
				v[i] = eq + 1;
	}
	for (i = 0; i < NELEM(columns); i++)
		json_array_append_new(counts, json_pack("{s:s}", "n", v[i] ? v[i] : "—"));
	json_object_set_new(run, "how",
			    json_string(strcmp(how, "daily") == 0    ? "ежедневно"
					: strcmp(how, "admin") == 0  ? "администратор"
					: strcmp(how, "manual") == 0 ? "вручную (make retention)"
								     : how));
	json_object_set_new(run, "failed", json_boolean(failed));
	json_object_set_new(run, "counts", counts);
	json_object_del(run, "detail");
	free(detail);
	return run;
}

int pg_admin_retention(struct req *r)
{
	const struct retention_periods p = retention_periods(r->app);
	const char *last_daily = NULL;
	json_t *runs = db_retention_runs(r->app->db, &r->arena, &last_daily), *run, *heads = json_array();
	size_t i;

	if (runs == NULL) {
		json_decref(heads);
		return 500;
	}
	json_array_foreach (runs, i, run)
		run_view(run);
	for (i = 0; i < NELEM(columns); i++)
		json_array_append_new(heads, json_pack("{s:s}", "name", columns[i][1]));
	return page(r, "admin-retention",
		    json_pack("{s:s, s:{s:I, s:I, s:I}, s:s?, s:o, s:o}", "title", "Сроки хранения данных", "periods",
			      "unconfirmed_days", (json_int_t)p.unconfirmed_days, "import_days",
			      (json_int_t)p.import_days, "device_years", (json_int_t)p.device_years, "last_daily",
			      last_daily, "columns", heads, "runs", runs));
}

int pg_admin_retention_post(struct req *r)
{
	struct retention_counts c;

	if (retention_run(r->app, "admin", r->user->id, &c) == -1)
		return 500;
	return redirect(r, U_ADMIN_RETENTION);
}
