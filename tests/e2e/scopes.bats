#!/usr/bin/env bats
# Organiser and reviewer scopes that hold: region, district and every sector of a seminar, on pages, JSON,
# exports and writes; the new-seminar form's choices; organisers' own coverage reports.

load helpers

# grant_to JAR ROLE REGION SECTOR DISTRICT: a new account (signed in as JAR) with one grant; NULL for "any".
# Sets USER_ID.
grant_to() {
	signup "$1"
	sql "INSERT INTO role_grant (person_id, role, region_id, sector_id, district_id)
	     VALUES ($USER_ID, '$2', $3, $4, $5)"
	# The grant is read at every request: nothing else to do.
}

# other_district: a district of region 48 other than Усманский район (16).
other_district() { sql "SELECT MIN(id) FROM district WHERE region_id = 48 AND id <> 16"; }

# refused JAR SEMINAR: every organiser page, JSON, export and write of the seminar answers 403 and writes nothing.
refused() {
	local jar=$1 id=$2 path before
	for path in "/manage/seminars/$id" "/manage/seminars/$id/participants" "/manage/seminars/$id/participants.xlsx" \
		"/manage/seminars/$id/participants.csv" "/checkin/$id" "/checkin/$id/tickets" "/checkin/$id/journal" \
		"/checkin/$id/journal.xlsx" "/certificates/seminars/$id" "/certificates/seminars/$id/certificates.zip" \
		"/manage/seminars/$id/survey" "/manage/seminars/$id/materials"; do
		get "$jar" "$path"
		[[ $code == 403 ]] || fail "GET $path: HTTP $code, want 403"
		get_json "$jar" "$path"
		[[ $code == 403 ]] || fail "GET $path (JSON): HTTP $code, want 403"
	done
	before=$(sql "SELECT status, title, (SELECT COUNT(*) FROM seminar_session WHERE seminar_id = $id),
	              (SELECT COUNT(*) FROM registration WHERE seminar_id = $id) FROM seminar WHERE id = $id")
	post "$jar" "/manage/seminars/$id/status" status=cancelled
	assert_equal "$code" 403
	seminar_edit "$jar" "$id" "title=Чужой семинар"
	assert_equal "$code" 403
	post "$jar" "/manage/seminars/$id/sessions" "date=$(in_days 40)" start=10:00 end=12:00
	assert_equal "$code" 403
	post "$jar" "/manage/seminars/$id/participants" "email=$(new_email)" "full_name=Чужой Участник" mode=in_person
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT status, title, (SELECT COUNT(*) FROM seminar_session WHERE seminar_id = $id),
	              (SELECT COUNT(*) FROM registration WHERE seminar_id = $id) FROM seminar WHERE id = $id")" "$before"
	get_json "$jar" /manage/seminars
	assert_equal "$code" 200
	assert_equal "$(jq "[.seminars[] | select(.id == $id)] | length" <<<"$output")" 0
}

@test "an organiser of the culture sector cannot run an education seminar of the same region" {
	grant_to o organizer 48 3 NULL
	seminar_sql sector=1
	refused o "$SEMINAR_ID"
	# A seminar of education and culture needs both sectors.
	sql "INSERT INTO seminar_sector (seminar_id, sector_id) VALUES ($SEMINAR_ID, 3)"
	refused o "$SEMINAR_ID"
	# Their own sector's seminar opens.
	seminar_sql sector=3
	get o "/manage/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	get o "/manage/seminars/$SEMINAR_ID/participants.xlsx"
	assert_equal "$code" 200
}

@test "an organiser narrowed to a district cannot run a seminar of another district; a whole-region one can" {
	local d
	d=$(other_district)
	grant_to o organizer 48 NULL "$d"
	seminar_sql district_id=16
	refused o "$SEMINAR_ID"
	# An online seminar without a district belongs to the region: not to a district's organiser.
	seminar_sql district_id=NULL format="'online'"
	refused o "$SEMINAR_ID"
	seminar_sql "district_id=$d"
	get_json o "/manage/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	grant_to w organizer 48 NULL NULL
	seminar_sql district_id=16
	get w "/checkin/$SEMINAR_ID/journal.xlsx"
	assert_equal "$code" 200
}

@test "an organiser of another region is refused everywhere" {
	grant_to o organizer 23 NULL NULL
	seminar_sql
	refused o "$SEMINAR_ID"
	# A ticket and a certificate of the seminar are not theirs either.
	signup p
	register p "$SEMINAR_ID" in_person
	get o "/tickets/$REG_ID"
	assert_equal "$code" 403
}

@test "the new-seminar form offers only the organiser's regions, districts and sectors, and refuses others" {
	local d before
	d=$(other_district)
	grant_to o organizer 48 3 "$d"
	get_json o /manage/seminars/new
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.regions[].id]' <<<"$output")" '[48]'
	assert_equal "$(jq -c '[.districts[].id]' <<<"$output")" "[$d]"
	assert_equal "$(jq -c '[.sectors[].id]' <<<"$output")" '[3]'
	before=$(sql "SELECT COUNT(*) FROM seminar")
	seminar_create o sector_id=3 -sector_id "district_id=$d" sector_id=1
	assert_equal "$code" 400
	assert_output --partial 'Ваши права организатора не распространяются на выбранный район или направление.'
	seminar_create o -sector_id sector_id=3 district_id=16
	assert_equal "$code" 400
	seminar_create o -sector_id sector_id=3 region_id=23 -district_id
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM seminar")" "$before"
	seminar_create o -sector_id sector_id=3 "district_id=$d"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*) FROM seminar")" $((before + 1))
}

