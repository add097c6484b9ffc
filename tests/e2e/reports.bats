#!/usr/bin/env bats
# Coverage reports end to end: the region matrix (JSON) with its totals and percentages, the country view, the
# district drill-down (never covered first, last date, people), the CSV and XLSX exports read back, scoping of
# reviewers to their regions and sectors on pages, exports and JSON, and the audit of every export.
#
# setup_file builds a region of its own (so no other test's data is in its numbers): districts Альфа, Бета and
# Гамма, ten organisations, seminars of 2024 and 2025, registrations and check-ins in the database, then rebuilds the
# summary tables from the raw data. What counts and what does not (sql/procedures/020-coverage-eligible.sql):
#   S1  Альфа, education + culture, finished, 2025-03-10: p1 door (МБОУ Альфа), p2 online (МБОУ Альфа), p3 no
#       attendance (МБОУ Вега), p4 door (ДК Гамма, culture), p5 door (sport: not a sector of S1), p9 door undone
#       (МБОУ Бета), p10 door but cancelled (МБОУ Вега)
#   S2  Бета, education, published, 2025-11-20: p6 door (МБОУ Омега), p7 door (ДК Сигма, culture: not a sector
#       of S2), p13 door (an inactive organisation)
#   S3  Альфа, culture, draft, 2025-05-15 (not held)     S4  no district, education, finished, 2025-04-01
#   S5  Альфа, education, finished, 2024-06-01: p8 door (МБОУ Альфа)
#   S6  Альфа, education, cancelled, 2025-06-01: p12 door (МБОУ Бета)
# The register: Альфа has МБОУ Альфа, Вега, Бета (education), ДК Гамма (culture), ДЮСШ Дельта (sport); Бета has
# МБОУ Омега (education), ДК Сигма and ДК Тау (culture), an inactive school and a proposed one; Гамма has none.

load helpers

