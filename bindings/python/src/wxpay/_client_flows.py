"""``Client`` methods for the merchant's flows; see ``_flows`` and ``docs/flows.md``."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, TypeVar

from . import _flows, _native
from ._flows import Bill, ContractNotification, MicropayResult, Notification, RefundNotification
from ._native import c_string_arg, invalid, pack, raise_last

if TYPE_CHECKING:
    from ._client import _NativeClient

_lib = _native.lib
T = TypeVar("T")
Fields = Mapping[str, str]


class FlowsMixin:
    """Mixed into ``Client``, which provides ``_native`` (the handle guarded against ``close()``)."""

    _native: "_NativeClient"

    def _with_handle(self, function: Callable[..., T], *args: Any) -> T:
        # Everything, error reading included, happens before leave(): the
        # thread's last error must be read before anything can overwrite it.
        native = self._native
        handle = native.enter()
        try:
            return function(handle, *args)
        finally:
            native.leave()

    # -- notifications -------------------------------------------------------

    def parse_notification(self, body: bytes) -> Notification:
        """Verifies a payment notification (the body WeChat POSTed to ``notify_url``).

        Returns every field as a ``Notification`` (a ``dict``) whose ``paid``
        says whether the payment succeeded. Checked with the client's key
        (the sandbox key in sandbox mode) and against its ``appid``/``mch_id``.
        A forged or damaged one raises ``SignatureError`` (``SignatureMissing``,
        fields added after signing, mismatch), another merchant's
        ``MerchantMismatch``, ``return_code=FAIL`` ``ProtocolError``, bad XML
        ``XmlError``. Answer with ``wxpay.notification_reply``.
        """
        return self._with_handle(_flows.parse_notification, body)

    def decrypt_refund_notification(self, body: bytes) -> RefundNotification:
        """Decrypts a refund notification's ``req_info`` with the client's key.

        Returns the decrypted fields; ``.outer`` holds the envelope. A
        ``req_info`` that is not ciphertext or does not decrypt raises
        ``DecryptionError``.
        """
        return self._with_handle(_flows.decrypt_refund_notification, body)

    # -- client-side pay parameters --------------------------------------------

    def jsapi_params(
        self,
        prepay_id: str,
        *,
        appid: Optional[str] = None,
        timestamp: Optional[int] = None,
        nonce: Optional[str] = None,
    ) -> Dict[str, str]:
        """The signed parameters for ``WeixinJSBridge``/``wx.requestPayment`` from a ``prepay_id``:
        ``appId, timeStamp, nonceStr, package, signType, paySign``.

        ``appid`` defaults to the configured ``sub_appid``, else ``appid``;
        ``timestamp`` (seconds) to now; ``nonce`` to a fresh random one.
        """
        return self._with_handle(_flows.pay_params, _flows.PAY_KIND_JSAPI, prepay_id, appid, timestamp, nonce)

    def app_params(
        self,
        prepay_id: str,
        *,
        appid: Optional[str] = None,
        timestamp: Optional[int] = None,
        nonce: Optional[str] = None,
    ) -> Dict[str, str]:
        """The signed parameters for the App SDK: ``appid, partnerid, prepayid, package, noncestr,
        timestamp, sign``. Defaults as ``jsapi_params``."""
        return self._with_handle(_flows.pay_params, _flows.PAY_KIND_APP, prepay_id, appid, timestamp, nonce)

    def choose_wx_pay_params(
        self,
        prepay_id: str,
        *,
        appid: Optional[str] = None,
        timestamp: Optional[int] = None,
        nonce: Optional[str] = None,
    ) -> Dict[str, str]:
        """The signed parameters for the JS-SDK's ``wx.chooseWXPay``: ``timestamp, nonceStr,
        package, signType, paySign``. The signature is ``jsapi_params``'s (made over ``appId``
        and ``timeStamp``); the JS-SDK spells the time in lowercase and takes the app ID from
        ``wx.config``. Defaults as ``jsapi_params``."""
        return self._with_handle(_flows.pay_params, _flows.PAY_KIND_CHOOSE_WX_PAY, prepay_id, appid, timestamp, nonce)

    def red_packet_params(
        self,
        package: str,
        *,
        appid: Optional[str] = None,
        timestamp: Optional[int] = None,
        nonce: Optional[str] = None,
    ) -> Dict[str, str]:
        """The signed parameters for a mini-program's ``wx.sendBizRedPacket``: ``timeStamp,
        nonceStr, package, signType, paySign``, from the ``package`` that ``send_mini_program_hb``
        answered (handed out percent-encoded, as the mini-program passes it); always MD5.
        Defaults as ``jsapi_params``."""
        return self._with_handle(_flows.pay_params, _flows.PAY_KIND_RED_PACKET, package, appid, timestamp, nonce)

    # -- Native mode 1 ------------------------------------------------------------

    def native_url(self, product_id: str, *, timestamp: Optional[int] = None, nonce: Optional[str] = None) -> str:
        """The long link of a Native mode-1 QR code for ``product_id``
        (``weixin://wxpay/bizpayurl?sign=...``), signed MD5 with the client's key,
        appid and mch_id. ``product_id``: at most 32 printable ASCII characters
        without ``& = # % + ?`` or spaces. ``timestamp`` defaults to now, ``nonce`` to a fresh one."""
        return self._with_handle(_flows.native_url, product_id, timestamp, nonce)

    def native_scan(self, body: bytes) -> Dict[str, str]:
        """Verifies the scan callback WeChat POSTs when a user scans a mode-1 code
        (signature, the client's appid/mch_id, ``product_id`` and ``openid`` present);
        returns its fields. Place the order with ``unified_order(trade_type="NATIVE",
        product_id=..., openid=...)`` and answer with ``native_reply``."""
        return self._with_handle(_flows.native_scan, body)

    def native_reply(self, prepay_id: Optional[str], msg: Optional[str] = None) -> bytes:
        """The signed XML answering a scan callback: with ``prepay_id`` the user goes on
        to pay; with ``None``, ``result_code=FAIL`` and ``msg`` shown to the user."""
        return self._with_handle(_flows.native_reply, prepay_id, msg)

    # -- automatic deduction (papay) ------------------------------------------------

    def entrust_url(self, fields: Optional[Fields] = None, **more: str) -> str:
        """The contract-signing link (``papay/entrustweb``) to open in the user's WeChat.
        ``fields`` (or keyword arguments): ``plan_id``, ``contract_code``, ``request_serial``,
        ``contract_display_account``, ``notify_url`` (required) and optional ones such as
        ``return_web``. The client adds its ``appid`` and ``mch_id``, ``version=1.0`` and
        ``timestamp`` (now) unless given, and signs MD5; values are percent-encoded.
        The contract notification then arrives at ``notify_url``."""
        packed, count = pack(merge(fields, more))
        return self._with_handle(_flows.entrust_url, packed, count)

    def parse_contract_notification(self, body: bytes) -> ContractNotification:
        """Verifies a contract notification (signature, the client's ``mch_id``,
        ``result_code=SUCCESS``, ``change_type`` ``ADD`` or ``DELETE``, the contract's ids).
        Raises as ``parse_notification``; ``InvalidResponse`` for the last checks."""
        return self._with_handle(_flows.parse_contract_notification, body)

    # -- micropay ------------------------------------------------------------------

    def micropay_flow(
        self,
        fields: Optional[Fields] = None,
        *,
        poll_interval: Optional[float] = None,
        poll_deadline: Optional[float] = None,
        reverse_attempts: Optional[int] = None,
        reverse_interval: Optional[float] = None,
        **more: str,
    ) -> MicropayResult:
        """The payment-code flow: pay, poll while the customer confirms, reverse if never paid.

        ``fields`` (or keyword arguments) are ``pay/micropay``'s: ``body``,
        ``out_trade_no``, ``total_fee``, ``spbill_create_ip``, ``auth_code``.
        Times in seconds (library defaults: poll every 5 s for 30 s, reverse at
        most 3 times 1 s apart). Blocks for the whole flow. Returns the final
        ``state`` (``PAID``, ``FAILED``, ``REVERSED``, ``UNKNOWN``: query later),
        the deciding response and every step. Raises only for what is found
        before sending: missing fields, ``CertificateRequired`` (a reversal
        needs the certificate).
        """
        options = _flows.micropay_options(poll_interval, poll_deadline, reverse_attempts, reverse_interval)
        packed, count = pack(merge(fields, more))
        return self._with_handle(_flows.micropay, packed, count, options)

    # -- bills -----------------------------------------------------------------

    def parsed_bill(self, fields: Optional[Fields] = None, *, path: str = "pay/downloadbill", **more: str) -> Bill:
        """Downloads a bill (``pay/downloadbill``, or ``path="pay/downloadfundflow"``) and parses it."""
        c_path = c_string_arg(path, "path")
        packed, count = pack(merge(fields, more))
        return self._with_handle(_download_bill, c_path, packed, count)


def _download_bill(handle: int, c_path: bytes, packed: bytes, count: int) -> Bill:
    rows = ctypes.c_void_p()
    summary = ctypes.c_void_p()
    rc = _lib.wxpay_download_bill(handle, c_path, packed, len(packed), count, ctypes.byref(rows), ctypes.byref(summary))
    if rc:
        raise_last(rc)
    return _flows.take_bill(rows.value, summary.value)


def merge(fields: Optional[Fields], more: Mapping[str, str]) -> Fields:
    if fields is None:
        return more
    if not more:
        return fields
    if not hasattr(fields, "keys"):
        raise invalid(f"fields must be a dict of str to str, not {type(fields).__name__}")
    both = sorted(set(fields.keys()) & set(more))
    if both:
        raise invalid(f"fields given both in the dict and as keyword arguments: {', '.join(both)}")
    return {**fields, **more}
