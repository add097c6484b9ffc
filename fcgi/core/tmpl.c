/* XHTML templates: parsed with libxml2 once, compiled to a node tree, rendered with escaping. */
#include "tmpl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "log.h"
#include "text.h"

#define TNS "urn:seminar:tmpl"

enum tkind { TK_ELEM, TK_TEXT, TK_CONTENT, TK_CSRF, TK_BLOCK };
enum dkind { DA_ATTR, DA_BOOL, DA_CLASS };

/* "path", "path == path" or "path == 'literal'" */
struct expr {
	char *lhs, *rhs;
	int rhs_lit;
};

struct dattr {
	enum dkind kind;
	char *name;
	struct expr e;
};

struct tnode {
	enum tkind kind;
	char *name;  /* element name */
	char *text;  /* TK_TEXT: the text; TK_ELEM: static attributes, escaped */
	char *klass; /* static class attribute, merged with t:class-* */
	struct expr *text_e, *if_e, *unless_e, *each_e;
	char *each_var;
	struct dattr *dattrs;
	size_t ndattrs;
	struct tnode *kids;
	size_t nkids;
	int is_void;
};

struct tmpl {
	char *name;
	struct tnode root;
};

struct tmpl_set {
	struct tmpl *t;
	size_t n;
	const struct tmpl *layout;
};

struct scope {
	const char *name;
	json_t *val;
	const struct scope *up;
};

struct rctx {
	json_t *root;
	const struct tnode *page;
	struct buf *out;
	const char *(*csrf)(void *);
	void *arg;
	int text; /* plain text of the same tree (a mail's text part): no markup, nothing escaped */
};

static const char *const void_elems[] = {"area",  "base", "br",   "col",    "embed", "hr",  "img",
					 "input", "link", "meta", "source", "track", "wbr", NULL};
static const char *const url_attrs[] = {"href", "src", "action", "formaction", "poster", "cite", NULL};

static int in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

static int expr_parse(struct expr *e, const char *src)
{
	const char *eq = strstr(src, "==");
	char *l, *r, *p;

	memset(e, 0, sizeof(*e));
	if (eq == NULL) {
		e->lhs = xstrdup(src);
		/* trim */
		for (p = e->lhs + strlen(e->lhs); p > e->lhs && p[-1] == ' '; *--p = '\0')
			;
		return e->lhs[0] != '\0';
	}
	l = strndup(src, (size_t)(eq - src));
	r = xstrdup(eq + 2);
	if (l == NULL)
		abort();
	for (p = l + strlen(l); p > l && p[-1] == ' '; *--p = '\0')
		;
	for (p = r; *p == ' '; p++)
		;
	memmove(r, p, strlen(p) + 1);
	for (p = r + strlen(r); p > r && p[-1] == ' '; *--p = '\0')
		;
	e->lhs = l;
	e->rhs = r;
	if (r[0] == '\'' && strlen(r) >= 2 && r[strlen(r) - 1] == '\'') {
		e->rhs_lit = 1;
		memmove(r, r + 1, strlen(r));
		r[strlen(r) - 1] = '\0';
	}
	return l[0] != '\0' && r[0] != '\0';
}

static struct expr *expr_new(const char *src)
{
	struct expr *e = calloc(1, sizeof(*e));

	if (e == NULL)
		abort();
	if (!expr_parse(e, src)) {
		free(e->lhs);
		free(e->rhs);
		free(e);
		return NULL;
	}
	return e;
}

static int is_t(const xmlNode *n)
{
	return n->ns != NULL && strcmp((const char *)n->ns->href, TNS) == 0;
}

static int compile(struct tnode *t, xmlNode *n, const char *file);

static int compile_kids(struct tnode *t, xmlNode *first, const char *file)
{
	xmlNode *c;
	size_t n = 0;

	for (c = first; c; c = c->next)
		n++;
	t->kids = calloc(n ? n : 1, sizeof(*t->kids));
	if (t->kids == NULL)
		abort();
	for (c = first; c; c = c->next) {
		int rc = compile(&t->kids[t->nkids], c, file);
		if (rc == -1)
			return -1;
		if (rc == 1)
			t->nkids++;
	}
	return 0;
}

