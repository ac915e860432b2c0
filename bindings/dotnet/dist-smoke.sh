#!/usr/bin/env bash
# bindings/dotnet/dist-smoke.sh DIST: a new Mono app outside the repository
# gets dist/WxPay.*.nupkg from a local folder feed with a NuGet client
# (Debian's nuget), is compiled against the package's
# lib/netstandard2.0/WxPay.dll, is laid out as a build does (the assembly
# and runtimes/ beside the app), and runs smoke/DistSmoke.cs against the
# simulator (scripts/test-dist.sh provides WXPAY_SIM_*).
set -euo pipefail
dist=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset WXPAY_LIBRARY LD_LIBRARY_PATH

need=()
command -v mcs >/dev/null || need+=(mono-devel)
command -v nuget >/dev/null || need+=(nuget)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "installing ${need[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

nupkg=$(ls "$dist"/WxPay.*.nupkg)
version=$(basename "$nupkg" .nupkg)
version=${version#WxPay.}
mkdir -p "$work/feed" "$work/app/out"
cp "$nupkg" "$work/feed/"
cd "$work/app"
# nuget keeps its caches under HOME; keep them in the temporary directory.
HOME=$work nuget install WxPay -Version "$version" -Source "$work/feed" -OutputDirectory packages -NonInteractive >/dev/null
package=$work/app/packages/WxPay.$version
echo "nuget installed $(basename "$nupkg") from a local feed"
cp "$package/lib/netstandard2.0/WxPay.dll" "$package/lib/netstandard2.0/WxPay.xml" out/
cp -r "$package/runtimes" out/
mcs -langversion:7.2 -warnaserror+ -out:out/DistSmoke.exe -r:out/WxPay.dll -r:System.Core "$here/smoke/DistSmoke.cs"
mono out/DistSmoke.exe "$work/app/out/runtimes/linux-x64/native/libwxpay.so"
