#!/usr/bin/env bats
# Heads of organisations end to end: signing up their staff within the organisation's limit, new people by
# e-mail, cancellation with promotion, tickets, the audit log, other organisations refused, the role granted,
# confirmed and revoked by organisers of the region and administrators.

load helpers

# head_org_id: the demo school, whose head is head@demo.local.
# staff JAR...: signs up one account of the demo school per name (logged in as that jar); sets STAFF to their ids.
staff() {
	local j
	STAFF=()
	for j in "$@"; do
		signup "$j"
		STAFF+=("$USER_ID")
	done
}

# writes: one line with the rows a head's request could write.
writes() {
	sql "SELECT (SELECT COUNT(*) FROM person), (SELECT COUNT(*) FROM registration), (SELECT COUNT(*) FROM audit_log
	     WHERE action <> 'login'), (SELECT COUNT(*) FROM org_head)"
}

# other_head JAR: a confirmed head of another organisation of the register (same region and sector), logged in.
other_head() {
	local mine=$ORG_ID
	ORG_ID=$(sql "SELECT id FROM organization WHERE active AND sector_id = 1 AND id <> $(org_id) ORDER BY id LIMIT 1")
	signup "$1"
	sql "INSERT INTO org_head (person_id, organization_id, status) VALUES ($USER_ID, $ORG_ID, 'confirmed')"
	OTHER_ORG=$ORG_ID
	ORG_ID=$mine
}

@test "heads: staff signed up within the organisation's limit; beyond it 409 with the reason and nothing written" {
	staff a b c
	local a=${STAFF[0]} b=${STAFF[1]} c=${STAFF[2]} before
	seminar_sql org_limit=2 cap_in_person=5
	login_demo h head
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$a" mode=in_person
	assert_equal "$code $location" "303 /head/seminars/$SEMINAR_ID"
	post h "/head/seminars/$SEMINAR_ID/register" "email=$(sql "SELECT email FROM person WHERE id = $b")" mode=online
	assert_equal "$code" 303
	run sql "SELECT person_id, mode, status, source, organization_id FROM registration WHERE seminar_id = $SEMINAR_ID ORDER BY id"
	assert_output "$a"$'\tin_person\tconfirmed\thead\t'"$(org_id)"$'\n'"$b"$'\tonline\tconfirmed\thead\t'"$(org_id)"

	before=$(writes)
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$c" mode=in_person
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'От вашей организации уже записано максимальное число участников этого семинара.'
	# A new person beyond the limit: no account is made either.
	post h "/head/seminars/$SEMINAR_ID/register" "email=$(new_email)" "full_name=Новикова Ольга Ивановна" \
		"full_name_dat=Новиковой Ольге Ивановне" mode=in_person
	assert_equal "$code" 409
	assert_equal "$(writes)" "$before"

	# The page shows the organisation's two sign-ups and the limit.
	get_json h "/head/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.ours, .seminar.org_limit, ([.registrations[].person_id] | sort)]' <<<"$output")" "[2,2,[$a,$b]]"
	# A cancellation frees the organisation's place.
	post h "/registrations/$(sql "SELECT id FROM registration WHERE seminar_id = $SEMINAR_ID AND person_id = $a")/cancel"
	assert_equal "$code $location" "303 /head/seminars/$SEMINAR_ID"
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$c" mode=in_person
	assert_equal "$code" 303
	run reconcile
	assert_output ""
}

