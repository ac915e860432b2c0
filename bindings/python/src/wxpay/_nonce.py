"""``nonce``: a fresh ``nonce_str`` from the operating system's secure random source."""

from __future__ import annotations

from . import _ffi, _native
from ._native import raise_last, scratch

_wxpay_nonce = _native.lib.wxpay_nonce
_NONCE_BUF_LEN = _ffi.NONCE_BUF_LEN


def nonce() -> str:
    """32 random ASCII letters and digits, suitable for ``nonce_str``."""
    buf = scratch.nonce
    rc = _wxpay_nonce(buf, _NONCE_BUF_LEN)
    if rc:
        raise_last(rc)
    return buf.value.decode("ascii")
