"""Signing and verification: ``Signer``, and the one-call ``sign``, ``verify``, ``verify_xml``.

A ``wxpay_signer`` holds an API key and an algorithm that the library checked
once; its calls take half the arguments of the one-call functions. The
module-level ``sign``/``verify`` go through a small cache of signers keyed by
(key, algorithm), so a merchant who passes the same key every time gets the
signer's speed without managing one.
"""

from __future__ import annotations

import ctypes
import enum
import os
import threading
from ctypes import byref, c_void_p
from itertools import chain
from types import TracebackType
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type, Union

from . import _ffi, _native
from ._errors import SignerClosed
from ._native import (
    broken_contract,
    explain_bad_fields,
    invalid,
    key_bytes,
    max_size_arg,
    raise_last,
    scratch,
    take_fields,
    text_bytes,
)

_lib = _native.lib
_wxpay_sign_split = _lib.wxpay_sign_split
_wxpay_verify = _lib.wxpay_verify
_wxpay_verify_xml = _lib.wxpay_verify_xml
_signer_new = _lib.wxpay_signer_new
_signer_free = _lib.wxpay_signer_free
_signer_sign_split = _lib.wxpay_signer_sign_split
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
# Arguments that are the same on every call are converted to ctypes objects
# once: ctypes passes those as they are and skips the per-call conversion.
_SIGN_BUF_LEN_ARG = ctypes.c_size_t(_SIGN_BUF_LEN)
_SIGNER_BUF_LEN_ARG = _ffi.c_size_t(_SIGN_BUF_LEN)


def _load_speedups() -> Optional[Callable[[int, Any], Union[str, int, None]]]:
    """``wxpay._speedups.sign_split`` bound to this library, or ``None`` for the ctypes path alone.

    The extension is optional (no compiler or headers at install time, PyPy)
    and can be turned off with ``WXPAY_PYTHON_NO_SPEEDUPS=1``. It packs an
    exact dict of exact str in C and calls the same ``wxpay_signer_sign_split``
    of the library loaded here (its address is handed over, so there is only
    one libwxpay): it returns the signature, the library's result code on a
    refusal, or ``None`` for anything irregular, which the ctypes path then
    signs or reports exactly as it always does.
    """
    if os.environ.get("WXPAY_PYTHON_NO_SPEEDUPS", "") not in ("", "0"):
        return None
    try:
        from . import _speedups  # type: ignore[attr-defined]
    except ImportError:
        return None
    address = ctypes.cast(_signer_sign_split, c_void_p).value
    _speedups.bind(address, _SIGN_BUF_LEN)
    fast_sign: Callable[[int, Any], Union[str, int, None]] = _speedups.sign_split
    return fast_sign


# Read at every call, so that tests and the benchmark can switch it off.
_fast_sign = _load_speedups()