@test "heads: a new person by e-mail gets one account of the organisation without a password" {
	local email name="Сидоров Пётр Ильич" id
	email=$(new_email)
	seminar_sql
	login_demo h head
	post h "/head/seminars/$SEMINAR_ID/register" "email=$email" "full_name=$name" "full_name_dat=Сидорову Петру Ильичу" \
		"position=Учитель истории" "phone=+7 900 765-43-21" mode=online
	assert_equal "$code" 303
	run sql "SELECT full_name, position, phone, organization_id, password_hash, consent_version FROM person WHERE email = $(sql_str "$email")"
	assert_output "$name"$'\tУчитель истории\t+7 900 765-43-21\t'"$(org_id)"$'\t!\thead'
	id=$(sql "SELECT id FROM person WHERE email = $(sql_str "$email")")
	assert_equal "$(sql "SELECT mode, status, source FROM registration WHERE seminar_id = $SEMINAR_ID AND person_id = $id")" \
		$'online\tconfirmed\thead'
	# Without a password the account cannot sign in.
	post x /login "email=$email" "password=$PASSWORD"
	assert_equal "$code" 401
	# Again with the same e-mail: the person is found, already signed up, and no second account is made.
	post h "/head/seminars/$SEMINAR_ID/register" "email=$email" "full_name=$name" "full_name_dat=Сидорову Петру Ильичу" mode=online
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Этот сотрудник уже записан на семинар.'
	assert_equal "$(sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")")" 1
	# Without the names no account is made.
	post h "/head/seminars/$SEMINAR_ID/register" "email=$(new_email)" mode=online
	assert_equal "$code" 400
	# The person is now one of the organisation's people on the head's page.
	get_json h /head
	assert_equal "$code" 200
	jq -e --argjson id "$id" '[.staff[].id] | index($id) != null' <<<"$output" >/dev/null
	jq -e --argjson s "$SEMINAR_ID" '[.registrations[] | select(.seminar_id == $s)] | length == 1' <<<"$output" >/dev/null
}

@test "heads: a cancellation for a member of staff promotes the waiting list; the head opens their tickets" {
	staff a b
	local a=${STAFF[0]} b=${STAFF[1]} ra rb
	seminar_sql format="'in_person'" cap_in_person=1
	login_demo h head
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$a" mode=in_person
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$b" mode=in_person
	assert_equal "$code" 303
	ra=$(sql "SELECT id FROM registration WHERE seminar_id = $SEMINAR_ID AND person_id = $a")
	rb=$(sql "SELECT id FROM registration WHERE seminar_id = $SEMINAR_ID AND person_id = $b")
	assert_equal "$(sql "SELECT GROUP_CONCAT(status ORDER BY id) FROM registration WHERE seminar_id = $SEMINAR_ID")" "confirmed,waitlisted"
	get h "/tickets/$ra.pdf"
	assert_equal "$code" 200
	assert_equal "${output:0:5}" "%PDF-"
	get h "/tickets/$ra"
	assert_equal "$code" 200
	post h "/registrations/$ra/cancel"
	assert_equal "$code $location" "303 /head/seminars/$SEMINAR_ID"
	assert_equal "$(sql "SELECT GROUP_CONCAT(status ORDER BY id) FROM registration WHERE seminar_id = $SEMINAR_ID")" "cancelled,confirmed"
	assert_equal "$(sql "SELECT taken_in_person FROM seminar WHERE id = $SEMINAR_ID")" 1
	# The promoted person's ticket is there for the head too; the cancelled one's is not.
	get h "/tickets/$rb.pdf"
	assert_equal "$code" 200
	get h "/tickets/$ra.pdf"
	assert_equal "$code" 409
}

