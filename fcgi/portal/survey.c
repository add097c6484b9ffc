/* Seminar surveys: the organiser's questionnaire builder and results (with XLSX), and the participants' form. */
#include <stdlib.h>
#include <string.h>

#include "portal.h"

#define MAX_OPTIONS 20
#define MAX_ANSWERS 400 /* a multiple choice answer is one per option */

/* The survey of a seminar, or an empty one (anonymous, no questions) when it has none yet. Returns 1 or -1. */
static int survey_of(struct req *r, long long seminar_id, struct survey *v)
{
	int rc = db_survey_get(r->app->db, &r->arena, seminar_id, v);

	if (rc == 0) {
		memset(v, 0, sizeof(*v));
		v->seminar_id = seminar_id;
		v->anonymous = 1;
	}
	return rc == -1 ? -1 : 1;
}

static const char *state_text(struct req *r, const struct survey *v)
{
	if (v->nquestions == 0)
		return "Вопросов пока нет.";
	if (v->open)
		return "Анкета открыта: участники могут отвечать.";
	if (v->closed)
		return arena_printf(&r->arena, "Анкета закрыта %s.", date_ru(&r->arena, v->closed_at, 1));
	return "Анкета откроется после окончания последнего занятия (или откройте её сейчас).";
}

/* The questions with their options as the pages show them; answers (may be NULL) mark what is chosen:
 * {question_id, rating, option_id, text} as db_survey_response_of gives them. NULL on failure. */
static json_t *questions_view(struct req *r, long long seminar_id, json_t *answers)
{
	json_t *qs = db_survey_questions(r->app->db, &r->arena, seminar_id);
	json_t *opts = db_survey_options(r->app->db, &r->arena, seminar_id), *x, *o, *a;
	size_t i, j, k;

	if (qs == NULL || opts == NULL) {
		json_decref(qs);
		json_decref(opts);
		return NULL;
	}
	json_array_foreach (qs, i, x) {
		long long qid = json_integer_value(json_object_get(x, "id"));
		enum survey_kind kind = survey_kind_of(json_string_value(json_object_get(x, "kind")));
		json_t *choices = json_array();
		const char *prefix = kind == SQK_RATING ? "rate" : kind == SQK_TEXT ? "text" : "opt";

		json_object_set_new(x, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(x, "kind_name", json_string(kind < SQK__MAX ? survey_kind_names[kind] : ""));
		json_object_set_new(x, "is_rating", json_boolean(kind == SQK_RATING));
		json_object_set_new(x, "is_single", json_boolean(kind == SQK_SINGLE));
		json_object_set_new(x, "is_multiple", json_boolean(kind == SQK_MULTIPLE));
		json_object_set_new(x, "is_text", json_boolean(kind == SQK_TEXT));
		json_object_set_new(x, "field", json_string(arena_printf(&r->arena, "%s%lld", prefix, qid)));
		json_object_set_new(x, "dom_id", json_string(arena_printf(&r->arena, "q%lld", qid)));
		json_object_set_new(x, "text_value", json_null());
		if (kind == SQK_RATING)
			for (k = 1; k <= 5; k++)
				json_array_append_new(
					choices, json_pack("{s:I, s:s, s:s, s:b}", "value", (json_int_t)k, "text",
							   arena_printf(&r->arena, "%zu", k), "dom_id",
							   arena_printf(&r->arena, "q%lld-%zu", qid, k), "checked", 0));
		json_array_foreach (opts, j, o)
			if (json_integer_value(json_object_get(o, "question_id")) == qid)
				json_array_append_new(
					choices,
					json_pack("{s:O, s:O, s:s, s:b}", "value", json_object_get(o, "id"), "text",
						  json_object_get(o, "text"), "dom_id",
						  arena_printf(&r->arena, "q%lld-o%lld", qid,
							       (long long)json_integer_value(json_object_get(o, "id"))),
						  "checked", 0));
		json_array_foreach (answers, j, a) {
			json_t *c;
			if (json_integer_value(json_object_get(a, "question_id")) != qid)
				continue;
			if (kind == SQK_TEXT)
				json_object_set(x, "text_value", json_object_get(a, "text"));
			json_array_foreach (choices, k, c) {
				long long want = json_integer_value(
					json_object_get(a, kind == SQK_RATING ? "rating" : "option_id"));
				if (json_integer_value(json_object_get(c, "value")) == want)
					json_object_set_new(c, "checked", json_true());
			}
		}
		json_object_set_new(x, "choices", choices);
		json_object_set_new(
			x, "delete_url",
			json_string(url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY_QUESTIONS_QID_DELETE, seminar_id, qid)));
	}
	json_decref(opts);
	return qs;
}

