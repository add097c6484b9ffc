/* Unit tests of fcgi/core/text.c: UTF-8 counting, URL decoding and encoding, HTML escaping, link safety, base64url,
 * attendance rule names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#include <cmocka.h>

#define COUNT(lit) utf8_count(lit, sizeof(lit) - 1)

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(COUNT("abc"), 3);
	assert_int_equal(COUNT("Привет, мир"), 11);
	assert_int_equal(strlen("Привет, мир"), 20);
	assert_int_equal(COUNT("Ёё"), 2);
	assert_int_equal(COUNT("\xc2\x80"), 1);     /* U+0080, smallest 2-byte */
	assert_int_equal(COUNT("\xdf\xbf"), 1);     /* U+07FF */
	assert_int_equal(COUNT("\xe0\xa0\x80"), 1); /* U+0800, smallest 3-byte */
	assert_int_equal(COUNT("€"), 1);
	assert_int_equal(COUNT("\xed\x9f\xbf"), 1);     /* U+D7FF, just below the surrogates */
	assert_int_equal(COUNT("\xee\x80\x80"), 1);     /* U+E000, just above */
	assert_int_equal(COUNT("\xef\xbf\xbf"), 1);     /* U+FFFF */
	assert_int_equal(COUNT("\xf0\x90\x80\x80"), 1); /* U+10000 */
	assert_int_equal(COUNT("😀"), 1);
	assert_int_equal(COUNT("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF, the last code point */
	assert_int_equal(COUNT("a€😀я"), 4);
	/* Only len bytes are looked at. */
	assert_int_equal(utf8_count("абв", 4), 2);
}

static void test_utf8_overlong(void **state)
{
	(void)state;
	assert_int_equal(COUNT("\xc0\x80"), -1); /* overlong NUL */
	assert_int_equal(COUNT("\xc0\xaf"), -1); /* overlong '/' */
	assert_int_equal(COUNT("\xc1\xbf"), -1);
	assert_int_equal(COUNT("\xe0\x80\xaf"), -1);
	assert_int_equal(COUNT("\xe0\x9f\xbf"), -1); /* U+07FF in 3 bytes */
	assert_int_equal(COUNT("\xf0\x80\x80\xaf"), -1);
	assert_int_equal(COUNT("\xf0\x8f\xbf\xbf"), -1); /* U+FFFF in 4 bytes */
}

static void test_utf8_surrogates_and_range(void **state)
{
	(void)state;
	assert_int_equal(COUNT("\xed\xa0\x80"), -1);             /* U+D800 */
	assert_int_equal(COUNT("\xed\xb0\x80"), -1);             /* U+DC00 */
	assert_int_equal(COUNT("\xed\xbf\xbf"), -1);             /* U+DFFF */
	assert_int_equal(COUNT("\xed\xa0\xbd\xed\xb8\x80"), -1); /* CESU-8 pair */
	assert_int_equal(COUNT("\xf4\x90\x80\x80"), -1);         /* U+110000 */
	assert_int_equal(COUNT("\xf5\x80\x80\x80"), -1);
	assert_int_equal(COUNT("\xf8\x88\x80\x80\x80"), -1); /* 5-byte form */
	assert_int_equal(COUNT("\xfe"), -1);
	assert_int_equal(COUNT("\xff"), -1);
}

static void test_utf8_broken_sequences(void **state)
{
	(void)state;
	assert_int_equal(COUNT("\xd0"), -1);
	assert_int_equal(COUNT("При\xd0"), -1);
	assert_int_equal(COUNT("\xe2\x82"), -1);
	assert_int_equal(COUNT("\xf0\x9f\x98"), -1);
	assert_int_equal(utf8_count("Привет", 3), -1); /* cut in the middle of 'р' */
	assert_int_equal(COUNT("\x80"), -1);           /* stray continuation byte */
	assert_int_equal(COUNT("a\xbf"), -1);
	assert_int_equal(COUNT("\xd0\x41"), -1); /* lead byte followed by ASCII */
	assert_int_equal(COUNT("\xe2\x28\xa1"), -1);
	assert_int_equal(COUNT("\xf0\x9f\x98\x41"), -1);
}

static void test_utf8_nul_inside(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("a\0b", 3), -1);
	assert_int_equal(utf8_count("\0", 1), -1);
	assert_int_equal(utf8_count("абв\0", 7), -1);
}

/* Decodes a copy of lit; returns the new length and leaves the result in out. */
static long decode(const char *lit, int plus, char *out, size_t outn)
{
	snprintf(out, outn, "%s", lit);
	return url_decode(out, strlen(out), plus);
}

