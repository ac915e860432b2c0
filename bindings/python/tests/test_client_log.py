"""The library's log callback, routed into ``logging``: levels, lifetime, secrets."""

import gc
import logging
import shutil
import subprocess

import pytest
from simulator import KEY

import wxpay
from wxpay import _log

SECRET_P12_PASSWORD = "p12-Secret-Passw0rd-4711"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def text(self):
        return "\n".join(f"{r.levelname} {r.getMessage()}" for r in self.records)


@pytest.fixture
def collected():
    logger = logging.getLogger("wxpay.test.log")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = Collect()
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)


def test_level_mapping():
    assert _log.LEVELS == {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}


def test_default_logger_is_wxpay(sim, caplog):
    caplog.set_level(logging.DEBUG, logger="wxpay")
    with wxpay.Client(**sim.client_options()) as client:
        client.unified_order(
            body="log",
            out_trade_no="log-default-1",
            total_fee="1",
            spbill_create_ip="127.0.0.1",
            notify_url="https://127.0.0.1:9/n",
            trade_type="NATIVE",
            product_id="p",
        )
    records = [r for r in caplog.records if r.name == "wxpay"]
    assert records, "no record reached the wxpay logger"
    assert any("pay/unifiedorder" in r.getMessage() for r in records)
    assert {r.levelno for r in records} <= {logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR}


def test_success_and_failure_levels(sim, collected):
    logger, handler = collected
    with wxpay.Client(**sim.client_options(logger=logger)) as client:
        with pytest.raises(wxpay.BusinessError):
            client.order_query(out_trade_no="log-missing-order")
        with pytest.raises(wxpay.TransportError):
            client.order_query(out_trade_no="log-reset", attach="sim:fault=reset")
    levels = {r.levelno for r in handler.records}
    assert logging.DEBUG in levels
    assert levels & {logging.WARNING, logging.ERROR}, handler.text()
    assert all(r.name == "wxpay.test.log" for r in handler.records)


def test_logger_level_set_after_the_client_takes_effect(sim, collected):
    logger, handler = collected
    with wxpay.Client(**sim.client_options(logger=logger)) as client:
        logger.setLevel(logging.ERROR)
        with pytest.raises(wxpay.BusinessError):
            client.order_query(out_trade_no="log-quiet")
        quiet = list(handler.records)
        logger.setLevel(logging.DEBUG)
        with pytest.raises(wxpay.BusinessError):
            client.order_query(out_trade_no="log-loud")
    assert all(r.levelno >= logging.ERROR for r in quiet)
    assert len(handler.records) > len(quiet)


def test_no_logger(sim, caplog):
    caplog.set_level(logging.DEBUG)
    with wxpay.Client(**sim.client_options(logger=None)) as client:
        with pytest.raises(wxpay.BusinessError):
            client.order_query(out_trade_no="log-none")
        assert client._native._callback is None
    assert not [r for r in caplog.records if r.name.startswith("wxpay")]


def test_callback_outlives_every_other_reference(sim, collected):
    """The ctypes callback is reachable only through the client: after a
    collection the library must still be able to call it (a freed trampoline
    would crash the interpreter here)."""
    logger, handler = collected
    client = wxpay.Client(**sim.client_options(logger=logger))
    gc.collect()
    with pytest.raises(wxpay.BusinessError):
        client.order_query(out_trade_no="log-gc")
    assert handler.records
    native = client._native
    client.close()
    assert native._callback is None and native.frees == 1


def test_a_failing_handler_does_not_break_requests(sim):
    logger = logging.getLogger("wxpay.test.broken")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)

    class Broken(logging.Handler):
        def emit(self, record):
            raise RuntimeError("handler broke")

        def handleError(self, record):
            raise RuntimeError("and so did its error handling")

    broken = Broken()
    logger.addHandler(broken)
    try:
        with wxpay.Client(**sim.client_options(logger=logger)) as client:
            with pytest.raises(wxpay.BusinessError):
                client.order_query(out_trade_no="log-broken")
    finally:
        logger.removeHandler(broken)


def p12_with_password(sim, tmp_path, password):
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available")
    out = tmp_path / "secret.p12"
    subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-export",
            "-in",
            str(sim.file("apiclient_cert.pem")),
            "-inkey",
            str(sim.file("apiclient_key.pem")),
            "-out",
            str(out),
            "-passout",
            f"pass:{password}",
        ],
        check=True,
        capture_output=True,
    )
    return out


def test_no_secret_reaches_the_log(sim, collected, tmp_path):
    """Every path that logs, at DEBUG, with a p12 whose password is distinctive:
    neither the API key nor the password appears in any record or error."""
    logger, handler = collected
    p12 = p12_with_password(sim, tmp_path, SECRET_P12_PASSWORD)
    errors = []
    with wxpay.Client(**sim.client_options(p12=str(p12), p12_password=SECRET_P12_PASSWORD, logger=logger)) as client:
        answer = client.request(
            "pay/micropay",
            dict(
                body="log",
                out_trade_no="log-secret-1",
                total_fee="5",
                spbill_create_ip="127.0.0.1",
                auth_code="134912345678901234",
            ),
        )
        assert answer["result_code"] == "SUCCESS"
        client.refund(out_trade_no="log-secret-1", out_refund_no="log-secret-1r", total_fee="5", refund_fee="5")
        for kind in ("reset", "http500", "garbled", "badsign", "nosign", "returnfail", "systemerror"):
            try:
                client.order_query(out_trade_no="log-secret-q", attach=f"sim:fault={kind}")
            except wxpay.WxPayError as e:
                errors.append(e)
    for bad_password in (SECRET_P12_PASSWORD + "x", ""):
        try:
            wxpay.Client(**sim.client_options(p12=str(p12), p12_password=bad_password, logger=logger))
        except wxpay.CertificateError as e:
            errors.append(e)
    assert len(errors) == 9
    assert len(handler.records) > 20
    everything = handler.text() + "\n".join(f"{e!s} {e!r}" for e in errors)
    for secret in (KEY, KEY.upper(), SECRET_P12_PASSWORD):
        assert secret not in everything
