#!/usr/bin/env bats
# Seminar surveys end to end: the organiser builds one, two participants answer it, one edits, the organiser closes
# it (edits refused after), results and the XLSX agree with the answers; copying, anonymity, who may do what, and
# the certificate held back until its holder has answered.

load helpers

# question TEXT KIND [REQUIRED [OPTIONS]]: the organiser "o" adds a question to $SEMINAR_ID's survey; sets QID.
question() {
	local args=("question=$1" "qkind=$2")
	[[ ${3-} == 1 ]] && args+=(required=1)
	[[ -n ${4-} ]] && args+=("options=$4")
	post o "/manage/seminars/$SEMINAR_ID/survey/questions" "${args[@]}"
	[[ $code == 303 ]] || fail "adding «$1»: HTTP $code $(alert_text)"
	QID=$(sql "SELECT MAX(id) FROM survey_question WHERE seminar_id = $SEMINAR_ID")
}

# opt QUESTION TEXT: the id of an option of a question.
opt() { sql "SELECT id FROM survey_option WHERE question_id = $1 AND text = $(sql_str "$2")"; }

# built: a seminar of region 48 with the organiser "o" signed in and four questions: Q1 rating (required), Q2 single
# choice (required) Да/Нет/Не знаю, Q3 multiple choice Контент-план/Ответы на комментарии/Отчёты, Q4 free text.
built() {
	seminar_sql "$@"
	login_demo o organizer
	question "Оцените семинар" rating 1
	Q1=$QID
	question "Формат подошёл?" single 1 $'Да\nНет\n  Не знаю  \n'
	Q2=$QID
	question "Что пригодилось?" multiple 0 $'Контент-план\nОтветы на комментарии\nОтчёты'
	Q3=$QID
	question "Что улучшить?" text
	Q4=$QID
}

# participant JAR NAME: an account signed up through the site, renamed, with a confirmed online registration for
# $SEMINAR_ID. Sets PID and REG.
participant() {
	signup "$1"
	PID=$USER_ID
	sql "UPDATE person SET full_name = $(sql_str "$2") WHERE id = $PID"
	register "$1" "$SEMINAR_ID" online
	[[ $REG_STATUS == confirmed ]] || fail "sign-up of $2: HTTP $code, status '$REG_STATUS'"
	REG=$REG_ID
}

# answer JAR [name=value ...]: the survey form posted by a participant.
answer() { post "$1" "/seminars/$SEMINAR_ID/survey" "${@:2}"; }

# opened: the seminar's last session ended an hour ago.
opened() { sql "UPDATE seminar SET ends_at = NOW() - INTERVAL 1 HOUR WHERE id = $SEMINAR_ID"; }

