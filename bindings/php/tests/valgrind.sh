#!/usr/bin/env bash
# Runs tests/leak_loop.php under valgrind and fails when libwxpay leaks:
#  - no "definitely lost" block may have libwxpay in its allocation stack;
#  - no memory error (invalid read/write, bad free) may involve libwxpay;
#  - the definitely-lost total must not grow with the iteration count (a
#    leak in the wrapper's own FFI use would).
# PHP's allocator is switched off (USE_ZEND_ALLOC=0) so valgrind sees every block.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
export WXPAY_LIBRARY=${WXPAY_LIBRARY:-$repo/target/release/libwxpay.so}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }

# Client requests need a server: run under a simulator of our own when one is
# built (with-sim.sh exports WXPAY_SIM_URL, so this re-runs only once).
if [ -z "${WXPAY_SIM_URL:-}" ]; then
    set +e
    "$here/with-sim.sh" "$0" "$@"
    status=$?
    set -e
    [ "$status" -ne 3 ] && exit "$status"
    echo "valgrind: no wxpay-sim built, so client requests are checked only against a closed port"
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run() { # iterations -> log file
    USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 valgrind \
        --leak-check=full --show-leak-kinds=definite --num-callers=50 \
        --log-file="$logs/$1.log" \
        php -d opcache.enable_cli=0 "$here/leak_loop.php" "$1"
}

definitely_lost() { # log -> bytes
    sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tr -d , | tail -1
}

# Each leak record or error is a paragraph of the log; keep those naming libwxpay.
wxpay_records() { # log -> matching paragraphs
    awk 'BEGIN { RS = "==[0-9]+== \n" } /definitely lost|Invalid|uninitialised|free\(\)/ && /libwxpay|wxpay_|wxpay::/' \
        "$1"
}

status=0
for n in 5 20; do
    run "$n"
    if [ -n "$(wxpay_records "$logs/$n.log")" ]; then
        echo "FAIL: libwxpay appears in leak or error records ($n iterations):" >&2
        wxpay_records "$logs/$n.log" >&2
        status=1
    fi
done
small=$(definitely_lost "$logs/5.log"); small=${small:-0}
large=$(definitely_lost "$logs/20.log"); large=${large:-0}
echo "definitely lost: $small bytes after 5 iterations, $large bytes after 20"
if [ "$large" -gt "$small" ]; then
    echo "FAIL: definitely-lost memory grows with the iteration count" >&2
    grep -A40 'definitely lost in' "$logs/20.log" | head -120 >&2
    status=1
fi
grep -h 'ERROR SUMMARY' "$logs"/*.log
[ "$status" -eq 0 ] && echo "valgrind: no leaks or memory errors from libwxpay"
exit "$status"