setup_file() {
	local run="rep-$$-${EPOCHREALTIME/[.,]/}" h
	h=$(grep -o "'\$argon2id\$[^']*'" "${STACK%/scripts/stack.sh}/sql/seed/920-demo-accounts.sql" | head -1)
	[[ -n $h ]] || return 1
	echo "$run" >"$BATS_FILE_TMPDIR/run"
	sql "INSERT INTO region (id, name) SELECT GREATEST(900, MAX(id)) + 1, 'Область отчётов $run' FROM region;
	SET @r = (SELECT id FROM region WHERE name = 'Область отчётов $run');
	INSERT INTO district (region_id, name) VALUES (@r, 'Район Альфа'), (@r, 'Район Бета'), (@r, 'Район Гамма');
	SET @a = (SELECT id FROM district WHERE region_id = @r AND name = 'Район Альфа');
	SET @b = (SELECT id FROM district WHERE region_id = @r AND name = 'Район Бета');
	INSERT INTO organization (district_id, sector_id, name, short_name, inn, active, status) VALUES
	  (@a, 1, 'Школа Альфа', 'МБОУ Альфа', NULL, 1, 'register'), (@a, 1, 'Школа Вега', 'МБОУ Вега', NULL, 1, 'register'),
	  (@a, 1, 'Школа Бета', 'МБОУ Бета', NULL, 1, 'register'), (@a, 3, 'Дом культуры Гамма', 'ДК Гамма', NULL, 1, 'register'),
	  (@a, 4, 'Спортивная школа Дельта', 'ДЮСШ Дельта', NULL, 1, 'register'),
	  (@b, 1, 'Школа Омега', 'МБОУ Омега', NULL, 1, 'register'), (@b, 3, 'Дом культуры Сигма', 'ДК Сигма', NULL, 1, 'register'),
	  (@b, 3, 'Дом культуры Тау', 'ДК Тау', NULL, 1, 'register'),
	  (@b, 1, 'Закрытая школа', 'МБОУ Закрытая', NULL, 0, 'register'),
	  (@b, 1, 'Предложенная школа', 'МБОУ Предложенная', NULL, 1, 'proposed');
	CREATE TEMPORARY TABLE who (name VARCHAR(16), org VARCHAR(64));
	INSERT INTO who VALUES ('p1', 'МБОУ Альфа'), ('p2', 'МБОУ Альфа'), ('p3', 'МБОУ Вега'), ('p4', 'ДК Гамма'),
	  ('p5', 'ДЮСШ Дельта'), ('p6', 'МБОУ Омега'), ('p7', 'ДК Сигма'), ('p8', 'МБОУ Альфа'), ('p9', 'МБОУ Бета'),
	  ('p10', 'МБОУ Вега'), ('p12', 'МБОУ Бета'), ('p13', 'МБОУ Закрытая'), ('reviewer', NULL), ('national', NULL);
	INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at, consent_version)
	SELECT CONCAT('$run', '-', w.name, '@example.test'), $h, CONCAT('Участник ', w.name), CONCAT('Участнику ', w.name),
	       'Методист', o.id, NOW(), '2026-01'
	FROM who w LEFT JOIN organization o ON o.short_name = w.org AND o.district_id IN (@a, @b);
	INSERT INTO role_grant (person_id, role, region_id, sector_id)
	SELECT id, 'reviewer', @r, s FROM person, (SELECT 1 s UNION ALL SELECT 3) x WHERE email = '$run-reviewer@example.test'
	UNION ALL SELECT id, 'reviewer', NULL, 3 FROM person WHERE email = '$run-national@example.test';
	INSERT INTO seminar (title, description, format, status, organizer_id, region_id, district_id, cap_in_person,
	                     starts_at, ends_at)
	SELECT CONCAT('$run', ' ', x.t), 'Семинар для отчёта об охвате', 'hybrid', x.st,
	       (SELECT id FROM person WHERE email = 'organizer@demo.local'), @r, x.d, 100, x.at, x.at + INTERVAL 3 HOUR
	FROM (SELECT 'S1' t, 'finished' st, @a d, TIMESTAMP '2025-03-10 10:00:00' at
	      UNION ALL SELECT 'S2', 'published', @b, '2025-11-20 10:00:00' UNION ALL SELECT 'S3', 'draft', @a, '2025-05-15 10:00:00'
	      UNION ALL SELECT 'S4', 'finished', NULL, '2025-04-01 10:00:00' UNION ALL SELECT 'S5', 'finished', @a, '2024-06-01 10:00:00'
	      UNION ALL SELECT 'S6', 'cancelled', @a, '2025-06-01 10:00:00') x;
	INSERT INTO seminar_sector (seminar_id, sector_id)
	SELECT s.id, x.sector FROM seminar s JOIN (SELECT 'S1' t, 1 sector UNION ALL SELECT 'S1', 3 UNION ALL SELECT 'S2', 1
	  UNION ALL SELECT 'S3', 3 UNION ALL SELECT 'S4', 1 UNION ALL SELECT 'S5', 1 UNION ALL SELECT 'S6', 1) x
	  ON s.title = CONCAT('$run', ' ', x.t);
	INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
	SELECT id, starts_at, ends_at FROM seminar WHERE title LIKE '$run S%';
	CREATE TEMPORARY TABLE plan (t VARCHAR(4), name VARCHAR(16), mode VARCHAR(16), status VARCHAR(16), att VARCHAR(8));
	INSERT INTO plan VALUES ('S1', 'p1', 'in_person', 'confirmed', 'door'), ('S1', 'p2', 'online', 'confirmed', 'online'),
	  ('S1', 'p3', 'in_person', 'confirmed', ''), ('S1', 'p4', 'in_person', 'confirmed', 'door'),
	  ('S1', 'p5', 'in_person', 'confirmed', 'door'), ('S1', 'p9', 'in_person', 'confirmed', 'undone'),
	  ('S1', 'p10', 'in_person', 'cancelled', 'door'), ('S2', 'p6', 'in_person', 'confirmed', 'door'),
	  ('S2', 'p7', 'in_person', 'confirmed', 'door'), ('S2', 'p13', 'in_person', 'confirmed', 'door'),
	  ('S5', 'p8', 'in_person', 'confirmed', 'door'), ('S6', 'p12', 'in_person', 'confirmed', 'door');
	INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at)
	SELECT s.id, p.id, p.organization_id, pl.mode, pl.status, NOW(6) FROM plan pl
	JOIN seminar s ON s.title = CONCAT('$run', ' ', pl.t) JOIN person p ON p.email = CONCAT('$run', '-', pl.name, '@example.test');
	INSERT INTO scan_event (client_scan_id, seminar_id, session_id, registration_id, method, result)
	SELECT CONCAT('$run', '-', g.id), g.seminar_id, ss.id, g.id, IF(pl.att = 'online', 'online_code', 'qr'), 'ok' FROM plan pl
	JOIN seminar s ON s.title = CONCAT('$run', ' ', pl.t) JOIN person p ON p.email = CONCAT('$run', '-', pl.name, '@example.test')
	JOIN registration g ON g.seminar_id = s.id AND g.person_id = p.id JOIN seminar_session ss ON ss.seminar_id = s.id
	WHERE pl.att <> '';
	INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, undone_at)
	SELECT e.registration_id, e.session_id, IF(e.method = 'online_code', 'online', 'in_person'), e.id, ss.starts_at,
	       IF(pl.att = 'undone', ss.starts_at + INTERVAL 1 HOUR, NULL)
	FROM scan_event e JOIN seminar_session ss ON ss.id = e.session_id JOIN registration g ON g.id = e.registration_id
	JOIN person p ON p.id = g.person_id JOIN plan pl ON CONCAT('$run', '-', pl.name, '@example.test') = p.email
	WHERE e.client_scan_id LIKE '$run-%';
	UPDATE seminar s SET
	  taken_in_person = (SELECT COUNT(*) FROM registration g WHERE g.seminar_id = s.id AND g.mode = 'in_person' AND g.status = 'confirmed'),
	  taken_online = (SELECT COUNT(*) FROM registration g WHERE g.seminar_id = s.id AND g.mode = 'online' AND g.status = 'confirmed')
	WHERE s.title LIKE '$run S%'" || return 1
	# The rows were written behind the programs' backs: the summary tables are rebuilt from them.
	sql "CALL coverage_recompute()" || return 1
	sql "SELECT 'region', id FROM region WHERE name = 'Область отчётов $run'
	     UNION ALL SELECT CONCAT('d', SUBSTRING_INDEX(d.name, ' ', -1)), d.id FROM district d JOIN region r ON r.id = d.region_id
	       WHERE r.name = 'Область отчётов $run'
	     UNION ALL SELECT 'd23', MIN(id) FROM district WHERE region_id = 23" >"$BATS_FILE_TMPDIR/ids"
	[[ $(wc -l <"$BATS_FILE_TMPDIR/ids") == 5 ]]
}