static int compile_attrs(struct tnode *t, xmlNode *n, const char *file)
{
	struct buf st = {0};
	xmlAttr *a;

	for (a = n->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		const char *val = v ? (const char *)v : "";
		int ok = 1;

		if (a->ns == NULL && strchr(name, ':') != NULL) {
			log_msg(LOG_ERROR, NULL, "tmpl: %s:%d: undeclared namespace prefix in %s", file, n->line, name);
			xmlFree(v);
			buf_free(&st);
			return -1;
		}
		if (a->ns != NULL && strcmp((const char *)a->ns->href, TNS) == 0) {
			struct expr **slot = NULL;
			if (strcmp(name, "text") == 0)
				slot = &t->text_e;
			else if (strcmp(name, "if") == 0)
				slot = &t->if_e;
			else if (strcmp(name, "unless") == 0)
				slot = &t->unless_e;
			if (slot != NULL)
				ok = (*slot = expr_new(val)) != NULL;
			else if (strcmp(name, "each") == 0) {
				const char *in = strstr(val, " in ");
				ok = in != NULL && in > val;
				if (ok) {
					t->each_var = strndup(val, (size_t)(in - val));
					ok = (t->each_e = expr_new(in + 4)) != NULL;
				}
			} else {
				static const char *const pre[] = {"attr-", "bool-", "class-"};
				size_t k;
				for (k = 0; k < 3; k++)
					if (strncmp(name, pre[k], strlen(pre[k])) == 0 && name[strlen(pre[k])] != '\0')
						break;
				ok = k < 3;
				if (ok) {
					struct dattr *d;
					t->dattrs = realloc(t->dattrs, (t->ndattrs + 1) * sizeof(*t->dattrs));
					if (t->dattrs == NULL)
						abort();
					d = &t->dattrs[t->ndattrs++];
					d->kind = (enum dkind)k;
					d->name = xstrdup(name + strlen(pre[k]));
					ok = expr_parse(&d->e, val);
				}
			}
			if (!ok)
				log_msg(LOG_ERROR, NULL, "tmpl: %s:%d: bad directive t:%s=\"%s\"", file, n->line, name,
					val);
		} else if (strcmp(name, "class") == 0 && a->ns == NULL)
			t->klass = xstrdup(val);
		else {
			buf_addc(&st, ' ');
			if (a->ns != NULL && a->ns->prefix != NULL) {
				buf_adds(&st, (const char *)a->ns->prefix);
				buf_addc(&st, ':');
			}
			buf_adds(&st, name);
			buf_adds(&st, "=\"");
			html_escape(&st, val, strlen(val));
			buf_addc(&st, '"');
		}
		xmlFree(v);
		if (!ok) {
			buf_free(&st);
			return -1;
		}
	}
	t->text = st.p ? st.p : xstrdup("");
	return 0;
}

/* Returns 1 when a node was compiled into t, 0 when skipped, -1 on error. */
static int compile(struct tnode *t, xmlNode *n, const char *file)
{
	memset(t, 0, sizeof(*t));
	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE: {
		const char *s = (const char *)n->content;
		if (s[strspn(s, " \t\r\n")] == '\0')
			/* Whitespace between elements shrinks to one character. */
			t->text = xstrdup(strchr(s, '\n') ? "\n" : (s[0] ? " " : ""));
		else
			t->text = xstrdup(s);
		t->kind = TK_TEXT;
		return 1;
	}
	case XML_ELEMENT_NODE: break;
	default: return 0;
	}
	t->name = xstrdup((const char *)n->name);
	/* libxml2 keeps an element with an undeclared prefix ("t:if" without
	 * xmlns:t): its directives would silently become plain attributes. */
	if (n->ns == NULL && strchr(t->name, ':') != NULL) {
		log_msg(LOG_ERROR, NULL, "tmpl: %s:%d: undeclared namespace prefix in <%s>", file, n->line, t->name);
		return -1;
	}
	if (is_t(n)) {
		if (strcmp(t->name, "content") == 0)
			t->kind = TK_CONTENT;
		else if (strcmp(t->name, "csrf") == 0)
			t->kind = TK_CSRF;
		else if (strcmp(t->name, "block") == 0 || strcmp(t->name, "page") == 0)
			t->kind = TK_BLOCK;
		else {
			log_msg(LOG_ERROR, NULL, "tmpl: %s:%d: unknown element t:%s", file, n->line, t->name);
			return -1;
		}
	} else {
		t->kind = TK_ELEM;
		t->is_void = in_list(void_elems, t->name);
	}
	if (compile_attrs(t, n, file) == -1)
		return -1;
	if (compile_kids(t, n->children, file) == -1)
		return -1;
	return 1;
}

