/* The portal program: catalogue, seminar pages, accounts, cabinet, organiser and admin screens. */
#include "portal.h"

static const struct route routes[] = {
	{M_GET, "/", pg_home, 0},
	{M_GET, "/healthz", app_healthz, 0},
	{M_GET, "/login", pg_login, 0},
	{M_POST, "/login", pg_login_post, 0},
	{M_POST, "/logout", pg_logout, 0},
	{M_GET, "/signup", pg_signup, 0},
	{M_POST, "/signup", pg_signup_post, 0},
	{M_GET, "/me", pg_me, R_LOGIN},
	{M_GET, "/admin/users", pg_admin_users, R_ADMIN},
	{M_GET, "/admin/users/{id}", pg_admin_user, R_ADMIN},
	{M_POST, "/admin/users/{id}/grants", pg_admin_grant, R_ADMIN},
	{M_POST, "/admin/grants/{id}/revoke", pg_admin_revoke, R_ADMIN},
	{M_OTHER, NULL, NULL, 0},
};

static const struct field fields[] = {
	FIELD_CSRF,
	{"email", "Электронная почта", FT_EMAIL, 3, 254, NULL},
	{"password", "Пароль", FT_PASSWORD, 1, 128, NULL},
	{"password2", "Пароль ещё раз", FT_PASSWORD, 1, 128, NULL},
	{"full_name", "ФИО", FT_TEXT, 5, 200, NULL},
	{"full_name_dat", "ФИО в дательном падеже", FT_TEXT, 5, 200, NULL},
	{"phone", "Телефон", FT_PHONE, 5, 32, NULL},
	{"position", "Должность", FT_TEXT, 2, 200, NULL},
	{"region_id", "Регион", FT_ID, 0, 0, NULL},
	{"district_id", "Район", FT_ID, 0, 0, NULL},
	{"organization_id", "Организация", FT_ID, 0, 0, NULL},
	{"sector_id", "Направление", FT_ID, 0, 0, NULL},
	{"consent", "Согласие на обработку персональных данных", FT_BOOL, 0, 0, NULL},
	{"next", "Адрес возврата", FT_PATH, 1, 500, NULL},
	{"q", "Поиск", FT_TEXT, 1, 200, NULL},
	{"role", "Роль", FT_ENUM, 0, 0, "organizer|reviewer|admin"},
	{NULL, NULL, FT__MAX, 0, 0, NULL},
};

static const struct program portal = {"portal", routes, fields, 0};

int main(int argc, char **argv)
{
	return app_main(&portal, argc, argv);
}
