#!/usr/bin/env bats
# The waiting list's priority option: organisations never trained in a seminar's sectors first, first come within
# each group; promotions, the seminar page, the cabinet, the participants list and its export in that one order;
# switching it tells those waiting why their place changed; under a burst of parallel sign-ups and cancellations
# exactly the capacity is confirmed; the option off keeps first come; bad input to the form is refused.
#
# A region of its own: schools Т1 and Т2 trained in education (their people attended a seminar, checked in at the
# door), schools У1 and У2 never trained, the house of culture К1 trained in culture only (so never in education),
# and a person without an organisation. The people are made in the database with signed-in sessions (web_sessions).

load helpers

CROWD=60 # the burst: 40 people of Т1 and Т2, 20 of У1 and У2

setup_file() {
	local run="wl-$$-${EPOCHREALTIME/[.,]/}" dir=$BATS_FILE_TMPDIR h
	h=$(demo_hash)
	[[ -n $h ]] || return 1
	echo "$run" >"$dir/run"
	sql "SET @r = (SELECT MIN(seq) FROM seq_100_to_9999 WHERE seq NOT IN (SELECT id FROM region));
	     INSERT INTO region (id, name) VALUES (@r, 'Регион $run');
	     INSERT INTO district (region_id, name) VALUES (@r, 'Район $run');
	     SET @d = (SELECT id FROM district WHERE region_id = @r);
	     INSERT INTO organization (district_id, sector_id, name, short_name, active) VALUES
	       (@d, 1, 'МБОУ Т1 $run', 'Т1', TRUE), (@d, 1, 'МБОУ Т2 $run', 'Т2', TRUE),
	       (@d, 1, 'МБОУ У1 $run', 'У1', TRUE), (@d, 1, 'МБОУ У2 $run', 'У2', TRUE),
	       (@d, 3, 'МБУК К1 $run', 'К1', TRUE);
	     CALL register_recount(@d);
	     CREATE TEMPORARY TABLE who (n VARCHAR(16), o VARCHAR(4));
	     INSERT INTO who VALUES ('a1', 'Т1'), ('a2', 'Т2'), ('k0', 'К1'), ('t1', 'Т1'), ('t2', 'Т2'), ('u1', 'У1'),
	       ('u2', 'У2'), ('k1', 'К1'), ('n1', NULL), ('f1', 'У1'), ('f2', 'У2'), ('org', NULL);
	     INSERT INTO who SELECT CONCAT('c', seq), IF(seq <= 40, IF(seq % 2, 'Т1', 'Т2'), IF(seq % 2, 'У1', 'У2'))
	       FROM seq_1_to_$CROWD;
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
	                         consent_version)
	     SELECT CONCAT('$run-', w.n, '@example.test'), $h, CONCAT('Очередь ', w.n), CONCAT('Очереди ', w.n),
	            'Администратор госпаблика', o.id, NOW(), '2026-01'
	     FROM who w LEFT JOIN organization o ON o.short_name = w.o AND o.district_id = @d;
	     INSERT INTO role_grant (person_id, role, region_id)
	     SELECT id, 'organizer', @r FROM person WHERE email = '$run-org@example.test';
	     SELECT @r, @d" >"$dir/region"
	sql "SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1), id FROM person
	     WHERE email LIKE '$run-%' ORDER BY id" | web_sessions "$dir/people"
	[[ $(wc -l <"$dir/people") == $((CROWD + 12)) ]]
}

# The seminars of this file leave the catalogue through the organiser's API (so their coverage follows).
teardown_file() {
	[[ -r $BATS_FILE_TMPDIR/region ]] || return 0
	setup
	finish_seminars "$R"
}

setup() {
	sessions_load "$BATS_FILE_TMPDIR"/people
	read -r R D <"$BATS_FILE_TMPDIR/region"
	RUN=$(cat "$BATS_FILE_TMPDIR/run")
}

# wl_seminar [COLUMN=SQL ...]: a published in-person education seminar of the region (see seminar_sql), 2 places.
wl_seminar() {
	seminar_sql "title=$(sql_str "Очередь $RUN $RANDOM")" "region_id=$R" "district_id=$D" \
		"organizer_id=${PID_OF[org]}" "format='in_person'" "$@"
}