/* ---- the organiser's builder */

static int builder_page(struct req *r, const struct seminar *s, int status, const char *error)
{
	struct survey v;
	json_t *qs, *sources, *mine = json_array(), *x, *kinds = json_array(), *ctx;
	size_t i;

	if (survey_of(r, s->id, &v) == -1 || (qs = questions_view(r, s->id, NULL)) == NULL)
		return 500;
	if ((sources = db_survey_sources(r->app->db, &r->arena, s->id)) == NULL) {
		json_decref(qs);
		return 500;
	}
	/* Surveys of the seminars of the organiser's regions. */
	json_array_foreach (sources, i, x)
		if (auth_covers(r, ROLE_ORGANIZER, json_integer_value(json_object_get(x, "region_id")),
				json_integer_value(json_object_get(x, "district_id")),
				json_string_value(json_object_get(x, "sector_ids"))))
			json_array_append(mine, x);
	json_decref(sources);
	for (i = 0; i < SQK__MAX; i++)
		json_array_append_new(
			kinds, json_pack("{s:s, s:s}", "value", survey_kind_codes[i], "name", survey_kind_names[i]));
	ctx = json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:{s:b, s:b, s:b, s:b, s:I, s:I, s:s}, s:o, s:o, s:o, s:s, "
			"s:s, s:s, s:s, s:s, s:s, s:s?}",
			"title", "Анкета семинара", "seminar", "id", (json_int_t)s->id, "title", s->title, "manage_url",
			url(&r->arena, U_MANAGE_SEMINARS_ID, s->id), "public_url",
			url(&r->arena, U_SEMINARS_ID_SURVEY, s->id), "survey", "anonymous", v.anonymous, "cert_gate",
			v.cert_gate, "open", v.open, "locked", v.nresponses > 0, "responses", (json_int_t)v.nresponses,
			"questions", (json_int_t)v.nquestions, "state", state_text(r, &v), "questions", qs, "kinds",
			kinds, "sources", mine, "settings_url", url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY, s->id),
			"add_url", url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY_QUESTIONS, s->id), "copy_url",
			url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY_COPY, s->id), "state_url",
			url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY_STATE, s->id), "results_url",
			url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY_RESULTS, s->id), "state_action",
			v.open ? "close" : "open", "error", error);
	page(r, "manage-survey", ctx);
	return status;
}

int pg_survey_manage(struct req *r)
{
	struct seminar s;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	return builder_page(r, &s, 200, NULL);
}

/* The answer to a change of the questionnaire: back to the builder, or the builder with why not. */
static int changed(struct req *r, const struct seminar *s, int rc, const char *action, const char *detail)
{
	static const char *const msgs[SURVEY__MAX] = {
		[SURVEY_ANSWERED] = "На анкету уже отвечали: вопросы менять нельзя, чтобы ответы не потеряли смысл.",
		[SURVEY_NAMED_LATE] = "На анкету уже отвечали анонимно: сделать её именной нельзя.",
		[SURVEY_NOT_FOUND] = "Такого вопроса нет.",
		[SURVEY_EMPTY] = "Сначала добавьте в анкету хотя бы один вопрос.",
	};

	if (rc == -1)
		return 500;
	if (rc != SURVEY_DONE)
		return builder_page(r, s, rc == SURVEY_NOT_FOUND ? 404 : 409, msgs[rc]);
	audit(r, action, "seminar", s->id, detail);
	return redirect(r, url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY, s->id));
}

