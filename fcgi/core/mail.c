/* Mail: the outbox (queued inside the causing transaction), MIME building with libcurl, the background SMTP sender. */
#include "mail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "app.h"
#include "db_mail.h"
#include "gate.h"
#include "mail_kinds.h"
#include "tmpl.h"

#define BATCH     32  /* messages claimed (and their outcomes committed) at a time */
#define POLL_MS   200 /* an idle sender looks for due messages this often */
#define QUIET_MS  500 /* the program's workers served no request for this long: nothing is waiting for them */
#define WORD_IN   45  /* bytes of text per encoded word: 60 base64 characters, a word of 72 */
#define SUBJ_MAX  200 /* characters of a subject */
#define ANSWER_SZ 500 /* bytes of the server's answer kept */

/* ---------------------------------------------------------------- building */

int mail_address_ok(const char *addr)
{
	const char *at = strchr(addr, '@');
	size_t i, len = strlen(addr);

	if (len < 3 || len > 254 || at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strchr(at, '.') == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>\"(),;:[]\\", c) != NULL)
			return 0;
	}
	return 1;
}

/* s without control characters (C0, DEL), at most max code points. In the arena. */
static const char *one_line(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s), i, k = 0, chars = 0;
	char *out = arena_alloc(a, n + 1);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			continue;
		chars += (c & 0xc0) != 0x80;
		if (chars > max)
			break;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return out;
}

