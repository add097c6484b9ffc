/* Unit tests of fcgi/core/regline.c: every check of a line, and the diff with the register (add, change, same). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "regfix.h"

#include <cmocka.h>

static struct arena a;

#define ORG_HEAD                                                                                                       \
	ROW("Регион", "Район", "ОКТМО", "Направление", "Полное наименование", "Краткое наименование", "ИНН", "Страницы")
#define DISTRICT_HEAD ROW("Регион", "Район", "ОКТМО", "Население")

/* Judges the rows under the header rows[0] against the register of regfix.h; rows[i] is line i + 1. */
static struct regline_set judge(enum import_kind kind, struct sheet_row *rows, size_t n)
{
	struct sheet sh = {rows, n};
	struct regline_set s = {.a = &a, .kind = kind, .orgs = regfix_orgs};
	const char *ignored, *why;
	size_t i;

	s.norgs = sizeof(regfix_orgs) / sizeof(regfix_orgs[0]);
	s.refs = regfix_refs(&a);
	for (i = 0; i < n; i++)
		rows[i].line = (long)i + 1;
	assert_int_equal(reghead_find(&a, kind, &sh, s.cols, &ignored, &why), 0);
	regline_keys(&s, &sh, 1);
	for (i = 1; i < n; i++)
		regline_check(&s, &rows[i]);
	assert_int_equal(s.n, n - 1);
	return s;
}

/* The line that one row under a header makes. */
static struct regline one(enum import_kind kind, struct sheet_row head, struct sheet_row row)
{
	struct sheet_row rows[] = {head, row};
	struct regline_set s = judge(kind, rows, 2);
	struct regline l = *(const struct regline *)s.lines.p;

	regline_free(&s);
	return l;
}

#define ORG(...)      one(IMPORT_ORGANIZATIONS, ORG_HEAD, ROW(__VA_ARGS__))
#define DISTRICT(...) one(IMPORT_DISTRICTS, DISTRICT_HEAD, ROW(__VA_ARGS__))

/* Asserts a rejection with exactly this reason. */
#define assert_rejected(l, why)                                                                                        \
	do {                                                                                                           \
		struct regline l_ = (l);                                                                               \
		assert_int_equal(l_.action, IA_REJECT);                                                                \
		assert_int_equal(l_.target, 0);                                                                        \
		assert_string_equal(l_.reason, why);                                                                   \
	} while (0)

/* A value of a line's data as text (numbers and null too), in the arena. */
static const char *data(const struct regline *l, const char *key)
{
	json_t *j = json_loads(l->data, 0, NULL), *v = json_object_get(j, key);
	const char *s = v == NULL            ? "(absent)"
			: json_is_string(v)  ? arena_strdup(&a, json_string_value(v))
			: json_is_integer(v) ? arena_printf(&a, "%lld", (long long)json_integer_value(v))
					     : "null";

	assert_non_null(j);
	json_decref(j);
	return s;
}

static void test_org_add(void **state)
{
	struct regline l = ORG("Липецкая область", "Грязинский район", "", "Образование", "ООО «Новая»", "Новая",
			       "0123456788", "");

	(void)state;
	assert_int_equal(l.action, IA_ADD);
	assert_int_equal(l.target, 0);
	assert_null(l.reason);
	assert_string_equal(data(&l, "inn"), "0123456788");
	assert_string_equal(data(&l, "district_id"), "10");
	assert_string_equal(data(&l, "sector_id"), "1");
	assert_string_equal(data(&l, "page_urls"), "null");
	assert_string_equal(data(&l, "region"), "Липецкая область");
	/* The district by its OKTMO code alone, the sector by its code, the INN with spaces. */
	l = ORG("Липецкая область", "", "42606000", "edu", "ООО «Новая»", "Новая", "0123 456 788", "https://new.ru");
	assert_int_equal(l.action, IA_ADD);
	assert_string_equal(data(&l, "inn"), "0123456788");
	assert_string_equal(data(&l, "district"), "Грязинский район");
	assert_string_equal(data(&l, "page_urls"), "https://new.ru");
}