int pg_survey_settings(struct req *r)
{
	struct seminar s;
	int rc, anonymous = req_param(r, "anonymous") != NULL, gate = req_param(r, "cert_gate") != NULL;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	rc = db_survey_settings(r->app->db, s.id, anonymous, gate);
	return changed(r, &s, rc, "survey.settings",
		       arena_printf(&r->arena, "anonymous=%d cert_gate=%d", anonymous, gate));
}

/* The options typed one a line: trimmed, empty lines skipped. Returns the count, or -1 when one is too long
 * or there are too many. */
static long split_options(struct req *r, const char *text, const char **out)
{
	long n = 0;

	while (text && *text) {
		size_t len = strcspn(text, "\r\n");
		const char *p = text, *e = text + len;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p) {
			if (n == MAX_OPTIONS || e - p > 300)
				return -1;
			out[n++] = arena_strndup(&r->arena, p, (size_t)(e - p));
		}
		text += len;
		text += strspn(text, "\r\n");
	}
	return n;
}

int pg_survey_question_add(struct req *r)
{
	struct seminar s;
	struct survey_question_new n = {0};
	const char *opts[MAX_OPTIONS];
	long nopts;
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	n.seminar_id = s.id;
	n.text = req_param(r, "question");
	n.kind = survey_kind_of(req_param(r, "qkind"));
	n.required = req_param(r, "required") != NULL;
	if (n.text == NULL || n.kind == SQK__MAX)
		return builder_page(r, &s, 400, "Напишите текст вопроса и выберите его тип.");
	if ((nopts = split_options(r, req_param(r, "options"), opts)) == -1)
		return builder_page(r, &s, 400, "Вариантов ответа может быть не больше 20, каждый до 300 знаков.");
	if ((n.kind == SQK_SINGLE || n.kind == SQK_MULTIPLE) && nopts < 2)
		return builder_page(r, &s, 400,
				    "Для вопроса с выбором укажите хотя бы два варианта, каждый с новой строки.");
	if (n.kind == SQK_SINGLE || n.kind == SQK_MULTIPLE) {
		n.options = opts;
		n.noptions = (size_t)nopts;
	}
	rc = db_survey_question_add(r->app->db, &n);
	return changed(r, &s, rc, "survey.question.add", n.text);
}

int pg_survey_question_delete(struct req *r)
{
	struct seminar s;
	long long qid = req_arg_id(r, 1);
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	rc = db_survey_question_delete(r->app->db, s.id, qid);
	return changed(r, &s, rc, "survey.question.delete", arena_printf(&r->arena, "question=%lld", qid));
}

int pg_survey_copy(struct req *r)
{
	struct seminar s, from;
	long long src = req_int(r, "source_id", 0);
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (src == 0 || src == s.id)
		return builder_page(r, &s, 400, "Выберите другой семинар, анкету которого нужно скопировать.");
	/* Only a survey of a seminar the organiser manages (their region's) is copied. */
	if ((rc = db_seminar_get(r->app->db, &r->arena, src, &from)) == -1)
		return 500;
	if (rc == 0 || !auth_covers(r, ROLE_ORGANIZER, from.region_id, from.district_id, from.sector_ids))
		return builder_page(r, &s, 403, "Можно скопировать анкету только семинара вашего региона.");
	rc = db_survey_copy(r->app->db, s.id, src);
	if (rc == SURVEY_NOT_FOUND)
		return builder_page(r, &s, 404, "В анкете выбранного семинара нет вопросов.");
	return changed(r, &s, rc, "survey.copy", arena_printf(&r->arena, "from=%lld", src));
}

int pg_survey_state(struct req *r)
{
	struct seminar s;
	const char *to = req_param(r, "state");
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), &s)) != 0)
		return rc;
	if (to == NULL)
		return fail_field(r, "state", "выберите действие");
	rc = db_survey_set_open(r->app->db, s.id, strcmp(to, "open") == 0);
	return changed(r, &s, rc, "survey.state", to);
}

/* ---- results */

#define BAR_STEP 40

/* "62,5%" of n out of total. */
static const char *percent(struct req *r, long long n, long long total, long long *tenths)
{
	*tenths = total > 0 ? (n * 1000 + total / 2) / total : 0;
	return arena_printf(&r->arena, "%lld,%lld%%", *tenths / 10, *tenths % 10);
}

