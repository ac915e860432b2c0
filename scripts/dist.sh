#!/usr/bin/env bash
# make dist: every artifact a user installs, into dist/.
#
# The native library is built once, with OpenSSL vendored (cargo feature
# `vendored`: linked in statically, legacy provider built in), in
# target/dist/ so the development build in target/release is left alone;
# stripped (its debug info kept in target/dist/ship/libwxpay.so.debug),
# then packed by each wrapper's bindings/LANG/package.sh LIB DIST:
#   dist/wxpay-VERSION-linux-x86_64.tar.gz   the C package: include/, lib/ (SONAME links, wxpay.pc), bin/wxpay-sim, bin/wxpay-cert
#   dist/*.whl, dist/wxpay-php-VERSION.zip, dist/WxPay.VERSION.nupkg
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
export CARGO_TARGET_DIR=$root/target/dist
build=$CARGO_TARGET_DIR/release
ship=$CARGO_TARGET_DIR/ship
dist=$root/dist

"${CARGO:-cargo}" build --release --features vendored,sim --lib --bin wxpay-sim --bin wxpay-cert

rm -rf "$ship" "$dist"
mkdir -p "$ship" "$dist"
lib=$ship/libwxpay.so
objcopy --only-keep-debug "$build/libwxpay.so" "$lib.debug"
strip --strip-unneeded -o "$lib" "$build/libwxpay.so"

# The shipped library may need only the C runtime: OpenSSL is inside it.
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
for n in $needed; do
    case $n in
        libc.so.6 | libm.so.6 | libgcc_s.so.1 | ld-linux-x86-64.so.2) ;;
        *) echo "dist: the shipped library needs $n (only libc, libm, libgcc_s are allowed)" >&2; exit 1 ;;
    esac
done

# The C package, relocatable: wxpay.pc finds its prefix from its own place.
name=wxpay-$version-linux-x86_64
tree=$ship/$name
install -d "$tree/include" "$tree/lib/pkgconfig" "$tree/bin" "$tree/share/doc/wxpay"
install -m 644 include/wxpay.h "$tree/include/"
install -m 755 "$lib" "$tree/lib/libwxpay.so.$version"
ln -s "libwxpay.so.$version" "$tree/lib/libwxpay.so.$major"
ln -s "libwxpay.so.$major" "$tree/lib/libwxpay.so"
sed -e 's|@PREFIX@|${pcfiledir}/../..|' -e "s|@VERSION@|$version|" wxpay.pc.in > "$tree/lib/pkgconfig/wxpay.pc"
install -m 755 -s "$build/wxpay-sim" "$build/wxpay-cert" "$tree/bin/"
install -m 644 README.md docs/simulator.md docs/certificates.md "$tree/share/doc/wxpay/"
tar -C "$ship" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"

size() { printf '%s %s bytes\n' "${1#"$root"/}" "$(stat -c %s "$1")"; }
size "$lib"
size "$dist/$name.tar.gz"
# DIST_LANGS="python php" builds only those wrappers' artifacts.
for lang in ${DIST_LANGS-python php dotnet}; do
    if [ -x "bindings/$lang/package.sh" ]; then
        "bindings/$lang/package.sh" "$lib" "$dist"
    else
        echo "dist: bindings/$lang has no package.sh yet" >&2
        exit 1
    fi
done