setup() {
	declare -gA ID
	local k v
	while IFS=$'\t' read -r k v; do ID[$k]=$v; done <"$BATS_FILE_TMPDIR/ids"
	RUN=$(cat "$BATS_FILE_TMPDIR/run")
	R=${ID[region]}
}

# Python with openpyxl (Debian's; a pyenv python3 first in PATH may lack it).
PY=/usr/bin/python3

# reviewer JAR: logs in the reviewer of this file's region (sectors education and culture).
reviewer() { login "$1" "$RUN-reviewer@example.test" "$DEMO_PASSWORD"; }

# exports: the number of report.export rows of the audit log.
exports() { sql "SELECT COUNT(*) FROM audit_log WHERE action = 'report.export'"; }

# cells JSON: one line per matrix row, "name: orgs covered pct_text people door online seminars | ..." per sector
# and the row total.
cells() {
	jq -r '(.rows[], (.totals + {name: "Итого"})) | .name + ": " +
	  ([(.cells[], .total) | "\(.orgs) \(.covered) \(.pct_text) \(.people) \(.people_door) \(.people_online) \(.seminars)"]
	   | join(" | "))' <<<"$1"
}

@test "the region matrix: cells, totals per district, per sector and for the region, percentages" {
	reviewer v
	get_json v "/reports/coverage?region=$R&period=2025"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.filter.region, .filter.period, .period_name, .place.name, .row_title, .show_total]' <<<"$output")" \
		"[$R,\"2025\",\"2025 год\",\"Область отчётов $RUN\",\"Район\",true]"
	assert_equal "$(jq -c '[.sectors[].id]' <<<"$output")" '[1,3]'
	assert_equal "$(cells "$output")" "$(
		cat <<-EOF
			Район Альфа: 3 1 33,3% 2 1 1 1 | 1 1 100,0% 1 1 0 1 | 4 2 50,0% 3 2 1 1
			Район Бета: 1 1 100,0% 1 1 0 1 | 2 0 0,0% 0 0 0 0 | 3 1 33,3% 1 1 0 1
			Район Гамма: 0 0 0,0% 0 0 0 0 | 0 0 0,0% 0 0 0 0 | 0 0 0,0% 0 0 0 0
			Итого: 4 2 50,0% 3 2 1 2 | 3 1 33,3% 1 1 0 1 | 7 3 42,9% 4 3 1 2
		EOF
	)"
	# Percentages are numbers too, computed from the integers.
	assert_equal "$(jq -c '[.rows[0].cells[0].pct, .totals.total.pct, .rows[2].total.pct]' <<<"$output")" '[33.3,42.9,0]'
	# Each district links to its drill-down with the same filters.
	assert_equal "$(jq -r '.rows[0].url' <<<"$output")" "/reports/coverage/districts/${ID[dАльфа]}?period=2025"
	assert_equal "$(jq -r '.csv_url, .xlsx_url' <<<"$output")" \
		"/reports/coverage.csv?region=$R&period=2025"$'\n'"/reports/coverage.xlsx?region=$R&period=2025"
}