/* The bars of one question's choices: the same SVG shape as the coverage chart (lengths in CSS pixels,
 * widths in percent of the chart's width). */
static json_t *bars_json(struct req *r, json_t *choices)
{
	json_t *c;
	size_t i;

	json_array_foreach (choices, i, c) {
		json_object_set_new(c, "label_y", json_integer((json_int_t)(i * BAR_STEP + 16)));
		json_object_set_new(c, "bar_y", json_integer((json_int_t)(i * BAR_STEP + 22)));
	}
	(void)r;
	return json_pack("{s:I, s:O}", "height", (json_int_t)(json_array_size(choices) * BAR_STEP), "bars", choices);
}

/* Each question with its counts, percentages and bars, or its texts. NULL on failure. */
static json_t *results_view(struct req *r, long long seminar_id, json_t *answers)
{
	json_t *qs = questions_view(r, seminar_id, NULL), *counts = db_survey_counts(r->app->db, &r->arena, seminar_id);
	json_t *resp = db_survey_respondents(r->app->db, &r->arena, seminar_id), *x, *c, *k, *a;
	size_t i, j, m;

	if (qs == NULL || counts == NULL || resp == NULL) {
		json_decref(qs);
		json_decref(counts);
		json_decref(resp);
		return NULL;
	}
	json_array_foreach (qs, i, x) {
		long long qid = json_integer_value(json_object_get(x, "id")), total = 0, sum = 0, nrated = 0;
		json_t *texts = json_array(), *choices = json_object_get(x, "choices");
		int rating = json_is_true(json_object_get(x, "is_rating"));

		json_array_foreach (resp, j, k)
			if (json_integer_value(json_object_get(k, "question_id")) == qid)
				total = json_integer_value(json_object_get(k, "n"));
		json_array_foreach (choices, j, c) {
			long long v = json_integer_value(json_object_get(c, "value")), n = 0, t;
			json_array_foreach (counts, m, k)
				if (json_integer_value(json_object_get(k, "question_id")) == qid &&
				    json_integer_value(json_object_get(k, rating ? "rating" : "option_id")) == v)
					n += json_integer_value(json_object_get(k, "n"));
			sum += rating ? n * v : 0;
			nrated += n;
			json_object_set_new(c, "count", json_integer(n));
			json_object_set_new(c, "pct_text", json_string(percent(r, n, total, &t)));
			json_object_set_new(c, "width",
					    json_string(arena_printf(&r->arena, "%lld.%lld%%", t / 10, t % 10)));
		}
		json_array_foreach (answers, j, a)
			if (json_integer_value(json_object_get(a, "question_id")) == qid &&
			    json_is_string(json_object_get(a, "text")))
				json_array_append_new(texts, json_pack("{s:O, s:O}", "text", json_object_get(a, "text"),
								       "full_name", json_object_get(a, "full_name")));
		json_object_set_new(x, "respondents", json_integer(total));
		json_object_set_new(x, "texts", texts);
		json_object_set_new(x, "chart", json_array_size(choices) ? bars_json(r, choices) : json_null());
		json_object_set_new(x, "average",
				    rating && nrated
					    ? json_string(arena_printf(&r->arena, "%lld,%lld", sum * 10 / nrated / 10,
								       sum * 10 / nrated % 10))
					    : json_null());
	}
	json_decref(counts);
	json_decref(resp);
	return qs;
}

/* Who answered a named survey, in the order of their responses. */
static json_t *respondents_view(json_t *answers)
{
	json_t *out = json_array(), *a;
	long long last = 0;
	size_t i;

	json_array_foreach (answers, i, a) {
		long long id = json_integer_value(json_object_get(a, "response_id"));
		if (id != last && json_is_string(json_object_get(a, "full_name")))
			json_array_append_new(out, json_pack("{s:O}", "full_name", json_object_get(a, "full_name")));
		last = id;
	}
	return out;
}

