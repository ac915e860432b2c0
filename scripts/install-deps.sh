#!/usr/bin/env bash
# Installs the Debian packages the build needs (and, with --test, the tests),
# skipping whatever is already there. Safe to run repeatedly. The wrappers'
# own test scripts (bindings/*/test.sh) install PHP, Mono and the rest.
set -euo pipefail

pkgs=(gcc binutils pkg-config libssl-dev)
# make dist builds OpenSSL from source (the `vendored` feature): perl and make;
# it zips the PHP and .NET packages and builds the wheel in a venv.
if [ "${1:-}" = "--dist" ] || [ "${1:-}" = "--test" ]; then
    pkgs+=(perl make zip python3-venv)
fi
if [ "${1:-}" = "--test" ]; then
    pkgs+=(valgrind python3)
fi

need=()
for p in "${pkgs[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
