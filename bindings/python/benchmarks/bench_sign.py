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

Rows: ``wxpay.sign(order, KEY)`` (the one-call function: the library checks
the key on every call) and ``Signer.sign(order)`` on a signer made once,
beside wechatpy, timed in interleaved rounds in one process.
"""

from __future__ import annotations

import argparse
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
    candidates: Dict[str, Callable[[], object]] = {}
    signers = []
    algorithms = (("MD5", SignType.MD5, wechat_md5), ("HMAC-SHA256", SignType.HMAC_SHA256, wechat_hmac))
    for field_value, algorithm, theirs in algorithms:
        order = unified_order(field_value)
        signer = wxpay.Signer(KEY, algorithm)
        signers.append(signer)
        expected = theirs(order, KEY) if theirs is not None else None
        ours = {wxpay.sign(order, KEY), signer.sign(order)}
        if len(ours) != 1 or (expected is not None and ours != {expected}):
            print(f"signatures differ for {field_value}: wxpay {ours}, wechatpy {expected}")
            return 1
        candidates[f"wxpay {field_value}"] = partial(wxpay.sign, order, KEY)
        candidates[f"signer {field_value}"] = partial(signer.sign, order)
        if theirs is not None:
            candidates[f"wechatpy {field_value}"] = partial(theirs, order, KEY)

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
        theirs_t = t.get(f"wechatpy {field_value}")
        theirs_text = f"{theirs_t * 1e6:8.2f} µs" if theirs_t is not None else f"{'n/a':>11}"
        module_t, signer_t = t[f"wxpay {field_value}"], t[f"signer {field_value}"]
        module_ratio = f"{theirs_t / module_t:9.2f}x" if theirs_t is not None else f"{'n/a':>10}"
        signer_ratio = f"{theirs_t / signer_t:10.2f}x" if theirs_t is not None else f"{'n/a':>11}"
        print(
            f"| {field_value:<12} | {module_t * 1e6:8.2f} µs | {signer_t * 1e6:8.2f} µs "
            f"| {theirs_text} | {module_ratio} | {signer_ratio} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
