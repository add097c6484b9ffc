/* Unit tests of fcgi/core/tmpl.c: loading rules, directives and escaping in every kind of slot. */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "tmpl.h"

#include <cmocka.h>

#define NS         "xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:t=\"urn:seminar:tmpl\""
#define LAYOUT     "<html " NS " lang=\"ru\"><body><main><t:content/></main></body></html>"
#define PAGE(body) "<t:page " NS ">" body "</t:page>"

#define EVIL     "<script>alert(1)</script>&\"'"
#define EVIL_ESC "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"

static char dir[64];
static struct tmpl_set *set;
static struct buf out;
static json_t *ctx;
static const char *csrf_token = "token";
static int csrf_calls;

static const char *csrf_cb(void *arg)
{
	csrf_calls++;
	return arg;
}

static void put_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/unit-tmpl-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	set = NULL;
	ctx = NULL;
	memset(&out, 0, sizeof(out));
	csrf_token = "token";
	csrf_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	(void)state;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	tmpl_free(set);
	set = NULL;
	json_decref(ctx);
	ctx = NULL;
	buf_free(&out);
	return 0;
}

/* Loads a layout and one page "page", renders it with ctx (JSON text) and returns the output. */
static const char *render(const char *page, const char *json)
{
	json_error_t err;

	put_file("layout.xhtml", LAYOUT);
	put_file("page.xhtml", page);
	set = tmpl_load(dir);
	if (set == NULL) {
		/* Once more with logging, to show why. */
		log_init("unit", LOG_INFO);
		set = tmpl_load(dir);
		log_init("unit", LOG__MAX);
		fail_msg("tmpl_load refused the page: %s", page);
	}
	ctx = json_loads(json, 0, &err);
	if (ctx == NULL)
		fail_msg("bad test JSON %s: %s", json, err.text);
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "page", ctx, csrf_cb, (void *)csrf_token, &out), 1);
	assert_non_null(out.p);
	return out.p;
}

/* The part of the output between <main> and </main>. */
static const char *main_part(void)
{
	static char s[8192];
	const char *b = strstr(out.p, "<main>"), *e = strstr(out.p, "</main>");

	assert_non_null(b);
	assert_non_null(e);
	b += 6;
	assert_true((size_t)(e - b) < sizeof(s));
	memcpy(s, b, (size_t)(e - b));
	s[e - b] = '\0';
	return s;
}

static void assert_main(const char *page, const char *json, const char *want)
{
	render(page, json);
	if (strcmp(main_part(), want) != 0)
		fail_msg("rendered\n  %s\nwant\n  %s", main_part(), want);
}

static void assert_no_raw_script(void)
{
	if (strstr(out.p, "<script>") != NULL || strstr(out.p, "alert(1)\"") != NULL)
		fail_msg("unescaped value in output: %s", out.p);
}

static void test_layout_and_page(void **state)
{
	(void)state;
	render(PAGE("<p>Привет</p>"), "{}");
	assert_string_equal(out.p,
			    "<!DOCTYPE html>\n<html lang=\"ru\"><body><main><p>Привет</p></main></body></html>\n");
}

static void test_escape_text(void **state)
{
	(void)state;
	assert_main(PAGE("<p t:text=\"v\">placeholder</p>"),
		    "{\"v\": \""
		    "<script>alert(1)</script>&\\\"'"
		    "\"}",
		    "<p>" EVIL_ESC "</p>");
	assert_no_raw_script();
}

static void test_escape_attr(void **state)
{
	(void)state;
	assert_main(PAGE("<p t:attr-title=\"v\">x</p>"), "{\"v\": \"<script>alert(1)</script>&\\\"'\"}",
		    "<p title=\"" EVIL_ESC "\">x</p>");
	assert_no_raw_script();
}

