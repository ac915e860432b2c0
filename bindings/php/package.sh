#!/usr/bin/env bash
# bindings/php/package.sh LIB DIST: the Composer package, dist/wxpay-php-VERSION.zip.
#
# The zip is what a Composer artifact repository (or Packagist's dist) serves:
# composer.json (with its version) at the top, the wrapper's src/, the FFI
# declarations, preload.php and tools/, and the native library for
# linux-x86_64 at lib/libwxpay.so, where WxPay\FFI::libraryPath() looks
# before the system's loader path. No environment variable is needed.
set -euo pipefail
lib=$1
dist=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pkg=$work/wxpay
mkdir -p "$pkg/lib" "$pkg/tools"
cp -r "$here/src" "$pkg/"
cp "$here/wxpay.ffi.h" "$here/wxpay.preload.h" "$here/preload.php" "$here/README.md" "$root/LICENSE" "$pkg/"
cp "$here/tools/preload-header.php" "$pkg/tools/"
install -m 755 "$lib" "$pkg/lib/libwxpay.so"
# The published composer.json: the repository's, with the version an
# artifact repository needs and without what only the repository's tests use.
python3 - "$here/composer.json" "$pkg/composer.json" "$version" <<'PY'
import json, sys
source, target, version = sys.argv[1:]
with open(source) as f:
    composer = json.load(f)
composer.pop("autoload-dev", None)
composer["version"] = version
with open(target, "w") as f:
    json.dump(composer, f, indent=4)
    f.write("\n")
PY

out=$dist/wxpay-php-$version.zip
rm -f "$out"
(cd "$pkg" && find . -type f | LC_ALL=C sort | zip -q -X "$out" -@)
printf 'dist/%s %s bytes\n' "$(basename "$out")" "$(stat -c %s "$out")"