/* The seminar and its survey for the results pages: 0, or the status to return. */
static int results_of(struct req *r, struct seminar *s, struct survey *v, json_t **answers)
{
	int rc;

	if ((rc = auth_seminar(r, req_arg_id(r, 0), s)) != 0)
		return rc;
	if ((rc = db_survey_get(r->app->db, &r->arena, s->id, v)) != 1)
		return rc == 0 ? fail(r, 404, "У этого семинара нет анкеты.") : 500;
	if ((*answers = db_survey_answers(r->app->db, &r->arena, s->id, !v->anonymous)) == NULL)
		return 500;
	return 0;
}

int pg_survey_results(struct req *r)
{
	struct seminar s;
	struct survey v;
	json_t *answers, *qs;
	int rc;

	if ((rc = results_of(r, &s, &v, &answers)) != 0)
		return rc;
	if ((qs = results_view(r, s.id, answers)) == NULL) {
		json_decref(answers);
		return 500;
	}
	/* Named answers are personal data: who looked is on record. */
	if (!v.anonymous && access_record(r, "survey.results", "seminar", s.id, "named", NULL) == -1) {
		json_decref(answers);
		json_decref(qs);
		return 500;
	}
	return page(r, "manage-survey-results",
		    json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:b, s:I, s:s}, s:o, s:o, s:s}", "title",
			      "Результаты анкеты", "seminar", "title", s.title, "manage_url",
			      url(&r->arena, U_MANAGE_SEMINARS_ID, s.id), "survey_url",
			      url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY, s.id), "survey", "anonymous", v.anonymous,
			      "responses", (json_int_t)v.nresponses, "state", state_text(r, &v), "questions", qs,
			      "respondents", v.anonymous ? json_array() : respondents_view(answers), "xlsx_url",
			      url(&r->arena, U_MANAGE_SEMINARS_ID_SURVEY_RESULTS_XLSX, s.id)));
}

/* One row per response: {n, full_name, q<id>: the rating, the chosen options joined by «; », or the text}. */
static json_t *export_rows(struct req *r, json_t *answers)
{
	json_t *rows = json_array(), *row = NULL, *a;
	long long last = 0;
	size_t i;

	json_array_foreach (answers, i, a) {
		long long id = json_integer_value(json_object_get(a, "response_id"));
		const char *key = arena_printf(&r->arena, "q%lld",
					       (long long)json_integer_value(json_object_get(a, "question_id")));
		json_t *was, *val = json_is_integer(json_object_get(a, "rating"))  ? json_object_get(a, "rating")
				    : json_is_string(json_object_get(a, "option")) ? json_object_get(a, "option")
										   : json_object_get(a, "text");
		if (id != last) {
			row = json_pack("{s:I, s:O}", "n", (json_int_t)json_array_size(rows) + 1, "full_name",
					json_object_get(a, "full_name"));
			json_array_append_new(rows, row);
			last = id;
		}
		if ((was = json_object_get(row, key)) != NULL && json_is_string(val))
			json_object_set_new(row, key,
					    json_string(arena_printf(&r->arena, "%s; %s", json_string_value(was),
								     json_string_value(val))));
		else
			json_object_set(row, key, val);
	}
	return rows;
}

int pg_survey_results_xlsx(struct req *r)
{
	struct seminar s;
	struct survey v;
	json_t *answers, *qs, *rows, *x;
	struct export_col *cols;
	size_t i, n = 0;
	int rc;

	if ((rc = results_of(r, &s, &v, &answers)) != 0)
		return rc;
	if ((qs = db_survey_questions(r->app->db, &r->arena, s.id)) == NULL) {
		json_decref(answers);
		return 500;
	}
	cols = arena_alloc(&r->arena, (json_array_size(qs) + 2) * sizeof(*cols));
	cols[n++] = (struct export_col){"n", "№", EX_INT, 6};
	if (!v.anonymous)
		cols[n++] = (struct export_col){"full_name", "ФИО", EX_TEXT, 32};
	json_array_foreach (qs, i, x)
		cols[n++] = (struct export_col){
			arena_printf(&r->arena, "q%lld", (long long)json_integer_value(json_object_get(x, "id"))),
			arena_strdup(&r->arena, json_string_value(json_object_get(x, "text"))), EX_TEXT, 30};
	rows = export_rows(r, answers);
	rc = download_send(r, DL_XLSX,
			   &(struct download){"Ответы", s.title, cols, n, rows, "survey.export", "seminar", s.id,
					      v.anonymous ? "anonymous" : "named",
					      arena_printf(&r->arena, "survey-%lld", s.id), v.anonymous, NULL});
	json_decref(rows);
	json_decref(answers);
	json_decref(qs);
	return rc;
}

