#!/usr/bin/env bash
# The PHP wrapper's whole check: installs what it needs (Debian/Ubuntu,
# idempotent), then runs PHPUnit and the valgrind leak check against the
# library named by WXPAY_LIBRARY (default: target/release/libwxpay.so under
# the repository root; build it with `cargo build --release`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

need=()
command -v php >/dev/null || need+=(php-cli)
command -v phpunit >/dev/null || need+=(phpunit)
command -v valgrind >/dev/null || need+=(valgrind)
# A server SAPI, to test the preload path as FPM sees it.
command -v php-cgi >/dev/null || need+=(php-cgi)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "installing ${need[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Not grep -q: it would stop reading, and php, killed by SIGPIPE, fail the pipe.
php -m | grep -x FFI >/dev/null || { echo "PHP's FFI extension is not enabled (extension=ffi)" >&2; exit 1; }

export WXPAY_LIBRARY=${WXPAY_LIBRARY:-$repo/target/release/libwxpay.so}
if [ ! -f "$WXPAY_LIBRARY" ]; then
    echo "no library at $WXPAY_LIBRARY: run 'cargo build --release' in $repo or set WXPAY_LIBRARY" >&2
    exit 1
fi

cd "$here"
phpunit --configuration phpunit.xml.dist
tests/valgrind.sh
for example in "$repo"/examples/php/*.php; do
    echo "example: ${example#"$repo"/}"
    case $(basename "$example") in simulator_demo.php | notify_demo.php) needs_sim=1 ;; *) needs_sim= ;; esac
    if [ -n "$needs_sim" ]; then
        # It needs a running simulator; with-sim.sh exits 3 when none is built.
        status=0
        tests/with-sim.sh php "$example" >/dev/null || status=$?
        if [ "$status" -eq 3 ]; then
            echo "  skipped: wxpay-sim is not built"
        elif [ "$status" -ne 0 ]; then
            exit "$status"
        fi
    else
        php "$example" >/dev/null
    fi
done
