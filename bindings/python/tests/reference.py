"""An independent signer built on hashlib/hmac, from the published algorithm.

Kept deliberately naive: it is the yardstick the library is measured against.
"""

import hashlib
import hmac
from typing import Mapping

KEY = "192006250b4c09247ec02edce69f6a2d"


def canonical(fields: Mapping[str, str], key: str) -> bytes:
    signed = sorted((name.encode(), value.encode()) for name, value in fields.items() if name != "sign" and value != "")
    parts = [name + b"=" + value for name, value in signed]
    parts.append(b"key=" + key.encode())
    return b"&".join(parts)


def md5_sign(fields: Mapping[str, str], key: str = KEY) -> str:
    return hashlib.md5(canonical(fields, key)).hexdigest().upper()


def hmac_sign(fields: Mapping[str, str], key: str = KEY) -> str:
    return hmac.new(key.encode(), canonical(fields, key), hashlib.sha256).hexdigest().upper()


def unified_order() -> dict:
    """A 16-field unified order with Chinese text, as merchants send it."""
    return {
        "appid": "wx2421b1c4370ec43b",
        "mch_id": "10000100",
        "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "sign_type": "MD5",
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
