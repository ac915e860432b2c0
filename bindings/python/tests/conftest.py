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


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    """The real simulator, started once for the session and stopped at its end."""
    from simulator import SIM_BINARY, Simulator

    if not SIM_BINARY.exists():
        if os.environ.get("WXPAY_SIM_REQUIRED") == "1":
            pytest.fail(f"no simulator at {SIM_BINARY} (WXPAY_SIM_REQUIRED=1)")
        pytest.skip(
            f"no simulator at {SIM_BINARY}: run `cargo build --release --features sim`, or set WXPAY_SIM"
        )
    base = tmp_path_factory.mktemp("wxpay-sim")
    simulator = Simulator(base / "data", base / "stderr.log")
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def client(sim):
    """A client with the PKCS#12 certificate, closed after the test."""
    import wxpay

    with wxpay.Client(**sim.client_options(p12=str(sim.file("apiclient_cert.p12")))) as c:
        yield c
