#!/usr/bin/env bash
# `make test`: a throwaway stack on a free port, then unit, end-to-end and browser tests under prove.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
export VAR=$ROOT/var/test
VAR=$VAR scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$VAR"
mkdir -p "$ROOT/var"
PORT=$("$ROOT/scripts/stack.sh" free-port)
export PORT DEMO=1 EXTRA_CONF=$ROOT/tests/stack-test.conf
scripts/stack.sh start >"$ROOT/var/test-stack.log" 2>&1 || { cat "$ROOT/var/test-stack.log"; exit 1; }
# The demo story's stack of tests/e2e/demo.bats and tests/browser/a11y.mjs, started meanwhile: its minute of start and
# load mostly waits on the database, beside the tests before them (tests/demo-stack.sh).
export TEST_DEMO_VAR=$ROOT/var/test-demo
rm -f "$TEST_DEMO_VAR/demo-ready" "$TEST_DEMO_VAR/demo-failed"
tests/demo-stack.sh start "$TEST_DEMO_VAR" &
DEMO_PID=$!
trap 'kill "$DEMO_PID" 2>/dev/null || true; wait || true; tests/demo-stack.sh stop "$TEST_DEMO_VAR" >/dev/null 2>&1 || true
      scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT

# What the tests read: the address, the config (unit tests that need the database), the stack script.
export BASE_URL=http://127.0.0.1:$PORT SEM_CONFIG=$VAR/app.conf STACK=$ROOT/scripts/stack.sh ROOT
export CMOCKA_MESSAGE_OUTPUT=TAP
# SAN=1 builds: fontconfig's font cache lives for the whole process and looks lost to LeakSanitizer.
export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp

tests=()
for t in build/tests/unit/test_*; do [[ -x $t && $t != *.d ]] && tests+=("$t"); done
tests+=(tests/js/*.test.mjs tests/e2e/*.bats)
for t in tests/browser/*.mjs; do [[ -e $t ]] && tests+=("$t"); done
# Last, after every write path has run: the derived data still agree with the raw data.
tests+=(tests/final/*.bats)
# --comments: a failing test's diagnostics (TAP comments) reach the log, so a failure in CI says why.
prove --timer --comments --exec "$ROOT/tests/exec" "${tests[@]}"
