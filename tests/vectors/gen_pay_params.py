#!/usr/bin/env python3
"""Client pay-parameter vectors computed with Python's hashlib/hmac,
independently of wxpay.

Writes tests/vectors/pay_params.json. JSAPI / mini-program parameters are
appId, timeStamp, nonceStr, package=prepay_id=<id>, signType, signed into
paySign; App parameters are appid, partnerid, prepayid, package=Sign=WXPay,
noncestr, timestamp, signed into sign. Signing (PROTOCOL.md): sort names by
byte order (camelCase names sort by their bytes: 'appId' < 'nonceStr' <
'package' < 'signType' < 'timeStamp'), join k=v with &, append &key=KEY,
uppercase hex of MD5, or of HMAC-SHA256 keyed with the API key.
"""
import hashlib
import hmac
import json
import pathlib

KEY = "192006250b4c09247ec02edce69f6a2d"
APPID = "wx2421b1c4370ec43b"
MCH_ID = "1900000109"


def sign(fields, sign_type):
    text = "&".join(f"{k}={v}" for k, v in sorted(fields, key=lambda kv: kv[0].encode()) if v != "")
    text += "&key=" + KEY
    if sign_type == "MD5":
        return hashlib.md5(text.encode()).hexdigest().upper()
    return hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


CASES = [
    ("jsapi", "MD5", "wx201410272009395522657a690389285100", 1414561699, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
    ("jsapi", "HMAC-SHA256", "wx20161110163838f231619da20804912345", 1478767118, "e61463f8efa94090b1f366cccfbbb444"),
    ("app", "MD5", "wx201410272009395522657a690389285100", 1412000000, "1add1a30ac87aa2db72f57a2375d8fec"),
    ("app", "HMAC-SHA256", "wx20161110163838f231619da20804912345", 1478767118, "ibuaiVcKdpRxkhJA"),
]

out = []
for kind, sign_type, prepay_id, ts, nonce in CASES:
    if kind == "jsapi":
        fields = [("appId", APPID), ("timeStamp", str(ts)), ("nonceStr", nonce),
                  ("package", "prepay_id=" + prepay_id), ("signType", sign_type)]
        fields.append(("paySign", sign(fields, sign_type)))
    else:
        fields = [("appid", APPID), ("partnerid", MCH_ID), ("prepayid", prepay_id),
                  ("package", "Sign=WXPay"), ("noncestr", nonce), ("timestamp", str(ts))]
        fields.append(("sign", sign(fields, sign_type)))
    out.append({"kind": kind, "sign_type": sign_type, "key": KEY, "appid": APPID, "mch_id": MCH_ID,
                "prepay_id": prepay_id, "timestamp": ts, "nonce": nonce, "expected": fields})

path = pathlib.Path(__file__).with_name("pay_params.json")
path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
