#!/usr/bin/env bats
# Certificate templates end to end: the organiser's list with the builtin templates, an upload that shows in the
# list with its preview PDF and clean SVG, hostile uploads refused in Russian with nothing stored while the program
# stays up, hiding a template, and who may do what.

load helpers

# upload JAR NAME FILE [curl args...]: POST /certificates/templates as the page's form sends it (multipart, with
# the visitor's CSRF token read from that page). Sets what req sets.
upload() {
	local jar=$1 name=$2 file=$3
	shift 3
	csrf "$jar" /certificates/templates
	[[ -n $TOKEN ]] || fail "no CSRF token on /certificates/templates for $jar (HTTP $code)"
	req "$jar" POST /certificates/templates -F "csrf=$TOKEN" -F "name=$name" -F "file=@$file;type=image/svg+xml" "$@"
}

# stored: one line with what an upload could write: templates and audit records.
stored() { sql "SELECT (SELECT COUNT(*) FROM certificate_template), (SELECT COUNT(*) FROM audit_log)"; }

# svg FILE [MARKUP]: a usable template (a name placeholder and the QR slot) with MARKUP added inside.
svg() {
	cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="297mm" height="210mm" viewBox="0 0 297 210">
  <text x="20" y="40" font-family="PT Sans" font-size="8">Сертификат: {{full_name}}</text>
  <text x="20" y="60" font-family="PT Sans" font-size="5" data-wrap="60">«{{seminar}}»</text>
  <rect id="qr" x="240" y="150" width="40" height="40"/>
  ${2:-}
</svg>
EOF
}

@test "templates: an organiser sees the builtin templates, uploads one, previews it and gets its clean SVG" {
	login_demo o organizer
	get o /certificates/templates
	assert_equal "$code" 200
	assert_output --partial 'Классический'
	assert_output --partial 'Современный'
	assert_output --partial 'enctype="multipart/form-data"'
	local builtin
	builtin=$(sql "SELECT id FROM certificate_template WHERE builtin = 'classic.svg'")
	assert_output --partial "/certificates/templates/$builtin/preview.pdf"

	local name="Шаблон e2e $$ ${EPOCHREALTIME/[.,]/}" id
	svg "$BATS_TEST_TMPDIR/good.svg" '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
	upload o "$name" "$BATS_TEST_TMPDIR/good.svg"
	assert_equal "$code" 303
	assert_equal "$location" /certificates/templates
	id=$(sql "SELECT id FROM certificate_template WHERE name = $(sql_str "$name")")
	[[ $id =~ ^[0-9]+$ ]] || fail "no template stored: '$id'"
	# Owned by the organiser, for the region of their grant, written to the audit log.
	assert_equal "$(sql "SELECT t.region_id, p.email, t.builtin IS NULL, t.svg LIKE '%metadata%' FROM certificate_template t
		JOIN person p ON p.id = t.owner_id WHERE t.id = $id")" $'48\torganizer@demo.local\t1\t0'
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate_template.upload' AND object_id = $id")" 1
	get o /certificates/templates
	assert_output --partial "$name"
	assert_output --partial "/certificates/templates/$id/preview.pdf"

	get o "/certificates/templates/$id/preview.pdf"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/pdf
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/p.pdf"
	run pdftotext -q "$BATS_TEST_TMPDIR/p.pdf" -
	assert_success
	assert_output --partial 'Сертификат: Иванова Мария Петровна'
	run pdftoppm -r 150 -png -singlefile "$BATS_TEST_TMPDIR/p.pdf" "$BATS_TEST_TMPDIR/p"
	assert_success
	run qr "$BATS_TEST_TMPDIR/p.png"
	assert_output "$BASE_URL/certificates/verify/SAMPLE"

	get o "/certificates/templates/$id.svg"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" image/svg+xml
	[[ $(header content-security-policy) == *sandbox* ]] || fail "no sandbox policy: $(header content-security-policy)"
	assert_output --partial '{{full_name}}'
	refute_output --partial 'metadata'
	run xmllint --noout "$BATS_TEST_TMPDIR/response.body"
	assert_success
}

