"""Sign a unified order, send it as XML, and check a (simulated) signed answer.

Run after `pip install ./bindings/python`, with WXPAY_LIBRARY pointing at
target/release/libwxpay.so:

    WXPAY_LIBRARY=target/release/libwxpay.so python examples/python/sign_and_verify.py
"""

import wxpay

# A sandbox-style key; real merchants read theirs from configuration, never from code.
API_KEY = "192006250b4c09247ec02edce69f6a2d"


def main() -> None:
    order = {
        "appid": "wx2421b1c4370ec43b",
        "mch_id": "10000100",
        "nonce_str": wxpay.nonce(),
        "sign_type": "HMAC-SHA256",
        "body": "腾讯充值中心-QQ会员充值",
        "out_trade_no": "20150806125346",
        "total_fee": str(88),  # amounts go in as text, in fen
        "spbill_create_ip": "123.12.12.123",
        "notify_url": "https://example.com/wxpay/notify",
        "trade_type": "NATIVE",
    }
    order["sign"] = wxpay.sign(order, API_KEY)  # sign_type field says HMAC-SHA256
    body = wxpay.build_xml(order)
    print("request body:", body[:80], "...")

    # What WeChat would answer, signed with the same key.
    answer = {"return_code": "SUCCESS", "result_code": "SUCCESS", "prepay_id": "wx201410272009395522657a690389285100",
              "nonce_str": wxpay.nonce(), "sign_type": "HMAC-SHA256"}
    answer["sign"] = wxpay.sign(answer, API_KEY)
    fields = wxpay.verify_xml(wxpay.build_xml(answer), API_KEY)
    print("verified answer, prepay_id =", fields["prepay_id"])

    forged = wxpay.build_xml(dict(answer, prepay_id="wx-forged"))
    try:
        wxpay.verify_xml(forged, API_KEY)
    except wxpay.SignatureError as e:
        print("forged answer refused:", e.code_name)

    try:
        wxpay.parse_xml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>')
    except wxpay.XmlError as e:
        print("XXE refused:", e.code_name)


if __name__ == "__main__":
    main()
