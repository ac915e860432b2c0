"""Marshalling between Python and the C ABI: packed fields, owned handles, errors.

Field sets cross the boundary in one piece each way (the packed form,
``name0 NUL value0 NUL ... valueN``), so a call costs one ctypes transition
whatever the number of fields.
"""

from __future__ import annotations

import threading
from ctypes import byref, c_int32, c_size_t, c_void_p, create_string_buffer, string_at
from itertools import chain
from typing import Any, Dict, Mapping, NoReturn, Optional, Tuple

from . import _ffi
from ._errors import BusinessError, InvalidInput, Retry, WxPayError, make_error

lib = _ffi.lib
_message = lib.wxpay_last_error_message
_response = lib.wxpay_last_error_response
_retry = lib.wxpay_last_error_retry
_result_name = lib.wxpay_result_name
_fields_packed = lib.wxpay_fields_packed
_fields_free = lib.wxpay_fields_free

# The code Python-side argument checks report, so they look like the library's own.
INVALID_ARGUMENT = 101


class Scratch(threading.local):
    """Per-thread output buffers, reused so the hot paths allocate no ctypes objects."""

    def __init__(self) -> None:
        self.sign = create_string_buffer(_ffi.SIGN_BUF_LEN)
        self.nonce = create_string_buffer(_ffi.NONCE_BUF_LEN)
        self.sign_type = c_int32()
        self.sign_type_ref = byref(self.sign_type)


scratch = Scratch()


def pack(fields: Mapping[str, str]) -> Tuple[bytes, int]:
    """The packed form of ``fields`` and the field count."""
    try:
        return "\0".join(chain.from_iterable(fields.items())).encode(), len(fields)
    except (TypeError, AttributeError, UnicodeEncodeError):
        # Only now, off the fast path, find out what exactly is wrong.
        raise explain_bad_fields(fields) from None


def explain_bad_fields(fields: Any) -> InvalidInput:
    if not hasattr(fields, "items"):
        return invalid(f"fields must be a dict of str to str, not {type(fields).__name__}")
    for name, value in fields.items():
        if not isinstance(name, str):
            return invalid(f"field names must be str; got {type(name).__name__} {name!r}")
        if value is None:
            return invalid(f"field {name!r} is None; leave the field out, or pass '' (empty values are not signed)")
        if not isinstance(value, str):
            return invalid(
                f"field {name!r} must be a str, not {type(value).__name__}; "
                "convert it yourself (e.g. str(total_fee)) so the exact text sent is yours"
            )
        for text, what in ((name, "name"), (value, "value")):
            try:
                text.encode()
            except UnicodeEncodeError as e:
                return invalid(f"field {name!r}: the {what} is not encodable as UTF-8 ({e.reason} at index {e.start})")
    return invalid("fields must be a dict of str to str")


def invalid(message: str) -> InvalidInput:
    return InvalidInput(message, INVALID_ARGUMENT, code_name(INVALID_ARGUMENT))


def code_name(code: int) -> str:
    return str(_result_name(code).decode("ascii", "replace"))


def raise_last(code: int) -> NoReturn:
    """Raises the exception for a failed call, with this thread's last error message and response."""
    raise last_error(code)


def last_error(code: int) -> WxPayError:
    message = (_message() or b"").decode("utf-8", "replace")
    # Read before read_fields, whose own call could replace the last error.
    retry = _retry()
    response_handle = _response()
    response = read_fields(response_handle) if response_handle else None
    error = make_error(code, message, code_name(code), response)
    if isinstance(error, BusinessError):
        error.retry = retry_of(retry)
    return error


def retry_of(value: int) -> Retry:
    try:
        return Retry(value)
    except ValueError:
        raise broken_contract(f"a retry answer of {value}") from None


def read_fields(handle: Optional[int]) -> Dict[str, str]:
    """A dict copy of a ``wxpay_fields`` the library owns (not freed here)."""
    if not handle:
        raise broken_contract("a NULL field set with a success code")
    data = c_void_p()
    length = c_size_t()
    count = c_size_t()
    rc = _fields_packed(handle, byref(data), byref(length), byref(count))
    if rc:
        raise_last(rc)
    if count.value == 0:
        return {}
    if data.value is None:
        raise broken_contract("NULL packed data for a non-empty field set")
    parts = string_at(data.value, length.value).decode("utf-8").split("\0")
    if len(parts) != 2 * count.value:
        raise broken_contract(f"{count.value} fields packed as {len(parts)} parts")
    it = iter(parts)
    return dict(zip(it, it))


def take_fields(handle: Optional[int]) -> Dict[str, str]:
    """Like ``read_fields``, then frees the handle, which the caller owned."""
    try:
        return read_fields(handle)
    finally:
        _fields_free(handle)


def broken_contract(what: str) -> WxPayError:
    """The library broke a promise of its header; never expected, but never silently papered over."""
    return WxPayError(f"internal error: the library returned {what}; please report it", 0, "WXPAY_PYTHON_CONTRACT")


def text_bytes(value: Any, what: str) -> bytes:
    """``str`` as UTF-8, or bytes-like as they are; anything else is refused."""
    if isinstance(value, str):
        try:
            return value.encode()
        except UnicodeEncodeError as e:
            raise invalid(f"{what} is not encodable as UTF-8 ({e.reason} at index {e.start})") from None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise invalid(f"{what} must be str or bytes, not {type(value).__name__}")


def key_bytes(key: Any) -> bytes:
    """The API key as bytes. Errors name its type only, never its content."""
    if isinstance(key, str):
        # surrogatepass: a codec error would quote the key; the library refuses
        # the resulting bytes as a bad key (they are not ASCII) without quoting them.
        return key.encode("utf-8", "surrogatepass")
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise invalid(f"the API key must be str or bytes, not {type(key).__name__}")


def max_size_arg(max_size: Any) -> int:
    """``None`` is the library default (0 in C); otherwise a positive int."""
    if max_size is None:
        return 0
    if type(max_size) is not int or max_size <= 0:
        raise invalid(f"max_size must be a positive int or None, not {max_size!r}")
    return max_size


def c_string_arg(value: Any, what: str) -> bytes:
    """A ``str`` for a NUL-terminated C parameter. A NUL inside would silently cut
    the text short on the C side, so it is refused here. The message names the
    parameter, never its value (it may be a password)."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise invalid(f"{what} contains a NUL character")
    try:
        return value.encode()
    except UnicodeEncodeError as e:
        raise invalid(f"{what} is not encodable as UTF-8 ({e.reason} at index {e.start})") from None
