"""Runs the real simulator (target/release/wxpay-sim) for the client tests.

The binary is started once per session in a temporary directory, where it
writes its CA and the merchant certificates; its first stdout line
(``WXPAY_SIM_READY url=... dir=...``) says where it listens.
"""

import os
import queue
import ssl
import subprocess
import threading
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SIM_BINARY = Path(os.environ.get("WXPAY_SIM", REPO_ROOT / "target" / "release" / "wxpay-sim"))

MCH_ID = "1900000109"
APPID = "wx2421b1c4370ec43b"
KEY = "192006250b4c09247ec02edce69f6a2d"


class Simulator:
    def __init__(self, directory: Path, stderr_path: Path) -> None:
        self._stderr = open(stderr_path, "wb")
        self.proc = subprocess.Popen(
            [str(SIM_BINARY), "--dir", str(directory)],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
        )
        lines: "queue.Queue[bytes]" = queue.Queue()
        # Drains stdout for the whole run so the simulator never blocks on a full pipe.
        threading.Thread(target=self._drain, args=(lines,), daemon=True).start()
        # No time limit: the drain thread puts an empty line when the
        # simulator's output ends, so a simulator that dies is reported.
        first = lines.get().decode()
        if not first.startswith("WXPAY_SIM_READY "):
            self.stop()
            raise RuntimeError(f"wxpay-sim's first line is not READY: {first!r} (stderr in {stderr_path})")
        parts = dict(p.split("=", 1) for p in first.split()[1:])
        self.url = parts["url"]
        self.dir = Path(parts["dir"])
        self._ssl = ssl.create_default_context(cafile=str(self.dir / "ca.pem"))

    def _drain(self, lines: "queue.Queue[bytes]") -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            lines.put(line)
        lines.put(b"")

    def file(self, name: str) -> Path:
        return self.dir / name

    def control(self, route: str, method: str = "POST") -> bytes:
        """A call to the simulator's /sim/ control endpoints (no signature)."""
        req = urllib.request.Request(f"{self.url}/sim/{route}", method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, context=self._ssl, timeout=10) as resp:
            return resp.read()

    def client_options(self, **overrides):
        """Keyword arguments for a wxpay.Client against this simulator, without a certificate."""
        options = dict(
            mch_id=MCH_ID,
            appid=APPID,
            api_key=KEY,
            host=self.url,
            root_ca=str(self.file("ca.pem")),
        )
        options.update(overrides)
        return options

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
