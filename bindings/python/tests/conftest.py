import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def header_text() -> str:
    return (REPO_ROOT / "include" / "wxpay.h").read_text(encoding="utf-8")


@pytest.fixture
def library_path() -> str:
    """The library the suite runs against (test.sh always sets WXPAY_LIBRARY)."""
    from wxpay import _ffi

    return str(_ffi.lib._name)


def pytest_report_header(config):
    return f"WXPAY_LIBRARY={os.environ.get('WXPAY_LIBRARY', '(unset)')}"
