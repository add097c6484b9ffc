#!/usr/bin/env bats
# The cabinet's profile: a person corrects their name and its dative form, position, phone and organisation;
# the organisation's move carries their coverage; bad input changes nothing; a re-issued certificate takes the new name.

load helpers

# profile_state: one line with what a profile write could change.
profile_state() {
	sql "SELECT full_name, full_name_dat, IFNULL(position, '-'), IFNULL(phone, '-'), organization_id,
	     (SELECT COUNT(*) FROM audit_log WHERE object_type = 'person' AND object_id = $USER_ID)
	     FROM person WHERE id = $USER_ID"
}

# another_org: an active organisation of the register other than the demo school.
another_org() {
	sql "SELECT MIN(id) FROM organization WHERE active AND status = 'register' AND id <> $(org_id)
	     AND sector_id = 1 AND district_id = (SELECT district_id FROM organization WHERE id = $(org_id))"
}

@test "the profile page shows the person's data; a guest is sent to sign in" {
	get - /me/profile
	assert_equal "$code" 303
	signup p
	get_json p /me/profile
	assert_equal "$code" 200
	assert_equal "$(jq -r '.form | .full_name, .full_name_dat, .position, .organization_id' <<<"$output")" \
		$'Тестова Анна Игоревна\nТестовой Анне Игоревне\nМетодист\n'"$(org_id)"
	get p /me/profile
	assert_output --partial 'Сертификат выдан Тестовой Анне Игоревне'
	assert_output --partial 'src="/assets/js/dative.js"'
}

@test "a person corrects their name, dative form, position and phone; the change is audited" {
	signup p
	post p /me/profile "full_name=Ёлкина-Петрова Анна-Мария Олеговна" \
		"full_name_dat=Ёлкиной-Петровой Анне-Марии Олеговне" "position=Завуч" "phone=+7 901 111-22-33" \
		"organization_id=$(org_id)"
	assert_equal "$code" 303
	assert_equal "$location" /me/profile?saved=1
	assert_equal "$(profile_state)" \
		$'Ёлкина-Петрова Анна-Мария Олеговна\tЁлкиной-Петровой Анне-Марии Олеговне\tЗавуч\t+7 901 111-22-33\t'"$(org_id)"$'\t3'
	assert_equal "$(sql "SELECT action FROM audit_log WHERE object_type = 'person' AND object_id = $USER_ID ORDER BY id DESC LIMIT 1")" \
		profile.update
	# Position and phone may be cleared.
	post p /me/profile "full_name=Ёлкина-Петрова Анна-Мария Олеговна" \
		"full_name_dat=Ёлкиной-Петровой Анне-Марии Олеговне" position= phone= "organization_id=$(org_id)"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT IFNULL(position, '-'), IFNULL(phone, '-') FROM person WHERE id = $USER_ID")" $'-\t-'
}

@test "bad input on the profile form: a clear 4xx and nothing written" {
	local before long
	signup p
	before=$(profile_state)
	long=$(printf 'Я%.0s' {1..201})
	post p /me/profile "full_name=$long" "full_name_dat=Тестовой Анне" "organization_id=$(org_id)"
	assert_equal "$code" 400
	post p /me/profile "full_name=Тестова Анна" "full_name_dat=Тестовой Анне" "organization_id=$(org_id)" "position=$long"
	assert_equal "$code" 400
	post p /me/profile "full_name=Тест$(printf '\001')ова Анна" "full_name_dat=Тестовой Анне" "organization_id=$(org_id)"
	assert_equal "$code" 400
	csrf p
	post_raw p /me/profile "csrf=$TOKEN&full_name=%FF%FEbad&full_name_dat=x&organization_id=$(org_id)"
	assert_equal "$code" 400
	post p /me/profile "full_name_dat=Тестовой Анне" "organization_id=$(org_id)"
	assert_equal "$code" 400
	post p /me/profile "full_name=Тестова Анна" "full_name_dat=Тестовой Анне" organization_id=999999999
	assert_equal "$code" 400
	assert_output --partial 'Выбранной организации нет в реестре'
	post p /me/profile "full_name=Тестова Анна" "full_name_dat=Тестовой Анне" "phone=+7 (900) <script>"
	assert_equal "$code" 400
	# Without the CSRF token.
	req p POST /me/profile --data-urlencode "full_name=Взломова Анна" --data-urlencode "full_name_dat=Взломовой Анне" \
		--data-urlencode "organization_id=$(org_id)"
	assert_equal "$code" 403
	assert_equal "$(profile_state)" "$before"
}