static int plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Encoded words of s (no control characters in it), folded with CRLF SP between words. */
static void encoded_words(struct buf *b, const char *s)
{
	size_t len = strlen(s), at = 0;

	while (at < len) {
		size_t n = len - at > WORD_IN ? WORD_IN : len - at;
		char b64[sodium_base64_ENCODED_LEN(WORD_IN, sodium_base64_VARIANT_ORIGINAL)];
		/* Never split a UTF-8 character between two words. */
		while (at + n < len && n > 0 && ((unsigned char)s[at + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + at, n, sodium_base64_VARIANT_ORIGINAL);
		if (at > 0)
			buf_adds(b, "\r\n ");
		buf_addf(b, "=?UTF-8?B?%s?=", b64);
		at += n;
	}
}

void mail_header_word(struct buf *b, const char *s)
{
	struct arena a = {0};
	const char *clean = one_line(&a, s, (size_t)-1);

	if (plain_ascii(clean) && strstr(clean, "=?") == NULL)
		buf_adds(b, clean);
	else
		encoded_words(b, clean);
	arena_free(&a);
}

void mail_header_address(struct buf *b, const char *name, const char *addr)
{
	struct arena a = {0};
	const char *clean = name != NULL ? one_line(&a, name, 200) : "";

	if (*clean == '\0')
		buf_addf(b, "<%s>", addr);
	else if (plain_ascii(clean) && strstr(clean, "=?") == NULL) {
		buf_addc(b, '"');
		for (; *clean; clean++) {
			if (*clean == '"' || *clean == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *clean);
		}
		buf_addf(b, "\" <%s>", addr);
	} else {
		encoded_words(b, clean);
		buf_addf(b, " <%s>", addr);
	}
	arena_free(&a);
}

const char *mail_url(struct arena *a, const struct app *app, const char *path)
{
	size_t n = strlen(app->base_url);

	while (n > 0 && app->base_url[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s%s", (int)n, app->base_url, path);
}

/* The domain of the Message-IDs: mail_from's. */
static const char *from_domain(const struct app *app)
{
	const char *from = config_get(&app->cfg, "mail_from", "noreply@seminars.local");

	return mail_address_ok(from) ? strchr(from, '@') + 1 : "seminars.local";
}

const char *mail_message_id(struct arena *a, const struct app *app, const char *kind)
{
	unsigned char rnd[18];
	char rid[32];

	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(rid, rnd, sizeof(rnd));
	return arena_printf(a, "%s.%s@%s", kind, rid, from_domain(app));
}

/* ---------------------------------------------------------------- queueing */

int mail_queue(struct app *app, struct db *d, struct arena *a, const struct mail_new *m)
{
	struct mail_row row = {0};
	struct buf html = {0}, text = {0};
	int rc = -1;
	size_t i;

	if (!mail_address_ok(m->to) || strlen(m->event_key) > 190) {
		log_msg(LOG_ERROR, NULL, "mail: %s: refused address or event key %s", m->kind, m->event_key);
		return -1;
	}
	if (m->confirmed_only && (rc = db_mail_confirmed(d, a, m->person_id)) != 1)
		return rc == 0 ? MAIL_UNCONFIRMED : -1;
	row.subject = one_line(a, m->subject, SUBJ_MAX);
	json_object_set_new(m->ctx, "subject", json_string(row.subject));
	if (!tmpl_render(app->mail_tmpl, m->kind, m->ctx, NULL, NULL, &html) ||
	    !tmpl_render_text(app->mail_tmpl, m->kind, m->ctx, &text)) {
		log_msg(LOG_ERROR, NULL, "mail: no template templates/mail/%s.xhtml", m->kind);
		rc = -1;
		goto out;
	}
	row.kind = m->kind;
	row.event_key = m->event_key;
	row.person_id = m->person_id;
	row.recipient = m->to;
	row.recipient_name = m->to_name != NULL ? one_line(a, m->to_name, 200) : NULL;
	row.body_html = html.p;
	row.body_text = text.p;
	row.message_id = mail_message_id(a, app, m->kind);
	if ((rc = db_mail_insert(d, a, &row)) != 1) {
		rc = rc == 0 ? MAIL_DUPLICATE : -1;
		goto out;
	}
	rc = MAIL_QUEUED;
	for (i = 0; i < m->natt && rc == MAIL_QUEUED; i++)
		if (db_mail_attach(d, row.id, one_line(a, m->att[i].filename, 100), m->att[i].ctype, m->att[i].data,
				   m->att[i].len) == -1)
			rc = -1;
out:
	buf_free(&html);
	buf_free(&text);
	return rc;
}

/* ---------------------------------------------------------------- sending */

struct sender {
	struct app *app;
	CURL *curl;
	const char *url, *user, *password, *from, *from_name, *reply_to;
	long tls;                  /* CURLOPT_USE_SSL for smtp:// */
	long retry_s, retry_max_s; /* back-off: retry_s doubled at each attempt, at most retry_max_s */
	long max_attempts, lease_s;
	long yield_s, hold_s;   /* while requests are served, only messages due yield_s ago are sent (hold_s) */
	char answer[ANSWER_SZ]; /* the server's last answer line, or its last refusal */
	int refused;
};

/* libcurl's protocol trace: keeps the server's last answer line. */
static int on_trace(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct sender *s = arg;
	size_t end = size;

	(void)c;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
		end--;
	if (end > 0) {
		size_t start = end;
		int refusal;
		while (start > 0 && data[start - 1] != '\n')
			start--;
		/* A refusal (4xx, 5xx) is the answer that counts, not the 221 of the QUIT after it. */
		refusal = data[start] == '4' || data[start] == '5';
		if (refusal || !s->refused)
			snprintf(s->answer, sizeof(s->answer), "%.*s", (int)(end - start), data + start);
		s->refused |= refusal;
	}
	return 0;
}

/* A text part; its lines end in CRLF, so the quoted-printable encoder keeps them as lines. */
static curl_mimepart *text_part(curl_mime *mime, struct arena *a, const char *body, const char *ctype)
{
	curl_mimepart *p = curl_mime_addpart(mime);
	size_t n = strlen(body), i, k = 0;
	char *crlf = arena_alloc(a, 2 * n + 1);

	for (i = 0; i < n; i++) {
		if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r'))
			crlf[k++] = '\r';
		crlf[k++] = body[i];
	}
	curl_mime_data(p, crlf, k);
	curl_mime_type(p, ctype);
	curl_mime_encoder(p, "quoted-printable");
	return p;
}

/* The message as libcurl's MIME tree: the text and HTML parts as alternatives, then the attachments. */
static curl_mime *build(struct sender *s, struct arena *a, const struct mail_row *m, int *err)
{
	curl_mime *top = curl_mime_init(s->curl), *alt = curl_mime_init(s->curl);
	curl_mimepart *p = curl_mime_addpart(top);
	struct dbres att;
	size_t i;

	text_part(alt, a, m->body_text, "text/plain; charset=utf-8");
	text_part(alt, a, m->body_html, "text/html; charset=utf-8");
	curl_mime_subparts(p, alt);
	curl_mime_type(p, "multipart/alternative");
	*err = db_mail_attachments(s->app->db, a, m->id, &att);
	for (i = 0; *err == 0 && i < att.nrows; i++) {
		p = curl_mime_addpart(top);
		curl_mime_data(p, att.cells[i * 3 + 2].s, att.cells[i * 3 + 2].len);
		curl_mime_filename(p, dbres_str(&att, i, 0));
		curl_mime_type(p, dbres_str(&att, i, 1));
		curl_mime_encoder(p, "base64");
	}
	return top;
}

/* The header lines of a message (each one line, values encoded and stripped of control characters). */
static struct curl_slist *headers(struct sender *s, const struct mail_row *m)
{
	struct curl_slist *h = NULL;
	struct buf b = {0};
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "Date: %a, %d %b %Y %H:%M:%S %z", &tm);
	h = curl_slist_append(h, date);
	buf_adds(&b, "From: ");
	mail_header_address(&b, s->from_name, s->from);
	h = curl_slist_append(h, b.p);
	buf_reset(&b);
	buf_adds(&b, "To: ");
	mail_header_address(&b, m->recipient_name, m->recipient);
	h = curl_slist_append(h, b.p);
	if (s->reply_to != NULL) {
		buf_reset(&b);
		buf_addf(&b, "Reply-To: <%s>", s->reply_to);
		h = curl_slist_append(h, b.p);
	}
	buf_reset(&b);
	buf_adds(&b, "Subject: ");
	mail_header_word(&b, m->subject);
	h = curl_slist_append(h, b.p);
	buf_reset(&b);
	buf_addf(&b, "Message-ID: <%s>", m->message_id);
	h = curl_slist_append(h, b.p);
	h = curl_slist_append(h, "Auto-Submitted: auto-generated");
	if (mail_kinds_list(m->kind) != NULL && m->person_id != 0) {
		struct arena a = {0};
		buf_reset(&b);
		buf_addf(&b, "List-Unsubscribe: <%s>",
			 mail_unsubscribe_url(&a, s->app, m->person_id, mail_kinds_list(m->kind)));
		h = curl_slist_append(h, b.p);
		h = curl_slist_append(h, "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
		arena_free(&a);
	}
	buf_free(&b);
	return h;
}

/* Sends one message. Returns its outcome with the answer in s->answer; *down is set when no server
 * answered at all (the rest of the batch is not tried). */
static enum mail_outcome send_one(struct sender *s, struct arena *a, const struct mail_row *m, int *down)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *rcpt = NULL, *h;
	curl_mime *mime;
	long code = 0;
	int err;
	CURLcode rc;

	s->answer[0] = '\0';
	s->refused = 0;
	mime = build(s, a, m, &err);
	if (err) {
		curl_mime_free(mime);
		snprintf(s->answer, sizeof(s->answer), "database: attachments not read");
		return MAIL_RETRY;
	}
	h = headers(s, m);
	rcpt = curl_slist_append(rcpt, arena_printf(a, "<%s>", m->recipient));
	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_USE_SSL, s->tls);
	if (s->user != NULL) {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD, s->password);
	}
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", s->from));
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(s->curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGFUNCTION, on_trace);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGDATA, s);
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(h);
	curl_mime_free(mime);
	if (rc == CURLE_OK)
		return MAIL_SENT;
	*down = s->answer[0] == '\0';
	if (code < 400) { /* not the server's refusal: say what went wrong, and the server's last word if any */
		struct buf b = {0};
		buf_adds(&b, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		if (s->answer[0] != '\0')
			buf_addf(&b, " (%s)", s->answer);
		snprintf(s->answer, sizeof(s->answer), "%s", b.p);
		buf_free(&b);
	}
	return code >= 500 && code < 600 ? MAIL_FAILED : MAIL_RETRY;
}

struct batch {
	struct sender *s;
	struct mail_row rows[BATCH];
	int n;
	enum mail_outcome outcome[BATCH];
	const char *answer[BATCH];
};

static enum tx_end claim_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct batch *b = arg;

	int i, k = 0;

	b->n = db_mail_claim(d, scratch, b->rows, BATCH, b->s->lease_s, b->s->hold_s);
	if (b->n < 0)
		return TX_FAIL;
	/* Messages about registrations are made now, from the data queued with them (mail_kinds.h). */
	for (i = 0; i < b->n; i++) {
		int rc = b->rows[i].render ? mail_kinds_render(b->s->app, d, scratch, &b->rows[i]) : 1;
		if (rc == -1)
			return TX_FAIL;
		if (rc == 0 &&
		    db_mail_outcome(d, b->rows[i].id, MAIL_FAILED, "the registration of this message is gone", 0) == -1)
			return TX_FAIL;
		if (rc == 1)
			b->rows[k++] = b->rows[i];
	}
	b->n = k;
	return TX_COMMIT;
}

