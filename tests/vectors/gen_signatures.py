#!/usr/bin/env python3
"""Signature vectors computed with Python's hashlib/hmac, independently of wxpay.

Writes tests/vectors/signatures.json. The test command regenerates it and
fails if the committed file differs, so the vectors always come from here.
The rule implemented (PROTOCOL.md): drop `sign` and empty values (keep "0"),
sort names by byte order, join k=v with &, append &key=KEY, uppercase hex of
MD5, or of HMAC-SHA256 keyed with the API key.
"""
import hashlib
import hmac
import json
import pathlib

KEY = "192006250b4c09247ec02edce69f6a2d"
OTHER_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

CASES = [
    ("doc example", KEY, [
        ("appid", "wxd930ea5d5a258f4f"), ("mch_id", "10000100"), ("device_info", "1000"),
        ("body", "test"), ("nonce_str", "ibuaiVcKdpRxkhJA")]),
    ("unicode values", KEY, [
        ("body", "腾讯充值中心-QQ会员充值"), ("detail", "Ünïcödé ✓ 😀"), ("attach", "深圳分店"),
        ("appid", "wx2421b1c4370ec43b"), ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS")]),
    ("empty and zero values", OTHER_KEY, [
        ("total_fee", "0"), ("coupon_fee", ""), ("cash_fee", "0"), ("device_info", ""),
        ("out_trade_no", "20150806125346"), ("sign", "IGNORED")]),
    ("raw values, no URL encoding", OTHER_KEY, [
        ("notify_url", "https://example.com/notify?a=1&b=2"), ("detail", "{\"goods\": [1, 2]}"),
        ("body", "a+b c%20d<&>")]),
    ("byte order, uppercase before lowercase", KEY, [
        ("b", "1"), ("B", "2"), ("a_b", "3"), ("aB", "4"), ("a", "5"), ("A", "6")]),
    ("sixteen-field unified order", KEY, [
        ("appid", "wx2421b1c4370ec43b"), ("mch_id", "10000100"), ("device_info", "013467007045764"),
        ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"), ("body", "腾讯充值中心-QQ会员充值"),
        ("detail", "{\"goods_detail\":[{\"goods_id\":\"iphone6s_16G\",\"quantity\":1,\"price\":528800}]}"),
        ("attach", "深圳分店"), ("out_trade_no", "20150806125346"), ("fee_type", "CNY"),
        ("total_fee", "88"), ("spbill_create_ip", "123.12.12.123"), ("time_start", "20091225091010"),
        ("time_expire", "20091227091010"), ("notify_url", "http://www.weixin.qq.com/wxpay/pay.php"),
        ("trade_type", "JSAPI"), ("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")]),
]


def canonical(fields, key):
    kept = sorted(((k, v) for k, v in fields if k != "sign" and v != ""), key=lambda kv: kv[0].encode())
    return "&".join(f"{k}={v}" for k, v in kept) + "&key=" + key


def main():
    out = []
    for name, key, fields in CASES:
        s = canonical(fields, key).encode()
        out.append({
            "name": name,
            "key": key,
            "fields": [list(kv) for kv in fields],
            "md5": hashlib.md5(s).hexdigest().upper(),
            "hmac_sha256": hmac.new(key.encode(), s, hashlib.sha256).hexdigest().upper(),
        })
    path = pathlib.Path(__file__).with_name("signatures.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
