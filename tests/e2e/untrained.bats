#!/usr/bin/env bats
# Invitations to the untrained through the local SMTP server: the preview counts the people the database says, the
# district filter holds, each letter arrives once, the weekly cap holds, the coverage report counts the invited and
# those of them who signed up; another region's organiser and bad input are refused with nothing written; the
# seminar's notices page lists what went out.

load helpers

setup_file() {
	local run dir=$BATS_FILE_TMPDIR
	run=$(region_run unt)
	# Districts А, Б and В. Schools (education, sector 1): А1 (p1, p8; p2 turned organisers' messages off), А2 (p3;
	# trained: see the first test), Б1 (p5; p6 never confirmed the address), В1 (p7); the house of culture А3 (p4,
	# culture). "org" organises seminars in the region.
	sql "$(region_sql "$run")
	     INSERT INTO district (region_id, name) VALUES (@r, 'Район А'), (@r, 'Район Б'), (@r, 'Район В');
	     SET @a = (SELECT id FROM district WHERE region_id = @r AND name = 'Район А'),
	         @b = (SELECT id FROM district WHERE region_id = @r AND name = 'Район Б'),
	         @c = (SELECT id FROM district WHERE region_id = @r AND name = 'Район В');
	     INSERT INTO organization (district_id, sector_id, name, short_name) VALUES
	       (@a, 1, 'МБОУ А1 $run', 'А1'), (@a, 1, 'МБОУ А2 $run', 'А2'), (@a, 3, 'МБУК А3 $run', 'А3'),
	       (@b, 1, 'МБОУ Б1 $run', 'Б1'), (@c, 1, 'МБОУ В1 $run', 'В1');
	     CALL register_recount(@a);
	     CALL register_recount(@b);
	     CALL register_recount(@c);
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
	                         consent_version)
	     SELECT CONCAT('$run-', x.n, '@example.test'), $(demo_hash), CONCAT('Приглашаева ', x.n), CONCAT('Приглашаевой ', x.n),
	            'Администратор госпаблика', o.id, NOW(), '2026-01'
	     FROM (SELECT 'p1' n, 'А1' o UNION ALL SELECT 'p2', 'А1' UNION ALL SELECT 'p3', 'А2' UNION ALL SELECT 'p4', 'А3'
	           UNION ALL SELECT 'p5', 'Б1' UNION ALL SELECT 'p6', 'Б1' UNION ALL SELECT 'p7', 'В1'
	           UNION ALL SELECT 'p8', 'А1') x
	     JOIN organization o ON o.short_name = x.o AND o.district_id IN (@a, @b, @c);
	     UPDATE person SET mail_organizer = FALSE WHERE email = '$run-p2@example.test';
	     UPDATE person SET email_confirmed_at = NULL WHERE email = '$run-p6@example.test';
	     $(organizer_sql "$run")
	     SELECT @r, @a, @b, @c" >"$dir/region"
	people_sessions "$run" "$dir/people"
	[[ $(wc -l <"$dir/people") == 9 ]]
}

teardown_file() { region_finish; }

setup() {
	sessions_load "$BATS_FILE_TMPDIR"/people
	read -r R DA DB DC <"$BATS_FILE_TMPDIR/region"
	RUN=$(cat "$BATS_FILE_TMPDIR/run")
}

# email WHO: the address of a person of this file.
email() { echo "$RUN-$1@example.test"; }

# inv_seminar [COLUMN=SQL ...]: a published education seminar of the organiser in district А (see seminar_sql).
inv_seminar() {
	seminar_sql "title=$(sql_str "Приглашение $RUN $RANDOM")" "region_id=$R" "district_id=$DA" \
		"organizer_id=${PID_OF[org]}" cap_in_person=20 "$@"
}

# invite WHO SEMINAR [name=value ...]: the invitation form's POST as a script sends it (JSON answer).
invite() {
	local a args=()
	for a in "${@:3}"; do args+=(--data-urlencode "$a"); done
	call "$1" POST "/manage/seminars/$2/invite" "${args[@]}"
}

# preview SEMINAR [district_id=ID ...]: the organiser's preview; sets PEOPLE and ORGS.
preview() {
	invite org "$@"
	[[ $code == 200 ]] || fail "preview of $1: HTTP $code $output"
	read -r PEOPLE ORGS < <(jq -r '[.preview.people, .preview.orgs] | @tsv' <<<"$output")
}

# invited SEMINAR: the people of this file invited to the seminar, by name ("p1 p7").
invited() {
	sql "SELECT IFNULL(GROUP_CONCAT(SUBSTRING_INDEX(SUBSTRING_INDEX(p.email, '@', 1), '-', -1) ORDER BY p.email
	     SEPARATOR ' '), '') FROM untrained_invite i JOIN person p ON p.id = i.person_id WHERE i.seminar_id = $1"
}

