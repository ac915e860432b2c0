import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys

import pytest

import wxpay
from wxpay import LibraryLoadError, LibraryVersionMismatch, _ffi


def no_system_library(name):
    return None


def test_library_version_matches_wrapper():
    assert _ffi.lib.wxpay_version().decode() == wxpay.__version__ == "0.2.0"


def test_every_header_function_is_declared_with_its_arity(header_text):
    declared = {}
    # Prototypes in the header: return type, name, parenthesised parameters (possibly over lines).
    for name, params in re.findall(r"\b(wxpay_[a-z0-9_]+)\(([^)]*)\);", header_text):
        params = " ".join(params.split())
        declared[name] = 0 if params in ("", "void") else params.count(",") + 1
    assert len(declared) >= 35
    assert set(_ffi.SIGNATURES) == set(declared), "SIGNATURES and include/wxpay.h list different functions"
    for name, arity in declared.items():
        assert len(_ffi.SIGNATURES[name][1]) == arity, name
        fn = getattr(_ffi.lib, name)
        assert fn.argtypes is not None and len(fn.argtypes) == arity
        assert fn.restype is _ffi.SIGNATURES[name][0]


def test_override_wins_over_package_directory(tmp_path, library_path):
    (tmp_path / _ffi.library_file_name()).write_bytes(b"not a library")
    lib = _ffi.load_library({_ffi.ENV_VAR: library_path}, tmp_path, no_system_library)
    assert lib._name == library_path


def test_package_directory_is_searched_without_override(tmp_path, library_path):
    shipped = tmp_path / _ffi.library_file_name()
    shutil.copy(library_path, shipped)
    lib = _ffi.load_library({}, tmp_path, no_system_library)
    assert lib._name == str(shipped)
    assert lib.wxpay_version() == b"0.2.0"


def test_candidates_in_order(tmp_path):
    found = list(_ffi.candidates({}, tmp_path, lambda name: "libwxpay.so.0" if name == "wxpay" else None))
    assert [where for where, _ in found] == [
        "package directory",
        "ctypes.util.find_library('wxpay')",
        "system loader path (LD_LIBRARY_PATH, ld.so cache)",
    ]
    assert found[0][1] == str(tmp_path / _ffi.library_file_name())
    assert found[1][1] == "libwxpay.so.0"
    assert list(_ffi.candidates({_ffi.ENV_VAR: "/x/libwxpay.so"}, tmp_path)) == [("$WXPAY_LIBRARY", "/x/libwxpay.so")]


def test_the_system_search_runs_only_when_the_package_copy_fails(tmp_path, library_path):
    # find_library runs ldconfig: a wheel's import must not pay for it.
    shutil.copy(library_path, tmp_path / _ffi.library_file_name())
    asked = []
    _ffi.load_library({}, tmp_path, lambda name: asked.append(name))
    assert asked == []
    (tmp_path / _ffi.library_file_name()).unlink()
    try:
        _ffi.load_library({}, tmp_path, lambda name: asked.append(name))
    except LibraryLoadError:
        pass  # unless a libwxpay is on the system loader path
    assert asked == ["wxpay"]


def test_missing_override_is_an_error_naming_it(tmp_path):
    missing = str(tmp_path / "nowhere" / "libwxpay.so")
    with pytest.raises(LibraryLoadError) as err:
        _ffi.load_library({_ffi.ENV_VAR: missing}, tmp_path, no_system_library)
    assert "$WXPAY_LIBRARY" in str(err.value) and missing in str(err.value) and "no such file" in str(err.value)
    assert "cargo build --release" in str(err.value)


def test_failure_lists_every_place_and_why(tmp_path):
    (tmp_path / _ffi.library_file_name()).write_bytes(b"not a library")
    try:
        ctypes.CDLL(_ffi.library_file_name())
        pytest.skip("a libwxpay is on the system loader path; cannot observe the failure")
    except OSError:
        pass
    with pytest.raises(LibraryLoadError) as err:
        _ffi.load_library({}, tmp_path, lambda name: "/nonexistent/libwxpay.so")
    text = str(err.value)
    assert "package directory: " + str(tmp_path / _ffi.library_file_name()) in text
    assert "find_library" in text and "/nonexistent/libwxpay.so: no such file" in text
    assert "system loader path" in text
    assert "$WXPAY_LIBRARY" in text or "WXPAY_LIBRARY" in text


def test_a_library_without_the_functions_is_refused(tmp_path):
    libc = ctypes.util.find_library("c")
    if not libc:
        pytest.skip("no libc found to stand in for a foreign library")
    with pytest.raises(LibraryLoadError, match="lacks wxpay_version"):
        _ffi.load_library({_ffi.ENV_VAR: libc}, tmp_path, no_system_library)


def test_version_mismatch_is_a_clear_error():
    with pytest.raises(LibraryVersionMismatch) as err:
        _ffi.check_version(_ffi.lib, expected="9.9.9")
    text = str(err.value)
    assert "0.2.0" in text and "9.9.9" in text and str(_ffi.lib._name) in text
    _ffi.check_version(_ffi.lib)


def test_import_fails_cleanly_when_the_override_is_wrong(tmp_path):
    env = dict(os.environ, WXPAY_LIBRARY=str(tmp_path / "missing.so"))
    proc = subprocess.run(
        [sys.executable, "-c", "import wxpay"], env=env, capture_output=True, text=True, cwd=str(tmp_path)
    )
    assert proc.returncode != 0
    assert "LibraryLoadError" in proc.stderr and str(tmp_path / "missing.so") in proc.stderr


def test_installed_package_declares_its_types():
    assert os.path.exists(os.path.join(os.path.dirname(wxpay.__file__), "py.typed"))


def test_every_exported_symbol_is_declared(library_path):
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) is not installed")
    out = subprocess.run([nm, "-D", "--defined-only", library_path], capture_output=True, text=True, check=True)
    exported = {line.split()[-1] for line in out.stdout.splitlines() if re.search(r" T wxpay_", line)}
    assert exported, "no wxpay_* symbols found"
    assert exported == set(_ffi.SIGNATURES)
