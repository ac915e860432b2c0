"""The client's named endpoint methods are the set in bindings/shortcuts.tsv,
the same in PHP, Python and .NET, and each sends to its path."""

import inspect
from pathlib import Path

import pytest
from reference import KEY

import wxpay

LIST = Path(__file__).resolve().parents[2] / "shortcuts.tsv"

# Public Client methods that are not named endpoints.
OTHER_METHODS = {
    "request", "download", "cert_status", "reload_certificate", "endpoint_info", "close",
    "parse_notification", "decrypt_refund_notification", "jsapi_params", "app_params", "choose_wx_pay_params", "red_packet_params", "native_url", "native_scan", "native_reply",
    "entrust_url", "parse_contract_notification",
    "micropay_flow", "parsed_bill",
}


def shortcuts():
    rows = []
    for line in LIST.read_text().splitlines():
        if line and not line.startswith("#"):
            path, _php, python, _dotnet = line.split("\t")
            rows.append((python, path))
    return rows


def test_the_client_has_exactly_the_listed_shortcuts():
    methods = {name for name, _ in inspect.getmembers(wxpay.Client, inspect.isfunction) if not name.startswith("_")}
    assert methods - OTHER_METHODS == {name for name, _ in shortcuts()}


@pytest.mark.parametrize("name,path", [row for row in shortcuts() if row[0] != "pay_bank"])
# pay_bank encrypts in the core (wxpay_pay_bank, which fixes the path), tested
# against the simulator in test_client_sim.py.
def test_each_shortcut_sends_to_its_path(monkeypatch, name, path):
    sent = []
    kind = "download" if path.startswith("pay/download") else "request"
    monkeypatch.setattr(wxpay.Client, kind, lambda self, p, fields: sent.append((p, fields)) or {})
    with wxpay.Client(mch_id="1900000109", appid="wx2421b1c4370ec43b", api_key=KEY, host="https://127.0.0.1:9") as client:
        getattr(client, name)({"out_trade_no": "1"}, attach="x")
    assert sent == [(path, {"out_trade_no": "1", "attach": "x"})]