# enrol WHO SEMINAR: an in-person sign-up through the API; sets REG_ID and REG_STATUS, and REG[WHO].
enrol() {
	call "$1" POST "/seminars/$2/register" --data-urlencode mode=in_person --data-urlencode "idem=$(idem_key)"
	[[ $code == 200 ]] || fail "sign-up of $1 to $2: HTTP $code $output"
	REG_ID=$(jq -r '.registration.id' <<<"$output")
	REG_STATUS=$(jq -r '.registration.status' <<<"$output")
	REG[$1]=$REG_ID
}

# cancel WHO: cancels WHO's registration (REG[WHO]) through the API.
cancel() {
	call "$1" POST "/registrations/${REG[$1]}/cancel"
	[[ $code == 200 ]] || fail "cancellation of $1: HTTP $code $output"
}

# option SEMINAR 0|1: the organiser saves the seminar's form with the priority option off or on; the form sends
# every field (seminar_fields), here as the seminar made by wl_seminar has them.
option() {
	local on=()
	[[ $2 == 1 ]] && on=(--data-urlencode untrained_first=1)
	form_post "$1" "${on[@]}"
	[[ $code == 303 ]] || fail "the form with the option $2: HTTP $code $output"
	[[ $(sql "SELECT untrained_first FROM seminar WHERE id = $1") == "$2" ]] || fail "the option is not $2"
}

# form_post SEMINAR [curl args...]: the organiser's POST /manage/seminars/SEMINAR with the seminar's own values.
form_post() {
	local id=$1 a args=() fields
	shift
	mapfile -t fields < <(form_merge "$(seminar_fields)" format=in_person cap_online= "region_id=$R" "district_id=$D" \
		sector_id=1 "cap_in_person=$(sql "SELECT cap_in_person FROM seminar WHERE id = $id")")
	for a in "${fields[@]}"; do args+=(--data-urlencode "$a"); done
	call org POST "/manage/seminars/$id" "${args[@]}" "$@"
}

# queue WHO...: "who:position" of each person as their seminar page shows it (the last seminar, SEMINAR_ID).
queue() {
	local w out=()
	for w in "$@"; do
		call "$w" GET "/seminars/$SEMINAR_ID"
		out+=("$w:$(jq -r '.registration.position // "-"' <<<"$output")")
	done
	echo "${out[*]}"
}

# note WHO: the explanation WHO's seminar page gives of the waiting list's order (empty when none).
note() {
	call "$1" GET "/seminars/$SEMINAR_ID"
	jq -r '.registration.queue_note // ""' <<<"$output"
}

# waiting: the names of the organiser's participants list filtered to the waiting list, in its order, with
# "*" after those of the first group; and its queue positions must be 1, 2, ...
waiting() {
	call org GET "/manage/seminars/$SEMINAR_ID/participants?status=waitlisted"
	[[ $code == 200 ]] || fail "participants: HTTP $code"
	[[ $(jq '[.participants[].queue_position] == [range(1; 1 + (.participants | length))]' <<<"$output") == true ]] ||
		fail "queue positions of the participants list: $(jq -c '[.participants[].queue_position]' <<<"$output")"
	jq -r '[.participants[] | (.full_name | sub("Очередь "; "")) + (if .first_group == 1 then "*" else "" end)] | join(" ")' \
		<<<"$output"
}

# html WHO PATH: the HTML page as WHO's browser gets it.
html() { req - GET "$2" -H "Cookie: sid=${SID_OF[$1]}"; }