static void test_escape_url_attr(void **state)
{
	(void)state;
	assert_main(PAGE("<a t:attr-href=\"v\">x</a>"), "{\"v\": \"javascript:alert(1)\"}", "<a href=\"#\">x</a>");
	teardown(NULL), setup(NULL);
	assert_main(PAGE("<a t:attr-href=\"v\">x</a>"), "{\"v\": \"JaVaScRiPt:alert(1)\"}", "<a href=\"#\">x</a>");
	teardown(NULL), setup(NULL);
	assert_main(PAGE("<img t:attr-src=\"v\"/>"), "{\"v\": \"data:text/html,x\"}", "<img src=\"#\">");
	teardown(NULL), setup(NULL);
	assert_main(PAGE("<form t:attr-action=\"v\"></form>"), "{\"v\": \"//evil.example/\"}",
		    "<form action=\"#\"></form>");
	teardown(NULL), setup(NULL);
	assert_main(PAGE("<a t:attr-href=\"v\">x</a>"), "{\"v\": \"/x?a=1&b=2\"}", "<a href=\"/x?a=1&amp;b=2\">x</a>");
	teardown(NULL), setup(NULL);
	assert_main(PAGE("<a t:attr-href=\"v\">x</a>"), "{\"v\": \"<script>alert(1)</script>&\\\"'\"}",
		    "<a href=\"" EVIL_ESC "\">x</a>");
	assert_no_raw_script();
}

static void test_escape_each(void **state)
{
	(void)state;
	assert_main(PAGE("<ul><li t:each=\"i in items\" t:text=\"i\">x</li></ul>"
			 "<p t:each=\"u in users\"><a t:attr-href=\"u.url\" t:attr-title=\"u.name\" "
			 "t:text=\"u.name\">n</a></p>"),
		    "{\"items\": [\""
		    "<script>alert(1)</script>&\\\"'"
		    "\", \"b\"],"
		    " \"users\": [{\"url\": \"javascript:alert(1)\", \"name\": \"<script>alert(1)</script>&\\\"'\"},"
		    "             {\"url\": \"/u/2\", \"name\": \"Пётр\"}]}",
		    "<ul><li>" EVIL_ESC "</li><li>b</li></ul>"
		    "<p><a href=\"#\" title=\"" EVIL_ESC "\">" EVIL_ESC "</a></p>"
		    "<p><a href=\"/u/2\" title=\"Пётр\">Пётр</a></p>");
	assert_no_raw_script();
}

static void test_escape_csrf(void **state)
{
	(void)state;
	csrf_token = EVIL;
	assert_main(PAGE("<form method=\"post\"><t:csrf/></form>"), "{}",
		    "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"" EVIL_ESC "\"></form>");
	assert_no_raw_script();
	assert_int_equal(csrf_calls, 1);
}

/* The token is asked for only when a form is really rendered: a page without one sets no cookie. */
static void test_csrf_only_when_rendered(void **state)
{
	(void)state;
	assert_main(PAGE("<form t:if=\"show\"><t:csrf/></form><p>x</p>"), "{\"show\": false}", "<p>x</p>");
	assert_int_equal(csrf_calls, 0);
	buf_reset(&out);
	json_object_set_new(ctx, "show", json_true());
	assert_int_equal(tmpl_render(set, "page", ctx, csrf_cb, (void *)"abc", &out), 1);
	assert_non_null(strstr(out.p, "<form><input type=\"hidden\" name=\"csrf\" value=\"abc\"></form>"));
	assert_int_equal(csrf_calls, 1);
	/* Without a callback the field is rendered empty. */
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "page", ctx, NULL, NULL, &out), 1);
	assert_non_null(strstr(out.p, "<form><input type=\"hidden\" name=\"csrf\" value=\"\"></form>"));
}

static void test_static_text_and_attrs_escaped(void **state)
{
	(void)state;
	assert_main(PAGE("<p title=\"a &amp; &lt;b&gt; &quot;\">x &amp; y &lt; z<![CDATA[<b>]]></p><!-- hidden comment "
			 "-->"),
		    "{}", "<p title=\"a &amp; &lt;b&gt; &quot;\">x &amp; y &lt; z&lt;b&gt;</p>");
	assert_null(strstr(out.p, "hidden comment"));
}

static void test_block_and_values(void **state)
{
	(void)state;
	assert_main(
		PAGE("<t:block t:text=\"s\"/>|<t:block t:text=\"n\"/>|<t:block t:text=\"f\"/>|<t:block t:text=\"b\"/>|"
		     "<t:block t:text=\"missing\"/>|<t:block t:text=\"u.name\"/>|<t:block t:text=\"nul\"/>"),
		"{\"s\": \"a<b\", \"n\": 42, \"f\": 1.5, \"b\": true, \"u\": {\"name\": \"Иван\"}, \"nul\": null}",
		"a&lt;b|42|1.5|true||Иван|");
}