@test "an organiser sees the coverage reports of their region and sectors, and no other" {
	grant_to o organizer 48 3 NULL
	get_json o "/reports/coverage?region=48&period=all"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.sectors[].id]' <<<"$output")" '[3]'
	get o "/reports/coverage.xlsx?region=48&period=all"
	assert_equal "$code" 200
	get_json o "/reports/coverage?region=48&sector=1&period=all"
	assert_equal "$code" 403
	get_json o "/reports/coverage?region=23&period=all"
	assert_equal "$code" 403
	get o "/reports/coverage.csv?region=23&period=all"
	assert_equal "$code" 403
	# The menu links the reports.
	get o /
	assert_output --partial 'href="/reports/coverage"'
}

@test "a reviewer narrowed to a district sees only that district's row and page" {
	local d
	d=$(other_district)
	grant_to v reviewer 48 NULL "$d"
	get_json v "/reports/coverage?region=48&period=all"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.rows[].id]' <<<"$output")" "[$d]"
	get_json v "/reports/coverage/districts/$d?period=all"
	assert_equal "$code" 200
	get_json v "/reports/coverage/districts/16?period=all"
	assert_equal "$code" 403
	get v "/reports/coverage/districts/16.xlsx?period=all"
	assert_equal "$code" 403
	get_json v "/reports/coverage?region=23&period=all"
	assert_equal "$code" 403
}

@test "an administrator narrows a grant to a district of its region; a district of another region is refused" {
	local d before
	d=$(other_district)
	signup p
	login_demo admin admin
	before=$(sql "SELECT COUNT(*) FROM role_grant WHERE person_id = $USER_ID")
	post admin "/admin/users/$USER_ID/grants" role=reviewer region_id=23 "district_id=$d"
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM role_grant WHERE person_id = $USER_ID")" "$before"
	post admin "/admin/users/$USER_ID/grants" role=reviewer region_id=48 "district_id=$d"
	assert_equal "$code" 303
	post admin "/admin/users/$USER_ID/grants" role=reviewer region_id=48
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*), COUNT(district_id) FROM role_grant WHERE person_id = $USER_ID")" $'2\t1'
	get_json admin "/admin/users/$USER_ID"
	assert_equal "$(jq -r '[.grants[].district_name] | sort | join(",")' <<<"$output")" \
		"$(sql "SELECT name FROM district WHERE id = $d"),все районы"
}