@test "periods: all time, a quarter, a month; a sector filter narrows the columns" {
	reviewer v
	get_json v "/reports/coverage?region=$R&period=all"
	assert_equal "$code" 200
	assert_equal "$(cells "$output" | head -1)" "Район Альфа: 3 1 33,3% 3 2 1 2 | 1 1 100,0% 1 1 0 1 | 4 2 50,0% 4 3 1 2"
	get_json v "/reports/coverage?region=$R&period=2025-Q4"
	assert_equal "$(cells "$output" | head -2 | tr '\n' '/')" \
		"Район Альфа: 3 0 0,0% 0 0 0 0 | 1 0 0,0% 0 0 0 0 | 4 0 0,0% 0 0 0 0/Район Бета: 1 1 100,0% 1 1 0 1 | 2 0 0,0% 0 0 0 0 | 3 1 33,3% 1 1 0 1/"
	get_json v "/reports/coverage?region=$R&period=2025-03"
	assert_equal "$(jq -r '.period_name' <<<"$output")" "март 2025"
	assert_equal "$(cells "$output" | tail -1)" "Итого: 4 1 25,0% 2 1 1 1 | 3 1 33,3% 1 1 0 1 | 7 2 28,6% 3 2 1 1"
	get_json v "/reports/coverage?region=$R&period=2025&sector=3"
	assert_equal "$(jq -c '[.sectors[].id, .show_total, .filter.sector]' <<<"$output")" '[3,false,3]'
	assert_equal "$(cells "$output" | tail -1)" "Итого: 3 1 33,3% 1 1 0 1 | 3 1 33,3% 1 1 0 1"
	# The default period is the current year; the years with data are offered with their quarters and months.
	get_json v "/reports/coverage?region=$R"
	assert_equal "$(jq -r '.filter.period' <<<"$output")" "$(date +%Y)"
	assert_equal "$(jq -c '[.periods[] | select(.year == "2024") | .items[] | .value] | .[0:3] + .[-1:]' <<<"$output")" \
		'["2024","2024-Q1","2024-Q2","2024-12"]'
	get_json v "/reports/coverage?region=$R&period=2025-Q5"
	assert_equal "$code" 400
	assert_equal "$(jq -r .error <<<"$output")" 'Поле «Период»: ожидается all, год (2026), квартал (2026-Q4) или месяц (2026-11).'
}

