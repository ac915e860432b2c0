"""Finds and loads the native wxpay library and declares its C functions.

Search order (the first that loads wins):

1. ``WXPAY_LIBRARY``: a path to the library file. When set it is the only
   candidate: an override that silently fell back to another copy would
   hide a misconfiguration.
2. The package directory, so a wheel can ship the library beside the modules.
3. The system: ``ctypes.util.find_library("wxpay")``, then the plain file
   name, which the dynamic loader resolves through ``LD_LIBRARY_PATH`` and
   the linker cache.

Every exported function gets ``argtypes`` and ``restype`` from
``SIGNATURES``, which mirrors ``include/wxpay.h`` (a test compares the two),
and the library's ``wxpay_version()`` must equal the wrapper's version.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char,
    c_char_p,
    c_int32,
    c_size_t,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ._errors import LibraryLoadError, LibraryVersionMismatch
from ._version import __version__

ENV_VAR = "WXPAY_LIBRARY"
PACKAGE_DIR = Path(__file__).resolve().parent

# Buffer sizes from the header (WXPAY_SIGN_BUF_LEN, WXPAY_NONCE_BUF_LEN).
SIGN_BUF_LEN = 65
NONCE_BUF_LEN = 33

# wxpay_result is a C enum, passed as int; wxpay_fields is opaque, so its
# pointers travel as void*. Out-pointers to library-owned data are void** so
# that the address survives (c_char_p would copy the bytes and drop it).
_result = c_int32
_fields_p = c_void_p
_str_in = c_char_p
_buf_out = POINTER(c_char)
_config_p = c_void_p
_client_p = c_void_p
_table_p = c_void_p

# wxpay_log_callback: the message arrives as a pointer and a length (read with
# string_at), so a NUL can never cut it short.
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_int32, c_void_p, c_size_t)


class Endpoint(Structure):
    """``wxpay_endpoint``: all pointers are static strings of the library."""

    _fields_ = [
        ("matched", c_int32),
        ("sandbox", c_bool),
        ("certificate", c_bool),
        ("signed_response", c_bool),
        ("body_kind", c_int32),
        ("md5", c_bool),
        ("hmac_sha256", c_bool),
        ("sends_sign_type", c_bool),
        ("sub_ids", c_bool),
        ("appid_field", c_void_p),
        ("mch_id_field", c_void_p),
        ("required", c_void_p),
        ("required_len", c_size_t),
        ("required_count", c_size_t),
        ("one_of", c_void_p),
        ("one_of_len", c_size_t),
        ("one_of_count", c_size_t),
    ]


SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "wxpay_version": (c_char_p, []),
    "wxpay_last_error_message": (c_char_p, []),
    "wxpay_last_error_code": (_result, []),
    "wxpay_last_error_response": (_fields_p, []),
    "wxpay_last_error_retry": (c_int32, []),
    "wxpay_result_name": (c_char_p, [c_int32]),
    "wxpay_fields_new": (_fields_p, []),
    "wxpay_fields_from_packed": (_result, [_str_in, c_size_t, c_size_t, POINTER(_fields_p)]),
    "wxpay_fields_indexed": (_result, [_str_in, c_size_t, c_size_t, _str_in, POINTER(_fields_p)]),
    "wxpay_fields_set": (_result, [_fields_p, _str_in, _str_in]),
    "wxpay_fields_get": (_result, [_fields_p, _str_in, POINTER(c_void_p)]),
    "wxpay_fields_count": (c_size_t, [_fields_p]),
    "wxpay_fields_packed": (_result, [_fields_p, POINTER(c_void_p), POINTER(c_size_t), POINTER(c_size_t)]),
    "wxpay_fields_free": (None, [_fields_p]),
    "wxpay_nonce": (_result, [_buf_out, c_size_t]),
    "wxpay_sign": (_result, [_str_in, c_size_t, c_size_t, _str_in, c_size_t, c_int32, _buf_out, c_size_t]),
    "wxpay_verify": (_result, [_str_in, c_size_t, c_size_t, _str_in, c_size_t, c_int32, POINTER(c_int32)]),
    "wxpay_verify_xml": (_result, [_str_in, c_size_t, c_size_t, _str_in, c_size_t, c_int32, POINTER(_fields_p)]),
    "wxpay_signer_new": (_result, [_str_in, c_size_t, c_int32, POINTER(c_void_p)]),
    "wxpay_signer_free": (None, [c_void_p]),
    "wxpay_signer_sign": (_result, [c_void_p, _str_in, c_size_t, c_size_t, _buf_out, c_size_t]),
    "wxpay_signer_verify": (_result, [c_void_p, _str_in, c_size_t, c_size_t, POINTER(c_int32)]),
    "wxpay_signer_verify_xml": (_result, [c_void_p, _str_in, c_size_t, c_size_t, POINTER(_fields_p)]),
    "wxpay_xml_parse": (_result, [_str_in, c_size_t, c_size_t, POINTER(_fields_p)]),
    "wxpay_xml_build": (_result, [_str_in, c_size_t, c_size_t, POINTER(c_void_p), POINTER(c_size_t)]),
    "wxpay_string_free": (None, [c_void_p]),
    "wxpay_config_new": (_config_p, []),
    "wxpay_config_set": (_result, [_config_p, _str_in, _str_in]),
    "wxpay_config_set_p12": (_result, [_config_p, _str_in, c_size_t, _str_in]),
    "wxpay_config_set_p12_file": (_result, [_config_p, _str_in, _str_in]),
    "wxpay_config_set_pem": (_result, [_config_p, _str_in, c_size_t, _str_in, c_size_t, _str_in]),
    "wxpay_config_set_pem_files": (_result, [_config_p, _str_in, _str_in, _str_in]),
    "wxpay_config_set_root_ca": (_result, [_config_p, _str_in, c_size_t]),
    "wxpay_config_set_root_ca_file": (_result, [_config_p, _str_in]),
    "wxpay_config_set_log": (_result, [_config_p, LOG_CALLBACK, c_void_p, c_int32]),
    "wxpay_config_free": (None, [_config_p]),
    "wxpay_client_new": (_result, [_config_p, POINTER(_client_p)]),
    "wxpay_client_free": (None, [_client_p]),
    "wxpay_client_cert_status": (_result, [_client_p, POINTER(_fields_p)]),
    "wxpay_client_reload_certificate": (_result, [_client_p, POINTER(_fields_p)]),
    "wxpay_cert_info": (_result, [_str_in, c_size_t, _str_in, c_size_t, _str_in, POINTER(_fields_p)]),
    "wxpay_mcc_category": (_result, [c_int32, POINTER(c_void_p)]),
    "wxpay_mcc_code": (_result, [_str_in, POINTER(c_int32)]),
    "wxpay_mcc_list": (_result, [POINTER(_fields_p)]),
    "wxpay_request": (_result, [_client_p, _str_in, _str_in, c_size_t, c_size_t, POINTER(_fields_p)]),
    "wxpay_pay_bank": (_result, [_client_p, _str_in, c_size_t, c_size_t, POINTER(_fields_p)]),
    "wxpay_payout_encrypt": (
        _result,
        [_str_in, c_size_t, _str_in, c_size_t, POINTER(c_void_p), POINTER(c_size_t)],
    ),
    "wxpay_download": (
        _result,
        [_client_p, _str_in, _str_in, c_size_t, c_size_t, POINTER(c_void_p), POINTER(c_size_t)],
    ),
    "wxpay_bytes_free": (None, [c_void_p, c_size_t]),
    "wxpay_endpoint_info": (_result, [_str_in, POINTER(Endpoint)]),
    "wxpay_err_code_retry": (_result, [_str_in, _str_in, POINTER(c_int32)]),
    "wxpay_notify_payment": (_result, [_client_p, _str_in, c_size_t, POINTER(_fields_p), POINTER(c_int32)]),
    "wxpay_notify_contract": (_result, [_client_p, _str_in, c_size_t, POINTER(_fields_p), POINTER(c_int32)]),
    "wxpay_papay_url": (_result, [_client_p, _str_in, c_size_t, c_size_t, POINTER(c_void_p), POINTER(c_size_t)]),
    "wxpay_notify_refund": (_result, [_client_p, _str_in, c_size_t, POINTER(_fields_p), POINTER(_fields_p)]),
    "wxpay_notify_reply": (_result, [c_int32, _str_in, POINTER(c_void_p), POINTER(c_size_t)]),
    "wxpay_native_url": (_result, [_client_p, _str_in, c_uint64, _str_in, POINTER(c_void_p), POINTER(c_size_t)]),
    "wxpay_native_scan": (_result, [_client_p, _str_in, c_size_t, POINTER(_fields_p)]),
    "wxpay_native_reply": (_result, [_client_p, _str_in, _str_in, POINTER(c_void_p), POINTER(c_size_t)]),
    "wxpay_pay_params": (_result, [_client_p, c_int32, _str_in, _str_in, c_uint64, _str_in, POINTER(_fields_p)]),
    "wxpay_micropay_options_default": (_result, [c_void_p]),
    "wxpay_micropay": (
        _result,
        [_client_p, _str_in, c_size_t, c_size_t, c_void_p, POINTER(c_int32), POINTER(_fields_p), POINTER(_table_p)],
    ),
    "wxpay_bill_parse": (_result, [_str_in, c_size_t, POINTER(_table_p), POINTER(_table_p)]),
    "wxpay_download_bill": (
        _result,
        [_client_p, _str_in, _str_in, c_size_t, c_size_t, POINTER(_table_p), POINTER(_table_p)],
    ),
    "wxpay_table_packed": (
        _result,
        [
            _table_p,
            POINTER(c_void_p),
            POINTER(c_size_t),
            POINTER(c_size_t),
            POINTER(c_void_p),
            POINTER(c_size_t),
            POINTER(c_size_t),
        ],
    ),
    "wxpay_table_row_count": (c_size_t, [_table_p]),
    "wxpay_table_free": (None, [_table_p]),
}


def library_file_name(platform: str = sys.platform) -> str:
    if platform == "darwin":
        return "libwxpay.dylib"
    if platform in ("win32", "cygwin"):
        return "wxpay.dll"
    return "libwxpay.so"


def system_find_library(name: str) -> Optional[str]:
    """``ctypes.util.find_library``, imported only when needed: it runs
    ``ldconfig -p`` (and may try a compiler), which a wheel's import, whose
    library sits in the package directory, should never pay for."""
    import ctypes.util

    return ctypes.util.find_library(name)


def candidates(
    environ: Mapping[str, str],
    package_dir: Path,
    find_library: Callable[[str], Optional[str]] = system_find_library,
) -> Iterator[Tuple[str, str]]:
    """``(where, path)`` pairs to try, in order, each computed only when the
    one before it failed; see the module docstring."""
    override = environ.get(ENV_VAR)
    if override:
        yield f"${ENV_VAR}", override
        return
    yield "package directory", str(package_dir / library_file_name())
    system = find_library("wxpay")
    if system:
        yield "ctypes.util.find_library('wxpay')", system
    yield "system loader path (LD_LIBRARY_PATH, ld.so cache)", library_file_name()


def load_library(
    environ: Mapping[str, str] = os.environ,
    package_dir: Path = PACKAGE_DIR,
    find_library: Callable[[str], Optional[str]] = system_find_library,
) -> ctypes.CDLL:
    """Loads the first candidate that opens and has every function; raises ``LibraryLoadError`` listing all tries."""
    tried: List[str] = []
    for where, path in candidates(environ, package_dir, find_library):
        is_file_path = os.sep in path or (os.altsep is not None and os.altsep in path)
        if is_file_path and not os.path.exists(path):
            tried.append(f"  {where}: {path}: no such file")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"  {where}: {path}: {e}")
            continue
        missing = declare(lib)
        if missing:
            tried.append(f"  {where}: {path}: loaded, but lacks {', '.join(missing)} (an older or foreign library?)")
            continue
        return lib
    raise LibraryLoadError(
        "cannot load the wxpay native library. Looked in:\n"
        + "\n".join(tried)
        + f"\nBuild it with `cargo build --release` and set {ENV_VAR} to target/release/{library_file_name()}, "
        "or place the library in the package directory."
    )


def declare(lib: ctypes.CDLL, signatures: Mapping[str, Tuple[Any, Sequence[Any]]] = SIGNATURES) -> List[str]:
    """Sets restype/argtypes on every function; returns the names the library lacks."""
    missing = []
    for name, (restype, argtypes) in signatures.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = list(argtypes)
    return missing


def check_version(lib: ctypes.CDLL, expected: str = __version__) -> None:
    actual = lib.wxpay_version().decode("utf-8", "replace")
    if actual != expected:
        raise LibraryVersionMismatch(
            f"the wxpay native library at {lib._name} is version {actual}, "
            f"but this Python wrapper is version {expected}; install matching versions "
            f"(or point {ENV_VAR} at the library built from the same source)"
        )


lib = load_library()
check_version(lib)
