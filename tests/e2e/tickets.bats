#!/usr/bin/env bats
# Tickets end to end: the ticket page, its QR as PNG and SVG and the printable PDF (decoded back to the ticket
# link), who may open them, no ticket while waitlisted or after cancelling, and the link /t/<code> in the QR.

load helpers

# body_to NAME: copies the body of the last response (binary as it came) to $BATS_TEST_TMPDIR/NAME.
body_to() { cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/$1"; }

# A confirmed in-person participant of a fresh seminar: the visitor "a". Sets SEMINAR_ID, SEMINAR_TITLE, REG_ID,
# CODE (the ticket code) and A_ID.
setup_ticket() {
	seminar_sql "$@"
	signup a
	A_ID=$USER_ID
	register a "$SEMINAR_ID" in_person
	[[ $code == 200 && $REG_STATUS == confirmed ]] || fail "sign-up: HTTP $code, status '$REG_STATUS'"$'\n'"$output"
	CODE=$(ticket_code "$REG_ID")
	[[ $CODE =~ ^[A-Za-z0-9_-]{22}$ ]] || fail "registration $REG_ID has no ticket code: '$CODE'"
}

@test "ticket: the owner's page shows the person, the seminar and the code" {
	setup_ticket
	get a "/tickets/$REG_ID"
	assert_equal "$code" 200
	assert_output --partial 'Тестова Анна Игоревна'
	assert_output --partial "$SEMINAR_TITLE"
	assert_output --partial "<code>$CODE</code>"
	assert_output --partial "/tickets/$REG_ID.pdf"
	assert_output --partial 'очно'
	# The cabinet links the ticket.
	get a /me
	assert_output --partial "/tickets/$REG_ID"
}

@test "ticket: the PNG, the SVG and the PDF carry the ticket link built from the configured base URL" {
	setup_ticket
	local want="$BASE_URL/t/$CODE"

	# The Host header must not leak into the link (a forged Host would make a phishing QR).
	get - "/tickets/$REG_ID.png" -H 'Host: evil.example' -H "Cookie: sid=$(cookie a sid)"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" image/png
	body_to t.png
	run qr "$BATS_TEST_TMPDIR/t.png"
	assert_success
	assert_output "$want"

	get a "/tickets/$REG_ID.svg"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" image/svg+xml
	body_to t.svg
	run xmllint --noout "$BATS_TEST_TMPDIR/t.svg"
	assert_success
	assert_output ''
	[[ $(head -c 300 "$BATS_TEST_TMPDIR/t.svg") == *'<svg'* ]] || fail "not an SVG: $(head -c 300 "$BATS_TEST_TMPDIR/t.svg")"

	get a "/tickets/$REG_ID.pdf"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/pdf
	[[ $(header content-disposition) == "attachment; filename=\"ticket-$REG_ID.pdf\"" ]] ||
		fail "Content-Disposition: $(header content-disposition)"
	body_to t.pdf
	run pdftotext -q "$BATS_TEST_TMPDIR/t.pdf" -
	assert_success
	# Long lines may wrap in the PDF: compare with runs of white space made one space.
	local text
	text=$(tr -s ' \n\t' '   ' <<<"$output")
	[[ $text == *'Тестова Анна Игоревна'* ]] || fail "the PDF has no name: $text"
	[[ $text == *"$SEMINAR_TITLE"* ]] || fail "the PDF has no seminar title '$SEMINAR_TITLE': $text"
	[[ $text == *"$CODE"* ]] || fail "the PDF has no ticket code: $text"
	# For assistive technology: in Russian, tagged, the QR code a figure whose text gives the ticket's number and code.
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/pdf.py" "$BATS_TEST_TMPDIR/t.pdf"
	assert_success
	assert_line 'Lang: ru-RU'
	assert_line 'Marked: true'
	assert_line "  Figure: QR-код билета № $REG_ID, код билета $CODE"
	run pdftoppm -r 150 -png -f 1 -l 1 "$BATS_TEST_TMPDIR/t.pdf" "$BATS_TEST_TMPDIR/page"
	assert_success
	run qr "$(echo "$BATS_TEST_TMPDIR"/page-*1.png)"
	assert_success
	assert_output "$want"
}

@test "ticket: another participant gets 403 on all four, the region's organiser 200, an organiser of another region 403, a guest the login" {
	setup_ticket
	local p
	signup b
	signup far
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', 23)"
	login_demo o organizer
	for p in "" .svg .png .pdf; do
		get b "/tickets/$REG_ID$p"
		assert_equal "$p $code" "$p 403"
		[[ $output != *"$CODE"* ]] || fail "the 403 of /tickets/$REG_ID$p shows the code"
		get far "/tickets/$REG_ID$p"
		assert_equal "$p $code" "$p 403"
		get o "/tickets/$REG_ID$p"
		assert_equal "$p $code" "$p 200"
		get - "/tickets/$REG_ID$p"
		assert_equal "$p $code $location" "$p 303 /login?next=/tickets/$REG_ID$p"
	done
	get b "/tickets/$REG_ID"
	assert_output --partial 'Этот билет может открыть только его владелец, организатор семинара или руководитель'
	get o "/tickets/$REG_ID"
	assert_output --partial 'Тестова Анна Игоревна'
	# A ticket that does not exist.
	get a "/tickets/999999999"
	assert_equal "$code" 404
}

@test "ticket: the PNG is kept by the browser (private, immutable, ETag): 304 to its owner, still 403 to another, 409 once cancelled" {
	setup_ticket
	local etag
	get a "/tickets/$REG_ID.png"
	assert_equal "$code" 200
	assert_equal "$(header cache-control)" "private, max-age=31536000, immutable"
	etag=$(header etag)
	[[ $etag =~ ^\"[0-9a-f]{16}\"$ ]] || fail "ETag '$etag'"
	[[ $etag != *"$CODE"* ]] || fail "the ETag shows the code"
	# The same image again (the worker's copy), and the ETag answered with 304 and no body.
	get a "/tickets/$REG_ID.png"
	assert_equal "$code $(header etag)" "200 $etag"
	body_to t.png
	run qr "$BATS_TEST_TMPDIR/t.png"
	assert_output "$BASE_URL/t/$CODE"
	get a "/tickets/$REG_ID.png" -H "If-None-Match: $etag"
	assert_equal "$code" 304
	assert_equal "$output" ""
	get a "/tickets/$REG_ID.png" -H 'If-None-Match: "0000000000000000"'
	assert_equal "$code" 200
	# Who may see it is asked first, every time.
	signup b
	get b "/tickets/$REG_ID.png" -H "If-None-Match: $etag"
	assert_equal "$code" 403
	post a "/registrations/$REG_ID/cancel"
	[[ $code == 303 || $code == 200 ]] || fail "cancel: HTTP $code"$'\n'"$output"
	get a "/tickets/$REG_ID.png" -H "If-None-Match: $etag"
	assert_equal "$code" 409
}

@test "ticket: none while waitlisted (409), none after cancelling (409); a promoted person gets one" {
	setup_ticket cap_in_person=1 format="'in_person'"
	local a_reg=$REG_ID b_reg p
	signup b
	register b "$SEMINAR_ID" in_person
	assert_equal "$code $REG_STATUS" "200 waitlisted"
	b_reg=$REG_ID
	for p in "" .svg .png .pdf; do
		get b "/tickets/$b_reg$p"
		assert_equal "$p $code" "$p 409"
	done
	get b "/tickets/$b_reg"
	assert_output --partial 'Билет появится, когда место подтвердится: сейчас вы в листе ожидания.'
	# Nor may the organiser print a ticket for a place that is not confirmed.
	login_demo o organizer
	get o "/tickets/$b_reg.pdf"
	assert_equal "$code" 409

	post a "/registrations/$a_reg/cancel"
	[[ $code == 303 || $code == 200 ]] || fail "cancel: HTTP $code"$'\n'"$output"
	run reg_of "$A_ID" "$SEMINAR_ID"
	assert_output "$a_reg"$'\tin_person\tcancelled'
	for p in "" .svg .png .pdf; do
		get a "/tickets/$a_reg$p"
		assert_equal "$p $code" "$p 409"
	done
	get a "/tickets/$a_reg"
	assert_output --partial 'Запись отменена — билет недействителен.'
	[[ $output != *"$CODE"* ]] || fail "the cancelled ticket still shows its code"

	# The freed place went to b, whose ticket now opens.
	run sql "SELECT status FROM registration WHERE id = $b_reg"
	assert_output confirmed
	get b "/tickets/$b_reg"
	assert_equal "$code" 200
}

@test "ticket link /t/<code>: the owner goes to the ticket, an organiser to the scanner, others are refused" {
	setup_ticket
	get a "/t/$CODE"
	assert_equal "$code $location" "303 /tickets/$REG_ID"
	login_demo o organizer
	get o "/t/$CODE"
	assert_equal "$code $location" "303 /checkin/$SEMINAR_ID"
	signup b
	get b "/t/$CODE"
	assert_equal "$code" 403
	assert_output --partial 'Покажите его организатору на входе'
	[[ $output != *"/tickets/$REG_ID"* ]] || fail "a stranger is shown the ticket's address"
	get - "/t/$CODE"
	assert_equal "$code" 403
	[[ $output != *'Тестова'* ]] || fail "a guest sees the owner's name"

	# Codes that are no ticket: random, a prefix of a real one, odd characters.
	local random
	random=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)
	get a "/t/$random"
	assert_equal "$code" 404
	get o "/t/${CODE:0:21}"
	assert_equal "$code" 404
	get o "/t/%27%20OR%201=1%20--"
	assert_equal "$code" 404
}
