"""wxpay.Client against the local simulator: order, query, refund with the merchant certificate.

Start the simulator, then point this script at it:

    target/release/wxpay-sim --dir /tmp/wxpay-sim &       # prints WXPAY_SIM_READY url=... dir=...
    WXPAY_LIBRARY=target/release/libwxpay.so \\
        python examples/python/simulator_demo.py https://127.0.0.1:PORT /tmp/wxpay-sim

or set WXPAY_SIM_URL and WXPAY_SIM_DIR instead of the two arguments. The
simulator's defaults are used for the merchant (mch_id 1900000109, its API
key, the .p12 whose password is the mch_id).
"""

import argparse
import logging
import os
import ssl
import sys
import time
import urllib.request
from pathlib import Path

import wxpay

MCH_ID = "1900000109"
APPID = "wx2421b1c4370ec43b"
API_KEY = "192006250b4c09247ec02edce69f6a2d"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("WXPAY_SIM_URL"), help="simulator base URL")
    parser.add_argument("dir", nargs="?", default=os.environ.get("WXPAY_SIM_DIR"), help="simulator data directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the library's debug log")
    args = parser.parse_args()
    if not args.url or not args.dir:
        parser.error("give the simulator URL and directory, or set WXPAY_SIM_URL and WXPAY_SIM_DIR")
    return args


def show(step, answer):
    print(f"{step}:")
    for name in sorted(answer):
        print(f"    {name} = {answer[name]}")


def customer_pays(url, sim_dir, out_trade_no):
    """The simulator's control call standing in for the customer scanning the code."""
    context = ssl.create_default_context(cafile=str(sim_dir / "ca.pem"))
    request = urllib.request.Request(f"{url}/sim/pay?out_trade_no={out_trade_no}", data=b"", method="POST")
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        response.read()


def main():
    args = arguments()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="    log %(levelname)s %(message)s"
    )
    url = args.url.rstrip("/")
    sim_dir = Path(args.dir)
    out_trade_no = f"demo{int(time.time() * 1000)}"
    print(f"wxpay {wxpay.__version__}, simulator at {url}")

    with wxpay.Client(
        appid=APPID,
        mch_id=MCH_ID,
        api_key=API_KEY,
        host=url,
        root_ca=sim_dir / "ca.pem",
        p12=sim_dir / "apiclient_cert.p12",
        timeout=10,
    ) as client:
        info = client.endpoint_info("secapi/pay/refund")
        print(f"secapi/pay/refund needs the merchant certificate: {info.certificate}")

        order = client.unified_order(
            body="wxpay demo - QQ会员充值",
            out_trade_no=out_trade_no,
            total_fee="88",
            spbill_create_ip="127.0.0.1",
            notify_url="https://127.0.0.1:9/notify",
            trade_type="NATIVE",
            product_id="demo-1",
        )
        show("1. unified order (NATIVE)", order)
        print(f"   the customer would scan {order['code_url']}")

        show("2. order query before payment", client.order_query(out_trade_no=out_trade_no))

        customer_pays(url, sim_dir, out_trade_no)
        paid = client.order_query(out_trade_no=out_trade_no)
        show("3. order query after the customer paid", paid)

        refund = client.refund(
            out_trade_no=out_trade_no,
            out_refund_no=out_trade_no + "-r1",
            total_fee="88",
            refund_fee="88",
        )
        show("4. refund over mutual TLS (apiclient_cert.p12)", refund)
        show("5. refund query", client.refund_query(out_trade_no=out_trade_no))

        try:
            client.order_query(out_trade_no="demo-no-such-order")
        except wxpay.BusinessError as e:
            print(f"6. querying an unknown order: {type(e).__name__} err_code={e.err_code} ({e.err_code_des})")

    without_certificate = wxpay.Client(
        appid=APPID, mch_id=MCH_ID, api_key=API_KEY, host=url, root_ca=sim_dir / "ca.pem"
    )
    with without_certificate:
        try:
            without_certificate.refund(out_trade_no=out_trade_no, out_refund_no="x", total_fee="88", refund_fee="1")
        except wxpay.CertificateRequired as e:
            print(f"7. refund without a certificate refused before sending: {e.code_name}")
    print(f"demo finished: {out_trade_no} ordered, paid, refunded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
