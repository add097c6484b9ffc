/* Signed-in users cached per worker for a few seconds, and the host-wide epoch that ends every cached copy. */
#include "authcache.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Direct-mapped by the hash (uniformly random): a slot holds one session, a newer one replaces it. A slot
 * is about 300 bytes with its strings, so the table stays within a few megabytes. */
#define SLOTS 16384

struct slot {
	unsigned char hash[32];
	unsigned long long epoch;
	double at;     /* monotonic seconds when read */
	struct user u; /* strings and grants in mem */
	char *mem;
};

static unsigned long long *shared_epoch; /* NULL: no cache */
static double ttl;
static struct slot *slots;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int authcache_init(const char *epoch_path, double ttl_s)
{
	void *m;
	int fd = -1;

	if (ttl_s <= 0)
		return 0;
	if (epoch_path != NULL) {
		if ((fd = open(epoch_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
		    ftruncate(fd, sizeof(*shared_epoch)) != 0) {
			log_msg(LOG_ERROR, NULL, "auth_epoch %s: %m", epoch_path);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		m = mmap(NULL, sizeof(*shared_epoch), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
	} else
		m = mmap(NULL, sizeof(*shared_epoch), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		log_msg(LOG_ERROR, NULL, "auth_epoch: mmap: %m");
		return -1;
	}
	slots = calloc(SLOTS, sizeof(*slots));
	if (slots == NULL)
		abort();
	shared_epoch = m;
	ttl = ttl_s;
	return 0;
}

unsigned long long authcache_epoch(void)
{
	return shared_epoch != NULL ? __atomic_load_n(shared_epoch, __ATOMIC_ACQUIRE) : 0;
}

void authcache_bump(void)
{
	if (shared_epoch != NULL)
		__atomic_fetch_add(shared_epoch, 1, __ATOMIC_RELEASE);
}

static struct slot *slot_of(const unsigned char hash[32])
{
	unsigned v;

	memcpy(&v, hash, sizeof(v));
	return &slots[v % SLOTS];
}

int authcache_get(const unsigned char hash[32], unsigned long long epoch, struct arena *a, struct user *u)
{
	struct slot *s;

	if (shared_epoch == NULL)
		return 0;
	s = slot_of(hash);
	if (s->mem == NULL || s->epoch != epoch || memcmp(s->hash, hash, 32) != 0 || now_s() - s->at >= ttl ||
	    (long long)time(NULL) >= s->u.expires_at)
		return 0;
	*u = s->u;
	u->email = arena_strdup(a, s->u.email);
	u->name = arena_strdup(a, s->u.name);
	u->grants = arena_alloc(a, (s->u.ngrants + 1) * sizeof(*u->grants));
	memcpy(u->grants, s->u.grants, s->u.ngrants * sizeof(*u->grants));
	return 1;
}

void authcache_put(const unsigned char hash[32], unsigned long long epoch, const struct user *u)
{
	size_t ne, nn, ng = u->ngrants * sizeof(*u->grants);
	struct slot *s;
	char *p;

	if (shared_epoch == NULL || u->email == NULL || u->name == NULL)
		return;
	s = slot_of(hash);
	ne = strlen(u->email) + 1;
	nn = strlen(u->name) + 1;
	/* The grants first: the block from malloc is aligned for them. */
	if ((p = realloc(s->mem, ng + ne + nn)) == NULL)
		abort();
	s->mem = p;
	memcpy(s->hash, hash, 32);
	s->epoch = epoch;
	s->at = now_s();
	s->u = *u;
	s->u.grants = (struct grant *)(void *)p;
	memcpy(p, u->grants, ng);
	s->u.email = memcpy(p + ng, u->email, ne);
	s->u.name = memcpy(p + ng + ne, u->name, nn);
}

int authcache_watched(const char *sql)
{
	static const char *const tables[] = {"web_session",        "person",           "role_grant",
					     "consent_acceptance", "consent_document", "org_head"};
	static const char *const verbs[] = {"UPDATE ", "DELETE FROM ", "INSERT INTO ", "INSERT IGNORE INTO ",
					    "REPLACE INTO "};
	const char *t = NULL;
	size_t i, n;
	int insert = 0;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]) && t == NULL; i++)
		if (strncmp(sql, verbs[i], strlen(verbs[i])) == 0) {
			t = sql + strlen(verbs[i]);
			insert = i >= 2;
		}
	if (t == NULL)
		return 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		n = strlen(tables[i]);
		if (strncmp(t, tables[i], n) == 0 && (t[n] == ' ' || t[n] == '(' || t[n] == '\0'))
			/* A new person or session: no copy can hold it. */
			return !(insert && i < 2);
	}
	return 0;
}