static void tnode_free(struct tnode *t)
{
	size_t i;
	struct expr *es[] = {t->text_e, t->if_e, t->unless_e, t->each_e};

	for (i = 0; i < t->nkids; i++)
		tnode_free(&t->kids[i]);
	free(t->kids);
	for (i = 0; i < 4; i++)
		if (es[i]) {
			free(es[i]->lhs);
			free(es[i]->rhs);
			free(es[i]);
		}
	for (i = 0; i < t->ndattrs; i++) {
		free(t->dattrs[i].name);
		free(t->dattrs[i].e.lhs);
		free(t->dattrs[i].e.rhs);
	}
	free(t->dattrs);
	free(t->each_var);
	free(t->name);
	free(t->text);
	free(t->klass);
}

static int load_one(struct tmpl *t, const char *dir, const char *file)
{
	char path[4096];
	xmlDoc *doc;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	/* No entity substitution, no DTD loading, no network. */
	doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();
		log_msg(LOG_ERROR, NULL, "tmpl: %s: not well-formed: %s", path, e ? e->message : "?");
		return -1;
	}
	if (doc->intSubset != NULL) {
		log_msg(LOG_ERROR, NULL, "tmpl: %s: DOCTYPE is not allowed", path);
		goto out;
	}
	t->name = strndup(file, strlen(file) - strlen(".xhtml"));
	rc = compile(&t->root, xmlDocGetRootElement(doc), path) == 1 ? 0 : -1;
out:
	xmlFreeDoc(doc);
	return rc;
}

struct tmpl_set *tmpl_load(const char *dir)
{
	struct tmpl_set *s = calloc(1, sizeof(*s));
	struct dirent **ents;
	int i, n;

	if (s == NULL)
		abort();
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		log_msg(LOG_ERROR, NULL, "tmpl: cannot read %s", dir);
		free(s);
		return NULL;
	}
	s->t = calloc((size_t)n + 1, sizeof(*s->t));
	if (s->t == NULL)
		abort();
	for (i = 0; i < n && s != NULL; i++) {
		const char *f = ents[i]->d_name;
		size_t len = strlen(f);
		if (len <= 6 || strcmp(f + len - 6, ".xhtml") != 0)
			continue;
		if (load_one(&s->t[s->n], dir, f) == -1) {
			free(s->t[s->n].name);
			tnode_free(&s->t[s->n].root);
			tmpl_free(s);
			s = NULL;
		} else
			s->n++;
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (s == NULL)
		return NULL;
	for (i = 0; i < (int)s->n; i++)
		if (strcmp(s->t[i].name, "layout") == 0)
			s->layout = &s->t[i];
	if (s->layout == NULL) {
		log_msg(LOG_ERROR, NULL, "tmpl: %s has no layout.xhtml", dir);
		tmpl_free(s);
		return NULL;
	}
	return s;
}

void tmpl_free(struct tmpl_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->t[i].name);
		tnode_free(&s->t[i].root);
	}
	free(s->t);
	free(s);
}

/* ---- rendering */

static json_t *lookup(const struct rctx *rc, const struct scope *sc, const char *path)
{
	char seg[128];
	const char *p = path;
	json_t *v = NULL;
	int first = 1;

	while (*p) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (first) {
			const struct scope *s;
			for (s = sc; s; s = s->up)
				if (strcmp(s->name, seg) == 0)
					break;
			v = s ? s->val : json_object_get(rc->root, seg);
			first = 0;
		} else
			v = json_is_object(v) ? json_object_get(v, seg) : NULL;
		if (v == NULL)
			return NULL;
		p += n;
		if (*p == '.')
			p++;
	}
	return v;
}

/* Scalar as text into tmp (numbers) or as a pointer into the JSON value. */
static const char *scalar(json_t *v, char *tmp, size_t tmpn, size_t *len)
{
	const char *s = "";

	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_integer(v))
		snprintf(tmp, tmpn, "%lld", (long long)json_integer_value(v)), s = tmp;
	else if (json_is_real(v))
		snprintf(tmp, tmpn, "%g", json_real_value(v)), s = tmp;
	else if (json_is_true(v))
		s = "true";
	else if (json_is_false(v))
		s = "false";
	*len = strlen(s);
	return s;
}

static int truthy(json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_real(v))
		return json_real_value(v) != 0.0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

