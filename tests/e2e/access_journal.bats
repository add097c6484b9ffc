#!/usr/bin/env bats
# The journal of access to personal data: every staff view and export of people's data is recorded with
# who, what, which object or query, from where and whose data; administrators read, filter and export it.

load helpers

# entries ACTION OBJECT_ID: "person_id<TAB>object_type<TAB>query<TAB>people" of the action's entries, oldest first.
entries() {
	sql "SELECT person_id, IFNULL(object_type, '-'), IFNULL(query, '-'), people FROM access_journal
	     WHERE action = '$1' AND IFNULL(object_id, 0) = $2 ORDER BY id"
}

# about PERSON ACTION: how many entries of the action name the person as whose data were shown.
about() {
	sql "SELECT COUNT(*) FROM access_journal j JOIN access_journal_subject s ON s.journal_id = j.id
	     WHERE s.person_id = $1 AND j.action = '$2'"
}

@test "each listed view and export of a seminar's people is on record, with whose data; none in audit_log" {
	local org id p
	org=$(sql "SELECT id FROM person WHERE email = 'organizer@demo.local'")
	seminar_sql
	id=$SEMINAR_ID
	signup p
	p=$USER_ID
	register p "$id" in_person
	login_demo o organizer

	get o "/manage/seminars/$id/participants?status=confirmed"
	assert_equal "$code" 200
	get_json o "/manage/seminars/$id/participants"
	assert_equal "$(entries participants.view "$id")" "$org"$'\tseminar\t?status=confirmed\t1\n'"$org"$'\tseminar\t-\t1'
	get o "/manage/seminars/$id/participants.xlsx"
	assert_equal "$code" 200
	assert_equal "$(entries participants.export "$id")" "$org"$'\tseminar\txlsx\t1'
	get o "/checkin/$id/tickets"
	assert_equal "$code" 200
	assert_equal "$(entries tickets.download "$id")" "$org"$'\tseminar\t-\t1'
	get o "/checkin/$id/search?q=%D0%A2%D0%B5%D1%81%D1%82"
	assert_equal "$code" 200
	assert_equal "$(entries checkin.search "$id")" "$org"$'\tseminar\tТест\t1'
	get o "/checkin/$id/journal"
	assert_equal "$code" 200
	get o "/checkin/$id/journal.xlsx"
	assert_equal "$code" 200
	assert_equal "$(entries journal.view "$id")" "$org"$'\tseminar\t-\t1'
	assert_equal "$(entries journal.export "$id")" "$org"$'\tseminar\txlsx\t1'
	get o "/certificates/seminars/$id"
	assert_equal "$code" 200
	assert_equal "$(entries certificates.view "$id")" "$org"$'\tseminar\t-\t1'
	for a in participants.view participants.export tickets.download checkin.search journal.view journal.export \
		certificates.view; do
		[[ $(about "$p" $a) -ge 1 ]] || fail "no entry of $a names the participant"
	done
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE object_type = 'seminar' AND object_id = $id
	                     AND action IN ('participants.export', 'tickets.download', 'journal.view', 'journal.export')")" 0
	# From where: the address of the request.
	assert_equal "$(sql "SELECT COUNT(*) FROM access_journal WHERE object_id = $id AND ip IS NULL")" 0
}

@test "the administrators' people pages are on record: the search with its query and results, a person's page" {
	local admin
	signup p
	admin=$(sql "SELECT id FROM person WHERE email = 'admin@demo.local'")
	login_demo a admin
	get a "/admin/users?q=$EMAIL"
	assert_equal "$code" 200
	# Other tests search too: this search is the one with this query.
	assert_equal "$(entries people.search 0 | grep -F "$EMAIL")" "$admin"$'\t-\t'"$EMAIL"$'\t1'
	get_json a "/admin/users/$USER_ID"
	assert_equal "$code" 200
	assert_equal "$(entries person.view "$USER_ID")" "$admin"$'\tperson\t-\t1'
	assert_equal "$(about "$USER_ID" person.view)" 1
	assert_equal "$(about "$USER_ID" people.search)" 1
}

