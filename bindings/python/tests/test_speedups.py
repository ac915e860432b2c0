"""The optional C accelerator wxpay._speedups: used when built, off on request, and indistinguishable
from the ctypes path in everything but speed (results, exceptions, references, the caller's objects).

The signing suites (test_sign, test_signer, test_threads, the 200k-call memory test) run on both
paths through conftest.sign_path; this file covers what is particular to the accelerator.
"""

import ctypes
import gc
import importlib.util
import os
import subprocess
import sys
from collections import OrderedDict
from functools import partial
from types import MappingProxyType

import pytest
from reference import KEY, md5_sign, unified_order

import wxpay
from wxpay import SignType, _sign

BUILT = importlib.util.find_spec("wxpay._speedups") is not None
DISABLED = os.environ.get("WXPAY_PYTHON_NO_SPEEDUPS", "") not in ("", "0")
needs_speedups = pytest.mark.skipif(
    _sign._fast_sign is None, reason="wxpay._speedups is not built or is disabled (WXPAY_PYTHON_NO_SPEEDUPS)"
)


class Text(str):
    pass


@pytest.fixture(autouse=True)
def empty_cache():
    wxpay.clear_signer_cache()
    yield
    wxpay.clear_signer_cache()


# --- which path runs ------------------------------------------------------------


def test_the_extension_is_built_where_the_build_is_required():
    # CI sets this (test.sh passes it through), so that a build that quietly fails there fails
    # the suite instead of leaving only the fallback tested.
    if os.environ.get("WXPAY_PY_REQUIRE_SPEEDUPS") != "1":
        pytest.skip("WXPAY_PY_REQUIRE_SPEEDUPS is not 1")
    assert BUILT, "wxpay._speedups was not built although the build tools are present"


@pytest.mark.skipif(not BUILT or DISABLED, reason="wxpay._speedups is not built, or is disabled")
def test_the_extension_is_used_when_built(monkeypatch):
    from wxpay import _speedups

    assert wxpay.SPEEDUPS is True
    assert _sign._fast_sign is _speedups.sign_split
    results = []

    def spy(pointer, fields):
        result = _speedups.sign_split(pointer, fields)
        results.append(result)
        return result

    monkeypatch.setattr(_sign, "_fast_sign", spy)
    order = unified_order()
    expected = md5_sign(order)
    assert wxpay.Signer(KEY).sign(order) == expected
    assert wxpay.sign(order, KEY) == expected  # the first call with a key makes its signer on the ctypes path
    assert wxpay.sign(order, KEY) == expected
    # Both regular calls were answered by the extension itself, not handed back to ctypes.
    assert results == [expected, expected]


def run_python(code, **env):
    environment = dict(os.environ, **env)
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


CHECK = (
    "import wxpay; from wxpay import _sign; "
    f"print(wxpay.SPEEDUPS, _sign._fast_sign is None, wxpay.sign({{'a': '1'}}, {KEY!r}) == {md5_sign({'a': '1'})!r})"
)


def test_the_environment_variable_forces_the_fallback():
    assert run_python(CHECK, WXPAY_PYTHON_NO_SPEEDUPS="1") == ["False", "True", "True"]


def test_without_the_variable_the_extension_is_used_if_built():
    env = {k: v for k, v in os.environ.items() if k != "WXPAY_PYTHON_NO_SPEEDUPS"}
    done = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(BUILT), str(not BUILT), "True"]
    assert run_python(CHECK, WXPAY_PYTHON_NO_SPEEDUPS="0") == [str(BUILT), str(not BUILT), "True"]


# --- the extension's own contract -----------------------------------------------


def signer_pointer(signer):
    return signer._native.pointer


@needs_speedups
def test_regular_dicts_are_signed_in_c():
    from wxpay import _speedups

    order = unified_order()
    with wxpay.Signer(KEY) as signer:
        assert _speedups.sign_split(signer_pointer(signer), order) == md5_sign(order)
        assert _speedups.sign_split(signer_pointer(signer), {}) == md5_sign({})
        # Every UTF-8 length (1 to 4 bytes) and each of CPython's three string kinds.
        for text in ("ascii", "é Latin-1 ÿ", "中文 ߿ ࠀ ￿", "😀 𐀀 \U0010ffff 中 é"):
            fields = {"body": text, text: "name"}
            assert _speedups.sign_split(signer_pointer(signer), fields) == md5_sign(fields)


@needs_speedups
@pytest.mark.parametrize(
    "fields",
    [
        OrderedDict(a="1"),
        MappingProxyType({"a": "1"}),
        [("a", "1")],
        None,
        {Text("a"): "1"},
        {"a": Text("1")},
        {"a": None},
        {"a": 1},
        {"a": b"1"},
        {1: "a"},
        {"a": "bad \udc80"},
        {"bad \ud800": "1"},
        {"a": "😀\udfff"},
    ],
    ids=repr,
)
def test_anything_irregular_is_handed_back(fields):
    from wxpay import _speedups

    with wxpay.Signer(KEY) as signer:
        assert _speedups.sign_split(signer_pointer(signer), fields) is None


@needs_speedups
@pytest.mark.parametrize(
    "fields, code_name",
    [({"a": "1\0"}, "WXPAY_RESULT_EMBEDDED_NUL"), ({"": "1"}, "WXPAY_RESULT_INVALID_FIELD_NAME")],
)
def test_a_refusal_is_the_library_code(fields, code_name, monkeypatch):
    from wxpay import _speedups

    monkeypatch.setattr(_sign, "_fast_sign", None)
    with wxpay.Signer(KEY) as signer:
        with pytest.raises(wxpay.InvalidInput) as err:
            signer.sign(fields)
        assert err.value.code_name == code_name
        assert _speedups.sign_split(signer_pointer(signer), fields) == err.value.code


