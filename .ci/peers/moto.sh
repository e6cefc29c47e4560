#!/usr/bin/env bash
# Install, start and stop moto's server as a crosscheck live target.
#
#   moto.sh install DIR      create a venv in DIR with moto[server] pinned (idempotent)
#   moto.sh start DIR PORT   start moto_server on 127.0.0.1:PORT and wait until it is ready
#   moto.sh stop DIR         stop the server started from DIR, by its saved PID
#
# The server logs to DIR/moto.log and its PID is saved in DIR/moto.pid.
# MOTO_ACCOUNT_ID is removed from the server's environment: it forces every
# request into one account, which makes multi-account runs impossible.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MOTO_REQUIREMENT='moto[server]==5.2.5'
PIP_REQUIREMENT='pip==26.0.1'
# Every dependency is the newest release uploaded before this date, so an
# install on a fresh machine resolves the same versions as the one tested.
UPLOADED_PRIOR_TO='2026-12-01T00:00:00Z'
READY_TIMEOUT_SECONDS=60
STOP_GRACE_SECONDS=10

usage() {
    cat >&2 <<'EOF'
usage: moto.sh install DIR
       moto.sh start DIR PORT
       moto.sh stop DIR
EOF
    exit 2
}

install_moto() {
    local dir=$1 stamp="$1/.crosscheck-install"
    local wanted="$MOTO_REQUIREMENT uploaded-prior-to=$UPLOADED_PRIOR_TO"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$dir/bin/moto_server" ]; then
        log "$MOTO_REQUIREMENT already installed in $dir"
        return 0
    fi

    log "installing $MOTO_REQUIREMENT into $dir"
    python3 -m venv --clear "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$PIP_REQUIREMENT"
    "$dir/bin/pip" install --quiet --disable-pip-version-check \
        --uploaded-prior-to "$UPLOADED_PRIOR_TO" "$MOTO_REQUIREMENT"
    "$dir/bin/python" -c 'import moto; print("moto", moto.__version__)'
    echo "$wanted" >"$stamp"
}

start_moto() {
    local dir=$1 port=$2
    local pid_file="$dir/moto.pid" log_file="$dir/moto.log" pid

    [ -x "$dir/bin/moto_server" ] || die "moto_server not found in $dir/bin; run: $0 install $dir"
    if [ -f "$pid_file" ] && pid_alive "$(cat "$pid_file")"; then
        die "moto already running from $dir (PID $(cat "$pid_file")); run: $0 stop $dir"
    fi
    if port_in_use "$port"; then
        die "TCP port $port is already in use; choose another port"
    fi

    env -u MOTO_ACCOUNT_ID "$dir/bin/moto_server" -H 127.0.0.1 -p "$port" \
        </dev/null >"$log_file" 2>&1 &
    pid=$!
    echo "$pid" >"$pid_file"
    log "started moto (PID $pid) on 127.0.0.1:$port, logging to $log_file"

    if ! wait_until_ready "http://127.0.0.1:$port/moto-api/data.json" "$pid" "$log_file" \
        "$READY_TIMEOUT_SECONDS"; then
        stop_saved_pid "$dir" "$pid_file" "$STOP_GRACE_SECONDS" || true
        exit 1
    fi
    if ! require_loopback_only "$pid"; then
        stop_saved_pid "$dir" "$pid_file" "$STOP_GRACE_SECONDS" || true
        exit 1
    fi
    log "moto ready at http://127.0.0.1:$port"
}

main() {
    [ $# -ge 2 ] || usage
    local command=$1 dir
    dir=$(realpath -m -- "$2")
    case $command in
        install)
            [ $# -eq 2 ] || usage
            install_moto "$dir"
            ;;
        start)
            [ $# -eq 3 ] || usage
            require_port "$3"
            start_moto "$dir" "$3"
            ;;
        stop)
            [ $# -eq 2 ] || usage
            stop_saved_pid "$dir" "$dir/moto.pid" "$STOP_GRACE_SECONDS"
            ;;
        *)
            usage
            ;;
    esac
}

main "$@"
