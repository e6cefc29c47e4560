#!/usr/bin/env bash
# Regenerate every report committed in reports/ with one command:
#
#   .ci/peers/regenerate-reports.sh
#
# It runs, each into its own staging folder under target/ci-peers/reports-staging:
#
# - `crosscheck run`: every scenario and the matrix against the bundled
#   emulator, under every profile;
# - `crosscheck run --targets .ci/peers/targets.yaml --target NAME --only matrix
#   --profile PROFILE` for NAME moto and localstack and PROFILE localstack and
#   aws, with the SQS, KMS, SNS, Secrets Manager, S3 and Lambda catalogs,
#   the ones snapshots/peers/ records. Each peer is installed (idempotently) into target/ci-peers/NAME
#   with .ci/peers/NAME.sh, started on 127.0.0.1 at the port of its endpoint
#   in targets.yaml, and stopped by its saved PID when its runs end or the script
#   exits, whether it passes or fails.
#
# Exit status 1 from `crosscheck run` means the target differs from the
# profile, which the reports record, so it is accepted. Any higher status
# stops the script with status 1 and leaves reports/ as it was. Only when
# every run could be made does each target's set of reports in reports/ get
# replaced by the new one, and the index reports/compat-matrix.md is written
# again to list every run report in the folder.
#
# When no Python 3.12 or newer is found for LocalStack (localstack.sh install
# exits with status 3), LocalStack is skipped with a message and its
# committed reports are kept as they are.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

REPORTS=reports
TARGETS_FILE=.ci/peers/targets.yaml
PEERS_DIR="$repo/target/ci-peers"
STAGING="$PEERS_DIR/reports-staging"
PEERS=(moto localstack)
# localstack-enforce-iam is left out for the peers: neither runs with IAM
# enforcement, and snapshots/peers/ records these two profiles only.
PEER_PROFILES=(localstack aws)
# The matrix catalogs run against the peers: those that snapshots/peers/
# records, so that each cell of a peer report can be checked against it.
PEER_CATALOGS=(sqs.yaml kms.yaml sns.yaml secretsmanager.yaml s3.yaml lambda.yaml)
# Every profile crosscheck knows, for removing a target's old reports.
ALL_PROFILES=(localstack localstack-enforce-iam aws)
REPORT_EXTENSIONS=(md html json xml)
# Status of `<peer>.sh install` when no suitable Python is found.
EXIT_NO_PYTHON=3

# The peer started by this script and not stopped yet, for the EXIT trap.
running_peer=
# Targets whose staged reports replace their committed ones, in run order.
refreshed=()
skipped=()

stop_running_peer() {
    if [ -n "$running_peer" ]; then
        bash ".ci/peers/$running_peer.sh" stop "$PEERS_DIR/$running_peer" || true
        running_peer=
    fi
}
trap stop_running_peer EXIT
# Turn a signal into an exit, so that the EXIT trap stops the peer.
trap 'exit 130' INT
trap 'exit 143' TERM

crosscheck() {
    cargo run --locked --quiet -p crosscheck -- "$@"
}

# Run `crosscheck run ARGS...` for LABEL. Accept exit status 0 and 1; stop
# the script on any other status.
run_crosscheck() {
    local label=$1 status=0
    shift
    crosscheck run "$@" || status=$?
    case $status in
        0) ;;
        1) log "$label differs from the expected outcomes (exit status 1); its reports show where" ;;
        *) die "crosscheck run for $label failed with exit status $status; $REPORTS/ was left as it was" ;;
    esac
}

