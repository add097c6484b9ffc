#!/usr/bin/env bats
# Issuing certificates end to end: the dry run (who qualifies by the seminar's rule and why not), issuing in the
# background with progress, the PDF (name, title, the QR of the verification URL), issuing twice, public
# verification (valid, revoked, re-issued after a name correction), look-up by number and surname with throttling,
# the ZIP and the printable PDF, the cabinet, and who may do what (participants, another region, guests, CSRF).

load helpers

# body_to NAME: copies the body of the last response (binary as it came) to $BATS_TEST_TMPDIR/NAME.
body_to() { cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/$1"; }

# pdf_text FILE: the text of a PDF with runs of white space made one space (long lines wrap).
pdf_text() { pdftotext -q "$1" - | tr -s ' \n\t' '   '; }

# when SESSION: the session's time as the dry run lists a missed one.
when() { sql "SELECT DATE_FORMAT(starts_at, '%d.%m.%Y %H:%i') FROM seminar_session WHERE id = $1"; }

# person JAR NAME DATIVE MODE: a participant signed up through the site and for the seminar, renamed to NAME.
# Sets PID and REG.
person() {
	signup "$1"
	PID=$USER_ID
	sql "UPDATE person SET full_name = $(sql_str "$2"), full_name_dat = $(sql_str "$3") WHERE id = $PID"
	register "$1" "$SEMINAR_ID" "$4"
	[[ $code == 200 && $REG_STATUS == confirmed ]] || fail "sign-up of $2: HTTP $code, status '$REG_STATUS'"$'\n'"$output"
}

# people: a published hybrid seminar of region 48 with two sessions, rule «either» with 80 % of the sessions (both),
# the demo organiser signed in as "o", and four participants signed up through the site:
#   a  in person, checked in at the door at both sessions (the first through the scan API)  -> qualifies
#   b  online, codes at 1 of 2 sessions (50 % < 80 %)                                       -> does not
#   c  in person, never came                                                                -> does not
#   d  online, codes at both sessions                                                       -> qualifies
# Sets SEMINAR_ID, SEMINAR_TITLE, S1, S2, and P_x, R_x (person and registration ids) for x in a b c d.
people() {
	local tag=$RANDOM$RANDOM
	seminar_sql attendance_rule="'either'" online_min_percent=80 "$@"
	S1=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	S2=$(sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
		SELECT id, starts_at + INTERVAL 1 DAY, ends_at + INTERVAL 1 DAY FROM seminar WHERE id = $SEMINAR_ID;
		UPDATE seminar SET ends_at = ends_at + INTERVAL 1 DAY WHERE id = $SEMINAR_ID; SELECT LAST_INSERT_ID()")
	person a "Ёлкина$tag Вера Павловна" "Ёлкиной$tag Вере Павловне" in_person
	P_a=$PID R_a=$REG_ID
	person b "Онлайнов$tag Борис Ильич" "Онлайнову$tag Борису Ильичу" online
	P_b=$PID R_b=$REG_ID
	person c "Неявкина$tag Галина Львовна" "Неявкиной$tag Галине Львовне" in_person
	P_c=$PID R_c=$REG_ID
	person d "Смотрящев$tag Денис Олегович" "Смотрящеву$tag Денису Олеговичу" online
	P_d=$PID R_d=$REG_ID
	login_demo o organizer
	# a at the door, as the scanner sends it.
	csrf o
	req o POST "/checkin/$SEMINAR_ID/scan" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" \
		--data-urlencode "code=$(ticket_code "$R_a")" --data-urlencode "client_scan_id=certs-$tag-a" \
		--data-urlencode "session_id=$S1" --data-urlencode method=qr
	[[ $code == 200 && $(jq -r .result <<<"$output") == ok ]] || fail "door scan of a: HTTP $code $output"
	attend "$R_a" "$S2" in_person
	attend "$R_b" "$S1" online
	attend "$R_d" "$S1" online
	attend "$R_d" "$S2" online
}

# issued: people, settings, issue, wait. Sets N_a, C_a (number and verify code of a's certificate) and the same for d.
issued() {
	people "$@"
	settings
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	[[ $code == 303 ]] || fail "issue: HTTP $code"$'\n'"$output"
	wait_job "$SEMINAR_ID"
	read -r N_a C_a < <(sql "SELECT number, verify_code FROM certificate WHERE registration_id = $R_a")
	read -r N_d C_d < <(sql "SELECT number, verify_code FROM certificate WHERE registration_id = $R_d")
	[[ -n $N_a && -n $N_d ]] || fail "no certificates for a and d"
}

# cert_state REG: one line with what a certificate write could change.
cert_state() {
	sql "SELECT c.number, c.version, IFNULL(c.revoked_at, '-'), c.full_name, f.version,
	            (SELECT COUNT(*) FROM certificate_job WHERE seminar_id = c.seminar_id),
	            (SELECT COUNT(*) FROM certificate WHERE seminar_id = c.seminar_id)
	     FROM certificate c LEFT JOIN certificate_file f ON f.certificate_id = c.id WHERE c.registration_id = $1"
}

@test "certs: the dry run shows who qualifies and why not; issuing runs in the background; twice makes nothing new" {
	people
	get_json o "/certificates/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	local rows
	rows=$(jq -c '[.rows[] | [.registration_id, .qualifies, .why]] | sort_by(.[0])' <<<"$output")
	assert_equal "$(jq -c "map(select(.[0] == $R_a))[0][1:]" <<<"$rows")" '[true,null]'
	assert_equal "$(jq -c "map(select(.[0] == $R_b))[0][1:]" <<<"$rows")" \
		"[false,\"засчитано 1 из 2 занятий — нужно не меньше 2 (80%); пропущены: $(when "$S2")\"]"
	assert_equal "$(jq -c "map(select(.[0] == $R_c))[0][1:]" <<<"$rows")" \
		"[false,\"засчитано 0 из 2 занятий — нужно не меньше 2 (80%); пропущены: $(when "$S1"), $(when "$S2")\"]"
	assert_equal "$(jq -c "[.rows[] | select(.registration_id == $R_b) | .missing_sessions]" <<<"$output")" \
		"[\"$(when "$S2")\"]"
	assert_equal "$(jq -c "map(select(.[0] == $R_d))[0][1:]" <<<"$rows")" '[true,null]'
	assert_equal "$(jq -c '[.confirmed, .qualify, .to_issue, .issued, .can_issue]' <<<"$output")" '[4,2,2,0,false]'
	assert_output --partial '"rule":"отметка на входе или коды присутствия онлайн — не меньше чем на 80% занятий"'

	# No settings yet: 409 and no job.
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Сначала выберите шаблон сертификата и укажите, кто выдаёт сертификаты.'
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID")" 0

	settings
	get o "/certificates/seminars/$SEMINAR_ID"
	assert_output --partial 'Выдать сертификаты (2)'
	assert_output --partial '<script src="/assets/js/issue.js" defer="defer"></script>'
	# A script asks as JSON: 202 with the job to poll.
	csrf o
	req o POST "/certificates/seminars/$SEMINAR_ID/issue" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN"
	assert_equal "$code" 202
	local job i st=
	job=$(jq -r .id <<<"$output")
	assert_equal "$(jq -r .url <<<"$output")" "/certificates/jobs/$job"
	# A second job while this one is queued or running is refused.
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	[[ $code == 409 ]] || fail "a second issue while the first is under way: HTTP $code"
	for ((i = 0; i < 300; i++)); do
		get_json o "/certificates/jobs/$job"
		assert_equal "$code" 200
		st=$(jq -r .status <<<"$output")
		[[ $st == done || $st == failed ]] && break
		sleep 0.2
	done
	assert_equal "$(jq -c '[.status, .total, .done, .percent]' <<<"$output")" '["done",2,2,100]'
	get o "/certificates/jobs/$job"
	assert_output --partial 'готово'

	assert_equal "$(sql "SELECT COUNT(*) FROM certificate WHERE seminar_id = $SEMINAR_ID")" 2
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id
		WHERE c.seminar_id = $SEMINAR_ID")" 2
	# Each PDF is a file under files_dir named by its SHA-256; the row keeps the hash only.
	local h
	for h in $(sql "SELECT IFNULL(f.sha256, 'none') FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id
		WHERE c.seminar_id = $SEMINAR_ID AND f.pdf IS NULL"); do
		assert_equal "$(head -c 5 "$VAR/files/${h:0:2}/${h:2}")" '%PDF-'
		assert_equal "$(sha256sum <"$VAR/files/${h:0:2}/${h:2}" | cut -c1-64)" "$h"
	done
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id
		WHERE c.seminar_id = $SEMINAR_ID AND f.pdf IS NULL AND f.sha256 IS NOT NULL")" 2
	local na nd year
	year=$(date +%Y)
	na=$(sql "SELECT number FROM certificate WHERE registration_id = $R_a")
	nd=$(sql "SELECT number FROM certificate WHERE registration_id = $R_d")
	assert_regex "$na" "^48-$year-[0-9]{5,}\$"
	assert_regex "$nd" "^48-$year-[0-9]{5,}\$"
	# Numbers follow the names' order (Ёлкина before Смотрящев) and are consecutive.
	assert_equal "$((10#${nd##*-} - 10#${na##*-}))" 1
	assert_regex "$(sql "SELECT verify_code FROM certificate WHERE registration_id = $R_a")" '^[A-Za-z0-9_-]{22}$'
	assert_equal "$(sql "SELECT CONCAT_WS('|', format, hours, issuer, signatory) FROM certificate WHERE registration_id = $R_d")" \
		'онлайн|4.0|ЦУР Липецкой области|Директор А. А. Петров'
	assert_equal "$(sql "SELECT format FROM certificate WHERE registration_id = $R_a")" 'очно'
	# Two sessions on consecutive days: «30–31 мая 2026 г.», «31 мая – 1 июня 2026 г.», or across a year
	assert_regex "$(sql "SELECT dates FROM certificate WHERE registration_id = $R_a")" \
		'^[0-9]{1,2}(–| [^ ]+ – | [^ ]+ [0-9]{4} г\. – )[0-9]{1,2} [^ ]+ [0-9]{4} г\.$'

	# Again: nobody new qualifies, nothing is made.
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Выдавать некому: все, кто выполнил условие посещения, уже получили сертификаты.'
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate WHERE seminar_id = $SEMINAR_ID")" 2
	# c typed the first session's code and comes to the second at the door after all (two of two sessions, by
	# either means): only c gets a certificate, a and d keep theirs.
	attend "$R_c" "$S1" online
	attend "$R_c" "$S2" in_person
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 303
	wait_job "$SEMINAR_ID"
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate WHERE seminar_id = $SEMINAR_ID")" 3
	assert_equal "$(sql "SELECT number FROM certificate WHERE registration_id = $R_a")" "$na"
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate WHERE registration_id IN ($R_a, $R_d)")" 2
	get_json o "/certificates/seminars/$SEMINAR_ID"
	assert_equal "$(jq -c '[.qualify, .to_issue, .issued]' <<<"$output")" '[3,0,3]'
}

@test "certs: the PDF has the name and the title, its QR opens the verification page, which says valid" {
	issued
	get a "/certificates/$N_a.pdf"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/pdf
	body_to a.pdf
	local text
	text=$(pdf_text "$BATS_TEST_TMPDIR/a.pdf")
	[[ $text == *"$(sql "SELECT full_name FROM person WHERE id = $P_a")"* ]] ||
		[[ $text == *"$(sql "SELECT full_name_dat FROM person WHERE id = $P_a")"* ]] || fail "no name in the PDF: $text"
	[[ $text == *"$SEMINAR_TITLE"* ]] || fail "no seminar title '$SEMINAR_TITLE' in the PDF: $text"
	[[ $text == *"$N_a"* ]] || fail "no number $N_a in the PDF: $text"
	run pdftoppm -r 150 -png -f 1 -l 1 "$BATS_TEST_TMPDIR/a.pdf" "$BATS_TEST_TMPDIR/page"
	assert_success
	run qr "$(echo "$BATS_TEST_TMPDIR"/page-*1.png)"
	assert_success
	assert_output "$BASE_URL/certificates/verify/$C_a"

	# The page the QR opens, for anyone: name, seminar, dates, hours, issuer, number, status; nothing else.
	get - "/certificates/verify/$C_a"
	assert_equal "$code" 200
	assert_output --partial "$(sql "SELECT full_name FROM person WHERE id = $P_a")"
	assert_output --partial "$SEMINAR_TITLE"
	assert_output --partial "$N_a"
	assert_output --partial 'ЦУР Липецкой области'
	assert_output --partial '>действителен<'
	assert_output --partial '<dd>4 ак. ч.</dd>'
	refute_output --partial 'Вере Павловне'
	refute_output --partial "$(sql "SELECT email FROM person WHERE id = $P_a")"
	refute_output --partial 'Усман'
	get_json - "/certificates/verify/$C_a"
	assert_equal "$(jq -c '.certificate | keys' <<<"$output")" \
		'["dates","full_name","hours","issued_on","issuer","number","reissued","seminar_title","status_name","valid"]'
	# An unknown or malformed code: 404.
	get - "/certificates/verify/AAAAAAAAAAAAAAAAAAAAAA"
	assert_equal "$code" 404
	get - "/certificates/verify/short"
	assert_equal "$code" 404
	# The organiser's list links the PDF.
	get o "/certificates/seminars/$SEMINAR_ID"
	assert_output --partial "href=\"/certificates/$N_a.pdf\""
}

@test "certs: revoke with a reason, then re-issue after a name correction: same URL, new name, «переоформлен»" {
	issued
	local before today
	today=$(date +%d.%m.%Y)
	before=$(cert_state "$R_a")
	post o "/certificates/$N_a/revoke"
	assert_equal "$code" 400
	assert_equal "$(cert_state "$R_a")" "$before"
	post o "/certificates/$N_a/revoke" "reason=Ошибка в фамилии"
	assert_equal "$code" 303
	assert_equal "$location" "/certificates/seminars/$SEMINAR_ID"
	get - "/certificates/verify/$C_a"
	assert_equal "$code" 200
	assert_output --partial ">отозван $today<"
	refute_output --partial '>действителен<'
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.revoke' AND object_id = (SELECT id FROM certificate WHERE registration_id = $R_a)")" 1
	post o "/certificates/$N_a/revoke" "reason=Ещё раз"
	assert_equal "$code" 409
	# The holder gets no copy of a revoked certificate; the organiser still does.
	get a "/certificates/$N_a.pdf"
	assert_equal "$code" 409
	get o "/certificates/$N_a.pdf"
	assert_equal "$code" 200

	# The name is corrected, the certificate re-issued: same number and code, version 2, valid again.
	sql "UPDATE person SET full_name = 'Ёлкина-Исправленная Вера Павловна', full_name_dat = 'Ёлкиной-Исправленной Вере Павловне' WHERE id = $P_a"
	post o "/certificates/$N_a/reissue"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT CONCAT_WS('|', number, verify_code, version, full_name, revoked_at IS NULL, reissued_at IS NOT NULL) FROM certificate WHERE registration_id = $R_a")" \
		"$N_a|$C_a|2|Ёлкина-Исправленная Вера Павловна|1|1"
	assert_equal "$(sql "SELECT f.version FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id WHERE c.registration_id = $R_a")" 2
	get - "/certificates/verify/$C_a"
	assert_output --partial 'Ёлкина-Исправленная Вера Павловна'
	assert_output --partial '>действителен<'
	assert_output --partial ">переоформлен $today<"
	get a "/certificates/$N_a.pdf"
	assert_equal "$code" 200
	body_to a2.pdf
	[[ $(pdf_text "$BATS_TEST_TMPDIR/a2.pdf") == *Исправленн* ]] || fail "the re-issued PDF has the old name: $(pdf_text "$BATS_TEST_TMPDIR/a2.pdf")"

	# A revoked certificate whose holder no longer qualifies (the check-in was undone) is not re-issued.
	post o "/certificates/$N_a/revoke" "reason=Отметка на входе была ошибочной"
	assert_equal "$code" 303
	sql "UPDATE attendance SET undone_at = NOW() WHERE registration_id = $R_a; CALL coverage_touch($R_a)"
	before=$(cert_state "$R_a")
	post o "/certificates/$N_a/reissue"
	assert_equal "$code" 409
	assert_equal "$(cert_state "$R_a")" "$before"
}

@test "certs: a PDF stored in its row by an earlier version is written out under files_dir when the program starts" {
	issued
	local id h conf=$BATS_TEST_TMPDIR/app.conf pid i
	id=$(sql "SELECT id FROM certificate WHERE registration_id = $R_a")
	sql "UPDATE certificate_file SET sha256 = NULL, pdf = '%PDF-row of $N_a' WHERE certificate_id = $id"
	h=$(printf '%s' "%PDF-row of $N_a" | sha256sum | cut -c1-64)
	# A second certs program of the stack on a socket of its own starts, writes it out, and is stopped.
	sed "s|^certs.listen = .*|certs.listen = $BATS_TEST_TMPDIR/certs.sock|" "$SEM_CONFIG" >"$conf"
	echo 'certs.background_workers = 0' >>"$conf"
	"$ROOT/bin/certs" -c "$conf" </dev/null >"$BATS_TEST_TMPDIR/certs.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[[ $(sql "SELECT sha256 IS NOT NULL FROM certificate_file WHERE certificate_id = $id") == 1 ]] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || true
	assert_equal "$(sql "SELECT CONCAT_WS('|', sha256, pdf IS NULL) FROM certificate_file WHERE certificate_id = $id")" "$h|1"
	get a "/certificates/$N_a.pdf"
	assert_equal "$code" 200
	assert_output "%PDF-row of $N_a"
	run grep -c 'PDFs stored in rows written out' "$BATS_TEST_TMPDIR/certs.log"
	assert_output 1
}

@test "certs: look-up by number and surname: right (any case, е for ё), wrong, unknown, then throttled" {
	issued
	sql "DELETE FROM rate_limit WHERE bucket LIKE 'verify:%'"
	local surname
	surname=$(sql "SELECT SUBSTRING_INDEX(full_name, ' ', 1) FROM person WHERE id = $P_a")
	get - "/certificates/verify"
	assert_equal "$code" 200
	assert_output --partial 'name="surname"'
	get - "/certificates/verify?number=$N_a&surname=$(jq -rn --arg s "$surname" '$s|@uri')"
	assert_equal "$code $location" "303 /certificates/verify/$C_a"
	get - "/certificates/verify?number=$N_a&surname=$(jq -rn --arg s "${surname/Ё/Е}" '$s|ascii_upcase|@uri')"
	assert_equal "$code $location" "303 /certificates/verify/$C_a"
	get - "/certificates/verify?number=$N_a&surname=$(jq -rn --arg s "елкина${surname#Ёлкина}" '$s|@uri')"
	assert_equal "$code $location" "303 /certificates/verify/$C_a"
	local wrong unknown
	get - "/certificates/verify?number=$N_a&surname=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2"
	assert_equal "$code" 404
	wrong=$(alert_text)
	get - "/certificates/verify?number=48-1999-99999&surname=$(jq -rn --arg s "$surname" '$s|@uri')"
	assert_equal "$code" 404
	unknown=$(alert_text)
	assert_equal "$wrong" 'Сертификат не найден. Проверьте номер и фамилию.'
	assert_equal "$unknown" "$wrong"
	get - "/certificates/verify?number=$N_a"
	assert_equal "$code" 400
	# 5 look-ups so far; the limit is 30 per address in 10 minutes.
	local i
	for ((i = 6; i <= 30; i++)); do
		get - "/certificates/verify?number=$N_a&surname=x$i"
		assert_equal "$i $code" "$i 404"
	done
	get - "/certificates/verify?number=$N_a&surname=$(jq -rn --arg s "$surname" '$s|@uri')"
	assert_equal "$code" 429
	assert_equal "$(alert_text)" 'Слишком много проверок с вашего адреса. Подождите 10 минут.'
	sql "DELETE FROM rate_limit WHERE bucket LIKE 'verify:%'"
}

@test "certs: the ZIP has every valid certificate, the printable PDF a page each; both audited" {
	issued
	post o "/certificates/$N_d/revoke" "reason=Проверка выгрузки"
	assert_equal "$code" 303
	attend "$R_c" "$S1" in_person
	attend "$R_c" "$S2" in_person
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 303
	wait_job "$SEMINAR_ID"
	local n_c
	n_c=$(sql "SELECT number FROM certificate WHERE registration_id = $R_c")
	get o "/certificates/seminars/$SEMINAR_ID/certificates.zip"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/zip
	body_to all.zip
	run unzip -Z1 "$BATS_TEST_TMPDIR/all.zip"
	assert_success
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "$(printf '%s\n' "$N_a.pdf" "$n_c.pdf" | sort | tr '\n' ' ')"
	unzip -p "$BATS_TEST_TMPDIR/all.zip" "$n_c.pdf" >"$BATS_TEST_TMPDIR/c.pdf"
	[[ $(pdf_text "$BATS_TEST_TMPDIR/c.pdf") == *Неявкин* ]] || fail "the ZIP's $n_c.pdf is not c's certificate"
	book
	get o "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/pdf
	body_to book.pdf
	run pdfinfo "$BATS_TEST_TMPDIR/book.pdf"
	assert_success
	assert_line --regexp '^Pages: +2$'
	local text
	text=$(pdf_text "$BATS_TEST_TMPDIR/book.pdf")
	[[ $text == *Неявкин* && $text == *Ёлкин* && $text != *Смотрящев* ]] || fail "the printable PDF: $text"
	assert_equal "$(sql "SELECT GROUP_CONCAT(query ORDER BY id SEPARATOR ';') FROM access_journal WHERE action = 'certificates.export' AND object_id = $SEMINAR_ID")" \
		'zip, 2;pdf, 2'
	# A seminar without certificates has nothing to download or print.
	seminar_sql
	get o "/certificates/seminars/$SEMINAR_ID/certificates.zip"
	assert_equal "$code" 404
	get o "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code" 404
	post o "/certificates/seminars/$SEMINAR_ID/book"
	assert_equal "$code" 404
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID")" 0
}

# book: the organiser "o" asks for the seminar's printable PDF and waits until it is made. Sets BOOK (the job's id).
book() {
	post o "/certificates/seminars/$SEMINAR_ID/book"
	[[ $code == 303 && $location =~ ^/certificates/jobs/([0-9]+)$ ]] || fail "book: HTTP $code $location"$'\n'"$output"
	BOOK=${BASH_REMATCH[1]}
	wait_job "$SEMINAR_ID" book
}

# runners STOP|CONT: pauses or resumes the certs program's background runners (its children named «certs runner»);
# fails unless it finds as many as the configuration asks for.
runners() {
	local pid n=0 want
	want=$(sed -n 's/^certs\.background_workers = //p' "$SEM_CONFIG")
	for pid in $(workers certs); do
		[[ $(ps -o comm= -p "$pid") == 'certs runner' ]] || continue
		kill "-$1" "$pid"
		n=$((n + 1))
	done
	[[ $1 == CONT ]] && rm -f "$BATS_FILE_TMPDIR/paused"
	[[ $1 == STOP ]] && : >"$BATS_FILE_TMPDIR/paused"
	((n == ${want:-2})) || fail "$n runners of certs found, not ${want:-2}"
}

# A test that paused the runners and failed leaves them running for the next.
teardown() { [[ ! -e $BATS_FILE_TMPDIR/paused ]] || runners CONT; }

@test "certs: the printable PDF is made in the background with progress, once at a time, and again when out of date" {
	issued
	# While no runner works, the request only queues the book: its page says so, and nothing is there to download.
	runners STOP
	post o "/certificates/seminars/$SEMINAR_ID/book"
	assert_equal "$code" 303
	[[ $location =~ ^/certificates/jobs/([0-9]+)$ ]] || fail "book: $location"
	BOOK=${BASH_REMATCH[1]}
	assert_equal "$(sql "SELECT kind, status, requested_by FROM certificate_job WHERE id = $BOOK")" \
		"book	queued	$(sql "SELECT id FROM person WHERE email = 'organizer@demo.local'")"
	get o "$location"
	assert_equal "$code" 200
	assert_output --partial '<h1>PDF для печати</h1>'
	assert_output --partial 'role="status" aria-live="polite"'
	assert_output --partial '<strong id="cert-job-status">в очереди</strong>'
	assert_output --partial 'Собрано страниц'
	refute_output --partial 'Скачать PDF для печати'
	get o "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code" 404
	# A second request joins the book in progress.
	post o "/certificates/seminars/$SEMINAR_ID/book"
	assert_equal "$code $location" "303 /certificates/jobs/$BOOK"
	get o "/certificates/seminars/$SEMINAR_ID"
	assert_output --partial "PDF для печати: <a href=\"/certificates/jobs/$BOOK\">в очереди</a>"
	runners CONT
	wait_job "$SEMINAR_ID" book
	get_json o "/certificates/jobs/$BOOK"
	assert_equal "$code" 200
	assert_equal "$(jq -r '[.kind, .status, .done, .total, .active] | join(" ")' <<<"$output")" 'book done 2 2 false'
	get o "/certificates/jobs/$BOOK"
	assert_output --regexp "href=\"/certificates/seminars/$SEMINAR_ID/certificates.pdf\"[^>]*>Скачать PDF для печати</a>"
	refute_output --partial 'Собрать заново'
	get o "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/pdf
	assert_equal "$(header content-disposition)" "attachment; filename=\"certificates-$SEMINAR_ID.pdf\""
	body_to book.pdf
	local text
	text=$(pdf_text "$BATS_TEST_TMPDIR/book.pdf")
	[[ $text == *Ёлкин* && $text == *Смотрящев* ]] || fail "the printable PDF: $text"
	# Asked again, the book that holds the certificates as they are is the answer: no second one.
	post o "/certificates/seminars/$SEMINAR_ID/book"
	assert_equal "$code $location" "303 /certificates/jobs/$BOOK"
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID AND kind = 'book'")" 1

	# Another region's organiser and a participant get neither the book, its page nor a new one.
	signup far
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', 23)"
	local who
	for who in far a; do
		get "$who" "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
		assert_equal "$who $code" "$who 403"
		get "$who" "/certificates/jobs/$BOOK"
		assert_equal "$who $code" "$who 403"
		post "$who" "/certificates/seminars/$SEMINAR_ID/book"
		assert_equal "$who $code" "$who 403"
	done
	get - "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code $location" "303 /login?next=/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID AND kind = 'book'")" 1

	# A revoked certificate makes the book out of date: no download, its page offers to make it again.
	post o "/certificates/$N_d/revoke" "reason=Проверка книги"
	assert_equal "$code" 303
	get o "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code" 409
	assert_output --partial 'PDF для печати устарел'
	get o "/certificates/jobs/$BOOK"
	assert_output --partial 'Собрать заново'
	refute_output --partial 'Скачать PDF для печати'
	local old=$BOOK
	book
	[[ $BOOK != "$old" ]] || fail "the out-of-date book was not made again"
	get o "/certificates/seminars/$SEMINAR_ID/certificates.pdf"
	assert_equal "$code" 200
	body_to book2.pdf
	run pdfinfo "$BATS_TEST_TMPDIR/book2.pdf"
	assert_line --regexp '^Pages: +1$'
	text=$(pdf_text "$BATS_TEST_TMPDIR/book2.pdf")
	[[ $text == *Ёлкин* && $text != *Смотрящев* ]] || fail "the new printable PDF: $text"
	# Only the latest book's file is kept.
	assert_equal "$(sql "SELECT id FROM certificate_job WHERE seminar_id = $SEMINAR_ID AND book_sha256 IS NOT NULL")" "$BOOK"
}

@test "certs: the cabinet lists the certificate with a working link; others get 403, guests the login, no CSRF 403" {
	issued
	get a /me
	assert_equal "$code" 200
	assert_output --partial 'Мои сертификаты'
	assert_output --partial "$N_a"
	assert_output --partial "href=\"/certificates/$N_a.pdf\""
	assert_output --partial "href=\"/certificates/verify/$C_a\""
	refute_output --partial "$N_d"
	get a "/certificates/$N_a.pdf"
	assert_equal "$code" 200

	# Another participant: not a's certificate, not the organiser's pages or actions.
	local p before jobs
	get b "/certificates/$N_a.pdf"
	assert_equal "$code" 403
	assert_output --partial 'Этот сертификат может скачать только его владелец или организатор семинара.'
	get a "/certificates/$N_d.pdf"
	assert_equal "$code" 403
	before=$(cert_state "$R_a")
	attend "$R_c" "$S1" in_person
	for p in issue settings; do
		post b "/certificates/seminars/$SEMINAR_ID/$p" "template_id=$(builtin_template)" issuer=Кто signatory=Кто
		assert_equal "$p $code" "$p 403"
	done
	for p in revoke reissue; do
		post a "/certificates/$N_a/$p" reason=Сам
		assert_equal "$p $code" "$p 403"
	done
	for p in "" /certificates.zip /certificates.pdf; do
		get b "/certificates/seminars/$SEMINAR_ID$p"
		assert_equal "$p $code" "$p 403"
	done
	# An organiser of another region.
	signup far
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', 23)"
	get far "/certificates/$N_a.pdf"
	assert_equal "$code" 403
	get far "/certificates/seminars/$SEMINAR_ID"
	assert_equal "$code" 403
	post far "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 403
	post far "/certificates/$N_a/revoke" reason=Чужой
	assert_equal "$code" 403
	get far "/certificates/jobs/$(sql "SELECT MAX(id) FROM certificate_job WHERE seminar_id = $SEMINAR_ID")"
	assert_equal "$code" 403
	# Guests are sent to the login page.
	get - "/certificates/$N_a.pdf"
	assert_equal "$code $location" "303 /login?next=/certificates/$N_a.pdf"
	get - "/certificates/seminars/$SEMINAR_ID"
	assert_equal "$code" 303
	# The organiser without a CSRF token: 403 and nothing written.
	jobs=$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID")
	req o POST "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 403
	req o POST "/certificates/$N_a/revoke" --data-urlencode "reason=Без токена"
	assert_equal "$code" 403
	req o POST "/certificates/$N_a/reissue"
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID")" "$jobs"
	assert_equal "$(cert_state "$R_a")" "$before"
}

@test "certs: no issue for a draft or cancelled seminar (409); settings refuse another region's template (400)" {
	people
	settings
	local st
	for st in draft cancelled; do
		sql "UPDATE seminar SET status = '$st' WHERE id = $SEMINAR_ID; CALL coverage_touch_seminar($SEMINAR_ID)"
		post o "/certificates/seminars/$SEMINAR_ID/issue"
		assert_equal "$st $code" "$st 409"
		assert_equal "$(alert_text)" 'Сертификаты выдаются только по опубликованному или завершённому семинару.'
	done
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_job WHERE seminar_id = $SEMINAR_ID")" 0
	local other before
	other=$(sql "INSERT INTO certificate_template (name, svg, region_id) SELECT 'Чужой', svg, 23 FROM certificate_template
		WHERE id = $(builtin_template); SELECT LAST_INSERT_ID()")
	before=$(sql "SELECT template_id FROM seminar_certificate WHERE seminar_id = $SEMINAR_ID")
	post o "/certificates/seminars/$SEMINAR_ID/settings" "template_id=$other" issuer=ЦУР signatory=Директор
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Этот шаблон недоступен для семинара. Выберите шаблон из списка.'
	post o "/certificates/seminars/$SEMINAR_ID/settings" "template_id=$(builtin_template)" issuer=ЦУР
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT template_id FROM seminar_certificate WHERE seminar_id = $SEMINAR_ID")" "$before"
	sql "DELETE FROM certificate_template WHERE id = $other"
}
