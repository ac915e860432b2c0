import random
import string
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType

import pytest
from reference import KEY, hmac_sign, md5_sign, unified_order

import wxpay
from wxpay import InvalidInput, SignatureError, SignatureMissing, SignType


# The example from WeChat Pay's public signing documentation.
DOC_FIELDS = {
    "appid": "wxd930ea5d5a258f4f",
    "mch_id": "10000100",
    "device_info": "1000",
    "body": "test",
    "nonce_str": "ibuaiVcKdpRxkhJA",
}
DOC_MD5 = "9A0A8659F005D6984697E2CA0A9CF3B7"
DOC_HMAC = "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"


def test_documented_vectors():
    assert wxpay.sign(DOC_FIELDS, KEY) == DOC_MD5
    assert wxpay.sign(DOC_FIELDS, KEY, SignType.MD5) == DOC_MD5
    assert wxpay.sign(DOC_FIELDS, KEY, SignType.HMAC_SHA256) == DOC_HMAC
    # The yardstick itself must agree with the documentation, or the comparisons below prove nothing.
    assert md5_sign(DOC_FIELDS) == DOC_MD5
    assert hmac_sign(DOC_FIELDS) == DOC_HMAC


def random_text(rng: random.Random, alphabet: str, max_len: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))


@pytest.mark.parametrize("seed", range(20))
def test_matches_hashlib_on_random_messages(seed):
    rng = random.Random(seed)
    value_chars = string.ascii_letters + string.digits + " &=<>]]!?中文支付€😀\t\n"
    fields = {}
    for _ in range(rng.randint(0, 30)):
        name = rng.choice(string.ascii_lowercase) + random_text(rng, string.ascii_lowercase + "_0123456789", 12)
        fields[name] = rng.choice(["", "0", random_text(rng, value_chars, 40)])
    fields.pop("sign_type", None)
    key = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
    assert wxpay.sign(fields, key, SignType.MD5) == md5_sign(fields, key)
    assert wxpay.sign(fields, key, SignType.HMAC_SHA256) == hmac_sign(fields, key)


def test_unified_order_auto_follows_sign_type_field():
    order = unified_order()
    assert wxpay.sign(order, KEY) == md5_sign(order)
    order["sign_type"] = "HMAC-SHA256"
    assert wxpay.sign(order, KEY) == hmac_sign(order)
    assert wxpay.sign(order, KEY, None) == hmac_sign(order)


def test_zero_is_signed_empty_is_not_sign_is_excluded():
    base = {"a": "1", "total_fee": "0"}
    assert wxpay.sign(base, KEY) == md5_sign(base)
    assert wxpay.sign(base, KEY) != wxpay.sign({"a": "1"}, KEY)
    assert wxpay.sign(dict(base, empty=""), KEY) == wxpay.sign(base, KEY)
    assert wxpay.sign(dict(base, sign="ANYTHING"), KEY) == wxpay.sign(base, KEY)


def test_empty_message_signs_the_key_alone():
    assert wxpay.sign({}, KEY) == md5_sign({})


def test_key_may_be_bytes():
    assert wxpay.sign(DOC_FIELDS, KEY.encode()) == DOC_MD5
    assert wxpay.sign(DOC_FIELDS, bytearray(KEY.encode())) == DOC_MD5


def test_input_dict_is_left_untouched():
    order = unified_order()
    snapshot = dict(order)
    wxpay.sign(order, KEY)
    wxpay.verify(dict(order, sign=md5_sign(order)), KEY)
    assert order == snapshot and list(order) == list(snapshot)


def test_dict_order_does_not_matter():
    order = unified_order()
    assert wxpay.sign(dict(reversed(list(order.items()))), KEY) == wxpay.sign(order, KEY)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short",
        KEY[:31],
        KEY + "0",
        KEY[:31] + "-",
        KEY[:30] + "é",
        KEY[:31] + "\0",
        " " + KEY[:31],
    ],
)
def test_bad_keys_are_refused_without_quoting_them(key):
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(DOC_FIELDS, key)
    assert err.value.code == 104
    assert err.value.code_name == "WXPAY_RESULT_INVALID_KEY"
    if key:
        assert key not in str(err.value) and key not in repr(err.value)
    with pytest.raises(InvalidInput) as err:
        wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), key)
    assert err.value.code == 104


