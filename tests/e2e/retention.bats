#!/usr/bin/env bats
# Retention: what has outlived its period goes (unconfirmed accounts, expired sessions, links and throttling
# counters, old import previews, old scan devices, unreferenced files), what is within it stays, a second run
# changes nothing, the coverage report does not move; the daily run happens once across the background workers.

load helpers

# retention: a run by hand (make retention runs the same); its counts are on stdout.
retention() {
	run "$ROOT/bin/portal" -c "$SEM_CONFIG" retention
	assert_success
}

# last_run: the detail of the newest retention.run audit record.
last_run() { sql "SELECT detail FROM audit_log WHERE action = 'retention.run' ORDER BY id DESC LIMIT 1"; }

# age PERSON DAYS: the account was made DAYS days ago.
age() { sql "UPDATE person SET created_at = NOW() - INTERVAL $2 DAY WHERE id = $1"; }

@test "an account never confirmed in 14 days is erased and its place freed; a younger or confirmed one stays; the coverage report does not move" {
	local s1 attended old young confirmed waiting before
	# One place left for two: the old account holds the second, a confirmed person waits for it.
	seminar_sql "title=$(sql_str "Хранение $RANDOM$RANDOM")"
	s1=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	# An old account that was checked in: its registration counts for coverage and must go on counting.
	signup a
	attended=$USER_ID
	register a "$SEMINAR_ID" in_person
	attend "$REG_ID" "$s1" in_person
	signup o
	old=$USER_ID
	register o "$SEMINAR_ID" in_person
	assert_equal "$REG_STATUS" confirmed
	signup w
	waiting=$USER_ID
	sql "UPDATE person SET email_confirmed_at = NOW() WHERE id = $waiting"
	register w "$SEMINAR_ID" in_person
	assert_equal "$REG_STATUS" waitlisted
	signup y
	young=$USER_ID
	signup c
	confirmed=$USER_ID
	sql "UPDATE person SET email_confirmed_at = NOW() - INTERVAL 29 DAY WHERE id = $confirmed"
	age "$attended" 15
	age "$old" 15
	age "$young" 13
	age "$confirmed" 30
	login_demo v reviewer
	get_json v "/reports/coverage?region=48&period=all"
	assert_equal "$code" 200
	before=$output

	retention
	assert_line --regexp $'^unconfirmed accounts erased\t[1-9]'
	assert_line --regexp $'^registrations cancelled\t[1-9]'
	for p in "$attended" "$old"; do
		assert_equal "$(sql "SELECT full_name, email LIKE 'erased-%', erased_at IS NOT NULL FROM person WHERE id = $p")" \
			$'Данные удалены по требованию владельца\t1\t1'
		assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $p")" 0
		assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'person.erase' AND object_id = $p
		                     AND detail LIKE 'retention:%'")" 1
	done
	for p in "$young" "$confirmed" "$waiting"; do
		assert_equal "$(sql "SELECT erased_at IS NULL, email NOT LIKE 'erased-%' FROM person WHERE id = $p")" $'1\t1'
	done
	# The place the old account held went to the person waiting; the checked-in registration stays.
	assert_equal "$(reg_of "$old" "$SEMINAR_ID" | cut -f3)" cancelled
	assert_equal "$(reg_of "$waiting" "$SEMINAR_ID" | cut -f3)" confirmed
	assert_equal "$(reg_of "$attended" "$SEMINAR_ID" | cut -f3)" confirmed
	assert_equal "$(reconcile)" ""
	get_json v "/reports/coverage?region=48&period=all"
	assert_equal "$output" "$before"
	# The run is audited with its counts.
	[[ $(last_run) =~ ^how=manual\ unconfirmed=[1-9][0-9]*\ cancelled=[1-9] ]] || fail "audit: $(last_run)"
}

