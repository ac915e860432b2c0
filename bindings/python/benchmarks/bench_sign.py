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
once. The "anatomy" lines time the parts of a Signer.sign call separately
(joining the dict's names and values in Python; the bare ctypes call of
wxpay_signer_sign_split on pre-packed bytes with pre-converted arguments, which
includes the native work; an empty ctypes call, the floor of any call) to show
where the time goes.
"""

from __future__ import annotations

import argparse
import ctypes
import platform
import sys
import time
import timeit
from functools import partial
from typing import Callable, Dict, List, Optional, Tuple

import wxpay
from wxpay import SignType

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
    cap = wxpay._ffi.LEN(65)

    def run() -> int:
        names = "\0".join(order).encode()
        values = "\0".join(order.values()).encode()
        return int(raw_sign(native, names, len(names), values, len(values), len(order), out, cap))

    return run


def best_per_call(candidates: Dict[str, Callable[[], object]], repeat: int, min_time: float) -> Dict[str, float]:
    """Seconds per call of each candidate, the best of `repeat` runs.

    The runs are interleaved (A B C, A B C, ...) so that a burst of load on a
    shared machine hits every candidate alike instead of skewing one row.
    """
    timers = {}
    for name, fn in candidates.items():
        timer = timeit.Timer(fn, timer=CLOCK)
        number, taken = timer.autorange()
        timers[name] = (timer, max(number, int(number * min_time / taken)))
    best = {name: float("inf") for name in candidates}
    for _ in range(repeat):
        for name, (timer, number) in timers.items():
            best[name] = min(best[name], timer.timeit(number) / number)
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
    buf = ctypes.create_string_buffer(65)
    raw_sign = wxpay._ffi.lib.wxpay_signer_sign_split
    length = wxpay._ffi.LEN  # the ctypes type the wrapper declares for the lengths
    candidates: Dict[str, Callable[[], object]] = {"empty call": wxpay._ffi.lib.wxpay_last_error_code}
    signers = []
    algorithms = (("MD5", SignType.MD5, wechat_md5), ("HMAC-SHA256", SignType.HMAC_SHA256, wechat_hmac))

    for field_value, algorithm, theirs in algorithms:
        order = unified_order(field_value)
        ours = wxpay.sign(order, KEY)
        if theirs is not None:
            expected = theirs(order, KEY)
            if ours != expected:
                print(f"signatures differ for {field_value}: wxpay {ours}, wechatpy {expected}", file=sys.stderr)
                return 1
            candidates[f"wechatpy {field_value}"] = partial(theirs, order, KEY)
        signer = wxpay.Signer(KEY, algorithm)
        signers.append(signer)
        if signer.sign(order) != ours:
            print(f"wxpay.sign and Signer.sign differ for {field_value}", file=sys.stderr)
            return 1
        candidates[f"wxpay {field_value}"] = partial(wxpay.sign, order, KEY)
        candidates[f"signer {field_value}"] = partial(signer.sign, order)
        # The anatomy of Signer.sign: packing in Python, then the bare ctypes call on pre-packed bytes.
        names, values = pack(order)
        candidates[f"pack {field_value}"] = partial(pack, order)
        candidates[f"pack+call {field_value}"] = pack_and_call(raw_sign, signer, order, buf)
        candidates[f"call {field_value}"] = partial(
            raw_sign,
            signer._native.arg,  # type: ignore[union-attr]
            names,
            length(len(names)),
            values,
            length(len(values)),
            length(len(order)),
            ctypes.c_void_p(ctypes.addressof(buf)),
            length(65),
        )

    t = best_per_call(candidates, args.repeat, args.min_time)

    print(f"wxpay {wxpay.__version__} vs {wechat_note}")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, 16-field unified order, "
        f"best of {args.repeat}, CPU time"
    )
    print()
    print(
        f"| {'algorithm':<12} | {'wxpay.sign':>11} | {'Signer.sign':>11} | {'wechatpy':>11} "
        f"| {'wxpay.sign':>10} | {'Signer.sign':>11} |"
    )
    print(f"| {'':<12} | {'':>11} | {'':>11} | {'':>11} | {'speed-up':>10} | {'speed-up':>11} |")
    print(f"|{'-' * 14}|{'-' * 13}|{'-' * 13}|{'-' * 13}|{'-' * 12}|{'-' * 13}|")
    for field_value, _, _ in algorithms:
        module_t, signer_t = t[f"wxpay {field_value}"], t[f"signer {field_value}"]
        theirs_t = t.get(f"wechatpy {field_value}")
        theirs_text = f"{theirs_t * 1e6:8.2f} µs" if theirs_t is not None else f"{'n/a':>11}"
        module_ratio = f"{theirs_t / module_t:9.2f}x" if theirs_t is not None else f"{'n/a':>10}"
        signer_ratio = f"{theirs_t / signer_t:10.2f}x" if theirs_t is not None else f"{'n/a':>11}"
        print(
            f"| {field_value:<12} | {module_t * 1e6:8.2f} µs | {signer_t * 1e6:8.2f} µs | {theirs_text} "
            f"| {module_ratio} | {signer_ratio} |"
        )
    print()
    print("Where a Signer.sign call spends its time:")
    print(
        f"| {'algorithm':<12} | {'pack dict':>9} | {'ctypes call':>11} | {'together':>8} "
        f"| {'method, buffer, decode':>22} | {'empty call':>10} |"
    )
    print(f"|{'-' * 14}|{'-' * 11}|{'-' * 13}|{'-' * 10}|{'-' * 24}|{'-' * 12}|")
    for field_value, _, _ in algorithms:
        t_pack, t_call = t[f"pack {field_value}"], t[f"call {field_value}"]
        t_both, t_total = t[f"pack+call {field_value}"], t[f"signer {field_value}"]
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
