"""The low-level field container functions, through the declared ctypes prototypes.

The public API reads fields in one call; these tests keep the rest of the
declared signatures honest (a wrong argtype would crash or misread here).
"""

import ctypes

import pytest

from wxpay import InvalidInput, _native

lib = _native.lib


def new_from_packed(packed: bytes, count: int) -> int:
    handle = ctypes.c_void_p()
    rc = lib.wxpay_fields_from_packed(packed, len(packed), count, ctypes.byref(handle))
    if rc:
        _native.raise_last(rc)
    assert handle.value
    return handle.value


def test_from_packed_get_count_and_packed_round_trip():
    handle = new_from_packed("a\x001\x00名\x00值\x00empty\x00".encode(), 3)
    try:
        assert lib.wxpay_fields_count(handle) == 3
        value = ctypes.c_void_p()
        assert lib.wxpay_fields_get(handle, "名".encode(), ctypes.byref(value)) == 0
        assert ctypes.string_at(value.value).decode() == "值"
        assert _native.read_fields(handle) == {"a": "1", "名": "值", "empty": ""}
    finally:
        lib.wxpay_fields_free(handle)


def test_get_of_a_missing_field_is_not_found():
    handle = new_from_packed(b"a\x001", 1)
    try:
        value = ctypes.c_void_p()
        rc = lib.wxpay_fields_get(handle, b"b", ctypes.byref(value))
        assert _native.code_name(rc) == "WXPAY_RESULT_NOT_FOUND"
        assert value.value is None
        assert lib.wxpay_last_error_code() == rc
    finally:
        lib.wxpay_fields_free(handle)


def test_new_set_replaces_in_place_and_take_frees():
    handle = lib.wxpay_fields_new()
    assert handle
    assert lib.wxpay_fields_count(handle) == 0
    assert lib.wxpay_fields_set(handle, b"x", b"1") == 0
    assert lib.wxpay_fields_set(handle, b"y", b"2") == 0
    assert lib.wxpay_fields_set(handle, b"x", b"3") == 0
    assert _native.take_fields(handle) == {"x": "3", "y": "2"}


def test_empty_container_reads_as_empty_dict():
    handle = lib.wxpay_fields_new()
    assert _native.take_fields(handle) == {}


def test_from_packed_detects_nul_and_duplicates():
    with pytest.raises(InvalidInput) as err:
        new_from_packed(b"a\x00x\x00y", 1)
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"
    with pytest.raises(InvalidInput) as err:
        new_from_packed(b"a\x001\x00a\x002", 2)
    assert err.value.code_name == "WXPAY_RESULT_DUPLICATE_FIELD"


def test_null_handles_are_refused_or_ignored():
    assert lib.wxpay_fields_count(None) == 0
    lib.wxpay_fields_free(None)
    lib.wxpay_string_free(None)
    data, length, count = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_size_t()
    rc = lib.wxpay_fields_packed(None, ctypes.byref(data), ctypes.byref(length), ctypes.byref(count))
    assert _native.code_name(rc) == "WXPAY_RESULT_NULL_ARGUMENT"
    assert "NULL" in lib.wxpay_last_error_message().decode()


def test_no_response_is_attached_to_local_failures():
    lib.wxpay_fields_get(None, b"a", ctypes.byref(ctypes.c_void_p()))
    assert lib.wxpay_last_error_response() is None


def test_a_null_success_is_reported_not_papered_over():
    from wxpay import WxPayError

    with pytest.raises(WxPayError, match="internal error.*NULL"):
        _native.read_fields(None)
