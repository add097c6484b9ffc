#!/usr/bin/env bats
# The register end to end: CSV and XLSX imports with preview and apply, districts, limits, and organisations proposed at sign-up.

load helpers

# Every test works in a region of its own, so a file's deactivations never touch the demo register
# or another test. Sets REGION (its id, also its code in files), REGION_NAME, D1 and D2 (two districts,
# «Первый район» and «Второй район», with OKTMO codes OKTMO1 and OKTMO2).
setup() {
	local out
	REGION=$(sql "SELECT 10000 + FLOOR(RAND() * 50000) AS r FROM DUAL HAVING r NOT IN (SELECT id FROM region) LIMIT 1")
	[[ $REGION =~ ^[0-9]+$ ]] || fail "no free region id"
	REGION_NAME="Тестовая область $REGION"
	OKTMO1=$(printf '%05d001' "$REGION") OKTMO2=$(printf '%05d002' "$REGION")
	out=$(sql "INSERT INTO region (id, name) VALUES ($REGION, '$REGION_NAME');
		INSERT INTO district (region_id, name, oktmo, population) VALUES
		  ($REGION, 'Первый район', '$OKTMO1', 1000), ($REGION, 'Второй район', '$OKTMO2', NULL);
		SELECT GROUP_CONCAT(id ORDER BY oktmo) FROM district WHERE region_id = $REGION") || fail "setup: $out"
	IFS=, read -r D1 D2 <<<"$out"
}

# inn N: a valid 10-digit INN of this test's region, numbered N (the check digit computed).
inn() {
	local d=$(printf '%05d%04d' "$REGION" "$1") w=(2 4 10 3 5 9 4 6 8) s=0 i
	for i in {0..8}; do s=$((s + w[i] * ${d:i:1})); done
	echo "$d$((s % 11 % 10))"
}

# upload JAR KIND FILE [NAME]: POST /admin/import with the file (multipart, as the form sends it).
# Sets what req sets, and IMPORT_ID on 303.
upload() {
	local f=$3 name=${4:-${3##*/}}
	csrf "$1"
	req "$1" POST /admin/import -F "csrf=$TOKEN" -F "kind=$2" -F "file=@$f;filename=$name"
	IMPORT_ID=
	[[ $code == 303 && $location =~ ^/admin/import/([0-9]+)$ ]] && IMPORT_ID=${BASH_REMATCH[1]}
	return 0
}

# preview JAR ID: the preview's JSON; sets COUNTS to "add change same deactivate reject".
preview() {
	get_json "$1" "/admin/import/$2"
	[[ $code == 200 ]] || fail "preview $2: HTTP $code"$'\n'"$output"
	COUNTS=$(jq -r '[.counts[] | {(.action): .n}] | add | "\(.add) \(.change) \(.same) \(.deactivate) \(.reject)"' <<<"$output")
}

# apply JAR ID: the «Применить» button.
apply() { post "$1" "/admin/import/$2/apply"; }

# region_orgs: the organisations of the test's region, one line each: inn district sector active status short name.
region_orgs() {
	sql "SELECT o.inn, d.name, o.sector_id, o.active, o.status, o.short_name, IFNULL(o.page_urls, '-')
	     FROM organization o JOIN district d ON d.id = o.district_id WHERE d.region_id = $REGION ORDER BY o.inn"
}

# cells: register_cell of the test's districts as "district:sector:orgs" words.
cells() {
	sql "SELECT IFNULL(GROUP_CONCAT(CONCAT_WS(':', IF(district_id = $D1, 'D1', 'D2'), sector_id, orgs)
	     ORDER BY district_id, sector_id SEPARATOR ' '), '-') FROM register_cell WHERE district_id IN ($D1, $D2)"
}

# register_sum: a checksum of the whole organization and district tables.
register_sum() {
	sql "SELECT (SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, district_id, sector_id, name, short_name, IFNULL(inn, ''),
	               IFNULL(page_urls, ''), active, status, updated_at) ORDER BY id)) FROM organization),
	            (SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, region_id, name, IFNULL(oktmo, ''), IFNULL(population, ''))
	               ORDER BY id)) FROM district)"
}

