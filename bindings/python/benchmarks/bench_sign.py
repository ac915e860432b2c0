"""Benchmark: wxpay.sign and wxpay.Signer.sign against wechatpy's calculate_signature on one unified order.

A benchmark, not a test: it prints numbers and asserts nothing about speed.

Setup (once; a virtualenv, nothing system-wide):

    cargo build --release
    python3 -m venv bindings/python/.venv
    bindings/python/.venv/bin/pip install ./bindings/python 'wechatpy[cryptography]>=1.8,<1.9'

Run:

    WXPAY_LIBRARY=target/release/libwxpay.so bindings/python/.venv/bin/python bindings/python/benchmarks/bench_sign.py

(bindings/python/test.sh creates the same .venv; add wechatpy to it with the
pip line above.) Without wechatpy the script times wxpay alone.

Both sides sign the same 16-field order (Chinese body included, as merchants
send it) and must produce the same signature before anything is timed. The
order carries no "0" or empty values: wechatpy drops zero values, a known bug,
and the comparison would otherwise be between two different strings.

Rows: ``wxpay.sign(order, KEY)`` (the module function, which finds its signer
in the cache after the first call) and ``Signer.sign(order)`` on a signer made
once, each on both paths: with the C accelerator ``wxpay._speedups`` (when it
is built; ``wxpay.SPEEDUPS`` says so) and on the ctypes path alone, which is
what runs without the accelerator (``WXPAY_PYTHON_NO_SPEEDUPS=1``, no
compiler at install time, PyPy). The path is switched for each candidate's
timing run (the module global ``wxpay._sign._fast_sign``), so all rows come
from one process and interleaved rounds. The "anatomy" lines time the parts of
a call separately: for the ctypes path, joining the dict's names and values in
Python and the bare ctypes call of wxpay_signer_sign_split on pre-packed bytes
with pre-converted arguments, which includes the native work, and an empty
ctypes call, the floor of any call; for the accelerator, its bare
``sign_split`` (packing in C and the library call).
"""

from __future__ import annotations

import argparse
import ctypes
import platform
import sys
import time
import timeit
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Tuple

import wxpay
from wxpay import SignType, _sign

KEY = "192006250b4c09247ec02edce69f6a2d"


def unified_order(sign_type: str) -> Dict[str, str]:
    return {
        "appid": "wx2421b1c4370ec43b",
        "mch_id": "10000100",
        "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "sign_type": sign_type,
        "body": "腾讯充值中心-QQ会员充值",
        "detail": "商品详情：QQ会员 1 个月",
        "attach": "深圳分店",
        "out_trade_no": "20150806125346",
        "fee_type": "CNY",
        "total_fee": "88",
        "spbill_create_ip": "123.12.12.123",
        "time_start": "20091225091010",
        "time_expire": "20091227091010",
        "notify_url": "http://www.weixin.qq.com/wxpay/pay.php",
        "trade_type": "JSAPI",
    }


# CPU time of this process, not wall time: on a shared machine, time spent
# waiting for a core is then not counted against whichever row it hit.
# (Everything timed here is single-threaded and does no I/O.)
CLOCK = time.process_time


def pack(order: Dict[str, str]) -> Tuple[bytes, bytes]:
    """What Signer.sign does to the dict before the native call: one list of names, one of values."""
    return "\0".join(order).encode(), "\0".join(order.values()).encode()


def pack_and_call(
    raw_sign: Callable[..., int], signer: wxpay.Signer, order: Dict[str, str], buf: "ctypes.Array[ctypes.c_char]"
) -> Callable[[], int]:
    """Signer.sign without the method: the joins and the ctypes call with the lengths as plain ints."""
    native = signer._native.arg  # type: ignore[union-attr]
    out = ctypes.c_void_p(ctypes.addressof(buf))
    cap = wxpay._ffi.c_size_t(65)

    def run() -> int:
        names = "\0".join(order).encode()
        values = "\0".join(order.values()).encode()
        return int(raw_sign(native, names, len(names), values, len(values), len(order), out, cap))

    return run


# A candidate: the call, and the accelerator to run it with (None: the ctypes path alone).
Candidate = Tuple[Callable[[], object], Any]


