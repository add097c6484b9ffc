#!/usr/bin/env bats
# Seminars and sign-up end to end: the organiser's screens, the catalogue, sign-up with waiting lists and
# promotion, mode switch, every refusal, participants by hand, exports, access checks, the calendar file.

load helpers

# ---------------------------------------------------------------------------- the organiser

@test "organiser: invalid seminar forms answer 400 with the reason and write nothing; a valid one makes a draft" {
	login_demo o organizer
	local before
	before=$(sql "SELECT (SELECT COUNT(*) FROM seminar), (SELECT COUNT(*) FROM seminar_sector), (SELECT COUNT(*) FROM audit_log)")

	seminar_create o -title
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Укажите название семинара.'
	seminar_create o -sector_id
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Выберите хотя бы одно направление.'
	seminar_create o format=in_person cap_in_person=0
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Укажите число мест для очного участия.'
	seminar_create o format=hybrid cap_in_person=
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Укажите число мест для очного участия.'
	seminar_create o "reg_opens=$(in_days 5 %Y-%m-%dT10:00)" "reg_closes=$(in_days 4 %Y-%m-%dT10:00)"
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Начало записи должно быть раньше её окончания.'
	# The form comes back with what was typed.
	assert_output --partial 'value="Дом журналиста"'
	seminar_create o district_id=33 # a district of Краснодарский край
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Выбранный район не относится к выбранному региону.'
	assert_equal "$(sql "SELECT (SELECT COUNT(*) FROM seminar), (SELECT COUNT(*) FROM seminar_sector), (SELECT COUNT(*) FROM audit_log)")" "$before"

	local title="Госпаблик школы: «с нуля» до отчёта ${EPOCHREALTIME/[.,]/}"
	seminar_create o "title=$title" cap_online=
	assert_equal "$code" 303
	[[ -n $SEMINAR_ID ]] || fail "no seminar id in Location '$location'"
	run sql "SELECT title, status, format, region_id, district_id, venue, cap_in_person, IFNULL(cap_online, 'unlimited'),
	                taken_in_person, taken_online, hours, IFNULL(org_limit, 'none'), reg_opens_at < NOW(), reg_closes_at > NOW(),
	                organizer_id = (SELECT id FROM person WHERE email = 'organizer@demo.local'),
	                (SELECT GROUP_CONCAT(sector_id ORDER BY sector_id) FROM seminar_sector WHERE seminar_id = seminar.id)
	         FROM seminar WHERE id = $SEMINAR_ID"
	assert_output "$title"$'\tdraft\thybrid\t48\t16\tДом журналиста\t2\tunlimited\t0\t0\t4.0\tnone\t1\t1\t1\t1,3'
	run sql "SELECT action, detail FROM audit_log WHERE object_type = 'seminar' AND object_id = $SEMINAR_ID"
	assert_output "seminar.create"$'\t'"$title"

	# The edit page shows the saved form.
	get_json o "/manage/seminars/$SEMINAR_ID"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.form.title, .form.cap_in_person, .form.cap_online, .form.sector_ids, .seminar.status]' <<<"$output")" \
		"$(jq -nc --arg t "$title" '[$t, 2, null, [1, 3], "draft"]')"
}

@test "organiser: sessions, publishing (refused without a session), editing, finishing; every step audited" {
	login_demo o organizer
	seminar_create o
	assert_equal "$code" 303
	local id=$SEMINAR_ID day
	day=$(in_days 40)

	post o "/manage/seminars/$id/status" status=published
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Чтобы опубликовать семинар, добавьте хотя бы одно занятие.'
	run sql "SELECT status FROM seminar WHERE id = $id"
	assert_output draft

	post o "/manage/seminars/$id/sessions" "date=$day" start=14:00 end=12:00
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Занятие должно заканчиваться позже, чем начинается.'
	post o "/manage/seminars/$id/sessions" "date=$day" start=10:00 end=13:30
	assert_equal "$code" 303
	assert_equal "$location" "/manage/seminars/$id#sessions"
	post o "/manage/seminars/$id/sessions" "date=$(in_days 41)" start=10:00 end=12:00
	assert_equal "$code" 303
	run sql "SELECT COUNT(*), MIN(starts_at), MAX(ends_at) FROM seminar_session WHERE seminar_id = $id"
	assert_output "2"$'\t'"$day 10:00:00"$'\t'"$(in_days 41) 12:00:00"
	run sql "SELECT starts_at, ends_at FROM seminar WHERE id = $id"
	assert_output "$day 10:00:00"$'\t'"$(in_days 41) 12:00:00"

	post o "/manage/seminars/$id/status" status=published
	assert_equal "$code" 303
	assert_equal "$location" "/manage/seminars/$id"
	run sql "SELECT status FROM seminar WHERE id = $id"
	assert_output published
	# The organiser's page leads to the door scanner, the journal and the certificates of this seminar.
	get o "/manage/seminars/$id"
	assert_output --partial "href=\"/checkin/$id\""
	assert_output --partial "href=\"/checkin/$id/journal\""
	assert_output --partial "href=\"/certificates/seminars/$id\""
	get_json - "/seminars/$id"
	assert_equal "$code" 200
	assert_equal "$(jq -r '.seminar.status, (.sessions | length)' <<<"$output")" $'published\n2'

	local title="Переименованный семинар ${EPOCHREALTIME/[.,]/}"
	seminar_edit o "$id" "title=$title" "venue=Областная библиотека" cap_in_person=5 cap_online= org_limit=3
	assert_equal "$code" 303
	assert_equal "$location" "/manage/seminars/$id"
	run sql "SELECT title, venue, cap_in_person, IFNULL(cap_online, 'unlimited'), org_limit, status FROM seminar WHERE id = $id"
	assert_output "$title"$'\tОбластная библиотека\t5\tunlimited\t3\tpublished'
	get - "/seminars/$id"
	assert_output --partial "$title"
	assert_output --partial 'Не более 3 участников от одной организации'

	# Published once is enough; a finished seminar cannot be cancelled.
	post o "/manage/seminars/$id/status" status=published
	assert_equal "$code" 409
	post o "/manage/seminars/$id/status" status=finished
	assert_equal "$code" 303
	run sql "SELECT status FROM seminar WHERE id = $id"
	assert_output finished
	post o "/manage/seminars/$id/status" status=cancelled
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Семинар в статусе «Завершён» нельзя перевести в «Отменён».'
	run sql "SELECT status FROM seminar WHERE id = $id"
	assert_output finished

	run sql "SELECT action, IFNULL(detail, '-') FROM audit_log WHERE object_type = 'seminar' AND object_id = $id ORDER BY id"
	assert_line --index 0 --partial 'seminar.create'
	assert_line --index 1 "seminar.session.add"$'\t'"$day 10:00-13:30"
	assert_line --index 2 "seminar.session.add"$'\t'"$(in_days 41) 10:00-12:00"
	assert_line --index 3 "seminar.status"$'\tpublished'
	assert_line --index 4 "seminar.update"$'\t-'
	assert_line --index 5 "seminar.status"$'\tfinished'
	assert_equal "${#lines[@]}" 6
}

