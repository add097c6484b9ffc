# Shared helpers of the end-to-end tests: HTTP through nginx with cookie jars, CSRF tokens, accounts, SQL as root.
#
# Environment (set by tests/run.sh): BASE_URL, VAR, STACK, ROOT, SEM_CONFIG.
# A "jar" argument is a short visitor name (a, b, admin, ...): each name is one cookie jar in the
# test's temporary directory, i.e. one browser. The jar "-" sends and keeps no cookies.

# bats-support and bats-assert, their sources read directly: each library's load.bash finds its files with one
# $(dirname) per file, fifteen forks of the test's shell before every test (0.2 s of CPU a test).
for f in /usr/lib/bats/bats-support/src/*.bash /usr/lib/bats/bats-assert/src/*.bash; do source "$f"; done
unset f

: "${BASE_URL:?BASE_URL is not set (run through tests/run.sh or export it, see tests/e2e/helpers.bash)}"
: "${STACK:?STACK is not set (path of scripts/stack.sh)}"
: "${VAR:?VAR is not set (state dir of the running stack)}"

# python3: Debian's, with its openpyxl and aiosmtpd; a version manager's shim first in PATH costs half a second of CPU
# a call.
python3() { /usr/bin/python3 "$@"; }

PASSWORD=correct-horse-42
DEMO_PASSWORD=demo12345
DEMO_ORG_INN=4816105358

# req JAR METHOD PATH [curl args...]: one request, no redirects followed. Sets
#   code (HTTP status), output (body, so bats-assert's assert_output works), headers (raw
#   response headers, one per line), location (the Location header or empty).
# Written with shell builtins only: bats traces every command, and each fork costs.
req() {
	local jar=$1 method=$2 path=$3 f=$BATS_TEST_TMPDIR/response cookies=()
	shift 3
	[[ $jar == - ]] || cookies=(-b "$BATS_TEST_TMPDIR/$jar.jar" -c "$BATS_TEST_TMPDIR/$jar.jar")
	: >"$f.body"
	: >"$f.head"
	curl -sS --max-time 20 -o "$f.body" -D "$f.head" -w '%{http_code}' -X "$method" "${cookies[@]}" "$@" \
		"$BASE_URL$path" >"$f.code" || true
	code=000
	read -r code <"$f.code" || true
	output=
	IFS= read -r -d '' output <"$f.body" || true
	while [[ $output == *$'\n' ]]; do output=${output%$'\n'}; done
	headers=
	IFS= read -r -d '' headers <"$f.head" || true
	headers=${headers//$'\r'/}
	location=
	[[ $headers =~ (^|$'\n')[Ll]ocation:\ ([^$'\n']*) ]] && location=${BASH_REMATCH[2]}
	return 0
}

# header NAME: the values of a header of the last response, one per line.
header() {
	local line key name=${1,,}
	while IFS= read -r line; do
		[[ $line == *:* ]] || continue
		key=${line%%:*}
		[[ ${key,,} == "$name" ]] && printf '%s\n' "${line#*: }"
	done <<<"$headers"
	return 0
}

# get / get_json JAR PATH [curl args...]
get() { req "$1" GET "${@:2}"; }
get_json() { req "$1" GET "$2" -H 'Accept: application/json' "${@:3}"; }

# csrf JAR [PATH]: sets TOKEN to the CSRF token of that visitor, read from a page's form (the
# sign-up page has a form for guests and users alike). Sets what req sets.
csrf() {
	TOKEN=
	get "$1" "${2:-/signup}"
	[[ $output =~ name=\"csrf\"\ value=\"([^\"]*)\" ]] && TOKEN=${BASH_REMATCH[1]}
	return 0
}

# binding JAR: sets BINDING to what the visitor's CSRF token is made from (fcgi/core/auth.c: an HMAC of the session
# cookie, or of the guest cookie): their jar's sid and aid.
binding() {
	local line f=$BATS_TEST_TMPDIR/$1.jar sid= aid=
	if [[ -r $f ]]; then
		while IFS=$'\t' read -r -a line; do
			[[ ${#line[@]} -ge 7 && ${line[5]} == sid ]] && sid=${line[6]}
			[[ ${#line[@]} -ge 7 && ${line[5]} == aid ]] && aid=${line[6]}
		done <"$f"
	fi
	BINDING=$sid/$aid
}

# token JAR: sets TOKEN for a POST of the visitor: the one csrf read for the same cookies before (the same cookies make
# the same token), else csrf's; TOKEN_KEPT says which. Spares a page per POST.
declare -gA TOKEN_OF
token() {
	binding "$1"
	TOKEN=${TOKEN_OF[$1 $BINDING]:-} TOKEN_KEPT=1
	[[ -n $TOKEN && $BINDING != / ]] && return 0
	TOKEN_KEPT=
	csrf "$1"
	binding "$1"
	[[ -z $TOKEN ]] || TOKEN_OF[$1 $BINDING]=$TOKEN
}

# stale: the last answer refused a kept token because the visitor's session ended meanwhile on the server (a password
# change, «end other sessions», an erasure): the request is made again as csrf would have made it, with a token read
# now (the refusal wrote nothing and, as that page would have, dropped the dead session cookie).
stale() { [[ -n $TOKEN_KEPT && $code == 403 && $output == *'Форма устарела'* ]]; }

# post JAR PATH [name=value ...]: a form POST with the visitor's own CSRF token; values are
# URL-encoded by curl. Sets what req sets.
post() {
	local jar=$1 path=$2 a args=()
	shift 2
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	token "$jar"
	[[ -n $TOKEN ]] || fail "no CSRF token found for visitor $jar (GET /signup: HTTP $code)"
	req "$jar" POST "$path" --data-urlencode "csrf=$TOKEN" "${args[@]}"
	if stale; then
		token "$jar"
		req "$jar" POST "$path" --data-urlencode "csrf=$TOKEN" "${args[@]}"
	fi
}

# post_raw JAR PATH BODY [CONTENT-TYPE [curl args...]]: a POST of a body exactly as given (no
# encoding and no token added); the content type defaults to the form's.
post_raw() {
	local jar=$1 path=$2 body=$3 ctype=${4:-application/x-www-form-urlencoded}
	shift $(($# < 4 ? $# : 4))
	req "$jar" POST "$path" -H "Content-Type: $ctype" --data-binary "$body" "$@"
}

# cookie JAR NAME: prints the value of a cookie in the visitor's jar (nothing when absent).
cookie() {
	local line f=$BATS_TEST_TMPDIR/$1.jar
	[[ -r $f ]] || return 0
	while IFS=$'\t' read -r -a line; do
		[[ ${#line[@]} -ge 7 && ${line[5]} == "$2" ]] && printf '%s\n' "${line[6]}"
	done <"$f"
	return 0
}

# db [mariadb args...]: the stack's database as its root user, opened as `scripts/stack.sh psql` opens it but without
# that script's start and its mariadb-admin ping (60 ms of CPU a call; the suite makes thousands).
db() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$VAR/run/mysqld.sock" -uroot seminars "$@"; }

# sql QUERY: runs a query as the MariaDB root user of the stack; prints rows tab-separated. A write that may touch
# what the programs cache of signed-in users (fcgi/core/authcache.h: sessions, people, grants, consents, heads) ends
# those copies, as an operator's change by hand must; other writes skip the bump (a program's start, ~90 ms of CPU).
sql() {
	db -N -B -e "$1" || return
	if [[ ${1^^} =~ INSERT|UPDATE|DELETE|REPLACE|CALL && ${1,,} =~ person|web_session|role_grant|consent_|org_head ]]; then
		"$ROOT/bin/portal" -c "$VAR/app.conf" auth-epoch
	fi
}

# sql_str VALUE: VALUE as an SQL string literal (for e-mails made by the tests).
sql_str() { printf "'%s'" "${1//\'/\'\'}"; }

# counts: one line with the number of rows of the tables a request could write to.
counts() {
	sql "SELECT (SELECT COUNT(*) FROM person), (SELECT COUNT(*) FROM web_session), (SELECT COUNT(*) FROM role_grant),
	     (SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM rate_limit)"
}

# org_id: the id of the demo school (an active organisation of the register), looked up once per test.
org_id() {
	[[ -n ${ORG_ID:-} ]] || ORG_ID=$(sql "SELECT id FROM organization WHERE inn = '$DEMO_ORG_INN' AND active")
	echo "$ORG_ID"
}

# new_email: an address no other test (or run) uses.
new_email() {
	local f=${BATS_TEST_FILENAME##*/}
	echo "e2e-${f%.bats}-${BATS_TEST_NUMBER}-$$-${EPOCHREALTIME/[.,]/}-$RANDOM@example.test"
}

