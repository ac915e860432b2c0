import pickle
import re

import pytest

import wxpay
from wxpay import (
    BusinessError,
    CertificateError,
    InvalidInput,
    ProtocolError,
    SignatureError,
    SignatureMissing,
    TransportError,
    WxPayError,
    XmlError,
    _errors,
    _native,
)

GROUPS = {
    1: InvalidInput,
    2: SignatureError,
    3: XmlError,
    4: CertificateError,
    5: TransportError,
    6: ProtocolError,
    7: BusinessError,
}


# Codes with a class of their own, each a subclass of its group's class.
SPECIFIC = {
    "WXPAY_RESULT_MISSING_FIELD": wxpay.MissingField,
    "WXPAY_RESULT_CONFLICTING_FIELD": wxpay.ConflictingField,
    "WXPAY_RESULT_CLIENT_FORKED": wxpay.ClientClosed,
    "WXPAY_RESULT_SIGNATURE_MISSING": SignatureMissing,
    "WXPAY_RESULT_CERTIFICATE_REQUIRED": wxpay.CertificateRequired,
    "WXPAY_RESULT_CERTIFICATE_EXPIRED": wxpay.CertificateExpired,
    "WXPAY_RESULT_CERTIFICATE_PERMISSIONS": wxpay.CertificatePermissions,
    "WXPAY_RESULT_NOT_FOUND": wxpay.NotFound,
    "WXPAY_RESULT_MERCHANT_MISMATCH": wxpay.MerchantMismatch,
    "WXPAY_RESULT_DECRYPT_FAILED": wxpay.DecryptionError,
    "WXPAY_RESULT_CIPHERTEXT_CORRUPT": wxpay.DecryptionError,
    "WXPAY_RESULT_TLS": wxpay.TlsError,
    "WXPAY_RESULT_TIMEOUT": wxpay.Timeout,
    "WXPAY_RESULT_HTTP_STATUS": wxpay.HttpStatusError,
    "WXPAY_RESULT_RESPONSE_INVALID": wxpay.InvalidResponse,
}


def header_codes(header_text):
    return {
        name: int(number)
        for name, number in re.findall(r"^\s*(WXPAY_RESULT_[A-Z0-9_]+) = (\d+),", header_text, re.MULTILINE)
    }


def test_every_code_in_the_header_maps_to_its_group(header_text):
    codes = header_codes(header_text)
    assert codes["WXPAY_RESULT_OK"] == 0 and len(codes) > 10
    for name, code in codes.items():
        if code == 0:
            continue
        cls = _errors.error_class_for(code)
        if name in SPECIFIC:
            assert cls is SPECIFIC[name], name
        else:
            assert cls is GROUPS.get(code // 100, WxPayError), name
        assert issubclass(cls, GROUPS.get(code // 100, WxPayError)), name
        # The library names every code the header lists.
        assert _native.code_name(code) == name


@pytest.mark.parametrize("code", [113, 199, 203, 299, 308, 399, 400, 401, 499, 500, 550, 600, 602, 700, 742, 799])
def test_future_codes_in_known_groups_get_their_group_class(code):
    err = _errors.make_error(code, "later", "WXPAY_RESULT_LATER")
    assert type(err) is GROUPS[code // 100]
    assert isinstance(err, WxPayError)
    assert err.code == code


@pytest.mark.parametrize("code", [800, 900, 999, 1234, -5])
def test_codes_outside_the_known_groups_are_the_base_class(code):
    assert type(_errors.make_error(code, "m", "n")) is WxPayError


def test_unknown_code_has_the_library_placeholder_name():
    assert _native.code_name(777) == "WXPAY_RESULT_UNKNOWN"


def test_every_specific_code_is_in_the_header(header_text):
    codes = header_codes(header_text)
    assert set(SPECIFIC) <= set(codes)


def test_hierarchy():
    assert issubclass(SignatureMissing, SignatureError)
    assert issubclass(wxpay.Timeout, TimeoutError) and issubclass(wxpay.Timeout, TransportError)
    assert issubclass(wxpay.ClientClosed, ValueError) and issubclass(wxpay.ClientClosed, WxPayError)
    assert issubclass(InvalidInput, ValueError) and issubclass(XmlError, ValueError)
    assert issubclass(wxpay.LibraryVersionMismatch, wxpay.LibraryLoadError)
    assert issubclass(wxpay.LibraryLoadError, ImportError)
    for cls in GROUPS.values():
        assert issubclass(cls, WxPayError)


def test_real_failure_carries_code_name_and_library_message():
    with pytest.raises(XmlError) as err:
        wxpay.parse_xml("<root/>")
    e = err.value
    assert e.code == 303 and e.code_name == "WXPAY_RESULT_XML_ROOT"
    assert e.message and e.message in str(e) and "WXPAY_RESULT_XML_ROOT" in str(e)
    assert e.response is None
    assert "XmlError" in repr(e) and "303" in repr(e)


def test_protocol_error_exposes_return_msg():
    response = {"return_code": "FAIL", "return_msg": "签名错误"}
    e = _errors.make_error(601, "FAIL", "WXPAY_RESULT_X", response)
    assert isinstance(e, ProtocolError)
    assert e.return_msg == "签名错误"
    assert e.response == response and e.response is not response


def test_business_error_exposes_err_code_and_description():
    response = {
        "return_code": "SUCCESS",
        "result_code": "FAIL",
        "err_code": "ORDERPAID",
        "err_code_des": "该订单已支付",
    }
    e = _errors.make_error(701, "FAIL", "WXPAY_RESULT_X", response)
    assert isinstance(e, BusinessError)
    assert (e.err_code, e.err_code_des) == ("ORDERPAID", "该订单已支付")
    assert e.response == response


def test_fields_absent_from_response_are_none():
    assert _errors.make_error(700, "m", "n").err_code is None
    assert _errors.make_error(600, "m", "n", {}).return_msg is None


def test_errors_pickle_with_their_details():
    e = _errors.make_error(701, "msg", "WXPAY_RESULT_X", {"err_code": "NOTENOUGH"})
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is BusinessError
    assert (back.message, back.code, back.code_name, back.err_code) == ("msg", 701, "WXPAY_RESULT_X", "NOTENOUGH")


def test_last_error_is_read_from_the_failing_thread():
    with pytest.raises(XmlError) as first:
        wxpay.parse_xml("<xml><a>1</a><a>2</a></xml>")
    with pytest.raises(SignatureMissing) as second:
        wxpay.verify({"a": "1"}, "A" * 32)
    assert first.value.code_name == "WXPAY_RESULT_XML_DUPLICATE"
    assert second.value.code_name == "WXPAY_RESULT_SIGNATURE_MISSING"
    assert first.value.message != second.value.message


def test_public_classes_live_under_the_package_name():
    for cls in (*GROUPS.values(), WxPayError, SignatureMissing, wxpay.SignType, wxpay.LibraryLoadError):
        assert cls.__module__ == "wxpay"
        assert getattr(wxpay, cls.__name__) is cls
    assert pickle.loads(pickle.dumps(wxpay.SignType.MD5)) is wxpay.SignType.MD5