@pytest.mark.parametrize("key", [None, 12345678901234567890123456789012, ["k"]])
def test_key_of_wrong_type(key):
    with pytest.raises(InvalidInput, match="API key must be str or bytes"):
        wxpay.sign(DOC_FIELDS, key)


def test_unencodable_key_is_refused_without_quoting_it():
    key = KEY[:31] + "\udcff"
    for call in (
        lambda: wxpay.sign(DOC_FIELDS, key),
        lambda: wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), key),
        lambda: wxpay.verify_xml(b"<xml><sign>x</sign></xml>", key),
    ):
        with pytest.raises(InvalidInput) as err:
            call()
        assert err.value.code_name == "WXPAY_RESULT_INVALID_KEY"
        assert KEY[:31] not in str(err.value) and "udcff" not in repr(err.value)
        # Nothing holding the key hangs off the exception either.
        assert err.value.__context__ is None and err.value.__cause__ is None


@pytest.mark.parametrize(
    "value, kind",
    [(None, "is None"), (88, "not int"), (b"88", "not bytes"), (8.8, "not float"), (True, "not bool")],
)
def test_values_must_be_str(value, kind):
    fields = dict(DOC_FIELDS, total_fee=value)
    for call in (lambda: wxpay.sign(fields, KEY), lambda: wxpay.verify(fields, KEY), lambda: wxpay.build_xml(fields)):
        with pytest.raises(InvalidInput) as err:
            call()
        assert "'total_fee'" in err.value.message and kind in err.value.message
        assert err.value.code == 101


def test_names_must_be_str():
    with pytest.raises(InvalidInput, match="names must be str"):
        wxpay.sign({1: "a"}, KEY)


@pytest.mark.parametrize("fields", [[("a", "b")], "a=b", None, 5])
def test_fields_must_be_a_mapping(fields):
    with pytest.raises(InvalidInput, match="dict of str to str"):
        wxpay.sign(fields, KEY)


def test_lone_surrogate_is_refused():
    with pytest.raises(InvalidInput, match="'body'.*not encodable as UTF-8"):
        wxpay.sign(dict(DOC_FIELDS, body="bad \udc80"), KEY)


@pytest.mark.parametrize("fields", [{"body": "a\0b"}, {"bo\0dy": "ab"}, {"body": "\0"}])
def test_nul_inside_a_name_or_value_is_refused(fields):
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(fields, KEY)
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"


@pytest.mark.parametrize("fields", [{"a\0": "1", "b": "2\0"}, {"a": "1", "b\0c": "", "d": "\0\0"}])
def test_nul_in_both_lists_is_refused(fields):
    # sign() joins names and values separately: a NUL in each must not cancel out.
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(fields, KEY)
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"


class _ReadOnlyMapping(Mapping):
    """A Mapping that is not a dict: iteration order and values() come from the abc mixins."""

    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, name):
        return self._data[name]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


@pytest.mark.parametrize(
    "wrap", [dict, OrderedDict, MappingProxyType, _ReadOnlyMapping], ids=lambda w: getattr(w, "__name__", str(w))
)
def test_any_mapping_signs_as_its_dict(wrap):
    order = unified_order()
    assert wxpay.sign(wrap(order), KEY) == md5_sign(order)
    del order["sign_type"]
    assert wxpay.sign(wrap(order), KEY, SignType.HMAC_SHA256) == hmac_sign(order)


def test_empty_mapping_signs_the_key_alone():
    assert wxpay.sign({}, KEY) == md5_sign({})


def test_the_callers_dict_is_left_as_it_was():
    order = unified_order()
    before = list(order.items())
    wxpay.sign(order, KEY)
    assert list(order.items()) == before


