# Shared helpers of the cluster tests: those of the end-to-end tests (../e2e/helpers.bash: VAR is the primary's
# state dir, var/cluster/db1), people with signed-in sessions, bursts of requests, SQL on either server.
#
# Environment (set by tests/cluster/run.sh): BASE_URL, STACK, VAR, ROOT, CLUSTER_SH, DB1_PORT, DB2_PORT, TLS_CA.
# Each file starts with cluster_ready, so it runs alone or after any other, whatever that one left.

load ../e2e/helpers

CLUSTER=${VAR%/db1}

# PRIMARY and REPLICA: which server (1 or 2) is which now; a failover swaps them.
roles() {
	PRIMARY=$(cat "$CLUSTER/primary")
	REPLICA=$((3 - PRIMARY))
}
roles

# cluster_ready: the whole topology (a primary, its replica, both app servers), as scripts/cluster.sh ready makes
# it again. For a setup_file.
cluster_ready() {
	"$CLUSTER_SH" ready >/dev/null
	roles
}

# The e2e helpers' SQL goes to db1's socket ($VAR); here it goes to the primary, whichever it is.
sql() { on "$PRIMARY" "$1"; }
reconcile() { on "$PRIMARY" <"$ROOT/sql/checks/reconcile-places.sql"; }

# rate WHAT N T0: a figure of the run (prove --comments shows it): N WHAT since T0 ($EPOCHREALTIME), and per second
# when N > 1.
rate() {
	awk -v what="$1" -v n="$2" -v t0="$3" -v t1="$EPOCHREALTIME" 'BEGIN {
		printf "# figure: %d %s in %.2f s%s\n", n, what, t1 - t0, (n > 1 ? sprintf(": %.0f/s", n / (t1 - t0)) : "")
	}' >&3
}

# people RUN N: N people of the demo school (emails RUN-1@example.test ...) and the demo organiser ("org") and
# reviewer ("r"), each with a signed-in session; their names pN, org and r in $BATS_FILE_TMPDIR/people (for
# sessions_load). For a setup_file.
people() {
	local run=$1 n=$2 dir=$BATS_FILE_TMPDIR org h
	org=$(sql "SELECT id FROM organization WHERE inn = '$DEMO_ORG_INN' AND active")
	h=$(demo_hash)
	[[ -n $org && -n $h ]] || return 1
	sql "INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id,
	                         consent_at, consent_version, email_confirmed_at)
	     SELECT CONCAT('$run-', seq, '@example.test'), $h, CONCAT('Кластерова-', seq, ' Ирина'),
	            CONCAT('Кластеровой-', seq, ' Ирине'), NULL, 'Методист', $org, NOW(), '2026-01', NOW()
	     FROM seq_1_to_$n"
	{
		sql "SELECT CONCAT('p', SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1)), id FROM person
		     WHERE email LIKE '$run-%' ORDER BY id"
		sql "SELECT 'org', id FROM person WHERE email = 'organizer@demo.local'"
		sql "SELECT 'r', id FROM person WHERE email = 'reviewer@demo.local'"
	} >"$dir/ids"
	[[ $(wc -l <"$dir/ids") == $((n + 2)) ]] || return 1
	web_sessions "$dir/people" <"$dir/ids"
}

# entry WHO PATH DATA NAME: one transfer of a curl config (-K) as WHO (signed in, JSON), its answer in answers/NAME
# and "<code> NAME" on curl's output.
entry() {
	printf 'url = "%s%s"\nheader = "Accept: application/json"\nheader = "Cookie: sid=%s"\n' "$BASE_URL" "$2" "${SID_OF[$1]}"
	printf 'header = "X-CSRF-Token: %s"\ndata = "%s"\noutput = "%s"\nwrite-out = "%%{http_code} %s\\n"\nnext\n' \
		"${CSRF_OF[$1]}" "$3" "$BATS_TEST_TMPDIR/answers/$4" "$4"
}

# fire CONFIG: every transfer of CONFIG at once (up to 100 connections); "<code> NAME" per transfer on stdout.
fire() {
	mkdir -p "$BATS_TEST_TMPDIR/answers"
	sed '${/^next$/d}' "$1" >"$1.k"
	curl -sS --no-progress-meter --max-time 60 --parallel --parallel-immediate --parallel-max 100 -K "$1.k" 2>"$1.err"
}

# on N QUERY: a query as root on server N (1 or 2), rows tab-separated; on N < FILE runs the file.
on() {
	local n=$1
	shift
	mariadb --no-defaults --default-character-set=utf8mb4 -N -B --socket="$CLUSTER/db$n/run/mysqld.sock" -uroot seminars ${1:+-e "$1"}
}
