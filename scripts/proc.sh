# Processes of the local stacks (sourced by scripts/stack.sh and cluster.sh): alive or gone, and bounded waits.
# shellcheck shell=bash

# True when PID is a live process (a zombie counts as gone: PID 1 may not reap in containers).
alive() {
    local pid=$1 stat
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r /proc/$pid/stat ]]; then
        { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
        stat=${stat##*) }
        [[ ${stat%% *} != Z ]] || return 1
    fi
    return 0
}

# Live, non-zombie processes whose process group is PGID (a program master and its workers).
group_alive() {
    local pgid=$1 f stat rest st pg
    for f in /proc/[0-9]*/stat; do
        { read -r stat <"$f"; } 2>/dev/null || continue
        rest=${stat##*) }        # "S ppid pgrp ..."
        read -r st _ pg _ <<<"$rest"
        [[ $pg == "$pgid" && $st != Z ]] && return 0
    done
    return 1
}

# Prints the pid in PIDFILE when that process is alive and runs the executable NAME.
running_pid() {
    local pidfile=$1 name=$2 pid exe
    [[ -r $pidfile ]] || return 1
    pid=$(<"$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    if exe=$(readlink "/proc/$pid/exe" 2>/dev/null); then
        exe=${exe% (deleted)} # the binary was rebuilt while running
        [[ ${exe##*/} == "$name" ]] || return 1
    fi
    echo "$pid"
}

# Waits up to SECONDS for the command to succeed.
wait_for() {
    local seconds=$1 i
    shift
    for ((i = 0; i < seconds * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

not_alive() { ! alive "$1"; }
group_gone() { ! group_alive "$1"; }