@test "templates: hostile uploads are refused in Russian, nothing is stored and the program stays up" {
	local d=$BATS_TEST_TMPDIR before kind
	login_demo o organizer
	printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' \
		'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&xxe; {{full_name}}</text><rect id="qr" x="1" y="1" width="5" height="5"/></svg>' >"$d/xxe.svg"
	{
		echo '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
		local i prev=lol
		for i in 1 2 3 4 5 6 7 8 9; do
			printf '<!ENTITY lol%s "%s">' "$i" "$(printf "&$prev;%.0s" {1..10})"
			prev=lol$i
		done
		echo ']><svg xmlns="http://www.w3.org/2000/svg"><text>&lol9; {{full_name}}</text><rect id="qr" x="1" y="1" width="5" height="5"/></svg>'
	} >"$d/lol.svg"
	svg "$d/script.svg" '<script>alert(document.cookie)</script>'
	svg "$d/onload.svg" '<rect width="5" height="5" onload="alert(1)"/>'
	svg "$d/fo.svg" '<foreignObject width="50" height="50"><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'
	svg "$d/href.svg" '<image width="10" height="10" xlink:href="https://evil.example/track.png"/>'
	svg "$d/big.svg" "<desc>$(head -c $((2 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'x')</desc>"
	printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89' >"$d/image.png"
	local -A want=(
		[xxe.svg]='400 DOCTYPE'
		[lol.svg]='400 DOCTYPE'
		[script.svg]='400 сценарии в шаблонах не допускаются'
		[onload.svg]='400 Атрибут onload задаёт обработчик события'
		[fo.svg]='400 foreignObject'
		[href.svg]='400 ссылается на внешний файл'
		[big.svg]='413 не больше 2 МБ'
		[image.png]='400 Это не SVG-файл'
	)
	before=$(stored)
	for kind in "${!want[@]}"; do
		upload o "Опасный $kind" "$d/$kind"
		[[ $code == "${want[$kind]%% *}" ]] || fail "$kind: HTTP $code, expected ${want[$kind]%% *}"$'\n'"$(alert_text)"
		[[ $(alert_text) == 'Шаблон не принят. '*"${want[$kind]#* }"* ]] ||
			fail "$kind: the page says '$(alert_text)', expected '${want[$kind]#* }'"
		# The page is shown again with the typed name.
		assert_output --partial "value=\"Опасный $kind\""
		assert_equal "$(stored)" "$before"
		get - /certificates/healthz
		assert_equal "$code" 200
	done
	# A script asks for JSON: the same refusal as data.
	csrf o /certificates/templates
	req o POST /certificates/templates -H 'Accept: application/json' -F "csrf=$TOKEN" -F 'name=Опасный' \
		-F "file=@$d/script.svg;type=image/svg+xml"
	assert_equal "$code" 400
	assert_equal "$(jq -r .status <<<"$output")" 400
	[[ $(jq -r .error <<<"$output") == *'<script>'* ]] || fail "JSON error: $output"
	assert_equal "$(stored)" "$before"
}

@test "templates: a participant gets 403, a guest is sent to /login, a missing CSRF token stores nothing" {
	local before id
	id=$(sql "SELECT id FROM certificate_template WHERE builtin = 'modern.svg'")
	svg "$BATS_TEST_TMPDIR/good.svg"
	signup p
	login_demo o organizer
	before=$(stored)
	get p /certificates/templates
	assert_equal "$code" 403
	upload p 'Шаблон участника' "$BATS_TEST_TMPDIR/good.svg"
	assert_equal "$code" 403
	get p "/certificates/templates/$id/preview.pdf"
	assert_equal "$code" 403
	get p "/certificates/templates/$id.svg"
	assert_equal "$code" 403
	assert_equal "$(stored)" "$before"

	get - /certificates/templates
	assert_equal "$code" 303
	assert_equal "$location" /login?next=/certificates/templates
	get - "/certificates/templates/$id/preview.pdf"
	assert_equal "$code" 303

	req o POST /certificates/templates -F 'name=Без токена' -F "file=@$BATS_TEST_TMPDIR/good.svg;type=image/svg+xml"
	assert_equal "$code" 403
	assert_equal "$(stored)" "$before"
	get o /certificates/templates/999999/preview.pdf
	assert_equal "$code" 404
}

@test "templates: the owner hides a template; an organiser of another region can neither see nor hide it" {
	local name="Скрываемый $$ ${EPOCHREALTIME/[.,]/}" id region
	login_demo o organizer
	svg "$BATS_TEST_TMPDIR/good.svg"
	upload o "$name" "$BATS_TEST_TMPDIR/good.svg"
	assert_equal "$code" 303
	id=$(sql "SELECT id FROM certificate_template WHERE name = $(sql_str "$name")")

	# Another organiser, of another region.
	region=$(sql "SELECT MIN(id) FROM region WHERE id <> 48")
	signup x
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', $region)"
	get x /certificates/templates
	assert_equal "$code" 200
	assert_output --partial 'Классический'
	refute_output --partial "$name"
	get x "/certificates/templates/$id/preview.pdf"
	assert_equal "$code" 403
	csrf x /certificates/templates
	req x POST "/certificates/templates/$id/archive" --data-urlencode "csrf=$TOKEN"
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT archived_at IS NULL FROM certificate_template WHERE id = $id")" 1

	csrf o /certificates/templates
	req o POST "/certificates/templates/$id/archive" --data-urlencode "csrf=$TOKEN"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT archived_at IS NOT NULL FROM certificate_template WHERE id = $id")" 1
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate_template.archive' AND object_id = $id")" 1
	get o /certificates/templates
	refute_output --partial "$name"
	# Certificates issued with it still render: the preview stays.
	get o "/certificates/templates/$id/preview.pdf"
	assert_equal "$code" 200
}
