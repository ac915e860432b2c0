#!/bin/sh
# Builds and runs SimulatorDemo.cs. Uses the simulator named by WXPAY_SIM_URL + WXPAY_SIM_DIR,
# or starts target/release/wxpay-sim in a temporary directory (and stops it afterwards).
#   WXPAY_LIBRARY  libwxpay.so (default: target/release/libwxpay.so; `cargo build --release` makes both)
#   WXPAY_SIM      the simulator binary to start (default: target/release/wxpay-sim)
#   DOTNET         also run the demo with this .NET Core host (e.g. the dotnetcore2 one test.sh installs)
#   CORECLR_ONLY=1 with DOTNET: run it there only
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${WXPAY_LIBRARY:-$root/target/release/libwxpay.so}
out=${OUT:-$root/bindings/dotnet/build}

if [ ! -f "$out/WxPay.dll" ] || [ "$root/bindings/dotnet/src" -nt "$out/WxPay.dll" ]; then
    WXPAY_LIBRARY=$lib OUT=$out "$root/bindings/dotnet/build.sh"
fi
mcs -langversion:7.2 -warnaserror+ -out:"$out/SimulatorDemo.exe" -r:"$out/WxPay.dll" -r:System.Core "$here/SimulatorDemo.cs"

sim_pid=""
tmp=""
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
    [ -n "$tmp" ] && rm -rf "$tmp" || true
}
trap cleanup EXIT INT TERM

if [ -z "${WXPAY_SIM_URL:-}" ] || [ -z "${WXPAY_SIM_DIR:-}" ]; then
    sim=${WXPAY_SIM:-$root/target/release/wxpay-sim}
    if [ ! -x "$sim" ]; then
        echo "run-simulator-demo.sh: $sim not found; run 'cargo build --release' in $root, or set WXPAY_SIM_URL and WXPAY_SIM_DIR" >&2
        exit 1
    fi
    tmp=$(mktemp -d)
    mkfifo "$tmp/out"
    "$sim" --listen 127.0.0.1:0 --dir "$tmp/data" > "$tmp/out" &
    sim_pid=$!
    exec 3< "$tmp/out"
    read -r ready <&3
    case $ready in
        "WXPAY_SIM_READY url="*) ;;
        *) echo "run-simulator-demo.sh: the simulator did not start: $ready" >&2; exit 1 ;;
    esac
    # Keep draining its output so it never blocks on a full pipe.
    cat <&3 > /dev/null &
    WXPAY_SIM_URL=$(echo "$ready" | sed -n 's/.* url=\([^ ]*\).*/\1/p')
    WXPAY_SIM_DIR=$(echo "$ready" | sed -n 's/.* dir=\(.*\)$/\1/p')
    export WXPAY_SIM_URL WXPAY_SIM_DIR
    echo "== simulator at $WXPAY_SIM_URL ($WXPAY_SIM_DIR)"
fi

if [ "${CORECLR_ONLY:-}" != 1 ]; then
    echo "== SimulatorDemo on Mono"
    (cd "$out" && WXPAY_LIBRARY=$lib mono SimulatorDemo.exe)
fi
if [ -n "${DOTNET:-}" ]; then
    echo "== SimulatorDemo on .NET Core"
    cp "$out/SimulatorDemo.exe" "$out/SimulatorDemo.dll"
    cp "$root/bindings/dotnet/smoke/netcore31.runtimeconfig.json" "$out/SimulatorDemo.runtimeconfig.json"
    (cd "$out" && WXPAY_LIBRARY=$lib "$DOTNET" SimulatorDemo.dll)
fi
