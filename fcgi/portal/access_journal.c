/* Administration: the journal of access to personal data, filtered, paged and exported to XLSX. */
#include "portal.h"

#define PER_PAGE 100

static const char *const filter_keys[] = {"who", "action", "person_id", "from", "to", NULL};

/* What each action of the journal means, for people. */
static const char *const actions[][2] = {
	{"participants.view", "Просмотр списка участников"},
	{"participants.export", "Выгрузка списка участников"},
	{"tickets.download", "Загрузка списка билетов на сканер"},
	{"checkin.search", "Поиск участника на входе"},
	{"journal.view", "Просмотр журнала посещаемости"},
	{"journal.export", "Выгрузка журнала посещаемости"},
	{"certificates.view", "Просмотр списка сертификатов"},
	{"certificates.export", "Выгрузка сертификатов"},
	{"survey.results", "Просмотр именных ответов анкеты"},
	{"survey.export", "Выгрузка именных ответов анкеты"},
	{"people.search", "Поиск пользователей"},
	{"person.view", "Просмотр карточки пользователя"},
	{"access_journal.export", "Выгрузка журнала доступа"},
	{"head.view", "Просмотр сотрудников и их записей руководителем организации"},
	{"head.seminar", "Просмотр записей организации на семинар её руководителем"},
};

static const char *action_name(const char *code)
{
	size_t i;

	for (i = 0; code && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i][0], code) == 0)
			return actions[i][1];
	return code ? code : "";
}

/* The entries of the request's filters (page `page`, or every one for an export); NULL on failure. */
static json_t *entries(struct req *r, long limit, long long *total)
{
	struct access_filter f = {.who = req_param(r, "who"),
				  .action = req_param(r, "action"),
				  .subject = req_int(r, "person_id", 0),
				  .from = req_param(r, "from"),
				  .to = req_param(r, "to"),
				  .limit = limit,
				  .offset = (req_int(r, "page", 1) - 1) * PER_PAGE};
	json_t *rows = db_access_list(r->app->db, &r->arena, &f, total), *x;
	size_t i;

	json_array_foreach (rows, i, x) {
		const char *ot = json_string_value(json_object_get(x, "object_type"));
		long long oid = json_integer_value(json_object_get(x, "object_id"));
		json_object_set_new(x, "action_name",
				    json_string(action_name(json_string_value(json_object_get(x, "action")))));
		json_object_set_new(x, "object", json_string(ot ? arena_printf(&r->arena, "%s %lld", ot, oid) : ""));
	}
	return rows;
}

int pg_access_journal(struct req *r)
{
	long long total = 0, page_no = req_int(r, "page", 1);
	json_t *rows = entries(r, PER_PAGE, &total), *choices;
	const char *qs = req_query(r, filter_keys);
	size_t i;

	if (rows == NULL)
		return 500;
	choices = json_array();
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		json_array_append_new(
			choices,
			json_pack("{s:s, s:s, s:b}", "value", actions[i][0], "name", actions[i][1], "selected",
				  req_param(r, "action") && strcmp(req_param(r, "action"), actions[i][0]) == 0));
	return page(r, "admin-access-journal",
		    json_pack("{s:s, s:{s:s?, s:s?, s:I, s:s?, s:s?}, s:o, s:I, s:I, s:o, s:s, s:o}", "title",
			      "Журнал доступа к персональным данным", "filter", "who", req_param(r, "who"), "action",
			      req_param(r, "action"), "subject", (json_int_t)req_int(r, "person_id", 0), "from",
			      req_param(r, "from"), "to", req_param(r, "to"), "actions", choices, "total",
			      (json_int_t)total, "page", (json_int_t)page_no, "entries", rows, "xlsx_url",
			      arena_printf(&r->arena, "%s%s", U_ADMIN_ACCESS_JOURNAL_XLSX, qs), "next_url",
			      page_no * PER_PAGE < total
				      ? json_string(arena_printf(&r->arena, "%s%s%spage=%lld", U_ADMIN_ACCESS_JOURNAL,
								 qs, *qs ? "&" : "?", page_no + 1))
				      : json_null()));
}

static const struct export_col journal_cols[] = {
	{"at", "Когда", EX_TEXT, 20},        {"who", "Кто", EX_TEXT, 30},
	{"who_email", "Почта", EX_TEXT, 28}, {"action_name", "Что сделано", EX_TEXT, 36},
	{"object", "Объект", EX_TEXT, 16},   {"query", "Запрос", EX_TEXT, 30},
	{"people", "Людей", EX_INT, 8},      {"ip", "Адрес", EX_TEXT, 16},
};

int pg_access_journal_xlsx(struct req *r)
{
	long long total = 0;
	json_t *rows = entries(r, 1000000, &total);
	int rc;

	if (rows == NULL)
		return 500;
	rc = export_xlsx(&r->body, "Журнал доступа", "Журнал доступа к персональным данным", journal_cols,
			 sizeof(journal_cols) / sizeof(journal_cols[0]), rows);
	json_decref(rows);
	if (rc == -1)
		return 500;
	/* The journal names staff: its export is on record too. */
	if (access_record(r, "access_journal.export", NULL, 0, req_query(r, filter_keys), NULL) == -1) {
		buf_reset(&r->body);
		return 500;
	}
	return resp_file(r, "attachment", "access-journal.xlsx");
}