@test "heads: the audit log says which head acted for whom" {
	staff a
	local a=${STAFF[0]} head ra email
	head=$(sql "SELECT id FROM person WHERE email = 'head@demo.local'")
	email=$(new_email)
	seminar_sql
	login_demo h head
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$a" mode=in_person
	post h "/head/seminars/$SEMINAR_ID/register" "email=$email" "full_name=Орлова Вера Павловна" \
		"full_name_dat=Орловой Вере Павловне" mode=online
	assert_equal "$code" 303
	ra=$(sql "SELECT id FROM registration WHERE seminar_id = $SEMINAR_ID AND person_id = $a")
	post h "/registrations/$ra/cancel"
	assert_equal "$code" 303
	local new
	new=$(sql "SELECT id FROM person WHERE email = $(sql_str "$email")")
	run sql "SELECT a.person_id, a.action, a.object_type, a.detail FROM audit_log a
		WHERE (a.object_type = 'registration' AND a.object_id IN (SELECT id FROM registration WHERE seminar_id = $SEMINAR_ID))
		OR (a.object_type = 'person' AND a.object_id = $new) ORDER BY a.id"
	assert_output "$head"$'\tregistration.create\tregistration\t'"seminar=$SEMINAR_ID in_person confirmed by the head of the organisation for person=$a Тестова Анна Игоревна"$'\n'"$head"$'\tperson.create\tperson\tby the head of the organisation'$'\n'"$head"$'\tregistration.create\tregistration\t'"seminar=$SEMINAR_ID online confirmed by the head of the organisation for person=$new Орлова Вера Павловна"$'\n'"$head"$'\tregistration.cancel\tregistration\t'"by the head of the organisation for person=$a Тестова Анна Игоревна"
}

@test "heads: a head of another organisation, and anyone not a head, is refused every page, JSON and write" {
	staff a
	local a=${STAFF[0]} ra before
	seminar_sql
	login_demo h head
	post h "/head/seminars/$SEMINAR_ID/register" "person_id=$a" mode=in_person
	assert_equal "$code" 303
	ra=$(sql "SELECT id FROM registration WHERE seminar_id = $SEMINAR_ID AND person_id = $a")

	other_head x
	get_json x /head
	assert_equal "$code" 200
	assert_equal "$(jq '.organization.id' <<<"$output")" "$OTHER_ORG"
	jq -e --argjson a "$a" '[.registrations[].person_id, .staff[].id] | index($a) == null' <<<"$output" >/dev/null
	get_json x "/head/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.ours, .registrations]' <<<"$output")" '[0,[]]'
	get x "/head/seminars/$SEMINAR_ID"
	refute_output --partial "/registrations/$ra/"
	refute_output --partial "/tickets/$ra"
	before=$(writes)
	post x "/head/seminars/$SEMINAR_ID/register" "person_id=$a" mode=in_person
	assert_equal "$code" 404
	post x "/head/seminars/$SEMINAR_ID/register" "email=$(sql "SELECT email FROM person WHERE id = $a")" mode=in_person
	assert_equal "$code" 409
	post x "/registrations/$ra/cancel"
	assert_equal "$code" 403
	post x "/registrations/$ra/mode" mode=online
	assert_equal "$code" 403
	for p in "" .pdf .png .svg; do
		get x "/tickets/$ra$p"
		assert_equal "$p $code" "$p 403"
	done
	assert_equal "$(writes)" "$before"
	assert_equal "$(sql "SELECT status, mode FROM registration WHERE id = $ra")" $'confirmed\tin_person'

	# A participant who is no head (a request not yet confirmed gives no rights), and a guest.
	signup p
	sql "INSERT INTO org_head (person_id, organization_id, status) VALUES ($USER_ID, $(org_id), 'requested')"
	before=$(writes)
	for path in /head "/head/seminars/$SEMINAR_ID"; do
		get_json p "$path"
		assert_equal "$path $code" "$path 403"
		get - "$path"
		assert_equal "$path $code" "$path 303"
	done
	post p "/head/seminars/$SEMINAR_ID/register" "person_id=$a" mode=in_person
	assert_equal "$code" 403
	post p "/registrations/$ra/cancel"
	assert_equal "$code" 403
	assert_equal "$(writes)" "$before"
	# A draft seminar is nobody's to see.
	seminar_sql status="'draft'"
	get_json h "/head/seminars/$SEMINAR_ID"
	assert_equal "$code" 404
}