@test "survey: built, answered by two, edited, closed (edits refused), results and XLSX agree with the answers" {
	built
	get o "/manage/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 200
	assert_output --partial 'Не знаю'
	assert_equal "$(sql "SELECT GROUP_CONCAT(text ORDER BY position SEPARATOR '|') FROM survey_option WHERE question_id = $Q2")" 'Да|Нет|Не знаю'
	assert_equal "$(sql "SELECT GROUP_CONCAT(CONCAT(kind, ':', required) ORDER BY position) FROM survey_question WHERE seminar_id = $SEMINAR_ID")" \
		'rating:1,single:1,multiple:0,text:0'
	# A choice question needs two options; an unknown kind is refused by the field table.
	post o "/manage/seminars/$SEMINAR_ID/survey/questions" "question=Один вариант" qkind=single options=Да
	assert_equal "$code" 400
	post o "/manage/seminars/$SEMINAR_ID/survey/questions" "question=Какой?" qkind=matrix
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM survey_question WHERE seminar_id = $SEMINAR_ID")" 4
	# Named.
	post o "/manage/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT anonymous, cert_gate FROM survey WHERE seminar_id = $SEMINAR_ID")" $'0\t0'

	participant a "Анкетова Алла Петровна"
	R_a=$REG
	participant b "Опросов Борис Ильич"

	# Before the last session ends the survey is not open: no form, and a POST is refused.
	get a "/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 200
	assert_output --partial 'Анкета откроется после окончания последнего занятия'
	refute_output --partial "name=\"rate$Q1\""
	answer a "rate$Q1=5" "opt$Q2=$(opt "$Q2" Да)"
	assert_equal "$code" 409
	get a "/seminars/$SEMINAR_ID"
	refute_output --partial "/seminars/$SEMINAR_ID/survey"

	opened
	get a "/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 200
	assert_output --partial "name=\"rate$Q1\""
	assert_output --partial '<legend>1. Оцените семинар'
	get a "/seminars/$SEMINAR_ID"
	assert_output --partial "href=\"/seminars/$SEMINAR_ID/survey\""
	get a /me
	assert_output --partial "href=\"/seminars/$SEMINAR_ID/survey\""

	# A required question left out, an option of another question, a rating of 6: 400, nothing stored.
	answer a "opt$Q2=$(opt "$Q2" Да)"
	assert_equal "$code" 400
	[[ $(alert_text) == *'Оцените семинар'* ]] || fail "the message names the question: $(alert_text)"
	answer a "rate$Q1=5" "opt$Q2=$(opt "$Q3" Отчёты)"
	assert_equal "$code" 400
	answer a "rate$Q1=6" "opt$Q2=$(opt "$Q2" Да)"
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM survey_response WHERE seminar_id = $SEMINAR_ID")" 0

	answer a "rate$Q1=5" "opt$Q2=$(opt "$Q2" Да)" "opt$Q3=$(opt "$Q3" Контент-план)" "opt$Q3=$(opt "$Q3" Отчёты)" \
		"text$Q4=Больше практики"
	assert_equal "$code" 303
	assert_equal "$location" "/seminars/$SEMINAR_ID/survey?saved=1"
	answer b "rate$Q1=3" "opt$Q2=$(opt "$Q2" Нет)" "opt$Q3=$(opt "$Q3" Контент-план)"
	assert_equal "$code" 303
	# a changes the rating: still one response each.
	answer a "rate$Q1=4" "opt$Q2=$(opt "$Q2" Да)" "opt$Q3=$(opt "$Q3" Контент-план)" "opt$Q3=$(opt "$Q3" Отчёты)" \
		"text$Q4=Больше практики"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*) FROM survey_response WHERE seminar_id = $SEMINAR_ID")" 2
	get a "/seminars/$SEMINAR_ID/survey?saved=1"
	assert_output --partial 'Ваши ответы сохранены'
	[[ $output =~ name=\"rate$Q1\"\ value=\"4\"[^/]*checked ]] || fail "the edited rating 4 is not checked"
	# The questions of an answered survey stay as they are.
	post o "/manage/seminars/$SEMINAR_ID/survey/questions" "question=Поздний вопрос" qkind=text
	assert_equal "$code" 409
	post o "/manage/seminars/$SEMINAR_ID/survey/questions/$Q4/delete"
	assert_equal "$code" 409

	post o "/manage/seminars/$SEMINAR_ID/survey/state" state=close
	assert_equal "$code" 303
	answer a "rate$Q1=1" "opt$Q2=$(opt "$Q2" Нет)"
	assert_equal "$code" 409
	assert_equal "$(sql "SELECT a.rating FROM survey_answer a JOIN survey_response r ON r.id = a.response_id
		WHERE r.registration_id = $R_a AND a.question_id = $Q1")" 4

	# Results: counts and percents of those who answered each question; texts; who answered (named).
	get_json o "/manage/seminars/$SEMINAR_ID/survey/results"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.questions[] | [.respondents, ([.choices[] | [.text, .count, .pct_text]])]]' <<<"$output")" \
		'[[2,[["1",0,"0,0%"],["2",0,"0,0%"],["3",1,"50,0%"],["4",1,"50,0%"],["5",0,"0,0%"]]],[2,[["Да",1,"50,0%"],["Нет",1,"50,0%"],["Не знаю",0,"0,0%"]]],[2,[["Контент-план",2,"100,0%"],["Ответы на комментарии",0,"0,0%"],["Отчёты",1,"50,0%"]]],[1,[]]]'
	assert_equal "$(jq -c '[.questions[0].average, .questions[3].texts, .respondents]' <<<"$output")" \
		'["3,5",[{"text":"Больше практики","full_name":"Анкетова Алла Петровна"}],[{"full_name":"Анкетова Алла Петровна"},{"full_name":"Опросов Борис Ильич"}]]'
	get o "/manage/seminars/$SEMINAR_ID/survey/results"
	assert_equal "$code" 200
	assert_output --partial 'y="22" width="0.0%" class="chart__bar"'
	assert_output --partial 'width="100.0%"'
	assert_output --partial 'Больше практики'
	refute_output --partial '<script>'
	refute_output --partial 'style='
	assert_equal "$(sql "SELECT COUNT(*) FROM access_journal WHERE action = 'survey.results' AND object_id = $SEMINAR_ID")" 2

	get o "/manage/seminars/$SEMINAR_ID/survey/results.xlsx"
	assert_equal "$code" 200
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/s.xlsx"
	run /usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
for row in ws.iter_rows(min_row=2, values_only=True):
    print("|".join("" if v is None else str(v) for v in row))' "$BATS_TEST_TMPDIR/s.xlsx"
	assert_success
	assert_output "№|ФИО|Оцените семинар|Формат подошёл?|Что пригодилось?|Что улучшить?
1|Анкетова Алла Петровна|4|Да|Контент-план; Отчёты|Больше практики
2|Опросов Борис Ильич|3|Нет|Контент-план|"
	assert_equal "$(sql "SELECT query FROM access_journal WHERE action = 'survey.export' AND object_id = $SEMINAR_ID")" 'xlsx, named'

	# Opened again by hand: edits are taken again.
	post o "/manage/seminars/$SEMINAR_ID/survey/state" state=open
	assert_equal "$code" 303
	answer a "rate$Q1=2" "opt$Q2=$(opt "$Q2" Нет)"
	assert_equal "$code" 303
}