def best_per_call(candidates: Dict[str, Candidate], repeat: int, min_time: float) -> Dict[str, float]:
    """Seconds per call of each candidate, the best of `repeat` runs.

    The runs are interleaved (A B C, A B C, ...) so that a burst of load on a
    shared machine hits every candidate alike instead of skewing one row.
    Each candidate's runs happen with its own signing path switched on.
    """
    accelerator = _sign._fast_sign
    timers = {}
    try:
        for name, (fn, path) in candidates.items():
            _sign._fast_sign = path
            timer = timeit.Timer(fn, timer=CLOCK)
            number, taken = timer.autorange()
            timers[name] = (timer, max(number, int(number * min_time / taken)), path)
        best = {name: float("inf") for name in candidates}
        for _ in range(repeat):
            for name, (timer, number, path) in timers.items():
                _sign._fast_sign = path
                best[name] = min(best[name], timer.timeit(number) / number)
    finally:
        _sign._fast_sign = accelerator
    return best


def load_wechatpy() -> Tuple[Optional[Callable[..., str]], Optional[Callable[..., str]], str]:
    try:
        import wechatpy  # type: ignore[import-untyped]
        from wechatpy.pay import utils  # type: ignore[import-untyped]
    except Exception as e:  # wechatpy raises a bare Exception when no crypto backend is installed
        return None, None, f"wechatpy not available ({e}); install it as the docstring says"
    return (
        utils.calculate_signature,
        getattr(utils, "calculate_signature_hmac", None),
        f"wechatpy {getattr(wechatpy, '__version__', '?')}",
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timing runs per row; the best is kept")
    parser.add_argument("--min-time", type=float, default=0.3, help="seconds per timing run")
    args = parser.parse_args(argv)

    wechat_md5, wechat_hmac, wechat_note = load_wechatpy()
    accelerator = _sign._fast_sign
    paths: List[Tuple[str, Any]] = [("ctypes", None)]
    if accelerator is not None:
        paths.insert(0, ("speedups", accelerator))
    buf = ctypes.create_string_buffer(65)
    raw_sign = wxpay._ffi.lib.wxpay_signer_sign_split
    length = wxpay._ffi.c_size_t  # the ctypes type the wrapper declares for the lengths
    candidates: Dict[str, Candidate] = {"empty call": (wxpay._ffi.lib.wxpay_last_error_code, None)}
    signers = []
    algorithms = (("MD5", SignType.MD5, wechat_md5), ("HMAC-SHA256", SignType.HMAC_SHA256, wechat_hmac))

    for field_value, algorithm, theirs in algorithms:
        order = unified_order(field_value)
        signer = wxpay.Signer(KEY, algorithm)
        signers.append(signer)
        expected = theirs(order, KEY) if theirs is not None else None
        for path_name, path in paths:
            _sign._fast_sign = path
            try:
                wxpay.sign(order, KEY)  # the first call with a key makes its signer
                ours = {wxpay.sign(order, KEY), signer.sign(order)}
            finally:
                _sign._fast_sign = accelerator
            if len(ours) != 1 or (expected is not None and ours != {expected}):
                print(f"signatures differ for {field_value} ({path_name}): wxpay {ours}, wechatpy {expected}")
                return 1
            candidates[f"wxpay {field_value} {path_name}"] = (partial(wxpay.sign, order, KEY), path)
            candidates[f"signer {field_value} {path_name}"] = (partial(signer.sign, order), path)
        if theirs is not None:
            candidates[f"wechatpy {field_value}"] = (partial(theirs, order, KEY), None)
        # The anatomy of Signer.sign on the ctypes path: packing in Python, then the bare ctypes call.
        names, values = pack(order)
        candidates[f"pack {field_value}"] = (partial(pack, order), None)
        candidates[f"pack+call {field_value}"] = (pack_and_call(raw_sign, signer, order, buf), None)
        candidates[f"call {field_value}"] = (
            partial(
                raw_sign,
                signer._native.arg,  # type: ignore[union-attr]
                names,
                length(len(names)),
                values,
                length(len(values)),
                length(len(order)),
                ctypes.c_void_p(ctypes.addressof(buf)),
                length(65),
            ),
            None,
        )
        if accelerator is not None:
            # The accelerator's own work: packing in C and the library call, without the method around it.
            candidates[f"sign_split {field_value}"] = (
                partial(accelerator, signer._native.pointer, order),  # type: ignore[union-attr]
                accelerator,
            )

    t = best_per_call(candidates, args.repeat, args.min_time)

    print(f"wxpay {wxpay.__version__} vs {wechat_note}")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, 16-field unified order, "
        f"best of {args.repeat}, CPU time"
    )
    if accelerator is None:
        print("the C accelerator wxpay._speedups is not active (not built, or WXPAY_PYTHON_NO_SPEEDUPS): ctypes only")
    print()
    print(
        f"| {'algorithm':<12} | {'path':<8} | {'wxpay.sign':>11} | {'Signer.sign':>11} | {'wechatpy':>11} "
        f"| {'wxpay.sign':>10} | {'Signer.sign':>11} |"
    )
    print(f"| {'':<12} | {'':<8} | {'':>11} | {'':>11} | {'':>11} | {'speed-up':>10} | {'speed-up':>11} |")
    print(f"|{'-' * 14}|{'-' * 10}|{'-' * 13}|{'-' * 13}|{'-' * 13}|{'-' * 12}|{'-' * 13}|")
    for field_value, _, _ in algorithms:
        theirs_t = t.get(f"wechatpy {field_value}")
        theirs_text = f"{theirs_t * 1e6:8.2f} µs" if theirs_t is not None else f"{'n/a':>11}"
        for path_name, _ in paths:
            module_t, signer_t = t[f"wxpay {field_value} {path_name}"], t[f"signer {field_value} {path_name}"]
            module_ratio = f"{theirs_t / module_t:9.2f}x" if theirs_t is not None else f"{'n/a':>10}"
            signer_ratio = f"{theirs_t / signer_t:10.2f}x" if theirs_t is not None else f"{'n/a':>11}"
            print(
                f"| {field_value:<12} | {path_name:<8} | {module_t * 1e6:8.2f} µs | {signer_t * 1e6:8.2f} µs "
                f"| {theirs_text} | {module_ratio} | {signer_ratio} |"
            )
    print("speedups: the C accelerator wxpay._speedups; ctypes: the path without it (the fallback).")
    print()
    print("Where a Signer.sign call on the ctypes path spends its time:")
    print(
        f"| {'algorithm':<12} | {'pack dict':>9} | {'ctypes call':>11} | {'together':>8} "
        f"| {'method, buffer, decode':>22} | {'empty call':>10} |"
    )
    print(f"|{'-' * 14}|{'-' * 11}|{'-' * 13}|{'-' * 10}|{'-' * 24}|{'-' * 12}|")
    for field_value, _, _ in algorithms:
        t_pack, t_call = t[f"pack {field_value}"], t[f"call {field_value}"]
        t_both, t_total = t[f"pack+call {field_value}"], t[f"signer {field_value} ctypes"]
        print(
            f"| {field_value:<12} | {t_pack * 1e6:6.2f} µs | {t_call * 1e6:8.2f} µs "
            f"| {(t_both - t_pack - t_call) * 1e6:5.2f} µs | {(t_total - t_both) * 1e6:19.2f} µs "
            f"| {t['empty call'] * 1e6:7.2f} µs |"
        )
    print("pack: the two joins (names, values) and their UTF-8 encoding; ctypes call: wxpay_signer_sign_split on")
    print("pre-built, pre-converted arguments, the native work included; together: what the two cost in one function")
    print("(freshly packed bytes, lengths converted per call) beyond the sum of the two alone; method, buffer,")
    print("decode: the rest of Signer.sign (the method call, the closed check, the thread's output buffer, decoding")
    print("the result); empty call: a ctypes call of a function without arguments, the floor of any ctypes call.")
    if accelerator is not None:
        print()
        print("Where a Signer.sign call with the accelerator spends its time:")
        print(f"| {'algorithm':<12} | {'sign_split':>10} | {'method, checks':>14} |")
        print(f"|{'-' * 14}|{'-' * 12}|{'-' * 16}|")
        for field_value, _, _ in algorithms:
            t_split, t_total = t[f"sign_split {field_value}"], t[f"signer {field_value} speedups"]
            print(f"| {field_value:<12} | {t_split * 1e6:7.2f} µs | {(t_total - t_split) * 1e6:11.2f} µs |")
        print("sign_split: the extension's function alone (packing the dict in C, the library call with the GIL")
        print("released, the result string); method, checks: the rest of Signer.sign around it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
