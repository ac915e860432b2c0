"""The merchant's flows (issue #4): notifications, pay parameters, micropay, bills.

All protocol work is the core's (``docs/flows.md``): verification, merchant
checks, decryption, signing, the micropay polling and reversal, bill
parsing. This module converts arguments and results only.
"""

from __future__ import annotations

import ctypes
import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from . import _native
from ._config import milliseconds
from ._native import broken_contract, c_string_arg, invalid, raise_last, take_fields, text_bytes
from ._table import take_table

_lib = _native.lib

PAY_KIND_JSAPI = 1
PAY_KIND_APP = 2
PAY_KIND_CHOOSE_WX_PAY = 3
PAY_KIND_RED_PACKET = 4


class Notification(Dict[str, str]):
    """A verified payment notification: every field, as a ``dict``.

    ``paid`` is the library's verdict: ``True`` for ``result_code=SUCCESS``,
    ``False`` for a genuine notification of a failed payment (answer it with
    ``notification_reply(True)`` all the same).
    """

    paid: bool

    def __init__(self, fields: Dict[str, str], paid: bool) -> None:
        super().__init__(fields)
        self.paid = paid

    def __repr__(self) -> str:
        return f"Notification(paid={self.paid}, {dict.__repr__(self)})"


class RefundNotification(Dict[str, str]):
    """The decrypted ``req_info`` of a refund notification (``out_refund_no``, ``refund_status``,
    ``refund_recv_accout`` in WeChat's spelling, ...); ``outer`` holds the envelope's fields."""

    outer: Dict[str, str]

    def __init__(self, info: Dict[str, str], outer: Dict[str, str]) -> None:
        super().__init__(info)
        self.outer = outer

    def __repr__(self) -> str:
        return f"RefundNotification({dict.__repr__(self)}, outer={self.outer!r})"


class ContractNotification(Dict[str, str]):
    """A verified contract notification (automatic deduction): every field, as a ``dict``
    (``contract_id``, ``contract_code``, ``plan_id``, ``openid``, ``change_type``, ...).

    ``signed`` is ``True`` when the user signed the contract (``change_type=ADD``) and
    ``False`` when it ended (``DELETE``). Answer it with ``notification_reply(True)``.
    """

    signed: bool

    def __init__(self, fields: Dict[str, str], signed: bool) -> None:
        super().__init__(fields)
        self.signed = signed

    def __repr__(self) -> str:
        return f"ContractNotification(signed={self.signed}, {dict.__repr__(self)})"


def notification_reply(ok: bool, msg: Optional[str] = None) -> bytes:
    """The XML body answering a notification: ``ok=True`` stops WeChat's retries, ``False`` asks for one.

    ``msg`` becomes ``return_msg`` (default ``OK`` / ``FAIL``).
    """
    if not isinstance(ok, bool):
        raise invalid(f"ok must be True or False, not {type(ok).__name__}")
    c_msg = None if msg is None else c_string_arg(msg, "msg")
    xml = ctypes.c_void_p()
    length = ctypes.c_size_t()
    rc = _lib.wxpay_notify_reply(1 if ok else 0, c_msg, ctypes.byref(xml), ctypes.byref(length))
    if rc:
        raise_last(rc)
    return take_string(xml, length)


def take_string(text: ctypes.c_void_p, length: ctypes.c_size_t) -> bytes:
    """A copy of a string the library handed out, which is then freed."""
    try:
        if text.value is None:
            raise broken_contract("a NULL string with a success code")
        return ctypes.string_at(text.value, length.value)
    finally:
        _lib.wxpay_string_free(text)


def parse_notification(handle: int, body: Any) -> Notification:
    data = text_bytes(body, "body")
    out = ctypes.c_void_p()
    paid = ctypes.c_int32()
    rc = _lib.wxpay_notify_payment(handle, data, len(data), ctypes.byref(out), ctypes.byref(paid))
    if rc:
        raise_last(rc)
    return Notification(take_fields(out.value), paid.value == 1)


def parse_contract_notification(handle: int, body: Any) -> ContractNotification:
    data = text_bytes(body, "body")
    out = ctypes.c_void_p()
    signed = ctypes.c_int32()
    rc = _lib.wxpay_notify_contract(handle, data, len(data), ctypes.byref(out), ctypes.byref(signed))
    if rc:
        raise_last(rc)
    return ContractNotification(take_fields(out.value), signed.value == 1)