@test "heads: requested at sign-up, confirmed and revoked by the region's organiser, granted by an admin; other regions refused" {
	local email fields id hid before
	email=$(new_email)
	mapfile -t fields < <(signup_fields "$email")
	post r /signup "${fields[@]}" head_request=1
	assert_equal "$code" 303
	id=$(sql "SELECT id FROM person WHERE email = $(sql_str "$email")")
	run sql "SELECT organization_id, status FROM org_head WHERE person_id = $id"
	assert_output "$(org_id)"$'\trequested'
	hid=$(sql "SELECT id FROM org_head WHERE person_id = $id")
	assert_equal "$(sql "SELECT action FROM audit_log WHERE object_type = 'person' AND object_id = $id ORDER BY id")" $'signup\nconsent.accept\nhead.request'
	get_json r /head
	assert_equal "$code" 403
	get_json r /me
	assert_equal "$(jq -r '.roles[] | select(.role_name == "руководитель организации") | .scope' <<<"$output")" \
		"МБОУ СОШ № 2 г. Усмани; запрос ждёт подтверждения организатором"

	# An organiser of Краснодарский край neither sees nor decides it.
	signup k
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', 23)"
	get_json k /manage/heads
	assert_equal "$code" 200
	jq -e --argjson h "$hid" '[.heads[].id] | index($h) == null' <<<"$output" >/dev/null
	before=$(writes)
	post k "/manage/heads/$hid/confirm"
	assert_equal "$code" 403
	post k "/manage/heads/$hid/revoke"
	assert_equal "$code" 403
	post k /manage/heads "email=$email"
	assert_equal "$code" 403
	assert_equal "$(writes)" "$before"
	# Nor does a participant.
	post r "/manage/heads/$hid/confirm"
	assert_equal "$code" 403
	assert_equal "$(writes)" "$before"

	# The organiser of Липецкая область confirms: the person is a head from the next request.
	login_demo o organizer
	get_json o /manage/heads
	assert_equal "$(jq -c --argjson h "$hid" '[.heads[] | select(.id == $h) | .status]' <<<"$output")" '["requested"]'
	post o "/manage/heads/$hid/confirm"
	assert_equal "$code $location" "303 /manage/heads"
	assert_equal "$(sql "SELECT status, confirmed_by = (SELECT id FROM person WHERE email = 'organizer@demo.local') FROM org_head WHERE id = $hid")" $'confirmed\t1'
	get_json r /head
	assert_equal "$code" 200
	assert_equal "$(jq '.organization.id' <<<"$output")" "$(org_id)"
	get_json r /me
	assert_equal "$(jq -r '.roles[] | select(.role_name == "руководитель организации") | .scope' <<<"$output")" \
		"МБОУ СОШ № 2 г. Усмани; подтверждена"
	post o "/manage/heads/$hid/confirm"
	assert_equal "$code" 409
	post o "/manage/heads/$hid/revoke"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*) FROM org_head WHERE person_id = $id")" 0
	get_json r /head
	assert_equal "$code" 403

	# An administrator grants it by e-mail.
	login_demo a admin
	post a /manage/heads "email=$email"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT status, organization_id FROM org_head WHERE person_id = $id")" "confirmed"$'\t'"$(org_id)"
	post a /manage/heads "email=$(new_email)"
	assert_equal "$code" 404
	get_json a "/admin/users/$id"
	assert_equal "$(jq -c '[.head.status, .head.requested, .head.revoke_url]' <<<"$output")" \
		"[\"confirmed\",false,\"/manage/heads/$(sql "SELECT id FROM org_head WHERE person_id = $id")/revoke\"]"
	run sql "SELECT action, detail FROM audit_log WHERE object_type = 'person' AND object_id = $id AND action LIKE 'head.%' ORDER BY id"
	assert_output "head.request"$'\tNULL\n'"head.confirm"$'\t'"organization=$(org_id) Тестова Анна Игоревна"$'\n'"head.revoke"$'\t'"organization=$(org_id) confirmed Тестова Анна Игоревна"$'\n'"head.grant"$'\t'"organization=$(org_id)"
	get r /head
	assert_equal "$code" 200
	assert_output --partial 'Моя организация'
}