static void test_url_decode(void **state)
{
	char s[128];

	(void)state;
	assert_int_equal(decode("a%20b", 0, s, sizeof(s)), 3);
	assert_string_equal(s, "a b");
	assert_int_equal(decode("%41%42%43", 0, s, sizeof(s)), 3);
	assert_string_equal(s, "ABC");
	assert_int_equal(decode("%e2%82%AC", 0, s, sizeof(s)), 3);
	assert_string_equal(s, "€");
	assert_int_equal(decode("%D0%9F%D1%80%D0%B8", 1, s, sizeof(s)), 6);
	assert_string_equal(s, "При");
	assert_int_equal(decode("100%25", 0, s, sizeof(s)), 4);
	assert_string_equal(s, "100%");
	assert_int_equal(decode("", 1, s, sizeof(s)), 0);
	assert_string_equal(s, "");
	assert_int_equal(decode("%00", 0, s, sizeof(s)), 1);
	assert_int_equal(s[0], '\0');
	/* Only len bytes are decoded. */
	strcpy(s, "a%41bc");
	assert_int_equal(url_decode(s, 4, 0), 2);
	assert_string_equal(s, "aA");
}

static void test_url_decode_plus(void **state)
{
	char s[64];

	(void)state;
	assert_int_equal(decode("a+b+", 1, s, sizeof(s)), 4);
	assert_string_equal(s, "a b ");
	assert_int_equal(decode("a+b", 0, s, sizeof(s)), 3);
	assert_string_equal(s, "a+b");
	assert_int_equal(decode("%2B", 1, s, sizeof(s)), 1);
	assert_string_equal(s, "+");
}