/* ---- the participant's form */

/* The seminar, its survey and the user's confirmed registration: 0, or the status to return. */
static int answerer(struct req *r, struct seminar *s, struct survey *v, struct reg_info *g)
{
	long long id = req_arg_id(r, 0);
	int rc;

	if (id == 0 || (rc = db_seminar_get(r->app->db, &r->arena, id, s)) == 0)
		return fail(r, 404, "Такого семинара нет.");
	if (rc == -1)
		return 500;
	if ((rc = db_survey_get(r->app->db, &r->arena, id, v)) == -1)
		return 500;
	if (rc == 0 || v->nquestions == 0)
		return fail(r, 404, "У этого семинара нет анкеты.");
	if ((rc = db_registration_of(r->app->db, &r->arena, id, r->user->id, g, NULL)) == -1)
		return 500;
	if (rc == 0 || strcmp(g->status, "confirmed") != 0)
		return fail(r, 403, "Анкету заполняют участники семинара.");
	return 0;
}

static int form_page(struct req *r, const struct seminar *s, const struct survey *v, json_t *answers, int answered,
		     int status, const char *error, const char *notice)
{
	json_t *qs = questions_view(r, s->id, answers);

	if (qs == NULL)
		return 500;
	page(r, "survey",
	     json_pack("{s:s, s:{s:s, s:s}, s:{s:b, s:b, s:s}, s:b, s:o, s:s, s:s?, s:s?}", "title", "Анкета участника",
		       "seminar", "title", s->title, "url", url(&r->arena, U_SEMINARS_ID, s->id), "survey", "anonymous",
		       v->anonymous, "open", v->open, "state",
		       v->open     ? ""
		       : v->closed ? "Анкета закрыта: ответы больше не принимаются."
				   : "Анкета откроется после окончания последнего занятия.",
		       "answered", answered, "questions", qs, "action", url(&r->arena, U_SEMINARS_ID_SURVEY, s->id),
		       "error", error, "notice", notice));
	return status;
}

int pg_survey(struct req *r)
{
	struct seminar s;
	struct survey v;
	struct reg_info g;
	json_t *answers;
	int rc;

	if ((rc = answerer(r, &s, &v, &g)) != 0)
		return rc;
	if ((answers = db_survey_response_of(r->app->db, &r->arena, g.id)) == NULL)
		return 500;
	return form_page(r, &s, &v, answers, json_array_size(answers) > 0, 200, NULL,
			 req_param(r, "saved") ? "Спасибо! Ваши ответы сохранены." : NULL);
}

/* Reads the answers of the form against the questions. Returns NULL when they are good, or a Russian message
 * naming the question. The answers as typed are also put in given (to show the form again). */