#: True when the C accelerator ``wxpay._speedups`` signs for ``sign`` and ``Signer.sign``.
SPEEDUPS = _fast_sign is not None


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
    so the reference count is also the count of calls in flight: ``close()``
    and cache eviction only drop their own reference, and the signer is freed
    at once if no thread is using it, else when the last call returns. That
    costs the hot path nothing, where a lock and a counter would cost two
    lock round trips a call. A daemon thread frozen inside a call at
    interpreter exit keeps its reference, so the signer is never freed under it.
    """

    __slots__ = ("arg", "pointer", "__weakref__")

    def __init__(self, pointer: int) -> None:
        self.pointer = pointer
        # The pointer as a ready ctypes argument, passed without conversion.
        self.arg = c_void_p(pointer)

    def __del__(self, _free: Any = _signer_free) -> None:
        _free(self.pointer)


def _new_native(kb: bytes, code: int) -> Tuple[int, Optional[_NativeSigner]]:
    """``(0, signer)``, or ``(result code, None)`` when the library refuses the key or the algorithm."""
    out = c_void_p()
    rc = _signer_new(kb, len(kb), code, byref(out))
    if rc:
        return rc, None
    if not out.value:
        raise broken_contract("a NULL signer with a success code")
    return 0, _NativeSigner(out.value)


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
        kb = key_bytes(key)
        code = _code(sign_type)
        rc, native = _new_native(kb, code)
        if native is None:
            raise_last(rc)
        self._native = native
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
        # close() cannot free the signer under either path.
        if _fast_sign is not None:
            result = _fast_sign(native.pointer, fields)
            if result.__class__ is str:
                return result
            if result is not None:
                raise_last(result)  # type: ignore[arg-type]  # an int: a str returned above
        try:
            names = "\0".join(fields).encode()
            values = "\0".join(fields.values()).encode()
        except (TypeError, AttributeError, UnicodeEncodeError):
            raise explain_bad_fields(fields) from None
        out_arg, out = scratch.sign_out
        rc = _signer_sign_split(
            native.arg, names, len(names), values, len(values), len(fields), out_arg, _SIGNER_BUF_LEN_ARG
        )
        if rc:
            raise_last(rc)
        return out.value.decode()

    def verify(self, fields: Mapping[str, str]) -> SignType:
        """Checks ``fields["sign"]`` in constant time and returns the algorithm used; as ``wxpay.verify``."""
        native = self._native
        if native is None:
            raise _closed()
        try:
            packed = "\0".join(chain.from_iterable(fields.items())).encode()
        except (TypeError, AttributeError, UnicodeEncodeError):
            raise explain_bad_fields(fields) from None
        s = scratch
        rc = _signer_verify(native.arg, packed, len(packed), len(fields), s.sign_type_ref)
        if rc:
            raise_last(rc)
        return _SIGN_TYPES[s.sign_type.value]

    def verify_xml(self, xml: Union[bytes, str], max_size: Optional[int] = None) -> Dict[str, str]:
        """Parses a WeChat ``<xml>`` document and verifies its signature; as ``wxpay.verify_xml``."""
        native = self._native
        if native is None:
            raise _closed()
        doc = text_bytes(xml, "xml")
        limit = max_size_arg(max_size)
        handle = c_void_p()
        rc = _signer_verify_xml(native.arg, doc, len(doc), limit, byref(handle))
        if rc:
            raise_last(rc)
        return take_fields(handle.value)


def _closed() -> SignerClosed:
    return SignerClosed("the wxpay.Signer is closed", 0, "WXPAY_PYTHON_SIGNER_CLOSED")


# --- the module-level functions and their signer cache ----------------------

#: How many (key, algorithm) signers ``sign``/``verify`` keep; the oldest goes first.
SIGNER_CACHE_SIZE = 16

# (key, algorithm number) -> signer. Only exact str and bytes keys are cached:
# they are immutable and compare by content, so an entry can only ever be
# found with the same key (a bytearray may change in place, and a subclass
# could redefine equality). The entry holds the caller's key object; the
# native signer holds the library's copy.
_cache: Dict[Tuple[Any, int], _NativeSigner] = {}
_cache_lock = threading.Lock()
# The last (key, sign_type argument, signer), matched by identity: repeated
# calls with the same objects skip even the dict lookup. Replaced as one tuple,
# so a thread always reads a consistent triple.
_NOTHING = object()
_last: Tuple[Any, Any, Any] = (_NOTHING, _NOTHING, None)


def clear_signer_cache() -> None:
    """Drops every signer that ``sign``/``verify`` cached, and with them their references to your keys.

    The native signers are freed (their key copies wiped) at once, or, for one
    a call on another thread is still using, when that call returns.
    """
    global _last
    with _cache_lock:
        _cache.clear()
        _last = (_NOTHING, _NOTHING, None)


def _cached_signer(key: Any, sign_type: Any) -> Optional[_NativeSigner]:
    """The signer for ``(key, sign_type)``, made on first use; ``None`` for a key that is not cached
    or that the library refuses (the caller then takes the one-call path, which reports the error
    exactly as it always has)."""
    global _last
    if key.__class__ is not str and key.__class__ is not bytes:
        return None
    code = _code(sign_type)
    entry = (key, code)
    native = _cache.get(entry)
    if native is None:
        # surrogatepass, as key_bytes: a codec error would quote the key.
        kb = key.encode("utf-8", "surrogatepass") if isinstance(key, str) else key
        _, native = _new_native(kb, code)
        if native is None:
            return None
        with _cache_lock:
            native = _cache.setdefault(entry, native)
            while len(_cache) > SIGNER_CACHE_SIZE:
                del _cache[next(iter(_cache))]
    if sign_type is None or sign_type.__class__ is SignType or sign_type.__class__ is int:
        # Matched by identity next time: only for objects whose number cannot change
        # (an int subclass could compute a different one in __int__ on every call).
        _last = (key, sign_type, native)
    return native


def _signer_in_cache(key: Any, sign_type: Any) -> Optional[_NativeSigner]:
    """The cached signer for ``(key, sign_type)`` if there is one; never makes one and never raises.

    For the accelerated ``sign``, which packs the fields before anything else
    is checked: a signer is made (and the key remembered) only by the path
    below, once the fields passed, as without the accelerator.
    """
    last = _last
    if key is last[0] and sign_type is last[1]:
        return last[2]  # type: ignore[no-any-return]
    if key.__class__ is not str and key.__class__ is not bytes:
        return None
    # Only types whose number no Python code computes: an int subclass's
    # __int__ runs once per call on the path below and must not run twice.
    fixed = sign_type is None or sign_type.__class__ is SignType or sign_type.__class__ is int
    if fixed and _is_code(sign_type):
        return _cache.get((key, _code(sign_type)))
    return None


def sign(fields: Mapping[str, str], key: Union[str, bytes], sign_type: SignTypeArg = SignType.AUTO) -> str:
    """The signature of ``fields`` as uppercase hex.

    Every field but ``sign`` is signed; empty values are left out, ``"0"`` is
    kept. Names and values must be ``str``. If ``fields`` has a
    ``sign_type`` field it must agree with ``sign_type`` (else
    ``SignatureError``). The key must be 32 ASCII letters or digits.
    A ``str`` or ``bytes`` key is remembered with its signer (see
    ``clear_signer_cache``).
    """
    # The accelerator signs a regular dict with a signer from the cache; the
    # first call with a key, and anything irregular, takes the path below.
    if _fast_sign is not None:
        native = _signer_in_cache(key, sign_type)
        if native is not None:
            result = _fast_sign(native.pointer, fields)
            if result.__class__ is str:
                return result
            if result is not None:
                raise_last(result)  # type: ignore[arg-type]  # an int: a str returned above
    # Two C-level joins (names, values) instead of interleaving them with
    # chain(): the split call takes the two lists as they are. The field
    # checks hide inside join/encode, which raise on anything but str, and
    # the diagnosis that names the field runs only then. A NUL inside a name
    # or value changes a list's item count, which the library compares with
    # the count (WXPAY_RESULT_EMBEDDED_NUL).
    try:
        names = "\0".join(fields).encode()
        values = "\0".join(fields.values()).encode()
    except (TypeError, AttributeError, UnicodeEncodeError):
        raise explain_bad_fields(fields) from None
    last = _last
    if key is last[0] and sign_type is last[1]:
        native = last[2]
    else:
        native = _cached_signer(key, sign_type)
        if native is None:
            return _sign_one_call(names, values, len(fields), key, sign_type)
    out_arg, out = scratch.sign_out
    rc = _signer_sign_split(
        native.arg, names, len(names), values, len(values), len(fields), out_arg, _SIGNER_BUF_LEN_ARG
    )
    if rc:
        raise_last(rc)
    return out.value.decode()


def _sign_one_call(names: bytes, values: bytes, count: int, key: Any, sign_type: Any) -> str:
    """``wxpay_sign_split`` with the key passed along: for keys the cache does not hold."""
    kb = key_bytes(key)
    code = _code(sign_type)
    s = scratch
    rc = _wxpay_sign_split(
        names, len(names), values, len(values), count, kb, len(kb), code, s.sign_arg, _SIGN_BUF_LEN_ARG
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
    except (TypeError, AttributeError, UnicodeEncodeError):
        raise explain_bad_fields(fields) from None
    last = _last
    if key is last[0] and sign_type is last[1]:
        native = last[2]
    else:
        native = _cached_signer(key, sign_type)
    s = scratch
    if native is not None:
        rc = _signer_verify(native.arg, packed, len(packed), len(fields), s.sign_type_ref)
    else:
        kb = key_bytes(key)
        rc = _wxpay_verify(packed, len(packed), len(fields), kb, len(kb), _code(sign_type), s.sign_type_ref)
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
    code = _code(sign_type)
    limit = max_size_arg(max_size)
    handle = c_void_p()
    rc = _wxpay_verify_xml(doc, len(doc), limit, kb, len(kb), code, byref(handle))
    if rc:
        raise_last(rc)
    return take_fields(handle.value)