def entrust_url(handle: int, packed: bytes, count: int) -> str:
    url = ctypes.c_void_p()
    length = ctypes.c_size_t()
    rc = _lib.wxpay_papay_url(handle, packed, len(packed), count, ctypes.byref(url), ctypes.byref(length))
    if rc:
        raise_last(rc)
    return take_string(url, length).decode("ascii")


def decrypt_refund_notification(handle: int, body: Any) -> RefundNotification:
    data = text_bytes(body, "body")
    info = ctypes.c_void_p()
    outer = ctypes.c_void_p()
    rc = _lib.wxpay_notify_refund(handle, data, len(data), ctypes.byref(info), ctypes.byref(outer))
    if rc:
        raise_last(rc)
    try:
        info_fields = take_fields(info.value)
    finally:
        outer_fields = take_fields(outer.value)
    return RefundNotification(info_fields, outer_fields)


def pay_params(
    handle: int,
    kind: int,
    prepay_id: str,
    appid: Optional[str],
    timestamp: Optional[int],
    nonce: Optional[str],
) -> Dict[str, str]:
    c_prepay = c_string_arg(prepay_id, "prepay_id")
    c_appid = None if appid is None else c_string_arg(appid, "appid")
    c_nonce = None if nonce is None else c_string_arg(nonce, "nonce")
    out = ctypes.c_void_p()
    rc = _lib.wxpay_pay_params(handle, kind, c_prepay, c_appid, time_stamp(timestamp), c_nonce, ctypes.byref(out))
    if rc:
        raise_last(rc)
    return take_fields(out.value)


def time_stamp(timestamp: Optional[int]) -> int:
    """A ``timestamp`` argument as the C ABI takes it: 0 for now."""
    if timestamp is None:
        return 0
    if type(timestamp) is int and 0 < timestamp < 2**64:
        return timestamp
    raise invalid(f"timestamp must be a positive int (seconds since the epoch) or None, not {timestamp!r}")


def native_url(handle: int, product_id: str, timestamp: Optional[int], nonce: Optional[str]) -> str:
    c_product = c_string_arg(product_id, "product_id")
    c_nonce = None if nonce is None else c_string_arg(nonce, "nonce")
    url = ctypes.c_void_p()
    length = ctypes.c_size_t()
    rc = _lib.wxpay_native_url(handle, c_product, time_stamp(timestamp), c_nonce, ctypes.byref(url), ctypes.byref(length))
    if rc:
        raise_last(rc)
    return take_string(url, length).decode("ascii")


def native_scan(handle: int, body: Any) -> Dict[str, str]:
    data = text_bytes(body, "body")
    out = ctypes.c_void_p()
    rc = _lib.wxpay_native_scan(handle, data, len(data), ctypes.byref(out))
    if rc:
        raise_last(rc)
    return take_fields(out.value)


def native_reply(handle: int, prepay_id: Optional[str], msg: Optional[str]) -> bytes:
    c_prepay = None if prepay_id is None else c_string_arg(prepay_id, "prepay_id")
    c_msg = None if msg is None else c_string_arg(msg, "msg")
    xml = ctypes.c_void_p()
    length = ctypes.c_size_t()
    rc = _lib.wxpay_native_reply(handle, c_prepay, c_msg, ctypes.byref(xml), ctypes.byref(length))
    if rc:
        raise_last(rc)
    return take_string(xml, length)


# -- micropay ----------------------------------------------------------------


class MicropayOptions(ctypes.Structure):
    """``wxpay_micropay_options``."""

    _fields_ = [
        ("poll_interval_ms", ctypes.c_uint64),
        ("poll_deadline_ms", ctypes.c_uint64),
        ("reverse_attempts", ctypes.c_uint64),
        ("reverse_interval_ms", ctypes.c_uint64),
    ]


class MicropayState(enum.IntEnum):
    """How a micropay flow ended; the values are the C ``WXPAY_MICROPAY_STATE_*`` numbers."""

    PAID = 1
    FAILED = 2
    REVERSED = 3
    UNKNOWN = 4


