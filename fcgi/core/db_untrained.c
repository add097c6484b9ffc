/* Statements of the invitations to the untrained: the audience, the invitations with their letters. */
#include "db_untrained.h"

#include "db_auth.h"

enum { Q_COUNT, Q_NOW, Q_CANDIDATES, Q_LOCK, Q_INVITE, Q_MAIL, Q_ORGS, Q__MAX };

/* The audience of struct untrained_audience. Parameters: seminar, districts twice, week limit. The organisation has
 * one sector, so it meets at most one of the seminar's: a person is one row. */
#define AUDIENCE                                                                                                       \
	" FROM seminar s JOIN seminar_sector x ON x.seminar_id = s.id "                                                \
	"JOIN organization o ON o.sector_id = x.sector_id AND o.status = 'register' AND o.active "                     \
	"JOIN district d ON d.id = o.district_id AND d.region_id = s.region_id "                                       \
	"JOIN person p ON p.organization_id = o.id "                                                                   \
	"WHERE s.id = ? AND s.status = 'published' AND (? IS NULL OR FIND_IN_SET(o.district_id, ?)) "                  \
	"AND p.disabled_at IS NULL AND p.email_confirmed_at IS NOT NULL AND p.mail_organizer "                         \
	"AND NOT EXISTS (SELECT 1 FROM coverage_org c WHERE c.organization_id = o.id AND c.sector_id = o.sector_id "   \
	"AND c.period = 'all' AND c.n > 0) "                                                                           \
	"AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.seminar_id = s.id AND r.person_id = p.id "               \
	"AND r.status <> 'cancelled') "                                                                                \
	"AND NOT EXISTS (SELECT 1 FROM untrained_invite i WHERE i.seminar_id = s.id AND i.person_id = p.id) "          \
	"AND (SELECT COUNT(*) FROM untrained_invite w WHERE w.person_id = p.id "                                       \
	"AND w.invited_at > NOW(6) - INTERVAL 7 DAY) < ?"

static struct dbq q[Q__MAX] = {
	[Q_COUNT] = {"SELECT COUNT(*), COUNT(DISTINCT o.id)" AUDIENCE},
	[Q_NOW] = {"SELECT NOW(6)"},
	/* The weekly cap across seminars: READ COMMITTED reads lock nothing, so the audience's person rows are locked
	 * first (in id order); a second organiser inviting the same people waits, and its INSERT, a new statement,
	 * then reads the first one's invitations. */
	[Q_CANDIDATES] = {"SELECT JSON_ARRAYAGG(p.id ORDER BY p.id)" AUDIENCE},
	[Q_LOCK] = {"SELECT p.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
		    "JOIN person p ON p.id = j.id ORDER BY p.id FOR UPDATE"},
	[Q_INVITE] = {"INSERT INTO untrained_invite (seminar_id, person_id, organization_id, region_id, district_id, "
		      "sector_id, invited_by, invited_at) "
		      "SELECT s.id, p.id, o.id, s.region_id, o.district_id, o.sector_id, ?, ?" AUDIENCE},
	/* The letters of the invitations just made (the transaction's time marks them), rendered by the sender. */
	[Q_MAIL] = {"INSERT INTO mail_message (kind, event_key, person_id, recipient, recipient_name, subject, "
		    "body_text, body_html, message_id, seminar_id, render) "
		    "SELECT 'untrained_invite', CONCAT('untrained_invite:', i.seminar_id, ':', i.person_id), p.id, "
		    "p.email, p.full_name, '', '', '', CONCAT('render.', REPLACE(UUID(), '-', '')), i.seminar_id, TRUE "
		    "FROM untrained_invite i JOIN person p ON p.id = i.person_id "
		    "WHERE i.seminar_id = ? AND i.invited_at = ? "
		    "ON DUPLICATE KEY UPDATE mail_message.id = mail_message.id"},
	[Q_ORGS] = {"SELECT COUNT(DISTINCT organization_id) FROM untrained_invite WHERE seminar_id = ? "
		    "AND invited_at = ?"},
};

#define AUDIENCE_NPARAMS 4

/* Fills the AUDIENCE_NPARAMS parameters of AUDIENCE at v. */
static void audience_params(struct dbv *v, const struct untrained_audience *a)
{
	v[0] = DB_DV_INT(a->seminar_id);
	v[1] = v[2] = db_dv_str_or_null(a->districts);
	v[3] = DB_DV_INT(a->week_limit);
}

int db_untrained_count(struct db *d, struct arena *ar, const struct untrained_audience *a, long long *people,
		       long long *orgs)
{
	struct dbv v[AUDIENCE_NPARAMS];
	struct dbres r;

	audience_params(v, a);
	if (db_run(d, &q[Q_COUNT], v, NELEM(v), &r, ar) == -1)
		return -1;
	*people = dbres_int(&r, 0, 0);
	*orgs = dbres_int(&r, 0, 1);
	return 0;
}

struct invite_ctx {
	const struct untrained_audience *a;
	long long by;
	const char *ip, *detail;
	long long people, orgs;
	enum untrained_outcome outcome;
};

static enum tx_end invite_tx(struct db *d, struct arena *scratch, void *arg)
{
	struct invite_ctx *c = arg;
	struct dbv v[2 + AUDIENCE_NPARAMS] = {DB_DV_NULL, DB_DV_NULL}, batch[2];
	struct dbres r;
	const char *ids, *at;

	audience_params(v + 2, c->a);
	c->outcome = UNTRAINED_NOBODY;
	if (db_run(d, &q[Q_CANDIDATES], v + 2, AUDIENCE_NPARAMS, &r, scratch) == -1)
		return TX_FAIL;
	if ((ids = dbres_str(&r, 0, 0)) == NULL)
		return TX_ROLLBACK;
	if (db_run(d, &q[Q_LOCK], (struct dbv[]){DB_DV_STR(ids)}, 1, NULL, NULL) == -1 ||
	    db_run(d, &q[Q_NOW], NULL, 0, &r, scratch) == -1)
		return TX_FAIL;
	at = dbres_str(&r, 0, 0);
	v[0] = DB_DV_INT(c->by);
	v[1] = DB_DV_STR(at);
	if (db_run(d, &q[Q_INVITE], v, NELEM(v), &r, scratch) == -1)
		return TX_FAIL;
	if ((c->people = (long long)r.affected) == 0)
		return TX_ROLLBACK;
	batch[0] = DB_DV_INT(c->a->seminar_id);
	batch[1] = DB_DV_STR(at);
	if (db_run(d, &q[Q_MAIL], batch, NELEM(batch), NULL, NULL) == -1 ||
	    db_run(d, &q[Q_ORGS], batch, NELEM(batch), &r, scratch) == -1)
		return TX_FAIL;
	c->orgs = dbres_int(&r, 0, 0);
	if (db_audit(d, c->by, "mail.untrained_invite", "seminar", c->a->seminar_id, c->ip,
		     arena_printf(scratch, "people=%lld orgs=%lld %s", c->people, c->orgs, c->detail)) == -1)
		return TX_FAIL;
	c->outcome = UNTRAINED_SENT;
	return TX_COMMIT;
}

int db_untrained_invite(struct db *d, const struct untrained_audience *a, long long person_id, const char *ip,
			const char *detail, long long *people, long long *orgs)
{
	struct invite_ctx c = {a, person_id, ip, detail, 0, 0, UNTRAINED__MAX};

	if (db_tx(d, invite_tx, &c) == -1)
		return -1;
	*people = c.people;
	*orgs = c.orgs;
	return (int)c.outcome;
}
