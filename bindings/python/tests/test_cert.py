"""Certificates (issue #8): cert_info, the client's status and reload, expiry, permissions, the MCC table.

Certificates are real X.509 made at test time (tests/pki.py) or the
simulator's own files; nothing here is a canned answer.
"""

import logging
import os
import pathlib
import time

import pytest
from cryptography.hazmat.primitives import hashes
from pki import Authority, write
from simulator import MCH_ID

import wxpay
from wxpay import CertificateError, CertificateExpired, CertificatePermissions, InvalidInput, NotFound

P12_PASSWORD = "Secret-P12-pass-31337"


@pytest.fixture(scope="module")
def ca():
    return Authority()


@pytest.fixture(scope="module")
def good(ca):
    return ca.merchant(MCH_ID, days_left=300)


@pytest.fixture(scope="module")
def expired(ca):
    return ca.merchant(MCH_ID, days_left=-3)


@pytest.fixture
def records():
    """Everything the client logs on the default ``wxpay`` logger."""

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__(logging.DEBUG)
            self.items = []

        def emit(self, record):
            self.items.append(record)

        def at(self, level):
            return [r.getMessage() for r in self.items if r.levelno == level]

    logger = logging.getLogger("wxpay")
    handler = Collect()
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def pem_files(tmp_path, merchant, key_mode=0o600):
    return write(tmp_path / "apiclient_cert.pem", merchant.cert_pem()), write(
        tmp_path / "apiclient_key.pem", merchant.key_pem(), key_mode
    )


# -- wxpay.cert_info ----------------------------------------------------------


def test_cert_info_of_a_valid_p12(good):
    info = wxpay.cert_info(good.p12(P12_PASSWORD), password=P12_PASSWORD)
    assert info["subject_cn"] == MCH_ID and info["merchant_id"] == MCH_ID
    assert info["issuer_cn"] == "MmpaymchCA" and info["issuer_kind"] == "wechatpay"
    assert info["serial"] == good.serial_hex
    assert info["expiry"] == "valid" and info["days_until_expiry"] == 300
    assert info["key_type"] == "RSA" and info["key_bits"] == 2048
    assert info["key_matches"] is True
    assert info["not_after_unix"] == int(good.cert.not_valid_after_utc.timestamp())
    assert isinstance(info["not_before_unix"], int) and info["not_before_unix"] < info["not_after_unix"]
    assert info["sha256_fingerprint"].replace(":", "").lower() == good.cert.fingerprint(hashes.SHA256()).hex()


def test_cert_info_accepts_every_form_of_the_same_certificate(tmp_path, good):
    cert_path, key_path = pem_files(tmp_path, good)
    reference = wxpay.cert_info(good.cert_pem(), key=good.key_pem())
    for data, key in [
        (str(cert_path), str(key_path)),
        (pathlib.Path(cert_path), pathlib.Path(key_path)),
        (good.cert_pem().decode(), good.key_pem().decode()),
        (bytearray(good.cert_pem()), memoryview(good.key_pem())),
    ]:
        assert wxpay.cert_info(data, key=key) == reference
    assert reference["key_matches"] is True
    # DER, and without a key: nothing to match against.
    without_key = wxpay.cert_info(good.cert_der())
    assert without_key["key_matches"] is None
    assert without_key["serial"] == reference["serial"]


def test_a_key_of_another_certificate_is_reported_not_raised(ca, good):
    other = ca.merchant(MCH_ID, days_left=300)
    assert wxpay.cert_info(good.cert_pem(), key=other.key_pem())["key_matches"] is False


def test_expired_and_expiring(ca, expired):
    info = wxpay.cert_info(expired.cert_pem())
    assert info["expiry"] == "expired" and info["days_until_expiry"] < 0
    soon = ca.merchant(MCH_ID, days_left=10)
    info = wxpay.cert_info(soon.cert_pem())
    assert info["expiry"] == "expiring" and info["days_until_expiry"] == 10


def test_the_simulators_p12_with_its_default_password(sim):
    info = wxpay.cert_info(sim.file("apiclient_cert.p12"), password=MCH_ID)
    assert info["subject_cn"] == MCH_ID and info["key_matches"] is True
    legacy = wxpay.cert_info(sim.file("apiclient_cert_legacy.p12"), password=MCH_ID)
    assert legacy["serial"] == info["serial"]


def test_wrong_p12_password_names_no_password(good):
    with pytest.raises(CertificateError) as err:
        wxpay.cert_info(good.p12(P12_PASSWORD), password="not-the-Password-42")
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_PASSWORD"
    assert "not-the-Password-42" not in str(err.value) and P12_PASSWORD not in str(err.value)