# checked_in REG SEMINAR: the registration is checked in online at the seminar's sessions, as the checkin program
# records it (the attendance row and the coverage upkeep in one go).
checked_in() {
	sql "INSERT INTO attendance (registration_id, session_id, mode, scan_id, at)
	     SELECT $1, id, 'online', 0, NOW(3) FROM seminar_session WHERE seminar_id = $2; CALL coverage_touch($1)" >/dev/null
}

# attended ORG SECTOR: someone of organisation ORG signs up, registers online for a new seminar of SECTOR and
# attends it: a registration that counts for coverage. Sets REG_ID.
attended() {
	local fields
	mapfile -t fields < <(signup_fields "$(new_email)" | grep -v '^organization_id=')
	post att /signup "${fields[@]}" "organization_id=$1"
	[[ $code == 303 ]] || fail "sign-up for organisation $1: HTTP $code"
	seminar_sql "sector=$2"
	register att "$SEMINAR_ID" online
	[[ $REG_STATUS == confirmed ]] || fail "registration for organisation $1: $code $output"
	checked_in "$REG_ID" "$SEMINAR_ID"
}

# fact REG: "organization district sector" of the registration's coverage fact (nothing when it does not count).
fact() { sql "SELECT CONCAT_WS(' ', organization_id, IF(district_id = $D1, 'D1', 'D2'), sector_id) FROM coverage_fact WHERE registration_id = $1"; }

# good_csv FILE: three organisations of the test region, ';'-separated UTF-8 with a BOM and CRLF,
# names with quotes and a separator inside quotes, a district given by OKTMO only.
good_csv() {
	{
		printf '\xef\xbb\xbfРегион;Район;ОКТМО;Направление;Полное наименование;Краткое наименование;ИНН;Страницы\r\n'
		printf '%s;Первый район;;Образование;"МБОУ ""Школа № 1""; полное";МБОУ «Школа № 1»;%s;https://vk.com/school1 https://ok.ru/s1\r\n' "$REGION" "$(inn 1)"
		printf '%s;первый  РАЙОН;;education;Детский сад № 2;МБДОУ д/с № 2;%s;\r\n' "$REGION_NAME" "$(inn 2)"
		printf '%s;;%s;Культура;Дом культуры;МБУК ДК;%s;https://vk.com/dk, https://dk.example.ru/\r\n' "$REGION" "$OKTMO2" "$(inn 3)"
	} >"$1"
}

@test "a good CSV file: the preview shows three additions and writes nothing; applying adds them and counts them" {
	local f=$BATS_TEST_TMPDIR/good.csv before
	good_csv "$f"
	login_demo admin admin
	before=$(register_sum)
	upload admin organizations "$f" "реестр (1).csv"
	assert_equal "$code" 303
	[[ -n $IMPORT_ID ]]
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "3 0 0 0 0"
	assert_equal "$(jq -r '.import.file_name' <<<"$output")" "реестр (1).csv"
	assert_equal "$(jq -r '[.sections[] | select(.action == "add") | .rows[] | "\(.line) \(.inn) \(.district)"] | join(",")' <<<"$output")" \
		"2 $(inn 1) Первый район,3 $(inn 2) Первый район,4 $(inn 3) Второй район"
	assert_equal "$(register_sum)" "$before"
	get admin "/admin/import/$IMPORT_ID"
	assert_output --partial 'Применить'
	assert_output --partial 'МБОУ «Школа № 1»'

	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	assert_equal "$location" "/admin/import/$IMPORT_ID"
	run region_orgs
	assert_output "$(inn 1)	Первый район	1	1	register	МБОУ «Школа № 1»	https://vk.com/school1 https://ok.ru/s1
$(inn 2)	Первый район	1	1	register	МБДОУ д/с № 2	-
$(inn 3)	Второй район	3	1	register	МБУК ДК	https://vk.com/dk https://dk.example.ru/"
	run sql "SELECT name FROM organization WHERE inn = '$(inn 1)'"
	assert_output 'МБОУ "Школа № 1"; полное'
	assert_equal "$(cells)" "D1:1:2 D2:3:1"
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'register.import.apply' AND object_id = $IMPORT_ID"
	assert_output 1
	get admin /admin/import
	assert_equal "$code" 200
	assert_output --partial "<a href=\"/admin/import/$IMPORT_ID\">реестр (1).csv</a>"
	# Applied once: a second «Применить» changes nothing.
	before=$(register_sum)
	apply admin "$IMPORT_ID"
	assert_equal "$code" 409
	assert_output --partial 'уже применён'
	assert_equal "$(register_sum)" "$before"
}

