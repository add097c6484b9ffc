/* Names and small view models shared by the portal's pages: formats, statuses, places left. */
#include <string.h>

#include "portal.h"

static const char *lookup(const char *const (*t)[2], const char *code)
{
	for (; code && (*t)[0]; t++)
		if (strcmp((*t)[0], code) == 0)
			return (*t)[1];
	return "";
}

const char *seminar_status_name(const char *status)
{
	static const char *const t[][2] = {{"draft", "Черновик"},
					   {"published", "Опубликован"},
					   {"cancelled", "Отменён"},
					   {"finished", "Завершён"},
					   {NULL, NULL}};

	return lookup(t, status);
}

const char *reg_status_name(const char *status)
{
	static const char *const t[][2] = {{"confirmed", "Место подтверждено"},
					   {"waitlisted", "Лист ожидания"},
					   {"cancelled", "Запись отменена"},
					   {NULL, NULL}};

	return lookup(t, status);
}

const char *queue_note(const struct queue_place *p)
{
	if (p->position == 0)
		return NULL;
	if (p->priority && p->first_group)
		return "Места в листе ожидания сначала получают организации, ещё не проходившие обучение по этому "
		       "направлению. Ваша организация — в их числе: вы в первой группе.";
	if (p->priority)
		return "Места в листе ожидания сначала получают организации, ещё не проходившие обучение по этому "
		       "направлению. Ваша организация уже проходила обучение (или не указана в профиле), поэтому вы во "
		       "второй группе: после них, в порядке записи.";
	if (p->reordered)
		return "Организатор отменил приоритет для организаций, ещё не проходивших обучение: места в листе "
		       "ожидания снова получают в порядке записи.";
	return NULL;
}

json_t *formats_json(void)
{
	return json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "value", "in_person", "name", format_name("in_person"),
			 "value", "online", "name", format_name("online"), "value", "hybrid", "name",
			 format_name("hybrid"));
}

json_t *modes_json(void)
{
	return json_pack("[{s:s, s:s}, {s:s, s:s}]", "value", mode_codes[MODE_IN_PERSON], "name",
			 mode_names[MODE_IN_PERSON], "value", mode_codes[MODE_ONLINE], "name", mode_names[MODE_ONLINE]);
}

/* Russian plural of «место» for n. */
static const char *places(long long n)
{
	long long d = n % 10, h = n % 100;

	if (d == 1 && h != 11)
		return "место";
	if (d >= 2 && d <= 4 && (h < 12 || h > 14))
		return "места";
	return "мест";
}

json_t *seats_json(struct arena *a, const char *format, const long long cap[MODE__MAX],
		   const long long taken[MODE__MAX])
{
	json_t *arr = json_array();
	int m;

	for (m = 0; m < MODE__MAX; m++) {
		const char *text;
		long long left = cap[m] < 0 ? -1 : cap[m] - taken[m];
		if (strcmp(format, "hybrid") != 0 && strcmp(format, mode_codes[m]) != 0)
			continue;
		if (cap[m] < 0)
			text = "без ограничения мест";
		else if (left <= 0)
			text = "мест нет — можно встать в лист ожидания";
		else
			text = arena_printf(a, "осталось %lld %s из %lld", left, places(left), cap[m]);
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:o, s:o, s:b, s:s, s:b}", "mode", mode_codes[m], "mode_name",
				       mode_names[m], "capacity", cap[m] < 0 ? json_null() : json_integer(cap[m]),
				       "left", cap[m] < 0 ? json_null() : json_integer(left > 0 ? left : 0), "full",
				       left == 0, "text", text, "default", json_array_size(arr) == 0));
	}
	return arr;
}

json_t *rules_json(void)
{
	static const char *const codes[] = {"either", "door", "online", "both"};
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < 4; i++)
		json_array_append_new(
			out, json_pack("{s:s, s:s}", "value", codes[i], "name", attendance_rule_name(codes[i], 0)));
	return out;
}

json_t *live_online(struct req *r, long long seminar_id)
{
	json_t *rows = db_online_candidates(r->app->db, &r->arena, r->user->id), *out, *row;
	long long last = 0;
	size_t i;

	if (rows == NULL)
		return NULL;
	out = json_array();
	json_array_foreach (rows, i, row) {
		long long id = json_integer_value(json_object_get(row, "seminar_id"));
		/* Two sessions of one seminar at once make one entry (rows come by seminar). */
		if (strcmp(json_string_value(json_object_get(row, "mode")), mode_codes[MODE_ONLINE]) != 0 ||
		    (seminar_id != 0 && id != seminar_id) || id == last)
			continue;
		last = id;
		json_array_append_new(out, json_pack("{s:I, s:O, s:s}", "seminar_id", (json_int_t)id, "title",
						     json_object_get(row, "title"), "seminar_url",
						     url(&r->arena, U_SEMINARS_ID, id)));
	}
	json_decref(rows);
	return out;
}
