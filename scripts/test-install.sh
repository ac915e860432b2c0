#!/usr/bin/env bash
# Installs the C package into a fresh prefix and builds a program against it
# the way a C user does: pkg-config only, from a directory outside the
# repository, so neither the repo's include/ nor its target/ is on any path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT

make -s -C "$root" install PREFIX="$prefix" >/dev/null
cp "$root/tests/c/smoke_installed.c" "$work/"
cd "$work"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
unset LD_LIBRARY_PATH WXPAY_LIBRARY WXPAY_LIB
# shellcheck disable=SC2046 # pkg-config's output is meant to be split
cc -std=c11 -Wall -Wextra -Werror smoke_installed.c $(pkg-config --cflags --libs wxpay) -Wl,-rpath,"$prefix/lib" -o smoke

lib=$(readlink -f "$prefix/lib/libwxpay.so")
version=$(pkg-config --modversion wxpay)
check() { if ! "$@"; then echo "test-install: failed: $*" >&2; exit 1; fi; }
check test "$lib" = "$prefix/lib/libwxpay.so.$version"
check test -x "$prefix/bin/wxpay-sim"
check test -x "$prefix/bin/wxpay-cert"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check test "$soname" = "libwxpay.so.${version%%.*}"
needed=$(readelf -d smoke | sed -n 's/.*(NEEDED).*\[\(libwxpay[^]]*\)\]/\1/p')
check test "$needed" = "$soname"
if readelf -S "$lib" | grep -q '\.debug_info'; then
    echo "test-install: the installed library still carries debug info" >&2
    exit 1
fi
./smoke
echo "test-install: $soname, $(stat -c %s "$lib") bytes stripped, built with pkg-config from $prefix"
