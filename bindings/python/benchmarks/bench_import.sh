#!/usr/bin/env bash
# Benchmark, not a test: what `import wxpay` costs a process that installed
# the wheel, beside a bare interpreter and beside `import wechatpy` (the
# popular pure-Python SDK) when PyPI is reachable.
#
#   make dist          # builds dist/wxpay_v2-*.whl
#   bindings/python/benchmarks/bench_import.sh [WHEEL] [ROUNDS]
#
# The wheel goes into a fresh venv in a temporary directory (nothing from
# the repository is on sys.path). Each candidate is a new `python -c ...`
# process, run ROUNDS times (default 30), interleaved; the table gives the
# median wall time and, under valgrind when it is installed, the
# instructions of one run (callgrind: steadier than time on a busy machine).
# The last lines are `python -X importtime`'s five costliest modules.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
wheel=${1:-$(ls "$root"/dist/wxpay_v2-*.whl 2>/dev/null | head -n 1)}
rounds=${2:-30}
[ -f "$wheel" ] || { echo "bench_import: no wheel; run make dist or pass one" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset WXPAY_LIBRARY LD_LIBRARY_PATH

python3 -m venv "$work/venv"
py=$work/venv/bin/python
"$py" -m pip --disable-pip-version-check --quiet install --no-index --no-deps "$wheel"
names=("bare interpreter" "import wxpay")
codes=("pass" "import wxpay")
if "$py" -m pip --disable-pip-version-check --quiet install 'wechatpy[cryptography]==1.8.18' 2>/dev/null; then
    names+=("import wechatpy (1.8.18)")
    codes+=("import wechatpy.pay")
else
    echo "(wechatpy could not be installed from PyPI: its row is left out)"
fi
cd "$work"
# Warm the page cache and the bytecode caches, as in any process after the first.
for code in "${codes[@]}"; do "$py" -c "$code"; done

for ((r = 0; r < rounds; r++)); do
    for i in "${!codes[@]}"; do
        s=$(date +%s%N)
        "$py" -c "${codes[$i]}"
        e=$(date +%s%N)
        echo "$i $(( (e - s) / 1000 ))" >> times
    done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-26s %12s %16s\n' "process" "wall (ms)" "instructions"
for i in "${!codes[@]}"; do
    us=$(awk -v i="$i" '$1 == i { print $2 }' times | median)
    ins=-
    if command -v valgrind >/dev/null; then
        ins=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$py" -c "${codes[$i]}" 2>&1 \
            | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    fi
    printf '%-26s %12.1f %16s\n' "${names[$i]}" "$(awk -v us="$us" 'BEGIN { print us / 1000 }')" "$ins"
done
echo
echo "python -X importtime -c 'import wxpay', the five costliest (cumulative µs):"
"$py" -X importtime -c 'import wxpay' 2>&1 | sort -t'|' -k2 -n -r | sed -n '1,5p'
