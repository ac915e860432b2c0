"""wxpay.Client against the local simulator: order, notification, refund, micropay, bill.

Start the simulator, then point this script at it:

    target/release/wxpay-sim --dir /tmp/wxpay-sim &       # prints WXPAY_SIM_READY url=... dir=...
    WXPAY_LIBRARY=target/release/libwxpay.so \\
        python examples/python/simulator_demo.py https://127.0.0.1:PORT /tmp/wxpay-sim

or set WXPAY_SIM_URL and WXPAY_SIM_DIR instead of the two arguments. The
simulator's defaults are used for the merchant (mch_id 1900000109, its API
key, the .p12 whose password is the mch_id).
"""

import argparse
import datetime
import http.server
import logging
import os
import queue
import ssl
import sys
import threading
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


class NotifyListener:
    """The merchant's notify_url on 127.0.0.1: each notification is verified by the client and answered.

    A payment notification goes through ``Client.parse_notification``, a
    refund notification (path ``/refund``) through
    ``Client.decrypt_refund_notification``; a verified one is answered
    SUCCESS, anything refused FAIL (WeChat then retries).
    """

    def __init__(self, client):
        self.seen = queue.Queue()
        seen = self.seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    if self.path == "/refund":
                        result = client.decrypt_refund_notification(body)
                    else:
                        result = client.parse_notification(body)
                    reply = wxpay.notification_reply(True)
                except wxpay.WxPayError as e:
                    result = e
                    reply = wxpay.notification_reply(False, e.code_name)
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                seen.put((self.path, result, reply))

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self):
        return self.seen.get(timeout=30)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def beijing_today():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m%d")


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
        listener = NotifyListener(client)
        info = client.endpoint_info("secapi/pay/refund")
        print(f"secapi/pay/refund needs the merchant certificate: {info.certificate}")

        order = client.unified_order(
            body="wxpay demo - QQ会员充值",
            out_trade_no=out_trade_no,
            total_fee="88",
            spbill_create_ip="127.0.0.1",
            notify_url=listener.url + "/pay",
            trade_type="NATIVE",
            product_id="demo-1",
        )
        show("1. unified order (NATIVE)", order)
        print(f"   the customer would scan {order['code_url']}")

        show("2. order query before payment", client.order_query(out_trade_no=out_trade_no))

        customer_pays(url, sim_dir, out_trade_no)
        _, notification, reply = listener.next()
        if not isinstance(notification, wxpay.Notification):
            raise SystemExit(f"the payment notification was refused: {notification}")
        print(f"3. payment notification verified: paid={notification.paid}, "
              f"transaction_id={notification['transaction_id']}; answered {wxpay.parse_xml(reply)['return_code']}")
        forged = dict(notification, total_fee="1")
        try:
            client.parse_notification(wxpay.build_xml(forged))
        except wxpay.SignatureError as e:
            print(f"   a forged copy (total_fee changed) is refused: {e.code_name}")
        paid = client.order_query(out_trade_no=out_trade_no)
        show("4. order query after the customer paid", paid)

        refund = client.refund(
            out_trade_no=out_trade_no,
            out_refund_no=out_trade_no + "-r1",
            total_fee="88",
            refund_fee="88",
            notify_url=listener.url + "/refund",
        )
        show("5. refund over mutual TLS (apiclient_cert.p12)", refund)
        _, refund_info, _ = listener.next()
        if not isinstance(refund_info, wxpay.RefundNotification):
            raise SystemExit(f"the refund notification was refused: {refund_info}")
        print(f"   refund notification decrypted: {refund_info['out_refund_no']} {refund_info['refund_status']}")
        show("6. refund query", client.refund_query(out_trade_no=out_trade_no))

        params = client.jsapi_params(order["prepay_id"])
        print(f"7. JSAPI parameters for the page: signType={params['signType']} paySign={params['paySign']}")

        scan = client.micropay_flow(
            body="wxpay demo - counter",
            out_trade_no=out_trade_no + "-mp",
            total_fee="1",
            spbill_create_ip="127.0.0.1",
            auth_code="134612345678901234",
            poll_interval=0.05,
        )
        steps = ", ".join(f"{s['path']}:{s['outcome']}" for s in scan.steps)
        print(f"8. micropay (customer confirms on the phone): {scan.state.name} after {steps}")

        bill = client.parsed_bill(bill_date=beijing_today())
        print(f"9. today's bill: {len(bill.rows)} rows, summary {bill.summary}")

        try:
            client.order_query(out_trade_no="demo-no-such-order")
        except wxpay.BusinessError as e:
            print(f"10. querying an unknown order: {type(e).__name__} err_code={e.err_code} ({e.err_code_des})")
        listener.close()

    without_certificate = wxpay.Client(
        appid=APPID, mch_id=MCH_ID, api_key=API_KEY, host=url, root_ca=sim_dir / "ca.pem"
    )
    with without_certificate:
        try:
            without_certificate.refund(out_trade_no=out_trade_no, out_refund_no="x", total_fee="88", refund_fee="1")
        except wxpay.CertificateRequired as e:
            print(f"11. refund without a certificate refused before sending: {e.code_name}")
    print(f"demo finished: {out_trade_no} ordered, paid, notified, refunded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