def test_corrupt_data(good):
    with pytest.raises(CertificateError) as err:
        wxpay.cert_info(good.cert_der()[:200])
    assert err.value.code // 100 == 4
    with pytest.raises(CertificateError):
        wxpay.cert_info(b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")


def test_unreadable_path_is_a_certificate_file_error(tmp_path):
    missing = tmp_path / "no_such_cert.pem"
    with pytest.raises(CertificateError) as err:
        wxpay.cert_info(missing)
    assert err.value.code == 405 and err.value.code_name == "WXPAY_RESULT_CERTIFICATE_FILE"
    assert str(missing) in err.value.message


def test_a_key_that_is_not_a_key_never_echoes_it(good):
    secret = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGtleSBtYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"
    with pytest.raises(CertificateError) as err:
        wxpay.cert_info(good.cert_pem(), key=secret)
    assert "c2VjcmV0" not in str(err.value)


@pytest.mark.parametrize("bad", [None, 42, ["a"]])
def test_cert_info_argument_types(bad):
    with pytest.raises(InvalidInput, match="must be bytes, PEM text or a path"):
        wxpay.cert_info(bad)


def test_password_with_nul_is_refused_without_quoting(good):
    with pytest.raises(InvalidInput) as err:
        wxpay.cert_info(good.p12(P12_PASSWORD), password="abc\0def")
    assert "abc" not in err.value.message


# -- Client: status, expiry, permissions, reload ---------------------------------


def test_status_without_a_certificate(sim):
    with wxpay.Client(**sim.client_options()) as c:
        assert c.cert_status()["certificate"] == "none"


def test_status_of_the_simulators_certificate(sim, client):
    status = client.cert_status()
    assert status["certificate"] == "loaded" and status["subject_cn"] == MCH_ID
    assert status["reloadable"] is True and status["reloads"] == 0
    assert status["last_reload_error"] == "" and status["warning"] == ""
    assert status["serial"] == wxpay.cert_info(sim.file("apiclient_cert.p12"), password=MCH_ID)["serial"]


def test_expired_certificate_refuses_certificate_endpoints_before_sending(sim, tmp_path, expired, records):
    cert_path, key_path = pem_files(tmp_path, expired)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path))) as c:
        status = c.cert_status()
        assert status["expiry"] == "expired" and status["warning"]
        assert any("expired" in m for m in records.at(logging.ERROR)), records.at(logging.ERROR)
        with pytest.raises(CertificateExpired) as err:
            c.refund(out_trade_no="x-1", out_refund_no="r-1", total_fee="1", refund_fee="1")
        assert err.value.code == 406
        # Not a certificate endpoint: the client still works.
        with pytest.raises(wxpay.BusinessError):
            c.order_query(out_trade_no="no-such-order-cert-test")


def test_expiring_certificate_warns_on_the_wxpay_logger(sim, tmp_path, ca, records):
    soon = ca.merchant(MCH_ID, days_left=20)
    cert_path, key_path = pem_files(tmp_path, soon)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path))) as c:
        assert c.cert_status()["expiry"] == "expiring"
    warnings = records.at(logging.WARNING)
    assert any("expires in 20 days" in m for m in warnings), warnings


def test_a_key_file_others_can_read_is_a_warning(sim, tmp_path, good, records):
    cert_path, key_path = pem_files(tmp_path, good, key_mode=0o644)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path))):
        pass
    warnings = records.at(logging.WARNING)
    assert any(str(key_path) in m and "0644" in m for m in warnings), warnings
    # The same file, 0600: no such warning.
    records.items.clear()
    os.chmod(key_path, 0o600)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path))):
        pass
    assert not records.at(logging.WARNING), records.at(logging.WARNING)


def test_strict_permissions_refuses_a_readable_key(sim, tmp_path, good):
    cert_path, key_path = pem_files(tmp_path, good, key_mode=0o640)
    with pytest.raises(CertificatePermissions) as err:
        wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path), strict_permissions=True))
    assert err.value.code == 407
    os.chmod(key_path, 0o600)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path), strict_permissions=True)):
        pass


def test_strict_permissions_applies_to_p12_files(sim, tmp_path, good):
    p12 = write(tmp_path / "apiclient_cert.p12", good.p12(P12_PASSWORD), 0o644)
    with pytest.raises(CertificatePermissions):
        wxpay.Client(**sim.client_options(p12=str(p12), p12_password=P12_PASSWORD, strict_permissions=True))


