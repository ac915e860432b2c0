"""wxpay.Client and endpoint_info without a server: configuration, checks made
before any network I/O, and the handle's life cycle.

The host is a loopback port nothing listens on, so a request that did get as
far as the network would fail with a TransportError, not the error asserted.
"""

import gc
import logging
import threading

import pytest
from reference import KEY

import wxpay
from wxpay import (
    BodyKind,
    CertificateError,
    CertificateRequired,
    ClientClosed,
    ConflictingField,
    EndpointMatch,
    InvalidInput,
    MissingField,
    TransportError,
)

NOWHERE = "https://127.0.0.1:9"


def offline(**overrides):
    options = dict(mch_id="1900000109", appid="wx2421b1c4370ec43b", api_key=KEY, host=NOWHERE, connect_timeout=2)
    options.update(overrides)
    return wxpay.Client(**options)


# -- endpoint_info -----------------------------------------------------------


def test_endpoint_info_of_a_certificate_endpoint():
    info = wxpay.endpoint_info("secapi/pay/refund")
    assert info.matched is EndpointMatch.EXACT
    assert info.certificate and info.signed_response and info.body_kind is BodyKind.XML
    assert info.appid_field == "appid" and info.mch_id_field == "mch_id"
    assert "out_refund_no" in info.required and "total_fee" in info.required
    assert set(info.one_of) == {"transaction_id", "out_trade_no"}


def test_endpoint_info_of_a_bill_and_of_transfers():
    bill = wxpay.endpoint_info("/pay/downloadbill")
    assert bill.body_kind is BodyKind.BYTES and not bill.signed_response
    transfers = wxpay.endpoint_info("mmpaymkttransfers/promotion/transfers")
    assert (transfers.appid_field, transfers.mch_id_field) == ("mch_appid", "mchid")
    assert transfers.certificate


def test_endpoint_info_sandbox_and_unknown():
    assert wxpay.endpoint_info("xdc/apiv2sandbox/pay/orderquery").sandbox
    unknown = wxpay.endpoint_info("pay/no-such-thing")
    assert unknown.matched is EndpointMatch.UNKNOWN and not unknown.certificate
    assert unknown.required == ()


@pytest.mark.parametrize(
    "path, err_code, retry",
    [
        ("pay/micropay", "USERPAYING", wxpay.Retry.RETRYABLE),
        ("/secapi/pay/refund", "SYSTEMERROR", wxpay.Retry.RETRYABLE),
        ("secapi/pay/refund", "NOTENOUGH", wxpay.Retry.FINAL),
        ("secapi/pay/profitsharing", "ORDER_NOT_READY", wxpay.Retry.RETRYABLE),
        ("pay/unifiedorder", "USERPAYING", wxpay.Retry.UNKNOWN),
        ("pay/unifiedorder", "NEW_CODE", wxpay.Retry.UNKNOWN),
    ],
)
def test_err_code_retry_follows_the_endpoint(path, err_code, retry):
    assert wxpay.err_code_retry(path, err_code) is retry