@test "the drill-down lists organisations never covered first, with the last training date and people trained" {
	reviewer v
	get_json v "/reports/coverage/districts/${ID[dАльфа]}?period=2025"
	assert_equal "$code" 200
	assert_equal "$(jq -r '.organizations[] | [.short_name, .sector, .covered, .last_on, .people] | @tsv' <<<"$output")" "$(
		printf '%s\t%s\t%s\t%s\t%s\n' 'МБОУ Бета' Образование false '' 0 'МБОУ Вега' Образование false '' 0 \
			'ДК Гамма' Культура true 2025-03-10 1 'МБОУ Альфа' Образование true 2025-03-10 2
	)"
	assert_equal "$(jq -c '[.counts.total, .counts.covered, .counts.not_covered, .district.region_id]' <<<"$output")" "[4,2,2,$R]"
	get_json v "/reports/coverage/districts/${ID[dАльфа]}?period=2024"
	assert_equal "$(jq -r '[.organizations[] | "\(.short_name)=\(.covered)/\(.last_on)/\(.people)"] | join(" ")' <<<"$output")" \
		"ДК Гамма=false/null/0 МБОУ Бета=false/null/0 МБОУ Вега=false/null/0 МБОУ Альфа=true/2024-06-01/1"
	get_json v "/reports/coverage/districts/${ID[dАльфа]}?period=all"
	assert_equal "$(jq -r '.organizations[-1] | "\(.short_name) \(.last_on) \(.people)"' <<<"$output")" "МБОУ Альфа 2025-03-10 3"
	# The HTML page: Russian dates, a link back to the region with the same filters.
	get v "/reports/coverage/districts/${ID[dАльфа]}?period=2025"
	assert_equal "$code" 200
	assert_output --partial '10 марта 2025'
	assert_output --partial 'не обучались'
	assert_output --partial "href=\"/reports/coverage?region=$R&amp;period=2025\""
	get_json v /reports/coverage/districts/999999999
	assert_equal "$code" 404
}

@test "the page: the matrix in a scrolling box, an SVG bar chart with a label per district, export links" {
	reviewer v
	get v "/reports/coverage?region=$R&period=2025"
	assert_equal "$code" 200
	assert_output --partial '<div role="region" tabindex="0" aria-labelledby="rc-cap" class="table-wrap">'
	# One bar per district (40 px each): a label with the percentage, the bar's width in percent of the chart.
	assert_output --regexp '<svg role="img" width="100%"[^>]* height="120" class="chart">'
	assert_output --partial 'Район Альфа — 50,0%</text>'
	assert_output --regexp '<rect [^>]*width="33.3%" class="chart__bar">'
	assert_output --partial "href=\"/reports/coverage/districts/${ID[dБета]}?period=2025\""
	assert_output --partial "href=\"/reports/coverage.xlsx?region=$R&amp;period=2025\""
	refute_output --partial '<script'
}

