#!/usr/bin/env bash
# Install, start and stop LocalStack (localstack-core, without Docker) as a
# crosscheck live target.
#
#   localstack.sh install DIR      create a venv in DIR with localstack-core pinned (idempotent)
#   localstack.sh start DIR PORT   start LocalStack on 127.0.0.1:PORT and wait until it is ready
#   localstack.sh stop DIR         stop the server started from DIR, by its saved PID
#
# localstack-core 2026.3.0 needs Python 3.12 or newer: under 3.11 it fails
# with a SyntaxError inside the package. `install` exits with status 3 when no
# such Python is found, so a caller can skip LocalStack and say why.
# The server logs to DIR/localstack.log, its PID is saved in
# DIR/localstack.pid and its state lives under DIR/filesystem.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOCALSTACK_REQUIREMENT='localstack-core[runtime]==2026.3.0'
# pip 26 is the first release with --uploaded-prior-to.
PIP_REQUIREMENT='pip==26.0.1'
# Dependencies published after this date break localstack-core 2026.3.0
# (a newer cbor2 among them).
UPLOADED_PRIOR_TO='2026-03-28T00:00:00Z'
EXIT_NO_PYTHON=3
READY_TIMEOUT_SECONDS=120
# Under the hypercorn gateway LocalStack may ignore SIGTERM for 15 s or more,
# so `stop` sends SIGKILL when it is still running after this grace period.
STOP_GRACE_SECONDS=5

usage() {
    cat >&2 <<'EOF'
usage: localstack.sh install DIR
       localstack.sh start DIR PORT
       localstack.sh stop DIR
EOF
    exit 2
}

# Succeed when PYTHON runs and is version 3.12 or newer.
python_is_recent() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# Print the first Python 3.12+ found: $LOCALSTACK_PYTHON if set, then
# python3.13 and python3.12 on PATH, then pyenv's installed versions.
find_python() {
    local candidate pyenv_root
    local -a candidates=()
    if [ -n "${LOCALSTACK_PYTHON:-}" ]; then
        candidates+=("$LOCALSTACK_PYTHON")
    fi
    candidates+=(python3.13 python3.12 python3)

    pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
    if command -v pyenv >/dev/null; then
        pyenv_root=$(pyenv root 2>/dev/null || echo "$pyenv_root")
    fi
    # Newest first, so 3.13 is preferred over 3.12.
    while IFS= read -r candidate; do
        candidates+=("$candidate")
    done < <(compgen -G "$pyenv_root/versions/3.1[2-9]*/bin/python3" | sort -rV || true)

    for candidate in "${candidates[@]}"; do
        if python_is_recent "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

install_localstack() {
    local dir=$1 stamp="$1/.crosscheck-install" python
    local wanted="$LOCALSTACK_REQUIREMENT uploaded-prior-to=$UPLOADED_PRIOR_TO"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$dir/bin/python" ]; then
        log "$LOCALSTACK_REQUIREMENT already installed in $dir"
        return 0
    fi

    if ! python=$(find_python); then
        log "no Python 3.12 or newer found (tried \$LOCALSTACK_PYTHON, python3.13, python3.12," \
            "python3 and pyenv's versions); localstack-core 2026.3.0 needs one"
        exit "$EXIT_NO_PYTHON"
    fi

    log "installing $LOCALSTACK_REQUIREMENT into $dir with $python ($("$python" --version 2>&1))"
    "$python" -m venv --clear "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$PIP_REQUIREMENT"
    "$dir/bin/pip" install --quiet --disable-pip-version-check \
        --uploaded-prior-to "$UPLOADED_PRIOR_TO" "$LOCALSTACK_REQUIREMENT"
    "$dir/bin/python" -c 'import importlib.metadata as m; print("localstack-core", m.version("localstack-core"))'
    echo "$wanted" >"$stamp"
}

start_localstack() {
    local dir=$1 port=$2
    local pid_file="$dir/localstack.pid" log_file="$dir/localstack.log" pid

    [ -x "$dir/bin/python" ] || die "no venv in $dir; run: $0 install $dir"
    if [ -f "$pid_file" ] && pid_alive "$(cat "$pid_file")"; then
        die "LocalStack already running from $dir (PID $(cat "$pid_file")); run: $0 stop $dir"
    fi
    if port_in_use "$port"; then
        die "TCP port $port is already in use; choose another port"
    fi
    mkdir -p "$dir/filesystem"

    # GATEWAY_SERVER=hypercorn is required: the default (twisted) gateway
    # binds every interface, whatever address GATEWAY_LISTEN sets. DNS_ADDRESS=0 keeps
    # LocalStack's DNS server off.
    env GATEWAY_LISTEN="127.0.0.1:$port" \
        GATEWAY_SERVER=hypercorn \
        DNS_ADDRESS=0 \
        DISABLE_EVENTS=1 \
        SKIP_SSL_CERT_DOWNLOAD=1 \
        OVERRIDE_IN_DOCKER=0 \
        FILESYSTEM_ROOT="$dir/filesystem" \
        "$dir/bin/python" -m localstack.runtime.main \
        </dev/null >"$log_file" 2>&1 &
    pid=$!
    echo "$pid" >"$pid_file"
    log "started LocalStack (PID $pid) on 127.0.0.1:$port, logging to $log_file"

    if ! wait_until_ready "http://127.0.0.1:$port/_localstack/health" "$pid" "$log_file" \
        "$READY_TIMEOUT_SECONDS"; then
        stop_saved_pid "$dir" "$pid_file" "$STOP_GRACE_SECONDS" || true
        exit 1
    fi
    if ! require_loopback_only "$pid"; then
        stop_saved_pid "$dir" "$pid_file" "$STOP_GRACE_SECONDS" || true
        exit 1
    fi
    log "LocalStack ready at http://127.0.0.1:$port"
}

main() {
    [ $# -ge 2 ] || usage
    local command=$1 dir
    dir=$(realpath -m -- "$2")
    case $command in
        install)
            [ $# -eq 2 ] || usage
            install_localstack "$dir"
            ;;
        start)
            [ $# -eq 3 ] || usage
            require_port "$3"
            start_localstack "$dir" "$3"
            ;;
        stop)
            [ $# -eq 2 ] || usage
            stop_saved_pid "$dir" "$dir/localstack.pid" "$STOP_GRACE_SECONDS"
            ;;
        *)
            usage
            ;;
    esac
}

main "$@"