def test_err_code_retry_refuses_bad_input():
    with pytest.raises(InvalidInput) as err:
        wxpay.err_code_retry("pay/../x", "SYSTEMERROR")
    assert err.value.code_name == "WXPAY_RESULT_INVALID_ARGUMENT"
    with pytest.raises(InvalidInput):
        wxpay.err_code_retry("pay/micropay", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        wxpay.err_code_retry("pay/micropay", "A\0B")


def test_the_retired_sandbox_gateway_is_refused():
    with pytest.raises(InvalidInput) as err:
        wxpay.endpoint_info("sandboxnew/pay/orderquery")
    assert "xdc/apiv2sandbox/" in err.value.message


@pytest.mark.parametrize("path", ["https://api.mch.weixin.qq.com/pay/orderquery", "pay/../x", "pay/orderquery?a=1"])
def test_endpoint_info_refuses_what_is_not_a_path(path):
    with pytest.raises(InvalidInput) as err:
        wxpay.endpoint_info(path)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_ARGUMENT"


@pytest.mark.parametrize("path", [None, b"pay/orderquery", 5, "pay/order\0query", "pay/\ud800"])
def test_endpoint_info_refuses_bad_path_types(path):
    with pytest.raises(InvalidInput):
        wxpay.endpoint_info(path)


def test_client_endpoint_info_is_the_library_answer():
    with offline() as client:
        assert client.endpoint_info("pay/orderquery") == wxpay.endpoint_info("pay/orderquery")


# -- configuration -----------------------------------------------------------


def test_bad_api_key_is_refused_without_quoting_it():
    secret = "s3cretKEYs3cretKEYs3cretKEYs3cr!"
    with pytest.raises(InvalidInput) as err:
        offline(api_key=secret)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_KEY"
    assert secret not in str(err.value) and secret not in repr(err.value)


@pytest.mark.parametrize(
    "overrides, code_name",
    [
        ({"mch_id": 1900000109}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"mch_id": None}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"appid": b"wx"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"appid": "wx\0evil"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"api_key": None}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"sign_type": "SHA1"}, "WXPAY_RESULT_UNKNOWN_SIGN_TYPE"),
        ({"sign_type": wxpay.SignType.AUTO}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"host": "moon"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"host": "http://127.0.0.1:1"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"backup": 3}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"failover": "sometimes"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"timeout": 0}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"timeout": -1}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"timeout": True}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"timeout": float("nan")}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"connect_timeout": "5"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"max_response_size": 0}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"max_fields": 0}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"max_fields": "64"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"p12": b"x", "cert_pem": b"c", "key_pem": b"k"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"cert_pem": b"c"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"p12_password": "x"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"p12": 12}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"root_ca": 12}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"logger": "wxpay"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"keep_alive": "false"}, "WXPAY_RESULT_INVALID_ARGUMENT"),
        ({"keep_alive": 0}, "WXPAY_RESULT_INVALID_ARGUMENT"),
    ],
)
def test_bad_options_raise_invalid_input(overrides, code_name):
    with pytest.raises(InvalidInput) as err:
        offline(**overrides)
    assert err.value.code_name == code_name


@pytest.mark.parametrize("host", ["main", "backup", "hongkong", "us", "api", "api2", "apihk", "apius"])
def test_named_hosts_are_accepted(host):
    offline(host=host, backup=None, failover="never").close()


def test_all_options_together():
    client = offline(
        sign_type="HMAC-SHA256",
        sub_appid="wx8888888888888888",
        sub_mch_id="1900000110",
        timeout=1.5,
        backup="us",
        failover="on_no_response",
        max_response_size=65536,
        max_download_size=1 << 20,
        keep_alive=False,
        logger=logging.getLogger("wxpay.test"),
    )
    client.close()
    assert client.closed


def test_corrupt_p12_is_a_certificate_error():
    with pytest.raises(CertificateError) as err:
        offline(p12=b"\x30\x82\x01\x00 this is not a PKCS#12 file")
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_CORRUPT"


def test_missing_p12_file_is_a_certificate_error(tmp_path):
    missing = tmp_path / "apiclient_cert.p12"
    with pytest.raises(CertificateError) as err:
        offline(p12=missing)
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_FILE"
    assert str(missing) in err.value.message


def test_pem_text_is_taken_as_data_and_never_quoted_as_a_path():
    fake_key = "-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n"
    fake_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    with pytest.raises(CertificateError) as err:
        offline(cert_pem=fake_cert, key_pem=fake_key)
    assert err.value.code_name != "WXPAY_RESULT_CERTIFICATE_FILE"
    assert "TOPSECRETKEYMATERIAL" not in str(err.value)


def test_mixing_pem_path_and_pem_data_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="both"):
        offline(cert_pem=str(tmp_path / "c.pem"), key_pem=b"-----BEGIN PRIVATE KEY-----")


# -- checks before any network I/O ---------------------------------------------


def test_certificate_endpoint_without_certificate():
    with offline() as client:
        with pytest.raises(CertificateRequired) as err:
            client.refund(out_trade_no="1", out_refund_no="r1", total_fee="1", refund_fee="1")
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_REQUIRED"


def test_missing_required_field():
    with offline() as client:
        with pytest.raises(MissingField) as err:
            client.unified_order(out_trade_no="1", total_fee="1")
    assert "body" in err.value.message


@pytest.mark.parametrize("field", [{"mch_id": "1234567890"}, {"sign": "ABC"}, {"appid": "wxOTHER"}])
def test_conflicting_field(field):
    with offline() as client:
        with pytest.raises(ConflictingField):
            client.order_query(dict(out_trade_no="1", **field))


