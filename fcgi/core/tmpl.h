/* XHTML page templates: loading, compiling and rendering. */
#ifndef TMPL_H
#define TMPL_H

#include <jansson.h>

#include "buf.h"

/* XHTML templates with attribute directives in the namespace urn:seminar:tmpl: t:text, t:if,
 * t:unless, t:each="x in list", t:attr-NAME (URL attributes take only safe schemes), t:bool-NAME,
 * t:class-NAME, comparisons a == b and a == 'literal', <t:block>, <t:csrf/>, and <t:content/> in
 * layout.xhtml, the page every other page is rendered inside. Parsed and compiled once at start;
 * rendering writes values only through html_escape, so escaping holds by construction. */
struct tmpl_set;

/* Loads every *.xhtml file of dir. Returns NULL (logged) when a file is not
 * well-formed, has a DOCTYPE or uses an unknown directive. */
struct tmpl_set *tmpl_load(const char *dir);
void tmpl_free(struct tmpl_set *);
/* Renders page `name` inside the layout with context ctx. <t:csrf/> asks
 * csrf(arg) for the token only when a form is really rendered (so a page
 * without forms sets no cookie). Returns 1, or 0 when there is no such page. */
int tmpl_render(const struct tmpl_set *, const char *name, json_t *ctx, const char *(*csrf)(void *), void *arg,
		struct buf *out);
/* The same page inside the layout as plain text (a mail's text part, from the template of its HTML
 * part): text and values unescaped with runs of white space as one space; p, h1-h4, div, table, ul, ol
 * as paragraphs; br, li (with "- "), tr as lines; head, title, style, script left out; a link followed by
 * ": address" unless its text is the address. Ends with one newline. Returns 1, or 0 when there is no such
 * page. */
int tmpl_render_text(const struct tmpl_set *, const char *name, json_t *ctx, struct buf *out);

#endif
