#!/usr/bin/env bash
# Loads the demo story of sql/demo/ into a running stack once (`make run` calls it): seminars in every state, people, check-ins, certificates.
#
# Usage: scripts/demo.sh
#   Needs the stack started with the demo seeds (DEMO=1, the default of scripts/stack.sh). The first run
#   loads the register additions and the story (dated from today, so upcoming seminars stay upcoming
#   until you load it into a fresh database), rebuilds the coverage tables, waits for the certs program to
#   issue the intensive's certificates, then as the demo organiser revokes one (a misspelt surname) and
#   re-issues it once the name is corrected. A later run finds the story loaded (audit_log action
#   demo.load) and only finishes what an interrupted run left undone.
# Environment:
#   VAR   state dir of the stack; default <repo>/var
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export VAR=${VAR:-$ROOT/var}
INTENSIVE='Интенсив «Госпаблик на отлично» для учреждений Усманского района'
MISSPELT=olga.sergeeva@demo.local
CLIPS='Вебинар: короткие видео и клипы для госпабликов'
WAIT=120 # seconds for the intensive's certificates

die() {
    echo "demo: $*" >&2
    exit 1
}
say() { echo "demo: $*"; }

sql() { "$ROOT/scripts/stack.sh" psql -N -B "$@"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

[[ -r $VAR/app.conf ]] || die "no stack in $VAR (start it: make run, or VAR=$VAR scripts/stack.sh start)"
BASE_URL=$(sed -n 's/^base_url = //p' "$VAR/app.conf")
[[ -n $BASE_URL ]] || die "no base_url in $VAR/app.conf"
[[ -n $(sql -e "SELECT 1 FROM person WHERE email = 'organizer@demo.local'") ]] ||
    die "the demo accounts are missing (start the stack with DEMO=1)"

load() {
    local t=$EPOCHREALTIME f
    for f in "$ROOT"/sql/demo/*.sql; do
        sql <"$f" || die "loading sql/demo/${f##*/} failed"
    done
    sql -e "CALL coverage_recompute()" >/dev/null || die "CALL coverage_recompute() failed"
    say "loaded the story in $(since "$t") s: $(sql -e "SELECT CONCAT((SELECT COUNT(*) FROM seminar), ' seminars, ',
        (SELECT COUNT(*) FROM registration), ' registrations, ', (SELECT COUNT(*) FROM attendance), ' check-ins, ',
        (SELECT COUNT(*) FROM organization WHERE active), ' organisations')")"
}

# Waits for the certificate jobs of the intensive (a hundred PDFs: about ten seconds).
wait_intensive() {
    local i state
    for ((i = 0; i < WAIT * 5; i++)); do
        state=$(sql -e "SELECT IFNULL(GROUP_CONCAT(DISTINCT j.status), 'none') FROM certificate_job j
            JOIN seminar s ON s.id = j.seminar_id WHERE s.title = '$INTENSIVE'")
        case $state in
        done) return 0 ;;
        *failed*) die "issuing the intensive's certificates failed (see $VAR/log/certs.log)" ;;
        none) die "no certificate job for the intensive" ;;
        esac
        sleep 0.2
    done
    die "the certs program did not issue the intensive's certificates within $WAIT s (is it running? $VAR/log/certs.log)"
}

# curl as one visitor (cookie jar in the state dir); prints the HTTP status, the body goes to $BODY.
JAR=$VAR/tmp/demo.jar
BODY=$VAR/tmp/demo.body
http() {
    local method=$1 path=$2
    shift 2
    curl -sS --max-time 20 -o "$BODY" -w '%{http_code}' -b "$JAR" -c "$JAR" -X "$method" "$@" "$BASE_URL$path"
}
# token PATH: the CSRF token of the visitor, from the first form of a page.
token() {
    local code
    code=$(http GET "$1")
    [[ $code == 200 ]] || die "GET $1 answered HTTP $code"
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$BODY" | head -n 1
}
# post PATH [name=value ...]: a form POST with the visitor's token; it must answer 303.
post() {
    local path=$1 a args=() code
    shift
    for a in "csrf=$(token /me)" "$@"; do args+=(--data-urlencode "$a"); done
    code=$(http POST "$path" "${args[@]}")
    [[ $code == 303 ]] || die "POST $path answered HTTP $code: $(sed -e 's/<[^>]*>//g' "$BODY" | tr -s ' \n' ' ' | head -c 300)"
}

# signin EMAIL: a new visitor signs in as the demo account EMAIL.
signin() {
    local code
    rm -f "$JAR"
    code=$(http POST /login --data-urlencode "csrf=$(token /login)" --data-urlencode "email=$1" \
        --data-urlencode "password=demo12345")
    [[ $code == 303 ]] || die "the demo account $1 could not sign in (HTTP $code)"
}

signout() {
    http POST /logout --data-urlencode "csrf=$(token /me)" >/dev/null
    rm -f "$JAR" "$BODY"
}

# The certificate issued with the misspelt surname: revoked, the name corrected, re-issued (version 2).
correct_certificate() {
    local row number version revoked
    row=$(sql -e "SELECT c.number, c.version, c.revoked_at IS NOT NULL FROM certificate c
        JOIN person p ON p.id = c.person_id WHERE p.email = '$MISSPELT'")
    [[ -n $row ]] || die "the intensive issued no certificate to $MISSPELT"
    read -r number version revoked <<<"$row"
    ((version == 1)) || return 0
    signin organizer@demo.local
    ((revoked)) || post "/certificates/$number/revoke" "reason=Ошибка в фамилии: «Сергееева» вместо «Сергеева»"
    sql -e "UPDATE person SET full_name = 'Сергеева Ольга Николаевна', full_name_dat = 'Сергеевой Ольге Николаевне'
        WHERE email = '$MISSPELT'"
    post "/certificates/$number/reissue"
    signout
    say "certificate $number revoked for a misspelt surname and re-issued"
}

# The head of МБОУ СОШ № 2 г. Усмани signs up two teachers without accounts for the clips webinar (new
# accounts without a password, through the head's page as the program makes them).
head_signups() {
    local id
    [[ -z $(sql -e "SELECT 1 FROM registration WHERE source = 'head' LIMIT 1") ]] || return 0
    id=$(sql -e "SELECT id FROM seminar WHERE title = '$CLIPS'")
    [[ -n $id ]] || die "no seminar '$CLIPS'"
    signin head@demo.local
    post "/head/seminars/$id/register" email=kotova.anna@demo.local "full_name=Котова Анна Сергеевна" \
        "full_name_dat=Котовой Анне Сергеевне" "position=Учитель русского языка и литературы" mode=online
    post "/head/seminars/$id/register" email=belov.ivan@demo.local "full_name=Белов Иван Андреевич" \
        "full_name_dat=Белову Ивану Андреевичу" "position=Педагог-организатор" mode=online
    signout
    say "the head of МБОУ СОШ № 2 г. Усмани signed up two teachers for the clips webinar"
}

loaded=$(sql -e "SELECT detail FROM audit_log WHERE action = 'demo.load' LIMIT 1")
if [[ -z $loaded ]]; then
    load
else
    say "already loaded: $loaded (to load it with new dates, stop the stack, remove $VAR and start again)"
fi
say "waiting for the certs program to issue the intensive's certificates"
wait_intensive
correct_certificate
head_signups
left=$(sql -e "SELECT COUNT(*) FROM certificate c WHERE NOT EXISTS (SELECT 1 FROM certificate_file f WHERE f.certificate_id = c.id)")
((left == 0)) || say "$left certificates of other seminars are still being rendered in the background"
