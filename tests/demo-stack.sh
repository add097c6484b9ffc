#!/usr/bin/env bash
# A stack with the demo story loaded (scripts/demo.sh) for the tests that read it: tests/e2e/demo.bats, tests/browser/a11y.mjs.
#
# Usage: tests/demo-stack.sh start|wait|stop DIR
#   start  stops what runs in DIR, starts a stack there on a free port (the demo seeds, one worker per program, the
#          test settings) and loads the story, logging to DIR.log; then DIR/demo-ready holds its address
#          (DIR/demo-failed on failure)
#   wait   waits (at most 15 minutes) until a start in DIR is done; prints the address, or the log and fails
#   stop   stops the stack in DIR
# tests/run.sh starts one in var/test-demo in the background while the other tests run (its minute of start and load
# mostly waits on the database) and exports TEST_DEMO_VAR; demo.bats and a11y.mjs then wait for it and share it
# (a11y.mjs runs after demo.bats, which writes nothing but logins). Run alone, each starts a stack of its own.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
(($# == 2)) || {
	sed -n '4,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}
DIR=$2
[[ $DIR == /* ]] || DIR=$PWD/$DIR

case $1 in
start)
	VAR=$DIR "$ROOT/scripts/stack.sh" stop >/dev/null 2>&1 || true
	rm -rf "$DIR"
	mkdir -p "$DIR"
	exec >"$DIR.log" 2>&1
	PORT=$("$ROOT/scripts/stack.sh" free-port)
	if VAR=$DIR PORT=$PORT DEMO=1 WORKERS=1 EXTRA_CONF=$ROOT/tests/stack-test.conf "$ROOT/scripts/stack.sh" start &&
		VAR=$DIR "$ROOT/scripts/demo.sh"; then
		echo "http://127.0.0.1:$PORT" >"$DIR/demo-ready"
	else
		touch "$DIR/demo-failed"
		exit 1
	fi
	;;
wait)
	for ((i = 0; i < 9000; i++)); do
		if [[ -e $DIR/demo-ready ]]; then
			cat "$DIR/demo-ready"
			exit 0
		fi
		[[ -e $DIR/demo-failed ]] && break
		sleep 0.1
	done
	echo "demo-stack: the stack in $DIR did not start; $DIR.log:" >&2
	cat "$DIR.log" >&2 || true
	exit 1
	;;
stop) VAR=$DIR "$ROOT/scripts/stack.sh" stop ;;
*) exit 2 ;;
esac