@test "a file with bad lines: each line is rejected with its reason, the good ones are still previewed as additions" {
	local f=$BATS_TEST_TMPDIR/bad.csv before rejects bad_inn
	bad_inn=$(inn 5)
	bad_inn=${bad_inn:0:9}$(((${bad_inn:9:1} + 1) % 10))
	{
		echo 'Регион,Район,Направление,Полное наименование,Краткое наименование,ИНН,Страницы'
		echo "$REGION,Первый район,Образование,Школа один,Школа 1,$(inn 1),"
		echo "$REGION,Первый район,Образование,Школа пять,Школа 5,$bad_inn,"
		echo "$REGION,Третий район,Образование,Школа шесть,Школа 6,$(inn 6),"
		echo "$REGION,Первый район,Астрономия,Школа семь,Школа 7,$(inn 7),"
		echo "$REGION,Первый район,Культура,,ДК 8,$(inn 8),"
		echo "$REGION,Первый район,Культура,ДК девять,ДК 9,$(inn 9),javascript:alert(1)"
		echo "$REGION,Второй район,sport,Стадион,Стадион,$(inn 10),https://vk.com/s"
		echo "$REGION,Второй район,sport,Стадион-дубль,Стадион 2,$(inn 10),"
	} >"$f"
	login_demo admin admin
	before=$(register_sum)
	upload admin organizations "$f"
	assert_equal "$code" 303
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "2 0 0 0 6"
	rejects=$(jq -r '.sections[] | select(.action == "reject") | .rows[] | "\(.line): \(.reason)"' <<<"$output")
	assert_equal "$(wc -l <<<"$rejects")" 6
	run echo "$rejects"
	assert_line "3: неверная контрольная цифра ИНН $bad_inn"
	assert_line "4: район «Третий район» не найден в регионе «$REGION_NAME»"
	assert_line "5: направление «Астрономия» не найдено"
	assert_line "6: не указано полное наименование"
	assert_line "7: неверная ссылка «javascript:alert(1)»: нужен адрес страницы, начинающийся с http:// или https://"
	assert_line "9: ИНН $(inn 10) повторяется: он уже есть в строке 8 (та строка остаётся, эта отклонена)"
	preview admin "$IMPORT_ID"
	assert_equal "$(jq -r '[.sections[] | select(.action == "add") | .rows[].line] | join(" ")' <<<"$output")" "2 8"
	# The HTML preview lists every rejected line with its reason.
	get admin "/admin/import/$IMPORT_ID"
	assert_output --partial 'Отклонены: 6'
	assert_output --partial 'направление «Астрономия» не найдено'
	assert_equal "$(register_sum)" "$before"

	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	run region_orgs
	assert_output "$(inn 1)	Первый район	1	1	register	Школа 1	-
$(inn 10)	Второй район	4	1	register	Стадион	https://vk.com/s"
}

@test "re-importing the same file previews every line as the same and applying it changes nothing" {
	local f=$BATS_TEST_TMPDIR/good.csv before
	good_csv "$f"
	login_demo admin admin
	upload admin organizations "$f"
	apply admin "$IMPORT_ID"
	assert_equal "$code" 303

	before=$(register_sum)
	upload admin organizations "$f"
	assert_equal "$code" 303
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "0 0 3 0 0"
	assert_not_equal "$(jq -r '.import.same_file_applied_on' <<<"$output")" null
	get admin "/admin/import/$IMPORT_ID"
	assert_output --partial 'Этот же файл уже применялся'
	assert_output --partial 'Изменений нет'
	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	assert_equal "$(register_sum)" "$before"
	assert_equal "$(cells)" "D1:1:2 D2:3:1"
}