# signup_fields EMAIL: the fields of a valid sign-up form, one name=value per line.
signup_fields() {
	printf '%s\n' "email=$1" "password=$PASSWORD" "password2=$PASSWORD" "full_name=Тестова Анна Игоревна" \
		"full_name_dat=Тестовой Анне Игоревне" "phone=+7 900 000-00-00" "position=Методист" \
		"organization_id=$(org_id)" "consent=1"
}

# signup JAR [EMAIL]: creates an account through the form and leaves the visitor logged in.
# Sets EMAIL and USER_ID.
signup() {
	local jar=$1 fields
	EMAIL=${2:-$(new_email)}
	org_id >/dev/null
	mapfile -t fields < <(signup_fields "$EMAIL")
	post "$jar" /signup "${fields[@]}"
	[[ $code == 303 && $location == /me ]] || fail "sign-up of $EMAIL: HTTP $code, Location '$location'"$'\n'"$output"
	USER_ID=$(sql "SELECT id FROM person WHERE email = $(sql_str "$EMAIL")")
	[[ -n $USER_ID ]] || fail "sign-up of $EMAIL answered 303 but no person row exists"
}

# login JAR EMAIL [PASSWORD]: logs the visitor in; fails the test unless the app answers 303.
login() {
	post "$1" /login "email=$2" "password=${3:-$PASSWORD}"
	[[ $code == 303 ]] || fail "login of $2: HTTP $code"$'\n'"$output"
}

