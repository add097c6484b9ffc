/* The answer's body: the page's template or JSON, with the signed-in user and the version switch; error pages. */
#include "app.h"

#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

static const char *default_message(int status)
{
	switch (status) {
	case 400: return "Неверный запрос.";
	case 401: return "Войдите, чтобы продолжить.";
	case 403: return "Недостаточно прав для этого действия.";
	case 404: return "Страница не найдена. Проверьте адрес или вернитесь на главную.";
	case 405: return "Этот метод запроса здесь не поддерживается.";
	case 409: return "Действие конфликтует с текущим состоянием данных. Обновите страницу.";
	case 413: return "Слишком большой запрос.";
	case 429: return "Слишком много запросов. Подождите немного и попробуйте снова.";
	case 503: return "Сервис временно недоступен. Попробуйте через минуту.";
	default: return "Внутренняя ошибка сервера. Мы уже знаем о ней; попробуйте позже.";
	}
}

int app_lowvision(const struct req *r)
{
	const char *v = req_cookie(r, VIEW_COOKIE);

	return v != NULL && strcmp(v, "lowvision") == 0;
}

/* The layout's switch between the usual version and the version for the visually impaired. */
static json_t *view_json(struct req *r)
{
	int low = app_lowvision(r);

	return json_pack("{s:b, s:s, s:s}", "lowvision", low, "switch_url",
			 app_front_come_back(r, low ? U_VIEW_NORMAL "?next=" : U_VIEW_LOWVISION "?next="),
			 "switch_text", low ? "Обычная версия" : "Версия для слабовидящих");
}

int app_view(struct req *r)
{
	const char *next = req_param(r, "next");

	if (strcmp(r->path, U_VIEW_LOWVISION) == 0)
		resp_cookie(r, VIEW_COOKIE, "lowvision", VIEW_MAX_AGE);
	else
		resp_cookie(r, VIEW_COOKIE, "", 0);
	return redirect(r, next ? next : U_HOME);
}

static json_t *user_json(const struct req *r)
{
	if (r->user == NULL)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:b, s:b, s:b, s:b}", "id", (json_int_t)r->user->id, "name", r->user->name,
			 "email", r->user->email, "is_admin", auth_has(r, ROLE_ADMIN, 0, 0), "is_organizer",
			 auth_has(r, ROLE_ORGANIZER, -1, -1), "is_reviewer", auth_sees_reports(r), "is_head",
			 r->user->head_org > 0);
}

static const char *csrf_token(void *r)
{
	return auth_csrf(r);
}

void app_render(struct req *r)
{
	json_t *ctx = r->ctx;

	if (r->page == NULL && r->status >= 400) {
		ctx = r->ctx = json_pack("{s:s, s:i, s:s}", "title", "Ошибка", "status", r->status, "message",
					 r->errmsg ? r->errmsg : default_message(r->status));
		r->page = "error";
	}
	if (r->page == NULL)
		return;
	json_object_set_new(ctx, "user", user_json(r));
	if (r->want_json) {
		/* Scripts of a signed-in user send this token in X-CSRF-Token. */
		if (r->sid != NULL)
			json_object_set_new(ctx, "csrf", json_string(auth_csrf(r)));
		char *s;
		if (r->status >= 400) {
			/* Error pages carry "message"; forms shown again carry "error". */
			json_t *msg = json_object_get(ctx, "message");
			if (!json_is_string(msg))
				msg = json_object_get(ctx, "error");
			ctx = json_pack("{s:i, s:s}", "status", r->status, "error",
					json_is_string(msg) ? json_string_value(msg)
					: r->errmsg         ? r->errmsg
							    : default_message(r->status));
		}
		s = ctx ? json_dumps(ctx, JSON_COMPACT) : NULL;
		buf_adds(&r->body, s ? s : "{}");
		free(s);
		if (ctx != r->ctx)
			json_decref(ctx);
		r->ctype = "application/json";
		return;
	}
	json_object_set_new(ctx, "view", view_json(r));
	if (!tmpl_render(r->app->tmpl, r->page, ctx, csrf_token, r, &r->body)) {
		log_msg(LOG_ERROR, r->rid, "no template %s", r->page);
		r->status = 500;
		buf_reset(&r->body);
		buf_adds(&r->body, "Internal error");
		r->ctype = "text/plain; charset=utf-8";
	}
}
