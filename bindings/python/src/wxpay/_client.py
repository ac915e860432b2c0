"""``Client``: a configured HTTPS client for the WeChat Pay API v2.

The core does the protocol: it fills in the identity fields, nonce,
``sign_type`` and ``sign``, checks required fields, sends over (m)TLS,
verifies and judges the response. This class configures it once, passes
dicts in and out, and manages the native handle's life.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import weakref
from types import TracebackType
from typing import Any, Dict, Mapping, Optional, Type, Union

from . import _config, _log, _native
from ._cert import typed_fields
from ._client_flows import FlowsMixin, merge
from ._config import UNSET, NativeConfig, PathOrData
from ._endpoint import EndpointInfo, endpoint_info
from ._errors import ClientClosed
from ._native import broken_contract, c_string_arg, invalid, last_error, pack, take_fields
from ._sign import SignType

_lib = _native.lib
_request = _lib.wxpay_request
_pay_bank = _lib.wxpay_pay_bank
_download = _lib.wxpay_download
_bytes_free = _lib.wxpay_bytes_free
_client_free = _lib.wxpay_client_free
_cert_status = _lib.wxpay_client_cert_status
_reload_certificate = _lib.wxpay_client_reload_certificate

Fields = Mapping[str, str]


class _NativeClient:
    """The native handle, shared by requests in flight and ``close()``.

    ``close()`` may run while other threads are inside ``wxpay_request``.
    The handle is therefore freed by whoever finishes last: ``close()`` if
    nothing is in flight, else the last request to return. New requests
    are refused from the moment ``close()`` is called.

    This object holds no reference to the ``Client``, so the ``Client``'s
    finalizer can own it. It keeps the log callback alive until the handle
    is freed, since the library may call it until then.
    """

    __slots__ = ("_lock", "_pointer", "_in_flight", "_closing", "_callback", "frees", "__weakref__")

    def __init__(self, pointer: int, callback: Any) -> None:
        self._lock = threading.Lock()
        self._pointer: Optional[int] = pointer
        self._in_flight = 0
        self._closing = False
        self._callback = callback
        self.frees = 0
        _LIVE.add(self)

    def reset_after_fork(self) -> None:
        """In a forked child, only the thread that forked exists: the lock
        may have been held, and requests counted in flight, by threads that
        are gone. The handle itself stays; the library refuses it in the
        child (``ClientForked``, code 112) and frees it safely there."""
        self._lock = threading.Lock()
        self._in_flight = 0

    @property
    def closing(self) -> bool:
        return self._closing

    def enter(self) -> int:
        with self._lock:
            if self._closing or self._pointer is None:
                raise ClientClosed("the wxpay.Client is closed", 0, "WXPAY_PYTHON_CLIENT_CLOSED")
            self._in_flight += 1
            return self._pointer

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1
            pointer = self._take_if_idle()
        self._free(pointer)

    def close(self) -> None:
        with self._lock:
            self._closing = True
            pointer = self._take_if_idle()
        self._free(pointer)

    def _take_if_idle(self) -> Optional[int]:
        """Under the lock: the pointer to free, if closing and idle; hands it over once."""
        if not self._closing or self._in_flight:
            return None
        pointer, self._pointer = self._pointer, None
        return pointer

    def _free(self, pointer: Optional[int]) -> None:
        if pointer is None:
            return
        _client_free(pointer)
        self.frees += 1
        # Only now may the callback go: the library could call it until the free returned.
        self._callback = None


# Every native client alive in this process, so that a fork can reset them in the child.
_LIVE: "weakref.WeakSet[_NativeClient]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for native in list(_LIVE):
        native.reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


_DEFAULT_LOGGER: Any = object()


class Client(FlowsMixin):
    """A WeChat Pay API v2 client, configured once and shared between threads.

    ``mch_id`` and ``api_key`` are required. The merchant certificate, needed
    for refunds, reversals and transfers, is either ``p12`` (a path or the
    file's bytes; ``p12_password`` defaults to ``mch_id``) or ``cert_pem`` +
    ``key_pem`` (paths or PEM data; ``key_password`` for an encrypted key).
    ``root_ca`` (path or PEM) is trusted in addition to the system's CAs.
    Timeouts are in seconds. ``host`` is ``"main"``, ``"backup"``,
    ``"hongkong"``, ``"us"`` or an ``https://`` base URL; ``backup`` the same,
    or ``None`` for no failover host; ``failover`` is ``"never"``,
    ``"on_connect_error"`` (default) or ``"on_no_response"``. ``keep_alive=False``
    opens a new connection for every request. A key or ``.p12`` file that
    group or others can read is logged as a warning, or refused with
    ``CertificatePermissions`` when ``strict_permissions=True``. With
    ``certificate_check_interval`` (seconds; default never), requests
    notice replaced certificate files and reload them. ``sandbox=True``
    sends everything to WeChat's sandbox (``xdc/apiv2sandbox/``), signed with the
    sandbox key the client fetches and caches (``sandbox_key_ttl`` seconds).
    Diagnostics go
    to ``logger`` (default: ``logging.getLogger("wxpay")``; ``None`` for none).

    Use it as a context manager or call ``close()``; a closed client raises
    ``ClientClosed``.
    """

    def __init__(
        self,
        *,
        mch_id: str,
        api_key: str,
        appid: Optional[str] = None,
        sign_type: Union[str, SignType, None] = None,
        sub_appid: Optional[str] = None,
        sub_mch_id: Optional[str] = None,
        p12: Optional[PathOrData] = None,
        p12_password: Optional[str] = None,
        cert_pem: Optional[PathOrData] = None,
        key_pem: Optional[PathOrData] = None,
        key_password: Optional[str] = None,
        root_ca: Optional[PathOrData] = None,
        connect_timeout: Optional[float] = None,
        timeout: Optional[float] = None,
        host: Optional[str] = None,
        backup: Any = UNSET,
        failover: Optional[str] = None,
        proxy: Optional[str] = None,
        max_response_size: Optional[int] = None,
        max_download_size: Optional[int] = None,
        max_fields: Optional[int] = None,
        keep_alive: Optional[bool] = None,
        strict_permissions: Optional[bool] = None,
        certificate_check_interval: Optional[float] = None,
        sandbox: Optional[bool] = None,
        sandbox_key_ttl: Optional[int] = None,
        logger: Any = _DEFAULT_LOGGER,
    ) -> None:
        if p12 is not None and (cert_pem is not None or key_pem is not None):
            raise invalid("give the merchant certificate as p12 or as cert_pem + key_pem, not both")
        if (cert_pem is None) != (key_pem is None):
            raise invalid("cert_pem and key_pem go together")
        if p12 is None and p12_password is not None:
            raise invalid("p12_password without p12")
        if logger is _DEFAULT_LOGGER:
            logger = logging.getLogger(_log.LOGGER_NAME)
        if logger is not None and not isinstance(logger, logging.Logger):
            raise invalid(f"logger must be a logging.Logger or None, not {type(logger).__name__}")

        callback = _log.make_callback(logger) if logger is not None else None
        with NativeConfig() as cfg:
            cfg.set("mch_id", mch_id)
            cfg.set("api_key", api_key)
            text_options = {
                "appid": appid,
                "sub_appid": sub_appid,
                "sub_mch_id": sub_mch_id,
                "sign_type": None if sign_type is None else _config.sign_type_name(sign_type),
                "host": None if host is None else _config.host_name(host, "host"),
                "failover": failover,
                "proxy": proxy,
                "connect_timeout_ms": None
                if connect_timeout is None
                else _config.milliseconds(connect_timeout, "connect_timeout"),
                "timeout_ms": None if timeout is None else _config.milliseconds(timeout, "timeout"),
                "max_response_size": None
                if max_response_size is None
                else _config.whole_number(max_response_size, "max_response_size"),
                "max_download_size": None
                if max_download_size is None
                else _config.whole_number(max_download_size, "max_download_size"),
                "max_fields": None if max_fields is None else _config.whole_number(max_fields, "max_fields"),
            }
            if keep_alive is not None:
                text_options["keep_alive"] = _config.flag(keep_alive, "keep_alive")
            if strict_permissions is not None:
                text_options["strict_permissions"] = _config.flag(strict_permissions, "strict_permissions")
            if certificate_check_interval is not None:
                text_options["certificate_check_interval_ms"] = _config.milliseconds(
                    certificate_check_interval, "certificate_check_interval"
                )
            if sandbox is not None:
                text_options["sandbox"] = _config.flag(sandbox, "sandbox")
            if sandbox_key_ttl is not None:
                text_options["sandbox_key_ttl_s"] = _config.whole_number(sandbox_key_ttl, "sandbox_key_ttl")
            if backup is not UNSET:
                text_options["backup_host"] = "none" if backup is None else _config.host_name(backup, "backup")
            for name, value in text_options.items():
                if value is not None:
                    cfg.set(name, value)
            if p12 is not None:
                cfg.set_p12(p12, p12_password)
            if cert_pem is not None and key_pem is not None:
                cfg.set_pem(cert_pem, key_pem, key_password)
            if root_ca is not None:
                cfg.set_root_ca(root_ca)
            if callback is not None:
                cfg.set_log(callback, _log.NATIVE_MIN_LEVEL)
            out = ctypes.c_void_p()
            cfg.check(_lib.wxpay_client_new(cfg.pointer, ctypes.byref(out)))
        if not out.value:
            raise broken_contract("a NULL client with a success code")
        self._native = _NativeClient(out.value, callback)
        # Covers garbage collection and interpreter exit; holds no reference to self.
        self._finalizer = weakref.finalize(self, self._native.close)

    # -- life cycle ---------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._native.closing

    def close(self) -> None:
        """Frees the native client once no request is in flight; calling it again does nothing.

        Requests already running on other threads finish normally; new ones
        raise ``ClientClosed``.
        """
        self._finalizer()

    def __enter__(self) -> "Client":
        if self._native.closing:
            raise ClientClosed("the wxpay.Client is closed", 0, "WXPAY_PYTHON_CLIENT_CLOSED")
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<wxpay.Client {'closed' if self.closed else 'open'}>"

    # -- requests -----------------------------------------------------------

    def request(self, path: str, fields: Optional[Fields] = None) -> Dict[str, str]:
        """Calls an XML endpoint (e.g. ``"pay/orderquery"``) and returns the verified response.

        ``fields`` holds the business fields, all ``str``; the client adds
        ``appid``/``mch_id`` (under the endpoint's names), ``nonce_str``,
        ``sign_type`` and ``sign``. Raises ``ProtocolError`` for
        ``return_code=FAIL`` and ``BusinessError`` for ``result_code=FAIL``,
        both with the whole response in ``.response``.
        """
        c_path = c_string_arg(path, "path")
        packed, count = pack({} if fields is None else fields)
        out = ctypes.c_void_p()
        native = self._native
        handle = native.enter()
        try:
            rc = _request(handle, c_path, packed, len(packed), count, ctypes.byref(out))
            # Read this thread's last error before anything else can overwrite it.
            error = last_error(rc) if rc else None
        finally:
            native.leave()
        if error is not None:
            raise error
        return take_fields(out.value)

    def download(self, path: str, fields: Optional[Fields] = None) -> bytes:
        """Downloads a bill (``"pay/downloadbill"``, ``"pay/downloadfundflow"``, ...) as bytes.

        Gzipped bills (``tar_type=GZIP``) come back unpacked. A failure raises
        as ``request`` does.
        """
        c_path = c_string_arg(path, "path")
        packed, count = pack({} if fields is None else fields)
        data = ctypes.c_void_p()
        length = ctypes.c_size_t()
        native = self._native
        handle = native.enter()
        try:
            rc = _download(handle, c_path, packed, len(packed), count, ctypes.byref(data), ctypes.byref(length))
            error = last_error(rc) if rc else None
        finally:
            native.leave()
        if error is not None:
            raise error
        try:
            if data.value is None:
                raise broken_contract("NULL bill data with a success code")
            return ctypes.string_at(data.value, length.value)
        finally:
            _bytes_free(data, length)

    # -- the merchant certificate -------------------------------------------

    def cert_status(self) -> Dict[str, Any]:
        """The certificate in use, for monitoring.

        ``certificate`` is ``"none"`` or ``"loaded"``; when loaded, every field
        of ``wxpay.cert_info`` follows, then ``warning`` (the expiry sentence
        also logged, ``""`` when none), ``reloadable`` (``True`` when it came
        from files), ``reloads`` (successful reloads so far) and
        ``last_reload_error`` (``""`` unless the last reload was refused).
        """
        out = ctypes.c_void_p()
        self._call(_cert_status, ctypes.byref(out))
        return typed_fields(take_fields(out.value))

    def reload_certificate(self) -> Dict[str, Any]:
        """Reads the certificate files again and swaps the new certificate in; returns its ``cert_info``.

        Requests in flight finish with the old certificate. A replacement that
        does not load raises its ``CertificateError`` (``CertificateExpired``,
        ``CertificatePermissions`` under ``strict_permissions``, ...) and the
        old certificate stays in use. A client given its certificate as bytes
        has nothing to re-read (``InvalidInput``).
        """
        out = ctypes.c_void_p()
        self._call(_reload_certificate, ctypes.byref(out))
        return typed_fields(take_fields(out.value))

    def _call(self, function: Any, *args: Any) -> None:
        """Calls ``function(handle, *args)`` with the handle held against ``close()``; raises its failure."""
        native = self._native
        handle = native.enter()
        try:
            rc = function(handle, *args)
            error = last_error(rc) if rc else None
        finally:
            native.leave()
        if error is not None:
            raise error

    def endpoint_info(self, path: str) -> EndpointInfo:
        """What the library knows about ``path``; see ``wxpay.endpoint_info``."""
        return endpoint_info(path)

    # -- named endpoints: each is ``request``/``download`` on a fixed path ----

    def unified_order(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/unifiedorder", merge(fields, more))

    def order_query(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/orderquery", merge(fields, more))

    def close_order(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/closeorder", merge(fields, more))

    def micropay(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """One ``pay/micropay`` call; ``micropay_flow`` also polls and reverses."""
        return self.request("pay/micropay", merge(fields, more))

    def reverse(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("secapi/pay/reverse", merge(fields, more))

    def refund(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("secapi/pay/refund", merge(fields, more))

    def refund_query(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/refundquery", merge(fields, more))

    def report(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("payitil/report", merge(fields, more))

    def transfers(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("mmpaymkttransfers/promotion/transfers", merge(fields, more))

    def send_red_pack(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``mmpaymkttransfers/sendredpack``: a cash red packet to one user (needs the certificate)."""
        return self.request("mmpaymkttransfers/sendredpack", merge(fields, more))

    def get_hb_info(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``mmpaymkttransfers/gethbinfo``: a red packet's state; who received it comes as
        ``openid_$n``, ``amount_$n``, ``rcv_time_$n`` (WeChat nests them in ``<hblist>``)."""
        return self.request("mmpaymkttransfers/gethbinfo", merge(fields, more))

    def send_coupon(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``mmpaymkttransfers/send_coupon``: sends one coupon of a stock to a user
        (``coupon_stock_id``, ``openid_count=1``, ``partner_trade_no``, ``openid``)."""
        return self.request("mmpaymkttransfers/send_coupon", merge(fields, more))

    def query_coupon_stock(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``mmpaymkttransfers/query_coupon_stock``: a coupon stock's value, state and how many were sent."""
        return self.request("mmpaymkttransfers/query_coupon_stock", merge(fields, more))

    def query_coupons_info(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``mmpaymkttransfers/querycouponsinfo``: a coupon a user holds
        (``coupon_id``, ``openid``, ``stock_id``)."""
        return self.request("mmpaymkttransfers/querycouponsinfo", merge(fields, more))

    def send_mini_program_hb(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``mmpaymkttransfers/sendminiprogramhb``: a red packet the user opens in a mini-program;
        pass the answered ``package`` to ``red_packet_params``."""
        return self.request("mmpaymkttransfers/sendminiprogramhb", merge(fields, more))

    def pap_pay_apply(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``pay/pappayapply``: a deduction under a signed contract (``trade_type="PAP"``,
        ``contract_id``); the result comes as a payment notification."""
        return self.request("pay/pappayapply", merge(fields, more))

    def pap_order_query(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``pay/paporderquery``: a deduction's state, by ``transaction_id`` or ``out_trade_no``."""
        return self.request("pay/paporderquery", merge(fields, more))

    def query_contract(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``papay/querycontract``: a contract by ``contract_id``, or by ``plan_id`` and
        ``contract_code`` (with ``version="1.0"``)."""
        return self.request("papay/querycontract", merge(fields, more))

    def delete_contract(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """``papay/deletecontract``: ends a contract (named as for ``query_contract``, with
        ``contract_termination_remark``); WeChat then sends a contract notification."""
        return self.request("papay/deletecontract", merge(fields, more))

    def pay_bank(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """Pays to a bank card (``mmpaysptrans/pay_bank``; needs the certificate).

        Give ``bank_no`` and ``true_name`` in plain text with
        ``partner_trade_no``, ``bank_code`` and ``amount``: the core encrypts
        them (RSA-OAEP with WeChat's key, fetched once from
        ``risk/getpublickey``) and sends ``enc_bank_no``/``enc_true_name``.
        """
        packed, count = pack(merge(fields, more))
        out = ctypes.c_void_p()
        self._call(_pay_bank, packed, len(packed), count, ctypes.byref(out))
        return take_fields(out.value)

    def query_bank(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("mmpaysptrans/query_bank", merge(fields, more))

    # Profit sharing: HMAC-SHA256 whatever the client's sign_type; the two
    # queries go without appid. ``receiver``/``receivers`` are JSON strings.

    def profit_sharing_add_receiver(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/profitsharingaddreceiver", merge(fields, more))

    def profit_sharing_remove_receiver(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/profitsharingremovereceiver", merge(fields, more))

    def profit_sharing(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """One split, after which the order is finished (needs the certificate)."""
        return self.request("secapi/pay/profitsharing", merge(fields, more))

    def multi_profit_sharing(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """A split that leaves the order open for more (needs the certificate)."""
        return self.request("secapi/pay/multiprofitsharing", merge(fields, more))

    def profit_sharing_query(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/profitsharingquery", merge(fields, more))

    def profit_sharing_order_amount_query(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/profitsharingorderamountquery", merge(fields, more))

    def profit_sharing_finish(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """Finishes an order's profit sharing, its unsplit rest to the merchant (needs the certificate)."""
        return self.request("secapi/pay/profitsharingfinish", merge(fields, more))

    def profit_sharing_return(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        """Money back from a merchant receiver of a split (needs the certificate)."""
        return self.request("secapi/pay/profitsharingreturn", merge(fields, more))

    def profit_sharing_return_query(self, fields: Optional[Fields] = None, **more: str) -> Dict[str, str]:
        return self.request("pay/profitsharingreturnquery", merge(fields, more))

    def download_bill(self, fields: Optional[Fields] = None, **more: str) -> bytes:
        return self.download("pay/downloadbill", merge(fields, more))

    def download_fund_flow(self, fields: Optional[Fields] = None, **more: str) -> bytes:
        return self.download("pay/downloadfundflow", merge(fields, more))