# words: the words of stdin sorted, on one line.
words() { tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//'; }

# confirmed: the names of the seminar's confirmed people, sorted.
confirmed() {
	sql "SELECT GROUP_CONCAT(SUBSTRING(p.full_name, 9) SEPARATOR ' ') FROM registration r
	     JOIN person p ON p.id = r.person_id WHERE r.seminar_id = $SEMINAR_ID AND r.status = 'confirmed'" | words
}

# trained: Т1 and Т2 in education, К1 in culture, once (their people checked in at the door of a seminar).
trained() {
	local s sector who who_list
	[[ -e $BATS_FILE_TMPDIR/trained ]] && return 0
	for s in 1:a1,a2 3:k0; do
		sector=${s%%:*} who_list=${s#*:}
		wl_seminar "sector=$sector" cap_in_person=5
		local session
		session=$(sql "SELECT MIN(id) FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
		for who in ${who_list//,/ }; do
			declare -gA REG
			enrol "$who" "$SEMINAR_ID"
			door "$SEMINAR_ID" "$session" "$REG_ID"
		done
	done
	run sql "SELECT GROUP_CONCAT(o.short_name, ':', c.sector_id ORDER BY o.short_name) FROM coverage_org c
	         JOIN organization o ON o.id = c.organization_id WHERE o.district_id = $D AND c.period = 'all'"
	assert_output 'К1:3,Т1:1,Т2:1'
	touch "$BATS_FILE_TMPDIR/trained"
}

@test "option on: untrained organisations first, first come in each group; promotions, pages and exports in that order" {
	declare -gA REG
	trained
	wl_seminar
	local id=$SEMINAR_ID
	# The organiser switches the option on in the seminar's form, and sees it there.
	call org GET "/manage/seminars/$id"
	assert_equal "$(jq -r .form.untrained_first <<<"$output")" false
	option "$id" 1
	call org GET "/manage/seminars/$id"
	assert_equal "$(jq -r .form.untrained_first <<<"$output")" true
	html org "/manage/seminars/$id"
	assert_output --regexp '<input [^>]*name="untrained_first" [^>]*checked="checked"'
	html n1 "/seminars/$id"
	assert_output --partial 'сначала получают организации, ещё не проходившие обучение'

	enrol f1 "$id"
	enrol f2 "$id"
	assert_equal "$REG_STATUS" confirmed
	# The waiting list in the order of signing up: Т1, У1, none, Т2, У2, К1.
	for w in t1 u1 n1 t2 u2 k1; do
		enrol "$w" "$id"
		assert_equal "$REG_STATUS" waitlisted
	done
	assert_equal "$(queue u1 u2 k1 t1 n1 t2)" "u1:1 u2:2 k1:3 t1:4 n1:5 t2:6"
	assert_equal "$(waiting)" "u1* u2* k1* t1 n1 t2"
	run note u2
	assert_output 'Места в листе ожидания сначала получают организации, ещё не проходившие обучение по этому направлению. Ваша организация — в их числе: вы в первой группе.'
	run note t1
	assert_output --partial 'Ваша организация уже проходила обучение (или не указана в профиле), поэтому вы во второй группе'
	run note n1
	assert_output --partial 'вы во второй группе'
	# The cabinet says the same.
	call k1 GET /me
	assert_equal "$(jq -r --arg u "/seminars/$id" '.registrations.upcoming[] | select(.seminar_url == $u) | "\(.position) \(.queue_note)"' <<<"$output")" \
		'3 Места в листе ожидания сначала получают организации, ещё не проходившие обучение по этому направлению. Ваша организация — в их числе: вы в первой группе.'
	html t2 /me
	assert_output --partial 'место в листе ожидания: 6'
	assert_output --partial 'вы во второй группе'
	# The export (CSV with ';', Excel in Russian) lists the waiting list in the same order, with the same positions.
	call org GET "/manage/seminars/$id/participants.csv?status=waitlisted"
	assert_equal "$code" 200
	run python3 -c 'import csv, sys; print(" ".join(r[1].replace("Очередь ", "") + ":" + r[9] for r in list(csv.reader(sys.stdin, delimiter=";"))[1:]))' <<<"$output"
	assert_output "u1:1 u2:2 k1:3 t1:4 n1:5 t2:6"

	# Cancellations promote in that order: У1, У2, К1, then the first come of the others (Т1).
	cancel f1
	assert_equal "$(confirmed)" "f2 u1"
	cancel f2
	assert_equal "$(confirmed)" "u1 u2"
	cancel u1
	assert_equal "$(confirmed)" "k1 u2"
	assert_equal "$(waiting)" "t1 n1 t2"
	cancel k1
	assert_equal "$(confirmed)" "t1 u2"
	assert_equal "$(queue n1 t2)" "n1:1 t2:2"
	run reconcile
	assert_output ''
}

@test "switching the option reorders the waiting list and says why; off, first come as before" {
	declare -gA REG
	trained
	wl_seminar cap_in_person=1
	local id=$SEMINAR_ID
	enrol f1 "$id"
	for w in t1 u1 t2 u2; do enrol "$w" "$id"; done
	assert_equal "$(queue t1 u1 t2 u2)" "t1:1 u1:2 t2:3 u2:4"
	assert_equal "$(note u1)" ''
	assert_equal "$(waiting)" "t1 u1 t2 u2"

	option "$id" 1
	assert_equal "$(queue t1 u1 t2 u2)" "t1:3 u1:1 t2:4 u2:2"
	assert_equal "$(waiting)" "u1* u2* t1 t2"
	run note t1
	assert_output --partial 'вы во второй группе'

	option "$id" 0
	assert_equal "$(queue t1 u1 t2 u2)" "t1:1 u1:2 t2:3 u2:4"
	run note u1
	assert_output 'Организатор отменил приоритет для организаций, ещё не проходивших обучение: места в листе ожидания снова получают в порядке записи.'
	# Saving the form again without a switch dates nothing; one who joins later is told nothing.
	local changed
	changed=$(sql "SELECT queue_rule_changed_at FROM seminar WHERE id = $id")
	option "$id" 0
	assert_equal "$(sql "SELECT queue_rule_changed_at FROM seminar WHERE id = $id")" "$changed"
	enrol k1 "$id"
	assert_equal "$(queue k1)" "k1:5"
	assert_equal "$(note k1)" ''

	# Off: the first come goes first, trained or not.
	cancel f1
	assert_equal "$(confirmed)" "t1"
	cancel t1
	assert_equal "$(confirmed)" "u1"
	assert_equal "$(waiting)" "t2 u2 k1"
	run reconcile
	assert_output ''
}

@test "the option in the form: a bad value is refused with nothing changed, a participant may not set it" {
	declare -gA REG
	wl_seminar
	local id=$SEMINAR_ID before
	before=$(sql "SELECT untrained_first, IFNULL(queue_rule_changed_at, '-'), title FROM seminar WHERE id = $id")
	for bad in yes 2 0 'on on'; do
		form_post "$id" --data-urlencode "untrained_first=$bad"
		assert_equal "$code" 400
		assert_equal "$(sql "SELECT untrained_first, IFNULL(queue_rule_changed_at, '-'), title FROM seminar WHERE id = $id")" "$before"
	done
	call org GET "/manage/seminars/$id"
	assert_equal "$(jq -r .form.untrained_first <<<"$output")" false
	call u1 POST "/manage/seminars/$id" --data-urlencode untrained_first=1
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT untrained_first FROM seminar WHERE id = $id")" 0
}

# crowd_entry NAME METHOD-PATH DATA: one transfer of a curl config (-K) as the person NAME, its answer in
# answers/TAG, "<code> TAG" on curl's output.
crowd_entry() {
	printf 'url = "%s%s"\nheader = "Accept: application/json"\nheader = "Cookie: sid=%s"\n' "$BASE_URL" "$2" "${SID_OF[$1]}"
	printf 'header = "X-CSRF-Token: %s"\ndata = "%s"\noutput = "%s"\nwrite-out = "%%{http_code} %s\\n"\nnext\n' \
		"${CSRF_OF[$1]}" "$3" "$BATS_TEST_TMPDIR/answers/$4" "$4"
}

# burst CONFIG: every transfer of CONFIG at once; fails unless each answers 200.
burst() {
	mkdir -p "$BATS_TEST_TMPDIR/answers"
	sed '${/^next$/d}' "$1" >"$1.k"
	curl -sS --no-progress-meter --max-time 50 --parallel --parallel-immediate --parallel-max 100 -K "$1.k" >"$1.out" 2>"$1.err"
	[[ $(grep -c '^200 ' "$1.out") == $(grep -c '^url' "$1.k") ]] || fail "$1: $(cut -d' ' -f1 "$1.out" | sort | uniq -c | tr '\n' ' ')"
}

# expected_order: the seminar's waiting list as the rule says, computed here from the organisations: У1 and У2
# (never trained) first, then Т1 and Т2; first come (queued_at, id) in each.
expected_order() {
	sql "SELECT GROUP_CONCAT(SUBSTRING(p.full_name, 9) ORDER BY o.short_name NOT LIKE 'У%', r.queued_at, r.id SEPARATOR ' ')
	     FROM registration r JOIN person p ON p.id = r.person_id JOIN organization o ON o.id = r.organization_id
	     WHERE r.seminar_id = $SEMINAR_ID AND r.status = 'waitlisted'"
}

@test "a burst of parallel sign-ups and cancellations with the option on: exactly the capacity confirmed, the queue in order" {
	declare -gA REG
	local i conf=$BATS_TEST_TMPDIR/burst.conf
	trained
	wl_seminar cap_in_person=20 untrained_first=1
	local id=$SEMINAR_ID
	# 20 people of trained schools take the places at once.
	: >"$conf"
	for ((i = 1; i <= 20; i++)); do crowd_entry "c$i" "/seminars/$id/register" "mode=in_person&idem=$(idem_key)-$i" "a$i" >>"$conf"; done
	burst "$conf"
	run sql "SELECT status, COUNT(*) FROM registration WHERE seminar_id = $id GROUP BY status"
	assert_output $'confirmed\t20'

	# At once: 20 more of trained schools and 20 of untrained ones sign up, 10 of the first 20 cancel.
	: >"$conf"
	for ((i = 21; i <= 60; i++)); do crowd_entry "c$i" "/seminars/$id/register" "mode=in_person&idem=$(idem_key)-$i" "b$i" >>"$conf"; done
	for ((i = 1; i <= 10; i++)); do
		crowd_entry "c$i" "/registrations/$(sql "SELECT id FROM registration WHERE seminar_id = $id AND person_id = ${PID_OF[c$i]}")/cancel" "" "x$i" >>"$conf"
	done
	burst "$conf"
	run sql "SELECT status, COUNT(*) FROM registration WHERE seminar_id = $id GROUP BY status ORDER BY status"
	assert_output $'confirmed\t20\nwaitlisted\t30\ncancelled\t10'
	run sql "SELECT taken_in_person FROM seminar WHERE id = $id"
	assert_output 20
	assert_equal "$(waiting | tr -d '*')" "$(expected_order)"
	run reconcile
	assert_output ''

	# 10 confirmed cancel at once: exactly the first 10 of the waiting list get the places, the rest keep their order.
	local before stay first10 rest gone=
	before=$(waiting | tr -d '*')
	first10=$(tr ' ' '\n' <<<"$before" | head -10 | tr '\n' ' ')
	rest=$(tr ' ' '\n' <<<"$before" | tail -n +11 | tr '\n' ' ' | sed 's/ $//')
	: >"$conf"
	rm -rf "$BATS_TEST_TMPDIR/answers"
	while read -r name rid; do
		crowd_entry "$name" "/registrations/$rid/cancel" "" "y$rid" >>"$conf"
		gone+=" $name"
	done < <(sql "SELECT SUBSTRING(p.full_name, 9), r.id FROM registration r JOIN person p ON p.id = r.person_id
	              WHERE r.seminar_id = $id AND r.status = 'confirmed' ORDER BY RAND() LIMIT 10")
	stay=$(confirmed | tr ' ' '\n' | grep -vxF -f <(tr ' ' '\n' <<<"$gone" | grep .) | tr '\n' ' ')
	burst "$conf"
	assert_equal "$(confirmed)" "$(words <<<"$stay $first10")"
	assert_equal "$(waiting | tr -d '*')" "$rest"
	run sql "SELECT status, COUNT(*) FROM registration WHERE seminar_id = $id GROUP BY status ORDER BY status"
	assert_output $'confirmed\t20\nwaitlisted\t20\ncancelled\t20'
	run sql "SELECT taken_in_person FROM seminar WHERE id = $id"
	assert_output 20
	run reconcile
	assert_output ''
}
