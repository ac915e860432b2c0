#!/usr/bin/env bash
# Instructions per sign() call, wxpay through FFI beside plain PHP, counted by
# valgrind (callgrind): unlike wall-clock time, unaffected by a busy machine.
# Each count is (run with N calls) - (run with 0 calls), divided by N.
# PHP_OPTS replaces the default php options "-d opcache.enable_cli=0", e.g.
# PHP_OPTS="-d opcache.enable_cli=1 -d opcache.jit=off" to count with opcache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export WXPAY_LIBRARY=${WXPAY_LIBRARY:-$(cd "$here/../../.." && pwd)/target/release/libwxpay.so}

variants=(wxpay-md5 signer-md5 plain-md5 wxpay-hmac signer-hmac plain-hmac)
n=${1:-2000}
read -r -a php_opts <<< "${PHP_OPTS:--d opcache.enable_cli=0}"

instructions() { # variant calls -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        php "${php_opts[@]}" "$here/bench_sign.php" --only "$1" "$2" 2>&1 |
        sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

printf '%-12s %12s\n' variant 'instr/call'
for variant in "${variants[@]}"; do
    base=$(instructions "$variant" 0)
    full=$(instructions "$variant" "$n")
    printf '%-12s %12d\n' "$variant" $(( (full - base) / n ))
done