# week_free: the invitations of this file's region move a week back, so the weekly cap starts afresh.
week_free() { sql "UPDATE untrained_invite SET invited_at = invited_at - INTERVAL 8 DAY WHERE region_id = $R"; }

# written: one line with the rows an invitation could write.
written() {
	sql "SELECT (SELECT COUNT(*) FROM untrained_invite), (SELECT COUNT(*) FROM mail_message),
	     (SELECT COUNT(*) FROM audit_log)"
}

# audience SEMINAR DISTRICTS: the audience counted straight from the tables ("people orgs"), as the feature's
# description says: active register organisations of the seminar's region (of DISTRICTS, a comma list, or all
# when empty) and sectors, never trained in their sector, people confirmed, taking organisers' messages, not
# signed up, not invited to it, invited fewer than 2 times in 7 days.
audience() {
	sql "SELECT COUNT(*), COUNT(DISTINCT o.id) FROM seminar s
	     JOIN seminar_sector x ON x.seminar_id = s.id
	     JOIN organization o ON o.sector_id = x.sector_id AND o.active AND o.status = 'register'
	     JOIN district d ON d.id = o.district_id AND d.region_id = s.region_id
	     JOIN person p ON p.organization_id = o.id
	     WHERE s.id = $1 AND ('$2' = '' OR FIND_IN_SET(d.id, '$2'))
	       AND p.email_confirmed_at IS NOT NULL AND p.mail_organizer AND p.disabled_at IS NULL
	       AND o.id NOT IN (SELECT organization_id FROM coverage_org WHERE period = 'all' AND n > 0)
	       AND p.id NOT IN (SELECT person_id FROM registration WHERE seminar_id = s.id AND status <> 'cancelled')
	       AND p.id NOT IN (SELECT person_id FROM untrained_invite WHERE seminar_id = s.id)
	       AND p.id NOT IN (SELECT person_id FROM untrained_invite WHERE invited_at > NOW() - INTERVAL 7 DAY
	                        GROUP BY person_id HAVING COUNT(*) >= 2)" | tr '\t' ' '
}

