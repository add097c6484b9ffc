#!/usr/bin/env bats
# The briefing journal: an organiser publishes to districts, sectors or organisations of their region; only the
# people addressed see a briefing and acknowledge it, once; the journal (page, XLSX through openpyxl, PDF through
# pdftotext) lists who did and when and who did not; organisers of other regions are refused; bad input is
# refused with nothing written.

load helpers

# A region of its own. Район А: the school А1 (Агеева Анна, Борисова Вера) and the house of culture А2 (Васильев
# Глеб); Район Б: the school Б1 (Григорьева Дарья). "org" organises in the region.
setup_file() {
	local run="br-$$-${EPOCHREALTIME/[.,]/}" h
	h=$(grep -o "'\$argon2id\$[^']*'" "${STACK%/scripts/stack.sh}/sql/seed/920-demo-accounts.sql" | head -1)
	[[ -n $h ]] || return 1
	sql "SET @r = (SELECT MIN(seq) FROM seq_100_to_9999 WHERE seq NOT IN (SELECT id FROM region));
	     INSERT INTO region (id, name) VALUES (@r, 'Регион $run');
	     INSERT INTO district (region_id, name) VALUES (@r, 'Район А'), (@r, 'Район Б');
	     SET @a = (SELECT id FROM district WHERE region_id = @r AND name = 'Район А'),
	         @b = (SELECT id FROM district WHERE region_id = @r AND name = 'Район Б');
	     INSERT INTO organization (district_id, sector_id, name, short_name) VALUES
	       (@a, 1, 'МБОУ А1 $run', 'А1'), (@a, 3, 'МБУК А2 $run', 'А2'), (@b, 1, 'МБОУ Б1 $run', 'Б1');
	     CALL register_recount(@a);
	     CALL register_recount(@b);
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
	                         consent_version)
	     SELECT CONCAT('$run-', x.n, '@example.test'), $h, x.name, x.name, x.pos, o.id, NOW(), '2026-01'
	     FROM (SELECT 'a' n, 'А1' o, 'Агеева Анна' name, 'Учитель информатики' pos
	           UNION ALL SELECT 'b', 'А1', 'Борисова Вера', 'Заместитель директора'
	           UNION ALL SELECT 'v', 'А2', 'Васильев Глеб', 'Методист'
	           UNION ALL SELECT 'g', 'Б1', 'Григорьева Дарья', 'Педагог-организатор') x
	     JOIN organization o ON o.short_name = x.o AND o.district_id IN (@a, @b);
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, consent_at, consent_version)
	     VALUES ('$run-org@example.test', $h, 'Инструктова Нина', 'Инструктовой Нине', NOW(), '2026-01');
	     INSERT INTO role_grant (person_id, role, region_id)
	     SELECT id, 'organizer', @r FROM person WHERE email = '$run-org@example.test';
	     SELECT @r, @a, @b, '$run'" >"$BATS_FILE_TMPDIR/world"
}

setup() {
	BY=org
	read -r R DA DB RUN <"$BATS_FILE_TMPDIR/world"
	A1=$(sql "SELECT id FROM organization WHERE district_id = $DA AND short_name = 'А1'")
	A2=$(sql "SELECT id FROM organization WHERE district_id = $DA AND short_name = 'А2'")
	B1=$(sql "SELECT id FROM organization WHERE district_id = $DB AND short_name = 'Б1'")
}

# as WHO: logs the visitor WHO (a, b, v, g, org of this file's region) in.
as() { login "$1" "$RUN-$1@example.test" "$DEMO_PASSWORD"; }

# publish [name=value ...]: BY ("org" unless set) publishes a briefing with a fresh title and these fields (curl -F syntax, so
# files are "attachment=@path"). Sets what req sets, TITLE, and BID on 303.
publish() {
	local a args=()
	TITLE="Инструктаж $RUN $BATS_TEST_NUMBER $RANDOM"
	csrf "$BY" /manage/briefings/new
	for a in "$@"; do args+=(-F "$a"); done
	req "$BY" POST /manage/briefings -F "csrf=$TOKEN" -F "region_id=$R" -F "title=$TITLE" \
		-F "body=Первый абзац: <b>не разметка</b>.
Второй абзац о правилах ведения страниц." "${args[@]}"
	BID=
	[[ $code == 303 && $location =~ ^/manage/briefings/([0-9]+)$ ]] && BID=${BASH_REMATCH[1]}
	return 0
}