@test "a changed file: changes say what changes, organisations missing from the file are deactivated, counts follow" {
	local f=$BATS_TEST_TMPDIR/good.csv g=$BATS_TEST_TMPDIR/changed.csv
	good_csv "$f"
	local school kindergarten school_reg
	login_demo admin admin
	upload admin organizations "$f"
	apply admin "$IMPORT_ID"
	school=$(sql "SELECT id FROM organization WHERE inn = '$(inn 1)'")
	kindergarten=$(sql "SELECT id FROM organization WHERE inn = '$(inn 2)'")
	attended "$school" 1
	school_reg=$REG_ID
	attended "$kindergarten" 1
	assert_equal "$(fact "$school_reg")" "$school D1 1"
	assert_equal "$(fact "$REG_ID")" "$kindergarten D1 1"
	# Line 2: the school moves to the second district and is renamed; the kindergarten is gone; the DK stays.
	{
		echo 'Регион;Район;ОКТМО;Направление;Полное наименование;Краткое наименование;ИНН;Страницы'
		echo "$REGION;Второй район;;Образование;\"МБОУ \"\"Школа № 1\"\"; полное\";МБОУ СОШ № 1;$(inn 1);https://vk.com/school1 https://ok.ru/s1"
		echo "$REGION;;$OKTMO2;Культура;Дом культуры;МБУК ДК;$(inn 3);https://vk.com/dk https://dk.example.ru/"
	} >"$g"
	upload admin organizations "$g"
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "0 1 1 1 0"
	assert_equal "$(jq -r '.sections[] | select(.action == "change") | .rows[0].reason' <<<"$output")" \
		"район: Первый район → Второй район; краткое наименование: «МБОУ «Школа № 1»» → «МБОУ СОШ № 1»"
	assert_equal "$(jq -r '.sections[] | select(.action == "deactivate") | .rows[0] | "\(.inn) \(.line)"' <<<"$output")" "$(inn 2) null"

	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	run region_orgs
	assert_output "$(inn 1)	Второй район	1	1	register	МБОУ СОШ № 1	https://vk.com/school1 https://ok.ru/s1
$(inn 2)	Первый район	1	0	register	МБДОУ д/с № 2	-
$(inn 3)	Второй район	3	1	register	МБУК ДК	https://vk.com/dk https://dk.example.ru/"
	assert_equal "$(cells)" "D2:1:1 D2:3:1"
	# Coverage follows: the school's training counts in its new district, the kindergarten's no more.
	assert_equal "$(fact "$school_reg")" "$school D2 1"
	assert_equal "$(fact "$REG_ID")" ""
	run sql "SELECT orgs_covered, people FROM coverage_cell WHERE district_id = $D2 AND sector_id = 1 AND period = 'all'"
	assert_output $'1\t1'

	# The kindergarten comes back: a change that makes it active again.
	upload admin organizations "$f"
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "0 2 1 0 0"
	assert_output --partial 'снова станет действующей'
}

@test "the register changed after the preview: the apply is refused with 409 and writes nothing" {
	local f=$BATS_TEST_TMPDIR/good.csv first before
	good_csv "$f"
	login_demo admin admin
	upload admin organizations "$f"
	first=$IMPORT_ID
	upload admin organizations "$f"
	apply admin "$first"
	assert_equal "$code" 303
	# The second preview was made before the first was applied: its additions exist now.
	before=$(register_sum)
	apply admin "$IMPORT_ID"
	assert_equal "$code" 409
	assert_output --partial 'Реестр изменился после предварительного просмотра'
	assert_equal "$(register_sum)" "$before"
	run sql "SELECT applied_at IS NULL FROM register_import WHERE id = $IMPORT_ID"
	assert_output 1
}

