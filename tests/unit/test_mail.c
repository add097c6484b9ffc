/* Unit tests of fcgi/core/mail.c's building: header words (RFC 2047), addresses, nothing of CR/LF in a header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "mail.h"

#include <cmocka.h>

static struct buf b;

static const char *word(const char *s)
{
	buf_reset(&b);
	mail_header_word(&b, s);
	return b.p;
}

static const char *address(const char *name, const char *addr)
{
	buf_reset(&b);
	mail_header_address(&b, name, addr);
	return b.p;
}

/* The text of the encoded words of a header value (each =?UTF-8?B?...?= decoded, folds dropped). */
static const char *decode(const char *v)
{
	static char out[2048];
	size_t n = 0;

	while ((v = strstr(v, "=?UTF-8?B?")) != NULL) {
		const char *end = strstr(v + 10, "?=");
		size_t len;
		assert_non_null(end);
		assert_true(end + 2 - v <= 75); /* an encoded word is at most 75 characters */
		assert_int_equal(sodium_base642bin((unsigned char *)out + n, sizeof(out) - n, v + 10,
						   (size_t)(end - v - 10), NULL, &len, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		n += len;
		v = end + 2;
	}
	out[n] = '\0';
	return out;
}

static void test_word_plain_ascii(void **state)
{
	(void)state;
	assert_string_equal(word("Password reset"), "Password reset");
	assert_string_equal(word(""), "");
}

static void test_word_utf8_encoded(void **state)
{
	(void)state;
	assert_string_equal(word("Смена пароля"), "=?UTF-8?B?0KHQvNC10L3QsCDQv9Cw0YDQvtC70Y8=?=");
	/* An ASCII text that looks like an encoded word is encoded too, so it reads as typed. */
	assert_non_null(strstr(word("=?UTF-8?B?x?="), "=?UTF-8?B?PT9VVEYtOD9CP3g/PQ==?="));
}

static void test_word_long_split_on_characters(void **state)
{
	const char *s = "Приглашение на семинар «Контент-план школы на четверть: как вести госпаблик»";
	const char *v;

	(void)state;
	v = word(s);
	/* Several words on folded lines, none splitting a character: the decoded text is the text. */
	assert_non_null(strstr(v, "?=\r\n =?UTF-8?B?"));
	assert_string_equal(decode(v), s);
}

static void test_no_control_characters_reach_a_header(void **state)
{
	const char *v;
	size_t i;

	(void)state;
	assert_string_equal(word("Hi\r\nBcc: victim@example.test"), "HiBcc: victim@example.test");
	v = word("Тема\r\nBcc: x@example.test\x01\x7f");
	assert_string_equal(decode(v), "ТемаBcc: x@example.test");
	v = address("Eve\r\nBcc: x@example.test", "eve@example.test");
	assert_string_equal(v, "\"EveBcc: x@example.test\" <eve@example.test>");
	v = address("Ева\nBcc: x@example.test", "eve@example.test");
	for (i = 0; v[i]; i++)
		if (v[i] == '\r' || v[i] == '\n')
			assert_true(v[i] == '\r' && v[i + 1] == '\n' && v[i + 2] == ' '); /* only folding */
}

static void test_address(void **state)
{
	char name[201 * 2 + 1] = "";
	int i;

	(void)state;
	/* A name is cut after 200 characters, never inside one. */
	for (i = 0; i < 200; i++)
		strcat(name, "Ж");
	assert_string_equal(decode(address(name, "a@example.test")), name);
	strcat(name, "Ж");
	assert_int_equal(strlen(decode(address(name, "a@example.test"))), 400);
	assert_string_equal(address(NULL, "a@example.test"), "<a@example.test>");
	assert_string_equal(address("", "a@example.test"), "<a@example.test>");
	assert_string_equal(address("Ann \"A\" Lee\\", "a@example.test"), "\"Ann \\\"A\\\" Lee\\\\\" <a@example.test>");
	assert_string_equal(decode(address("Иванова Мария", "a@example.test")), "Иванова Мария");
	assert_non_null(strstr(address("Иванова Мария", "a@example.test"), "?= <a@example.test>"));
}

static void test_address_ok(void **state)
{
	(void)state;
	assert_true(mail_address_ok("participant@demo.local"));
	assert_true(mail_address_ok("a.b+c@sub.example.test"));
	assert_false(mail_address_ok("no-at.example.test"));
	assert_false(mail_address_ok("@example.test"));
	assert_false(mail_address_ok("a@"));
	assert_false(mail_address_ok("a@nodot"));
	assert_false(mail_address_ok("a@b@example.test"));
	assert_false(mail_address_ok("a b@example.test"));
	assert_false(mail_address_ok("a@example.test\r\nRCPT TO:<x@y.test>"));
	assert_false(mail_address_ok("a@example.test>"));
	assert_false(mail_address_ok("a,b@example.test"));
	assert_false(mail_address_ok("иван@example.test"));
}

static int teardown(void **state)
{
	(void)state;
	buf_free(&b);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_plain_ascii),
		cmocka_unit_test(test_word_utf8_encoded),
		cmocka_unit_test(test_word_long_split_on_characters),
		cmocka_unit_test(test_no_control_characters_reach_a_header),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_address_ok),
	};

	return cmocka_run_group_tests_name("mail", tests, NULL, teardown);
}