@test "CSV exports: BOM, semicolons, decimal commas, the totals row; each export is audited" {
	reviewer v
	local before
	before=$(exports)
	get v "/reports/coverage.csv?region=$R&period=2025"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" 'text/csv; charset=utf-8'
	assert_regex "$(header content-disposition)" "attachment; filename=\"coverage-$R-2025.csv\""
	assert_equal "${output:0:1}" $'\uFEFF'
	output=${output//$'\r'/}
	assert_equal "$(sed -n 1p <<<"$output")" $'\uFEFF'"Район;Образование: в реестре;Образование: охвачено;Образование: %;Образование: обучено очно;Образование: обучено онлайн;Образование: семинаров;Культура: в реестре;Культура: охвачено;Культура: %;Культура: обучено очно;Культура: обучено онлайн;Культура: семинаров;Всего: в реестре;Всего: охвачено;Всего: %;Всего: обучено очно;Всего: обучено онлайн;Всего: семинаров;Приглашено необученных;Из них записались"
	assert_equal "$(sed -n '2p;5p' <<<"$output")" "Район Альфа;3;1;33,3%;1;1;1;1;1;100%;1;0;1;4;2;50%;2;1;1;0;0"$'\n'"Итого по региону;4;2;50%;2;1;2;3;1;33,3%;1;0;1;7;3;42,9%;3;1;2;0;0"
	assert_equal "$(exports)" $((before + 1))

	get v "/reports/coverage/districts/${ID[dАльфа]}.csv?period=2025"
	assert_equal "$code" 200
	output=${output//$'\r'/}
	assert_equal "$output" $'\uFEFF'"№;Организация;ИНН;Направление;Охвачена;Последнее обучение;Обучено человек
1;МБОУ Бета;;Образование;нет;;0
2;МБОУ Вега;;Образование;нет;;0
3;ДК Гамма;;Культура;да;10.03.2025;1
4;МБОУ Альфа;;Образование;да;10.03.2025;2"
	assert_equal "$(exports)" $((before + 2))
	run sql "SELECT CONCAT_WS(' ', object_type, object_id, detail) FROM audit_log a JOIN person p ON p.id = a.person_id
	         WHERE a.action = 'report.export' AND p.email = '$RUN-reviewer@example.test' ORDER BY a.id"
	assert_output "region $R csv, coverage period=2025 sectors=1,3"$'\n'"district ${ID[dАльфа]} csv, district period=2025 sectors=1,3"
}

@test "XLSX exports: a title with the filters, a frozen header, percentages as numbers with a percent format" {
	reviewer v
	local before f=$BATS_TEST_TMPDIR/r.xlsx
	before=$(exports)
	get v "/reports/coverage.xlsx?region=$R&period=2025&sector=1"
	assert_equal "$code" 200
	cp "$BATS_TEST_TMPDIR/response.body" "$f"
	run "$PY" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print(ws.freeze_panes, ws["A1"].value)
print([c.value for c in ws[2]])
for row in ws.iter_rows(min_row=3):
    print([c.value for c in row], row[3].number_format, row[3].data_type)
' "$f"
	assert_success
	assert_output "A3 Охват обучением: Область отчётов $RUN, 2025 год, направления: Образование
['Район', 'Образование: в реестре', 'Образование: охвачено', 'Образование: %', 'Образование: обучено очно', 'Образование: обучено онлайн', 'Образование: семинаров', 'Приглашено необученных', 'Из них записались']
['Район Альфа', 3, 1, 0.333, 1, 1, 1, 0, 0] 0.0% n
['Район Бета', 1, 1, 1, 1, 0, 1, 0, 0] 0.0% n
['Район Гамма', 0, 0, 0, 0, 0, 0, 0, 0] 0.0% n
['Итого по региону', 4, 2, 0.5, 2, 1, 2, 0, 0] 0.0% n"

	get v "/reports/coverage/districts/${ID[dАльфа]}.xlsx?period=2025"
	assert_equal "$code" 200
	cp "$BATS_TEST_TMPDIR/response.body" "$f"
	run "$PY" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print(ws.freeze_panes, ws["A1"].value)
for row in ws.iter_rows(min_row=3):
    print([c.value for c in row][1:])
' "$f"
	assert_success
	assert_output "A3 Охват обучением: Район Альфа (Область отчётов $RUN), 2025 год, направления: Образование, Культура
['МБОУ Бета', None, 'Образование', 'нет', None, 0]
['МБОУ Вега', None, 'Образование', 'нет', None, 0]
['ДК Гамма', None, 'Культура', 'да', datetime.datetime(2025, 3, 10, 0, 0), 1]
['МБОУ Альфа', None, 'Образование', 'да', datetime.datetime(2025, 3, 10, 0, 0), 2]"
	assert_equal "$(exports)" $((before + 2))
}

@test "a reviewer of region 48 gets 403 for region 23's page, JSON, exports and districts, and sees only their sectors" {
	login_demo v reviewer
	local before path
	before=$(exports)
	for path in "/reports/coverage?region=23" "/reports/coverage.xlsx?region=23" "/reports/coverage.csv?region=23" \
		"/reports/coverage/districts/${ID[d23]}" "/reports/coverage/districts/${ID[d23]}.xlsx" \
		"/reports/coverage/districts/${ID[d23]}.csv" "/reports/coverage?region=$R" \
		"/reports/coverage/districts/${ID[dАльфа]}.csv"; do
		get v "$path"
		assert_equal "$code" 403
		get_json v "$path"
		assert_equal "$code" 403
		assert_regex "$(jq -r .error <<<"$output")" '^Нет доступа к отчётам по этому региону'
	done
	assert_equal "$(exports)" "$before"
	# Their own region by default, with their two sectors (two grants) and no country view.
	get_json v /reports/coverage
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.filter.region, [.sectors[].id], [.regions[].id], .country, (.rows[0].cells | length)]' <<<"$output")" \
		'[48,[1,3],[48],false,2]'
	get_json v "/reports/coverage?region=48&sector=4"
	assert_equal "$code" 403
	assert_regex "$(jq -r .error <<<"$output")" '^Нет доступа к отчётам по этому направлению'
	get v "/reports/coverage.csv?sector=4"
	assert_equal "$code" 403
	get_json v "/reports/coverage/districts/${ID[dАльфа]}?sector=1"
	assert_equal "$code" 403
	assert_equal "$(exports)" "$before"
}

@test "a reviewer of every region in one sector sees the country and any region, in that sector only" {
	login n "$RUN-national@example.test" "$DEMO_PASSWORD"
	get_json n "/reports/coverage?period=2025"
	assert_equal "$code" 200
	assert_equal "$(jq -c --argjson r "$R" '[.place.country, .country, [.sectors[].id], (.rows[] | select(.id == $r) |
		.cells[0].orgs, .cells[0].covered, .cells[0].seminars, (.cells | length))]' <<<"$output")" '[true,true,[3],3,1,1,1]'
	get_json n "/reports/coverage?region=48&period=2025"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.filter.region, [.sectors[].id]]' <<<"$output")" '[48,[3]]'
	get_json n "/reports/coverage?region=48&sector=1"
	assert_equal "$code" 403
}