@pytest.mark.parametrize(
    "fields, needle",
    [
        ({"out_trade_no": None}, "None"),
        ({"out_trade_no": 1}, "int"),
        ({"out_trade_no": b"\xff\xfe"}, "bytes"),
        ({"out_trade_no": "\udcff"}, "UTF-8"),
        ({1: "x"}, "names must be str"),
        ("out_trade_no=1", "dict"),
    ],
)
def test_bad_fields_are_refused_before_sending(fields, needle):
    with offline() as client:
        with pytest.raises(InvalidInput, match=needle):
            client.request("pay/orderquery", fields)


@pytest.mark.parametrize("path", [None, 7, b"pay/orderquery", "pay/order\0query"])
def test_bad_path_is_refused(path):
    with offline() as client:
        with pytest.raises(InvalidInput):
            client.request(path, {"out_trade_no": "1"})


def test_a_bill_endpoint_is_refused_by_request():
    with offline() as client:
        with pytest.raises(InvalidInput):
            client.request("pay/downloadbill", {"bill_date": "20260101", "bill_type": "ALL"})


def test_keyword_and_dict_fields_may_not_overlap():
    with offline() as client:
        with pytest.raises(InvalidInput, match="out_trade_no"):
            client.order_query({"out_trade_no": "1"}, out_trade_no="2")


def test_unreachable_host_is_a_transport_error_and_caller_dict_is_untouched():
    fields = {"out_trade_no": "1"}
    with offline() as client:
        with pytest.raises(TransportError) as err:
            client.order_query(fields)
    assert err.value.code_name == "WXPAY_RESULT_CONNECT"
    assert fields == {"out_trade_no": "1"}


# -- life cycle ------------------------------------------------------------------


def test_close_twice_and_use_after_close():
    client = offline()
    assert not client.closed and "open" in repr(client)
    client.close()
    client.close()
    assert client.closed and "closed" in repr(client)
    assert client._native.frees == 1
    for call in (
        lambda: client.request("pay/orderquery", {"out_trade_no": "1"}),
        lambda: client.download("pay/downloadbill", {"bill_date": "20260101"}),
        lambda: client.order_query(out_trade_no="1"),
    ):
        with pytest.raises(ClientClosed, match="closed"):
            call()
    with pytest.raises(ClientClosed):
        with client:
            pass


def test_with_block_closes_even_on_error():
    with pytest.raises(RuntimeError):
        with offline() as client:
            raise RuntimeError("boom")
    assert client.closed and client._native.frees == 1


def test_garbage_collection_frees_the_handle():
    client = offline()
    native = client._native
    del client
    gc.collect()
    assert native.closing and native.frees == 1


def test_repr_shows_no_secret():
    with offline() as client:
        assert KEY not in repr(client) and KEY not in str(vars(client))


def test_close_while_requests_are_in_flight_frees_after_the_last():
    """Threads keep requesting (each failing to connect) while the main thread
    closes: every call either runs to its own error or raises ClientClosed,
    and the handle is freed exactly once, after the last call left."""
    client = offline(connect_timeout=1)
    outcomes = []
    start = threading.Barrier(5)

    def worker():
        start.wait()
        for _ in range(50):
            try:
                client.order_query(out_trade_no="1")
            except ClientClosed:
                outcomes.append("closed")
                return
            except TransportError:
                outcomes.append("ran")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    start.wait()
    client.close()
    for t in threads:
        t.join()
    assert outcomes.count("closed") == 4
    assert client._native.frees == 1


def test_close_during_a_call_defers_the_free_to_its_end():
    """The bookkeeping behind the race test, step by step: a call in flight
    keeps the handle; close() refuses new calls at once; the call's end frees."""
    client = offline()
    native = client._native
    native.enter()
    client.close()
    assert client.closed and native.frees == 0
    with pytest.raises(ClientClosed):
        native.enter()
    native.leave()
    assert native.frees == 1
    client.close()
    assert native.frees == 1


def test_max_fields_limits_a_notification():
    fields = {
        "return_code": "SUCCESS", "result_code": "SUCCESS", "appid": "wx2421b1c4370ec43b",
        "mch_id": "1900000109", "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    }
    fields.update({f"attach_{i}": "x" for i in range(7)})
    fields["sign"] = wxpay.sign(fields, KEY)
    body = wxpay.build_xml(fields)
    # 13 fields: accepted at 13, refused at 12 with its own code.
    with offline(max_fields=13) as client:
        assert client.parse_notification(body).paid
    with offline(max_fields=12) as client:
        with pytest.raises(wxpay.XmlError) as err:
            client.parse_notification(body)
    assert err.value.code_name == "WXPAY_RESULT_XML_TOO_MANY_FIELDS"
    assert "more than 12 fields" in str(err.value)