static void test_if_unless(void **state)
{
	(void)state;
	assert_main(PAGE("<i t:if=\"t1\">1</i><i t:if=\"t2\">2</i><i t:if=\"t3\">3</i><i t:if=\"t4\">4</i><i "
			 "t:if=\"t5\">5</i>"
			 "<b t:if=\"f1\">a</b><b t:if=\"f2\">b</b><b t:if=\"f3\">c</b><b t:if=\"f4\">d</b><b "
			 "t:if=\"f5\">e</b>"
			 "<b t:if=\"f6\">f</b><b t:if=\"missing\">g</b><b t:if=\"o.missing\">h</b>"
			 "<u t:unless=\"f1\">U</u><u t:unless=\"t1\">V</u>"),
		    "{\"t1\": true, \"t2\": 1, \"t3\": \"x\", \"t4\": [0], \"t5\": {},"
		    " \"f1\": false, \"f2\": 0, \"f3\": \"\", \"f4\": [], \"f5\": null, \"f6\": 0.0, \"o\": {}}",
		    "<i>1</i><i>2</i><i>3</i><i>4</i><i>5</i><u>U</u>");
}

static void test_equality(void **state)
{
	(void)state;
	assert_main(
		PAGE("<i t:if=\"role == 'admin'\">A</i><i t:if=\"role == 'adm'\">B</i><i t:if=\"role == other\">C</i>"
		     "<i t:if=\"n == m\">D</i><i t:if=\"n == 'five'\">E</i><i t:if=\"u.id == sel\">F</i>"
		     "<i t:unless=\"role == 'guest'\">G</i>"),
		"{\"role\": \"admin\", \"other\": \"admin\", \"n\": 5, \"m\": \"5\", \"u\": {\"id\": 7}, \"sel\": 8}",
		"<i>A</i><i>C</i><i>D</i><i>G</i>");
}

static void test_each_scopes(void **state)
{
	(void)state;
	assert_main(
		PAGE("<select><option t:each=\"r in regions\" t:attr-value=\"r.id\" t:bool-selected=\"r.id == "
		     "form.region\""
		     " t:text=\"r.name\">x</option></select>"
		     "<ul t:each=\"g in groups\"><li t:each=\"x in g.items\" t:text=\"x\">x</li></ul>"
		     "<p t:each=\"x in notarray\">never</p><p t:each=\"x in missing\">never</p>"),
		"{\"regions\": [{\"id\": 48, \"name\": \"Липецкая\"}, {\"id\": 23, \"name\": \"Краснодарский\"}],"
		" \"form\": {\"region\": 23}, \"groups\": [{\"items\": [1, 2]}, {\"items\": []}], \"notarray\": \"s\"}",
		"<select><option value=\"48\">Липецкая</option><option value=\"23\" "
		"selected=\"selected\">Краснодарский</option>"
		"</select><ul><li>1</li><li>2</li></ul><ul></ul>");
}

static void test_class_and_bool(void **state)
{
	(void)state;
	assert_main(PAGE("<li class=\"item\" t:class-active=\"on\" t:class-off=\"no\">a</li>"
			 "<li t:class-active=\"on\" t:class-current=\"on\">b</li>"
			 "<li t:class-active=\"no\">c</li>"
			 "<input type=\"checkbox\" t:bool-checked=\"on\" t:bool-disabled=\"no\"/>"
			 "<a t:attr-href=\"missing\" t:attr-title=\"nul\">d</a>"),
		    "{\"on\": true, \"no\": false, \"nul\": null}",
		    "<li class=\"item active\">a</li><li class=\"active current\">b</li><li>c</li>"
		    "<input type=\"checkbox\" checked=\"checked\"><a>d</a>");
}

static void test_void_and_empty_elements(void **state)
{
	(void)state;
	assert_main(PAGE("<br/><hr/><img src=\"a.png\" alt=\"\"/><input t:attr-value=\"v\"/><meta charset=\"utf-8\"/>"
			 "<script src=\"/x.js\"></script><script src=\"/y.js\"/><div/><textarea name=\"t\"></textarea>"
			 "<span></span>"),
		    "{\"v\": \"1\"}",
		    "<br><hr><img src=\"a.png\" alt=\"\"><input value=\"1\"><meta charset=\"utf-8\">"
		    "<script src=\"/x.js\"></script><script src=\"/y.js\"></script><div></div><textarea "
		    "name=\"t\"></textarea>"
		    "<span></span>");
	assert_null(strstr(out.p, "</br>"));
	assert_null(strstr(out.p, "</img>"));
	assert_null(strstr(out.p, "</input>"));
}

