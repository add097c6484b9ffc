/* Statements of the single-use links sent by mail (reset, confirmation, invitation) and what using one changes. */
#ifndef DB_TOKEN_H
#define DB_TOKEN_H

#include "arena.h"
#include "db.h"

enum token_purpose { TOKEN_RESET, TOKEN_CONFIRM, TOKEN_INVITE, TOKEN__MAX };
extern const char *const token_purposes[TOKEN__MAX]; /* "reset", ... as in SQL */

/* A person as the mail flows need them. */
struct person_account {
	long long id;
	const char *email, *name;
	int has_password; /* 0: made by an organiser (or a head) and never given a password */
	int confirmed;    /* the address is confirmed */
};
/* Looks a live (not disabled) person up by id (email NULL) or by e-mail. Returns 1, 0 none, -1 failure. */
int db_person_account(struct db *, struct arena *, long long id, const char *email, struct person_account *);

/* Stores a token's hash for the person, sent to email, valid for ttl_s seconds. Returns its id, or -1. */
long long db_token_create(struct db *, enum token_purpose, long long person_id, const unsigned char hash[32],
			  const char *email, long ttl_s);
/* Returns 1 with the person when the token is of this purpose, unused, unexpired, and sent to the person's
 * current address; 0 otherwise; -1 failure. Inside a transaction, lock set: the row is locked (FOR UPDATE)
 * until the transaction ends. */
int db_token_find(struct db *, struct arena *, enum token_purpose, const unsigned char hash[32], int lock,
		  long long *person_id);
/* Inside a transaction: marks every unused token of the person of this purpose used (the one just taken
 * among them). Returns 0 or -1. */
int db_token_spend(struct db *, enum token_purpose, long long person_id);
/* Sets the password hash. Returns 0 or -1. */
int db_person_set_password(struct db *, long long person_id, const char *hash);
/* Confirms the address. Returns 0 or -1. */
int db_person_confirm(struct db *, long long person_id);
/* Ends the person's sessions but the one with hash keep (NULL: all). Returns 0 or -1. */
int db_sessions_end(struct db *, long long person_id, const unsigned char *keep);

#endif