@test "organiser: cancelling a published seminar hides it from the catalogue and stops sign-ups" {
	login_demo o organizer
	seminar_sql
	local id=$SEMINAR_ID
	signup p
	register p "$id" in_person
	assert_equal "$OUTCOME" confirmed

	post o "/manage/seminars/$id/status" status=cancelled
	assert_equal "$code" 303
	run sql "SELECT status FROM seminar WHERE id = $id"
	assert_output cancelled
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'seminar.status' AND object_id = $id AND detail = 'cancelled'"
	assert_output 1
	get_json - "/?q=$(jq -rn --arg q "$SEMINAR_TITLE" '$q|@uri')"
	assert_equal "$(jq '.seminars | length' <<<"$output")" 0
	# The page still answers, says so, and offers no sign-up.
	get - "/seminars/$id"
	assert_equal "$code" 200
	assert_output --partial 'Семинар отменён.'
	refute_output --partial 'Записаться'
	get - "/seminars/$id.ics"
	assert_output --partial 'STATUS:CANCELLED'
	# A cancelled seminar cannot be published again.
	post o "/manage/seminars/$id/status" status=published
	assert_equal "$code" 409
}

@test "organiser: raising the capacity promotes the first waiting people in queue order" {
	login_demo o organizer
	seminar_sql format="'in_person'" cap_in_person=1
	local id=$SEMINAR_ID who
	local -A uid reg
	for who in a b c d; do
		signup "$who"
		uid[$who]=$USER_ID
		register "$who" "$id" in_person
		assert_equal "$code" 200
		reg[$who]=$REG_ID
	done
	run sql "SELECT status FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output $'confirmed\nwaitlisted\nwaitlisted\nwaitlisted'

	seminar_edit o "$id" "title=$SEMINAR_TITLE" format=in_person cap_in_person=3 -cap_online
	assert_equal "$code" 303
	run sql "SELECT id, status FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output "${reg[a]}"$'\tconfirmed\n'"${reg[b]}"$'\tconfirmed\n'"${reg[c]}"$'\tconfirmed\n'"${reg[d]}"$'\twaitlisted'
	run sql "SELECT cap_in_person, taken_in_person FROM seminar WHERE id = $id"
	assert_output $'3\t3'
	get_json d "/seminars/$id"
	assert_equal "$(jq -r '.registration.status, .registration.position' <<<"$output")" $'waitlisted\n1'
	run reconcile
	refute_output --regexp "^$id"$'\t'
}

@test "organiser: making online places unlimited confirms everyone waiting online, in one request" {
	login_demo o organizer
	seminar_sql cap_in_person=1 cap_online=1
	local id=$SEMINAR_ID who
	for who in a b c; do
		signup "$who"
		register "$who" "$id" online
	done
	signup d
	register d "$id" in_person
	signup e
	register e "$id" in_person
	run sql "SELECT mode, status FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output $'online\tconfirmed\nonline\twaitlisted\nonline\twaitlisted\nin_person\tconfirmed\nin_person\twaitlisted'
	seminar_edit o "$id" "title=$SEMINAR_TITLE" cap_in_person=1 cap_online=
	assert_equal "$code" 303
	run sql "SELECT mode, status FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output $'online\tconfirmed\nonline\tconfirmed\nonline\tconfirmed\nin_person\tconfirmed\nin_person\twaitlisted'
	run sql "SELECT IFNULL(cap_online, 'unlimited'), taken_online, taken_in_person FROM seminar WHERE id = $id"
	assert_output $'unlimited\t3\t1'
	run reconcile
	refute_output --regexp "^$id"$'\t'
}

@test "organiser: lowering the capacity below the confirmed places answers 409 and changes nothing" {
	login_demo o organizer
	seminar_sql cap_in_person=3
	local id=$SEMINAR_ID before
	signup a
	register a "$id" in_person
	signup b
	register b "$id" in_person
	assert_equal "$REG_STATUS" confirmed
	before=$(sql "SELECT title, venue, cap_in_person, taken_in_person, updated_at FROM seminar WHERE id = $id")
	local audit
	audit=$(sql "SELECT COUNT(*) FROM audit_log")

	seminar_edit o "$id" "title=Другое название ${EPOCHREALTIME/[.,]/}" "venue=Другой зал" cap_in_person=1
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Нельзя сделать мест меньше, чем уже подтверждённых записей. Сначала отмените лишние записи.'
	assert_equal "$(sql "SELECT title, venue, cap_in_person, taken_in_person, updated_at FROM seminar WHERE id = $id")" "$before"
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log")" "$audit"
	run sql "SELECT COUNT(*) FROM registration WHERE seminar_id = $id AND status = 'confirmed'"
	assert_output 2

	# Exactly the confirmed number is allowed.
	seminar_edit o "$id" "title=$SEMINAR_TITLE" cap_in_person=2
	assert_equal "$code" 303
	run sql "SELECT cap_in_person, taken_in_person FROM seminar WHERE id = $id"
	assert_output $'2\t2'
}

@test "organiser: «My seminars» shows live counts per mode: confirmed, waitlisted, cancelled, places left" {
	login_demo o organizer
	seminar_sql cap_in_person=1 cap_online=5
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	signup b
	register b "$id" in_person
	signup c
	register c "$id" in_person
	signup d
	register d "$id" online
	post d "/registrations/$REG_ID/cancel"
	assert_equal "$code" 303

	get_json o /manage/seminars
	assert_equal "$code" 200
	run jq -c --argjson id "$id" '.seminars[] | select(.id == $id) | [.status, (.counts[] | [.mode_name, .confirmed, .waitlisted, .cancelled, .capacity, .left])]' <<<"$output"
	assert_output '["published",["очно",1,2,0,1,0],["онлайн",0,0,1,5,5]]'
	get o /manage/seminars
	assert_equal "$code" 200
	assert_output --partial "$SEMINAR_TITLE"
}

# ---------------------------------------------------------------------------- the participant