# Print the port of target NAME's endpoint in the target file. Fail unless
# the endpoint is http://127.0.0.1:PORT, because peers run on loopback only.
peer_port() {
    local name=$1 endpoint port
    endpoint=$(awk -v key="$name:" '
        /^  [^ #][^ ]*:[[:space:]]*$/ { in_target = ($1 == key); next }
        in_target && $1 == "endpoint:" { print $2; exit }
    ' "$TARGETS_FILE")
    if ! [[ $endpoint =~ ^http://127\.0\.0\.1:([0-9]+)/?$ ]]; then
        die "target $name in $TARGETS_FILE has endpoint '$endpoint'; expected http://127.0.0.1:PORT"
    fi
    port=${BASH_REMATCH[1]}
    require_port "$port"
    echo "$port"
}

# Install and start peer NAME, run its matrix under each peer profile into
# the staging folder, then stop it.
stage_peer() {
    local name=$1 dir="$PEERS_DIR/$1" port profile status=0 started=$SECONDS
    port=$(peer_port "$name")

    bash ".ci/peers/$name.sh" install "$dir" || status=$?
    if [ "$status" -eq "$EXIT_NO_PYTHON" ]; then
        log "$name: SKIPPED, because no Python 3.12 or newer was found (see the message above);" \
            "its committed reports in $REPORTS/ are left as they are"
        skipped+=("$name")
        return 0
    elif [ "$status" -ne 0 ]; then
        die "$name: install failed with exit status $status"
    fi

    running_peer=$name
    bash ".ci/peers/$name.sh" start "$dir" "$port"
    mkdir -p "$STAGING/$name"
    for profile in "${PEER_PROFILES[@]}"; do
        run_crosscheck "$name under $profile" --targets "$TARGETS_FILE" --target "$name" \
            --scenarios "$STAGING/peer-scenarios" --only matrix --profile "$profile" \
            --out "$STAGING/$name"
    done
    stop_running_peer
    refreshed+=("$name")
    log "$name: install, start, runs and stop took $((SECONDS - started)) s"
}

# Replace target NAME's reports in reports/ with the staged ones.
publish_reports() {
    local name=$1 profile extension staged
    for profile in "${ALL_PROFILES[@]}"; do
        for extension in "${REPORT_EXTENSIONS[@]}"; do
            rm -f "$REPORTS/$name-$profile.$extension"
        done
    done
    for profile in "${ALL_PROFILES[@]}"; do
        for extension in "${REPORT_EXTENSIONS[@]}"; do
            staged="$STAGING/$name/$name-$profile.$extension"
            if [ -f "$staged" ]; then
                cp "$staged" "$REPORTS/"
            fi
        done
    done
}

main() {
    local started=$SECONDS name
    local -a fresh_runs=()

    rm -rf "$STAGING"
    mkdir -p "$STAGING/bundled" "$STAGING/peer-scenarios/matrix" "$REPORTS"
    for name in "${PEER_CATALOGS[@]}"; do
        cp "scenarios/matrix/$name" "$STAGING/peer-scenarios/matrix/"
    done
    log "building crosscheck"
    cargo build --locked --quiet -p crosscheck

    log "bundled: every scenario and the matrix under every profile"
    run_crosscheck bundled --out "$STAGING/bundled"
    refreshed+=(bundled)

    for name in "${PEERS[@]}"; do
        log "$name: install, start, matrix ${PEER_CATALOGS[*]} under ${PEER_PROFILES[*]}, stop"
        stage_peer "$name"
    done

    for name in "${refreshed[@]}"; do
        publish_reports "$name"
        fresh_runs+=("$STAGING/$name/"*.json)
    done
    # Write the index again from every run report in reports/. Rendering the
    # fresh runs' Markdown again gives the same bytes the runs wrote.
    crosscheck report "${fresh_runs[@]}" --format md --out "$REPORTS" >/dev/null

    log "refreshed the reports of ${refreshed[*]} in $REPORTS/ in $((SECONDS - started)) s"
    if [ "${#skipped[@]}" -gt 0 ]; then
        log "SKIPPED ${skipped[*]}: its committed reports were not regenerated"
    fi
    log "index: $REPORTS/compat-matrix.md; read the changes before committing them"
}

main "$@"
