#!/bin/sh
# Builds WxPay.dll (+ WxPay.xml docs) with mcs and lays out the native library
# as NuGet does: runtimes/linux-x64/native/libwxpay.so.
#   WXPAY_LIBRARY  the built libwxpay.so (default: target/release/libwxpay.so under the repo root)
#   OUT            output directory (default: bindings/dotnet/build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${WXPAY_LIBRARY:-$root/target/release/libwxpay.so}
out=${OUT:-$here/build}

if [ ! -f "$lib" ]; then
    echo "build.sh: $lib not found; run 'cargo build --release' at $root or set WXPAY_LIBRARY" >&2
    exit 1
fi
mkdir -p "$out" "$here/runtimes/linux-x64/native" "$out/runtimes/linux-x64/native"
cp "$lib" "$here/runtimes/linux-x64/native/libwxpay.so"
cp "$lib" "$out/runtimes/linux-x64/native/libwxpay.so"

# -warnaserror: a public member without an XML doc comment (CS1591) fails the build.
# -define:TRACE: TraceSource.TraceEvent is [Conditional("TRACE")]; without it the log bridge's
# calls would be compiled away (the SDK build of WxPay.csproj defines TRACE by default).
mcs -target:library -unsafe -optimize+ -langversion:7.2 -warn:4 -warnaserror+ -define:TRACE \
    -out:"$out/WxPay.dll" -doc:"$out/WxPay.xml" \
    -r:Facades/System.Runtime.InteropServices.RuntimeInformation.dll \
    $(find "$here/src" -name '*.cs' | sort)
echo "built $out/WxPay.dll"