@test "catalogue: filters find the seminar or hide it; drafts, cancelled and finished seminars never appear" {
	local token="Каталог ${EPOCHREALTIME/[.,]/} $RANDOM"
	seminar_sql "title=$(sql_str "$token опубликован")" sector=3 district_id=16
	local id=$SEMINAR_ID
	seminar_sql "title=$(sql_str "$token черновик")" "status='draft'"
	seminar_sql "title=$(sql_str "$token отменён")" "status='cancelled'"
	seminar_sql "title=$(sql_str "$token завершён")" "status='finished'"
	local q
	q=$(jq -rn --arg q "$token" '$q|@uri')

	found() { # found QUERY: the catalogue with QUERY answers exactly the published seminar
		get_json "${2:--}" "/?q=$q&$1"
		assert_equal "$code" 200
		assert_equal "$(jq -c '[.seminars[].id]' <<<"$output")" "[$id]"
	}
	hidden() {
		get_json - "/?q=$q&$1"
		assert_equal "$code" 200
		assert_equal "$(jq -c '[.seminars[].id]' <<<"$output")" '[]'
	}
	found ''
	found sector_id=3
	hidden sector_id=4
	found format=hybrid
	hidden format=online
	found region_id=48
	hidden region_id=23
	found region_id=48\&district_id=16
	hidden region_id=48\&district_id=1
	found "from=$(in_days 29)&to=$(in_days 31)"
	found "from=$(in_days 30)&to=$(in_days 30)"
	hidden "to=$(in_days 29)"
	hidden "from=$(in_days 31)"
	# Text search also looks at the venue and the district.
	get_json - "/?q=$(jq -rn --arg q 'Дом журналиста' '$q|@uri')&sector_id=3&from=$(in_days 30)&to=$(in_days 30)"
	assert_equal "$(jq --argjson id "$id" '[.seminars[].id] | index($id) != null' <<<"$output")" true
	# Not even its organiser sees a draft in the catalogue.
	login_demo o organizer
	found '' o

	# The card: date, place, format and places left per mode.
	get - "/?q=$q"
	assert_output --partial "href=\"/seminars/$id\""
	assert_output --partial 'Дом журналиста, Усманский район'
	assert_output --partial 'осталось 2 места из 2'
	assert_output --partial 'без ограничения мест'
	assert_output --partial 'Культура'
	refute_output --partial "$token черновик"
	refute_output --partial "$token отменён"
	refute_output --partial "$token завершён"
}