static void test_missing_page(void **state)
{
	(void)state;
	render(PAGE("<p>x</p>"), "{}");
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "nope", ctx, csrf_cb, (void *)csrf_token, &out), 0);
	assert_int_equal(tmpl_render(set, "layout", ctx, csrf_cb, (void *)csrf_token, &out), 0);
	assert_int_equal(tmpl_render(set, "", ctx, csrf_cb, (void *)csrf_token, &out), 0);
	assert_int_equal(out.len, 0);
}

/* tmpl_load on dir must refuse (NULL); checked in a child so that a crash counts as a failure, not an abort of the
 * suite. */
static void assert_refused(const char *why)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct tmpl_set *s;
		/* cmocka's handlers would turn a crash into a test run continuing in the child. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		s = tmpl_load(dir);
		_exit(s == NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		fail_msg("%s: tmpl_load crashed with signal %d", why, WTERMSIG(st));
	if (WEXITSTATUS(st) != 0)
		fail_msg("%s: tmpl_load accepted it", why);
}

static void test_refuse_doctype(void **state)
{
	(void)state;
	put_file("layout.xhtml", LAYOUT);
	put_file("page.xhtml", "<!DOCTYPE html>\n" PAGE("<p>x</p>"));
	assert_refused("DOCTYPE");
}

static void test_refuse_external_entity(void **state)
{
	char path[256];
	json_t *c;

	(void)state;
	put_file("secret.txt", "TOPSECRET");
	put_file("layout.xhtml", LAYOUT);
	snprintf(path, sizeof(path),
		 "<!DOCTYPE t:page [<!ENTITY xxe SYSTEM \"file://%s/secret.txt\">]>" PAGE("<p>&xxe;</p>"), dir);
	put_file("page.xhtml", path);
	set = tmpl_load(dir);
	if (set != NULL) {
		/* Not refused: at least the entity must never be expanded. */
		c = json_object();
		assert_int_equal(tmpl_render(set, "page", c, NULL, NULL, &out), 1);
		json_decref(c);
		assert_null(strstr(out.p, "TOPSECRET"));
	}
	assert_null(set);
	/* An entity reference without a declaration is not well-formed. */
	put_file("page.xhtml", PAGE("<p>&xxe;</p>"));
	assert_refused("undeclared entity");
}

static void test_refuse_not_well_formed(void **state)
{
	(void)state;
	put_file("layout.xhtml", LAYOUT);
	put_file("page.xhtml", PAGE("<p>unclosed</t:page>"));
	assert_refused("unclosed element");
	put_file("page.xhtml", PAGE("<p a=\"1\" a=\"2\">x</p>"));
	assert_refused("duplicate attribute");
	put_file("page.xhtml", PAGE("<p>a & b</p>"));
	assert_refused("bare ampersand");
	put_file("page.xhtml", "<t:page " NS "><p>x\xc0\xaf</p></t:page>");
	assert_refused("invalid UTF-8");
}

/* A page that forgets xmlns:t is not namespace-well-formed: its directives would render as plain attributes. */
static void test_refuse_undeclared_prefix(void **state)
{
	(void)state;
	put_file("layout.xhtml", LAYOUT);
	put_file("page.xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><a t:attr-href=\"url\">x</a></div>");
	assert_refused("undeclared namespace prefix t:");
}

static void test_refuse_unknown_directive(void **state)
{
	(void)state;
	put_file("layout.xhtml", LAYOUT);
	put_file("page.xhtml", PAGE("<p t:foo=\"x\">x</p>"));
	assert_refused("unknown attribute t:foo");
	put_file("page.xhtml", PAGE("<t:include src=\"x\"/>"));
	assert_refused("unknown element t:include");
	put_file("page.xhtml", PAGE("<p t:attr-=\"x\">x</p>"));
	assert_refused("t:attr- without a name");
	put_file("page.xhtml", PAGE("<p t:each=\"items\">x</p>"));
	assert_refused("t:each without 'in'");
	put_file("page.xhtml", PAGE("<p t:if=\"\">x</p>"));
	assert_refused("empty t:if");
	put_file("page.xhtml", PAGE("<p t:if=\"a == \">x</p>"));
	assert_refused("t:if with an empty right side");
}

