"""Signing and verification: ``sign``, ``verify``, ``verify_xml``."""

from __future__ import annotations

import ctypes
import enum
from itertools import chain
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _ffi, _native
from ._native import explain_bad_fields, invalid, key_bytes, max_size_arg, raise_last, scratch, take_fields, text_bytes

_lib = _native.lib
_wxpay_sign_split = _lib.wxpay_sign_split
_wxpay_verify = _lib.wxpay_verify
_wxpay_verify_xml = _lib.wxpay_verify_xml
_SIGN_BUF_LEN = _ffi.SIGN_BUF_LEN


class SignType(enum.IntEnum):
    """The algorithm argument; the values are the C ``WXPAY_SIGN_TYPE_*`` numbers.

    ``AUTO`` signs with the message's own ``sign_type`` field, else MD5, and
    verifies with that field, else by the signature's length (32 hex digits
    MD5, 64 HMAC-SHA256).
    """

    AUTO = 0
    MD5 = 1
    HMAC_SHA256 = 2


SignTypeArg = Optional[Union[SignType, int]]

# Arguments that are the same on most calls are converted to ctypes objects
# once: ctypes then skips the per-call conversion (about 60 ns each).
_SIGN_TYPE_ARGS = tuple(ctypes.c_int32(t) for t in SignType)
# Indexing is several times faster than the SignType(value) lookup.
_SIGN_TYPES = tuple(SignType)
_SIGN_BUF_LEN_ARG = ctypes.c_size_t(_SIGN_BUF_LEN)


# The last API key seen, its UTF-8 bytes and their length as a ctypes object:
# merchants sign with one key, so encoding and converting it once saves
# about 0.1 µs a call. Matched by identity, never by comparing contents. The
# key object is the caller's own; this adds no copy of the secret.
_last_key: Tuple[Any, bytes, ctypes.c_size_t] = (None, b"", ctypes.c_size_t(0))


def _key_args(key: Any) -> Tuple[bytes, ctypes.c_size_t]:
    global _last_key
    last = _last_key
    if key is last[0]:
        return last[1], last[2]
    kb = key_bytes(key)
    if key.__class__ is str or key.__class__ is bytes:
        # Only immutable keys are remembered; a bytearray may change in place.
        _last_key = (key, kb, ctypes.c_size_t(len(kb)))
    return kb, ctypes.c_size_t(len(kb))


def _sign_type_code(sign_type: Any) -> Union[int, ctypes.c_int32]:
    if sign_type is None:
        return _SIGN_TYPE_ARGS[SignType.AUTO]
    if isinstance(sign_type, int) and not isinstance(sign_type, bool) and -(2**31) <= sign_type < 2**31:
        # The library checks the value and names the bad number.
        return int(sign_type)
    raise invalid(f"sign_type must be a wxpay.SignType or None, not {type(sign_type).__name__} {sign_type!r}")


def sign(fields: Mapping[str, str], key: Union[str, bytes], sign_type: SignTypeArg = SignType.AUTO) -> str:
    """The signature of ``fields`` as uppercase hex.

    Every field but ``sign`` is signed; empty values are left out, ``"0"`` is
    kept. Names and values must be ``str``. If ``fields`` has a
    ``sign_type`` field it must agree with ``sign_type`` (else
    ``SignatureError``). The key must be 32 ASCII letters or digits.
    """
    # The hot path: two C-level joins (keys, values) instead of interleaving
    # them with chain(); wxpay_sign_split takes the two lists as they are.
    # The field checks hide inside join/encode, which raise on anything but
    # str, and the diagnosis that names the field runs only then. A NUL
    # inside a name or value changes a list's item count, which the library
    # compares with `count` (WXPAY_RESULT_EMBEDDED_NUL).
    try:
        names = "\0".join(fields).encode()
        values = "\0".join(fields.values()).encode()
    except (TypeError, AttributeError, UnicodeEncodeError):
        raise explain_bad_fields(fields) from None
    count = len(fields)
    last = _last_key
    if key is last[0]:
        kb, key_len = last[1], last[2]
    else:
        kb, key_len = _key_args(key)
    code = _SIGN_TYPE_ARGS[sign_type] if sign_type.__class__ is SignType else _sign_type_code(sign_type)
    s = scratch
    rc = _wxpay_sign_split(
        names, len(names), values, len(values), count, kb, key_len, code, s.sign_address, _SIGN_BUF_LEN_ARG
    )
    if rc:
        raise_last(rc)
    return s.sign.value.decode("ascii")


def verify(fields: Mapping[str, str], key: Union[str, bytes], sign_type: SignTypeArg = None) -> SignType:
    """Checks ``fields["sign"]`` in constant time; returns the algorithm used.

    Raises ``SignatureMissing`` without a non-empty ``sign``, ``SignatureError``
    when it does not match (or ``sign_type`` disagrees with the message's).
    """
    # As in sign().
    try:
        packed = "\0".join(chain.from_iterable(fields.items())).encode()
        count = len(fields)
    except (TypeError, AttributeError, UnicodeEncodeError):
        raise explain_bad_fields(fields) from None
    last = _last_key
    if key is last[0]:
        kb, key_len = last[1], last[2]
    else:
        kb, key_len = _key_args(key)
    code = _SIGN_TYPE_ARGS[sign_type] if sign_type.__class__ is SignType else _sign_type_code(sign_type)
    s = scratch
    rc = _wxpay_verify(packed, len(packed), count, kb, key_len, code, s.sign_type_ref)
    if rc:
        raise_last(rc)
    return _SIGN_TYPES[s.sign_type.value]


def verify_xml(
    xml: Union[bytes, str],
    key: Union[str, bytes],
    sign_type: SignTypeArg = None,
    max_size: Optional[int] = None,
) -> Dict[str, str]:
    """Parses a WeChat ``<xml>`` document (as ``parse_xml``) and verifies its signature (as ``verify``).

    Returns all fields, ``sign`` included. Raises ``XmlError`` or ``SignatureError``.
    """
    doc = text_bytes(xml, "xml")
    kb = key_bytes(key)
    code = _sign_type_code(sign_type)
    limit = max_size_arg(max_size)
    handle = ctypes.c_void_p()
    rc = _wxpay_verify_xml(doc, len(doc), limit, kb, len(kb), code, ctypes.byref(handle))
    if rc:
        raise_last(rc)
    return take_fields(handle.value)