@dataclass(frozen=True)
class MicropayResult:
    """``state``; ``fields``, the response that decided it (empty if none came); ``steps``, one dict
    per call made (``path``, ``outcome``, ``return_code``, ``result_code``, ``err_code``,
    ``trade_state``, ``recall``, ``error``, ``message``, ``elapsed_ms``)."""

    state: MicropayState
    fields: Dict[str, str] = field(default_factory=dict)
    steps: List[Dict[str, str]] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return self.state is MicropayState.PAID


def micropay_options(
    poll_interval: Optional[float],
    poll_deadline: Optional[float],
    reverse_attempts: Optional[int],
    reverse_interval: Optional[float],
) -> Optional[MicropayOptions]:
    """The options struct, or None (the library's defaults) when nothing is given. Times in seconds."""
    if poll_interval is None and poll_deadline is None and reverse_attempts is None and reverse_interval is None:
        return None
    options = MicropayOptions()
    rc = _lib.wxpay_micropay_options_default(ctypes.byref(options))
    if rc:
        raise_last(rc)
    if poll_interval is not None:
        options.poll_interval_ms = _u64(int(milliseconds(poll_interval, "poll_interval")), "poll_interval")
    if poll_deadline is not None:
        options.poll_deadline_ms = _u64(int(milliseconds(poll_deadline, "poll_deadline")), "poll_deadline")
    if reverse_interval is not None:
        options.reverse_interval_ms = _u64(int(milliseconds(reverse_interval, "reverse_interval")), "reverse_interval")
    if reverse_attempts is not None:
        if type(reverse_attempts) is not int or reverse_attempts < 1:
            raise invalid(f"reverse_attempts must be an int of at least 1, not {reverse_attempts!r}")
        options.reverse_attempts = _u64(reverse_attempts, "reverse_attempts")
    return options


def _u64(value: int, what: str) -> int:
    # A ctypes uint64 field would silently keep only the low 64 bits.
    if value >= 2**64:
        raise invalid(f"{what} is too large")
    return value


def micropay(handle: int, packed: bytes, count: int, options: Optional[MicropayOptions]) -> MicropayResult:
    state = ctypes.c_int32()
    out_fields = ctypes.c_void_p()
    out_steps = ctypes.c_void_p()
    rc = _lib.wxpay_micropay(
        handle,
        packed,
        len(packed),
        count,
        None if options is None else ctypes.byref(options),
        ctypes.byref(state),
        ctypes.byref(out_fields),
        ctypes.byref(out_steps),
    )
    if rc:
        raise_last(rc)
    try:
        fields = take_fields(out_fields.value)
    finally:
        _, steps = take_table(out_steps.value)
    try:
        final = MicropayState(state.value)
    except ValueError:
        raise broken_contract(f"micropay state {state.value}") from None
    return MicropayResult(final, fields, steps)


# -- bills ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bill:
    """A parsed bill: ``header`` (column names), ``rows`` (one dict per line under it),
    ``summary_header`` and ``summary`` (the totals line as a dict; ``summary_rows`` if there are several).

    Cells are as WeChat wrote them, less the leading backtick the core strips.
    """

    header: List[str]
    rows: List[Dict[str, str]]
    summary_header: List[str]
    summary_rows: List[Dict[str, str]]

    @property
    def summary(self) -> Dict[str, str]:
        return self.summary_rows[0] if self.summary_rows else {}


def take_bill(rows_handle: Optional[int], summary_handle: Optional[int]) -> Bill:
    try:
        header, rows = take_table(rows_handle)
    finally:
        summary_header, summary_rows = take_table(summary_handle)
    return Bill(header, rows, summary_header, summary_rows)


def parse_bill(data: Union[bytes, bytearray, memoryview, str]) -> Bill:
    """Parses a bill body (``pay/downloadbill``, ``pay/downloadfundflow``; plain or gzip).

    Raises ``InvalidResponse`` for anything that is not a bill.
    """
    body = text_bytes(data, "bill")
    rows = ctypes.c_void_p()
    summary = ctypes.c_void_p()
    rc = _lib.wxpay_bill_parse(body, len(body), ctypes.byref(rows), ctypes.byref(summary))
    if rc:
        raise_last(rc)
    return take_bill(rows.value, summary.value)