@needs_speedups
def test_bind_refuses_another_library_or_buffer_size():
    from wxpay import _speedups

    address = ctypes.cast(wxpay._ffi.lib.wxpay_signer_sign_split, ctypes.c_void_p).value
    _speedups.bind(address, wxpay._ffi.SIGN_BUF_LEN)  # the same again is fine
    with pytest.raises(RuntimeError, match="another library"):
        _speedups.bind(address + 16, wxpay._ffi.SIGN_BUF_LEN)
    with pytest.raises(ValueError, match="signature buffer"):
        _speedups.bind(address, 64)
    with pytest.raises(ValueError, match="NULL"):
        _speedups.bind(0, 65)
    with pytest.raises(TypeError):
        _speedups.bind(address)
    with pytest.raises(TypeError):
        _speedups.sign_split(1)
    with pytest.raises(ValueError, match="NULL signer"):
        _speedups.sign_split(0, {})


@needs_speedups
def test_inputs_keep_their_reference_counts():
    from wxpay import _speedups

    name, value = "body" + "x" * 3, "中文" * 3
    ok = {name: value, "a": "1"}
    refused = {name: value, "b": "\0"}
    irregular = {name: value, "c": None}
    large = {name: value * 10_000}
    signer = wxpay.Signer(KEY)
    pointer = signer_pointer(signer)
    objects = [ok, refused, irregular, large, name, value, signer, signer._native]
    before = [sys.getrefcount(o) for o in objects]
    for _ in range(1000):
        for fields in (ok, refused, irregular, large):
            _speedups.sign_split(pointer, fields)
            try:
                signer.sign(fields)
            except wxpay.InvalidInput:
                pass
            try:
                wxpay.sign(fields, KEY)
            except wxpay.InvalidInput:
                pass
    del fields  # the loop variable's reference
    gc.collect()
    assert [sys.getrefcount(o) for o in objects] == before
    # The result is a fresh string the caller owns alone.
    assert sys.getrefcount(_speedups.sign_split(pointer, ok)) == 2


@needs_speedups
def test_the_callers_strings_gain_no_cached_utf8():
    # PyUnicode_AsUTF8AndSize would attach a UTF-8 copy to every non-ASCII str the caller passed.
    value = "".join(["中文"] * 1000)
    size = sys.getsizeof(value)
    wxpay.Signer(KEY).sign({"body": value})
    assert sys.getsizeof(value) == size


# --- both paths alike ---------------------------------------------------------------


def outcome(call):
    try:
        return ("ok", call())
    except Exception as e:  # noqa: BLE001 - the exception itself is what is compared
        return (type(e), str(e), getattr(e, "code", None), getattr(e, "code_name", None), e.__cause__ is None)


BAD_FIELDS = [
    {"a": None},
    {"a": 88},
    {"a": b"88"},
    {"a": 8.8},
    {"a": True},
    {1: "a"},
    {None: "a"},
    {Text("a"): "1"},
    {"a": Text("1")},
    {"body": "bad \udc80"},
    {"bad \udc80": "1"},
    {"body": "a\0b"},
    {"bo\0dy": "ab"},
    {"a\0": "1", "b": "2\0"},
    {"": "x"},
    {"sign_type": "SHA1"},
    {"sign_type": "HMAC-SHA256"},
    [("a", "b")],
    "a=b",
    None,
    5,
    OrderedDict(a="1"),
    MappingProxyType({"a": "1"}),
    {"a": "x" * (1 << 20), "b": "中" * (1 << 20)},
]


@needs_speedups
@pytest.mark.parametrize("fields", BAD_FIELDS, ids=lambda f: repr(f)[:40])
@pytest.mark.parametrize("sign_type", [SignType.AUTO, SignType.MD5, None, 7, "MD5"])
def test_every_outcome_is_the_same_on_both_paths(fields, sign_type, monkeypatch):
    fast = _sign._fast_sign
    outcomes = []
    for path in (fast, None, fast):
        monkeypatch.setattr(_sign, "_fast_sign", path)
        wxpay.clear_signer_cache()
        for _ in range(2):  # the first module call with a key makes its signer, the second uses it
            outcomes.append(outcome(lambda: wxpay.sign(fields, KEY, sign_type)))
            outcomes.append(outcome(lambda: wxpay.sign(fields, KEY.encode(), sign_type)))
            outcomes.append(outcome(lambda: wxpay.sign(fields, None, sign_type)))
            outcomes.append(outcome(lambda: wxpay.sign(fields, KEY[:31] + "\udcff", sign_type)))
            outcomes.append(outcome(lambda: wxpay.sign(fields, "short", sign_type)))
        try:
            signer = wxpay.Signer(KEY, sign_type)
        except wxpay.InvalidInput:
            continue
        outcomes.append(outcome(partial(signer.sign, fields)))
        signer.close()
        outcomes.append(outcome(partial(signer.sign, fields)))
    third = len(outcomes) // 3
    assert outcomes[:third] == outcomes[third : 2 * third] == outcomes[2 * third :]


@needs_speedups
def test_a_failed_call_leaves_the_cache_as_the_ctypes_path_does(monkeypatch):
    # A bad field is reported before any signer is made, so the key is not remembered.
    for path in (_sign._fast_sign, None):
        monkeypatch.setattr(_sign, "_fast_sign", path)
        wxpay.clear_signer_cache()
        with pytest.raises(wxpay.InvalidInput):
            wxpay.sign({"a": None}, KEY)
        assert not _sign._cache
        wxpay.sign({"a": "1"}, KEY)
        assert list(_sign._cache) == [(KEY, 0)]
