#!/usr/bin/env bash
# bindings/dotnet/package.sh LIB DIST: the NuGet package, dist/WxPay.VERSION.nupkg.
#
# A .nupkg is a zip in NuGet's documented layout, written here without the
# NuGet service (unreachable from this project's machines):
#   WxPay.nuspec                            id, version, license, description, readme
#   lib/netstandard2.0/WxPay.dll, WxPay.xml the assembly (built by build.sh with mcs) and its docs
#   runtimes/linux-x64/native/libwxpay.so   the native library, which the .NET host
#                                           resolves for linux-x64 and WxPay's loader probes
#   README.md, LICENSE
#   [Content_Types].xml, _rels/.rels        the Open Packaging Conventions parts NuGet reads
set -euo pipefail
lib=$1
dist=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
csproj_version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$here/WxPay.csproj")
if [ "$csproj_version" != "$version" ]; then
    echo "package.sh: WxPay.csproj says version $csproj_version, Cargo.toml $version" >&2
    exit 1
fi
if ! command -v mcs >/dev/null; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "installing mono-devel"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mono-devel >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

WXPAY_LIBRARY=$lib OUT=$work/build "$here/build.sh" >/dev/null
pkg=$work/pkg
install -d "$pkg/lib/netstandard2.0" "$pkg/runtimes/linux-x64/native" "$pkg/_rels"
install -m 644 "$work/build/WxPay.dll" "$work/build/WxPay.xml" "$pkg/lib/netstandard2.0/"
install -m 755 "$lib" "$pkg/runtimes/linux-x64/native/libwxpay.so"
install -m 644 "$here/README.md" "$root/LICENSE" "$pkg/"

description=$(sed -n 's|.*<Description>\(.*\)</Description>.*|\1|p' "$here/WxPay.csproj")
cat > "$pkg/WxPay.nuspec" <<XML
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>WxPay</id>
    <version>$version</version>
    <authors>the wxpay authors</authors>
    <license type="expression">MIT</license>
    <readme>README.md</readme>
    <description>$description</description>
    <tags>wechat wechatpay weixin payment wxpay</tags>
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
XML
cat > "$pkg/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
  <Override PartName="/LICENSE" ContentType="application/octet" />
</Types>
XML
cat > "$pkg/_rels/.rels" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/WxPay.nuspec" Id="R0" />
</Relationships>
XML

out=$dist/WxPay.$version.nupkg
rm -f "$out"
# The nuspec first, as NuGet's own packer writes it; then the rest in a fixed order.
(cd "$pkg" && { echo WxPay.nuspec; find . -type f ! -name WxPay.nuspec -printf '%P\n' | LC_ALL=C sort; } | zip -q -X "$out" -@)
printf 'dist/%s %s bytes\n' "$(basename "$out")" "$(stat -c %s "$out")"
