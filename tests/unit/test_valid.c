/* Unit tests of fcgi/core/valid.c: every field type at and just beyond its limits, charset and format rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "valid.h"

#include <cmocka.h>

static const struct field f_text = {"name", "Имя", FT_TEXT, 2, 5, NULL};
static const struct field f_multi = {"note", "Заметка", FT_MULTILINE, 1, 6, NULL};
static const struct field f_email = {"email", "Почта", FT_EMAIL, 6, 16, NULL};
static const struct field f_id = {"id", "Номер", FT_ID, 0, 0, NULL};
static const struct field f_int = {"n", "Число", FT_INT, -10, 100, NULL};
static const struct field f_pw = {"pw", "Пароль", FT_PASSWORD, 8, 10, NULL};
static const struct field f_phone = {"phone", "Телефон", FT_PHONE, 5, 20, NULL};
static const struct field f_bool = {"agree", "Согласие", FT_BOOL, 0, 0, NULL};
static const struct field f_token = {"csrf", "Токен", FT_TOKEN, 20, 64, NULL};
static const struct field f_enum = {"st", "Статус", FT_ENUM, 0, 0, "draft|published|archived"};
static const struct field f_path = {"next", "Адрес", FT_PATH, 1, 50, NULL};

/* Runs valid_check on a writable copy of s (len bytes), left in copy, and returns its verdict; why gets the reason. */
static char copy[512];
static const char *why;

static int check_n(const struct field *f, const char *s, size_t len)
{
	int rc;

	assert_true(len < sizeof(copy));
	memcpy(copy, s, len);
	copy[len] = '\0';
	why = NULL;
	rc = valid_check(f, copy, len, &why);
	assert_true(rc == 0 || rc == 1);
	if (rc == 0) {
		assert_non_null(why);
		assert_true(strlen(why) > 0);
	}
	return rc;
}

static int check(const struct field *f, const char *s)
{
	return check_n(f, s, strlen(s));
}

#define OK(f, s)  assert_int_equal(check(f, s), 1)
#define BAD(f, s) assert_int_equal(check(f, s), 0)

static void test_text_limits_in_code_points(void **state)
{
	(void)state;
	OK(&f_text, "аб"); /* 2 code points, 4 bytes */
	BAD(&f_text, "а"); /* 1 code point, 2 bytes */
	assert_string_equal(why, "слишком короткое значение");
	OK(&f_text, "абвгд"); /* 5 code points, 10 bytes */
	BAD(&f_text, "абвгде");
	assert_string_equal(why, "слишком длинное значение");
	OK(&f_text, "ab");
	OK(&f_text, "abcde");
	BAD(&f_text, "abcdef");
	OK(&f_text, "😀😀"); /* 2 code points, 8 bytes */
	OK(&f_text, "a b");
}

static void test_text_controls(void **state)
{
	(void)state;
	BAD(&f_text, "аб\tв");
	assert_string_equal(why, "недопустимые символы");
	BAD(&f_text, "аб\nв");
	BAD(&f_text, "аб\rв");
	BAD(&f_text, "аб\x1bв");
	BAD(&f_text, "аб\x7fв");
	BAD(&f_text, "\x01\x02");
}

static void test_invalid_utf8_every_type(void **state)
{
	const struct field *all[] = {&f_text,  &f_multi, &f_email, &f_id,   &f_int, &f_pw,
				     &f_phone, &f_bool,  &f_token, &f_enum, &f_path};
	const char *bad[] = {"аб\xc0\xaf", "аб\xd0", "\xed\xa0\x80аб", "аб\xff", "\xe0\x80\xaf@x.ru"};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			assert_int_equal(check(all[i], bad[k]), 0);
			assert_non_null(strstr(why, "UTF-8"));
		}
	/* A NUL inside the value. */
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_int_equal(check_n(all[i],
					 "1\0"
					 "2345678",
					 9),
				 0);
}

static void test_multiline(void **state)
{
	(void)state;
	OK(&f_multi, "а\r\nб");       /* 4 code points */
	OK(&f_multi, "а\tб\nв");      /* 5 */
	OK(&f_multi, "абвгде");       /* 6 */
	BAD(&f_multi, "абвгдеж");     /* 7 */
	BAD(&f_multi, "а\r\nб\r\nв"); /* 7 */
	BAD(&f_multi, "а\x01б");
	BAD(&f_multi, "а\x7fб");
	BAD(&f_multi, "а\x0bб"); /* vertical tab */
}

