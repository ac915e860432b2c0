#!/usr/bin/env bash
# make test-dist: installs each artifact of dist/ the way its users do, in a
# clean place with the repository's target/ out of reach, and runs a smoke
# program in each language against the simulator shipped in the C tarball.
#
# The simulator's address and files reach the smokes as WXPAY_SIM_URL,
# WXPAY_SIM_DIR, WXPAY_SIM_MCH_ID, WXPAY_SIM_APPID and WXPAY_SIM_KEY; the
# smokes run without WXPAY_LIBRARY, WXPAY_LIB or LD_LIBRARY_PATH.
# DIST_LANGS="python php" limits the wrappers tried (as in dist.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/dist
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
tarball=$dist/wxpay-$version-linux-x86_64.tar.gz
[ -f "$tarball" ] || { echo "test-dist: $tarball is missing; run make dist" >&2; exit 1; }

work=$(mktemp -d)
sim_pid=
cleanup() {
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
unset WXPAY_LIBRARY WXPAY_LIB LD_LIBRARY_PATH

tar -C "$work" -xzf "$tarball"
prefix=$work/wxpay-$version-linux-x86_64
lib=$(readlink -f "$prefix/lib/libwxpay.so")
echo "== the shipped library: $(stat -c %s "$lib") bytes"
readelf -d "$lib" | grep -E '\((NEEDED|SONAME)\)'
if ldd "$lib" | grep -E 'lib(ssl|crypto)\.so'; then
    echo "test-dist: the shipped library links the system's OpenSSL" >&2
    exit 1
fi
# Never unmapped by dlclose (PHP's per-request FFI::cdef would reload it each time).
readelf -d "$lib" | grep -q 'Flags:.*NODELETE' || { echo "test-dist: the shipped library lacks -z nodelete" >&2; exit 1; }
if readelf -S "$lib" | grep -q '\.debug_info'; then
    echo "test-dist: the shipped library carries debug info" >&2
    exit 1
fi

mkfifo "$work/sim.out"
"$prefix/bin/wxpay-sim" --dir "$work/sim" --notify-scale 0.001 > "$work/sim.out" &
sim_pid=$!
exec 3< "$work/sim.out"
read -r ready <&3
# Keep reading the simulator's stdout so it never blocks on a full pipe.
cat <&3 > "$work/sim.log" &
url=$(printf '%s\n' "$ready" | sed -n 's/^WXPAY_SIM_READY url=\([^ ]*\) .*/\1/p')
[ -n "$url" ] || { echo "test-dist: the simulator did not start: $ready" >&2; exit 1; }
export WXPAY_SIM_URL=$url WXPAY_SIM_DIR=$work/sim WXPAY_SIM_MCH_ID=1900000109
export WXPAY_SIM_APPID=wx2421b1c4370ec43b WXPAY_SIM_KEY=192006250b4c09247ec02edce69f6a2d

echo "== C: cc \$(pkg-config --cflags --libs wxpay) against the unpacked tarball"
mkdir "$work/c"
cp "$root/tests/c/smoke_dist.c" "$work/c/"
(
    cd "$work/c"
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    # shellcheck disable=SC2046 # pkg-config's output is meant to be split
    cc -std=c11 -Wall -Wextra -Werror smoke_dist.c $(pkg-config --cflags --libs wxpay) \
        -Wl,-rpath,"$(pkg-config --variable=libdir wxpay)" -o smoke
    ./smoke
)

for lang in ${DIST_LANGS-python php dotnet}; do
    echo "== $lang"
    "$root/bindings/$lang/dist-smoke.sh" "$dist"
done
echo "test-dist: every artifact installed and passed its smoke"
