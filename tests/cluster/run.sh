#!/usr/bin/env bash
# `make cluster`: a fresh cluster under var/cluster (scripts/cluster.sh: primary and replica, two app servers, nginx),
# then the tests of tests/cluster/ under prove, in file order (the last one fails the primary over).
#
# Everything it started is stopped when it ends, however it ends (a failed start, a failed test, Ctrl-C). Each
# test file has CLUSTER_FILE_TIMEOUT seconds (default 600): a file that hangs fails and the next one runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
export CLUSTER=$ROOT/var/cluster
# prove and the tests run as a job of their own (a process group: set -m), so that a signal to this script stops
# them at once and then the cluster.
set -m
stop() {
    [[ -z ${PROVE:-} ]] || kill -TERM -- "-$PROVE" 2>/dev/null || true
    scripts/cluster.sh stop >/dev/null 2>&1 || true
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
stop
rm -rf "$CLUSTER"
mkdir -p "$ROOT/var"
if ! scripts/cluster.sh start >"$ROOT/var/cluster-start.log" 2>&1; then
    cat "$ROOT/var/cluster-start.log"
    exit 1
fi

# What the tests read: the e2e helpers' BASE_URL, STACK and VAR (the first primary's state dir: its secret key and
# mail), and the cluster's own (cluster.sh env).
eval "$(scripts/cluster.sh env)"
export BASE_URL DB1_PORT DB2_PORT TLS_CA CLUSTER_SH=$ROOT/scripts/cluster.sh STACK=$ROOT/scripts/stack.sh \
    VAR=$CLUSTER/db1 ROOT
# --comments: the diagnostics of a failed test and the run's figures (tests/cluster/helpers.bash, rate).
prove --comments --exec "timeout -k 10 ${CLUSTER_FILE_TIMEOUT:-600} $ROOT/tests/exec" tests/cluster/*.bats &
PROVE=$!
wait "$PROVE"