@test "expired sessions, links and throttling counters go; those within their age stay; a second run changes nothing" {
	local p
	signup a
	p=$USER_ID
	sql "UPDATE person SET email_confirmed_at = NOW() WHERE id = $p;
	     INSERT INTO web_session (id_hash, person_id, expires_at) VALUES
	       (UNHEX(SHA2('ret-old-$p', 256)), $p, NOW() - INTERVAL 1 MINUTE),
	       (UNHEX(SHA2('ret-new-$p', 256)), $p, NOW() + INTERVAL 1 DAY);
	     INSERT INTO account_token (person_id, purpose, token_hash, email, expires_at) VALUES
	       ($p, 'reset', UNHEX(SHA2('ret-old-$p', 256)), 'x@example.test', NOW() - INTERVAL 25 HOUR),
	       ($p, 'reset', UNHEX(SHA2('ret-new-$p', 256)), 'x@example.test', NOW() - INTERVAL 23 HOUR);
	     INSERT INTO rate_limit (bucket, window_start, hits) VALUES
	       ('ret-old-$p', NOW() - INTERVAL 8 DAY - INTERVAL 1 HOUR, 1), ('ret-new-$p', NOW() - INTERVAL 7 DAY, 1)"
	retention
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE id_hash = UNHEX(SHA2('ret-old-$p', 256))")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE id_hash = UNHEX(SHA2('ret-new-$p', 256))")" 1
	assert_equal "$(sql "SELECT COUNT(*) FROM account_token WHERE token_hash = UNHEX(SHA2('ret-old-$p', 256))")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM account_token WHERE token_hash = UNHEX(SHA2('ret-new-$p', 256))")" 1
	assert_equal "$(sql "SELECT GROUP_CONCAT(bucket) FROM rate_limit WHERE bucket LIKE 'ret-%-$p'")" "ret-new-$p"
	# The person's current session (of the sign-up) still works.
	get a /me
	assert_equal "$code" 200

	local before
	before=$(sql "SELECT (SELECT COUNT(*) FROM person WHERE erased_at IS NULL), (SELECT COUNT(*) FROM web_session),
	              (SELECT COUNT(*) FROM account_token), (SELECT COUNT(*) FROM rate_limit),
	              (SELECT COUNT(*) FROM register_import_row), (SELECT COUNT(*) FROM scan_event WHERE device_id IS NULL)")
	retention
	assert_equal "$(last_run)" "how=manual unconfirmed=0 cancelled=0 sessions=0 tokens=0 throttle=0 import_rows=0 imports=0 scan_devices=0 att_devices=0 files=0"
	assert_equal "$(sql "SELECT (SELECT COUNT(*) FROM person WHERE erased_at IS NULL), (SELECT COUNT(*) FROM web_session),
	              (SELECT COUNT(*) FROM account_token), (SELECT COUNT(*) FROM rate_limit),
	              (SELECT COUNT(*) FROM register_import_row), (SELECT COUNT(*) FROM scan_event WHERE device_id IS NULL)")" \
		"$before"
}

@test "import previews older than 30 days go (an applied import keeps its summary); scan devices older than 3 years are cleared" {
	local admin old_applied old_open recent s1 reg
	admin=$(sql "SELECT id FROM person WHERE email = 'admin@demo.local'")
	old_applied=$(sql "INSERT INTO register_import (kind, file_name, file_sha256, uploaded_by, uploaded_at, applied_at, summary)
	                   VALUES ('organizations', 'old.csv', REPEAT('a', 64), $admin, NOW() - INTERVAL 31 DAY,
	                           NOW() - INTERVAL 31 DAY, '{}');
	                   SELECT LAST_INSERT_ID()")
	old_open=$(sql "INSERT INTO register_import (kind, file_name, file_sha256, uploaded_by, uploaded_at)
	                VALUES ('organizations', 'open.csv', REPEAT('b', 64), $admin, NOW() - INTERVAL 31 DAY);
	                SELECT LAST_INSERT_ID()")
	recent=$(sql "INSERT INTO register_import (kind, file_name, file_sha256, uploaded_by, uploaded_at)
	              VALUES ('organizations', 'new.csv', REPEAT('c', 64), $admin, NOW() - INTERVAL 29 DAY);
	              SELECT LAST_INSERT_ID()")
	sql "INSERT INTO register_import_row (import_id, line, action) VALUES
	       ($old_applied, 2, 'same'), ($old_open, 2, 'same'), ($recent, 2, 'same'), ($recent, 3, 'same')"
	seminar_sql "title=$(sql_str "Хранение сканы $RANDOM$RANDOM")"
	s1=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	signup a
	register a "$SEMINAR_ID" in_person
	reg=$REG_ID
	sql "INSERT INTO scan_event (client_scan_id, seminar_id, session_id, registration_id, method, device_id, server_time, result)
	     VALUES ('ret-old-$reg', $SEMINAR_ID, $s1, $reg, 'qr', 'dev-old', NOW() - INTERVAL 3 YEAR - INTERVAL 1 DAY, 'invalid'),
	            ('ret-new-$reg', $SEMINAR_ID, $s1, $reg, 'qr', 'dev-new', NOW() - INTERVAL 3 YEAR + INTERVAL 1 DAY, 'invalid');
	     INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, device_id)
	     VALUES ($reg, $s1, 'in_person', 0, NOW() - INTERVAL 3 YEAR - INTERVAL 1 DAY, 'dev-old');
	     CALL coverage_touch($reg)"
	retention
	assert_equal "$(sql "SELECT COUNT(*) FROM register_import_row WHERE import_id IN ($old_applied, $old_open)")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM register_import_row WHERE import_id = $recent")" 2
	assert_equal "$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM register_import WHERE id IN ($old_applied, $old_open, $recent)")" \
		"$old_applied,$recent"
	assert_equal "$(sql "SELECT GROUP_CONCAT(IFNULL(device_id, '-') ORDER BY id) FROM scan_event
	                     WHERE client_scan_id IN ('ret-old-$reg', 'ret-new-$reg')")" "-,dev-new"
	assert_equal "$(sql "SELECT IFNULL(device_id, '-') FROM attendance WHERE registration_id = $reg")" "-"
	# The preview of the applied import still answers, without its rows.
	login_demo ad admin
	get ad "/admin/import/$old_applied"
	assert_equal "$code" 200
	get ad "/admin/import/$old_open"
	assert_equal "$code" 404
}