@test "an XLSX file made with openpyxl: Cyrillic text, numbers as INN and OKTMO, a title row above the header" {
	local f=$BATS_TEST_TMPDIR/реестр.xlsx
	/usr/bin/python3 - "$f" "$REGION_NAME" "$(inn 21)" "$(inn 22)" "$OKTMO2" <<'PY' || fail "openpyxl failed"
import sys, openpyxl
path, region, inn1, inn2, oktmo = sys.argv[1:]
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Реестр организаций"
ws.append(["Реестр подведомственных организаций (госпаблики)"])
ws.append(["Субъект РФ", "Муниципальный район", "Код ОКТМО", "Отрасль", "Наименование организации",
           "Сокращённое наименование", "ИНН", "Ссылки на госпаблики", "Примечание"])
ws.append([region, "Первый район", None, "Здравоохранение", "Государственное учреждение здравоохранения «Ёлкинская больница»",
           "ГУЗ «Ёлкинская РБ»", int(inn1), "https://vk.com/yolki\nhttps://ok.ru/yolki", "проверено"])
ws.append([region, None, int(oktmo), "Физическая культура и спорт", "Спортивная школа «Юность»",
           "СШ «Юность»", int(inn2), None, None])
wb.save(path)
PY
	login_demo admin admin
	upload admin organizations "$f"
	assert_equal "$code" 303
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "2 0 0 0 0"
	assert_equal "$(jq -r '.import.file_name' <<<"$output")" "реестр.xlsx"
	assert_equal "$(jq -r '.import.ignored' <<<"$output")" "«Примечание»"
	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	run region_orgs
	assert_output "$(inn 21)	Первый район	5	1	register	ГУЗ «Ёлкинская РБ»	https://vk.com/yolki https://ok.ru/yolki
$(inn 22)	Второй район	4	1	register	СШ «Юность»	-"
	run sql "SELECT name FROM organization WHERE inn = '$(inn 21)'"
	assert_output 'Государственное учреждение здравоохранения «Ёлкинская больница»'
}

@test "a CSV saved by Excel in Windows-1251 is read as Cyrillic" {
	local f=$BATS_TEST_TMPDIR/cp1251.csv
	{
		echo 'Регион;Район;Направление;Полное наименование;Краткое наименование;ИНН'
		echo "$REGION;Второй район;Культура;Библиотека «Ёлочка»;МБУК «Ёлочка»;$(inn 31)"
	} | iconv -f UTF-8 -t WINDOWS-1251 >"$f"
	login_demo admin admin
	upload admin organizations "$f"
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "1 0 0 0 0"
	assert_equal "$(jq -r '.sections[] | select(.action == "add") | .rows[0].short_name' <<<"$output")" "МБУК «Ёлочка»"
}

@test "a districts file adds and changes districts with their population and never deletes one" {
	local f=$BATS_TEST_TMPDIR/districts.csv oktmo3
	oktmo3=$(printf '%05d003' "$REGION")
	{
		echo 'Регион;Район;ОКТМО;Численность населения'
		echo "$REGION;Первый район;$OKTMO1;1 000"
		echo "$REGION;Второй район (переименован);$OKTMO2;2500"
		echo "$REGION_NAME;Третий район;$oktmo3;12 345"
		echo "$REGION;Четвёртый район;$oktmo3;1"
		echo "$REGION;Пятый район;12;1"
	} >"$f"
	login_demo admin admin
	upload admin districts "$f"
	assert_equal "$code" 303
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "1 1 1 0 2"
	assert_equal "$(jq -r '.sections[] | select(.action == "change") | .rows[0].reason' <<<"$output")" \
		"название: «Второй район» → «Второй район (переименован)»; население: нет → 2500"
	run jq -r '.sections[] | select(.action == "reject") | .rows[] | "\(.line): \(.reason)"' <<<"$output"
	assert_line "5: район с тем же кодом ОКТМО уже есть в строке 4 (та строка остаётся, эта отклонена)"
	assert_line "6: код ОКТМО «12» должен состоять из 8 или 11 цифр"
	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	run sql "SELECT name, oktmo, IFNULL(population, '-') FROM district WHERE region_id = $REGION ORDER BY oktmo"
	assert_output "Первый район	$OKTMO1	1000
Второй район (переименован)	$OKTMO2	2500
Третий район	$oktmo3	12345"
	# The same file again: nothing to add or change.
	upload admin districts "$f"
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "0 0 3 0 2"
}

