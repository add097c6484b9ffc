/* A person's own data (152-FZ art. 14 and 21): what is held, its JSON and XLSX export, erasure, their sessions. */
#include <stdlib.h>

#include "portal.h"

int pg_my_data(struct req *r)
{
	json_t *data = db_my_data(r->app->db, &r->arena, r->user->id);

	if (data == NULL)
		return 500;
	json_object_set_new(data, "title", json_string("Мои данные"));
	return page(r, "me-data", data);
}

int pg_my_data_json(struct req *r)
{
	json_t *data = db_my_data(r->app->db, &r->arena, r->user->id);
	char *s;

	if (data == NULL)
		return 500;
	s = json_dumps(data, JSON_INDENT(2));
	json_decref(data);
	if (s == NULL)
		return 500;
	buf_adds(&r->body, s);
	free(s);
	return resp_file(r, "attachment", "my-data.json");
}

/* The sections of the export in the order people read them. */
static const char *const sections[][2] = {
	{"profile", "Профиль"},
	{"consents", "Согласия"},
	{"registrations", "Записи на семинары"},
	{"checkins", "Отметки о посещении"},
	{"certificates", "Сертификаты"},
	{"sessions", "Сеансы входа"},
	{"access", "Кто просматривал мои данные"},
};

static const struct export_col data_cols[] = {
	{"section", "Раздел", EX_TEXT, 28},
	{"n", "№", EX_INT, 6},
	{"field", "Поле", EX_TEXT, 20},
	{"value", "Значение", EX_TEXT, 60},
};

int pg_my_data_xlsx(struct req *r)
{
	json_t *data = db_my_data(r->app->db, &r->arena, r->user->id), *rows, *row, *v;
	const char *key;
	size_t s, i;
	int rc;

	if (data == NULL)
		return 500;
	rows = json_array();
	/* One line per value: the section, the row's number in it, the field and its value. */
	for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		json_array_foreach (json_object_get(data, sections[s][0]), i, row)
			json_object_foreach (row, key, v)
				json_array_append_new(rows,
						      json_pack("{s:s, s:I, s:s, s:s}", "section", sections[s][1], "n",
								(json_int_t)i + 1, "field", key, "value",
								json_is_string(v) ? json_string_value(v)
								: json_is_integer(v)
									? arena_printf(&r->arena, "%lld",
										       (long long)json_integer_value(v))
									: ""));
	json_decref(data);
	rc = export_xlsx(&r->body, "Мои данные", "Персональные данные, которые хранит система", data_cols,
			 sizeof(data_cols) / sizeof(data_cols[0]), rows);
	json_decref(rows);
	return rc == -1 ? 500 : resp_file(r, "attachment", "my-data.xlsx");
}

/* The end of an erasure: the person is signed out and told what happened. */
static int erased(struct req *r)
{
	if (auth_logout(r) == -1)
		return 500;
	return page(r, "me-erased", json_pack("{s:s}", "title", "Данные удалены"));
}

int pg_my_erase(struct req *r)
{
	if (req_param(r, "confirm") == NULL)
		return fail_field(r, "confirm", "подтвердите удаление данных");
	if (db_erase(r->app->db, r->user->id, r->user->id, r->ip, "on the person's request") == -1)
		return 500;
	return erased(r);
}

int pg_my_withdraw(struct req *r)
{
	json_t *doc;
	const char *version;

	if (req_param(r, "confirm") == NULL)
		return fail_field(r, "confirm", "подтвердите отзыв согласия");
	if ((doc = db_consent(r->app->db, &r->arena, NULL)) == NULL)
		return 500;
	version = arena_strdup(&r->arena, json_is_string(json_object_get(doc, "version"))
						  ? json_string_value(json_object_get(doc, "version"))
						  : "");
	json_decref(doc);
	/* The withdrawal is on record, then erasure follows (152-FZ art. 21 part 5). */
	if (db_consent_accept(r->app->db, r->user->id, version, r->ip, 1) != 1 ||
	    db_erase(r->app->db, r->user->id, r->user->id, r->ip, "consent withdrawn") == -1)
		return 500;
	return erased(r);
}

int pg_admin_erase(struct req *r)
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0)
		return 404;
	if (req_param(r, "confirm") == NULL)
		return fail_field(r, "confirm", "подтвердите удаление данных");
	if ((rc = db_erase(r->app->db, id, r->user->id, r->ip, "by an administrator, on a written request")) == -1)
		return 500;
	return redirect(r, url(&r->arena, U_ADMIN_USERS_ID, id));
}

int pg_my_sessions(struct req *r)
{
	json_t *rows = auth_sessions(r);

	if (rows == NULL)
		return 500;
	return page(r, "me-sessions",
		    json_pack("{s:s, s:o, s:s?}", "title", "Мои сеансы", "sessions", rows, "notice",
			      req_param(r, "saved") ? "Сеансы завершены." : NULL));
}

int pg_my_session_end(struct req *r)
{
	int rc;

	if (req_param(r, "handle") == NULL)
		return fail_field(r, "handle", "выберите сеанс");
	if ((rc = auth_sessions_end(r, req_param(r, "handle"))) == -1)
		return 500;
	if (rc == 0)
		return fail(r, 404, "Такого сеанса нет (или это текущий сеанс: из него выходят кнопкой «Выйти»).");
	return redirect(r, "/me/sessions?saved=1");
}

int pg_my_sessions_end_others(struct req *r)
{
	if (auth_sessions_end(r, NULL) == -1)
		return 500;
	return redirect(r, "/me/sessions?saved=1");
}