# login_demo JAR ROLE: logs in as ROLE@demo.local.
login_demo() { login "$1" "$2@demo.local" "$DEMO_PASSWORD"; }

# workers PROGRAM: the pids of the program's worker processes (children of its master).
workers() { pgrep -P "$(cat "$VAR/run/$1.pid")" | sort; }

# ---- Seminars and sign-up (seminars.bats, concurrency.bats)

# idem_key: a fresh idempotency key for a sign-up (letters and digits, as the seminar page's are base64url).
idem_key() { echo "k${EPOCHREALTIME/[.,]/}x${RANDOM}x${RANDOM}"; }

# alert_text: the text of the error alert of the last HTML answer (empty when there is none).
alert_text() {
	[[ $output =~ alert--error\"\>([^\<]*)\< ]] && printf '%s\n' "${BASH_REMATCH[1]}"
	return 0
}

# in_days N [FORMAT]: the local date N days from now (FORMAT of date(1), default %F).
in_days() { date -d "$1 days" "+${2:-%F}"; }

# seminar_sql [COLUMN=SQL ...]: a seminar made directly in the database, for tests that are not about the
# organiser's screens. Defaults: published, hybrid, 2 places in person and unlimited online, region 48,
# Усманский район, organiser organizer@demo.local, registration open (yesterday to in 20 days), 4 hours,
# sector 1, one session in 30 days 10:00-13:00. Each argument replaces a default column; its value is an
# SQL expression (quote strings with sql_str). sessions=0 makes a seminar without sessions, sector=N
# another sector. Sets SEMINAR_ID and SEMINAR_TITLE.
seminar_sql() {
	local a k cols= vals= sessions=1 sector=1 out
	local -A c=(
		[title]=$(sql_str "Семинар e2e ${BATS_TEST_NUMBER:-0} $$ ${EPOCHREALTIME/[.,]/} $RANDOM")
		[description]="'Описание семинара для сквозного теста: о чём он и для кого.'"
		[format]="'hybrid'" [status]="'published'"
		[organizer_id]="(SELECT id FROM person WHERE email = 'organizer@demo.local')"
		[region_id]=48 [district_id]=16 [venue]="'Дом журналиста'" [address]="'г. Усмань, ул. Ленина, 1'"
		[stream_url]="'https://example.org/live/e2e'" [cap_in_person]=2 [cap_online]=NULL
		[reg_opens_at]="NOW() - INTERVAL 1 DAY" [reg_closes_at]="NOW() + INTERVAL 20 DAY" [hours]=4 [org_limit]=NULL
		[starts_at]="CURDATE() + INTERVAL 30 DAY + INTERVAL 10 HOUR"
		[ends_at]="CURDATE() + INTERVAL 30 DAY + INTERVAL 13 HOUR"
	)
	for a in "$@"; do
		case ${a%%=*} in
		sessions) sessions=${a#*=} ;;
		sector) sector=${a#*=} ;;
		*) c[${a%%=*}]=${a#*=} ;;
		esac
	done
	if [[ $sessions == 0 ]]; then
		c[starts_at]=NULL
		c[ends_at]=NULL
	fi
	for k in "${!c[@]}"; do
		cols+=${cols:+, }$k
		vals+=${vals:+, }${c[$k]}
	done
	out=$(sql "INSERT INTO seminar ($cols) VALUES ($vals);
		SET @s = LAST_INSERT_ID();
		INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (@s, $sector);
		INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
		  SELECT id, starts_at, ends_at FROM seminar WHERE id = @s AND $sessions > 0;
		SELECT id, title FROM seminar WHERE id = @s") || fail "seminar_sql: the insert failed"
	IFS=$'\t' read -r SEMINAR_ID SEMINAR_TITLE <<<"$out"
	[[ $SEMINAR_ID =~ ^[0-9]+$ ]] || fail "seminar_sql: no seminar id in '$out'"
}

# seminar_fields: the fields of a valid seminar form, one name=value per line: hybrid, sectors 1 and 3,
# 2 places in person and 3 online, registration open from yesterday for 20 days, region 48, Усманский район.
seminar_fields() {
	printf '%s\n' "title=Семинар e2e ${BATS_TEST_NUMBER:-0} $$ ${EPOCHREALTIME/[.,]/}" \
		"description=Как вести госпаблик школы: контент-план, ответы на комментарии, отчёты." \
		sector_id=1 sector_id=3 format=hybrid region_id=48 district_id=16 "venue=Дом журналиста" \
		"address=г. Усмань, ул. Ленина, 1" stream_url=https://example.org/live/e2e cap_in_person=2 cap_online=3 \
		"reg_opens=$(in_days -1 %Y-%m-%dT%H:%M)" "reg_closes=$(in_days 20 %Y-%m-%dT%H:%M)" hours=4 org_limit=
}

# form_merge DEFAULTS OVERRIDES...: prints the default fields (one name=value per line in DEFAULTS) with
# every name that an override names replaced by the overrides of that name; an override "-name" drops it.
form_merge() {
	local line a drop=" "
	for a in "${@:2}"; do a=${a#-}; drop+="${a%%=*} "; done
	while IFS= read -r line; do
		[[ -n $line && $drop != *" ${line%%=*} "* ]] && printf '%s\n' "$line"
	done <<<"$1"
	for a in "${@:2}"; do [[ $a == -* ]] || printf '%s\n' "$a"; done
}

# seminar_create JAR [name=value | -name ...]: an organiser's POST /manage/seminars with seminar_fields
# changed by the arguments (see form_merge). Sets what req sets, and SEMINAR_ID on 303.
seminar_create() {
	local jar=$1 fields
	shift
	mapfile -t fields < <(form_merge "$(seminar_fields)" "$@")
	SEMINAR_ID=
	post "$jar" /manage/seminars "${fields[@]}"
	[[ $code == 303 && $location =~ ^/manage/seminars/([0-9]+)$ ]] && SEMINAR_ID=${BASH_REMATCH[1]}
	return 0
}

# seminar_edit JAR ID [name=value | -name ...]: POST /manage/seminars/ID with seminar_fields changed by
# the arguments (the edit form sends every field). Sets what req sets.
seminar_edit() {
	local jar=$1 id=$2 fields
	shift 2
	mapfile -t fields < <(form_merge "$(seminar_fields)" "$@")
	post "$jar" "/manage/seminars/$id" "${fields[@]}"
}

# register JAR SEMINAR MODE [IDEM]: a sign-up as a script sends it (Accept: application/json, the CSRF
# token in X-CSRF-Token). Sets what req sets, and OUTCOME, REG_ID, REG_STATUS from a JSON answer.
register() {
	local idem=${4-$(idem_key)} try
	for try in 1 2; do
		token "$1"
		req "$1" POST "/seminars/$2/register" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" \
			--data-urlencode "mode=$3" --data-urlencode "idem=$idem"
		stale || break
	done
	OUTCOME= REG_ID= REG_STATUS=
	if [[ $code == 200 ]]; then
		read -r OUTCOME REG_ID REG_STATUS < <(jq -r '[.outcome, .registration.id, .registration.status] | @tsv' <<<"$output")
	fi
	return 0
}

# register_form JAR SEMINAR MODE [IDEM]: the sign-up as the seminar page's form sends it (HTML answer).
register_form() { post "$1" "/seminars/$2/register" "mode=$3" "idem=${4-$(idem_key)}"; }

# reg_of PERSON SEMINAR: "id mode status" of the person's registration (nothing when there is none).
reg_of() { sql "SELECT id, mode, status FROM registration WHERE person_id = $1 AND seminar_id = $2"; }

# seminar_state SEMINAR: one line with what a sign-up could change: the seminar's counters and status,
# its registrations (id:mode:status), and the number of audit_log and person rows.
seminar_state() {
	sql "SELECT s.status, s.cap_in_person, IFNULL(s.cap_online, -1), s.taken_in_person, s.taken_online,
	            (SELECT IFNULL(GROUP_CONCAT(CONCAT_WS(':', r.id, r.mode, r.status) ORDER BY r.id), '-')
	             FROM registration r WHERE r.seminar_id = s.id),
	            (SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM person)
	     FROM seminar s WHERE s.id = $1"
}

# reconcile: the rows of sql/checks/reconcile-places.sql (each one a broken invariant; none expected).
reconcile() { db -N -B <"${STACK%/scripts/stack.sh}/sql/checks/reconcile-places.sql"; }

# ---- A region of its own (untrained.bats): its people made in the database, signed in through web_sessions

# region_run PREFIX: a new run name (PREFIX-pid-time), kept in BATS_FILE_TMPDIR/run for the file's tests.
region_run() {
	local run="$1-$$-${EPOCHREALTIME/[.,]/}"
	echo "$run" >"$BATS_FILE_TMPDIR/run"
	echo "$run"
}

# region_sql RUN: the SQL that makes the region «Регион RUN» with the first free code, kept in @r.
region_sql() {
	echo "SET @r = (SELECT MIN(seq) FROM seq_100_to_9999 WHERE seq NOT IN (SELECT id FROM region));
	      INSERT INTO region (id, name) VALUES (@r, 'Регион $1');"
}

# organizer_sql RUN: the SQL that makes RUN-org@example.test (password demo12345) an organiser of region @r.
organizer_sql() {
	echo "INSERT INTO person (email, password_hash, full_name, full_name_dat, position, consent_at, consent_version)
	      VALUES ('$1-org@example.test', $(demo_hash), 'Организаторова Нина', 'Организаторовой Нине', 'Организатор',
	              NOW(), '2026-01');
	      INSERT INTO role_grant (person_id, role, region_id)
	      SELECT id, 'organizer', @r FROM person WHERE email = '$1-org@example.test';"
}

# people_sessions RUN OUT: signed-in sessions (web_sessions) of every RUN-NAME@example.test, named NAME, into OUT.
people_sessions() {
	sql "SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1), id FROM person
	     WHERE email LIKE '$1-%' ORDER BY id" | web_sessions "$2"
}

# region_finish: for a teardown_file: the file's seminars of region R (its setup reads R from BATS_FILE_TMPDIR/region)
# leave the catalogue through the organiser's API, so their coverage follows.
region_finish() {
	[[ -r $BATS_FILE_TMPDIR/region ]] || return 0
	setup
	finish_seminars "$R"
}

# ---- Tickets and attendance (tickets.bats, online.bats)

# ticket_code REG: the ticket code of a registration.
ticket_code() { sql "SELECT ticket_code FROM registration WHERE id = $1"; }

# code_window: the number of the current 45-second window of the online attendance codes.
code_window() { echo $((EPOCHSECONDS / 45)); }

# session_code SESSION [WINDOW]: the online attendance code of a session in a window (default: the current one),
# computed as fcgi/core/auth.c auth_session_code does: HMAC-SHA256 keyed with the bytes of $VAR/secret.key over
# "code:<session>:<window>", HOTP dynamic truncation, six digits.
session_code() {
	python3 - "$VAR/secret.key" "$1" "${2:-$(code_window)}" <<'PY'
import hashlib, hmac, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
mac = hmac.new(key, ("code:%s:%s" % (sys.argv[2], sys.argv[3])).encode(), hashlib.sha256).digest()
o = mac[-1] & 0x0F
print("%06d" % ((int.from_bytes(mac[o:o + 4], "big") & 0x7FFFFFFF) % 1000000))
PY
}

# window_fresh [SECONDS]: waits for the next code window when fewer than SECONDS (default 6) are left of this
# one, so that a code computed now is still the current or the previous one when the server checks it.
window_fresh() {
	local left=$((45 - EPOCHSECONDS % 45))
	((left >= ${1:-6})) || sleep "$left"
}

# ---- People made in the database (coverage.bats, waitlist.bats)

# demo_hash: the password hash of the demo accounts (demo12345) as an SQL string literal, for people made in the
# database.
demo_hash() { grep -o "'\$argon2id\$[^']*'" "${STACK%/scripts/stack.sh}/sql/seed/920-demo-accounts.sql" | head -1; }

# web_sessions OUT: gives each person of the "name person_id" lines on stdin a signed-in session for two hours,
# as fcgi/core/auth.c makes one (the cookie sid=<43 characters of base64url>, web_session keeps its BLAKE2b-256,
# the CSRF token is base64url(HMAC-SHA256(secret key, "csrf:" + sid))); writes "name person_id sid csrf" lines
# (tab-separated) to OUT.
web_sessions() {
	python3 -c '
import base64, hashlib, hmac, os, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
rows = []
with open(sys.argv[2], "w") as out:
    for line in sys.stdin:
        name, pid = line.split()
        sid = b64(os.urandom(32))
        tok = b64(hmac.new(key, b"csrf:" + sid.encode(), hashlib.sha256).digest())
        rows.append("(UNHEX(\"%s\"), %d, NOW() + INTERVAL 2 HOUR)" % (hashlib.blake2b(sid.encode(), digest_size=32).hexdigest(), int(pid)))
        out.write("%s\t%s\t%s\t%s\n" % (name, pid, sid, tok))
print("INSERT INTO web_session (id_hash, person_id, expires_at) VALUES " + ", ".join(rows))
' "$VAR/secret.key" "$1" | db
}

# sessions_load FILE...: fills PID_OF, SID_OF and CSRF_OF (by name) from the lines web_sessions wrote to the
# files (a missing file is skipped).
sessions_load() {
	declare -gA PID_OF SID_OF CSRF_OF
	local name pid sid tok
	while IFS=$'\t' read -r name pid sid tok; do
		PID_OF[$name]=$pid SID_OF[$name]=$sid CSRF_OF[$name]=$tok
	done < <(cat "$@" 2>/dev/null)
}

# call WHO METHOD PATH [curl args...]: a request of WHO's signed-in session with their CSRF token, JSON accepted.
call() {
	local who=$1
	req - "$2" "$3" -H 'Accept: application/json' -H "Cookie: sid=${SID_OF[$who]}" -H "X-CSRF-Token: ${CSRF_OF[$who]}" \
		"${@:4}"
}

# door SEMINAR SESSION REG: the person named org (an organiser of the seminar's region) scans the registration's
# ticket at the door; sets SCAN_ID.
door() {
	call org POST "/checkin/$1/scan" --data-urlencode "code=$(ticket_code "$3")" --data-urlencode "session_id=$2"
	[[ $code == 200 && $(jq -r .result <<<"$output") == ok ]] || fail "scan of registration $3: HTTP $code $output"
	SCAN_ID=$(jq -r .scan_id <<<"$output")
}

# coverage_settled: the coverage upkeep of check-ins, queued for the checkin program's runner (coverage_queue,
# migration 026), has been applied; fails when it takes longer than the 2 s the README states.
coverage_settled() {
	local i
	for ((i = 0; i < 20; i++)); do
		[[ $(sql "SELECT COUNT(*) FROM coverage_queue") == 0 ]] && return 0
		sleep 0.1
	done
	fail "coverage_queue: $(sql "SELECT COUNT(*) FROM coverage_queue") check-ins not applied within 2 s"
}

# finish_seminars REGION: the person named org finishes the region's published seminars through the organiser's
# API (so their coverage follows); for a teardown_file, where req keeps its answer in BATS_FILE_TMPDIR.
finish_seminars() {
	local id BATS_TEST_TMPDIR=${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}
	for id in $(sql "SELECT id FROM seminar WHERE region_id = $1 AND status = 'published'"); do
		call org POST "/manage/seminars/$id/status" --data-urlencode status=finished
	done
}

# ---- Mail (mail.bats): the local SMTP server of the stack keeps every message in $VAR/mail/new/

# mail_wait ADDRESS [SUBJECT] [N]: waits up to 30 s until N (default 1) messages to ADDRESS (with that subject)
# have arrived; sets MAIL to the newest one's file. Fails the test when they do not come.
mail_wait() {
	local i n
	for ((i = 0; i < 150; i++)); do
		n=$(/usr/bin/python3 "$BATS_TEST_DIRNAME/mail.py" count "$VAR/mail" "$1" ${2:+"$2"})
		if ((n >= ${3:-1})); then
			MAIL=$(/usr/bin/python3 "$BATS_TEST_DIRNAME/mail.py" last "$VAR/mail" "$1" ${2:+"$2"})
			return 0
		fi
		sleep 0.2
	done
	fail "no message to $1${2:+ «$2»} within 30 s (found $n)"
}

# mail_count ADDRESS [SUBJECT]: the number of messages to ADDRESS (with that subject) that have arrived.
mail_count() { /usr/bin/python3 "$BATS_TEST_DIRNAME/mail.py" count "$VAR/mail" "$1" ${2:+"$2"}; }

# mail_get WHAT: a header (decoded), text, html, link (the first link of the text part) or attachments of $MAIL.
mail_get() { /usr/bin/python3 "$BATS_TEST_DIRNAME/mail.py" get "$MAIL" "$1"; }

# mail_path: the path and query of the link of $MAIL (it must start with BASE_URL).
mail_path() {
	local link
	link=$(mail_get link)
	[[ $link == "$BASE_URL"/* ]] || fail "the link '$link' of $MAIL does not start with $BASE_URL"
	echo "${link#"$BASE_URL"}"
}

# ---- Certificates (certs.bats, cert_templates.bats, mailmsg.bats)

# qr FILE: the text of the QR codes in an image (zbarimg complains about D-Bus on stderr in containers).
qr() { zbarimg --raw -q "$1" 2>/dev/null; }

# builtin_template: the id of a default template (the certs program stores them at start).
builtin_template() {
	sql "SELECT id FROM certificate_template WHERE builtin IS NOT NULL AND archived_at IS NULL ORDER BY id LIMIT 1"
}

# attend REG SESSION MODE: a check-in made in the database, with the coverage upkeep the check-in programs do.
attend() {
	sql "INSERT INTO attendance (registration_id, session_id, mode, scan_id, at) VALUES ($1, $2, '$3', 0, NOW());
	     CALL coverage_touch($1)"
}

# settings: the organiser chooses a default template, the issuer and the signatory.
settings() {
	post o "/certificates/seminars/$SEMINAR_ID/settings" "template_id=$(builtin_template)" \
		"issuer=ЦУР Липецкой области" "signatory=Директор А. А. Петров"
	[[ $code == 303 ]] || fail "settings: HTTP $code"$'\n'"$output"
}

# wait_job SEMINAR [KIND]: waits up to 60 s until the seminar's latest job of KIND (issue: issuing, the default;
# book: the printable PDF) is done; fails the test otherwise.
wait_job() {
	local i st= last="FROM certificate_job WHERE seminar_id = $1 AND kind = '${2:-issue}' ORDER BY id DESC LIMIT 1"
	for ((i = 0; i < 300; i++)); do
		st=$(sql "SELECT status $last")
		[[ $st == done ]] && return 0
		[[ $st == failed ]] && fail "the job failed: $(sql "SELECT error $last")"
		sleep 0.2
	done
	fail "the job of seminar $1 is still '$st' after 60 s"
}

# stored_file TEXT: stores TEXT under the stack's files_dir as files_store lays it out; prints its SHA-256.
stored_file() {
	local h
	h=$(printf '%s' "$1" | sha256sum | cut -c1-64)
	mkdir -p "$VAR/files/${h:0:2}"
	printf '%s' "$1" >"$VAR/files/${h:0:2}/${h:2}"
	echo "$h"
}