static void test_org_same(void **state)
{
	struct regline l = ORG("Липецкая область", "Грязинский район", "42606000", "Образование",
			       "Муниципальное бюджетное общеобразовательное учреждение «Школа №1»", "МБОУ СОШ №1",
			       "4816105358", "https://school1.ru");

	(void)state;
	assert_int_equal(l.action, IA_SAME);
	assert_int_equal(l.target, 100);
	assert_null(l.reason);
	/* What the page shows of it is enough. */
	assert_string_equal(l.data, "{\"inn\":\"4816105358\",\"short_name\":\"МБОУ СОШ №1\",\"district\":\"Грязинский "
				    "район\",\"sector\":\"Образование\"}");
	/* Case, ё, spaces and the sector's code do not make a change. */
	l = ORG(" липецкая  ОБЛАСТЬ", "грязинский\xc2\xa0район", "", "EDU",
		"Муниципальное  бюджетное общеобразовательное учреждение «Школа №1» ", "МБОУ\nСОШ №1", "4816105358",
		"https://school1.ru https://school1.ru");
	assert_int_equal(l.action, IA_SAME);
	/* Without a pages column the stored pages stay. */
	l = one(IMPORT_ORGANIZATIONS,
		ROW("Регион", "Район", "Направление", "Полное наименование", "Краткое наименование", "ИНН"),
		ROW("Липецкая область", "Грязинский район", "Образование",
		    "Муниципальное бюджетное общеобразовательное учреждение «Школа №1»", "МБОУ СОШ №1", "4816105358"));
	assert_int_equal(l.action, IA_SAME);
}

static void test_org_change(void **state)
{
	struct regline l = ORG("Липецкая область", "Елецкий район", "", "Здравоохранение",
			       "Муниципальное бюджетное общеобразовательное учреждение «Школа №1»", "МБОУ СОШ № 1",
			       "4816105358", "https://school1.ru; http://school1.lipetsk.ru");

	(void)state;
	assert_int_equal(l.action, IA_CHANGE);
	assert_int_equal(l.target, 100);
	assert_string_equal(l.reason, "район: Грязинский район → Елецкий район; направление: Образование → "
				      "Здравоохранение; краткое наименование: «МБОУ СОШ №1» → «МБОУ СОШ № 1»; "
				      "страницы: https://school1.ru → https://school1.ru http://school1.lipetsk.ru");
	/* What the apply needs: the row it saw, whether coverage moves, the district it leaves. */
	assert_string_equal(data(&l, "fp"), "fp100");
	assert_string_equal(data(&l, "touch"), "1");
	assert_string_equal(data(&l, "old_district_id"), "10");
	assert_string_equal(data(&l, "district_id"), "11");
	/* A new name or no pages: coverage stays. */
	l = ORG("Липецкая область", "Грязинский район", "", "Образование", "МБОУ «Школа №1»", "МБОУ СОШ №1",
		"4816105358", "");
	assert_int_equal(l.action, IA_CHANGE);
	assert_string_equal(l.reason, "полное наименование: «Муниципальное бюджетное общеобразовательное учреждение "
				      "«Школ…» → «МБОУ «Школа №1»»; страницы: https://school1.ru → нет");
	assert_string_equal(data(&l, "touch"), "0");
	/* A proposed organisation comes into the register; an inactive one comes back. */
	l = ORG("Липецкая область", "Грязинский район", "", "Образование", "Детский сад", "Детский сад", "4826000026",
		"");
	assert_int_equal(l.action, IA_CHANGE);
	assert_int_equal(l.target, 102);
	assert_string_equal(l.reason, "будет внесена в реестр (её предложил участник)");
	assert_string_equal(data(&l, "touch"), "1");
	l = ORG("Липецкая область", "Елецкий район", "", "Здравоохранение", "Больница", "Больница", "4826000019", "");
	assert_int_equal(l.action, IA_CHANGE);
	assert_int_equal(l.target, 103);
	assert_string_equal(l.reason, "снова станет действующей");
}