@test "a stored file nobody refers to goes after a day; a referenced or younger one stays" {
	local dir=$VAR/files unused used young cert first
	unused=$(stored_file "retention unused $RANDOM$RANDOM")
	used=$(stored_file "retention used $RANDOM$RANDOM")
	young=$(stored_file "retention young $RANDOM$RANDOM")
	cert=$(stored_file "%PDF-retention certificate $RANDOM$RANDOM")
	touch -d '2 days ago' "$dir/${unused:0:2}/${unused:2}" "$dir/${used:0:2}/${used:2}" "$dir/${cert:0:2}/${cert:2}"
	touch -d '23 hours ago' "$dir/${young:0:2}/${young:2}"
	seminar_sql "title=$(sql_str "Хранение файлы $RANDOM$RANDOM")"
	sql "INSERT INTO material (seminar_id, title, visibility, sha256, file_name, mime, size, created_by)
	     VALUES ($SEMINAR_ID, 'Памятка', 'public', '$used', 'a.pdf', 'application/pdf', 2,
	             (SELECT id FROM person WHERE email = 'organizer@demo.local'))"
	# A live certificate's PDF stays too (the demo's first certificate points at it for the run).
	first=$(sql "SELECT CONCAT(certificate_id, ' ', sha256) FROM certificate_file ORDER BY certificate_id LIMIT 1")
	sql "UPDATE certificate_file SET sha256 = '$cert' WHERE certificate_id = ${first%% *}"
	retention
	sql "UPDATE certificate_file SET sha256 = '${first#* }' WHERE certificate_id = ${first%% *}"
	assert_line --regexp $'^stored files removed\t[1-9]'
	[[ ! -e $dir/${unused:0:2}/${unused:2} ]] || fail "the unreferenced file is still there"
	[[ -e $dir/${used:0:2}/${used:2} ]] || fail "the material's file was removed"
	[[ -e $dir/${young:0:2}/${young:2} ]] || fail "a file younger than a day was removed"
	[[ -e $dir/${cert:0:2}/${cert:2} ]] || fail "a certificate's PDF was removed"
}

@test "the daily run happens once across the background workers, decided by the database" {
	local n i
	n=$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND detail LIKE 'how=daily %'")
	# The stack's background workers made today's run at start: the row says so.
	assert_equal "$(sql "SELECT last_run_at > NOW() - INTERVAL 1 DAY FROM retention_state")" 1
	# Due again: one of the two workers (retention_poll_s = 1 in tests/stack-test.conf) takes it, once.
	sql "UPDATE retention_state SET last_run_at = NOW() - INTERVAL 1 DAY - INTERVAL 1 MINUTE"
	for ((i = 0; i < 50; i++)); do
		[[ $(sql "SELECT last_run_at > NOW() - INTERVAL 1 HOUR FROM retention_state") == 1 ]] && break
		sleep 0.2
	done
	sleep 3
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND detail LIKE 'how=daily %'")" \
		"$((n + 1))"
}

@test "administrators see the periods and the latest runs, and run it at once (on record as theirs); nobody else" {
	local admin n
	admin=$(sql "SELECT id FROM person WHERE email = 'admin@demo.local'")
	n=$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND person_id = $admin")
	login_demo a admin
	get a /admin/retention
	assert_equal "$code" 200
	assert_output --partial 'через <span>14</span> дн. после создания'
	assert_output --partial 'Выполнить сейчас'
	post a /admin/retention
	assert_equal "$code" 303
	assert_equal "$location" /admin/retention
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND person_id = $admin
	                     AND detail LIKE 'how=admin unconfirmed=%'")" "$((n + 1))"
	get_json a /admin/retention
	assert_equal "$(jq -r '.runs[0] | .how, .who, (.counts | length)' <<<"$output")" $'администратор\nАдминистратор Системы\n10'
	assert_equal "$(jq -r '.periods | "\(.unconfirmed_days) \(.import_days) \(.device_years)"' <<<"$output")" "14 30 3"
	# Others: 403, and nothing runs.
	login_demo o organizer
	get o /admin/retention
	assert_equal "$code" 403
	post o /admin/retention
	assert_equal "$code" 403
	req a POST /admin/retention
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND person_id = $admin")" "$((n + 1))"
}
