#!/usr/bin/env bash
# Ensures the Debian packages the project needs are installed (silent and fast when they all are).
set -euo pipefail

# The one list of system packages: build, run, test, benchmark, lint.
PACKAGES=(
    build-essential pkg-config
    libfcgi-dev libmariadb-dev libxml2-dev libsodium-dev libjansson-dev
    libqrencode-dev libxlsxwriter-dev librsvg2-dev libcairo2-dev libpng-dev libzip-dev libcurl4-openssl-dev libqpdf-dev
    mariadb-server mariadb-client nginx curl
    libcmocka-dev bats bats-assert bats-support wrk
    python3-aiosmtpd zbar-tools poppler-utils qpdf fonts-paratype chromium python3-openpyxl xlsx2csv
    clang-format cppcheck clang libclang-rt-14-dev python3 perl nodejs npm
)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: not a Debian system (no dpkg-query); make sure equivalents of these are installed:" >&2
    echo "  ${PACKAGES[*]}" >&2
    exit 0
fi

# Installed packages plus the virtual names they provide, in one dpkg-query call.
# A requirement counts as met when something installed provides it: e.g. the NodeSource
# "nodejs" package bundles npm and Provides "npm", while Debian's own npm would conflict with it.
declare -A have=()
while read -r name; do
    [[ -n $name ]] && have[$name]=1
done < <(dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Provides}\n' 2>/dev/null |
    awk -F'|' '$1 ~ /^ii/ {
        print $2
        n = split($3, p, /, */)
        for (i = 1; i <= n; i++) { sub(/ .*/, "", p[i]); if (p[i] != "") print p[i] }
    }')

missing=()
for p in "${PACKAGES[@]}"; do
    [[ -n ${have[$p]:-} ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
if ((EUID != 0)); then
    echo "Install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "deps.sh: installing them with apt-get ..." >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

# Installing mariadb-server or nginx may start the system services. The project never uses
# them (its stack has its own MariaDB socket and nginx port under var/), so they are left alone.
for daemon in mariadbd nginx; do
    if pgrep -x "$daemon" >/dev/null 2>&1; then
        echo "deps.sh: note: a $daemon is running (maybe the system service); the project's stack does not use it." >&2
    fi
done
echo "deps.sh: done." >&2
