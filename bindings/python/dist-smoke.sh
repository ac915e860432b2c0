#!/usr/bin/env bash
# bindings/python/dist-smoke.sh DIST: installs the wheel from DIST into a
# fresh venv outside the repository, with no index, and runs smoke/smoke.py
# there against the simulator (scripts/test-dist.sh provides WXPAY_SIM_*).
set -euo pipefail
dist=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset WXPAY_LIBRARY LD_LIBRARY_PATH

wheel=$(ls "$dist"/wxpay_v2-*-py3-none-manylinux_*_x86_64.whl)
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip --disable-pip-version-check --quiet install --no-index --no-deps "$wheel"
cp "$here/smoke/smoke.py" "$work/"
cd "$work"
echo "installed $(basename "$wheel") into a fresh venv"
"$work/venv/bin/python" smoke.py