static void test_org_region_district(void **state)
{
	(void)state;
	assert_rejected(ORG("", "Грязинский район", "", "Образование", "А", "А", "0123456788", ""), "не указан регион");
	assert_rejected(ORG("Курская область", "Грязинский район", "", "Образование", "А", "А", "0123456788", ""),
			"регион «Курская область» не найден");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "123", "Образование", "А", "А", "0123456788", ""),
			"код ОКТМО «123» должен состоять из 8 или 11 цифр");
	assert_rejected(ORG("Липецкая область", "", "68618000", "Образование", "А", "А", "0123456788", ""),
			"район с кодом ОКТМО 68618000 («Мичуринский район») относится к другому региону");
	assert_rejected(ORG("Липецкая область", "Елецкий район", "42606000", "Образование", "А", "А", "0123456788", ""),
			"код ОКТМО 42606000 — это «Грязинский район», а не «Елецкий район»");
	assert_rejected(ORG("Липецкая область", "Данковский район", "", "Образование", "А", "А", "0123456788", ""),
			"район «Данковский район» не найден в регионе «Липецкая область»");
	assert_rejected(ORG("Липецкая область", "", "42999000", "Образование", "А", "А", "0123456788", ""),
			"район «ОКТМО 42999000» не найден в регионе «Липецкая область»");
	assert_rejected(ORG("Липецкая область", "", "", "Образование", "А", "А", "0123456788", ""), "не указан район");
}

static void test_org_sector_names(void **state)
{
	char long_name[502], long_short[258];

	(void)state;
	memset(long_name, 'x', 501), long_name[501] = '\0';
	memset(long_short, 'x', 256), long_short[256] = '\0';
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "", "А", "А", "0123456788", ""),
			"не указано направление");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Культура", "А", "А", "0123456788", ""),
			"направление «Культура» не найдено");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "", "А", "0123456788", ""),
			"не указано полное наименование");
	assert_rejected(
		ORG("Липецкая область", "Грязинский район", "", "Образование", long_name, "А", "0123456788", ""),
		"полное наименование длиннее 500 символов");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "", "0123456788", ""),
			"не указано краткое наименование");
	assert_rejected(
		ORG("Липецкая область", "Грязинский район", "", "Образование", "А", long_short, "0123456788", ""),
		"краткое наименование длиннее 255 символов");
	/* 500 and 255 code points are allowed, however many bytes. */
	long_short[255] = '\0';
	assert_int_equal(
		ORG("Липецкая область", "Грязинский район", "", "Образование", "А", long_short, "0123456788", "")
			.action,
		IA_ADD);
}

static void test_org_inn(void **state)
{
	(void)state;
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "", ""),
			"не указан ИНН");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "12345", ""),
			"ИНН «12345» должен состоять из 10 или 12 цифр");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "48261O0019", ""),
			"ИНН «48261O0019» должен состоять из 10 или 12 цифр");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "123456788", ""),
			"ИНН «123456788» должен состоять из 10 или 12 цифр (если ИНН начинается с нуля, задайте "
			"столбцу в Excel текстовый формат)");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "4826000018", ""),
			"неверная контрольная цифра ИНН 4826000018");
	assert_rejected(ORG("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "7707083893", ""),
			"организация с ИНН 7707083893 объединена с другой организацией реестра");
}

static void test_org_repeat_and_all_reasons(void **state)
{
	struct sheet_row rows[] = {
		ORG_HEAD,
		ROW("Липецкая область", "Грязинский район", "", "Образование", "А", "А", "0123456788", ""),
		ROW("Липецкая область", "Елецкий район", "", "Образование", "Б", "Б", "0123 456788", ""),
		ROW("", "", "", "", "В", "В", "", "ftp://x.ru"),
	};
	struct regline_set s = judge(IMPORT_ORGANIZATIONS, rows, 4);
	const struct regline *l = (const struct regline *)s.lines.p;

	(void)state;
	assert_int_equal(l[0].action, IA_ADD);
	assert_int_equal(l[0].line, 2);
	assert_rejected(l[1], "ИНН 0123456788 повторяется: он уже есть в строке 2 (та строка остаётся, эта "
			      "отклонена)");
	/* Every reason, in the order of the columns; a rejected line keeps the cells as written. */
	assert_rejected(l[2], "не указан регион; не указано направление; не указан ИНН; неверная ссылка «ftp://x.ru»: "
			      "нужен адрес страницы, начинающийся с http:// или https://");
	assert_string_equal(data(&l[1], "inn"), "0123 456788");
	assert_string_equal(data(&l[1], "district"), "Елецкий район");
	assert_int_equal(s.count[IA_ADD], 1);
	assert_int_equal(s.count[IA_REJECT], 2);
	/* The keys that can be INNs, once each; the regions the file covers. */
	assert_string_equal(regline_inns(&s), "[\"0123456788\"]");
	assert_int_equal(s.nregions, 1);
	assert_int_equal(s.regions[0], 1);
	regline_free(&s);
}