static void test_url_decode_malformed(void **state)
{
	char s[64];

	(void)state;
	assert_int_equal(decode("%", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("a%", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("%4", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("abc%4", 1, s, sizeof(s)), -1);
	assert_int_equal(decode("%zz", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("%4g", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("%g4", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("%%41", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("%-1", 0, s, sizeof(s)), -1);
	assert_int_equal(decode("% 1", 0, s, sizeof(s)), -1);
	/* A '%' whose hex digits lie beyond len. */
	strcpy(s, "ab%41");
	assert_int_equal(url_decode(s, 4, 0), -1);
}

static void test_url_encode(void **state)
{
	struct buf b = {0};

	(void)state;
	url_encode(&b, "");
	assert_int_equal(b.len, 0);
	url_encode(&b, "AZaz09-_.~/");
	assert_string_equal(b.p, "AZaz09-_.~/");
	buf_reset(&b);
	url_encode(&b, "a b&c=d?e#f+g%h");
	assert_string_equal(b.p, "a%20b%26c%3Dd%3Fe%23f%2Bg%25h");
	buf_reset(&b);
	url_encode(&b, "é Я");
	assert_string_equal(b.p, "%C3%A9%20%D0%AF");
	buf_reset(&b);
	url_encode(&b, "<\"'>\n");
	assert_string_equal(b.p, "%3C%22%27%3E%0A");
	/* Round trip. */
	{
		char s[256];
		buf_reset(&b);
		url_encode(&b, "Иван Петров & Co = 100%");
		snprintf(s, sizeof(s), "%s", b.p);
		assert_int_equal(url_decode(s, strlen(s), 0), strlen("Иван Петров & Co = 100%"));
		assert_string_equal(s, "Иван Петров & Co = 100%");
	}
	buf_free(&b);
}

static void test_html_escape(void **state)
{
	struct buf b = {0};
	const char *x = "<script>&\"'";

	(void)state;
	html_escape(&b, x, strlen(x));
	assert_string_equal(b.p, "&lt;script&gt;&amp;&quot;&#39;");
	buf_reset(&b);
	html_escape(&b, "plain текст", strlen("plain текст"));
	assert_string_equal(b.p, "plain текст");
	buf_reset(&b);
	/* Appends; only len bytes. */
	buf_adds(&b, "[");
	html_escape(&b, "a<b>c", 2);
	assert_string_equal(b.p, "[a&lt;");
	buf_reset(&b);
	html_escape(&b, "&amp;", 5);
	assert_string_equal(b.p, "&amp;amp;");
	buf_reset(&b);
	html_escape(&b, "", 0);
	assert_string_equal(b.p, "");
	buf_free(&b);
}

static void test_url_is_safe_rejects(void **state)
{
	(void)state;
	assert_int_equal(url_is_safe("javascript:alert(1)"), 0);
	assert_int_equal(url_is_safe("JaVaScRiPt:alert(1)"), 0);
	assert_int_equal(url_is_safe("JAVASCRIPT:alert(1)"), 0);
	assert_int_equal(url_is_safe(" javascript:alert(1)"), 0);
	assert_int_equal(url_is_safe("java\tscript:alert(1)"), 0);
	assert_int_equal(url_is_safe("data:text/html,<script>alert(1)</script>"), 0);
	assert_int_equal(url_is_safe("DATA:text/html;base64,PHNjcmlwdD4="), 0);
	assert_int_equal(url_is_safe("vbscript:msgbox(1)"), 0);
	assert_int_equal(url_is_safe("file:///etc/passwd"), 0);
	assert_int_equal(url_is_safe("ftp://example.com/"), 0);
	assert_int_equal(url_is_safe("//evil.example"), 0);
	assert_int_equal(url_is_safe("/\\evil.example"), 0);
	assert_int_equal(url_is_safe("httpx://evil"), 0);
}

static void test_url_is_safe_accepts(void **state)
{
	(void)state;
	assert_int_equal(url_is_safe(""), 1);
	assert_int_equal(url_is_safe("/"), 1);
	assert_int_equal(url_is_safe("/me"), 1);
	assert_int_equal(url_is_safe("/x?a=1&b=2"), 1);
	assert_int_equal(url_is_safe("/x?next=http://a"), 1);
	assert_int_equal(url_is_safe("#main"), 1);
	assert_int_equal(url_is_safe("?page=2"), 1);
	assert_int_equal(url_is_safe("page.html"), 1);
	assert_int_equal(url_is_safe("a/b:c"), 1);
	assert_int_equal(url_is_safe("../up"), 1);
	assert_int_equal(url_is_safe("http://example.com/"), 1);
	assert_int_equal(url_is_safe("HTTPS://example.com/x"), 1);
	assert_int_equal(url_is_safe("https://example.com/"), 1);
	assert_int_equal(url_is_safe("mailto:info@example.com"), 1);
	assert_int_equal(url_is_safe("tel:+74742000000"), 1);
}

/* Browsers strip leading spaces and controls, drop tabs and newlines anywhere and read '\' as '/'
 * in http(s) URLs (WHATWG URL), so these all lead to another site. */
static void test_url_is_safe_browser_normalisation(void **state)
{
	(void)state;
	assert_int_equal(url_is_safe("\\\\evil.example"), 0);
	assert_int_equal(url_is_safe("\\/evil.example"), 0);
	assert_int_equal(url_is_safe(" //evil.example"), 0);
	assert_int_equal(url_is_safe("\x01//evil.example"), 0);
	assert_int_equal(url_is_safe("/\t/evil.example"), 0);
	assert_int_equal(url_is_safe("/\n/evil.example"), 0);
}

static void test_b64url(void **state)
{
	char out[64];
	unsigned char in[32];
	size_t n, i;

	(void)state;
	b64url_encode(out, (const unsigned char *)"", 0);
	assert_string_equal(out, "");
	b64url_encode(out, (const unsigned char *)"f", 1);
	assert_string_equal(out, "Zg");
	b64url_encode(out, (const unsigned char *)"fo", 2);
	assert_string_equal(out, "Zm8");
	b64url_encode(out, (const unsigned char *)"foo", 3);
	assert_string_equal(out, "Zm9v");
	b64url_encode(out, (const unsigned char *)"foobar", 6);
	assert_string_equal(out, "Zm9vYmFy");
	/* The url-safe alphabet: 62 is '-', 63 is '_', no padding. */
	b64url_encode(out, (const unsigned char *)"\xfb\xff", 2);
	assert_string_equal(out, "-_8");
	b64url_encode(out, (const unsigned char *)"\xff\xff\xff", 3);
	assert_string_equal(out, "____");
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		size_t want = n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
		memset(out, '*', sizeof(out));
		b64url_encode(out, in, n);
		assert_int_equal(strlen(out), want);
		assert_true(want <= 4 * n / 3 + 4);
		assert_int_equal(strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), want);
	}
	b64url_encode(out, in, 18);
	assert_int_equal(strlen(out), 24);
	b64url_encode(out, in, 32);
	assert_int_equal(strlen(out), 43);
}

/* Every rule counts sessions against the share, the door's too; without a share (the form's list) the bare name. */
static void test_attendance_rule_name(void **state)
{
	(void)state;
	assert_string_equal(attendance_rule_name("door", 80),
			    "отметка на входе по билету — не меньше чем на 80% занятий");
	assert_string_equal(attendance_rule_name("both", 100),
			    "и отметка на входе, и коды присутствия онлайн — не меньше чем на 100% занятий");
	assert_string_equal(attendance_rule_name("online", 0), "коды присутствия онлайн");
	assert_string_equal(attendance_rule_name("nonsense", 80), "");
	assert_string_equal(attendance_rule_name(NULL, 80), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_overlong),
		cmocka_unit_test(test_utf8_surrogates_and_range),
		cmocka_unit_test(test_utf8_broken_sequences),
		cmocka_unit_test(test_utf8_nul_inside),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_url_decode_plus),
		cmocka_unit_test(test_url_decode_malformed),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_url_is_safe_rejects),
		cmocka_unit_test(test_url_is_safe_accepts),
		cmocka_unit_test(test_url_is_safe_browser_normalisation),
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_attendance_rule_name),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
