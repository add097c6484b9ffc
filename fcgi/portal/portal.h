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

#endif
