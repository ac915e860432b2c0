"""Merchant certificates: ``cert_info`` and the merchant category (MCC) table.

The library inspects; this module only moves bytes in and turns the
returned fields into Python values (numbers as ``int``, ``true``/``false``
as ``bool``). Field names are the library's (see ``wxpay_cert_info`` in
``include/wxpay.h``); a field this wrapper does not know passes through as
``str``.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any, Dict, Mapping, Optional, Union

from . import _native
from ._errors import WxPayError, make_error
from ._native import c_string_arg, code_name, invalid, raise_last, take_fields

_lib = _native.lib

CERTIFICATE_FILE = 405

PathOrData = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

_INT_FIELDS = frozenset({"not_before_unix", "not_after_unix", "days_until_expiry", "key_bits", "reloads"})
_BOOL_FIELDS = frozenset({"reloadable"})


def cert_info(
    data_or_path: PathOrData,
    key: Optional[PathOrData] = None,
    password: Optional[str] = None,
) -> Dict[str, Any]:
    """What a merchant certificate says, without making a client.

    ``data_or_path``: the bytes of ``apiclient_cert.p12``, of a PEM or DER
    certificate, a ``str`` holding PEM text, or a path to such a file.
    ``key``: the PEM private key (data or path), to learn whether it belongs
    to the certificate (``key_matches``); not with a ``.p12``, which holds its
    own. ``password``: the ``.p12`` password (WeChat's default is the
    merchant ID) or the encrypted key's; ``None`` for none.

    Returns ``subject_cn``, ``subject``, ``issuer_cn``, ``issuer_kind``,
    ``serial``, ``not_before``/``not_after`` (ISO 8601 UTC),
    ``not_before_unix``/``not_after_unix``, ``days_until_expiry`` (negative
    once expired), ``expiry`` (``"valid"``, ``"expiring"``, ``"expired"``,
    ``"not_yet_valid"``), ``merchant_id``, ``key_type``, ``key_bits``,
    ``key_matches`` (``True``/``False``, ``None`` without a key) and
    ``sha256_fingerprint``. A key that does not match is reported there, not
    raised. Raises ``CertificateError`` (wrong password, corrupt or
    unsupported file, unreadable path); messages never quote the password or
    the key.
    """
    c_password = None if password is None else c_string_arg(password, "password")
    data = read_input(data_or_path, "certificate")
    key_data = None if key is None else read_input(key, "key")
    out = ctypes.c_void_p()
    rc = _lib.wxpay_cert_info(
        data, len(data), key_data, 0 if key_data is None else len(key_data), c_password, ctypes.byref(out)
    )
    if rc:
        raise_last(rc)
    return typed_fields(take_fields(out.value))


def typed_fields(fields: Mapping[str, str]) -> Dict[str, Any]:
    """The library's text fields with numbers as ``int`` and flags as ``bool``."""
    typed: Dict[str, Any] = {}
    for name, value in fields.items():
        if name in _INT_FIELDS:
            typed[name] = _int(name, value)
        elif name in _BOOL_FIELDS:
            typed[name] = _bool(name, value)
        elif name == "key_matches":
            typed[name] = None if value == "unknown" else _bool(name, value)
        else:
            typed[name] = value
    return typed


def read_input(value: Any, what: str) -> bytes:
    """Certificate or key content: bytes as they are, PEM text as UTF-8, else a path read now."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    # PEM text taken for a path would be quoted in "cannot read" messages, key and all.
    if isinstance(value, str) and "-----BEGIN" in value:
        return c_string_arg(value, f"{what} PEM data")
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise invalid(f"the {what} must be bytes, PEM text or a path, not {type(value).__name__}")
    path = c_string_arg(value, f"{what} path").decode()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        # The library's code for an unreadable certificate file, so callers catch one thing.
        raise _file_error(f"cannot read the {what} file {path!r}: {e.strerror or e}") from None


def _file_error(message: str) -> WxPayError:
    return make_error(CERTIFICATE_FILE, message, code_name(CERTIFICATE_FILE))


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _native.broken_contract(f"{name}={value!r}, not a number") from None


def _bool(name: str, value: str) -> bool:
    if value == "true":
        return True
    if value == "false":
        return False
    raise _native.broken_contract(f"{name}={value!r}, not true/false")


# -- merchant category codes ------------------------------------------------


def mcc_category(code: int) -> str:
    """The merchant category of a code, e.g. ``485`` -> ``"Food"``; ``InvalidInput`` (NOT_FOUND) if unknown."""
    if type(code) is not int:
        raise invalid(f"an MCC code must be an int, not {type(code).__name__}")
    if not -(2**31) <= code < 2**31:
        raise make_error(109, f"no merchant category has the code {code}", code_name(109))
    out = ctypes.c_void_p()
    rc = _lib.wxpay_mcc_category(code, ctypes.byref(out))
    if rc:
        raise_last(rc)
    if not out.value:
        raise _native.broken_contract("a NULL category with a success code")
    return ctypes.string_at(out.value).decode("utf-8")


def mcc_code(category: str) -> int:
    """The code of a merchant category, e.g. ``"Food"`` -> ``485`` (case and surrounding spaces ignored)."""
    c_category = c_string_arg(category, "category")
    out = ctypes.c_int32()
    rc = _lib.wxpay_mcc_code(c_category, ctypes.byref(out))
    if rc:
        raise_last(rc)
    return out.value


def mcc_list() -> Dict[int, str]:
    """The whole table, code -> category, in ascending code order."""
    out = ctypes.c_void_p()
    rc = _lib.wxpay_mcc_list(ctypes.byref(out))
    if rc:
        raise_last(rc)
    return {_int("mcc code", code): category for code, category in take_fields(out.value).items()}