static void test_refuse_without_layout(void **state)
{
	(void)state;
	put_file("page.xhtml", PAGE("<p>x</p>"));
	assert_refused("no layout.xhtml");
	assert_null(tmpl_load("/nonexistent/templates"));
}

/* scandir lists files in order: a bad file sorted before layout.xhtml must be refused like any other. */
static void test_refuse_bad_file_before_others(void **state)
{
	(void)state;
	put_file("layout.xhtml", LAYOUT);
	put_file("page.xhtml", PAGE("<p>x</p>"));
	put_file("about.xhtml", "<!DOCTYPE html>\n" PAGE("<p>x</p>"));
	assert_refused("a DOCTYPE in about.xhtml, sorted first");
}

/* The project's own templates load, and the error page escapes its message. */
static void test_project_templates(void **state)
{
	struct tmpl_set *s;
	json_t *c;

	(void)state;
	s = tmpl_load("templates/pages");
	if (s == NULL)
		fail_msg("templates/pages did not load (run from the repository root)");
	c = json_pack("{s:s, s:i, s:s, s:{s:s, s:b}}", "title", EVIL, "status", 400, "message", EVIL, "user", "name",
		      EVIL, "is_admin", 1);
	assert_int_equal(tmpl_render(s, "error", c, csrf_cb, (void *)EVIL, &out), 1);
	assert_non_null(strstr(out.p, EVIL_ESC));
	assert_null(strstr(out.p, "<script>"));
	assert_non_null(strstr(out.p, "value=\"" EVIL_ESC "\""));
	json_decref(c);
	tmpl_free(s);
}

/* A mail's text part from the same page: no markup, nothing escaped, blocks as paragraphs, list items as
 * lines, a link's address after its words, the CSRF field and scripts left out. */
static void test_render_text(void **state)
{
	(void)state;
	render(PAGE("<h1 t:text=\"title\">x</h1>\n  <p>Hello,\n    <b t:text=\"name\">n</b>!</p>"
		    "<ul><li t:each=\"i in items\" t:text=\"i\">i</li></ul>"
		    "<p><a t:attr-href=\"link\" t:text=\"link\">l</a> or <a t:attr-href=\"link\">open it</a></p>"
		    "<p><a t:attr-href=\"bad\">bad</a></p><script>x()</script><t:csrf/>"),
	       "{\"title\": \"A & B\", \"name\": \"<i>Ann</i> & co\", \"items\": [\"one\", \"two\"],"
	       " \"link\": \"https://x.test/a?b=1&c=2\", \"bad\": \"javascript:alert(1)\"}");
	buf_reset(&out);
	assert_int_equal(tmpl_render_text(set, "page", ctx, &out), 1);
	assert_string_equal(out.p, "A & B\n\nHello, <i>Ann</i> & co!\n\n- one\n- two\n\n"
				   "https://x.test/a?b=1&c=2 or open it: https://x.test/a?b=1&c=2\n\nbad\n");
	buf_reset(&out);
	assert_int_equal(tmpl_render_text(set, "nope", ctx, &out), 0);
	assert_int_equal(tmpl_render_text(set, "layout", ctx, &out), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_layout_and_page),
		T(test_escape_text),
		T(test_escape_attr),
		T(test_escape_url_attr),
		T(test_escape_each),
		T(test_escape_csrf),
		T(test_csrf_only_when_rendered),
		T(test_static_text_and_attrs_escaped),
		T(test_block_and_values),
		T(test_if_unless),
		T(test_equality),
		T(test_each_scopes),
		T(test_class_and_bool),
		T(test_void_and_empty_elements),
		T(test_missing_page),
		T(test_refuse_doctype),
		T(test_refuse_external_entity),
		T(test_refuse_not_well_formed),
		T(test_refuse_undeclared_prefix),
		T(test_refuse_unknown_directive),
		T(test_refuse_without_layout),
		T(test_refuse_bad_file_before_others),
		T(test_project_templates),
		T(test_render_text),
	};

	/* Refusals are logged; the tests check them, the log would only clutter the TAP stream. */
	log_init("unit", LOG__MAX);
	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
