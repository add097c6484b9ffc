/* libFuzzer harness of the certificate template sanitiser: any input is refused with a reason, or comes out clean,
 * sanitises to itself again and, when it compiles, renders with hostile values printed as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cert.h"
#include "log.h"

static const struct cert_values values = {
	.v = {"<b>&amp;</b>", "]]>\"'", "{{full_name}}",
	      "Очень длинное название семинара, которое переносится на строки", NULL, "8", "очно", "1", "", "ЦУР",
	      "Петров"},
	.verify_url = "https://example.org/certificates/verify/AbCdEfGhIjKlMnOpQrStUv",
};

/* Whether the tree holds a script, a foreign object, an event attribute or a script URL. */
static int dangerous(xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcasecmp((const char *)n->name, "script") == 0 ||
		    strcasecmp((const char *)n->name, "foreignObject") == 0)
			return 1;
		for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			int bad = strncasecmp((const char *)a->name, "on", 2) == 0 ||
				  (v != NULL && strcasestr((const char *)v, "javascript:") != NULL);
			xmlFree(v);
			if (bad)
				return 1;
		}
		if (dangerous(n->children))
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = {0}, again = {0}, pdf = {0};
	struct cert_tmpl *t;
	char why[CERT_WHY];
	xmlDoc *doc;

	log_init("fuzz", LOG__MAX);
	if (cert_sanitize(&out, (const char *)data, size, why) == -1) {
		if (why[0] == '\0' || out.len != 0)
			abort(); /* a refusal says why and writes nothing */
		buf_free(&out);
		return 0;
	}
	/* What is stored is XML without a DOCTYPE and without what the allow-list refuses. */
	doc = xmlReadMemory(out.p, (int)out.len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || doc->intSubset != NULL || dangerous(xmlDocGetRootElement(doc)) ||
	    strstr(out.p, "<?xml-") != NULL)
		abort();
	xmlFreeDoc(doc);
	if (cert_sanitize(&again, out.p, out.len, why) != 0 || again.len != out.len ||
	    memcmp(again.p, out.p, out.len) != 0)
		abort(); /* sanitising is idempotent */
	if ((t = cert_compile(out.p, out.len, why)) != NULL) {
		if (cert_pdf(&pdf, t, &values) != 0)
			abort();
		cert_free(t);
	}
	buf_free(&out);
	buf_free(&again);
	buf_free(&pdf);
	return 0;
}
