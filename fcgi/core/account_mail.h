/* The account messages with a single-use link: password reset, address confirmation, invitation; and taking a link. */
#ifndef ACCOUNT_MAIL_H
#define ACCOUNT_MAIL_H

#include "arena.h"
#include "db_auth.h"
#include "db_token.h"

struct app;
struct db;

/* Each runs inside a db_tx body (the change that causes it commits with it): makes a new single-use link
 * for the person (only its hash is stored), and queues its message to the person's address. Returns a
 * mail_queued outcome (MAIL_QUEUED), or -1 (return TX_FAIL). */

/* «Смена пароля»: /password/reset/<token>, valid for an hour. */
int account_mail_reset(struct app *, struct db *, struct arena *, const struct person_account *);
/* «Подтвердите адрес»: /confirm/<token>, valid for confirm_days (3) days. */
int account_mail_confirm(struct app *, struct db *, struct arena *, const struct person_account *);
/* The invitation of a person whose account someone else made (an organiser adding a participant, an
 * organisation's head adding staff): /invite/<token> sets the password and confirms the address, valid for
 * invite_days (7) days. by: who made the account, as the letter names them; seminar: the title of the seminar
 * they were signed up for, or NULL. Every place that makes an account without a password calls this. */
int account_mail_invite(struct app *, struct db *, struct arena *, const struct person_account *, const char *by,
			const char *seminar);

/* Inside a db_tx body: makes the account of someone who has not signed up themselves (an organiser adds a
 * participant, an organisation's head adds staff): no password (it cannot sign in until it sets one),
 * consent as p says, the address unconfirmed; then account_mail_invite. Returns the person's id, 0 when the
 * address is taken (roll back), -1 failure. */
long long account_invite_new(struct app *, struct db *, struct arena *, const struct person_new *, const char *by,
			     const char *seminar);

/* Inside a transaction: takes the link token of purpose (locks it, then spends every unused link of that
 * purpose of its person, so a link works once and the older ones no more). Returns 1 with the person, 0 when
 * the token is malformed, unknown, used, expired or sent to an address the person no longer has, -1 failure. */
int account_link_take(struct db *, struct arena *, enum token_purpose, const char *token, long long *person_id);
/* The same check without taking it (the form behind the link). Returns as account_link_take. */
int account_link_valid(struct db *, struct arena *, enum token_purpose, const char *token, long long *person_id);

#endif