static void test_password(void **state)
{
	(void)state;
	OK(&f_pw, "пароль12");     /* 8 code points, 14 bytes */
	BAD(&f_pw, "пароль1");     /* 7 */
	OK(&f_pw, "пароль 1 2");   /* 10, spaces allowed */
	BAD(&f_pw, "пароль 1 23"); /* 11 */
	OK(&f_pw, "<'\"&>;\\%");
	BAD(&f_pw, "пароль\t12");
	BAD(&f_pw, "пароль\n12");
}

static void test_email(void **state)
{
	(void)state;
	OK(&f_email, "User@Example.COM");
	assert_string_equal(copy, "user@example.com");
	OK(&f_email, "a.b-c+d@x.ru");
	assert_string_equal(copy, "a.b-c+d@x.ru");
	/* Limits in code points: 16 code points but 30 bytes. */
	OK(&f_email, "почтаа@пример.рф");
	BAD(&f_email, "почтааа@пример.рф");
	BAD(&f_email, "a@b.r"); /* 5 < 6 */
	BAD(&f_email, "userexample.com");
	assert_string_equal(why, "неверный адрес электронной почты");
	BAD(&f_email, "@example.com");
	BAD(&f_email, "user@example");
	BAD(&f_email, "user@.example");
	BAD(&f_email, "user@example.");
	BAD(&f_email, "us@er@exam.com");
	BAD(&f_email, "us er@exam.com");
	BAD(&f_email, "us<er@exam.com");
	BAD(&f_email, "us\"er@exam.com");
	BAD(&f_email, "a@b.ru,c@d.ru");
	BAD(&f_email, "a@b.ru;c@d.r");
	BAD(&f_email, "us\\er@exam.com");
	BAD(&f_email, "user@exam.com\n");
}

static void test_id(void **state)
{
	(void)state;
	BAD(&f_id, "0");
	assert_string_equal(why, "ожидается целое число");
	OK(&f_id, "1");
	OK(&f_id, "2147483647");
	BAD(&f_id, "2147483648");
	BAD(&f_id, "9999999999999999999999");
	BAD(&f_id, "99999999999999999999"); /* beyond long long */
	BAD(&f_id, "+1");
	BAD(&f_id, "-1");
	BAD(&f_id, "-0");
	BAD(&f_id, " 1");
	BAD(&f_id, "1 ");
	BAD(&f_id, "1a");
	BAD(&f_id, "0x10");
	BAD(&f_id, "1.0");
	BAD(&f_id, "١"); /* Arabic-Indic digit one */
}

static void test_int(void **state)
{
	(void)state;
	OK(&f_int, "-10");
	BAD(&f_int, "-11");
	OK(&f_int, "100");
	BAD(&f_int, "101");
	OK(&f_int, "0");
	OK(&f_int, "-0");
	OK(&f_int, "007");
	BAD(&f_int, "+5");
	BAD(&f_int, "-");
	BAD(&f_int, "--5");
	BAD(&f_int, "5.0");
	BAD(&f_int, "5e1");
	BAD(&f_int, " 5");
	BAD(&f_int, "-9223372036854775809");
	BAD(&f_int, "00000000000000000000005"); /* over 20 characters */
}

static void test_enum(void **state)
{
	(void)state;
	OK(&f_enum, "draft");
	OK(&f_enum, "published");
	OK(&f_enum, "archived");
	BAD(&f_enum, "draf");
	assert_string_equal(why, "недопустимое значение");
	BAD(&f_enum, "drafts");
	BAD(&f_enum, "Draft");
	BAD(&f_enum, "draft|published");
	BAD(&f_enum, "published ");
	BAD(&f_enum, "|");
}

static void test_bool(void **state)
{
	(void)state;
	OK(&f_bool, "1");
	OK(&f_bool, "on");
	OK(&f_bool, "true");
	BAD(&f_bool, "0");
	BAD(&f_bool, "yes");
	BAD(&f_bool, "TRUE");
	BAD(&f_bool, "false");
	BAD(&f_bool, "1 ");
	assert_int_equal(check_n(&f_bool, "on\0x", 4), 0);
}

