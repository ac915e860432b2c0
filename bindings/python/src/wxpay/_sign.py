"""Signing and verification: ``Signer``, and the one-call ``sign``, ``verify``, ``verify_xml``.

A ``wxpay_signer`` holds an API key and an algorithm that the library checked
once. The one-call functions pass the key along and the library checks it on
every call; there is no hidden cache of keys.
"""

from __future__ import annotations

import enum
from ctypes import byref, c_void_p
from types import TracebackType
from typing import Any, Dict, Mapping, Optional, Tuple, Type, Union

from . import _ffi, _native
from ._errors import SignerClosed
from ._native import broken_contract, invalid, key_bytes, max_size_arg, pack, raise_last, scratch, take_fields, text_bytes

_lib = _native.lib
_wxpay_sign = _lib.wxpay_sign
_wxpay_verify = _lib.wxpay_verify
_wxpay_verify_xml = _lib.wxpay_verify_xml
_signer_new = _lib.wxpay_signer_new
_signer_free = _lib.wxpay_signer_free
_signer_sign = _lib.wxpay_signer_sign
_signer_verify = _lib.wxpay_signer_verify
_signer_verify_xml = _lib.wxpay_signer_verify_xml
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

# Indexing is several times faster than the SignType(value) lookup.
_SIGN_TYPES = tuple(SignType)


def _is_code(sign_type: Any) -> bool:
    """Whether ``_code`` accepts ``sign_type``."""
    return sign_type is None or (
        isinstance(sign_type, int) and not isinstance(sign_type, bool) and -(2**31) <= sign_type < 2**31
    )


def _code(sign_type: Any) -> int:
    """The C number for a ``sign_type`` argument; the library checks its range and names a bad number."""
    if sign_type is None:
        return 0
    if _is_code(sign_type):
        return int(sign_type)
    raise invalid(f"sign_type must be a wxpay.SignType or None, not {type(sign_type).__name__} {sign_type!r}")


class _NativeSigner:
    """Owns one ``wxpay_signer``; frees it (the library wipes the key) when the last reference goes.

    Every call holds a reference in a local variable for as long as it runs,
    so ``close()`` only drops the ``Signer``'s reference: the native signer is
    freed at once if no thread is using it, else when the last call returns.
    """

    __slots__ = ("pointer", "__weakref__")

    def __init__(self, kb: bytes, code: int) -> None:
        out = c_void_p()
        rc = _signer_new(kb, len(kb), code, byref(out))
        if rc:
            raise_last(rc)
        if not out.value:
            raise broken_contract("a NULL signer with a success code")
        self.pointer: int = out.value

    def __del__(self, _free: Any = _signer_free) -> None:
        # Not set when wxpay_signer_new refused the key.
        pointer = getattr(self, "pointer", None)
        if pointer:
            _free(pointer)