static void test_urls(void **state)
{
	struct buf why = {0};
	char many[2000] = "";
	int i;

	(void)state;
	assert_null(regline_urls(&a, "", &why));
	assert_null(regline_urls(&a, " , ; ", &why));
	assert_int_equal(why.len, 0);
	/* Split at spaces, commas and semicolons; repeats dropped; joined by a space. */
	assert_string_equal(
		regline_urls(&a, "https://a.ru,http://b.ru/page;https://a.ru https://c.ru:8080/x?y=1#z", &why),
		"https://a.ru http://b.ru/page https://c.ru:8080/x?y=1#z");
	assert_int_equal(why.len, 0);
	/* Bad ones are reasons, the good ones stay. */
	assert_string_equal(regline_urls(&a,
					 "https://a https://.ru/ https://a.ru javascript:alert(1) "
					 "https://a.ru/\"x https://ru.",
					 &why),
			    "https://a.ru");
	assert_string_equal(why.p,
			    "неверная ссылка «https://a»: нужен адрес страницы, начинающийся с http:// или "
			    "https://; неверная ссылка «https://.ru/»: нужен адрес страницы, начинающийся с "
			    "http:// или https://; неверная ссылка «javascript:alert(1)»: нужен адрес страницы, "
			    "начинающийся с http:// или https://; неверная ссылка «https://a.ru/\"x»: нужен адрес "
			    "страницы, начинающийся с http:// или https://; неверная ссылка «https://ru.»: нужен "
			    "адрес страницы, начинающийся с http:// или https://");
	buf_reset(&why);
	for (i = 0; i < 40; i++) /* 40 × 33 characters */
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "https://site%02d.example.ru/page ", i);
	assert_non_null(regline_urls(&a, many, &why));
	assert_string_equal(why.p, "ссылок на страницы слишком много: вместе больше 1000 символов");
	buf_free(&why);
}

static void test_district_diff(void **state)
{
	struct regline l = DISTRICT("Липецкая область", "Данковский район", "4609000", "20 500");

	(void)state;
	assert_int_equal(l.action, IA_ADD);
	assert_string_equal(l.data, "{\"region_id\":1,\"name\":\"Данковский район\",\"oktmo\":\"04609000\","
				    "\"population\":\"20500\",\"region\":\"Липецкая область\"}");
	l = DISTRICT("Липецкая область", "грязинский район", "42606000", "74000");
	assert_int_equal(l.action, IA_CHANGE); /* the name is written as the file has it */
	assert_string_equal(l.reason, "название: «Грязинский район» → «грязинский район»");
	l = DISTRICT("Липецкая область", "Грязинский район", "42606000", "");
	assert_int_equal(l.action, IA_SAME); /* an empty population keeps the known one */
	assert_int_equal(l.target, 10);
	assert_string_equal(data(&l, "population"), "74000");
	l = DISTRICT("Липецкая область", "Грязинский муниципальный район", "42606000", "075000");
	assert_int_equal(l.action, IA_CHANGE);
	assert_int_equal(l.target, 10);
	assert_string_equal(l.reason, "название: «Грязинский район» → «Грязинский муниципальный район»; население: "
				      "74000 → 75000");
	assert_string_equal(data(&l, "fp"), "fp10");
	/* A district known by name only gets its code. */
	l = DISTRICT("Липецкая область", "Елецкий район", "42621000", "");
	assert_int_equal(l.action, IA_CHANGE);
	assert_int_equal(l.target, 11);
	assert_string_equal(l.reason, "код ОКТМО: нет → 42621000");
}

