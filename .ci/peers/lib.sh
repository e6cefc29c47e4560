# shellcheck shell=bash
# Helpers shared by moto.sh and localstack.sh: starting a peer server on
# 127.0.0.1, waiting until it is ready, and stopping it by its saved PID.
# Sourced, never run; the caller sets `set -euo pipefail`.

# Print a message to stderr, prefixed with the calling script's name.
log() {
    echo "$(basename "$0"): $*" >&2
}

die() {
    log "$*"
    exit 1
}

# Reject a port that is not an integer in 1..65535.
require_port() {
    local port=$1
    if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
        die "invalid port '$port': expected an integer from 1 to 65535"
    fi
}

# Succeed when a socket listens on TCP PORT on any address. Reads the socket
# table with `ss` instead of connecting, so no traffic reaches a server that
# this script did not start. Fails (port assumed free) when `ss` is missing.
port_in_use() {
    local port=$1
    command -v ss >/dev/null || return 1
    [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
}

# Succeed while PID is a live process (a zombie counts as exited, because the
# server is reparented when the start script exits and its new parent may
# reap it late).
pid_alive() {
    local pid=$1 state
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Succeed when PID runs a program from DIR (its command line names DIR), so
# that a stale PID file never leads to signalling an unrelated process.
pid_runs_from() {
    local pid=$1 dir=$2
    [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/"
}

# Poll URL until it returns HTTP 200, for at most TIMEOUT seconds. Fail early
# when PID exits, and print the tail of LOG on any failure.
wait_until_ready() {
    local url=$1 pid=$2 log_file=$3 timeout=$4
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if ! pid_alive "$pid"; then
            log "server (PID $pid) exited before it was ready; last lines of $log_file:"
            tail -n 40 "$log_file" >&2 || true
            return 1
        fi
        if curl --silent --fail --max-time 2 --output /dev/null "$url"; then
            return 0
        fi
        sleep 0.2
    done
    log "server (PID $pid) not ready at $url after ${timeout}s; last lines of $log_file:"
    tail -n 40 "$log_file" >&2 || true
    return 1
}

# Print the TCP addresses that PID listens on, one per line.
listen_addresses() {
    local pid=$1
    ss -Hltnp 2>/dev/null | awk -v needle="pid=$pid," 'index($0, needle) { print $4 }'
}

# Fail unless every listening socket of PID is bound to 127.0.0.1. Skipped
# with a message when `ss` is missing.
require_loopback_only() {
    local pid=$1 addresses address
    if ! command -v ss >/dev/null; then
        log "ss not found; cannot check which addresses PID $pid listens on"
        return 0
    fi
    addresses=$(listen_addresses "$pid")
    if [ -z "$addresses" ]; then
        log "PID $pid listens on no TCP port that ss can see"
        return 1
    fi
    for address in $addresses; do
        case $address in
            127.0.0.1:*) ;;
            *)
                log "PID $pid listens on $address, outside 127.0.0.1"
                return 1
                ;;
        esac
    done
}

# Stop the server whose PID is saved in PID_FILE: SIGTERM, wait up to GRACE
# seconds, then SIGKILL. Only that PID is signalled, and only when it still
# runs a program from DIR.
stop_saved_pid() {
    local dir=$1 pid_file=$2 grace=$3 pid deadline
    if [ ! -f "$pid_file" ]; then
        log "no PID file at $pid_file; nothing to stop"
        return 0
    fi
    pid=$(cat "$pid_file")
    if ! [[ $pid =~ ^[0-9]+$ ]]; then
        rm -f "$pid_file"
        die "invalid PID '$pid' in $pid_file; removed the file"
    fi
    if ! pid_alive "$pid" || ! pid_runs_from "$pid" "$dir"; then
        log "PID $pid from $pid_file is not running from $dir; nothing to stop"
        rm -f "$pid_file"
        return 0
    fi

    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while pid_alive "$pid" && ((SECONDS < deadline)); do
        sleep 0.2
    done
    if pid_alive "$pid"; then
        log "PID $pid still running ${grace}s after SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$((SECONDS + 10))
        while pid_alive "$pid" && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if pid_alive "$pid"; then
            die "PID $pid still running 10s after SIGKILL"
        fi
    fi
    rm -f "$pid_file"
    log "stopped PID $pid"
}
