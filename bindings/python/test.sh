#!/bin/sh
# Installs what the Python suite needs and runs it: the one command for CI and humans.
#
#   bindings/python/test.sh [pytest args...]
#
# Expects the native library built by `cargo build --release` at the repo root;
# override with WXPAY_LIBRARY=/path/to/libwxpay.so. Installs into a virtualenv
# (bindings/python/.venv, or $WXPAY_PY_VENV), never system-wide; re-running
# only reinstalls the wrapper. PYTHON picks the interpreter (default python3).
#
# The optional C accelerator (wxpay._speedups) needs a C compiler and the
# interpreter's headers: when either is missing and this runs as root on
# Debian/Ubuntu, they are installed with apt-get (python3-dev, gcc). If the
# extension still cannot be built, the suite runs on the ctypes path alone and
# says so; WXPAY_PY_REQUIRE_SPEEDUPS=1 (for CI) makes that a test failure.
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

has_headers() {
    "$py" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'
}
has_compiler() {
    command -v "${CC:-cc}" >/dev/null 2>&1
}
missing=""
has_headers || missing="$missing python3-dev"
has_compiler || missing="$missing gcc libc6-dev"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: installing$missing for the optional C accelerator (apt-get)"
        # Not fatal: without them the package still installs and runs on ctypes.
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } \
            >/dev/null || echo "test.sh: apt-get could not install$missing" >&2
    else
        echo "test.sh: missing$missing (not root or no apt-get): the C accelerator will not be built"
    fi
    has_headers || echo "test.sh: no Python.h for $("$py" -c 'import sys; print(sys.executable)')"
fi

# Only fetches when missing, so repeated runs work offline.
pip install 'pytest>=7' 'setuptools>=61' wheel 'cryptography>=41'
# A real (non-editable) install, so the tests see what users get.
pip install --no-build-isolation --no-deps --force-reinstall "$here"
rm -rf "$here/build"
if "$py" -c 'import wxpay._speedups' 2>/dev/null; then
    echo "test.sh: the C accelerator wxpay._speedups is built; signing tests run on it and on the ctypes path"
else
    echo "test.sh: the C accelerator wxpay._speedups could NOT be built; testing the ctypes path alone" \
        "(pip install -v $here shows why)"
fi

cd "$here"
exec "$py" -m pytest "$@"
