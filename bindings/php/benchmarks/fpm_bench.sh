#!/usr/bin/env bash
# Benchmark, not a test: what wxpay costs a PHP-FPM request, beside the same
# work in plain PHP, in a real php-fpm 8.2 pool (Debian's php8.2-fpm, one
# worker, on a loopback port), driven by cgi-fcgi (libfcgi-bin).
#
#   bindings/php/benchmarks/fpm_bench.sh [REQUESTS]      (default 2000 per script and setup)
#
# The request (fpm/wxpay.php) signs a 16-field order and verifies it, timing
# its own phases with hrtime: the whole script, loading the library
# (WxPay\FFI::instance()), the first sign (class loading included), the
# verify. fpm/plain.php does the same with ksort + md5 + hash_equals. Two
# setups, each with opcache on as in production:
#   cdef     ffi.enable=1, no preload: every request loads the library (FFI::cdef)
#   preload  ffi.enable=preload (FPM's default), the library and classes
#            preloaded by the package's preload.php and an ffi.preload header
# Requests alternate between wxpay and plain; the table gives medians in
# microseconds: the whole request as php-fpm's access log times it (%d:
# request start-up, the script, shut-down), the script alone (and its 90th
# percentile), and the script's phases. The last line of each setup compares
# whole requests.
# WXPAY_LIBRARY: the library (default target/release/libwxpay.so).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
php_dir=$(cd "$here/.." && pwd)
root=$(cd "$php_dir/../.." && pwd)
requests=${1:-2000}
lib=$(readlink -f "${WXPAY_LIBRARY:-$root/target/release/libwxpay.so}")
[ -f "$lib" ] || { echo "fpm_bench: no library at $lib (cargo build --release)" >&2; exit 1; }

need=()
command -v php-fpm8.2 >/dev/null || need+=(php8.2-fpm)
command -v cgi-fcgi >/dev/null || need+=(libfcgi-bin)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
fpm_pid=
stop() {
    if [ -n "$fpm_pid" ]; then kill "$fpm_pid" 2>/dev/null || true; wait "$fpm_pid" 2>/dev/null || true; fi
    fpm_pid=
}
trap 'stop; rm -rf "$work"' EXIT
user=$(id -un)
php "$php_dir/tools/preload-header.php" "$lib" > "$work/wxpay.h"

start() { # setup -> a running pool on $port
    local setup=$1
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat > "$work/fpm.conf" <<CONF
[global]
error_log = $work/fpm.log
daemonize = no
[bench]
user = $user
listen = 127.0.0.1:$port
pm = static
pm.max_children = 1
clear_env = no
access.log = $work/access.log
access.format = "%f %{microseconds}d"
CONF
    local opts=(-d opcache.enable=1 -d opcache.validate_timestamps=0)
    if [ "$setup" = preload ]; then
        opts+=(-d ffi.enable=preload -d "ffi.preload=$work/wxpay.h"
            -d "opcache.preload=$php_dir/preload.php" -d "opcache.preload_user=$user")
    else
        opts+=(-d ffi.enable=1)
    fi
    WXPAY_LIBRARY=$lib php-fpm8.2 "${opts[@]}" -R -y "$work/fpm.conf" -p "$work" &
    fpm_pid=$!
    for _ in $(seq 100); do
        request plain.php >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "fpm_bench: php-fpm did not answer:" >&2
    cat "$work/fpm.log" >&2
    exit 1
}

request() { # script -> its output line
    SCRIPT_FILENAME=$here/fpm/$1 REQUEST_METHOD=GET QUERY_STRING= cgi-fcgi -bind -connect "127.0.0.1:$port" 2>> "$work/requests.err" | tail -n 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
p90() { sort -n | awk '{ v[NR] = $1 } END { print v[int(NR * 0.9)] }'; }

printf '%-8s %-7s %10s %10s %8s %10s %11s %9s  %s\n' setup script "request µs" "script µs" "p90 µs" "load µs" "1st sign µs" "verify µs" "loaded as"
for setup in cdef preload; do
    start "$setup"
    : > "$work/wxpay.out"
    : > "$work/plain.out"
    for _ in $(seq 20); do request wxpay.php >/dev/null; request plain.php >/dev/null; done
    : > "$work/access.log"
    for _ in $(seq "$requests"); do
        request wxpay.php >> "$work/wxpay.out"
        request plain.php >> "$work/plain.out"
    done
    stop
    for script in wxpay plain; do
        out=$work/$script.out
        if ! awk 'NF != 5 { exit 1 }' "$out"; then
            echo "fpm_bench: $script.php failed under $setup:" >&2
            { grep -v "^[0-9]" "$out"; cat "$work/requests.err"; } | head -n 5 >&2
            exit 1
        fi
        printf '%-8s %-7s %10s %10s %8s %10s %11s %9s  %s\n' "$setup" "$script" \
            "$(awk -v f="$here/fpm/$script.php" '$1 == f { print $2 }' "$work/access.log" | median)" \
            "$(cut -d' ' -f1 "$out" | median)" "$(cut -d' ' -f1 "$out" | p90)" \
            "$(cut -d' ' -f2 "$out" | median)" "$(cut -d' ' -f3 "$out" | median)" \
            "$(cut -d' ' -f4 "$out" | median)" "$(cut -d' ' -f5 "$out" | sort -u | tr '\n' ' ')"
        awk -v f="$here/fpm/$script.php" '$1 == f { print $2 }' "$work/access.log" | median > "$work/$setup-$script.median"
    done
    awk -v w="$(cat "$work/$setup-wxpay.median")" -v p="$(cat "$work/$setup-plain.median")" -v s="$setup" \
        'BEGIN { printf "%-8s wxpay over plain: %+.1f µs per request (%.2fx)\n", s, w - p, w / p }'
done