# addressed ID: the short names of the organisations briefing ID addresses, in order.
addressed() { sql "SELECT GROUP_CONCAT(o.short_name ORDER BY o.short_name) FROM briefing_org bo
	JOIN organization o ON o.id = bo.organization_id WHERE bo.briefing_id = $1"; }

# written: one line with the rows of every briefing table.
written() { sql "SELECT (SELECT COUNT(*) FROM briefing), (SELECT COUNT(*) FROM briefing_target),
	(SELECT COUNT(*) FROM briefing_org), (SELECT COUNT(*) FROM briefing_file), (SELECT COUNT(*) FROM briefing_ack)"; }

stored_files() { find "$VAR/files" -type f ! -name '.tmp*' 2>/dev/null | wc -l; }

@test "an audience by district and sector, by sector, by organisations: each sees only its own briefings" {
	as org
	publish "district_id=$DA" sector_id=1
	[[ $code == 303 && -n $BID ]] || fail "publish: HTTP $code $(alert_text)"
	assert_equal "$(addressed "$BID")" А1
	local by_district=$BID t1=$TITLE
	publish sector_id=3
	assert_equal "$(addressed "$BID")" А2
	local by_sector=$BID t2=$TITLE
	publish "organization_id=$A2" "organization_id=$B1"
	assert_equal "$(addressed "$BID")" А2,Б1
	local by_org=$BID t3=$TITLE

	# who: the statuses of the three briefings' pages
	local -A want=([a]="200 403 403" [b]="200 403 403" [v]="403 200 200" [g]="403 403 200")
	local who id got
	for who in a b v g; do
		as "$who"
		got=
		for id in $by_district $by_sector $by_org; do
			get "$who" "/briefings/$id"
			got+="${got:+ }$code"
		done
		[[ $got == "${want[$who]}" ]] || fail "$who: got '$got', want '${want[$who]}'"
	done
	# The cabinet lists what awaits acknowledgement, and only that.
	get v /me
	assert_output --partial "$t2"
	assert_output --partial "$t3"
	refute_output --partial "$t1"
	assert_output --partial 'Инструктажи: нужно ознакомиться'
	# The text is the author's, as text: paragraphs kept, markup escaped.
	get a "/briefings/$by_district"
	assert_output --partial 'Первый абзац: &lt;b&gt;не разметка&lt;/b&gt;.
Второй абзац'
	assert_output --partial '>Ознакомлен</button>'
	# Another region's participant, a guest, an unknown briefing.
	login_demo p participant
	get p "/briefings/$by_district"
	assert_equal "$code" 403
	get - "/briefings/$by_district"
	[[ $code == 30[23] && $location == "/login?next="* ]] || fail "a guest: HTTP $code, Location '$location'"
	get a /briefings/999999999
	assert_equal "$code" 404
}

@test "only organisers of the briefing's region see it, its journal and the list" {
	as org
	publish "district_id=$DB"
	[[ -n $BID ]] || fail "publish: HTTP $code"
	login_demo o organizer
	local path
	for path in "" /journal /journal.xlsx /journal.pdf; do
		get o "/manage/briefings/$BID$path"
		[[ $code == 403 ]] || fail "another region's organiser, $path: HTTP $code"
	done
	get o /manage/briefings
	assert_equal "$code" 200
	refute_output --partial "$TITLE"
	get org /manage/briefings
	assert_output --partial "$TITLE"
	get org "/manage/briefings/$BID"
	assert_equal "$code" 200
	assert_output --partial 'районы: Район Б'
	login_demo adm admin
	get adm "/manage/briefings/$BID/journal"
	assert_equal "$code" 200
	# An administrator chooses the region first, then whom to address in it; the demo organiser may not.
	get adm /manage/briefings/new
	assert_equal "$code" 200
	assert_output --partial '<select id="mb-region" name="region_id"'
	refute_output --partial 'name="body"'
	get adm "/manage/briefings/new?region_id=$R"
	assert_output --partial 'name="body"'
	assert_output --partial '<span>Район Б</span>'
	assert_output --partial "<option value=\"$A2\">А2</option>"
	get o "/manage/briefings/new?region_id=$R"
	assert_equal "$code" 403
	# People who are no organisers have no list to see.
	as g
	get g /manage/briefings
	assert_equal "$code" 403
	get g "/manage/briefings/$BID/journal"
	assert_equal "$code" 403
}

@test "an organiser of one district or one sector reads only journals whose whole audience is theirs, and addresses only their own" {
	local district_a district_b culture t_a t_b before
	sql "INSERT INTO person (email, password_hash, full_name, full_name_dat, consent_at, consent_version)
	     SELECT CONCAT('$RUN-', x.n, '@example.test'), p.password_hash, x.n, x.n, NOW(), '2026-01'
	     FROM person p JOIN (SELECT 'da' n UNION ALL SELECT 'cu') x WHERE p.email = '$RUN-org@example.test';
	     INSERT INTO role_grant (person_id, role, region_id, district_id)
	     SELECT id, 'organizer', $R, $DA FROM person WHERE email = '$RUN-da@example.test';
	     INSERT INTO role_grant (person_id, role, region_id, sector_id)
	     SELECT id, 'organizer', $R, 3 FROM person WHERE email = '$RUN-cu@example.test'"
	as org
	publish "district_id=$DA"
	district_a=$BID t_a=$TITLE
	publish "district_id=$DB"
	district_b=$BID t_b=$TITLE
	publish sector_id=3
	culture=$BID
	[[ -n $district_a && -n $district_b && -n $culture ]] || fail "publish: HTTP $code"
	# The organiser of Район А: its briefing (А1, А2) is theirs; Район Б's people are not.
	as da
	get da "/manage/briefings/$district_a/journal"
	assert_equal "$code" 200
	assert_output --partial 'Агеева Анна'
	get da "/manage/briefings/$district_b/journal"
	assert_equal "$code" 403
	get da "/manage/briefings/$district_b/journal.xlsx"
	assert_equal "$code" 403
	get da /manage/briefings
	assert_output --partial "$t_a"
	refute_output --partial "$t_b"
	# The organiser of culture (sector 3): the house of culture А2 alone, not the schools of Район А.
	as cu
	get cu "/manage/briefings/$culture/journal"
	assert_equal "$code" 200
	get cu "/manage/briefings/$district_a/journal"
	assert_equal "$code" 403
	# The form offers Район А only; a briefing to Район Б, or to the whole region's schools, is refused whole.
	get da "/manage/briefings/new?region_id=$R"
	assert_output --partial '<span>Район А</span>'
	refute_output --partial '<span>Район Б</span>'
	before=$(written)
	BY=da
	publish "district_id=$DB"
	assert_equal "$code" 403
	assert_output --partial 'вне ваших районов или направлений'
	publish sector_id=1
	assert_equal "$code" 403
	assert_equal "$(written)" "$before"
	publish "district_id=$DA" sector_id=1
	assert_equal "$code" 303
	assert_equal "$(addressed "$BID")" А1
}

@test "an acknowledgement is recorded once with its time and address; a second click changes nothing" {
	as org
	publish "district_id=$DA" sector_id=1
	as a
	# From the cabinet's button, which comes back to the cabinet.
	get a /me
	assert_output --partial "action=\"/briefings/$BID/ack\""
	post a "/briefings/$BID/ack" next=/me
	assert_equal "$code" 303
	assert_equal "$location" /me
	local first
	first=$(sql "SELECT CONCAT(acked_at, ' ', ip) FROM briefing_ack WHERE briefing_id = $BID")
	[[ $first == 20*' 127.0.0.1' ]] || fail "recorded: '$first'"
	sleep 1
	post a "/briefings/$BID/ack"
	assert_equal "$code" 303
	assert_equal "$location" "/briefings/$BID"
	assert_equal "$(sql "SELECT CONCAT(COUNT(*), ' ', MIN(CONCAT(acked_at, ' ', ip))) FROM briefing_ack WHERE briefing_id = $BID")" "1 $first"
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'briefing.ack' AND object_id = $BID")" 1
	get a "/briefings/$BID"
	assert_output --partial 'Вы ознакомились с инструктажем'
	refute_output --partial '>Ознакомлен</button>'
	get a /me
	assert_output --partial 'Инструктажи, с которыми я ознакомлен(а)'
	get_json a /me
	run jq -c --arg t "$TITLE" '[([.briefings_waiting[] | select(.title == $t)] | length), [.briefings_acked[] | select(.title == $t) | .url]]' <<<"$output"
	assert_output "[0,[\"/briefings/$BID\"]]"
	# Nobody outside the audience acknowledges it: not its author, not another organisation's people.
	as v
	post v "/briefings/$BID/ack"
	assert_equal "$code" 403
	post org "/briefings/$BID/ack"
	assert_equal "$code" 403
	post a /briefings/999999999/ack
	assert_equal "$code" 404
	assert_equal "$(sql "SELECT COUNT(*) FROM briefing_ack WHERE briefing_id = $BID")" 1
}

@test "the journal lists who acknowledged and when and who did not, as a page, XLSX and PDF" {
	as org
	publish "district_id=$DA"
	assert_equal "$(addressed "$BID")" А1,А2
	as a
	post a "/briefings/$BID/ack"
	as v
	post v "/briefings/$BID/ack"
	local day
	day=$(sql "SELECT DATE_FORMAT(MIN(acked_at), '%d.%m.%Y') FROM briefing_ack WHERE briefing_id = $BID")

	get org "/manage/briefings/$BID/journal"
	assert_equal "$code" 200
	assert_output --partial '<th scope="row">Борисова Вера</th>'
	assert_output --partial 'не ознакомлен(а)'
	get_json org "/manage/briefings/$BID/journal"
	run jq -c '[[.summary[] | [.organization, .acked, .people]], [.rows[] | [.n, .full_name, .organization, (.acked_at != null)]]]' <<<"$output"
	assert_output '[[["А1",1,2],["А2",1,1]],[[1,"Агеева Анна","А1",true],[2,"Борисова Вера","А1",false],[3,"Васильев Глеб","А2",true]]]'
	get org "/manage/briefings/$BID"
	assert_output --partial 'ознакомлены <strong>2</strong> из 3'

	get org "/manage/briefings/$BID/journal.xlsx"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/j.xlsx"
	run /usr/bin/python3 - "$BATS_TEST_TMPDIR/j.xlsx" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = [list(r) for r in ws.iter_rows(values_only=True) if any(c is not None for c in r)]
head = rows.index(["№", "ФИО", "Должность", "Организация", "Район", "Дата ознакомления"])
for r in rows[head + 1:]:
    print(r[0], r[1], r[2], r[3], r[4], r[5].strftime("%d.%m.%Y") if r[5] else "-")
PY
	assert_success
	assert_output "1 Агеева Анна Учитель информатики А1 Район А $day
2 Борисова Вера Заместитель директора А1 Район А -
3 Васильев Глеб Методист А2 Район А $day"

	get org "/manage/briefings/$BID/journal.pdf"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/pdf
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/j.pdf"
	run bash -c "pdftotext -q '$BATS_TEST_TMPDIR/j.pdf' - | tr -s ' \n\t' '   '"
	assert_success
	[[ $output =~ №\ ФИО\ Должность\ Организация\ Район\ Дата\ ознакомления.*Агеева\ Анна.*Борисова\ Вера.*Васильев\ Глеб ]] ||
		fail "columns and names not in order: $output"
	[[ $output == *"$day"* ]] || fail "no date $day in: $output"
	# Lists of people: the views and exports are in the access journal, with the three people listed each time.
	assert_equal "$(sql "SELECT GROUP_CONCAT(CONCAT(query, ':', people) ORDER BY id) FROM access_journal WHERE action = 'briefing.journal.export' AND object_id = $BID")" xlsx:3,pdf:3
	assert_equal "$(sql "SELECT COUNT(*) FROM access_journal j JOIN access_journal_subject s ON s.journal_id = j.id WHERE j.action = 'briefing.journal.export' AND j.object_id = $BID")" 6
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'briefing.journal.%' AND object_id = $BID")" 0
}

@test "files travel with the briefing to its audience only" {
	printf '%%PDF-1.4\n%% briefing %s\n%%%%EOF\n' "$RUN$RANDOM" >"$BATS_TEST_TMPDIR/rules.pdf"
	as org
	publish "district_id=$DB" "attachment=@$BATS_TEST_TMPDIR/rules.pdf;filename=Правила.pdf"
	[[ -n $BID ]] || fail "publish: HTTP $code $(alert_text)"
	local fid
	fid=$(sql "SELECT id FROM briefing_file WHERE briefing_id = $BID")
	as g
	get g "/briefings/$BID"
	assert_output --partial "/briefings/$BID/files/$fid"
	get g "/briefings/$BID/files/$fid"
	assert_equal "$code" 200
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/rules.pdf")"
	assert_equal "$(header content-type)" application/pdf
	as a
	get a "/briefings/$BID/files/$fid"
	assert_equal "$code" 403
	get g "/briefings/$BID/files/999999999"
	assert_equal "$code" 404
}

@test "bad input is refused with a clear answer and nothing written" {
	as org
	local before files x
	before=$(written)
	files=$(stored_files)
	cp /bin/true "$BATS_TEST_TMPDIR/exe.pdf"
	# fields, then the status wanted
	local cases=(
		"-:400"                                     # nobody chosen
		"district_id=$DB sector_id=5:400"           # no organisation of that district and sector
		"district_id=16:400"                        # a district of another region
		"organization_id=$(org_id):400"             # an organisation of another region
		"district_id=abc:400"                       # not an id
		"district_id=$DB attachment=@$BATS_TEST_TMPDIR/exe.pdf:415"
	)
	for x in "${cases[@]}"; do
		local f=${x%:*} args=()
		[[ $f == - ]] || read -r -a args <<<"$f"
		publish "${args[@]}"
		[[ $code == "${x##*:}" ]] || fail "$f: HTTP $code, want ${x##*:}"
		[[ $output == *'alert--error'* || $output == *'error-page__message'* ]] || fail "$f: no error shown: $output"
	done
	# No title; a text too short; no region; the demo organiser's region; no CSRF token.
	csrf org /manage/briefings/new
	req org POST /manage/briefings -F "csrf=$TOKEN" -F "region_id=$R" -F "body=Текст инструктажа." -F "district_id=$DA"
	assert_equal "$code" 400
	req org POST /manage/briefings -F "csrf=$TOKEN" -F "region_id=$R" -F "title=Коротко" -F "body=Мало" -F "district_id=$DA"
	assert_equal "$code" 400
	req org POST /manage/briefings -F "csrf=$TOKEN" -F "title=Без региона" -F "body=Текст инструктажа." -F "district_id=$DA"
	assert_equal "$code" 400
	req org POST /manage/briefings -F "csrf=$TOKEN" -F "region_id=48" -F "title=Чужой регион" -F "body=Текст инструктажа." -F "district_id=16"
	assert_equal "$code" 403
	req org POST /manage/briefings -F "region_id=$R" -F "title=Без токена" -F "body=Текст инструктажа." -F "district_id=$DA"
	assert_equal "$code" 403
	assert_equal "$(written)" "$before"
	assert_equal "$(stored_files)" "$files"
}