@test "survey: anonymous results name nobody and cannot become named; a copy takes another seminar's questions" {
	built
	first=$SEMINAR_ID
	participant a "Тайнова Анна Сергеевна"
	post o "/manage/seminars/$SEMINAR_ID/survey/state" state=open
	assert_equal "$code" 303
	answer a "rate$Q1=5" "opt$Q2=$(opt "$Q2" Да)" "text$Q4=Тайный ответ"
	assert_equal "$code" 303
	get o "/manage/seminars/$SEMINAR_ID/survey/results"
	assert_equal "$code" 200
	assert_output --partial 'Тайный ответ'
	refute_output --partial 'Тайнова'
	get o "/manage/seminars/$SEMINAR_ID/survey/results.xlsx"
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/a.xlsx"
	run /usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print(repr([c.value for c in ws[2]]), any("Тайнова" in str(c.value) for row in ws.iter_rows() for c in row))' "$BATS_TEST_TMPDIR/a.xlsx"
	assert_output "['№', 'Оцените семинар', 'Формат подошёл?', 'Что пригодилось?', 'Что улучшить?'] False"
	# Answers given anonymously stay anonymous.
	post o "/manage/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 409
	assert_equal "$(sql "SELECT anonymous FROM survey WHERE seminar_id = $SEMINAR_ID")" 1

	seminar_sql
	get o "/manage/seminars/$SEMINAR_ID/survey"
	assert_output --partial "<option value=\"$first\""
	post o "/manage/seminars/$SEMINAR_ID/survey/copy" "source_id=$first"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT GROUP_CONCAT(CONCAT(q.kind, ':', q.text, ':', q.required, ':',
		IFNULL((SELECT GROUP_CONCAT(o.text ORDER BY o.position) FROM survey_option o WHERE o.question_id = q.id), ''))
		ORDER BY q.position SEPARATOR '|') FROM survey_question q WHERE q.seminar_id = $SEMINAR_ID")" \
		'rating:Оцените семинар:1:|single:Формат подошёл?:1:Да,Нет,Не знаю|multiple:Что пригодилось?:0:Контент-план,Ответы на комментарии,Отчёты|text:Что улучшить?:0:'
	# Not from itself.
	post o "/manage/seminars/$SEMINAR_ID/survey/copy" "source_id=$SEMINAR_ID"
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM survey_option o JOIN survey_question q ON q.id = o.question_id WHERE q.seminar_id = $SEMINAR_ID")" 6
	# A seminar of another region is no source.
	seminar_sql region_id=23 district_id="(SELECT MIN(id) FROM district WHERE region_id = 23)"
	other=$SEMINAR_ID
	sql "INSERT INTO survey (seminar_id) VALUES ($other);
	     INSERT INTO survey_question (seminar_id, position, kind, text) VALUES ($other, 1, 'text', 'Чужой вопрос')"
	SEMINAR_ID=$first
	post o "/manage/seminars/$SEMINAR_ID/survey/copy" "source_id=$other"
	assert_equal "$code" 403
	refute_output --partial "<option value=\"$other\""
}