static long backoff(const struct sender *s, long long attempts)
{
	long r = s->retry_s;

	while (--attempts > 0 && r < s->retry_max_s)
		r *= 2;
	return r < s->retry_max_s ? r : s->retry_max_s;
}

static enum tx_end outcome_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct batch *b = arg;
	int i;

	(void)scratch;
	for (i = 0; i < b->n; i++) {
		enum mail_outcome o = b->outcome[i];
		if (o == MAIL_RETRY && b->rows[i].attempts >= b->s->max_attempts)
			o = MAIL_FAILED;
		if (db_mail_outcome(d, b->rows[i].id, o, b->answer[i], backoff(b->s, b->rows[i].attempts)) == -1)
			return TX_FAIL;
	}
	return TX_COMMIT;
}

/* Claims and sends one batch. Returns the number of messages claimed, or -1 when the database failed. */
static int send_batch(struct sender *s, struct arena *a)
{
	static struct batch b;
	const char *error = NULL;
	int i, down = 0, sent = 0;

	memset(&b, 0, sizeof(b));
	b.s = s;
	if (db_tx(s->app->db, claim_tx, &b) != 1)
		return -1;
	for (i = 0; i < b.n; i++) {
		/* The claimed rows live in the connection's scratch arena until the next db_tx: keep them. */
		struct mail_row *m = &b.rows[i];
		m->recipient = arena_strdup(a, m->recipient);
		m->subject = arena_strdup(a, m->subject);
		m->body_text = arena_strdup(a, m->body_text);
		m->body_html = arena_strdup(a, m->body_html);
		m->message_id = arena_strdup(a, m->message_id);
		m->recipient_name = m->recipient_name ? arena_strdup(a, m->recipient_name) : NULL;
	}
	for (i = 0; i < b.n; i++) {
		if (!down)
			b.outcome[i] = send_one(s, a, &b.rows[i], &down);
		else
			b.outcome[i] = MAIL_RETRY; /* the answer of the failed connection below */
		if (b.outcome[i] == MAIL_SENT)
			sent++;
		else
			error = arena_printf(a, "%s: %s", b.rows[i].recipient, s->answer);
		b.answer[i] = arena_strdup(a, s->answer);
	}
	if (b.n > 0 && db_tx(s->app->db, outcome_tx, &b) != 1)
		return -1;
	if (error != NULL)
		log_msg(LOG_WARN, NULL, "mail: %s", error);
	if ((error != NULL && db_mail_sender_state(s->app->db, error) == -1) ||
	    (sent > 0 && db_mail_sender_state(s->app->db, NULL) == -1))
		return -1;
	return b.n;
}

