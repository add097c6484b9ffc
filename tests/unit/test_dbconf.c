/* Unit tests of fcgi/core/dbconf.c: the primary's and the read replica's connection settings (socket or TCP, TLS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbconf.h"
#include "log.h"

#include <cmocka.h>

static const char *const vars[] = {
	"SEM_DB_HOST",        "SEM_DB_PORT",        "SEM_DB_SOCKET",    "SEM_DB_TLS_CA",       "SEM_DB_USER",
	"SEM_DB_PASSWORD",    "SEM_DB_NAME",        "SEM_DB_READ_HOST", "SEM_DB_READ_PORT",    "SEM_DB_READ_USER",
	"SEM_DB_READ_SOCKET", "SEM_DB_READ_TLS_CA", "SEM_DB_READ_NAME", "SEM_DB_READ_PASSWORD"};

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	return 0;
}

static struct config cfg;

static struct config *conf(void)
{
	assert_int_equal(config_load(&cfg, NULL, "reports"), 1);
	return &cfg;
}

/* Nothing set: the local socket, no TLS, and no replica (reads go to the primary). */
static void test_defaults(void **state)
{
	struct db_target t;

	(void)state;
	assert_int_equal(dbconf_target(conf(), DBCONF_PRIMARY, &t), 1);
	assert_null(t.host);
	assert_string_equal(t.socket, "var/run/mysqld.sock");
	assert_int_equal(t.port, 0);
	assert_null(t.tls_ca);
	assert_string_equal(t.name, "seminars");
	assert_int_equal(dbconf_target(conf(), DBCONF_READ, &t), 0);
}

/* A host means TCP with its port and TLS; the replica takes the primary's account and CA unless it has its own. */
static void test_tcp_and_replica(void **state)
{
	struct db_target t;

	(void)state;
	setenv("SEM_DB_HOST", "db1.example.ru", 1);
	setenv("SEM_DB_PORT", "3307", 1);
	setenv("SEM_DB_TLS_CA", "/etc/seminars/ca.pem", 1);
	setenv("SEM_DB_USER", "sem_reports", 1);
	setenv("SEM_DB_PASSWORD", "secret", 1);
	setenv("SEM_DB_READ_HOST", "db2.example.ru", 1);
	assert_int_equal(dbconf_target(conf(), DBCONF_PRIMARY, &t), 1);
	assert_string_equal(t.host, "db1.example.ru");
	assert_int_equal(t.port, 3307);
	assert_string_equal(t.tls_ca, "/etc/seminars/ca.pem");
	assert_int_equal(dbconf_target(conf(), DBCONF_READ, &t), 1);
	assert_string_equal(t.host, "db2.example.ru");
	assert_int_equal(t.port, 0);
	assert_string_equal(t.tls_ca, "/etc/seminars/ca.pem");
	assert_string_equal(t.user, "sem_reports");
	assert_string_equal(t.password, "secret");
	setenv("SEM_DB_READ_PORT", "3308", 1);
	setenv("SEM_DB_READ_USER", "sem_reader", 1);
	setenv("SEM_DB_READ_TLS_CA", "/etc/seminars/ca2.pem", 1);
	assert_int_equal(dbconf_target(conf(), DBCONF_READ, &t), 1);
	assert_int_equal(t.port, 3308);
	assert_string_equal(t.user, "sem_reader");
	assert_string_equal(t.tls_ca, "/etc/seminars/ca2.pem");
}

/* TLS is for TCP only: a replica on a local socket is reached without it; an empty value clears a setting. */
static void test_socket_replica(void **state)
{
	struct db_target t;

	(void)state;
	setenv("SEM_DB_TLS_CA", "/etc/seminars/ca.pem", 1);
	setenv("SEM_DB_READ_SOCKET", "/run/mysqld/replica.sock", 1);
	assert_int_equal(dbconf_target(conf(), DBCONF_READ, &t), 1);
	assert_null(t.host);
	assert_string_equal(t.socket, "/run/mysqld/replica.sock");
	assert_null(t.tls_ca);
	setenv("SEM_DB_READ_SOCKET", "", 1);
	assert_int_equal(dbconf_target(conf(), DBCONF_READ, &t), 0);
}

static void test_bad_port(void **state)
{
	struct db_target t;
	const char *bad[] = {"0", "65536", "33o6", "-1", " 3306"};

	(void)state;
	setenv("SEM_DB_HOST", "127.0.0.1", 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SEM_DB_PORT", bad[i], 1);
		assert_int_equal(dbconf_target(conf(), DBCONF_PRIMARY, &t), -1);
	}
	setenv("SEM_DB_PORT", "65535", 1);
	assert_int_equal(dbconf_target(conf(), DBCONF_PRIMARY, &t), 1);
	assert_int_equal(t.port, 65535);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_tcp_and_replica, teardown),
		cmocka_unit_test_teardown(test_socket_replica, teardown),
		cmocka_unit_test_teardown(test_bad_port, teardown),
	};

	/* The bad ports' errors would clutter the TAP stream's stderr. */
	log_init("unit", LOG__MAX);
	teardown(NULL);
	return cmocka_run_group_tests_name("dbconf", tests, NULL, NULL);
}
