/* The checkin program: door scanner page, scan API with idempotent uploads, undo, ticket list, search. */
#include "checkin.h"

static const struct route routes[] = {
	{M_GET, U_CHECKIN_HEALTHZ, app_healthz, 0},
	{M_GET, U_CHECKIN_CODE, pg_code, R_LOGIN},
	{M_POST, U_CHECKIN_CODE, pg_code_post, R_LOGIN},
	{M_GET, U_CHECKIN_ID, pg_scanner, R_LOGIN},
	{M_GET, U_CHECKIN_ID_PRESENT_SVG, pg_present_svg, R_LOGIN},
	{M_GET, U_CHECKIN_ID_PRESENT, pg_present, R_LOGIN},
	{M_GET, U_CHECKIN_ID_JOURNAL_XLSX, pg_journal_xlsx, R_LOGIN | R_BULK},
	{M_GET, U_CHECKIN_ID_JOURNAL_PDF, pg_journal_pdf, R_LOGIN | R_BULK},
	{M_GET, U_CHECKIN_ID_JOURNAL, pg_journal, R_LOGIN},
	{M_POST, U_CHECKIN_ID_SCAN, pg_scan, R_LOGIN},
	{M_POST, U_CHECKIN_ID_UNDO, pg_undo, R_LOGIN},
	{M_GET, U_CHECKIN_ID_TICKETS, pg_tickets, R_LOGIN},
	{M_GET, U_CHECKIN_ID_SEARCH, pg_search, R_LOGIN},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{"code", "Код билета", FT_TEXT, 1, 300, NULL},
	{"client_scan_id", "Номер отметки", FT_TOKEN, 8, 64, NULL},
	{"device_id", "Устройство", FT_TOKEN, 1, 64, NULL},
	{"device_time", "Время на устройстве", FT_TEXT, 19, 19, NULL},
	{"session_id", "Занятие", FT_ID, 0, 0, NULL},
	{"scan_id", "Отметка", FT_ID, 0, 0, NULL},
	{"method", "Способ", FT_ENUM, 0, 0, "qr|manual"},
	{"q", "Поиск", FT_TEXT, 1, 200, NULL},
	{"c", "Код присутствия", FT_TEXT, 1, 20, NULL},
	{"w", "Окно кода", FT_INT, 0, 2147483647, NULL},
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

/* The background runner applies the coverage upkeep of the check-ins. */
static const struct program checkin = {
	.name = "checkin", .routes = routes, .fields = fields, .background = checkin_upkeep};

int main(int argc, char **argv)
{
	return app_main(&checkin, argc, argv);
}
