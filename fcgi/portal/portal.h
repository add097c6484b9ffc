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
/* password.c: accounts by mail (forgotten password, links, confirmation, password change) */
int pg_password_forgot(struct req *);
int pg_password_forgot_post(struct req *);
int pg_password_reset(struct req *);
int pg_password_reset_post(struct req *);
int pg_invite(struct req *);
int pg_invite_post(struct req *);
int pg_confirm(struct req *);
int pg_confirm_resend(struct req *);
int pg_password_change(struct req *);
int pg_password_change_post(struct req *);
/* A message page (notice.xhtml) with an optional button to url labelled label. Returns status. */
int notice_page(struct req *, int status, const char *title, const char *message, const char *url, const char *label);
/* mailadmin.c: the outbox for administrators */
int pg_admin_mail(struct req *);
int pg_admin_mail_resend(struct req *);
int pg_admin_retention(struct req *);
int pg_admin_retention_post(struct req *);
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
/* The one way staff make an account for someone else (an organiser's sign-up by phone, the head of an
 * organisation registering its people): p (e-mail, names, organisation, consent_version set) becomes a
 * person without a password, invited by mail (account_invite_new, naming the seminar they are signed up for,
 * or NULL) in the same transaction, audited with `by` as the detail; *id is the new person's. */
enum invite {
	INVITE_CREATED,
	INVITE_NO_ORG, /* the organisation is not in the register */
	INVITE_TAKEN,  /* the e-mail belongs to an account */
	INVITE_FAILED, /* database failure */
	INVITE__MAX
};
enum invite person_invite(struct req *, struct person_new *p, const char *seminar, const char *by, long long *id);
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
/* An uploaded file as materials and briefings keep it: its type found in its content, stored by its SHA-256. */
struct upload {
	char sha256[65];
	const char *mime, *file_name; /* file_name: the upload's own, ending in the type's extension */
	long long size;
};
/* Checks upload f (size cap material_max, type by content) and fills u but its sha256. Returns 0, or 413 or 415
 * with a Russian reason in *why. */
int upload_check(struct req *, const struct kv *f, struct upload *u, const char **why);
/* Stores a checked upload under files_dir and sets u->sha256. Returns 0 or -1 (logged). */
int upload_save(struct req *, const struct kv *f, struct upload *u);
/* Answers with a stored file (nginx sends it from its internal location) as an attachment. Returns 200. */
int upload_send(struct req *, const char *sha256, const char *mime, const char *file_name);
/* briefing.c: the briefing journal */
int pg_briefings_manage(struct req *);
int pg_briefing_new(struct req *);
int pg_briefing_create(struct req *);
int pg_briefing_manage(struct req *);
int pg_briefing_journal(struct req *);
int pg_briefing_journal_xlsx(struct req *);
int pg_briefing_journal_pdf(struct req *);
int pg_briefing(struct req *);
int pg_briefing_ack(struct req *);
int pg_briefing_file(struct req *);
/* Sets "briefings_waiting" and "briefings_acked" of ctx: the briefings addressed to the user, {id, title, url,
 * date, ack}, those waiting with their ack_url. Returns 0, or -1 on database failure. */
int briefings_set(struct req *, json_t *ctx);

/* head.c: heads of organisations (their pages) and the role's screens for organisers and administrators */
int pg_head(struct req *);
int pg_head_seminar(struct req *);
int pg_head_register(struct req *);
int pg_heads(struct req *);
int pg_heads_grant(struct req *);
int pg_heads_confirm(struct req *);
int pg_heads_revoke(struct req *);
/* Adds to a request or role {id, status} what may be done with it: requested, confirm_url, revoke_url. Returns h. */
json_t *head_actions(struct req *, json_t *h);

/* message.c: an organiser's message to a seminar's participants */
int pg_manage_message(struct req *);
int pg_manage_message_post(struct req *);

/* invite.c: invitations to the untrained; notices.c: the notices a seminar sent */
int pg_manage_invite(struct req *);
int pg_manage_invite_post(struct req *);
int pg_manage_notices(struct req *);

/* mailprefs.c: the cabinet's mail settings and the one-click unsubscribe link */
int pg_me_mail(struct req *);
int pg_unsubscribe(struct req *);
int pg_unsubscribe_post(struct req *);

/* view.c: names and view models shared by the pages */
const char *seminar_status_name(const char *status);
const char *reg_status_name(const char *status);
json_t *formats_json(void);
json_t *modes_json(void);
/* What a person on a waiting list is told about its order, or NULL when there is nothing to say. */
const char *queue_note(const struct queue_place *);
/* The attendance rules {value, name} for the seminar form. */
json_t *rules_json(void);
/* One {mode, mode_name, capacity, left, full, text, default} per mode the format offers; cap -1: unlimited. */
json_t *seats_json(struct arena *, const char *format, const long long cap[MODE__MAX],
		   const long long taken[MODE__MAX]);
/* The seminars (all, or only seminar_id when not 0) where the user takes part online and a session
 * runs now, so the code entry (/checkin/code) is open: {seminar_id, title, seminar_url}; NULL on
 * failure. */
json_t *live_online(struct req *, long long seminar_id);

#endif