static int eval(const struct rctx *rc, const struct scope *sc, const struct expr *e)
{
	char t1[64], t2[64];
	const char *a, *b;
	size_t la, lb;

	if (e->rhs == NULL)
		return truthy(lookup(rc, sc, e->lhs));
	a = scalar(lookup(rc, sc, e->lhs), t1, sizeof(t1), &la);
	if (e->rhs_lit)
		b = e->rhs, lb = strlen(b);
	else
		b = scalar(lookup(rc, sc, e->rhs), t2, sizeof(t2), &lb);
	return la == lb && memcmp(a, b, la) == 0;
}

/* Plain text: runs of white space become one space, none at the start of a line. */
static void text_put(struct buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			if (out->len > 0 && out->p[out->len - 1] != ' ' && out->p[out->len - 1] != '\n')
				buf_addc(out, ' ');
		} else
			buf_addc(out, s[i]);
	}
}

/* Plain text: ends the line, with n - 1 empty lines after it (none at the very start). */
static void text_break(struct buf *out, int n)
{
	int have = 0;

	while (out->len > 0 && out->p[out->len - 1] == ' ')
		out->p[--out->len] = '\0';
	if (out->len == 0)
		return;
	while (have < (int)out->len && out->p[out->len - 1 - (size_t)have] == '\n')
		have++;
	for (; have < n; have++)
		buf_addc(out, '\n');
}

static void put_value(const struct rctx *rc, json_t *v)
{
	char tmp[64];
	size_t len;
	const char *s = scalar(v, tmp, sizeof(tmp), &len);

	if (rc->text)
		text_put(rc->out, s, len);
	else
		html_escape(rc->out, s, len);
}

static void render(const struct rctx *rc, const struct scope *sc, const struct tnode *t);

static void render_kids(const struct rctx *rc, const struct scope *sc, const struct tnode *t)
{
	size_t i;

	for (i = 0; i < t->nkids; i++)
		render(rc, sc, &t->kids[i]);
}

static void render_elem(const struct rctx *rc, const struct scope *sc, const struct tnode *t)
{
	struct buf *o = rc->out;
	size_t i;
	int has_class = t->klass != NULL;

	buf_addc(o, '<');
	buf_adds(o, t->name);
	buf_adds(o, t->text);
	for (i = 0; i < t->ndattrs; i++) {
		const struct dattr *d = &t->dattrs[i];
		if (d->kind == DA_ATTR) {
			json_t *v = lookup(rc, sc, d->e.lhs);
			char tmp[64];
			size_t len;
			const char *s;
			if (v == NULL || json_is_null(v))
				continue;
			s = scalar(v, tmp, sizeof(tmp), &len);
			buf_addc(o, ' ');
			buf_adds(o, d->name);
			buf_adds(o, "=\"");
			if (in_list(url_attrs, d->name) && !url_is_safe(s))
				buf_adds(o, "#");
			else
				html_escape(o, s, len);
			buf_addc(o, '"');
		} else if (d->kind == DA_BOOL && eval(rc, sc, &d->e))
			buf_addf(o, " %s=\"%s\"", d->name, d->name);
		else if (d->kind == DA_CLASS && eval(rc, sc, &d->e))
			has_class = 1;
	}
	if (has_class) {
		int first = 1;
		buf_adds(o, " class=\"");
		if (t->klass) {
			html_escape(o, t->klass, strlen(t->klass));
			first = 0;
		}
		for (i = 0; i < t->ndattrs; i++)
			if (t->dattrs[i].kind == DA_CLASS && eval(rc, sc, &t->dattrs[i].e)) {
				if (!first)
					buf_addc(o, ' ');
				html_escape(o, t->dattrs[i].name, strlen(t->dattrs[i].name));
				first = 0;
			}
		buf_addc(o, '"');
	}
	buf_addc(o, '>');
	if (t->is_void)
		return;
	if (t->text_e)
		put_value(rc, lookup(rc, sc, t->text_e->lhs));
	else
		render_kids(rc, sc, t);
	buf_adds(o, "</");
	buf_adds(o, t->name);
	buf_addc(o, '>');
}

/* An element as plain text: its content; blocks on lines of their own, list items with a dash, a link's
 * address after its words unless they are the address. */