@test "the seed holds the 89 subjects of the Federation with their OKTMO codes; three with their districts" {
	assert_equal "$(sql "SELECT COUNT(*), COUNT(DISTINCT oktmo), SUM(oktmo REGEXP '^[0-9]{8}$') FROM region WHERE id < 100")" \
		$'89\t89\t89'
	assert_equal "$(sql "SELECT CONCAT_WS('|', id, name, oktmo) FROM region WHERE id IN (48, 23, 39, 86, 93) ORDER BY id")" \
		"23|Краснодарский край|03000000
39|Калининградская область|27000000
48|Липецкая область|42000000
86|Ханты-Мансийский автономный округ — Югра|71800000
93|Донецкая Народная Республика|21000000"
	assert_equal "$(sql "SELECT GROUP_CONCAT(n ORDER BY r) FROM (SELECT region_id AS r, COUNT(*) >= 18 AS n
	                     FROM district WHERE region_id IN (23, 39, 48) GROUP BY region_id) x")" "1,1,1"
}

@test "a districts file for a region of the seed without districts adds them (the region named by its name or its code)" {
	local f=$BATS_TEST_TMPDIR/districts.csv id name oktmo
	IFS=$'\t' read -r id name oktmo < <(sql "SELECT id, name, oktmo FROM region r WHERE id < 100
		AND NOT EXISTS (SELECT 1 FROM district d WHERE d.region_id = r.id) ORDER BY id LIMIT 1")
	[[ $id =~ ^[0-9]+$ ]] || fail "no region of the seed without districts is left"
	{
		echo 'Регион;Район;ОКТМО;Численность населения'
		echo "$name;Первый муниципальный район;${oktmo:0:2}604000;15000"
		echo "$id;Городской округ;${oktmo:0:2}701000;250000"
	} >"$f"
	login_demo admin admin
	upload admin districts "$f"
	assert_equal "$code" 303
	preview admin "$IMPORT_ID"
	assert_equal "$COUNTS" "2 0 0 0 0"
	apply admin "$IMPORT_ID"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT GROUP_CONCAT(CONCAT_WS(':', name, oktmo, population) ORDER BY oktmo) FROM district
	                     WHERE region_id = $id")" "Первый муниципальный район:${oktmo:0:2}604000:15000,Городской округ:${oktmo:0:2}701000:250000"
}

@test "only administrators import: 403 for a participant, the login page for a guest" {
	local f=$BATS_TEST_TMPDIR/good.csv
	good_csv "$f"
	login_demo admin admin
	upload admin organizations "$f"
	local id=$IMPORT_ID
	login_demo p participant
	get p /admin/import
	assert_equal "$code" 403
	get p "/admin/import/$id"
	assert_equal "$code" 403
	upload p organizations "$f"
	assert_equal "$code" 403
	apply p "$id"
	assert_equal "$code" 403
	get p /admin/organizations/proposed
	assert_equal "$code" 403
	get - /admin/import
	assert_equal "$code" 303
	assert_regex "$location" '^/login\?next='
	run sql "SELECT applied_at IS NULL FROM register_import WHERE id = $id"
	assert_output 1
}

@test "an upload or an apply without the form's CSRF token is refused with 403" {
	local f=$BATS_TEST_TMPDIR/good.csv n
	good_csv "$f"
	login_demo admin admin
	n=$(sql "SELECT COUNT(*) FROM register_import")
	req admin POST /admin/import -F kind=organizations -F "file=@$f"
	assert_equal "$code" 403
	req admin POST /admin/import -F csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA -F kind=organizations -F "file=@$f"
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT COUNT(*) FROM register_import")" "$n"
	upload admin organizations "$f"
	req admin POST "/admin/import/$IMPORT_ID/apply"
	assert_equal "$code" 403
	run sql "SELECT applied_at IS NULL FROM register_import WHERE id = $IMPORT_ID"
	assert_output 1
}

@test "sizes: a 2 MB file reaches the import (over the portal's 1 MB), 21 MB is refused with 413" {
	local f=$BATS_TEST_TMPDIR/big.csv n
	login_demo admin admin
	n=$(sql "SELECT COUNT(*) FROM register_import")
	# 2 MB of lines without a header the import knows: refused by the import itself, not by a size limit.
	yes 'Колонка;Другая колонка;Ещё одна колонка;И ещё' | head -c 2200000 >"$f"
	upload admin organizations "$f"
	assert_equal "$code" 400
	assert_output --partial 'В первой строке файла нет столбцов'
	head -c 22000000 /dev/zero | tr '\0' 'x' >"$f"
	upload admin organizations "$f"
	assert_equal "$code" 413
	assert_equal "$(sql "SELECT COUNT(*) FROM register_import")" "$n"
}

@test "files that are not tables are refused with 400 and a reason" {
	local f=$BATS_TEST_TMPDIR/file
	login_demo admin admin
	head -c 4096 /dev/urandom >"$f"
	printf '\0' >>"$f"
	upload admin organizations "$f" garbage.xlsx
	assert_equal "$code" 400
	assert_output --partial 'не похож на таблицу'
	printf '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel' >"$f"
	upload admin organizations "$f" old.xls
	assert_equal "$code" 400
	assert_output --partial 'старом формате Excel'
	printf 'PK\3\4 not really a zip' >"$f"
	upload admin organizations "$f" broken.xlsx
	assert_equal "$code" 400
	assert_output --partial 'XLSX повреждён'
	printf 'Регион;ИНН;Район\n48;1;2\n' >"$f"
	upload admin organizations "$f" short.csv
	assert_equal "$code" 400
	assert_output --partial 'нет столбцов: «Направление», «Полное наименование», «Краткое наименование»'
	printf 'Регион;Район;Направление;Полное наименование;Краткое наименование;ИНН\n' >"$f"
	upload admin organizations "$f" header.csv
	assert_equal "$code" 400
	assert_output --partial 'только заголовки'
	req admin POST /admin/import -F "csrf=$TOKEN" -F kind=organizations
	assert_equal "$code" 400
	assert_output --partial 'Выберите файл'
}

# signup_proposing JAR NAME DISTRICT SECTOR: a sign-up whose organisation is not in the register.
# Sets EMAIL, USER_ID and ORG (the proposed organisation).
signup_proposing() {
	local fields
	EMAIL=$(new_email)
	mapfile -t fields < <(signup_fields "$EMAIL" | grep -v '^organization_id=')
	post "$1" /signup "${fields[@]}" org_missing=1 "org_name=$2" "org_district_id=$3" "sector_id=$4"
	[[ $code == 303 && $location == /me ]] || fail "sign-up proposing $2: HTTP $code"$'\n'"$(alert_text)"
	read -r USER_ID ORG < <(sql "SELECT id, organization_id FROM person WHERE email = $(sql_str "$EMAIL")")
}

@test "sign-up with an organisation not in the register: it waits unlisted until an administrator accepts it" {
	signup_proposing a "МБОУ СОШ с. Новое" "$D1" 1
	run sql "SELECT status, active, proposed_by, district_id, sector_id, name, short_name FROM organization WHERE id = $ORG"
	assert_output "proposed	0	$USER_ID	$D1	1	МБОУ СОШ с. Новое	МБОУ СОШ с. Новое"
	run sql "SELECT detail FROM audit_log WHERE action = 'signup' AND object_id = $USER_ID"
	assert_output 'consent 2026-01; organisation proposed'
	# Not offered to others while it waits.
	get_json b "/signup?region_id=$REGION&district_id=$D1"
	assert_equal "$(jq '[.organizations[] | select(.id == '"$ORG"')] | length' <<<"$output")" 0
	assert_equal "$(cells)" "-"

	login_demo admin admin
	get admin /admin/organizations/proposed
	assert_equal "$code" 200
	assert_output --partial 'МБОУ СОШ с. Новое'
	assert_output --partial "/admin/organizations/proposed/$ORG"
	post admin "/admin/organizations/proposed/$ORG/accept" "org_name=Муниципальное бюджетное общеобразовательное учреждение СОШ с. Новое" inn=1234567890
	assert_equal "$code" 400
	assert_output --partial 'контрольной цифрой'
	post admin "/admin/organizations/proposed/$ORG/accept" "org_name=Муниципальное бюджетное общеобразовательное учреждение СОШ с. Новое" \
		"inn=$(inn 41)" sector_id=1
	assert_equal "$code" 303
	run sql "SELECT status, active, inn, name, short_name FROM organization WHERE id = $ORG"
	assert_output "register	1	$(inn 41)	Муниципальное бюджетное общеобразовательное учреждение СОШ с. Новое	МБОУ СОШ с. Новое"
	assert_equal "$(cells)" "D1:1:1"
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'organization.accept' AND object_id = $ORG"
	assert_output 1
	get_json b "/signup?region_id=$REGION&district_id=$D1"
	assert_equal "$(jq '[.organizations[] | select(.id == '"$ORG"')] | length' <<<"$output")" 1
	post admin "/admin/organizations/proposed/$ORG/accept"
	assert_equal "$code" 409
}

@test "a proposed organisation merged into one of the register: its people and their registrations move" {
	local target first
	login_demo admin admin
	good_csv "$BATS_TEST_TMPDIR/good.csv"
	upload admin organizations "$BATS_TEST_TMPDIR/good.csv"
	apply admin "$IMPORT_ID"
	target=$(sql "SELECT id FROM organization WHERE inn = '$(inn 1)'")

	signup_proposing a "Школа номер один" "$D1" 1
	first=$ORG
	seminar_sql region_id=48
	register a "$SEMINAR_ID" online
	assert_equal "$code" 200
	run sql "SELECT organization_id FROM registration WHERE id = $REG_ID"
	assert_output "$first"
	# Attended, but a proposed organisation counts nowhere yet.
	checked_in "$REG_ID" "$SEMINAR_ID"
	assert_equal "$(fact "$REG_ID")" ""

	get admin "/admin/organizations/proposed/$first?q=$(inn 1)"
	assert_equal "$code" 200
	assert_output --partial 'МБОУ «Школа № 1»'
	assert_output --partial 'Объединить с этой'
	post admin "/admin/organizations/proposed/$first/merge" "target_id=$first"
	assert_equal "$code" 400
	post admin "/admin/organizations/proposed/$first/merge" "target_id=$target"
	assert_equal "$code" 303
	run sql "SELECT status, active, merged_into FROM organization WHERE id = $first"
	assert_output "merged	0	$target"
	run sql "SELECT (SELECT organization_id FROM person WHERE id = $USER_ID), (SELECT organization_id FROM registration WHERE id = $REG_ID)"
	assert_output "$target	$target"
	run sql "SELECT detail FROM audit_log WHERE action = 'organization.merge' AND object_id = $first"
	assert_output "into=$target people=1 registrations=1"
	# The training now counts for the organisation of the register.
	assert_equal "$(fact "$REG_ID")" "$target D1 1"
	assert_equal "$(cells)" "D1:1:2 D2:3:1"
	post admin "/admin/organizations/proposed/$first/merge" "target_id=$target"
	assert_equal "$code" 409
	# A proposed organisation is merged only into an active one of the register.
	signup_proposing c "Ещё одна школа" "$D2" 1
	first=$ORG
	signup_proposing d "И ещё одна" "$D2" 1
	post admin "/admin/organizations/proposed/$ORG/merge" "target_id=$first"
	assert_equal "$code" 409
	assert_output --partial 'только с действующей организацией реестра'
	post admin "/admin/organizations/proposed/$ORG/accept" "inn=$(inn 1)"
	assert_equal "$code" 409
	assert_output --partial 'Этот ИНН уже есть у другой организации реестра'
	run sql "SELECT status FROM organization WHERE id IN ($first, $ORG)"
	assert_output "proposed
proposed"
}