static const char *read_answers(struct req *r, json_t *qs, json_t *opts, struct survey_answer *out, size_t *n,
				json_t *given)
{
	const char *err = NULL;
	json_t *x, *o;
	size_t i, j;

	*n = 0;
	json_array_foreach (qs, i, x) {
		long long qid = json_integer_value(json_object_get(x, "id"));
		enum survey_kind kind = survey_kind_of(json_string_value(json_object_get(x, "kind")));
		const char *vals[MAX_OPTIONS];
		size_t nv = 0, k;

		if (kind == SQK_RATING || kind == SQK_TEXT) {
			vals[0] = req_param(
				r, arena_printf(&r->arena, "%s%lld", kind == SQK_RATING ? "rate" : "text", qid));
			nv = vals[0] != NULL;
		} else
			nv = req_params(r, arena_printf(&r->arena, "opt%lld", qid), vals, MAX_OPTIONS);
		if (kind == SQK_SINGLE && nv > 1)
			nv = 1;
		if (nv == 0 && json_integer_value(json_object_get(x, "required")) && err == NULL)
			err = arena_printf(&r->arena, "Ответьте на вопрос %zu «%s».", i + 1,
					   json_string_value(json_object_get(x, "text")));
		for (k = 0; k < nv && *n < MAX_ANSWERS; k++) {
			struct survey_answer a = {.question_id = qid};
			if (kind == SQK_RATING)
				a.rating = strtoll(vals[k], NULL, 10);
			else if (kind == SQK_TEXT)
				a.text = vals[k];
			else {
				a.option_id = strtoll(vals[k], NULL, 10);
				/* Only an option of this question counts. */
				json_array_foreach (opts, j, o)
					if (json_integer_value(json_object_get(o, "id")) == a.option_id &&
					    json_integer_value(json_object_get(o, "question_id")) == qid)
						break;
				if (j == json_array_size(opts)) {
					if (err == NULL)
						err = arena_printf(&r->arena,
								   "В вопросе %zu нет такого варианта ответа.", i + 1);
					continue;
				}
			}
			out[(*n)++] = a;
			json_array_append_new(given, json_pack("{s:I, s:I, s:I, s:s?}", "question_id", (json_int_t)qid,
							       "rating", (json_int_t)a.rating, "option_id",
							       (json_int_t)a.option_id, "text", a.text));
		}
	}
	return err;
}

int pg_survey_post(struct req *r)
{
	struct seminar s;
	struct survey v;
	struct reg_info g;
	struct survey_answer *a;
	json_t *qs, *opts, *given;
	const char *err;
	size_t n;
	int rc;

	if ((rc = answerer(r, &s, &v, &g)) != 0)
		return rc;
	if (!v.open)
		return form_page(r, &s, &v, NULL, 0, 409,
				 v.closed ? "Анкета закрыта: ответы больше не принимаются." : "Анкета ещё не открыта.",
				 NULL);
	qs = db_survey_questions(r->app->db, &r->arena, s.id);
	opts = db_survey_options(r->app->db, &r->arena, s.id);
	if (qs == NULL || opts == NULL) {
		json_decref(qs);
		json_decref(opts);
		return 500;
	}
	a = arena_alloc(&r->arena, MAX_ANSWERS * sizeof(*a));
	given = json_array();
	err = read_answers(r, qs, opts, a, &n, given);
	json_decref(qs);
	json_decref(opts);
	if (err != NULL) {
		rc = form_page(r, &s, &v, given, 0, 400, err, NULL);
		json_decref(given);
		return rc;
	}
	json_decref(given);
	if ((rc = db_survey_answer(r->app->db, s.id, g.id, a, n)) == -1)
		return 500;
	if (rc == SURVEY_CLOSED)
		return form_page(r, &s, &v, NULL, 0, 409, "Анкета закрыта: ответы больше не принимаются.", NULL);
	return redirect(r, arena_printf(&r->arena, "%s?saved=1", url(&r->arena, U_SEMINARS_ID_SURVEY, s.id)));
}

/* ---- links from the seminar page and the cabinet */

json_t *survey_link(struct req *r, long long seminar_id)
{
	struct survey v;
	struct reg_info g;

	if (r->user == NULL || db_survey_get(r->app->db, &r->arena, seminar_id, &v) != 1 || !v.open ||
	    v.nquestions == 0 || db_registration_of(r->app->db, &r->arena, seminar_id, r->user->id, &g, NULL) != 1 ||
	    strcmp(g.status, "confirmed") != 0)
		return json_null();
	return json_pack("{s:s, s:b}", "url", url(&r->arena, U_SEMINARS_ID_SURVEY, seminar_id), "answered",
			 db_survey_answered(r->app->db, &r->arena, g.id) == 1);
}

json_t *surveys_open(struct req *r)
{
	json_t *rows = db_survey_open_for(r->app->db, &r->arena, r->user->id), *x;
	size_t i;

	json_array_foreach (rows, i, x)
		json_object_set_new(x, "url",
				    json_string(url(&r->arena, U_SEMINARS_ID_SURVEY,
						    json_integer_value(json_object_get(x, "seminar_id")))));
	return rows;
}
