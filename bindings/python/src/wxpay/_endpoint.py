"""``endpoint_info`` and ``err_code_retry``: what the core's endpoint table says about a path.

The wrapper keeps no endpoint knowledge of its own; this only reads the
library's answer into Python types.
"""

from __future__ import annotations

import ctypes
import enum
from typing import NamedTuple, Tuple

from . import _ffi, _native
from ._errors import Retry
from ._native import broken_contract, c_string_arg, raise_last, retry_of

_endpoint_info = _native.lib.wxpay_endpoint_info
_err_code_retry = _native.lib.wxpay_err_code_retry


class EndpointMatch(enum.IntEnum):
    """How the table found a path; the C ``WXPAY_ENDPOINT_MATCH_*`` numbers."""

    UNKNOWN = 0
    FAMILY = 1
    EXACT = 2


class BodyKind(enum.IntEnum):
    """What a successful response is: ``XML`` (``Client.request``) or ``BYTES`` (``Client.download``)."""

    XML = 0
    BYTES = 1


class EndpointInfo(NamedTuple):
    matched: EndpointMatch
    sandbox: bool
    certificate: bool
    signed_response: bool
    body_kind: BodyKind
    md5: bool
    hmac_sha256: bool
    sends_sign_type: bool
    sub_ids: bool
    appid_field: str
    mch_id_field: str
    required: Tuple[str, ...]
    one_of: Tuple[str, ...]


def endpoint_info(path: str) -> EndpointInfo:
    """The library's rules for ``path`` (e.g. ``"secapi/pay/refund"``).

    An unknown path gets ``matched=EndpointMatch.UNKNOWN`` and the default
    rules; text that is not a path (a URL, a query, ``..``) raises ``InvalidInput``.
    """
    c_path = c_string_arg(path, "path")
    info = _ffi.Endpoint()
    rc = _endpoint_info(c_path, ctypes.byref(info))
    if rc:
        raise_last(rc)
    try:
        matched = EndpointMatch(info.matched)
        body_kind = BodyKind(info.body_kind)
    except ValueError:
        raise broken_contract(f"an endpoint with matched={info.matched}, body_kind={info.body_kind}") from None
    return EndpointInfo(
        matched=matched,
        sandbox=info.sandbox,
        certificate=info.certificate,
        signed_response=info.signed_response,
        body_kind=body_kind,
        md5=info.md5,
        hmac_sha256=info.hmac_sha256,
        sends_sign_type=info.sends_sign_type,
        sub_ids=info.sub_ids,
        appid_field=_static_str(info.appid_field),
        mch_id_field=_static_str(info.mch_id_field),
        required=_names(info.required, info.required_len, info.required_count),
        one_of=_names(info.one_of, info.one_of_len, info.one_of_count),
    )


def _static_str(pointer: int) -> str:
    if not pointer:
        raise broken_contract("a NULL string in wxpay_endpoint")
    return ctypes.string_at(pointer).decode("utf-8")


def _names(pointer: int, length: int, count: int) -> Tuple[str, ...]:
    if count == 0:
        return ()
    if not pointer:
        raise broken_contract("a NULL name list in wxpay_endpoint")
    names = tuple(ctypes.string_at(pointer, length).decode("utf-8").split("\0"))
    if len(names) != count:
        raise broken_contract(f"{count} names packed as {len(names)}")
    return names


def err_code_retry(path: str, err_code: str) -> Retry:
    """What ``err_code``, from a ``result_code=FAIL`` answer of ``path``, says
    about sending the request again (``BusinessError.retry`` for a request's
    own failure). Text that is not a path raises ``InvalidInput``."""
    c_path = c_string_arg(path, "path")
    c_code = c_string_arg(err_code, "err_code")
    out = ctypes.c_int32()
    rc = _err_code_retry(c_path, c_code, ctypes.byref(out))
    if rc:
        raise_last(rc)
    return retry_of(out.value)
