"""Benchmark: request throughput of wxpay.Client against a requests.Session client.

A benchmark, not a test: it prints numbers and asserts nothing about speed.

Both clients make the same call to the local simulator: a signed
``pay/orderquery`` for an existing order, POSTed over mutual TLS (the
merchant certificate presented, the simulator's CA trusted), with the
response parsed and its signature verified. The requests variant does the
protocol by hand with hashlib and ElementTree, as a merchant without this
library would; it runs in the same process, against the same simulator, in
interleaved rounds.

Setup (once; bindings/python/test.sh makes the .venv):

    cargo build --release                      # libwxpay.so and wxpay-sim
    bindings/python/.venv/bin/pip install 'requests>=2.28'

Run:

    WXPAY_LIBRARY=target/release/libwxpay.so \\
        bindings/python/.venv/bin/python bindings/python/benchmarks/bench_request.py

It starts target/release/wxpay-sim in a temporary directory (or pass
--sim-url and --sim-dir for a running one).
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import secrets
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import wxpay

MCH_ID = "1900000109"
APPID = "wx2421b1c4370ec43b"
KEY = "192006250b4c09247ec02edce69f6a2d"
REPO_ROOT = Path(__file__).resolve().parents[3]


def start_simulator(binary: Path, directory: str) -> Tuple["subprocess.Popen[bytes]", str, Path]:
    proc = subprocess.Popen([str(binary), "--dir", directory], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    first = proc.stdout.readline().decode()
    if not first.startswith("WXPAY_SIM_READY "):
        proc.kill()
        raise SystemExit(f"wxpay-sim did not start: {first!r}")
    stdout = proc.stdout
    # Keep draining so the simulator never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in stdout], daemon=True).start()
    parts = dict(p.split("=", 1) for p in first.split()[1:])
    return proc, parts["url"], Path(parts["dir"])


# -- the requests variant: the protocol by hand -------------------------------


def md5_sign(fields: Dict[str, str]) -> str:
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "sign" and fields[k] != "")
    return hashlib.md5(f"{text}&key={KEY}".encode()).hexdigest().upper()


def to_xml(fields: Dict[str, str]) -> bytes:
    return ("<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()) + "</xml>").encode()


def from_xml(body: bytes) -> Dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(body)}


def mtls_session(sim_dir: Path) -> Any:
    """A requests.Session presenting the merchant certificate and trusting the simulator's CA.

    The TLS context is Python's default one, given to urllib3 through an
    adapter: urllib3 2's own context applies X.509 checks stricter than
    OpenSSL's defaults, which the simulator's test CA does not meet.
    """
    import requests
    from requests.adapters import HTTPAdapter

    context = ssl.create_default_context(cafile=str(sim_dir / "ca.pem"))
    context.load_cert_chain(str(sim_dir / "apiclient_cert.pem"), str(sim_dir / "apiclient_key.pem"))

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = context
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("https://", Adapter())
    return session


class RequestsClient:
    def __init__(self, url: str, sim_dir: Path) -> None:
        self.url = url + "/pay/orderquery"
        self.session = mtls_session(sim_dir)

    def order_query(self, out_trade_no: str) -> Dict[str, str]:
        fields = {"appid": APPID, "mch_id": MCH_ID, "out_trade_no": out_trade_no, "nonce_str": secrets.token_hex(16)}
        fields["sign"] = md5_sign(fields)
        response = self.session.post(self.url, data=to_xml(fields), timeout=10)
        response.raise_for_status()
        answer = from_xml(response.content)
        if answer.get("return_code") != "SUCCESS" or answer.get("result_code") != "SUCCESS":
            raise RuntimeError(f"failed: {answer}")
        if not secrets.compare_digest(answer.get("sign", ""), md5_sign(answer)):
            raise RuntimeError("bad response signature")
        return answer


# -- timing ----------------------------------------------------------------------


def per_request(fn: Callable[[], object], count: int, threads: int) -> float:
    """Seconds per request, wall clock, with ``threads`` threads sharing ``count`` calls."""

    def work(n: int) -> None:
        for _ in range(n):
            fn()

    share = count // threads
    workers = [threading.Thread(target=work, args=(share,)) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return (time.perf_counter() - start) / (share * threads)


def best(candidates: Mapping[str, Callable[[], object]], count: int, rounds: int, threads: int) -> Dict[str, float]:
    """Best of ``rounds`` interleaved runs, so load bursts hit both alike."""
    results: Dict[str, List[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            results[name].append(per_request(fn, count, threads))
    return {name: min(times) for name, times in results.items()}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="wxpay.Client vs requests.Session, order queries over mTLS")
    parser.add_argument("--sim", default=str(REPO_ROOT / "target" / "release" / "wxpay-sim"))
    parser.add_argument("--sim-url")
    parser.add_argument("--sim-dir")
    parser.add_argument("--count", type=int, default=1000, help="requests per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the best counts (default 5)")
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 4], help="thread counts (default 1 4)")
    args = parser.parse_args(argv)

    proc = None
    tmp = None
    if args.sim_url and args.sim_dir:
        url, sim_dir = args.sim_url.rstrip("/"), Path(args.sim_dir)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench-sim-")
        proc, url, sim_dir = start_simulator(Path(args.sim), tmp.name)
    try:
        client = wxpay.Client(
            appid=APPID,
            mch_id=MCH_ID,
            api_key=KEY,
            host=url,
            root_ca=sim_dir / "ca.pem",
            p12=sim_dir / "apiclient_cert.p12",
        )
        out_trade_no = f"bench{int(time.time())}"
        client.unified_order(
            body="bench",
            out_trade_no=out_trade_no,
            total_fee="1",
            spbill_create_ip="127.0.0.1",
            notify_url="https://127.0.0.1:9/n",
            trade_type="NATIVE",
            product_id="p",
        )
        by_hand = RequestsClient(url, sim_dir)
        # Same answer from both before anything is timed.
        ours = client.order_query(out_trade_no=out_trade_no)
        theirs = by_hand.order_query(out_trade_no)
        assert ours["trade_state"] == theirs["trade_state"] == "NOTPAY", (ours, theirs)

        candidates = {
            "wxpay.Client": lambda: client.order_query(out_trade_no=out_trade_no),
            "requests.Session": lambda: by_hand.order_query(out_trade_no),
        }
        best(candidates, 100, 1, 1)  # warm-up: connections, caches
        import requests

        requests_version = getattr(requests, "__version__", "?")
        print(
            f"Python {platform.python_version()} on {platform.machine()}, requests {requests_version}, "
            f"{args.count} order queries per round, best of {args.rounds} interleaved rounds"
        )
        print()
        print("| threads | client           |  µs/request |  requests/s | speed-up |")
        print("|---------|------------------|-------------|-------------|----------|")
        for threads in args.threads:
            times = best(candidates, args.count, args.rounds, threads)
            base = times["requests.Session"]
            for name, t in times.items():
                print(f"| {threads:7} | {name:16} | {t * 1e6:11.1f} | {1 / t:11.0f} | {base / t:7.2f}x |")
        client.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
