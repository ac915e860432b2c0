import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples" / "python"
# Examples that need the simulator; each has a test of its own below.
NEEDS_SIMULATOR = {"simulator_demo.py"}
OFFLINE = sorted(p for p in EXAMPLES_DIR.glob("*.py") if p.name not in NEEDS_SIMULATOR)


def test_there_are_examples():
    assert OFFLINE
    assert {p.name for p in EXAMPLES_DIR.glob("*.py")} >= NEEDS_SIMULATOR


def run(args, library_path, **env):
    environ = dict(os.environ, WXPAY_LIBRARY=library_path, **env)
    return subprocess.run([sys.executable, *map(str, args)], env=environ, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("example", OFFLINE, ids=lambda p: p.name)
def test_example_runs(example, library_path):
    proc = run([example], library_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "verified answer" in proc.stdout and "forged answer refused: WXPAY_RESULT_SIGNATURE_MISMATCH" in proc.stdout
    assert "XXE refused: WXPAY_RESULT_XML_DOCTYPE" in proc.stdout


def check_demo_output(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "trade_state = NOTPAY" in out and "trade_state = SUCCESS" in out
    assert "3. payment notification verified: paid=True" in out and "answered SUCCESS" in out
    assert "forged copy (total_fee changed) is refused: WXPAY_RESULT_SIGNATURE_MISMATCH" in out
    assert "5. refund over mutual TLS" in out and "refund_fee = 88" in out
    assert "refund notification decrypted: " in out and "-r1 SUCCESS" in out
    assert "signType=MD5 paySign=" in out
    assert "8. micropay (customer confirms on the phone): PAID after pay/micropay:USERPAYING" in out
    assert "9. today's bill: " in out
    assert "err_code=ORDERNOTEXIST" in out
    assert "WXPAY_RESULT_CERTIFICATE_REQUIRED" in out
    assert "demo finished" in out


def test_simulator_demo_with_arguments(sim, library_path):
    check_demo_output(run([EXAMPLES_DIR / "simulator_demo.py", sim.url, sim.dir], library_path))


def test_simulator_demo_with_environment(sim, library_path):
    proc = run([EXAMPLES_DIR / "simulator_demo.py"], library_path, WXPAY_SIM_URL=sim.url, WXPAY_SIM_DIR=str(sim.dir))
    check_demo_output(proc)


def test_simulator_demo_without_a_simulator_says_what_it_needs(library_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("WXPAY_SIM_URL", "WXPAY_SIM_DIR")}
    environ["WXPAY_LIBRARY"] = library_path
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / "simulator_demo.py")],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "WXPAY_SIM_URL" in proc.stderr