static void test_district_rejects(void **state)
{
	char long_name[162];
	struct sheet_row rows[] = {
		DISTRICT_HEAD,
		ROW("Липецкая область", "Данковский район", "42609000", ""),
		ROW("Липецкая область", "Лебедянский район", "42609000", ""),
		ROW("Липецкая область", "ДАНКОВСКИЙ район", "42630000", ""),
	};
	struct regline_set s;
	const struct regline *l;

	(void)state;
	memset(long_name, 'x', 161), long_name[161] = '\0';
	assert_rejected(DISTRICT("", "Данковский район", "42609000", ""), "не указан регион");
	assert_rejected(DISTRICT("Курская", "Данковский район", "42609000", ""), "регион «Курская» не найден");
	assert_rejected(DISTRICT("Липецкая область", "", "42609000", ""), "не указано название района");
	assert_rejected(DISTRICT("Липецкая область", long_name, "42609000", ""),
			"название района длиннее 160 символов");
	assert_rejected(DISTRICT("Липецкая область", "Данковский район", "", ""), "не указан код ОКТМО");
	assert_rejected(DISTRICT("Липецкая область", "Данковский район", "426090", ""),
			"код ОКТМО «426090» должен состоять из 8 или 11 цифр");
	assert_rejected(DISTRICT("Липецкая область", "Данковский район", "42609000", "много"),
			"население «много» должно быть целым числом");
	assert_rejected(DISTRICT("Липецкая область", "Данковский район", "42609000", "1234567890"),
			"население «1234567890» должно быть целым числом");
	assert_rejected(DISTRICT("Липецкая область", "Новый район", "68618000", ""),
			"код ОКТМО 68618000 уже у района «Мичуринский район» другого региона");
	assert_rejected(DISTRICT("Липецкая область", "Грязинский район", "42699000", ""),
			"в регионе уже есть район «Грязинский район» с кодом ОКТМО 42606000");
	/* Both the code and the name are keys: a repeat of either rejects the later line. */
	s = judge(IMPORT_DISTRICTS, rows, 4);
	l = (const struct regline *)s.lines.p;
	assert_int_equal(l[0].action, IA_ADD);
	assert_rejected(l[1], "район с тем же кодом ОКТМО уже есть в строке 2 (та строка остаётся, эта отклонена)");
	assert_rejected(l[2], "район с тем же названием уже есть в строке 2 (та строка остаётся, эта отклонена)");
	regline_free(&s);
}

static void test_reason_cut(void **state)
{
	struct regline_set s = {.a = &a};
	char reason[2000];
	const struct regline *l;

	(void)state;
	memset(reason, 'x', sizeof(reason) - 1), reason[sizeof(reason) - 1] = '\0';
	regline_add(&s, 0, IA_DEACTIVATE, 7, json_object(), reason);
	regline_add(&s, 5, IA_SAME, 8, json_object(), "");
	l = (const struct regline *)s.lines.p;
	assert_int_equal(strlen(l[0].reason), 490 + strlen("…"));
	assert_null(l[1].reason);
	assert_string_equal(l[1].data, "{}");
	assert_int_equal(s.count[IA_DEACTIVATE], 1);
	assert_int_equal(s.count[IA_SAME], 1);
	regline_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_add),
		cmocka_unit_test(test_org_same),
		cmocka_unit_test(test_org_change),
		cmocka_unit_test(test_org_region_district),
		cmocka_unit_test(test_org_sector_names),
		cmocka_unit_test(test_org_inn),
		cmocka_unit_test(test_org_repeat_and_all_reasons),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_district_diff),
		cmocka_unit_test(test_district_rejects),
		cmocka_unit_test(test_reason_cut),
	};

	int rc = cmocka_run_group_tests_name("regline", tests, NULL, NULL);

	arena_free(&a);
	return rc;
}
