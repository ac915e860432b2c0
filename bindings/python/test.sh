#!/bin/sh
# Installs what the Python suite needs and runs it: the one command for CI and humans.

#   bindings/python/test.sh [pytest args...]

# Expects the native library built by `cargo build --release` at the repo root;
# override with WXPAY_LIBRARY=/path/to/libwxpay.so. Installs into a virtualenv
# (bindings/python/.venv, or $WXPAY_PY_VENV), never system-wide; re-running
# only reinstalls the wrapper. PYTHON picks the interpreter (default python3).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

WXPAY_LIBRARY=${WXPAY_LIBRARY:-$root/target/release/libwxpay.so}
export WXPAY_LIBRARY
if [ ! -f "$WXPAY_LIBRARY" ]; then
    echo "test.sh: no library at $WXPAY_LIBRARY; run 'cargo build --release' in $root or set WXPAY_LIBRARY" >&2
    exit 1
fi

# The client tests run against the simulator that `cargo build --release --features sim`
# builds beside the library; a missing simulator fails them instead of
# skipping (WXPAY_SIM_REQUIRED=0 to skip, WXPAY_SIM=/path for another binary).
WXPAY_SIM=${WXPAY_SIM:-$root/target/release/wxpay-sim}
WXPAY_SIM_REQUIRED=${WXPAY_SIM_REQUIRED:-1}
export WXPAY_SIM WXPAY_SIM_REQUIRED

venv=${WXPAY_PY_VENV:-$here/.venv}
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
pip() { "$py" -m pip --disable-pip-version-check --quiet "$@"; }

# Only fetches when missing, so repeated runs work offline.
pip install 'pytest>=7' 'setuptools>=61' wheel 'cryptography>=41'
# A real (non-editable) install, so the tests see what users get.
pip install --no-build-isolation --no-deps --force-reinstall "$here"
rm -rf "$here/build"

cd "$here"
exec "$py" -m pytest "$@"