def test_the_bad_value_is_named_among_good_ones():
    fields = dict(unified_order(), total_fee=88)
    fields["zz_last"] = "ok"
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(fields, KEY)
    assert "'total_fee'" in err.value.message and "int" in err.value.message
    # join's own TypeError is not chained onto the report.
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_empty_name_is_refused():
    with pytest.raises(InvalidInput) as err:
        wxpay.sign({"": "x"}, KEY)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_FIELD_NAME"


def test_unknown_sign_type_field():
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(dict(DOC_FIELDS, sign_type="SHA1"), KEY)
    assert err.value.code_name == "WXPAY_RESULT_UNKNOWN_SIGN_TYPE"
    assert "SHA1" in err.value.message


def test_sign_type_argument_disagreeing_with_field():
    with pytest.raises(SignatureError) as err:
        wxpay.sign(dict(DOC_FIELDS, sign_type="MD5"), KEY, SignType.HMAC_SHA256)
    assert err.value.code_name == "WXPAY_RESULT_SIGN_TYPE_MISMATCH"


@pytest.mark.parametrize("bad", [3, -1, 2**31 - 1])
def test_out_of_range_sign_type_number(bad):
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(DOC_FIELDS, KEY, bad)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_ARGUMENT"
    assert str(bad) in err.value.message


@pytest.mark.parametrize("bad", ["MD5", True, 1.0, 2**40])
def test_sign_type_of_wrong_type(bad):
    with pytest.raises(InvalidInput, match="sign_type must be"):
        wxpay.sign(DOC_FIELDS, KEY, bad)
    with pytest.raises(InvalidInput, match="sign_type must be"):
        wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), KEY, bad)


def test_plain_int_sign_type_is_accepted():
    assert wxpay.sign(DOC_FIELDS, KEY, 2) == DOC_HMAC


# --- verify ---------------------------------------------------------------


def test_verify_returns_the_algorithm_used():
    assert wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), KEY) is SignType.MD5
    assert wxpay.verify(dict(DOC_FIELDS, sign=DOC_HMAC), KEY) is SignType.HMAC_SHA256
    assert wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), KEY, SignType.MD5) is SignType.MD5
    assert wxpay.verify(dict(DOC_FIELDS, sign=DOC_HMAC), KEY, SignType.AUTO) is SignType.HMAC_SHA256


def test_verify_follows_the_sign_type_field():
    order = dict(unified_order(), sign_type="HMAC-SHA256")
    order["sign"] = hmac_sign(order)
    assert wxpay.verify(order, KEY) is SignType.HMAC_SHA256


@pytest.mark.parametrize(
    "change",
    [
        {"total_fee": "1"},
        {"body": "test "},
        {"extra": "x"},
        {"sign": DOC_MD5.lower()},
        {"sign": DOC_MD5[:-1] + "8"},
        {"sign": "A" * 40},
    ],
)
def test_forged_messages_are_refused(change):
    forged = {**DOC_FIELDS, "sign": DOC_MD5, **change}
    with pytest.raises(SignatureError) as err:
        wxpay.verify(forged, KEY)
    assert not isinstance(err.value, SignatureMissing)
    assert err.value.code_name == "WXPAY_RESULT_SIGNATURE_MISMATCH"


def test_wrong_key_is_a_mismatch():
    with pytest.raises(SignatureError):
        wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), "A" * 32)


@pytest.mark.parametrize("fields", [DOC_FIELDS, dict(DOC_FIELDS, sign=""), {}])
def test_missing_signature(fields):
    with pytest.raises(SignatureMissing) as err:
        wxpay.verify(fields, KEY)
    assert err.value.code == 200


def test_verify_with_the_other_algorithm_than_announced():
    with pytest.raises(SignatureError) as err:
        wxpay.verify(dict(DOC_FIELDS, sign_type="MD5", sign=DOC_MD5), KEY, SignType.HMAC_SHA256)
    assert err.value.code_name == "WXPAY_RESULT_SIGN_TYPE_MISMATCH"


def test_verify_with_explicit_algorithm_rejects_the_other():
    with pytest.raises(SignatureError):
        wxpay.verify(dict(DOC_FIELDS, sign=DOC_MD5), KEY, SignType.HMAC_SHA256)