@test "administrators read the journal filtered by who, action, date and person, and export it; nobody else" {
	local id today
	today=$(date +%F)
	seminar_sql
	id=$SEMINAR_ID
	signup p
	register p "$id" in_person
	login_demo o organizer
	get o "/manage/seminars/$id/participants.csv"
	assert_equal "$code" 200

	get_json o /admin/access-journal
	assert_equal "$code" 403
	get p /admin/access-journal.xlsx
	assert_equal "$code" 403

	login_demo a admin
	get_json a "/admin/access-journal?who=organizer%40demo&action=participants.export&from=$today&to=$today&person_id=$USER_ID"
	assert_equal "$code" 200
	assert_equal "$(jq -r '.total, (.entries[0] | .action, .who_email, .object, .query, .people)' <<<"$output")" \
		$'1\nparticipants.export\norganizer@demo.local\nseminar '"$id"$'\ncsv\n1'
	get a "/admin/access-journal?action=participants.export"
	assert_equal "$code" 200
	assert_output --partial 'Выгрузка списка участников'
	# Another day, another action or another person: none.
	get_json a "/admin/access-journal?from=2001-01-01&to=2001-01-02"
	assert_equal "$(jq .total <<<"$output")" 0
	get_json a "/admin/access-journal?action=person.view&person_id=$USER_ID"
	assert_equal "$(jq .total <<<"$output")" 0
	# Bad filters: 400.
	get_json a "/admin/access-journal?action=drop.table"
	assert_equal "$code" 400
	get_json a "/admin/access-journal?from=2026-13-40"
	assert_equal "$code" 400

	get a "/admin/access-journal.xlsx?action=participants.export&person_id=$USER_ID"
	assert_equal "$code" 200
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/j.xlsx"
	run /usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
for row in ws.iter_rows(min_row=3, values_only=True):
    print("|".join("" if v is None else str(v) for v in row[2:7]))' "$BATS_TEST_TMPDIR/j.xlsx"
	assert_success
	assert_output "organizer@demo.local|Выгрузка списка участников|seminar $id|csv|1"
	# The export of the journal is itself on record.
	assert_equal "$(sql "SELECT COUNT(*) FROM access_journal WHERE action = 'access_journal.export'
	                     AND query LIKE '%person_id=$USER_ID%'")" 1
}

@test "a head's views of the organisation's people and of their sign-ups for a seminar are on record, with whose data" {
	local head org p n
	head=$(sql "SELECT id FROM person WHERE email = 'head@demo.local'")
	org=$(org_id)
	signup p
	p=$USER_ID
	seminar_sql
	register p "$SEMINAR_ID" in_person
	login_demo h head
	n=$(sql "SELECT COUNT(*) FROM access_journal WHERE action = 'head.view' AND object_id = $org")
	get h /head
	assert_equal "$code" 200
	assert_output --partial 'Тестова Анна Игоревна'
	assert_equal "$(sql "SELECT COUNT(*) FROM access_journal WHERE action = 'head.view' AND object_id = $org")" "$((n + 1))"
	assert_equal "$(sql "SELECT person_id, object_type, IFNULL(query, '-'), people > 1, ip IS NOT NULL FROM access_journal
	                     WHERE action = 'head.view' ORDER BY id DESC LIMIT 1")" "$head"$'\torganization\t-\t1\t1'
	[[ $(about "$p" head.view) -ge 1 ]] || fail "the entry of /head does not name the organisation's member"
	get_json h "/head/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	assert_equal "$(sql "SELECT person_id, object_type, query, people > 1 FROM access_journal
	                     WHERE action = 'head.seminar' AND object_id = $SEMINAR_ID")" "$head"$'\tseminar\torganization='"$org"$'\t1'
	assert_equal "$(about "$p" head.seminar)" 1
}
