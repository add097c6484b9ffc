/* The answer's body: the page's template or JSON, with the signed-in user and the version switch; error pages. */
#ifndef APP_RENDER_H
#define APP_RENDER_H

struct req;

/* Renders r->page with r->ctx (the user and the version switch added) into r->body, or its JSON for a script
 * (want_json), or the error page of r->status >= 400 when the handler set no page. */
void app_render(struct req *);
/* The version for the visually impaired (larger text, high contrast, images only where essential) is
 * chosen by the cookie VIEW_COOKIE, kept a year; the layout links to the switch on every page. */
#define VIEW_COOKIE  "view"
#define VIEW_MAX_AGE (365L * 24 * 3600)
/* 1 when this visitor chose the version for the visually impaired. */
int app_lowvision(const struct req *);
/* GET /view/lowvision and /view/normal (?next= a local path): sets or clears the cookie and sends the
 * visitor back to next (or /). Works without scripts: a plain link. */
int app_view(struct req *);

#endif
