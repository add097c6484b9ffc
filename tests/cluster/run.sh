#!/usr/bin/env bash
# `make cluster`: a fresh cluster under var/cluster (scripts/cluster.sh: primary and replica, two app servers, nginx),
# then the tests of tests/cluster/ under prove, in file order (the last one fails the primary over).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
export CLUSTER=$ROOT/var/cluster
scripts/cluster.sh stop >/dev/null 2>&1 || true
rm -rf "$CLUSTER"
mkdir -p "$ROOT/var"
scripts/cluster.sh start >"$ROOT/var/cluster-start.log" 2>&1 || {
    cat "$ROOT/var/cluster-start.log"
    scripts/cluster.sh stop >/dev/null 2>&1 || true
    exit 1
}
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT

# What the tests read: the e2e helpers' BASE_URL, STACK and VAR (the primary's state dir: its socket, secret key and
# mail), and the cluster's own (cluster.sh env).
eval "$(scripts/cluster.sh env)"
export BASE_URL PRIMARY DB1_PORT DB2_PORT TLS_CA CLUSTER_SH=$ROOT/scripts/cluster.sh STACK=$ROOT/scripts/stack.sh \
    VAR=$CLUSTER/db1 ROOT
prove --exec "$ROOT/tests/exec" tests/cluster/*.bats
