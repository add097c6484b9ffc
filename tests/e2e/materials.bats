#!/usr/bin/env bats
# Seminar materials: who may open each visibility (guest, registered, attended, another participant), uploads
# refused by content with nothing stored, one stored copy of the same file, download counts, and the file sent by
# nginx (X-Accel-Redirect) with its bytes and headers.

load helpers

# upload SEMINAR TITLE VISIBILITY FILE NAME: the demo organiser "o" adds a file. Sets what req sets, MID on 303.
upload() {
	csrf o "/manage/seminars/$1/materials"
	req o POST "/manage/seminars/$1/materials" -F "csrf=$TOKEN" -F "title=$2" -F "visibility=$3" \
		-F "material=@$4;filename=$5"
	MID=$(sql "SELECT MAX(id) FROM material WHERE seminar_id = $1")
}

# pdf NAME: a small PDF-looking file unique to this run at $BATS_TEST_TMPDIR/NAME.
pdf() { printf '%%PDF-1.4\n%% e2e %s %s\n%%%%EOF\n' "$EPOCHREALTIME" "$RANDOM" >"$BATS_TEST_TMPDIR/$1"; }

stored_files() { find "$VAR/files" -type f ! -name '.tmp*' | wc -l; }

setup() {
	seminar_sql attendance_rule="'door'"
	login_demo o organizer
}

@test "each visibility opens to those it names and counts only the downloads it allows" {
	local v s=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	for v in public registered attended; do
		pdf "$v.pdf"
		upload "$SEMINAR_ID" "Материал $v" "$v" "$BATS_TEST_TMPDIR/$v.pdf" "$v.pdf"
		[[ $code == 303 ]] || fail "upload $v: HTTP $code $output"
		eval "M_$v=$MID"
	done
	signup reg
	register reg "$SEMINAR_ID" in_person
	signup att
	register att "$SEMINAR_ID" in_person
	sql "INSERT INTO attendance (registration_id, session_id, mode, scan_id, at) VALUES ($REG_ID, $s, 'in_person', 0, NOW())"
	signup other
	# who: expected status for public registered attended
	local -A want=([-]="200 401 401" [reg]="200 200 403" [att]="200 200 200" [other]="200 403 403")
	local who i got
	for who in - reg att other; do
		got=
		for v in public registered attended; do
			eval "i=\$M_$v"
			get "$who" "/materials/$i"
			got+="${got:+ }$code"
		done
		[[ $got == "${want[$who]}" ]] || fail "$who: got '$got', want '${want[$who]}'"
	done
	[[ $(sql "SELECT downloads FROM material WHERE id = $M_public") == 4 ]]
	[[ $(sql "SELECT downloads FROM material WHERE id = $M_registered") == 2 ]]
	[[ $(sql "SELECT downloads FROM material WHERE id = $M_attended") == 1 ]]
	# The organiser sees the counts; the pages list what each visitor may open.
	get o "/manage/seminars/$SEMINAR_ID/materials"
	[[ $code == 200 && $output == *'<td class="downloads">4</td>'* ]]
	get - "/seminars/$SEMINAR_ID"
	[[ $output == *"Материал public"* && $output != *"Материал registered"* ]]
	get att /me
	[[ $output == *"Материал attended"* && $output == *"$SEMINAR_TITLE"* ]]
	get reg /me
	[[ $output == *"Материал registered"* && $output != *"Материал attended"* ]]
}

@test "hostile or mislabelled uploads are refused by content, with no row and no file" {
	local before=$(stored_files) f=$BATS_TEST_TMPDIR
	cp /bin/true "$f/exe.pdf"
	printf '<html><script>alert(1)</script></html>' >"$f/page.pdf"
	(cd "$f" && echo hello >a.txt && python3 -c 'import zipfile; z = zipfile.ZipFile("fake.docx", "w"); z.write("a.txt"); z.close()')
	{ printf '%%PDF-1.4\n'; head -c 1100000 /dev/zero; } >"$f/big.pdf"
	local x
	for x in exe.pdf:415 page.pdf:415 fake.docx:415 big.pdf:413; do
		upload "$SEMINAR_ID" "Плохой файл" public "$f/${x%:*}" "${x%:*}"
		[[ $code == "${x#*:}" ]] || fail "${x%:*}: HTTP $code, want ${x#*:}"
		[[ $output == *'alert--error'* ]] || fail "${x%:*}: no error shown"
	done
	[[ $(sql "SELECT COUNT(*) FROM material WHERE seminar_id = $SEMINAR_ID") == 0 ]]
	[[ $(stored_files) == "$before" ]]
}

@test "the same file uploaded twice is stored once and served by nginx with its bytes and name" {
	local before=$(stored_files) hash name='Программа семинара.pdf'
	pdf p.pdf
	upload "$SEMINAR_ID" "Программа" public "$BATS_TEST_TMPDIR/p.pdf" "$name"
	[[ $code == 303 ]]
	upload "$SEMINAR_ID" "Программа ещё раз" registered "$BATS_TEST_TMPDIR/p.pdf" p.pdf
	[[ $code == 303 ]]
	hash=$(sha256sum "$BATS_TEST_TMPDIR/p.pdf" | cut -d' ' -f1)
	[[ $(sql "SELECT COUNT(*) FROM material WHERE seminar_id = $SEMINAR_ID AND sha256 = '$hash'") == 2 ]]
	[[ $(stored_files) == $((before + 1)) && -f $VAR/files/${hash:0:2}/${hash:2} ]]
	get - "/materials/$(sql "SELECT MIN(id) FROM material WHERE seminar_id = $SEMINAR_ID")"
	[[ $code == 200 ]]
	cmp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/p.pdf"
	[[ $(header content-type) == application/pdf ]]
	[[ $(header content-disposition) == "attachment; filename=\"_________ ________.pdf\"; filename*=UTF-8''%D0%9F%D1%80%D0%BE%D0%B3%D1%80%D0%B0%D0%BC%D0%BC%D0%B0%20%D1%81%D0%B5%D0%BC%D0%B8%D0%BD%D0%B0%D1%80%D0%B0.pdf" ]] ||
		fail "Content-Disposition: $(header content-disposition)"
	[[ $(header x-content-type-options) == nosniff && -z $(header x-accel-redirect) ]]
	# The internal location is not reachable from outside.
	get - "/_files/${hash:0:2}/${hash:2}"
	[[ $code == 404 ]]
}

@test "a link redirects, a deleted material is gone, and only the seminar's organisers manage materials" {
	csrf o "/manage/seminars/$SEMINAR_ID/materials"
	req o POST "/manage/seminars/$SEMINAR_ID/materials" -F "csrf=$TOKEN" -F "title=Запись трансляции" \
		-F visibility=public -F link=https://example.org/recording
	[[ $code == 303 ]]
	MID=$(sql "SELECT MAX(id) FROM material WHERE seminar_id = $SEMINAR_ID")
	get - "/materials/$MID"
	[[ $code == 303 && $location == https://example.org/recording ]]
	signup p
	get p "/manage/seminars/$SEMINAR_ID/materials"
	[[ $code == 403 ]]
	post p "/manage/seminars/$SEMINAR_ID/materials/$MID/delete"
	[[ $code == 403 ]]
	req o POST "/manage/seminars/$SEMINAR_ID/materials/$MID/delete" --data-urlencode csrf=AAAAAAAAAAAAAAAAAAAAAAAA
	[[ $code == 403 ]]
	post o "/manage/seminars/$SEMINAR_ID/materials/$MID/delete"
	[[ $code == 303 ]]
	get - "/materials/$MID"
	[[ $code == 404 ]]
}
