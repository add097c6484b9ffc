/* The URL contract: every path of every program by name, for the route tables and for the links handlers build. */
#ifndef URLS_H
#define URLS_H

#include <stddef.h>

#include <jansson.h>

struct arena;

/* Patterns: "{name}" captures one segment; a name ending in "id" takes only digits (see struct route). */

/* The portal: catalogue, seminar pages, accounts, cabinet, tickets, organiser and administrator screens. */
#define U_HOME                                           "/"
#define U_ADMIN_GRANTS_ID_REVOKE                         "/admin/grants/{id}/revoke"
#define U_ADMIN_IMPORT                                   "/admin/import"
#define U_ADMIN_IMPORT_ID                                "/admin/import/{id}"
#define U_ADMIN_IMPORT_ID_APPLY                          "/admin/import/{id}/apply"
#define U_ADMIN_ORGANIZATIONS_PROPOSED                   "/admin/organizations/proposed"
#define U_ADMIN_ORGANIZATIONS_PROPOSED_ID                "/admin/organizations/proposed/{id}"
#define U_ADMIN_ORGANIZATIONS_PROPOSED_ID_ACCEPT         "/admin/organizations/proposed/{id}/accept"
#define U_ADMIN_ORGANIZATIONS_PROPOSED_ID_MERGE          "/admin/organizations/proposed/{id}/merge"
#define U_ADMIN_USERS                                    "/admin/users"
#define U_ADMIN_USERS_ID                                 "/admin/users/{id}"
#define U_ADMIN_USERS_ID_GRANTS                          "/admin/users/{id}/grants"
#define U_HEALTHZ                                        "/healthz"
#define U_LOGIN                                          "/login"
#define U_LOGOUT                                         "/logout"
#define U_MANAGE_SEMINARS                                "/manage/seminars"
#define U_MANAGE_SEMINARS_NEW                            "/manage/seminars/new"
#define U_MANAGE_SEMINARS_ID                             "/manage/seminars/{id}"
#define U_MANAGE_SEMINARS_ID_MATERIALS                   "/manage/seminars/{id}/materials"
#define U_MANAGE_SEMINARS_ID_MATERIALS_MID_DELETE        "/manage/seminars/{id}/materials/{mid}/delete"
#define U_MANAGE_SEMINARS_ID_PARTICIPANTS                "/manage/seminars/{id}/participants"
#define U_MANAGE_SEMINARS_ID_PARTICIPANTS_CSV            "/manage/seminars/{id}/participants.csv"
#define U_MANAGE_SEMINARS_ID_PARTICIPANTS_XLSX           "/manage/seminars/{id}/participants.xlsx"
#define U_MANAGE_SEMINARS_ID_SESSIONS                    "/manage/seminars/{id}/sessions"
#define U_MANAGE_SEMINARS_ID_SESSIONS_SID_DELETE         "/manage/seminars/{id}/sessions/{sid}/delete"
#define U_MANAGE_SEMINARS_ID_STATUS                      "/manage/seminars/{id}/status"
#define U_MANAGE_SEMINARS_ID_SURVEY                      "/manage/seminars/{id}/survey"
#define U_MANAGE_SEMINARS_ID_SURVEY_COPY                 "/manage/seminars/{id}/survey/copy"
#define U_MANAGE_SEMINARS_ID_SURVEY_QUESTIONS            "/manage/seminars/{id}/survey/questions"
#define U_MANAGE_SEMINARS_ID_SURVEY_QUESTIONS_QID_DELETE "/manage/seminars/{id}/survey/questions/{qid}/delete"
#define U_MANAGE_SEMINARS_ID_SURVEY_RESULTS              "/manage/seminars/{id}/survey/results"
#define U_MANAGE_SEMINARS_ID_SURVEY_RESULTS_XLSX         "/manage/seminars/{id}/survey/results.xlsx"
#define U_MANAGE_SEMINARS_ID_SURVEY_STATE                "/manage/seminars/{id}/survey/state"
#define U_MATERIALS_ID                                   "/materials/{id}"
#define U_ME                                             "/me"
#define U_REGISTRATIONS_ID_CANCEL                        "/registrations/{id}/cancel"
#define U_REGISTRATIONS_ID_MODE                          "/registrations/{id}/mode"
#define U_SEMINARS_ID                                    "/seminars/{id}"
#define U_SEMINARS_ID_ICS                                "/seminars/{id}.ics"
#define U_SEMINARS_ID_REGISTER                           "/seminars/{id}/register"
#define U_SEMINARS_ID_SURVEY                             "/seminars/{id}/survey"
#define U_SIGNUP                                         "/signup"
#define U_T_CODE                                         "/t/{code}"
#define U_TICKETS_ID                                     "/tickets/{id}"
#define U_TICKETS_ID_PDF                                 "/tickets/{id}.pdf"
#define U_TICKETS_ID_PNG                                 "/tickets/{id}.png"
#define U_TICKETS_ID_SVG                                 "/tickets/{id}.svg"
#define U_HEAD                                           "/head"
#define U_HEAD_SEMINARS_ID                               "/head/seminars/{id}"
#define U_HEAD_SEMINARS_ID_REGISTER                      "/head/seminars/{id}/register"
#define U_MANAGE_HEADS                                   "/manage/heads"
#define U_MANAGE_HEADS_ID_CONFIRM                        "/manage/heads/{id}/confirm"
#define U_MANAGE_HEADS_ID_REVOKE                         "/manage/heads/{id}/revoke"
#define U_MANAGE_BRIEFINGS                               "/manage/briefings"
#define U_MANAGE_BRIEFINGS_NEW                           "/manage/briefings/new"
#define U_MANAGE_BRIEFINGS_ID                            "/manage/briefings/{id}"
#define U_MANAGE_BRIEFINGS_ID_JOURNAL_XLSX               "/manage/briefings/{id}/journal.xlsx"
#define U_MANAGE_BRIEFINGS_ID_JOURNAL_PDF                "/manage/briefings/{id}/journal.pdf"
#define U_MANAGE_BRIEFINGS_ID_JOURNAL                    "/manage/briefings/{id}/journal"
#define U_BRIEFINGS_ID                                   "/briefings/{id}"
#define U_BRIEFINGS_ID_ACK                               "/briefings/{id}/ack"
#define U_BRIEFINGS_ID_FILES_FID                         "/briefings/{id}/files/{fid}"
#define U_VIEW_LOWVISION                                 "/view/lowvision"
#define U_VIEW_NORMAL                                    "/view/normal"
#define U_ME_PASSWORD                                    "/me/password"
#define U_ME_CONFIRM                                     "/me/confirm"
#define U_PASSWORD_FORGOT                                "/password/forgot"
#define U_PASSWORD_RESET_TOKEN                           "/password/reset/{token}"
#define U_INVITE_TOKEN                                   "/invite/{token}"
#define U_CONFIRM_TOKEN                                  "/confirm/{token}"
#define U_ADMIN_MAIL                                     "/admin/mail"
#define U_ADMIN_MAIL_ID_RESEND                           "/admin/mail/{id}/resend"
#define U_ME_MAIL                                        "/me/mail"
#define U_UNSUBSCRIBE_ID_LIST_MAC                        "/unsubscribe/{id}/{list}/{mac}"
#define U_MANAGE_SEMINARS_ID_MESSAGE                     "/manage/seminars/{id}/message"
#define U_ADMIN_ACCESS_JOURNAL                           "/admin/access-journal"
#define U_ADMIN_RETENTION                                "/admin/retention"
#define U_ME_PROFILE                                     "/me/profile"
#define U_CONSENT                                        "/consent"
#define U_ME_DATA                                        "/me/data"
#define U_ME_DATA_JSON                                   "/me/data.json"
#define U_ME_DATA_XLSX                                   "/me/data.xlsx"
#define U_ME_ERASE                                       "/me/erase"
#define U_ME_SESSIONS                                    "/me/sessions"
#define U_ME_SESSIONS_END                                "/me/sessions/end"
#define U_ME_SESSIONS_END_OTHERS                         "/me/sessions/end-others"
#define U_ME_CONSENT_WITHDRAW                            "/me/consent/withdraw"
#define U_ADMIN_USERS_ID_ERASE                           "/admin/users/{id}/erase"
#define U_CONSENT_ACCEPT                                 "/consent/accept"
#define U_ADMIN_ACCESS_JOURNAL_XLSX                      "/admin/access-journal.xlsx"
#define U_MANAGE_SEMINARS_ID_INVITE                      "/manage/seminars/{id}/invite"
#define U_MANAGE_SEMINARS_ID_NOTICES                     "/manage/seminars/{id}/notices"