static void test_path(void **state)
{
	(void)state;
	OK(&f_path, "/");
	OK(&f_path, "/me");
	OK(&f_path, "/admin/users?q=a&page=2");
	OK(&f_path, "/семинары");
	BAD(&f_path, "//evil.example");
	assert_string_equal(why, "недопустимый адрес страницы");
	BAD(&f_path, "/\\evil.example");
	BAD(&f_path, "http://evil.example");
	BAD(&f_path, "https://evil.example/");
	BAD(&f_path, "javascript:alert(1)");
	BAD(&f_path, "me");
	BAD(&f_path, "/x?next=http://evil");
	BAD(&f_path, "/\t/evil.example");
	BAD(&f_path, " /me");
	/* 50 code points allowed, 51 not. */
	OK(&f_path, "/ссссссссссссссссссссссссссссссссссссссссссссссссс");
	BAD(&f_path, "/сссссссссссссссссссссссссссссссссссссссссссссссссс");
}

static void test_phone(void **state)
{
	(void)state;
	OK(&f_phone, "+7 (474) 222-33-44");
	OK(&f_phone, "84742223344");
	OK(&f_phone, "12345");
	BAD(&f_phone, "1234");
	BAD(&f_phone, "123456789012345678901");
	BAD(&f_phone, "8 474 ext 5");
	BAD(&f_phone, "+7 474 222.33.44");
	BAD(&f_phone, "+7 474 222/33");
	BAD(&f_phone, "+7 474 222\t33");
	BAD(&f_phone, "８４７４２"); /* full-width digits */
}

static void test_token(void **state)
{
	char t64[65], t65[66];

	(void)state;
	memset(t64, 'a', 64);
	t64[0] = '-', t64[63] = '_', t64[64] = '\0';
	memset(t65, 'Z', 65);
	t65[65] = '\0';
	OK(&f_token, "AbCdEfGhIjKlMnOpQrSt"); /* 20 */
	OK(&f_token, t64);
	BAD(&f_token, "AbCdEfGhIjKlMnOpQrS"); /* 19 */
	BAD(&f_token, t65);
	BAD(&f_token, "AbCdEfGhIjKlMnOpQrSt=");
	BAD(&f_token, "AbCdEfGhIjKlMnOpQrS+");
	BAD(&f_token, "AbCdEfGhIjKlMnOpQrS/");
	BAD(&f_token, "AbCdEfGhIjKlMnOpQrS ");
	BAD(&f_token, "AbCdEfGhIjKlMnOpQrSя");
}

static void test_find(void **state)
{
	static const struct field table[] = {
		{"name", "Имя", FT_TEXT, 1, 10, NULL},
		{"name2", "Имя 2", FT_TEXT, 1, 10, NULL},
		FIELD_CSRF,
		{NULL, NULL, FT_TEXT, 0, 0, NULL},
	};
	const struct field *f;

	(void)state;
	f = valid_find(table, "name", 4);
	assert_non_null(f);
	assert_string_equal(f->label, "Имя");
	f = valid_find(table, "name2xyz", 5);
	assert_non_null(f);
	assert_string_equal(f->label, "Имя 2");
	f = valid_find(table, "csrf", 4);
	assert_non_null(f);
	assert_int_equal(f->type, FT_TOKEN);
	assert_null(valid_find(table, "nam", 3));
	assert_null(valid_find(table, "names", 5));
	assert_null(valid_find(table, "name\0", 5));
	assert_null(valid_find(table, "", 0));
}

static void test_find_family(void **state)
{
	static const struct field table[] = {
		{"rate*", "Оценка", FT_INT, 1, 5, NULL},
		{"rate", "Просто оценка", FT_INT, 1, 5, NULL},
		{NULL, NULL, FT_TEXT, 0, 0, NULL},
	};
	const struct field *f;

	(void)state;
	f = valid_find(table, "rate12", 6);
	assert_non_null(f);
	assert_string_equal(f->label, "Оценка");
	f = valid_find(table, "rate123456789", 13);
	assert_non_null(f);
	f = valid_find(table, "rate", 4);
	assert_non_null(f);
	assert_string_equal(f->label, "Просто оценка");
	assert_null(valid_find(table, "rate1234567890", 14));
	assert_null(valid_find(table, "rate1x", 6));
	assert_null(valid_find(table, "rate*", 5));
	assert_null(valid_find(table, "rat1", 4));
	assert_null(valid_find(table, "rate1\0", 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_limits_in_code_points),
		cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_invalid_utf8_every_type),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_family),
	};

	return cmocka_run_group_tests_name("valid", tests, NULL, NULL);
}