def test_reload_swaps_in_the_new_certificate_and_refuses_bad_ones(sim, tmp_path, ca, good, expired, records):
    cert_path, key_path = pem_files(tmp_path, good)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path))) as c:
        assert c.reload_certificate()["serial"] == good.serial_hex

        renewed = ca.merchant(MCH_ID, days_left=400)
        pem_files(tmp_path, renewed)
        info = c.reload_certificate()
        assert info["serial"] == renewed.serial_hex and info["days_until_expiry"] == 400
        status = c.cert_status()
        assert status["serial"] == renewed.serial_hex and status["reloads"] == 2

        # An expired replacement is refused; the renewed certificate stays.
        pem_files(tmp_path, expired)
        with pytest.raises(CertificateExpired):
            c.reload_certificate()
        status = c.cert_status()
        assert status["serial"] == renewed.serial_hex and status["last_reload_error"]
        assert any("not reloaded" in m for m in records.at(logging.ERROR)), records.at(logging.ERROR)

        # A half-written certificate: refused, the renewed one stays.
        write(cert_path, renewed.cert_pem()[:100])
        write(key_path, renewed.key_pem())
        with pytest.raises(CertificateError) as err:
            c.reload_certificate()
        assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_CORRUPT"
        assert c.cert_status()["serial"] == renewed.serial_hex

        # A key that belongs to another certificate.
        write(cert_path, renewed.cert_pem())
        write(key_path, good.key_pem())
        with pytest.raises(CertificateError) as err:
            c.reload_certificate()
        assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_KEY_MISMATCH"

        # The file is gone.
        os.unlink(cert_path)
        with pytest.raises(CertificateError) as err:
            c.reload_certificate()
        assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_FILE"
        assert c.cert_status()["serial"] == renewed.serial_hex


def test_reload_under_strict_permissions(sim, tmp_path, ca, good):
    cert_path, key_path = pem_files(tmp_path, good)
    options = sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path), strict_permissions=True)
    with wxpay.Client(**options) as c:
        pem_files(tmp_path, ca.merchant(MCH_ID, days_left=100), key_mode=0o644)
        with pytest.raises(CertificatePermissions):
            c.reload_certificate()
        assert c.cert_status()["serial"] == good.serial_hex


def test_a_certificate_given_as_bytes_cannot_be_reloaded(sim, good):
    with wxpay.Client(**sim.client_options(cert_pem=good.cert_pem(), key_pem=good.key_pem())) as c:
        assert c.cert_status()["reloadable"] is False
        with pytest.raises(InvalidInput):
            c.reload_certificate()


def test_requests_notice_replaced_files_with_a_check_interval(sim, tmp_path, ca):
    first = ca.merchant(MCH_ID, days_left=300)
    cert_path, key_path = pem_files(tmp_path, first)
    options = sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path), certificate_check_interval=0.001)
    with wxpay.Client(**options) as c:
        second = ca.merchant(MCH_ID, days_left=200)
        pem_files(tmp_path, second)
        # The interval is a lower bound between checks; this only has to outlast it.
        time.sleep(0.05)
        with pytest.raises(wxpay.BusinessError):
            c.order_query(out_trade_no="no-such-order-interval")
        status = c.cert_status()
        assert status["serial"] == second.serial_hex and status["reloads"] == 1


def test_without_a_check_interval_files_are_read_only_on_reload(sim, tmp_path, ca):
    first = ca.merchant(MCH_ID, days_left=300)
    cert_path, key_path = pem_files(tmp_path, first)
    with wxpay.Client(**sim.client_options(cert_pem=str(cert_path), key_pem=str(key_path))) as c:
        pem_files(tmp_path, ca.merchant(MCH_ID, days_left=200))
        with pytest.raises(wxpay.BusinessError):
            c.order_query(out_trade_no="no-such-order-no-interval")
        assert c.cert_status()["serial"] == first.serial_hex


@pytest.mark.parametrize(
    "options, message",
    [
        ({"strict_permissions": "yes"}, "strict_permissions must be True or False"),
        ({"certificate_check_interval": 0}, "certificate_check_interval must be a positive number"),
        ({"certificate_check_interval": -1.5}, "certificate_check_interval must be a positive number"),
    ],
)
def test_option_shapes(sim, options, message):
    with pytest.raises(InvalidInput, match=message):
        wxpay.Client(**sim.client_options(**options))


def test_cert_calls_on_a_closed_client(sim, client):
    client.close()
    with pytest.raises(wxpay.ClientClosed):
        client.cert_status()
    with pytest.raises(wxpay.ClientClosed):
        client.reload_certificate()


# -- merchant category codes --------------------------------------------------


def test_mcc_lookups_agree_with_the_table():
    table = wxpay.mcc_list()
    assert len(table) > 10 and list(table) == sorted(table)
    assert table[485] == "Food" == wxpay.mcc_category(485)
    for code, category in table.items():
        assert wxpay.mcc_category(code) == category
        assert wxpay.mcc_code(category) == code
    assert wxpay.mcc_code("  food ") == 485 and wxpay.mcc_code("FOOD") == 485


def test_mcc_unknown_entries_are_not_found():
    for call in (
        lambda: wxpay.mcc_category(1),
        lambda: wxpay.mcc_code("Spaceships"),
        lambda: wxpay.mcc_category(2**40),
    ):
        with pytest.raises(NotFound) as err:
            call()
        assert isinstance(err.value, LookupError) and err.value.code == 109


@pytest.mark.parametrize("bad", ["485", 485.0, None, True])
def test_mcc_category_wants_an_int(bad):
    with pytest.raises(InvalidInput, match="must be an int"):
        wxpay.mcc_category(bad)


def test_mcc_code_wants_a_str():
    with pytest.raises(InvalidInput):
        wxpay.mcc_code(485)
