/* Unit tests of the paths built from the URL contract's patterns (urls.h). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "urls.h"

#include <cmocka.h>

static void ids_fill_captures_in_order(void **state)
{
	struct arena a = {0};
	(void)state;
	assert_string_equal(url(&a, U_SEMINARS_ID, 42), "/seminars/42");
	assert_string_equal(url(&a, U_MANAGE_SEMINARS_ID_SESSIONS_SID_DELETE, 7, 1234567890123LL),
			    "/manage/seminars/7/sessions/1234567890123/delete");
	assert_string_equal(url(&a, U_TICKETS_ID_PDF, 5), "/tickets/5.pdf");
	assert_string_equal(url_ids(&a, U_MANAGE_SEMINARS, NULL, 0), "/manage/seminars");
	arena_free(&a);
}

static void a_code_is_one_encoded_segment(void **state)
{
	struct arena a = {0};
	(void)state;
	assert_string_equal(url_code(&a, U_CERTIFICATES_NUMBER_PDF, "2026-000123"), "/certificates/2026-000123.pdf");
	assert_string_equal(url_code(&a, U_CERTIFICATES_VERIFY_CODE, "a b?c#"), "/certificates/verify/a%20b%3Fc%23");
	arena_free(&a);
}

static void a_row_links_by_its_id(void **state)
{
	struct arena a = {0};
	json_t *row = json_pack("{s:I, s:s}", "id", (json_int_t)9, "name", "x"), *link;
	(void)state;
	link = url_row(&a, U_ADMIN_USERS_ID, row);
	assert_string_equal(json_string_value(link), "/admin/users/9");
	json_decref(link);
	json_decref(row);
	arena_free(&a);
}

static jmp_buf aborted;
static void on_abort(int sig)
{
	(void)sig;
	longjmp(aborted, 1);
}

/* A count that does not match the captures is a programmer error: the worker aborts. */
static void a_wrong_count_aborts(void **state)
{
	struct arena a = {0};
	static const long long two[] = {1, 2};
	void (*old)(int) = signal(SIGABRT, on_abort);
	volatile int hit = 0;
	(void)state;
	if (setjmp(aborted) == 0)
		url_ids(&a, U_SEMINARS_ID, two, 2);
	else
		hit++;
	if (setjmp(aborted) == 0)
		url_ids(&a, U_MANAGE_SEMINARS_ID_SESSIONS_SID_DELETE, two, 1);
	else
		hit++;
	if (setjmp(aborted) == 0)
		url_code(&a, U_MANAGE_SEMINARS, "x");
	else
		hit++;
	signal(SIGABRT, old);
	assert_int_equal(hit, 3);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_fill_captures_in_order),
		cmocka_unit_test(a_code_is_one_encoded_segment),
		cmocka_unit_test(a_row_links_by_its_id),
		cmocka_unit_test(a_wrong_count_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
