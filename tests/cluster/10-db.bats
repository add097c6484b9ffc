#!/usr/bin/env bats
# The database over the network: the programs reach the primary by TCP with TLS (the server's certificate verified
# against db_tls_ca) and the replica for the reports' reads (db_read_*); the app's accounts refuse a connection
# without TLS; the replica refuses every write of the app's accounts (read_only, enforced by the server).

load helpers

setup_file() { cluster_ready; }

# cgi PROGRAM PATH [name=value ...]: one request to PROGRAM in CGI mode with app server 1's settings changed by the
# arguments (the listeners dropped); sets code from its Status line.
cgi() {
	local prog=$1 path=$2 conf=$BATS_TEST_TMPDIR/app.conf a
	shift 2
	grep -v 'listen' "$CLUSTER/app1/app.conf" >"$conf"
	for a in "$@"; do echo "$a" >>"$conf"; done
	output=$(REQUEST_METHOD=GET REQUEST_URI=$path DOCUMENT_URI=$path SEM_CONFIG=$conf "$ROOT/bin/$prog" 2>"$BATS_TEST_TMPDIR/log")
	code=000
	[[ $output =~ Status:\ ([0-9]{3}) ]] && code=${BASH_REMATCH[1]}
	return 0
}

# client N USER [mariadb args...]: the mariadb client as the app's USER over TCP to server N.
client() {
	local n=$1 user=$2 port
	shift 2
	port=DB${n}_PORT
	mariadb --no-defaults -h 127.0.0.1 -P "${!port}" -u "$user" \
		-p"$(awk -F= -v u="$user" '$1 == u { print $2 }' "$VAR/db-passwords")" "$@"
}

@test "both app servers answer through nginx, connected to the primary over TLS" {
	get - /healthz
	assert_equal "$code" 200
	run grep -c '^db_tls_ca = ' "$CLUSTER/app1/app.conf" "$CLUSTER/app2/app.conf"
	assert_output --partial 'app1/app.conf:1'
	assert_output --partial 'app2/app.conf:1'
	cgi checkin /checkin/healthz
	assert_equal "$code" 200
}

@test "a server whose certificate another CA signed is refused, and so is a connection without TLS" {
	local other=$BATS_TEST_TMPDIR/other
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=another CA" -keyout "$other-key.pem" \
		-out "$other.pem" 2>/dev/null
	cgi checkin /checkin/healthz "db_tls_ca = $other.pem"
	assert_equal "$code" 503
	run grep -ci 'certificate\|tls\|ssl' "$BATS_TEST_TMPDIR/log"
	refute_output 0
	# No TLS at all: the account requires it.
	cgi checkin /checkin/healthz "db_tls_ca ="
	assert_equal "$code" 503
	run client "$PRIMARY" sem_checkin --skip-ssl -N -e 'SELECT 1'
	assert_failure
	assert_output --partial 'Access denied'
	run client "$PRIMARY" sem_checkin --ssl-ca="$TLS_CA" --ssl-verify-server-cert -N -e 'SELECT 1'
	assert_success
	assert_output 1
}

@test "the replica refuses the app's writes: read_only, and no account of the app may override it" {
	run client "$REPLICA" sem_portal --ssl-ca="$TLS_CA" -N -e \
		"INSERT INTO seminars.rate_limit (bucket, window_start, hits) VALUES ('cluster-test', NOW(), 1)"
	assert_failure
	assert_output --partial 'read-only'
	run client "$REPLICA" sem_portal --ssl-ca="$TLS_CA" -N -e 'SELECT @@read_only'
	assert_output 1
	# Neither SUPER nor READ ONLY ADMIN (which would let a write through) for any of the app's accounts.
	run on "$PRIMARY" "SHOW GRANTS FOR 'sem_portal'@'127.0.0.1'"
	refute_output --partial 'SUPER'
	refute_output --partial 'READ ONLY ADMIN'
	refute_output --partial 'ALL PRIVILEGES'
}