@test "moving to another organisation moves the person's registrations and the coverage that follows from them" {
	local other s1
	other=$(another_org)
	[[ -n $other && $other != NULL ]] || skip "no second school in the district"
	seminar_sql
	s1=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	signup p
	register p "$SEMINAR_ID" in_person
	sql "INSERT INTO attendance (registration_id, session_id, mode, scan_id, at) VALUES ($REG_ID, $s1, 'in_person', 0, NOW());
	     CALL coverage_touch($REG_ID)"
	assert_equal "$(sql "SELECT organization_id FROM coverage_fact WHERE registration_id = $REG_ID")" "$(org_id)"
	post p /me/profile "full_name=Тестова Анна Игоревна" "full_name_dat=Тестовой Анне Игоревне" "organization_id=$other"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT organization_id FROM registration WHERE id = $REG_ID")" "$other"
	assert_equal "$(sql "SELECT organization_id FROM coverage_fact WHERE registration_id = $REG_ID")" "$other"
	assert_equal "$(sql "SELECT detail FROM audit_log WHERE action = 'profile.update' AND object_id = $USER_ID")" \
		"organization $(org_id) -> $other"
}

@test "a certificate re-issued after the correction carries the corrected name" {
	local s1 number
	seminar_sql
	s1=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	signup p
	register p "$SEMINAR_ID" in_person
	# The seminar took place two days ago, and the person came.
	sql "UPDATE seminar_session SET starts_at = NOW() - INTERVAL 2 DAY, ends_at = NOW() - INTERVAL 2 DAY + INTERVAL 2 HOUR
	     WHERE id = $s1;
	     UPDATE seminar SET starts_at = NOW() - INTERVAL 2 DAY, ends_at = NOW() - INTERVAL 2 DAY + INTERVAL 2 HOUR
	     WHERE id = $SEMINAR_ID;
	     INSERT INTO attendance (registration_id, session_id, mode, scan_id, at) VALUES ($REG_ID, $s1, 'in_person', 0, NOW());
	     CALL coverage_touch_seminar($SEMINAR_ID)"
	login_demo o organizer
	post o "/certificates/seminars/$SEMINAR_ID/settings" \
		"template_id=$(sql "SELECT id FROM certificate_template WHERE builtin IS NOT NULL AND archived_at IS NULL ORDER BY id LIMIT 1")" \
		"issuer=ЦУР Липецкой области" "signatory=Директор А. А. Петров"
	assert_equal "$code" 303
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	assert_equal "$code" 303
	for _ in $(seq 300); do
		number=$(sql "SELECT number FROM certificate WHERE registration_id = $REG_ID")
		[[ -n $number ]] && break
		sleep 0.2
	done
	[[ -n $number ]] || fail "no certificate issued"
	assert_equal "$(sql "SELECT full_name_dat FROM certificate WHERE number = '$number'")" 'Тестовой Анне Игоревне'
	post p /me/profile "full_name=Тестова-Верная Анна Игоревна" "full_name_dat=Тестовой-Верной Анне Игоревне" \
		"organization_id=$(org_id)"
	assert_equal "$code" 303
	post o "/certificates/$number/reissue"
	[[ $code == 303 || $code == 200 ]] || fail "reissue: HTTP $code $output"
	assert_equal "$(sql "SELECT full_name, full_name_dat FROM certificate WHERE number = '$number'")" \
		$'Тестова-Верная Анна Игоревна\tТестовой-Верной Анне Игоревне'
}
