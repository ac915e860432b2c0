import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples" / "python").glob("*.py"))


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(example, library_path):
    env = dict(os.environ, WXPAY_LIBRARY=library_path)
    proc = subprocess.run([sys.executable, str(example)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "verified answer" in proc.stdout and "forged answer refused: WXPAY_RESULT_SIGNATURE_MISMATCH" in proc.stdout
    assert "XXE refused: WXPAY_RESULT_XML_DOCTYPE" in proc.stdout