@test "an administrator sees the whole country (rows are regions) and every sector; participants and guests do not" {
	local path
	login_demo a admin
	get_json a "/reports/coverage?period=2025"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.place.country, .filter.region, .row_title, ([.sectors[].id] | length)]' <<<"$output")" '[true,null,"Регион",6]'
	assert_equal "$(jq -r --argjson r "$R" '.rows[] | select(.id == $r) | [.url, .total.orgs, .total.covered, .total.pct_text,
		.total.people, .total.seminars, .cells[3].orgs] | @tsv' <<<"$output")" \
		"/reports/coverage?region=$R&period=2025"$'\t'"8"$'\t'"3"$'\t'"37,5%"$'\t'"4"$'\t'"2"$'\t'"1"
	# The country's totals are the sums of its regions.
	assert_equal "$(jq '[.rows[].total.orgs] | add' <<<"$output")" "$(jq '.totals.total.orgs' <<<"$output")"
	get_json a "/reports/coverage?period=2025&sector=1"
	assert_equal "$(jq -r --argjson r "$R" '.rows[] | select(.id == $r) | [.cells[].orgs, .cells[].covered, .total.pct_text,
		.total.seminars] | @tsv' <<<"$output")" $'4\t2\t50,0%\t2'
	get_json a "/reports/coverage/districts/${ID[dАльфа]}?period=2025"
	assert_equal "$(jq -r '[.organizations[].short_name] | join(", ")' <<<"$output")" \
		"ДЮСШ Дельта, МБОУ Бета, МБОУ Вега, ДК Гамма, МБОУ Альфа"
	get a "/reports/coverage.xlsx?period=2025"
	assert_equal "$code" 200
	assert_regex "$(header content-disposition)" 'filename="coverage-country-2025.xlsx"'
	get_json a "/reports/coverage?region=999"
	assert_equal "$code" 404

	signup p
	for path in /reports/coverage "/reports/coverage.csv?region=48" "/reports/coverage/districts/${ID[dАльфа]}"; do
		get_json p "$path"
		assert_equal "$code" 403
		assert_regex "$(jq -r .error <<<"$output")" '^Отчёты об охвате обучением доступны'
	done
	get - /reports/coverage
	assert_equal "$code" 303
	assert_regex "$location" '^/login\?next='
	get_json - /reports/coverage.csv
	assert_equal "$code" 401
}