@test "survey: non-participants, another region's organiser, participants on the organiser's pages, guests and no CSRF are refused" {
	built
	participant a "Участникова Анна Ильинична"
	post o "/manage/seminars/$SEMINAR_ID/survey/state" state=open
	before=$(sql "SELECT (SELECT COUNT(*) FROM survey_response), (SELECT COUNT(*) FROM survey_question), (SELECT COUNT(*) FROM survey_answer)")

	signup c
	get c "/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 403
	assert_output --partial 'Анкету заполняют участники семинара'
	answer c "rate$Q1=5" "opt$Q2=$(opt "$Q2" Да)"
	assert_equal "$code" 403

	signup far
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', 23)"
	for p in survey survey/results survey/results.xlsx; do
		get far "/manage/seminars/$SEMINAR_ID/$p"
		assert_equal "$code" 403
		get a "/manage/seminars/$SEMINAR_ID/$p"
		assert_equal "$code" 403
	done
	post far "/manage/seminars/$SEMINAR_ID/survey/questions" "question=Чужой вопрос" qkind=text
	assert_equal "$code" 403
	post far "/manage/seminars/$SEMINAR_ID/survey/state" state=close
	assert_equal "$code" 403
	post a "/manage/seminars/$SEMINAR_ID/survey" cert_gate=1
	assert_equal "$code" 403

	get - "/seminars/$SEMINAR_ID/survey"
	assert_equal "$code" 303
	[[ $location == /login* ]] || fail "a guest goes to the login page: $location"
	req a POST "/seminars/$SEMINAR_ID/survey" --data-urlencode "rate$Q1=5" --data-urlencode "opt$Q2=$(opt "$Q2" Да)"
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT (SELECT COUNT(*) FROM survey_response), (SELECT COUNT(*) FROM survey_question), (SELECT COUNT(*) FROM survey_answer)")" "$before"
	assert_equal "$(sql "SELECT closed_at IS NULL FROM survey WHERE seminar_id = $SEMINAR_ID")" 1
}

@test "survey: with the option set, the holder gets the certificate only after answering; organisers always" {
	built
	participant a "Сертификатова Анна Олеговна"
	number="SV-$RANDOM$RANDOM"
	pdf=$(stored_file '%PDF-survey-test')
	sql "INSERT INTO certificate (registration_id, seminar_id, person_id, number, verify_code, template_id, full_name,
	       full_name_dat, seminar_title, dates, format, issuer, signatory, issued_at)
	     SELECT $REG, $SEMINAR_ID, $PID, '$number', SUBSTR(MD5(RAND()), 1, 22),
	       (SELECT MIN(id) FROM certificate_template), 'Сертификатова Анна Олеговна', 'Сертификатовой Анне Олеговне',
	       'Семинар', '1 декабря 2026 г.', 'онлайн', 'ЦУР', 'Директор', NOW();
	     INSERT INTO certificate_file (certificate_id, version, sha256) SELECT id, 1, '$pdf' FROM certificate
	       WHERE number = '$number'"
	# Without the option the holder downloads it.
	get a "/certificates/$number.pdf"
	assert_equal "$code" 200
	assert_output '%PDF-survey-test'

	post o "/manage/seminars/$SEMINAR_ID/survey" anonymous=1 cert_gate=1
	assert_equal "$code" 303
	get a "/certificates/$number.pdf"
	assert_equal "$code" 403
	assert_output --partial 'Сначала заполните анкету участника'
	assert_output --partial "href=\"/seminars/$SEMINAR_ID/survey\""
	get o "/certificates/$number.pdf"
	assert_equal "$code" 200

	opened
	answer a "rate$Q1=5" "opt$Q2=$(opt "$Q2" Да)"
	assert_equal "$code" 303
	get a "/certificates/$number.pdf"
	assert_equal "$code" 200
	assert_output '%PDF-survey-test'
}