class Signer:
    """An API key and an algorithm, checked once, for signing and verifying many messages.

    ``key`` is 32 ASCII letters or digits (``str`` or bytes-like), else
    ``InvalidInput`` (``WXPAY_RESULT_INVALID_KEY``) is raised here. The
    library copies it; this object keeps no Python copy, and ``close()``
    (or the end of a ``with`` block, or garbage collection) frees the native
    signer, which wipes its copy. ``sign_type`` means what it means for
    ``wxpay.sign``/``wxpay.verify``: ``AUTO`` (the default) follows the
    message's ``sign_type`` field.

    One signer may be shared by any number of threads. ``close()`` may race
    with calls on other threads: those finish normally, later ones raise
    ``SignerClosed``, and the native signer is freed when the last one returns.
    """

    __slots__ = ("_native", "_sign_type", "__weakref__")

    def __init__(self, key: Union[str, bytes], sign_type: SignTypeArg = SignType.AUTO) -> None:
        self._native: Optional[_NativeSigner] = None
        code = _code(sign_type)
        self._native = _NativeSigner(key_bytes(key), code)
        self._sign_type = _SIGN_TYPES[code]

    @property
    def sign_type(self) -> SignType:
        """The algorithm argument the signer was made with (``AUTO`` follows each message's field)."""
        return self._sign_type

    @property
    def closed(self) -> bool:
        return self._native is None

    def close(self) -> None:
        """Frees the native signer (wiping its key) once no call uses it; calling it again does nothing."""
        self._native = None

    def __enter__(self) -> "Signer":
        if self._native is None:
            raise _closed()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<wxpay.Signer {self._sign_type.name} {'closed' if self._native is None else 'open'}>"

    def __reduce__(self) -> Tuple[Any, ...]:
        raise TypeError("a wxpay.Signer cannot be pickled or copied: its key lives in native memory")

    def sign(self, fields: Mapping[str, str]) -> str:
        """The signature of ``fields`` as uppercase hex; the same rules as ``wxpay.sign``."""
        native = self._native
        if native is None:
            raise _closed()
        # `native` stays referenced until the call returns, so a concurrent
        # close() cannot free the signer under it.
        packed, count = pack(fields)
        out = scratch.sign
        rc = _signer_sign(native.pointer, packed, len(packed), count, out, _SIGN_BUF_LEN)
        if rc:
            raise_last(rc)
        return out.value.decode()

    def verify(self, fields: Mapping[str, str]) -> SignType:
        """Checks ``fields["sign"]`` in constant time and returns the algorithm used; as ``wxpay.verify``."""
        native = self._native
        if native is None:
            raise _closed()
        packed, count = pack(fields)
        rc = _signer_verify(native.pointer, packed, len(packed), count, scratch.sign_type_ref)
        if rc:
            raise_last(rc)
        return _SIGN_TYPES[scratch.sign_type.value]

    def verify_xml(self, xml: Union[bytes, str], max_size: Optional[int] = None) -> Dict[str, str]:
        """Parses a WeChat ``<xml>`` document and verifies its signature; as ``wxpay.verify_xml``."""
        native = self._native
        if native is None:
            raise _closed()
        doc = text_bytes(xml, "xml")
        limit = max_size_arg(max_size)
        handle = c_void_p()
        rc = _signer_verify_xml(native.pointer, doc, len(doc), limit, byref(handle))
        if rc:
            raise_last(rc)
        return take_fields(handle.value)


def _closed() -> SignerClosed:
    return SignerClosed("the wxpay.Signer is closed", 0, "WXPAY_PYTHON_SIGNER_CLOSED")


# --- the one-call functions ------------------------------------------------


def sign(fields: Mapping[str, str], key: Union[str, bytes], sign_type: SignTypeArg = SignType.AUTO) -> str:
    """The signature of ``fields`` as uppercase hex.

    Every field but ``sign`` is signed; empty values are left out, ``"0"`` is
    kept. Names and values must be ``str``. If ``fields`` has a
    ``sign_type`` field it must agree with ``sign_type`` (else
    ``SignatureError``). The key must be 32 ASCII letters or digits.
    """
    packed, count = pack(fields)
    kb = key_bytes(key)
    out = scratch.sign
    rc = _wxpay_sign(packed, len(packed), count, kb, len(kb), _code(sign_type), out, _SIGN_BUF_LEN)
    if rc:
        raise_last(rc)
    return out.value.decode()


def verify(fields: Mapping[str, str], key: Union[str, bytes], sign_type: SignTypeArg = None) -> SignType:
    """Checks ``fields["sign"]`` in constant time; returns the algorithm used.

    Raises ``SignatureMissing`` without a non-empty ``sign``, ``SignatureError``
    when it does not match (or ``sign_type`` disagrees with the message's).
    """
    packed, count = pack(fields)
    kb = key_bytes(key)
    rc = _wxpay_verify(packed, len(packed), count, kb, len(kb), _code(sign_type), scratch.sign_type_ref)
    if rc:
        raise_last(rc)
    return _SIGN_TYPES[scratch.sign_type.value]


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
    code = _code(sign_type)
    limit = max_size_arg(max_size)
    handle = c_void_p()
    rc = _wxpay_verify_xml(doc, len(doc), limit, kb, len(kb), code, byref(handle))
    if rc:
        raise_last(rc)
    return take_fields(handle.value)