@test "catalogue: pages of 20 with links that keep the filters" {
	local token="Страницы ${EPOCHREALTIME/[.,]/} $RANDOM"
	sql "INSERT INTO seminar (title, description, format, status, organizer_id, region_id, cap_in_person, starts_at, ends_at)
	     SELECT CONCAT($(sql_str "$token "), LPAD(seq, 2, '0')), 'Описание семинара.', 'online', 'published',
	            (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48, 0,
	            CURDATE() + INTERVAL 10 DAY + INTERVAL seq HOUR, CURDATE() + INTERVAL 10 DAY + INTERVAL seq + 1 HOUR
	     FROM seq_1_to_21"
	local q
	q=$(jq -rn --arg q "$token" '$q|@uri')
	get_json - "/?q=$q&format=online"
	assert_equal "$(jq -c '[(.seminars | length), .pager.page, .pager.pages, .pager.total, .pager.prev_url]' <<<"$output")" '[20,1,2,21,null]'
	local next
	next=$(jq -r .pager.next_url <<<"$output")
	assert_regex "$next" '^/\?q=[^&]+&format=online&page=2$'
	get_json - "$next"
	assert_equal "$(jq -c '[(.seminars | length), (.seminars[0].title | endswith(" 21")), .pager.page, .pager.next_url]' <<<"$output")" '[1,true,2,null]'
}

@test "participant: the seminar page shows places left; a sign-up confirms the place, shows it, and is in /me" {
	seminar_sql cap_in_person=2 cap_online=3
	local id=$SEMINAR_ID
	get - "/seminars/$id"
	assert_equal "$code" 200
	assert_output --partial "$SEMINAR_TITLE"
	assert_output --partial 'осталось 2 места из 2'
	assert_output --partial 'осталось 3 места из 3'
	assert_output --partial "href=\"/seminars/$id.ics\""
	assert_output --partial "href=\"/login?next=/seminars/$id\""
	refute_output --partial 'https://example.org/live/e2e' # the stream link is for confirmed online participants

	signup p
	get p "/seminars/$id"
	assert_output --partial "action=\"/seminars/$id/register\""
	assert_output --partial 'name="idem"'
	local before
	before=$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.create'")
	register_form p "$id" in_person idem-form-$$-$RANDOM
	assert_equal "$code" 303
	assert_equal "$location" "/seminars/$id#registration"
	run sql "SELECT mode, status, source, organization_id = $(org_id), idem_key LIKE 'idem-form-%', cancelled_at IS NULL
	         FROM registration WHERE seminar_id = $id AND person_id = $USER_ID"
	assert_output $'in_person\tconfirmed\tself\t1\t1\t1'
	run sql "SELECT taken_in_person, taken_online FROM seminar WHERE id = $id"
	assert_output $'1\t0'
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.create'"
	assert_output $((before + 1))
	run sql "SELECT detail FROM audit_log WHERE action = 'registration.create' AND person_id = $USER_ID"
	assert_output "seminar=$id in_person confirmed"

	get p "/seminars/$id"
	assert_output --partial 'Место подтверждено'
	assert_output --partial 'осталось 1 место из 2'
	assert_output --partial 'Отменить запись'
	refute_output --partial 'Записаться</button>'
	refute_output --partial 'https://example.org/live/e2e'
	get_json p /me
	run jq -c --arg t "$SEMINAR_TITLE" '.registrations.upcoming[] | select(.seminar_title == $t) | [.status, .status_name, .mode_name, .position]' <<<"$output"
	assert_output '["confirmed","Место подтверждено","очно",null]'
	get p /me
	assert_output --partial "$SEMINAR_TITLE"
	assert_output --partial 'Место подтверждено'

	# A confirmed online participant sees the stream link.
	signup q
	register q "$id" online
	assert_equal "$OUTCOME $REG_STATUS" 'confirmed confirmed'
	get_json q "/seminars/$id"
	assert_equal "$(jq -r .seminar.stream_url <<<"$output")" https://example.org/live/e2e
}

@test "participant: a full mode puts people on its waiting list with positions 1, 2 in order" {
	seminar_sql cap_in_person=1
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	assert_equal "$OUTCOME/$REG_STATUS" confirmed/confirmed
	signup b
	local b=$USER_ID
	register b "$id" in_person
	assert_equal "$OUTCOME/$REG_STATUS" waitlisted/waitlisted
	signup c
	register c "$id" in_person
	assert_equal "$OUTCOME/$REG_STATUS" waitlisted/waitlisted

	get_json b "/seminars/$id"
	assert_equal "$(jq -r '.registration.status, .registration.position' <<<"$output")" $'waitlisted\n1'
	get_json c "/seminars/$id"
	assert_equal "$(jq -r '.registration.status, .registration.position' <<<"$output")" $'waitlisted\n2'
	get c "/seminars/$id"
	assert_output --partial 'Лист ожидания'
	assert_output --regexp 'Ваше место в листе ожидания: <strong>2</strong>'
	get_json c /me
	run jq -c --arg t "$SEMINAR_TITLE" '.registrations.upcoming[] | select(.seminar_title == $t) | [.status, .position]' <<<"$output"
	assert_output '["waitlisted",2]'
	get c /me
	assert_output --partial 'место в листе ожидания: 2'
	# The seminar page of a newcomer says the mode is full.
	get - "/seminars/$id"
	assert_output --partial 'мест нет — можно встать в лист ожидания'
	run sql "SELECT taken_in_person FROM seminar WHERE id = $id"
	assert_output 1
}

@test "participant: cancelling from the cabinet promotes the first waiting person in the same request" {
	seminar_sql cap_in_person=1
	local id=$SEMINAR_ID
	signup a
	local a=$USER_ID
	register a "$id" in_person
	local ra=$REG_ID
	signup b
	register b "$id" in_person
	local rb=$REG_ID
	signup c
	register c "$id" in_person
	local rc=$REG_ID

	get a /me
	assert_output --partial "action=\"/registrations/$ra/cancel\""
	post a "/registrations/$ra/cancel"
	assert_equal "$code" 303
	assert_equal "$location" "/seminars/$id#registration"
	# Checked right after the answer: the promotion was part of the cancelling request.
	run sql "SELECT id, status, cancelled_at IS NOT NULL FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output "$ra"$'\tcancelled\t1\n'"$rb"$'\tconfirmed\t0\n'"$rc"$'\twaitlisted\t0'
	run sql "SELECT taken_in_person FROM seminar WHERE id = $id"
	assert_output 1
	run sql "SELECT detail FROM audit_log WHERE action = 'registration.cancel' AND object_id = $ra AND person_id = $a"
	assert_output 'by the participant'
	get_json c "/seminars/$id"
	assert_equal "$(jq -r '.registration.status, .registration.position' <<<"$output")" $'waitlisted\n1'
	get_json b /me
	run jq -r --arg t "$SEMINAR_TITLE" '.registrations.upcoming[] | select(.seminar_title == $t) | .status' <<<"$output"
	assert_output confirmed
	get_json a /me
	run jq -c --arg t "$SEMINAR_TITLE" '.registrations.upcoming[] | select(.seminar_title == $t) | [.status, .cancel_url]' <<<"$output"
	assert_output '["cancelled",null]'

	# Cancelling twice changes nothing more.
	post a "/registrations/$ra/cancel"
	assert_equal "$code" 303
	run sql "SELECT GROUP_CONCAT(status ORDER BY id), (SELECT taken_in_person FROM seminar WHERE id = $id) FROM registration WHERE seminar_id = $id"
	assert_output $'cancelled,confirmed,waitlisted\t1'
	run reconcile
	refute_output --regexp "^$id"$'\t'
}

@test "participant: the mode switch works when a place is free (promoting the queue) and answers 409 when not" {
	seminar_sql cap_in_person=1 cap_online=2
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	local ra=$REG_ID
	signup b
	register b "$id" online
	local rb=$REG_ID
	signup c
	register c "$id" in_person
	local rc=$REG_ID
	assert_equal "$REG_STATUS" waitlisted

	# No place in person: refused, nothing changes.
	local before
	before=$(seminar_state "$id")
	post b "/registrations/$rb/mode" mode=in_person
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'В выбранном формате нет свободных мест.'
	assert_equal "$(seminar_state "$id")" "$before"

	# A place online is free: a moves, and the place a left goes to c at once.
	get a "/seminars/$id"
	assert_output --partial "action=\"/registrations/$ra/mode\""
	assert_output --partial 'Перейти на формат: онлайн'
	post a "/registrations/$ra/mode" mode=online
	assert_equal "$code" 303
	assert_equal "$location" "/seminars/$id#registration"
	run sql "SELECT id, mode, status FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output "$ra"$'\tonline\tconfirmed\n'"$rb"$'\tonline\tconfirmed\n'"$rc"$'\tin_person\tconfirmed'
	run sql "SELECT taken_in_person, taken_online FROM seminar WHERE id = $id"
	assert_output $'1\t2'
	run sql "SELECT detail FROM audit_log WHERE action = 'registration.mode' AND object_id = $ra"
	assert_output online

	# Online is now full: the switch back is refused.
	before=$(seminar_state "$id")
	post c "/registrations/$rc/mode" mode=online
	assert_equal "$code" 409
	assert_equal "$(seminar_state "$id")" "$before"
	run reconcile
	refute_output --regexp "^$id"$'\t'
}

@test "refusal: once a seminar is over (its last session ended, or finished) cancel and switch answer 409, change nothing" {
	local msg='Семинар завершён: запись на него больше нельзя отменить или изменить.' id ra before
	login_demo o organizer
	seminar_sql cap_in_person=2
	id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	ra=$REG_ID
	get a "/seminars/$id"
	assert_output --partial "action=\"/registrations/$ra/cancel\""
	# The last session has ended; the seminar is still published.
	sql "UPDATE seminar SET starts_at = NOW() - INTERVAL 3 HOUR, ends_at = NOW() - INTERVAL 1 MINUTE WHERE id = $id;
	     UPDATE seminar_session SET starts_at = NOW() - INTERVAL 3 HOUR, ends_at = NOW() - INTERVAL 1 MINUTE
	     WHERE seminar_id = $id"
	get a "/seminars/$id"
	refute_output --partial "action=\"/registrations/$ra/cancel\""
	refute_output --partial "action=\"/registrations/$ra/mode\""
	get o "/manage/seminars/$id/participants"
	assert_equal "$code" 200
	refute_output --partial "action=\"/registrations/$ra/cancel\""
	refute_output --partial "action=\"/registrations/$ra/mode\""

	# The forms sent anyway (an old page, a script) are refused by the server, for the owner and the organiser.
	before=$(seminar_state "$id")
	post a "/registrations/$ra/cancel"
	assert_equal "$code" 409
	assert_equal "$(alert_text)" "$msg"
	post a "/registrations/$ra/mode" mode=online
	assert_equal "$code" 409
	assert_equal "$(alert_text)" "$msg"
	csrf a
	req a POST "/registrations/$ra/cancel" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN"
	assert_equal "$code" 409
	assert_equal "$(jq -c . <<<"$output")" "{\"status\":409,\"error\":\"$msg\"}"
	post o "/registrations/$ra/cancel"
	assert_equal "$code" 409
	assert_output --partial "$msg"
	post o "/registrations/$ra/mode" mode=online
	assert_equal "$code" 409
	assert_equal "$(seminar_state "$id")" "$before"

	# Finished by the organiser before its dates: the same, and the cabinet lists it as past, without a cancel link.
	seminar_sql cap_in_person=2
	id=$SEMINAR_ID
	register a "$id" in_person
	ra=$REG_ID
	sql "UPDATE seminar SET status = 'finished' WHERE id = $id"
	before=$(seminar_state "$id")
	post a "/registrations/$ra/cancel"
	assert_equal "$code" 409
	post a "/registrations/$ra/mode" mode=online
	assert_equal "$code" 409
	assert_equal "$(seminar_state "$id")" "$before"
	get_json a /me
	run jq -c --arg t "$SEMINAR_TITLE" '.registrations.past[] | select(.seminar_title == $t) | [.status, .cancel_url]' <<<"$output"
	assert_output '["confirmed",null]'
}

@test "participant: one registration per person and seminar: «Вы уже записаны», a retried request replays" {
	seminar_sql
	local id=$SEMINAR_ID key
	key=$(idem_key)
	signup p
	register p "$id" in_person "$key"
	assert_equal "$code" 200
	assert_equal "$OUTCOME/$REG_STATUS" confirmed/confirmed
	local first=$REG_ID before
	before=$(seminar_state "$id")

	register p "$id" in_person "$key"
	assert_equal "$code" 200
	assert_equal "$OUTCOME $REG_ID $REG_STATUS" "replay $first confirmed"
	# A retry after the answer was lost may differ in mode: it still returns the first outcome.
	register p "$id" online "$key"
	assert_equal "$OUTCOME $REG_ID $REG_STATUS" "replay $first confirmed"
	assert_equal "$(seminar_state "$id")" "$before"

	register_form p "$id" online
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Вы уже записаны на этот семинар.'
	assert_equal "$(seminar_state "$id")" "$before"
	run sql "SELECT COUNT(*) FROM registration WHERE seminar_id = $id AND person_id = $USER_ID"
	assert_output 1

	# Someone else's key is not a replay of someone else's registration.
	local p=$USER_ID
	signup q
	register_form q "$id" in_person "$key"
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Форма устарела: обновите страницу и запишитесь ещё раз.'
	assert_equal "$(seminar_state "$id" | cut -f1-6)" "$(cut -f1-6 <<<"$before")"
	run sql "SELECT COUNT(*) FROM registration WHERE seminar_id = $id AND person_id = $USER_ID"
	assert_output 0
	USER_ID=$p

	# After cancelling, a new sign-up reuses the one row.
	post p "/registrations/$first/cancel"
	assert_equal "$code" 303
	register p "$id" online
	assert_equal "$OUTCOME $REG_ID $REG_STATUS" "confirmed $first confirmed"
	run sql "SELECT COUNT(*), MAX(mode), MAX(status), MAX(cancelled_at) IS NULL FROM registration WHERE seminar_id = $id AND person_id = $USER_ID"
	assert_output $'1\tonline\tconfirmed\t1'
}

@test "participant: a switch to the mode one already has changes nothing and does not claim a place" {
	seminar_sql cap_in_person=1
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	signup b
	register b "$id" in_person
	local rb=$REG_ID
	assert_equal "$REG_STATUS" waitlisted
	local before audit
	before=$(seminar_state "$id" | cut -f1-6)
	audit=$(sql "SELECT COUNT(*) FROM audit_log WHERE object_type = 'registration' AND object_id = $rb")
	csrf b
	req b POST "/registrations/$rb/mode" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" -d mode=in_person
	local answer=$output http=$code
	assert_equal "$(seminar_state "$id" | cut -f1-6)" "$before"
	run sql "SELECT status FROM registration WHERE id = $rb"
	assert_output waitlisted
	# The answer tells the truth: still on the waiting list (or the request is refused), never "confirmed".
	if [[ $http == 200 ]]; then
		assert_equal "$(jq -r '.registration.status' <<<"$answer")" waitlisted
	else
		assert_regex "$http" '^4[0-9][0-9]$'
	fi
	# Nothing changed, so nothing is written to the audit log.
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE object_type = 'registration' AND object_id = $rb")" "$audit"
}

# ---------------------------------------------------------------------------- refusals

@test "refusal: sign-up before the registration opens and after it closes: 409, nothing written" {
	signup p
	local id before
	seminar_sql "reg_opens_at=NOW() + INTERVAL 2 DAY" "reg_closes_at=NOW() + INTERVAL 9 DAY"
	id=$SEMINAR_ID
	get p "/seminars/$id"
	assert_output --partial 'Запись откроется'
	refute_output --partial 'Записаться</button>'
	before=$(seminar_state "$id")
	register_form p "$id" in_person
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Регистрация на этот семинар сейчас закрыта.'
	assert_equal "$(seminar_state "$id")" "$before"

	seminar_sql "reg_opens_at=NOW() - INTERVAL 9 DAY" "reg_closes_at=NOW() - INTERVAL 1 MINUTE"
	id=$SEMINAR_ID
	get p "/seminars/$id"
	assert_output --partial 'Регистрация на этот семинар закрыта.'
	before=$(seminar_state "$id")
	register_form p "$id" online
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Регистрация на этот семинар сейчас закрыта.'
	assert_equal "$(seminar_state "$id")" "$before"
	run sql "SELECT COUNT(*) FROM registration WHERE person_id = $USER_ID"
	assert_output 0
}

@test "refusal: sign-up for a cancelled or a finished seminar: 409 with the reason, nothing written" {
	signup p
	local before
	seminar_sql "status='cancelled'"
	before=$(seminar_state "$SEMINAR_ID")
	register_form p "$SEMINAR_ID" in_person
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Семинар отменён — запись невозможна.'
	assert_equal "$(seminar_state "$SEMINAR_ID")" "$before"

	seminar_sql "status='finished'"
	before=$(seminar_state "$SEMINAR_ID")
	register_form p "$SEMINAR_ID" in_person
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Семинар уже завершён — запись невозможна.'
	assert_equal "$(seminar_state "$SEMINAR_ID")" "$before"
	run sql "SELECT COUNT(*) FROM registration WHERE person_id = $USER_ID"
	assert_output 0
}

@test "refusal: a draft is not found (404) for participants and guests, and a sign-up writes nothing" {
	seminar_sql "status='draft'"
	local id=$SEMINAR_ID before
	signup p
	before=$(seminar_state "$id")
	for who in p -; do
		get "$who" "/seminars/$id"
		assert_equal "$code" 404
		refute_output --partial "$SEMINAR_TITLE"
		get "$who" "/seminars/$id.ics"
		assert_equal "$code" 404
	done
	register_form p "$id" in_person
	assert_equal "$code" 404
	refute_output --partial "$SEMINAR_TITLE"
	assert_equal "$(seminar_state "$id")" "$before"
	# Its organiser sees it.
	login_demo o organizer
	get o "/seminars/$id"
	assert_equal "$code" 200
	assert_output --partial 'Это черновик'
}

@test "refusal: past the per-organisation limit: 409; cancelled places do not count; other organisations may" {
	seminar_sql org_limit=2 cap_in_person=1
	local id=$SEMINAR_ID before
	signup a
	register a "$id" in_person
	assert_equal "$REG_STATUS" confirmed
	local ra=$REG_ID
	signup b
	register b "$id" in_person
	assert_equal "$REG_STATUS" waitlisted # the waiting list counts too

	signup c
	before=$(seminar_state "$id")
	register_form c "$id" in_person
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'От вашей организации уже записано максимальное число участников.'
	assert_equal "$(seminar_state "$id")" "$before"

	# A person of another organisation of the register.
	local other
	other=$(sql "SELECT id FROM organization WHERE active AND id <> $(org_id) ORDER BY id LIMIT 1")
	signup d
	sql "UPDATE person SET organization_id = $other WHERE id = $USER_ID"
	register d "$id" online
	assert_equal "$code" 200
	assert_equal "$OUTCOME" confirmed

	post a "/registrations/$ra/cancel"
	assert_equal "$code" 303
	register c "$id" online
	assert_equal "$code" 200
	assert_equal "$OUTCOME" confirmed
	run sql "SELECT COUNT(*) FROM registration WHERE seminar_id = $id AND organization_id = $(org_id) AND status <> 'cancelled'"
	assert_output 2
}

@test "refusal: a mode the format does not offer answers 400; so does a missing mode; nothing written" {
	signup p
	local before
	seminar_sql "format='in_person'"
	before=$(seminar_state "$SEMINAR_ID")
	register_form p "$SEMINAR_ID" online
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Этот семинар не проводится в формате «онлайн».'
	post p "/seminars/$SEMINAR_ID/register" "idem=$(idem_key)"
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Выберите формат участия: очно или онлайн.'
	post p "/seminars/$SEMINAR_ID/register" mode=somewhere "idem=$(idem_key)"
	assert_equal "$code" 400
	assert_equal "$(seminar_state "$SEMINAR_ID")" "$before"

	seminar_sql "format='online'" cap_in_person=0
	before=$(seminar_state "$SEMINAR_ID")
	register_form p "$SEMINAR_ID" in_person
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Этот семинар не проводится в формате «очно».'
	assert_equal "$(seminar_state "$SEMINAR_ID")" "$before"
	run sql "SELECT COUNT(*) FROM registration WHERE person_id = $USER_ID"
	assert_output 0
}

@test "refusal: scripts get the refusal as JSON {status, error} (and the program does not crash)" {
	seminar_sql "format='in_person'"
	local id=$SEMINAR_ID
	signup p
	register p "$id" in_person
	assert_equal "$OUTCOME" confirmed

	register p "$id" in_person
	assert_equal "$code" 409
	assert_equal "$(jq -c . <<<"$output")" '{"status":409,"error":"Вы уже записаны на этот семинар."}'
	register p "$id" online
	assert_equal "$code" 409
	signup q
	register q "$id" online
	assert_equal "$code" 400
	assert_equal "$(jq -c . <<<"$output")" '{"status":400,"error":"Этот семинар не проводится в формате «онлайн»."}'
	seminar_sql "reg_opens_at=NOW() + INTERVAL 1 DAY"
	register q "$SEMINAR_ID" in_person
	assert_equal "$code" 409
	assert_equal "$(jq -c . <<<"$output")" '{"status":409,"error":"Регистрация на этот семинар сейчас закрыта."}'
	seminar_sql "status='draft'"
	register q "$SEMINAR_ID" in_person
	assert_equal "$code" 404
	assert_equal "$(jq -r .status <<<"$output")" 404
}

# ---------------------------------------------------------------------------- the organiser and participants

@test "organiser adds participants by hand: an existing account and a new person; both audited" {
	login_demo o organizer
	# By hand works even when self sign-up is closed.
	seminar_sql cap_in_person=1 "reg_closes_at=NOW() - INTERVAL 1 HOUR"
	local id=$SEMINAR_ID
	signup p
	local pid=$USER_ID

	post o "/manage/seminars/$id/participants" "email=$EMAIL" mode=in_person
	assert_equal "$code" 303
	assert_equal "$location" "/manage/seminars/$id/participants"
	run sql "SELECT mode, status, source, organization_id = $(org_id), idem_key IS NULL FROM registration WHERE seminar_id = $id AND person_id = $pid"
	assert_output $'in_person\tconfirmed\torganizer\t1\t1'
	local rp
	rp=$(sql "SELECT id FROM registration WHERE seminar_id = $id AND person_id = $pid")
	run sql "SELECT detail FROM audit_log WHERE action = 'registration.create' AND object_id = $rp
	         AND person_id = (SELECT id FROM person WHERE email = 'organizer@demo.local')"
	assert_output "seminar=$id in_person confirmed by an organiser"

	# Again: refused.
	local before
	before=$(seminar_state "$id")
	post o "/manage/seminars/$id/participants" "email=$EMAIL" mode=online
	assert_equal "$code" 409
	assert_equal "$(alert_text)" 'Этот человек уже записан на семинар.'
	# An unknown address without the person's details: refused, nobody created.
	local email
	email=$(new_email)
	post o "/manage/seminars/$id/participants" "email=$email" mode=online
	assert_equal "$code" 400
	assert_output --partial 'Учётной записи с этим адресом нет'
	assert_equal "$(seminar_state "$id")" "$before"
	# The form offers the region's whole register, not only organisations already signed up.
	get o "/manage/seminars/$id/participants"
	assert_output --partial 'МБОУ СОШ с. Девица (Усманский район)</option>'

	post o "/manage/seminars/$id/participants" "email=$email" mode=in_person "full_name=Смирнова Ольга Николаевна" \
		"full_name_dat=Смирновой Ольге Николаевне" "phone=+7 900 555-66-77" "organization_id=$(org_id)"
	assert_equal "$code" 303
	local nid
	nid=$(sql "SELECT id FROM person WHERE email = $(sql_str "$email")")
	[[ -n $nid ]] || fail "no person row for $email"
	run sql "SELECT full_name, full_name_dat, phone, organization_id = $(org_id), password_hash, consent_version FROM person WHERE id = $nid"
	assert_output $'Смирнова Ольга Николаевна\tСмирновой Ольге Николаевне\t+7 900 555-66-77\t1\t!\tphone'
	run sql "SELECT mode, status, source FROM registration WHERE seminar_id = $id AND person_id = $nid"
	assert_output $'in_person\twaitlisted\torganizer'
	run sql "SELECT detail FROM audit_log WHERE action = 'person.create' AND object_id = $nid"
	assert_output 'by an organiser, consent taken by phone'
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.create' AND detail LIKE 'seminar=$id %by an organiser'"
	assert_output 2

	get o "/manage/seminars/$id/participants"
	assert_equal "$code" 200
	assert_output --partial 'Смирнова Ольга Николаевна'
	assert_output --partial '№ 1 в очереди'
	# A person created this way has no password and cannot log in.
	post x /login "email=$email" password=anything-at-all
	assert_equal "$code" 401
}

@test "organiser moves a person between modes and cancels on their behalf; the queue moves; all audited" {
	login_demo o organizer
	seminar_sql cap_in_person=1 cap_online=1
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	local ra=$REG_ID
	signup b
	register b "$id" in_person
	local rb=$REG_ID
	signup c
	register c "$id" online
	local rc=$REG_ID
	assert_equal "$REG_STATUS" confirmed

	# Online is full: moving a there is refused.
	local before
	before=$(seminar_state "$id")
	post o "/registrations/$ra/mode" mode=online
	assert_equal "$code" 409
	assert_equal "$(seminar_state "$id")" "$before"

	post o "/registrations/$rc/cancel"
	assert_equal "$code" 303
	assert_equal "$location" "/manage/seminars/$id/participants"
	post o "/registrations/$ra/mode" mode=online "next=/manage/seminars/$id/participants?status=confirmed"
	assert_equal "$code" 303
	assert_equal "$location" "/manage/seminars/$id/participants?status=confirmed"
	run sql "SELECT id, mode, status FROM registration WHERE seminar_id = $id ORDER BY id"
	assert_output "$ra"$'\tonline\tconfirmed\n'"$rb"$'\tin_person\tconfirmed\n'"$rc"$'\tonline\tcancelled'
	run sql "SELECT taken_in_person, taken_online FROM seminar WHERE id = $id"
	assert_output $'1\t1'

	local org
	org=$(sql "SELECT id FROM person WHERE email = 'organizer@demo.local'")
	run sql "SELECT action, object_id, detail FROM audit_log WHERE person_id = $org AND object_type = 'registration'
	         AND object_id IN ($ra, $rb, $rc) ORDER BY id"
	assert_output "registration.cancel"$'\t'"$rc"$'\tby an organiser\n'"registration.mode"$'\t'"$ra"$'\tonline'
	run reconcile
	refute_output --regexp "^$id"$'\t'
}

@test "participant list: search by name or organisation, filters by status, mode, district and organisation" {
	login_demo o organizer
	seminar_sql cap_in_person=1
	local id=$SEMINAR_ID other
	other=$(sql "SELECT o.id FROM organization o JOIN district d ON d.id = o.district_id
	             WHERE o.active AND d.region_id = 48 AND d.id <> 16 ORDER BY o.id LIMIT 1")
	signup a "$(new_email)"
	sql "UPDATE person SET full_name = 'Абрамова Зоя Львовна' WHERE id = $USER_ID"
	register a "$id" in_person
	signup b
	sql "UPDATE person SET full_name = 'Борисов Яков Ильич', organization_id = $other WHERE id = $USER_ID"
	register b "$id" in_person
	signup c
	sql "UPDATE person SET full_name = 'Власова Юлия Олеговна' WHERE id = $USER_ID"
	register c "$id" online
	# names QUERY: the names the list shows for QUERY, in its order, comma-separated.
	names() {
		get_json o "/manage/seminars/$id/participants$1"
		[[ $code == 200 ]] || echo "HTTP $code"
		jq -r '[.participants[].full_name] | join(",")' <<<"$output"
	}

	assert_equal "$(names '')" 'Абрамова Зоя Львовна,Власова Юлия Олеговна,Борисов Яков Ильич'
	assert_equal "$(names "?q=$(jq -rn '"борисов"|@uri')")" 'Борисов Яков Ильич'
	assert_equal "$(names "?q=$(jq -rn '"СОШ № 2"|@uri')")" 'Абрамова Зоя Львовна,Власова Юлия Олеговна'
	assert_equal "$(names '?status=waitlisted')" 'Борисов Яков Ильич'
	assert_equal "$(names '?mode=online')" 'Власова Юлия Олеговна'
	assert_equal "$(names '?district_id=16')" 'Абрамова Зоя Львовна,Власова Юлия Олеговна'
	assert_equal "$(names "?organization_id=$other")" 'Борисов Яков Ильич'
	assert_equal "$(names '?status=confirmed&mode=in_person')" 'Абрамова Зоя Львовна'
	get_json o "/manage/seminars/$id/participants?status=waitlisted"
	assert_equal "$(jq -c '[.total, .participants[0].queue_position, .participants[0].status_name]' <<<"$output")" '[1,1,"Лист ожидания"]'
}

@test "exports: CSV with the UTF-8 BOM and Cyrillic, XLSX read back by openpyxl; both audited; filters apply" {
	login_demo o organizer
	seminar_sql cap_in_person=1
	local id=$SEMINAR_ID
	signup a
	sql "UPDATE person SET full_name = 'Ёлкина Мария Фёдоровна' WHERE id = $USER_ID"
	register a "$id" in_person
	signup b
	sql "UPDATE person SET full_name = 'Щукин Пётр Ильич' WHERE id = $USER_ID"
	register b "$id" in_person
	local before f=$BATS_TEST_TMPDIR
	before=$(sql "SELECT COUNT(*) FROM access_journal WHERE action = 'participants.export' AND object_id = $id")
	assert_equal "$before" 0

	curl -sS -b "$f/o.jar" -o "$f/list.csv" -D "$f/csv.head" "$BASE_URL/manage/seminars/$id/participants.csv"
	run grep -ci '^content-type: text/csv; charset=utf-8' "$f/csv.head"
	assert_output 1
	run grep -ci "^content-disposition: attachment; filename=\"participants-$id.csv\"" "$f/csv.head"
	assert_output 1
	assert_equal "$(head -c 3 "$f/list.csv" | od -An -tx1 | tr -d ' \n')" efbbbf
	run sed -n '1s/^\xef\xbb\xbf//p' "$f/list.csv"
	assert_output --partial 'ФИО'
	assert_output --partial 'Организация'
	assert_output --partial 'Статус'
	run grep -c 'Ёлкина Мария Фёдоровна.*Место подтверждено' "$f/list.csv"
	assert_output 1
	run grep -c 'Щукин Пётр Ильич.*Лист ожидания' "$f/list.csv"
	assert_output 1
	run grep -c 'МБОУ СОШ № 2 г. Усмани' "$f/list.csv"
	assert_output 2

	curl -sS -b "$f/o.jar" -o "$f/list.xlsx" -D "$f/xlsx.head" "$BASE_URL/manage/seminars/$id/participants.xlsx"
	run grep -ci '^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' "$f/xlsx.head"
	assert_output 1
	run /usr/bin/python3 -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = [[("" if c is None else str(c)) for c in r] for r in ws.iter_rows(values_only=True)]
rows = [r for r in rows if any(r)]
header = next(i for i, r in enumerate(rows) if "ФИО" in r)
for r in rows[header:]:
    print("|".join(r))
' "$f/list.xlsx"
	assert_success
	assert_line --index 0 --regexp '^№\|ФИО\|Организация\|Район\|Электронная почта\|Телефон\|Должность\|Формат участия\|Статус\|'
	assert_line --index 1 --regexp '^1\|Ёлкина Мария Фёдоровна\|МБОУ СОШ № 2 г. Усмани\|Усманский район\|.*\|очно\|Место подтверждено\|'
	assert_line --index 2 --regexp '^2\|Щукин Пётр Ильич\|.*\|очно\|Лист ожидания\|1\|'
	assert_equal "${#lines[@]}" 3

	# The filters of the list apply to the export.
	curl -sS -b "$f/o.jar" -o "$f/waiting.csv" "$BASE_URL/manage/seminars/$id/participants.csv?status=waitlisted"
	run grep -c 'Ёлкина' "$f/waiting.csv"
	assert_output 0
	run grep -c 'Щукин' "$f/waiting.csv"
	assert_output 1

	run sql "SELECT query, people FROM access_journal WHERE action = 'participants.export' AND object_type = 'seminar'
	         AND object_id = $id AND person_id = (SELECT id FROM person WHERE email = 'organizer@demo.local') ORDER BY id"
	assert_output $'csv\t2\nxlsx\t2\ncsv, status=waitlisted\t1'
}

# ---------------------------------------------------------------------------- access

@test "access: a participant gets 403 on the organiser's pages and on someone else's registration" {
	seminar_sql
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	local ra=$REG_ID
	signup p
	local before
	before=$(seminar_state "$id")
	local path
	for path in /manage/seminars /manage/seminars/new "/manage/seminars/$id" "/manage/seminars/$id/participants" \
		"/manage/seminars/$id/participants.csv" "/manage/seminars/$id/participants.xlsx"; do
		get p "$path"
		assert_equal "$code" 403
		refute_output --partial "$EMAIL"
	done
	seminar_create p
	assert_equal "$code" 403
	post p "/manage/seminars/$id/status" status=cancelled
	assert_equal "$code" 403
	post p "/manage/seminars/$id/sessions" "date=$(in_days 50)" start=10:00 end=11:00
	assert_equal "$code" 403
	post p "/manage/seminars/$id/participants" "email=$EMAIL" mode=online
	assert_equal "$code" 403
	post p "/registrations/$ra/cancel"
	assert_equal "$code" 403
	assert_output --partial 'Эту запись может изменить только её владелец, организатор семинара или руководитель'
	post p "/registrations/$ra/mode" mode=online
	assert_equal "$code" 403
	assert_equal "$(seminar_state "$id")" "$before"
	run sql "SELECT COUNT(*) FROM seminar_session WHERE seminar_id = $id"
	assert_output 1
}

@test "access: an organiser of region 23 gets 403 on a region-48 seminar and cannot create one there" {
	seminar_sql
	local id=$SEMINAR_ID
	signup a
	register a "$id" in_person
	local ra=$REG_ID
	signup k
	local kid=$USER_ID
	login_demo admin admin
	post admin "/admin/users/$kid/grants" role=organizer region_id=23
	assert_equal "$code" 303
	run sql "SELECT role, region_id FROM role_grant WHERE person_id = $kid"
	assert_output $'organizer\t23'

	local before path
	before=$(seminar_state "$id")
	for path in "/manage/seminars/$id" "/manage/seminars/$id/participants" "/manage/seminars/$id/participants.csv" \
		"/manage/seminars/$id/participants.xlsx"; do
		get k "$path"
		assert_equal "$code" 403
	done
	post k "/manage/seminars/$id/status" status=cancelled
	assert_equal "$code" 403
	seminar_edit k "$id" "title=Чужой семинар"
	assert_equal "$code" 403
	post k "/registrations/$ra/cancel"
	assert_equal "$code" 403
	post k "/manage/seminars/$id/participants" "email=$EMAIL" mode=online
	assert_equal "$code" 403
	assert_equal "$(seminar_state "$id")" "$before"
	run sql "SELECT COUNT(*) FROM audit_log WHERE person_id = $kid AND action LIKE 'seminar.%'"
	assert_output 0

	get_json k /manage/seminars
	assert_equal "$code" 200
	assert_equal "$(jq --argjson id "$id" '[.seminars[].id] | index($id)' <<<"$output")" null
	seminar_create k
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Вы не можете проводить семинары в этом регионе.'
	seminar_create k region_id=23 district_id=33
	assert_equal "$code" 303
	run sql "SELECT region_id, status FROM seminar WHERE id = $SEMINAR_ID"
	assert_output $'23\tdraft'
}

@test "access: a guest's sign-up POST answers 401 and the organiser's pages send guests to the login page" {
	seminar_sql
	local id=$SEMINAR_ID before
	before=$(seminar_state "$id")
	register g "$id" in_person
	assert_equal "$code" 401
	register_form g "$id" in_person
	assert_equal "$code" 401
	assert_output --partial 'Войдите, чтобы продолжить.'
	assert_equal "$(seminar_state "$id")" "$before"
	local path
	for path in /manage/seminars "/manage/seminars/$id" "/manage/seminars/$id/participants"; do
		get g "$path"
		assert_equal "$code" 303
		assert_regex "$location" "^/login\\?next="
	done
	get_json g /manage/seminars
	assert_equal "$code" 401
}

# ---------------------------------------------------------------------------- calendar

@test "the .ics file: text/calendar with one VEVENT per session, DTSTART and the escaped title" {
	local title="Семинар, e2e; календарь ${EPOCHREALTIME/[.,]/}"
	seminar_sql "title=$(sql_str "$title")"
	local id=$SEMINAR_ID day
	day=$(in_days 30 %Y%m%d)
	sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at) VALUES ($id, CURDATE() + INTERVAL 31 DAY + INTERVAL 15 HOUR, CURDATE() + INTERVAL 31 DAY + INTERVAL 17 HOUR)"
	get - "/seminars/$id.ics"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" 'text/calendar; charset=utf-8'
	assert_regex "$(header content-disposition)" "^attachment; filename=\"seminar-$id.ics\"$"
	[[ $output == BEGIN:VCALENDAR$'\r\n'* ]] || fail "does not start with BEGIN:VCALENDAR and CRLF: ${output:0:40}"
	[[ $output == *END:VCALENDAR$'\r' || $output == *END:VCALENDAR ]] || fail "does not end with END:VCALENDAR"
	# Unfolded as a calendar reader does (CRLF and a space continue a line).
	local text=${output//$'\r\n '/}
	text=${text//$'\r'/}
	run grep -c '^BEGIN:VEVENT$' <<<"$text"
	assert_output 2
	run grep -c '^END:VEVENT$' <<<"$text"
	assert_output 2
	run grep -x "DTSTART:${day}T100000" <<<"$text"
	assert_success
	run grep -x "DTEND:${day}T130000" <<<"$text"
	assert_success
	run grep -x "DTSTART:$(in_days 31 %Y%m%d)T150000" <<<"$text"
	assert_success
	run grep -cxF "SUMMARY:$(sed 's/,/\\,/g; s/;/\\;/g' <<<"$title")" <<<"$text"
	assert_output 2
	run grep -cxF 'LOCATION:Дом журналиста\, г. Усмань\, ул. Ленина\, 1' <<<"$text"
	assert_output 2
	get - "/seminars/$id"
	assert_output --partial "href=\"/seminars/$id.ics\""
	assert_output --partial 'Добавить в календарь'
}