/* The door and online attendance. */
#define U_CHECKIN_CODE            "/checkin/code"
#define U_CHECKIN_HEALTHZ         "/checkin/healthz"
#define U_CHECKIN_ID              "/checkin/{id}"
#define U_CHECKIN_ID_JOURNAL      "/checkin/{id}/journal"
#define U_CHECKIN_ID_JOURNAL_PDF  "/checkin/{id}/journal.pdf"
#define U_CHECKIN_ID_JOURNAL_XLSX "/checkin/{id}/journal.xlsx"
#define U_CHECKIN_ID_PRESENT      "/checkin/{id}/present"
#define U_CHECKIN_ID_PRESENT_SVG  "/checkin/{id}/present.svg"
#define U_CHECKIN_ID_SCAN         "/checkin/{id}/scan"
#define U_CHECKIN_ID_SEARCH       "/checkin/{id}/search"
#define U_CHECKIN_ID_TICKETS      "/checkin/{id}/tickets"
#define U_CHECKIN_ID_UNDO         "/checkin/{id}/undo"

/* Certificates: templates, issuing, files and the public check. */
#define U_CERTIFICATES_HEALTHZ                      "/certificates/healthz"
#define U_CERTIFICATES_JOBS_ID                      "/certificates/jobs/{id}"
#define U_CERTIFICATES_SEMINARS_ID                  "/certificates/seminars/{id}"
#define U_CERTIFICATES_SEMINARS_ID_BOOK             "/certificates/seminars/{id}/book"
#define U_CERTIFICATES_SEMINARS_ID_CERTIFICATES_PDF "/certificates/seminars/{id}/certificates.pdf"
#define U_CERTIFICATES_SEMINARS_ID_CERTIFICATES_ZIP "/certificates/seminars/{id}/certificates.zip"
#define U_CERTIFICATES_SEMINARS_ID_ISSUE            "/certificates/seminars/{id}/issue"
#define U_CERTIFICATES_SEMINARS_ID_SETTINGS         "/certificates/seminars/{id}/settings"
#define U_CERTIFICATES_TEMPLATES                    "/certificates/templates"
#define U_CERTIFICATES_TEMPLATES_ID_SVG             "/certificates/templates/{id}.svg"
#define U_CERTIFICATES_TEMPLATES_ID_ARCHIVE         "/certificates/templates/{id}/archive"
#define U_CERTIFICATES_TEMPLATES_ID_PREVIEW_PDF     "/certificates/templates/{id}/preview.pdf"
#define U_CERTIFICATES_VERIFY                       "/certificates/verify"
#define U_CERTIFICATES_VERIFY_CODE                  "/certificates/verify/{code}"
#define U_CERTIFICATES_NUMBER_PDF                   "/certificates/{number}.pdf"
#define U_CERTIFICATES_NUMBER_REISSUE               "/certificates/{number}/reissue"
#define U_CERTIFICATES_NUMBER_REVOKE                "/certificates/{number}/revoke"

