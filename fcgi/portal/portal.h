/* Handlers of the portal program: catalogue, accounts, cabinet, administration. */
#ifndef PORTAL_H
#define PORTAL_H

#include "../core/app.h"

int pg_home(struct req *);
int pg_login(struct req *);
int pg_login_post(struct req *);
int pg_logout(struct req *);
int pg_signup(struct req *);
int pg_signup_post(struct req *);
int pg_me(struct req *);
int pg_admin_users(struct req *);
int pg_admin_user(struct req *);
int pg_admin_grant(struct req *);
int pg_admin_revoke(struct req *);
int pg_access_journal(struct req *);
int pg_profile(struct req *);
int pg_consent(struct req *);
int pg_my_data(struct req *);
int pg_my_data_json(struct req *);
int pg_my_data_xlsx(struct req *);
int pg_my_erase(struct req *);
int pg_my_withdraw(struct req *);
int pg_admin_erase(struct req *);
int pg_my_sessions(struct req *);
int pg_my_session_end(struct req *);
int pg_my_sessions_end_others(struct req *);
int pg_consent_accept(struct req *);
int pg_consent_accept_post(struct req *);
int pg_profile_post(struct req *);
int pg_access_journal_xlsx(struct req *);
int pg_seminar(struct req *);
int pg_seminar_ics(struct req *);
int pg_register(struct req *);
int pg_reg_cancel(struct req *);
int pg_reg_mode(struct req *);
int pg_manage_list(struct req *);
int pg_manage_new(struct req *);
int pg_manage_create(struct req *);
int pg_manage_edit(struct req *);
int pg_manage_update(struct req *);
int pg_manage_status(struct req *);
int pg_manage_session_add(struct req *);
int pg_manage_session_delete(struct req *);
int pg_manage_participants(struct req *);
int pg_manage_participants_csv(struct req *);
int pg_manage_participants_xlsx(struct req *);
int pg_manage_participant_add(struct req *);
int pg_ticket(struct req *);
int pg_ticket_svg(struct req *);
int pg_ticket_png(struct req *);
int pg_ticket_pdf(struct req *);
int pg_ticket_link(struct req *);
/* import.c: register imports; organizations.c: organisations proposed at sign-up */
int pg_import(struct req *);
int pg_import_upload(struct req *);
int pg_import_preview(struct req *);
int pg_import_apply(struct req *);
int pg_proposed(struct req *);
int pg_proposed_org(struct req *);
int pg_proposed_accept(struct req *);
int pg_proposed_merge(struct req *);
/* survey.c: the seminar's survey (organisers build it and read the results; participants answer) */
int pg_survey_manage(struct req *);
int pg_survey_settings(struct req *);
int pg_survey_question_add(struct req *);
int pg_survey_question_delete(struct req *);
int pg_survey_copy(struct req *);
int pg_survey_state(struct req *);
int pg_survey_results(struct req *);
int pg_survey_results_xlsx(struct req *);
int pg_survey(struct req *);
int pg_survey_post(struct req *);
/* The survey box of the seminar page: {url, answered} when the user may answer now, else JSON null. */
json_t *survey_link(struct req *, long long seminar_id);
/* The user's surveys open now for the cabinet: {seminar_id, title, answered, url}; NULL on failure. */
json_t *surveys_open(struct req *);
/* material.c: seminar materials */
int pg_materials(struct req *);
int pg_material_add(struct req *);
int pg_material_delete(struct req *);
int pg_material(struct req *);
/* Sets "materials" of ctx: what the user may see of seminar_id, or, for 0, of the seminars they are signed
 * up for. Returns 0, or -1 on database failure. */
int materials_set(struct req *, json_t *ctx, long long seminar_id);

/* view.c: names and view models shared by the pages */
const char *format_name(const char *format);
const char *seminar_status_name(const char *status);
const char *reg_status_name(const char *status);
json_t *formats_json(void);
json_t *modes_json(void);
/* The attendance rules {value, name} for the seminar form. */
json_t *rules_json(void);
/* One {mode, mode_name, capacity, left, full, text, default} per mode the format offers; cap -1: unlimited. */
json_t *seats_json(struct arena *, const char *format, const long long cap[MODE__MAX],
		   const long long taken[MODE__MAX]);
/* The seminars (all, or only seminar_id when not 0) where the user takes part online and a session
 * runs now, so the code entry (/checkin/code) is open: {seminar_id, title, seminar_url}; NULL on
 * failure. */
json_t *live_online(struct req *, long long seminar_id);
/* "12 декабря 2026, 10:00–13:00", or a span of days, or «дата уточняется». */
const char *date_range_ru(struct arena *, const char *starts, const char *ends);

#endif
