/* The certs program: certificate templates, issuing, downloads, public verification. */
#include <stdlib.h>

#include "certs.h"

static const struct route routes[] = {
	{M_GET, U_CERTIFICATES_HEALTHZ, app_healthz, 0},
	{M_GET, U_CERTIFICATES_TEMPLATES, pg_templates, R_ORGANIZER},
	{M_POST, U_CERTIFICATES_TEMPLATES, pg_template_upload, R_ORGANIZER | R_UPLOAD},
	{M_GET, U_CERTIFICATES_TEMPLATES_ID_SVG, pg_template_svg, R_ORGANIZER},
	{M_GET, U_CERTIFICATES_TEMPLATES_ID_PREVIEW_PDF, pg_template_preview, R_ORGANIZER},
	{M_POST, U_CERTIFICATES_TEMPLATES_ID_ARCHIVE, pg_template_archive, R_ORGANIZER},
	{M_GET, U_CERTIFICATES_VERIFY, pg_verify_lookup, 0},
	{M_GET, U_CERTIFICATES_VERIFY_CODE, pg_verify, 0},
	{M_GET, U_CERTIFICATES_SEMINARS_ID_CERTIFICATES_ZIP, pg_cert_zip, R_LOGIN | R_BULK | R_SLOW},
	{M_GET, U_CERTIFICATES_SEMINARS_ID_CERTIFICATES_PDF, pg_cert_book, R_LOGIN},
	{M_POST, U_CERTIFICATES_SEMINARS_ID_BOOK, pg_cert_book_queue, R_LOGIN},
	{M_GET, U_CERTIFICATES_SEMINARS_ID, pg_cert_seminar, R_LOGIN},
	{M_POST, U_CERTIFICATES_SEMINARS_ID_SETTINGS, pg_cert_settings, R_LOGIN},
	{M_POST, U_CERTIFICATES_SEMINARS_ID_ISSUE, pg_cert_issue, R_LOGIN},
	{M_GET, U_CERTIFICATES_JOBS_ID, pg_cert_job, R_LOGIN},
	{M_GET, U_CERTIFICATES_NUMBER_PDF, pg_cert_pdf, R_LOGIN},
	{M_POST, U_CERTIFICATES_NUMBER_REVOKE, pg_cert_revoke, R_LOGIN},
	{M_POST, U_CERTIFICATES_NUMBER_REISSUE, pg_cert_reissue, R_LOGIN},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{"template_id", "Шаблон", FT_ID, 0, 0, NULL},
	{"issuer", "Кто выдаёт", FT_TEXT, 3, 300, NULL},
	{"signatory", "Кто подписывает", FT_TEXT, 3, 200, NULL},
	{"reason", "Причина отзыва", FT_TEXT, 3, 500, NULL},
	{"number", "Номер сертификата", FT_TEXT, 1, 80, NULL},
	{"surname", "Фамилия", FT_TEXT, 1, 100, NULL},
	{"name", "Название шаблона", FT_TEXT, 1, 200, NULL},
	/* Twice the cap (nginx lets 4 MB through): a template over CERT_SVG_MAX gets the sanitiser's answer (413). */
	{"file", "Файл шаблона", FT_FILE, 0, 2 * CERT_SVG_MAX, NULL},
	{"region_id", "Регион", FT_INT, 0, 2147483647, NULL},
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program certs = {.name = "certs", .routes = routes, .fields = fields, .background = certs_runner};

int main(int argc, char **argv)
{
	static struct app app;

	if (app_init(&app, &certs, argc, argv) == -1)
		return 1;
	/* A CGI request (tests) serves once and needs no builtin templates stored again, nor PDFs written out. */
	if (getenv("REQUEST_METHOD") == NULL) {
		certs_templates_sync(&app);
		certs_blobs_out(&app);
	}
	return app_serve(&app);
}
