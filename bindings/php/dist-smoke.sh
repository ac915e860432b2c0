#!/usr/bin/env bash
# bindings/php/dist-smoke.sh DIST: a new Composer project outside the
# repository installs dist/wxpay-php-*.zip from an artifact repository (no
# Packagist, no network), runs smoke/smoke.php against the simulator
# (scripts/test-dist.sh provides WXPAY_SIM_*), then serves a request through
# php-cgi the way PHP-FPM does: ffi.enable=preload, opcache.preload of the
# installed package's preload.php, ffi.preload of a header for its library.
set -euo pipefail
dist=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset WXPAY_LIBRARY LD_LIBRARY_PATH

need=()
command -v php >/dev/null || need+=(php-cli)
command -v php-cgi >/dev/null || need+=(php-cgi)
command -v composer >/dev/null || need+=(composer)
command -v unzip >/dev/null || need+=(unzip)
# Composer reads an artifact repository with PHP's zip extension.
{ command -v php >/dev/null && php -m | grep -x zip >/dev/null; } || need+=(php-zip)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "installing ${need[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

zip=$(ls "$dist"/wxpay-php-*.zip)
version=$(basename "$zip" .zip)
version=${version#wxpay-php-}
mkdir "$work/app" "$work/repo"
cp "$zip" "$work/repo/"
cat > "$work/app/composer.json" <<JSON
{
    "name": "example/shop",
    "require": { "wxpay/wxpay": "$version" },
    "repositories": [
        { "type": "artifact", "url": "$work/repo" },
        { "packagist.org": false }
    ]
}
JSON
cd "$work/app"
export COMPOSER_HOME=$work/composer COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1
composer install --quiet --no-progress
echo "composer installed $(basename "$zip") into a new project"
php "$here/smoke/smoke.php"

echo "== PHP-FPM's setup, through php-cgi: ffi.enable=preload with the installed package"
package=$work/app/vendor/wxpay/wxpay
php "$package/tools/preload-header.php" "$package/lib/libwxpay.so" > "$work/wxpay.h"
cat > "$work/page.php" <<'PHP'
<?php
// No autoloader here: the classes must come from the preload, as in FPM.
$sign = WxPay\WxPay::sign(['appid' => 'wx1', 'total_fee' => 0], getenv('WXPAY_SIM_KEY'));
echo PHP_SAPI, ' ', WxPay\FFI::loadedFrom(), ' ', $sign;
PHP
expected="cgi-fcgi preload $(php -r 'require "vendor/autoload.php"; echo WxPay\WxPay::sign(["appid" => "wx1", "total_fee" => 0], getenv("WXPAY_SIM_KEY"));')"
got=$(php-cgi -q -d ffi.enable=preload -d opcache.enable=1 -d opcache.enable_cli=1 \
    -d "opcache.preload=$package/preload.php" -d "opcache.preload_user=$(id -un)" \
    -d "ffi.preload=$work/wxpay.h" -f "$work/page.php" 2>&1)
if [ "$got" != "$expected" ]; then
    printf 'FAIL a request under ffi.enable=preload: got %s, want %s\n' "$got" "$expected" >&2
    exit 1
fi
echo "ok   a request under ffi.enable=preload ($got)"
