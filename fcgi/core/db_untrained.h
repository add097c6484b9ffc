/* Invitations to the untrained: the people of a seminar's region whose organisations were never trained in its
 * sectors, invited by its organiser once per seminar and a few times a week at most, their letters queued with
 * the invitations. */
#ifndef DB_UNTRAINED_H
#define DB_UNTRAINED_H

#include "arena.h"
#include "db.h"

/* Who would be invited to a published seminar now: the people of the active register organisations of its region
 * (of districts, a comma-separated list of district ids, or all when NULL) and of one of its sectors that have no
 * coverage in their sector in any period (coverage_org 'all': nobody of them attended such a seminar), whose
 * addresses are confirmed, who take organisers' messages, who are not signed up for it (a cancelled sign-up
 * aside), not invited to it yet, and invited fewer than week_limit times in the last seven days. */
struct untrained_audience {
	long long seminar_id;
	const char *districts;
	long long week_limit;
};

/* Counts them: *people and *orgs (their organisations). Returns 0, or -1 on failure. */
int db_untrained_count(struct db *, struct arena *, const struct untrained_audience *, long long *people,
		       long long *orgs);

enum untrained_outcome {
	UNTRAINED_SENT,   /* invited, their letters queued, audited */
	UNTRAINED_NOBODY, /* nobody to invite (or the seminar is no longer published): nothing written */
	UNTRAINED__MAX
};
/* In one transaction: locks their person rows (so the weekly cap holds against another organiser inviting them at
 * the same time), invites them (untrained_invite rows, by person_id), queues one letter each (kind
 * untrained_invite, rendered by the sender), and writes the audit row of person_id from ip with detail. Sets
 * *people and *orgs to what was invited. Returns the outcome, or -1 on failure. */
int db_untrained_invite(struct db *, const struct untrained_audience *, long long person_id, const char *ip,
			const char *detail, long long *people, long long *orgs);

#endif
