"""The wheel's smoke test (make test-dist): run from a fresh venv where the
wheel was installed, against the simulator named by WXPAY_SIM_URL and
WXPAY_SIM_DIR. Signs, verifies a signed response and refuses a changed one,
reverses an order over mutual TLS with the legacy .p12, refuses a forged
payment notification, and checks the library came from the installed package."""

import hashlib
import os
import sys
import sysconfig
from pathlib import Path

import wxpay

url, sim_dir = os.environ["WXPAY_SIM_URL"], Path(os.environ["WXPAY_SIM_DIR"])
mch_id, appid, key = os.environ["WXPAY_SIM_MCH_ID"], os.environ["WXPAY_SIM_APPID"], os.environ["WXPAY_SIM_KEY"]
failures = 0


def check(ok: bool, what: str) -> None:
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += not ok


site = Path(sysconfig.get_paths()["purelib"]).resolve()
lib_file = Path(wxpay.__file__).resolve().parent / "libwxpay.so"
mapped = {line.split()[-1] for line in open("/proc/self/maps") if "libwxpay" in line}
check(mapped == {str(lib_file)} and site in lib_file.parents, f"the library loaded is the installed package's ({lib_file})")
check("WXPAY_LIBRARY" not in os.environ, "no WXPAY_LIBRARY")

order = {"appid": appid, "mch_id": mch_id, "nonce_str": "5K8264ILTKCH16CQ", "total_fee": "0", "body": "smoke"}
canonical = "&".join(f"{k}={order[k]}" for k in sorted(order)) + "&key=" + key
sign = wxpay.sign(order, key)
check(sign == hashlib.md5(canonical.encode()).hexdigest().upper(), "sign (MD5) equals hashlib's")

response = dict(order, return_code="SUCCESS", sign="")
response["sign"] = wxpay.sign({k: v for k, v in response.items() if k != "sign"}, key)
xml = wxpay.build_xml(response)
check(wxpay.verify_xml(xml.encode(), key)["total_fee"] == "0", "verify a signed response")
try:
    wxpay.verify_xml(xml.replace("<total_fee><![CDATA[0]]>", "<total_fee><![CDATA[1]]>").encode(), key)
    check(False, "a changed response is refused")
except wxpay.SignatureError:
    check(True, "a changed response is refused")

with wxpay.Client(appid=appid, mch_id=mch_id, api_key=key, host=url, root_ca=str(sim_dir / "ca.pem"),
                  p12=str(sim_dir / "apiclient_cert_legacy.p12"), proxy="none", logger=None) as client:
    placed = client.unified_order(body="smoke", out_trade_no="SMOKE-PY-1", total_fee="1",
                                  spbill_create_ip="127.0.0.1", notify_url="https://127.0.0.1/n",
                                  trade_type="NATIVE", product_id="p1")
    check(bool(placed.get("prepay_id")), "pay/unifiedorder")
    check(client.reverse(out_trade_no="SMOKE-PY-1").get("recall") == "N", "secapi/pay/reverse over mutual TLS (RC2-40 .p12)")
    forged = (f"<xml><appid>{appid}</appid><mch_id>{mch_id}</mch_id><nonce_str>x</nonce_str>"
              "<return_code>SUCCESS</return_code><result_code>SUCCESS</result_code>"
              "<out_trade_no>SMOKE-PY-1</out_trade_no><total_fee>1</total_fee>"
              "<sign>0123456789ABCDEF0123456789ABCDEF</sign></xml>")
    try:
        client.parse_notification(forged.encode())
        check(False, "a forged payment notification is refused")
    except wxpay.SignatureError:
        check(True, "a forged payment notification is refused")

print(f"smoke.py: {failures} failed")
sys.exit(1 if failures else 0)
