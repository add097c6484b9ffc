# Shared helpers of the end-to-end tests: HTTP through nginx with cookie jars, CSRF tokens, accounts, SQL as root.
#
# Environment (set by tests/run.sh): BASE_URL, VAR, STACK, ROOT, SEM_CONFIG.
# A "jar" argument is a short visitor name (a, b, admin, ...): each name is one cookie jar in the
# test's temporary directory, i.e. one browser. The jar "-" sends and keeps no cookies.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${BASE_URL:?BASE_URL is not set (run through tests/run.sh or export it, see tests/e2e/helpers.bash)}"
: "${STACK:?STACK is not set (path of scripts/stack.sh)}"
: "${VAR:?VAR is not set (state dir of the running stack)}"

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

# post JAR PATH [name=value ...]: a form POST with the visitor's own CSRF token; values are
# URL-encoded by curl. Sets what req sets.
post() {
	local jar=$1 path=$2 a args=()
	shift 2
	csrf "$jar"
	[[ -n $TOKEN ]] || fail "no CSRF token found for visitor $jar (GET /signup: HTTP $code)"
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	req "$jar" POST "$path" --data-urlencode "csrf=$TOKEN" "${args[@]}"
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

# sql QUERY: runs a query as the MariaDB root user of the stack; prints rows tab-separated.
sql() { "$STACK" psql -N -B -e "$1"; }

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