static void render_elem_text(const struct rctx *rc, const struct scope *sc, const struct tnode *t)
{
	static const char *const skip[] = {"head", "style", "script", "title", NULL};
	static const char *const para[] = {"p", "h1", "h2", "h3", "h4", "table", "ul", "ol", "div", "blockquote", NULL};
	static const char *const line[] = {"br", "li", "tr", "dt", "dd", NULL};
	struct buf *o = rc->out;
	const char *href = NULL;
	size_t i, start;

	if (in_list(skip, t->name))
		return;
	if (in_list(para, t->name))
		text_break(o, 2);
	else if (in_list(line, t->name))
		text_break(o, 1);
	if (strcmp(t->name, "li") == 0)
		buf_adds(o, "- ");
	if (strcmp(t->name, "td") == 0 || strcmp(t->name, "th") == 0)
		text_put(o, " ", 1);
	for (i = 0; i < t->ndattrs && strcmp(t->name, "a") == 0; i++)
		if (t->dattrs[i].kind == DA_ATTR && strcmp(t->dattrs[i].name, "href") == 0)
			href = json_string_value(lookup(rc, sc, t->dattrs[i].e.lhs));
	start = o->len;
	if (t->text_e)
		put_value(rc, lookup(rc, sc, t->text_e->lhs));
	else
		render_kids(rc, sc, t);
	if (href != NULL && url_is_safe(href) &&
	    (o->len - start != strlen(href) || memcmp(o->p + start, href, o->len - start) != 0)) {
		buf_adds(o, o->len > start ? ": " : "");
		buf_adds(o, href);
	}
	if (in_list(para, t->name))
		text_break(o, 2);
}

static void render_one(const struct rctx *rc, const struct scope *sc, const struct tnode *t)
{
	if (t->if_e && !eval(rc, sc, t->if_e))
		return;
	if (t->unless_e && eval(rc, sc, t->unless_e))
		return;
	switch (t->kind) {
	case TK_TEXT:
		if (rc->text)
			text_put(rc->out, t->text, strlen(t->text));
		else
			html_escape(rc->out, t->text, strlen(t->text));
		break;
	case TK_CONTENT:
		if (rc->page)
			render_kids(rc, sc, rc->page);
		break;
	case TK_CSRF:
		if (rc->text)
			break;
		buf_adds(rc->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
		if (rc->csrf != NULL) {
			const char *tok = rc->csrf(rc->arg);
			html_escape(rc->out, tok, strlen(tok));
		}
		buf_adds(rc->out, "\">");
		break;
	case TK_BLOCK:
		if (t->text_e)
			put_value(rc, lookup(rc, sc, t->text_e->lhs));
		else
			render_kids(rc, sc, t);
		break;
	case TK_ELEM:
		if (rc->text)
			render_elem_text(rc, sc, t);
		else
			render_elem(rc, sc, t);
		break;
	}
}

static void render(const struct rctx *rc, const struct scope *sc, const struct tnode *t)
{
	json_t *arr, *item;
	size_t i;

	if (t->each_e == NULL) {
		render_one(rc, sc, t);
		return;
	}
	arr = lookup(rc, sc, t->each_e->lhs);
	json_array_foreach (arr, i, item) {
		struct scope s = {t->each_var, item, sc};
		render_one(rc, &s, t);
	}
}

/* The page named name, or NULL (the layout is no page). */
static const struct tnode *page_find(const struct tmpl_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->t[i].name, name) == 0)
			return &s->t[i] == s->layout ? NULL : &s->t[i].root;
	return NULL;
}

int tmpl_render(const struct tmpl_set *s, const char *name, json_t *ctx, const char *(*csrf)(void *), void *arg,
		struct buf *out)
{
	struct rctx rc = {ctx, page_find(s, name), out, csrf, arg, 0};

	if (rc.page == NULL)
		return 0;
	buf_adds(out, "<!DOCTYPE html>\n");
	render(&rc, NULL, &s->layout->root);
	buf_addc(out, '\n');
	return 1;
}

int tmpl_render_text(const struct tmpl_set *s, const char *name, json_t *ctx, struct buf *out)
{
	struct rctx rc = {ctx, page_find(s, name), out, NULL, NULL, 1};
	size_t from = out->len;

	if (rc.page == NULL)
		return 0;
	render(&rc, NULL, &s->layout->root);
	while (out->len > from && (out->p[out->len - 1] == '\n' || out->p[out->len - 1] == ' '))
		out->p[--out->len] = '\0';
	buf_addc(out, '\n');
	return 1;
}
