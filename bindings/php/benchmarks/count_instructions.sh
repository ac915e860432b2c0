#!/usr/bin/env bash
# Instructions per sign() call, wxpay through FFI beside plain PHP, counted by
# valgrind (callgrind): unlike wall-clock time, unaffected by a busy machine.
# Each count is (run with N calls) - (run with 0 calls), divided by N.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export WXPAY_LIBRARY=${WXPAY_LIBRARY:-$(cd "$here/../../.." && pwd)/target/release/libwxpay.so}
n=${1:-2000}

instructions() { # variant calls -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        php -d opcache.enable_cli=0 "$here/bench_sign.php" --only "$1" "$2" 2>&1 |
        sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

printf '%-12s %12s\n' variant 'instr/call'
for variant in wxpay-md5 plain-md5 wxpay-hmac plain-hmac; do
    base=$(instructions "$variant" 0)
    full=$(instructions "$variant" "$n")
    printf '%-12s %12d\n' "$variant" $(( (full - base) / n ))
done
