#!/bin/sh
# The one command for the .NET wrapper: installs what is missing (Mono, NUnit 2.6,
# a C compiler for the loader tests, the dotnetcore2 wheel for a .NET Core 3.1 host),
# builds WxPay.dll with mcs, runs the NUnit suite on Mono (nunit-console) and on
# .NET Core 3.1 (smoke/SuiteRunner.cs), the smoke test on both, and the examples. Idempotent and non-interactive.
#
#   WXPAY_LIBRARY        the built libwxpay.so (default: target/release/libwxpay.so under the repo root;
#                        build it with `cargo build --release` there)
#   WXPAY_DOTNETCORE2    where the dotnetcore2 venv lives (default: ~/.cache/wxpay/dotnetcore2)
#   WXPAY_SIM            the simulator for the client tests and the demo (default: wxpay-sim beside
#                        the library, i.e. target/release/wxpay-sim); when the tree has
#                        src/bin/wxpay-sim it must exist, otherwise those tests report "ignored"
#   WXPAY_SKIP_CORECLR=1 skip the .NET Core runs
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${WXPAY_LIBRARY:-$root/target/release/libwxpay.so}
case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac
out=$here/build
nunit_framework=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll

if [ ! -f "$lib" ]; then
    echo "test.sh: $lib not found; run 'cargo build --release' in $root or set WXPAY_LIBRARY" >&2
    exit 1
fi

sim=${WXPAY_SIM:-$(dirname "$lib")/wxpay-sim}
if [ -x "$sim" ]; then
    # The client suite starts it itself (once per run, in a temporary directory).
    WXPAY_SIM=$sim
    WXPAY_SIM_REQUIRED=1
    export WXPAY_SIM WXPAY_SIM_REQUIRED
elif [ -d "$root/src/bin/wxpay-sim" ]; then
    echo "test.sh: $sim not found; run 'cargo build --release --features sim' in $root or set WXPAY_SIM" >&2
    exit 1
else
    sim=""
    echo "== no simulator in this tree: the client tests against it will be reported as ignored"
fi

need_apt=""
command -v mcs >/dev/null 2>&1 || need_apt="$need_apt mono-devel"
command -v nunit-console >/dev/null 2>&1 || need_apt="$need_apt nunit-console"
[ -f "$nunit_framework" ] || need_apt="$need_apt libnunit-cil-dev"
command -v cc >/dev/null 2>&1 || need_apt="$need_apt gcc libc6-dev"
if [ -n "$need_apt" ]; then
    echo "== installing:$need_apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $need_apt
fi

echo "== building WxPay.dll"
WXPAY_LIBRARY=$lib OUT=$out "$here/build.sh"
cp "$nunit_framework" "$out/"
mcs -target:library -langversion:7.2 -warnaserror+ -out:"$out/WxPay.Tests.dll" \
    -r:"$out/WxPay.dll" -r:"$nunit_framework" -r:System.Core -r:System.Runtime.Serialization \
    "$here"/tests/*.cs "$here/bench/PlainSigner.cs"
mcs -langversion:7.2 -warnaserror+ -out:"$out/Smoke.exe" -r:"$out/WxPay.dll" -r:System.Core "$here/smoke/Smoke.cs"
mcs -langversion:7.2 -warnaserror+ -out:"$out/SuiteRunner.exe" -r:"$out/WxPay.Tests.dll" -r:"$out/nunit.framework.dll" \
    -r:System.Core "$here/smoke/SuiteRunner.cs"
mcs -langversion:7.2 -optimize+ -warnaserror+ -out:"$out/SignBench.exe" -r:"$out/WxPay.dll" -r:System.Core \
    "$here/bench/SignBench.cs" "$here/bench/PlainSigner.cs"
for example in "$root"/examples/dotnet/*.cs; do
    [ -f "$example" ] || continue
    mcs -langversion:7.2 -warnaserror+ -out:"$out/$(basename "$example" .cs).exe" -r:"$out/WxPay.dll" -r:System.Core "$example"
done

echo "== NUnit on Mono"
(cd "$out" && WXPAY_LIBRARY=$lib nunit-console -nologo -noshadow WxPay.Tests.dll -xml="$out/TestResult.xml")

echo "== smoke test and examples on Mono"
(cd "$out" && WXPAY_LIBRARY=$lib mono Smoke.exe --expect-loaded-from "$lib")
for example in "$root"/examples/dotnet/*.cs; do
    [ -f "$example" ] || continue
    # SimulatorDemo needs a running simulator: run-simulator-demo.sh starts one below.
    [ "$(basename "$example")" = SimulatorDemo.cs ] && continue
    (cd "$out" && WXPAY_LIBRARY=$lib mono "$(basename "$example" .cs).exe")
done
if [ -n "$sim" ]; then
    WXPAY_LIBRARY=$lib WXPAY_SIM=$sim OUT=$out "$root/examples/dotnet/run-simulator-demo.sh"
fi

if [ "${WXPAY_SKIP_CORECLR:-}" = 1 ]; then
    echo "== .NET Core skipped (WXPAY_SKIP_CORECLR=1)"
    exit 0
fi

echo "== .NET Core 3.1 (dotnetcore2 from PyPI)"
venv=${WXPAY_DOTNETCORE2:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/wxpay/dotnetcore2}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import dotnetcore2" 2>/dev/null; then
    "$venv/bin/pip" install -q --disable-pip-version-check dotnetcore2
fi
dotnet=$("$venv/bin/python" -c "import dotnetcore2, os; print(os.path.join(os.path.dirname(dotnetcore2.__file__), 'bin', 'dotnet'))")
"$dotnet" --list-runtimes
# The host runs "app.dll" with "app.runtimeconfig.json" beside it; the assemblies are the ones Mono ran.
for app in Smoke SuiteRunner; do
    cp "$out/$app.exe" "$out/$app.dll"
    cp "$here/smoke/netcore31.runtimeconfig.json" "$out/$app.runtimeconfig.json"
done
# The NUnit suite itself, through a small runner (nunit-console 2.6 needs Mono). The
# ManagedCrypto tests use .NET's MD5/HMACSHA256, which on .NET Core 3.1 need OpenSSL 1.x.
(cd "$out" && WXPAY_LIBRARY=$lib "$dotnet" SuiteRunner.dll --exclude-category ManagedCrypto)
# 1. Default search: no override, the library found in the NuGet layout beside WxPay.dll.
(cd "$out" && env -u WXPAY_LIBRARY "$dotnet" Smoke.dll --expect-loaded-from "$out/runtimes/linux-x64/native/libwxpay.so")
# 2. A wrong WXPAY_LIBRARY is a clear error, not a fallback to another copy.
(cd "$out" && WXPAY_LIBRARY=/nonexistent/libwxpay.so "$dotnet" Smoke.dll --expect-load-failure)
# 3. WxPay.LibraryPath wins over the environment.
(cd "$out" && WXPAY_LIBRARY=/nonexistent/libwxpay.so "$dotnet" Smoke.dll --library-path "$lib" --expect-loaded-from "$lib")
# 4. The simulator demo: real requests, mutual TLS, on .NET Core.
if [ -n "$sim" ]; then
    WXPAY_LIBRARY=$lib WXPAY_SIM=$sim OUT=$out DOTNET=$dotnet CORECLR_ONLY=1 "$root/examples/dotnet/run-simulator-demo.sh"
fi
echo "== all .NET checks passed"