@test "the preview counts the people the database says, of the whole region or of chosen districts; trained, opted out, unconfirmed and other sectors are left out" {
	# А2 becomes trained: p3 attended an education seminar of the region.
	inv_seminar
	call p3 POST "/seminars/$SEMINAR_ID/register" --data-urlencode mode=in_person --data-urlencode "idem=$(idem_key)"
	[[ $code == 200 ]] || fail "sign-up of p3: HTTP $code $output"
	attend "$(jq -r .registration.id <<<"$output")" "$(sql "SELECT MIN(id) FROM seminar_session WHERE seminar_id = $SEMINAR_ID")" in_person
	[[ $(sql "SELECT n > 0 FROM coverage_org c JOIN person p ON p.organization_id = c.organization_id
	          WHERE p.id = ${PID_OF[p3]} AND c.period = 'all'") == 1 ]] || fail "А2 is not trained"

	inv_seminar
	preview "$SEMINAR_ID"
	assert_equal "$PEOPLE $ORGS" "4 3"
	assert_equal "$PEOPLE $ORGS" "$(audience "$SEMINAR_ID" '')"
	preview "$SEMINAR_ID" "district_id=$DA"
	assert_equal "$PEOPLE $ORGS" "2 1"
	assert_equal "$PEOPLE $ORGS" "$(audience "$SEMINAR_ID" "$DA")"
	preview "$SEMINAR_ID" "district_id=$DB" "district_id=$DC"
	assert_equal "$PEOPLE $ORGS" "2 2"
	assert_equal "$PEOPLE $ORGS" "$(audience "$SEMINAR_ID" "$DB,$DC")"
	# A culture seminar: only the house of culture's p4.
	inv_seminar sector=3
	preview "$SEMINAR_ID"
	assert_equal "$PEOPLE $ORGS" "1 1"
	# The page: the form with the region's districts, and the preview's numbers.
	req - POST "/manage/seminars/$SEMINAR_ID/invite" -H "Cookie: sid=${SID_OF[org]}" \
		--data-urlencode "csrf=${CSRF_OF[org]}"
	assert_equal "$code" 200
	assert_output --partial 'Район В'
	assert_regex "$output" 'class="invite-people">1<'
	# Nothing was written by the previews.
	assert_equal "$(invited "$SEMINAR_ID")" ""
}

@test "the district filter holds; each letter arrives once, with the seminar's link and the one-click opt-out; a second sending invites nobody" {
	local before
	week_free
	inv_seminar
	before=$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'mail.untrained_invite' AND object_id = $SEMINAR_ID")
	invite org "$SEMINAR_ID" "district_id=$DB" send=1
	assert_equal "$code" 200
	assert_equal "$(invited "$SEMINAR_ID")" "p5"
	mail_wait "$(email p5)" "Приглашение на семинар «$SEMINAR_TITLE»"
	text=$(mail_get text)
	assert_regex "$text" "$BASE_URL/seminars/$SEMINAR_ID"
	assert_regex "$text" "ещё не проходила обучение"
	assert_regex "$(mail_get list-unsubscribe)" "$BASE_URL/unsubscribe/${PID_OF[p5]}/organizer/"
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'mail.untrained_invite' AND object_id = $SEMINAR_ID
	                     AND person_id = ${PID_OF[org]} AND detail LIKE 'people=1 orgs=1 districts=$DB %'")" 1
	# The rest of the region: p1, p8 and p7; p5 is not invited twice.
	invite org "$SEMINAR_ID" send=1
	assert_equal "$code" 200
	assert_equal "$(invited "$SEMINAR_ID")" "p1 p5 p7 p8"
	for p in p1 p7 p8; do mail_wait "$(email "$p")" "Приглашение на семинар «$SEMINAR_TITLE»"; done
	# Again: nobody left, 409, nothing written.
	written=$(written)
	invite org "$SEMINAR_ID" send=1
	assert_equal "$code" 409
	assert_equal "$(written)" "$written"
	sleep 2
	for p in p1 p5 p7 p8; do
		assert_equal "$(mail_count "$(email "$p")" "Приглашение на семинар «$SEMINAR_TITLE»")" 1
	done
	for p in p2 p3 p4 p6; do
		assert_equal "$(mail_count "$(email "$p")" "Приглашение на семинар «$SEMINAR_TITLE»")" 0
	done
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'mail.untrained_invite' AND object_id = $SEMINAR_ID")" \
		$((before + 2))
}

@test "the weekly cap: at most untrained_week_limit (2) invitations in seven days per person" {
	local s1 s2 s3
	week_free
	inv_seminar && s1=$SEMINAR_ID
	inv_seminar && s2=$SEMINAR_ID
	inv_seminar && s3=$SEMINAR_ID
	invite org "$s1" "district_id=$DC" send=1
	assert_equal "$code" 200
	invite org "$s2" "district_id=$DC" send=1
	assert_equal "$code" 200
	preview "$s3" "district_id=$DC"
	assert_equal "$PEOPLE $ORGS" "0 0"
	invite org "$s3" "district_id=$DC" send=1
	assert_equal "$code" 409
	assert_equal "$(invited "$s3")" ""
	# A week later the cap is free again.
	week_free
	invite org "$s3" "district_id=$DC" send=1
	assert_equal "$code" 200
	assert_equal "$(invited "$s3")" "p7"
	mail_wait "$(email p7)" "Приглашение на семинар «$(sql "SELECT title FROM seminar WHERE id = $s3")»"
}

@test "the weekly cap holds when several seminars invite the same person at the same moment" {
	local s codes ids=()
	week_free
	inv_seminar
	invite org "$SEMINAR_ID" "district_id=$DC" send=1
	assert_equal "$code" 200
	for _ in 1 2 3 4; do
		inv_seminar
		ids+=("$SEMINAR_ID")
	done
	for s in "${ids[@]}"; do
		curl -sS --max-time 20 -o /dev/null -w '%{http_code}\n' -H "Cookie: sid=${SID_OF[org]}" \
			-H "X-CSRF-Token: ${CSRF_OF[org]}" -H 'Accept: application/json' --data-urlencode "district_id=$DC" \
			--data-urlencode send=1 "$BASE_URL/manage/seminars/$s/invite" >>"$BATS_TEST_TMPDIR/codes" &
	done
	wait
	codes=$(sort "$BATS_TEST_TMPDIR/codes" | tr '\n' ' ')
	assert_equal "$codes" "200 409 409 409 "
	assert_equal "$(sql "SELECT COUNT(*) FROM untrained_invite WHERE person_id = ${PID_OF[p7]}
	                     AND invited_at > NOW() - INTERVAL 7 DAY")" 2
}

@test "another region's organiser, a participant and bad input are refused with nothing written" {
	local written
	week_free
	inv_seminar
	login_demo other organizer
	written=$(written)
	csrf other
	req other POST "/manage/seminars/$SEMINAR_ID/invite" --data-urlencode "csrf=$TOKEN" --data-urlencode send=1
	assert_equal "$code" 403
	req other GET "/manage/seminars/$SEMINAR_ID/invite"
	assert_equal "$code" 403
	req other GET "/manage/seminars/$SEMINAR_ID/notices"
	assert_equal "$code" 403
	invite p1 "$SEMINAR_ID" send=1
	assert_equal "$code" 403
	# A district of another region, a district that is no number, no CSRF token, no such seminar, a draft.
	invite org "$SEMINAR_ID" district_id=16 send=1
	assert_equal "$code" 400
	invite org "$SEMINAR_ID" district_id=abc send=1
	assert_equal "$code" 400
	req - POST "/manage/seminars/$SEMINAR_ID/invite" -H "Cookie: sid=${SID_OF[org]}" --data-urlencode send=1
	assert_equal "$code" 403
	invite org 999999999 send=1
	assert_equal "$code" 404
	sql "UPDATE seminar SET status = 'draft' WHERE id = $SEMINAR_ID"
	invite org "$SEMINAR_ID" send=1
	assert_equal "$code" 409
	assert_equal "$(written)" "$written"
}

@test "the coverage report counts per district the invited and those of them signed up, on the page and in its exports" {
	local year
	year=$(date +%Y)
	week_free
	inv_seminar
	invite org "$SEMINAR_ID" send=1
	assert_equal "$code" 200
	call p1 POST "/seminars/$SEMINAR_ID/register" --data-urlencode mode=in_person --data-urlencode "idem=$(idem_key)"
	assert_equal "$code" 200
	login_demo adm admin
	get_json adm "/reports/coverage?region=$R&period=$year"
	assert_equal "$code" 200
	# Every district's numbers are the database's.
	expected=$(sql "SELECT d.name, COUNT(i.person_id), COUNT(r.id) FROM district d
	                LEFT JOIN untrained_invite i ON i.district_id = d.id AND YEAR(i.invited_at) = $year
	                LEFT JOIN registration r ON r.seminar_id = i.seminar_id AND r.person_id = i.person_id
	                  AND r.status <> 'cancelled'
	                WHERE d.region_id = $R GROUP BY d.id ORDER BY d.name" | tr '\t' ' ')
	assert_equal "$(jq -r '.rows | sort_by(.name)[] | "\(.name) \(.total.invited) \(.total.signed_up)"' <<<"$output")" \
		"$expected"
	assert_regex "$(jq -r '.rows[] | select(.name == "Район А") | .total.signed_up' <<<"$output")" '^[1-9]'
	total=$(jq -r '"\(.totals.total.invited);\(.totals.total.signed_up)"' <<<"$output")
	get adm "/reports/coverage?region=$R&period=$year"
	assert_output --partial 'Приглашения необученным'
	get adm "/reports/coverage.csv?region=$R&period=$year"
	assert_equal "$code" 200
	output=${output//$'\r'/}
	assert_regex "$(sed -n 1p <<<"$output")" ';Приглашено необученных;Из них записались$'
	assert_equal "$(grep '^Итого по региону;' <<<"$output" | awk -F';' '{print $(NF-1) ";" $NF}')" "$total"
}

@test "the seminar's notices: per kind and sending, recipients and queued, sent and failed letters, linked from its page" {
	week_free
	inv_seminar
	invite org "$SEMINAR_ID" "district_id=$DA" send=1
	assert_equal "$code" 200
	call p5 POST "/seminars/$SEMINAR_ID/register" --data-urlencode mode=in_person --data-urlencode "idem=$(idem_key)"
	assert_equal "$code" 200
	mail_wait "$(email p5)" "Вы записаны на семинар «$SEMINAR_TITLE»"
	mail_wait "$(email p1)" "Приглашение на семинар «$SEMINAR_TITLE»"
	mail_wait "$(email p8)" "Приглашение на семинар «$SEMINAR_TITLE»"
	call org GET "/manage/seminars/$SEMINAR_ID"
	assert_equal "$(jq -r .seminar.notices_url <<<"$output")" "/manage/seminars/$SEMINAR_ID/notices"
	call org GET "/manage/seminars/$SEMINAR_ID/notices"
	assert_equal "$code" 200
	assert_equal "$(jq -r '.notices[] | "\(.kind) \(.recipients) \(.queued + .sent + .failed)"' <<<"$output" | sort)" \
		"reg_confirmed 1 1"$'\n'"untrained_invite 2 2"
	assert_equal "$(jq -r '.notices[] | select(.kind == "untrained_invite") | "\(.kind_name) \(.sent)"' <<<"$output")" \
		"Приглашение необученным $(sql "SELECT COUNT(*) FROM mail_message WHERE seminar_id = $SEMINAR_ID AND status = 'sent'")"
	req - GET "/manage/seminars/$SEMINAR_ID/notices" -H "Cookie: sid=${SID_OF[org]}"
	assert_equal "$code" 200
	assert_output --partial 'Приглашение необученным'
}
