"""Turns ``Client`` keyword arguments into a native ``wxpay_config``.

Only argument shapes are checked here (types, NUL characters, positive
numbers); what a value means (a valid key, a known host, a loadable
certificate) is the library's to judge. No error message quotes a value:
the API key and passwords pass through here.
"""

from __future__ import annotations

import math
import os
from typing import Any, Optional, Union

from . import _native
from ._native import c_string_arg, invalid, raise_last
from ._sign import SignType

_lib = _native.lib

PathOrData = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

# Friendly names for the core's host names; the core's own names (and base
# URLs) pass through unchanged.
HOST_ALIASES = {"main": "api", "backup": "api2", "hongkong": "apihk", "us": "apius"}

_SIGN_TYPE_NAMES = {SignType.MD5: "MD5", SignType.HMAC_SHA256: "HMAC-SHA256"}

UNSET: Any = object()


class NativeConfig:
    """A ``wxpay_config`` for the duration of a ``with`` block."""

    def __init__(self) -> None:
        pointer = _lib.wxpay_config_new()
        if not pointer:
            raise _native.broken_contract("a NULL wxpay_config")
        self.pointer: int = pointer

    def __enter__(self) -> "NativeConfig":
        return self

    def __exit__(self, *exc: Any) -> None:
        _lib.wxpay_config_free(self.pointer)

    def set(self, name: str, value: Any) -> None:
        c_value = c_string_arg(value, name)
        self.check(_lib.wxpay_config_set(self.pointer, name.encode(), c_value))

    def set_p12(self, p12: PathOrData, password: Optional[str]) -> None:
        c_password = None if password is None else c_string_arg(password, "p12_password")
        data = _data(p12)
        if data is not None:
            self.check(_lib.wxpay_config_set_p12(self.pointer, data, len(data), c_password))
        else:
            path = _path(p12, "p12")
            self.check(_lib.wxpay_config_set_p12_file(self.pointer, path, c_password))

    def set_pem(self, cert: PathOrData, key: PathOrData, password: Optional[str]) -> None:
        c_password = None if password is None else c_string_arg(password, "key_password")
        cert_data, key_data = _data(cert, pem=True), _data(key, pem=True)
        if cert_data is not None and key_data is not None:
            self.check(
                _lib.wxpay_config_set_pem(self.pointer, cert_data, len(cert_data), key_data, len(key_data), c_password)
            )
        elif cert_data is None and key_data is None:
            self.check(
                _lib.wxpay_config_set_pem_files(
                    self.pointer, _path(cert, "cert_pem"), _path(key, "key_pem"), c_password
                )
            )
        else:
            raise invalid("cert_pem and key_pem must both be paths or both be PEM data")

    def set_root_ca(self, root_ca: PathOrData) -> None:
        data = _data(root_ca, pem=True)
        if data is not None:
            self.check(_lib.wxpay_config_set_root_ca(self.pointer, data, len(data)))
        else:
            self.check(_lib.wxpay_config_set_root_ca_file(self.pointer, _path(root_ca, "root_ca")))

    def set_log(self, callback: Any, min_level: int) -> None:
        self.check(_lib.wxpay_config_set_log(self.pointer, callback, None, min_level))

    @staticmethod
    def check(rc: int) -> None:
        if rc:
            raise_last(rc)


def _data(value: Any, pem: bool = False) -> Optional[bytes]:
    """The content if ``value`` is data rather than a path, else None.

    Bytes are data. For PEM, a ``str`` holding a PEM block is data too: taken
    for a path, it would be quoted in a "cannot read file" message, key and all.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if pem and isinstance(value, str) and "-----BEGIN" in value:
        return c_string_arg(value, "PEM data")
    return None


def _path(value: Any, what: str) -> bytes:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise invalid(f"{what} must be a path (str or os.PathLike) or bytes, not {type(value).__name__}")
    return c_string_arg(value, f"{what} path")


def host_name(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise invalid(f"{what} must be a str, not {type(value).__name__}")
    return HOST_ALIASES.get(value, value)


def sign_type_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value.__class__ is SignType and value in _SIGN_TYPE_NAMES:
        return _SIGN_TYPE_NAMES[value]
    raise invalid(f"sign_type must be 'MD5', 'HMAC-SHA256' or SignType.MD5/HMAC_SHA256, not {value!r}")


def milliseconds(value: Any, what: str) -> str:
    """Seconds (int or float) as the library's whole milliseconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise invalid(f"{what} must be a positive number of seconds, not {value!r}")
    ms = round(value * 1000)
    if ms < 1:
        raise invalid(f"{what} must be at least 0.001 seconds, not {value!r}")
    return str(ms)


def flag(value: Any, what: str) -> str:
    if not isinstance(value, bool):
        raise invalid(f"{what} must be True or False, not {type(value).__name__}")
    return "true" if value else "false"


def whole_number(value: Any, what: str) -> str:
    if type(value) is not int or value <= 0:
        raise invalid(f"{what} must be a positive int, not {value!r}")
    return str(value)