void mail_sender(struct app *app)
{
	struct sender s = {.app = app};
	const char *tls = config_get(&app->cfg, "smtp_tls", "required");
	struct arena a = {0};

	s.url = config_get(&app->cfg, "smtp_url", NULL);
	s.user = config_get(&app->cfg, "smtp_user", NULL);
	s.password = config_get(&app->cfg, "smtp_password", "");
	s.from = config_get(&app->cfg, "mail_from", "noreply@seminars.local");
	s.from_name = config_get(&app->cfg, "mail_from_name", "Семинары ЦУР");
	s.reply_to = config_get(&app->cfg, "mail_reply_to", NULL);
	s.tls = strcmp(tls, "off") == 0 ? CURLUSESSL_NONE : strcmp(tls, "try") == 0 ? CURLUSESSL_TRY : CURLUSESSL_ALL;
	s.retry_s = config_int(&app->cfg, "mail_retry_s", 60);
	s.retry_max_s = config_int(&app->cfg, "mail_retry_max_s", 3600);
	s.max_attempts = config_int(&app->cfg, "mail_max_attempts", 30);
	s.lease_s = config_int(&app->cfg, "mail_lease_s", 900);
	s.yield_s = config_int(&app->cfg, "mail_yield_s", 60);
	if (s.url == NULL || !mail_address_ok(s.from) || (s.reply_to != NULL && !mail_address_ok(s.reply_to))) {
		log_msg(LOG_ERROR, NULL,
			"mail: no smtp_url, or mail_from / mail_reply_to is not one address: not sending");
		while (!prefork_stopping) {
			retention_schedule(app);
			sleep(1);
		}
		return;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (s.curl = curl_easy_init()) == NULL)
		abort();
	log_msg(LOG_INFO, NULL, "mail: sender ready (%s)", s.url);
	while (!prefork_stopping) {
		int n;
		mail_kinds_schedule(app);
		retention_schedule(app);
		/* Requests first: a letter costs its sender as much as a sign-up costs the portal (rendering, the
		 * SMTP exchange, their statements), so while the workers serve requests (a rush, a burst of
		 * sign-ups) letters wait until they are yield_s old; a load that lasts longer gets them that late. */
		s.hold_s = gate_quiet_ms() < QUIET_MS ? s.yield_s : 0;
		n = send_batch(&s, &a);
		arena_reset(&a);
		if (n < BATCH && !prefork_stopping) {
			/* SIGTERM interrupts the sleep; a failing database is asked less often. */
			struct timespec ts = {n < 0, n < 0 ? 0 : POLL_MS * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	curl_easy_cleanup(s.curl);
	curl_global_cleanup();
	arena_free(&a);
}
