#!/usr/bin/env bash
# Runs a command with a wxpay-sim of its own: starts the simulator in a
# temporary directory, waits for its READY line, exports WXPAY_SIM_URL and
# WXPAY_SIM_DIR, runs "$@", stops the simulator and removes the directory.
# Exits 3 without running anything when the simulator is not built.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
sim=${WXPAY_SIM:-$repo/target/release/wxpay-sim}
if [ ! -x "$sim" ]; then
    echo "wxpay-sim is not built ($sim): run 'cargo build --release --features sim' in $repo" >&2
    exit 3
fi

home=$(mktemp -d)
# Made here: the background job's redirection opens it only once it runs,
# and reading it before then would end this script under set -e.
: >"$home/stdout"
"$sim" --dir "$home/data" >"$home/stdout" 2>"$home/stderr" </dev/null &
pid=$!
stop() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$home"
}
trap stop EXIT

ready=
# Up to 60 s for start-up (it makes certificates first); a bound, not a measurement.
for _ in $(seq 600); do
    ready=$(head -n1 "$home/stdout")
    case $ready in WXPAY_SIM_READY*) break ;; esac
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
case $ready in
    WXPAY_SIM_READY*) ;;
    *) echo "wxpay-sim did not start: $(cat "$home/stderr")" >&2; exit 1 ;;
esac
url=${ready#*url=}
export WXPAY_SIM_URL=${url%% dir=*}
export WXPAY_SIM_DIR=${ready#* dir=}
"$@"
