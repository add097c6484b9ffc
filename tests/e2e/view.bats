#!/usr/bin/env bats
# The version for the visually impaired: the switch at the top of every page of every program, the cookie that
# keeps it, the way back, the class on <html>, and no open redirect.

load helpers

@test "view: every program's pages link to the switch, with the way back to the same page and its query" {
	get - '/?format=online'
	assert_equal "$code" 200
	assert_output --partial '<html lang="ru">'
	assert_output --partial '<a href="/view/lowvision?next=/%3Fformat%3Donline" class="view-bar__switch">Версия для слабовидящих</a>'
	for path in /certificates/verify /login /no-such-page; do
		get - "$path"
		assert_output --partial "href=\"/view/lowvision?next=$path\""
	done
}

@test "view: the switch sets the cookie for a year and sends back; the pages then carry the class and the way back" {
	get v '/view/lowvision?next=/%3Fformat%3Donline'
	assert_equal "$code" 303
	assert_equal "$location" '/?format=online'
	assert_equal "$(cookie v view)" lowvision
	header set-cookie | grep -q '^view=lowvision; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000'
	get v '/?format=online'
	assert_output --partial '<html lang="ru" class="lowvision">'
	assert_output --partial '<a href="/view/normal?next=/%3Fformat%3Donline" class="view-bar__switch">Обычная версия</a>'
	# The guest's cached catalogue is kept apart for each version.
	get - '/?format=online'
	refute_output --partial 'class="lowvision"'
	get v /certificates/verify
	assert_output --partial 'class="lowvision"'
	get v '/view/normal?next=/certificates/verify'
	assert_equal "$code" 303
	assert_equal "$location" /certificates/verify
	assert_equal "$(cookie v view)" ''
	get v /certificates/verify
	refute_output --partial 'class="lowvision"'
}

@test "view: no next goes home; a next off the site is refused" {
	get - /view/lowvision
	assert_equal "$code" 303
	assert_equal "$location" /
	for next in //evil.example/ https://evil.example/ '/\evil.example'; do
		get - "/view/lowvision?next=$(jq -rn --arg s "$next" '$s | @uri')"
		assert_equal "$code" 400
	done
}