/* Reports for ministries. */
#define U_REPORTS_COVERAGE                   "/reports/coverage"
#define U_REPORTS_COVERAGE_CSV               "/reports/coverage.csv"
#define U_REPORTS_COVERAGE_XLSX              "/reports/coverage.xlsx"
#define U_REPORTS_COVERAGE_DISTRICTS_ID      "/reports/coverage/districts/{id}"
#define U_REPORTS_COVERAGE_DISTRICTS_ID_CSV  "/reports/coverage/districts/{id}.csv"
#define U_REPORTS_COVERAGE_DISTRICTS_ID_XLSX "/reports/coverage/districts/{id}.xlsx"
#define U_REPORTS_HEALTHZ                    "/reports/healthz"

/* The path of pattern with its captures replaced, in order, by the ids given (each a long long):
 * url(&r->arena, U_MANAGE_SEMINARS_ID_PARTICIPANTS, s.id). A count that does not match the pattern's
 * captures aborts (a programmer error, like a statement's parameters). In the arena. */
#define url(a, pattern, ...)                                                                                           \
	url_ids((a), (pattern), (const long long[]){__VA_ARGS__},                                                      \
		sizeof((const long long[]){__VA_ARGS__}) / sizeof(long long))
const char *url_ids(struct arena *, const char *pattern, const long long *ids, size_t n);
/* The path of a pattern with one text capture (a certificate's number, a verification code: letters,
 * digits, '-' and '_'), code percent-encoded by url_encode. Aborts on a pattern without exactly one. */
const char *url_code(struct arena *, const char *pattern, const char *code);
/* The path of a one-id pattern with the "id" of row (an object of a list), as a new JSON string. */
json_t *url_row(struct arena *, const char *pattern, const json_t *row);

#endif
