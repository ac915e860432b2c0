"""wxpay.Signer, and the one-call wxpay.sign/verify beside it."""

import copy
import gc
import pickle
import random
import string
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

import pytest
from reference import KEY, hmac_sign, md5_sign, unified_order

import wxpay
from wxpay import InvalidInput, SignatureError, SignatureMissing, Signer, SignerClosed, SignType, XmlError, _sign


OTHER_KEY = "0123456789abcdefghijABCDEFGHIJ01"
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
    with Signer(KEY) as auto, Signer(KEY, SignType.MD5) as md5, Signer(KEY, SignType.HMAC_SHA256) as hmac:
        assert auto.sign(DOC_FIELDS) == DOC_MD5
        assert md5.sign(DOC_FIELDS) == DOC_MD5
        assert hmac.sign(DOC_FIELDS) == DOC_HMAC
        assert (auto.sign_type, md5.sign_type, hmac.sign_type) == (SignType.AUTO, SignType.MD5, SignType.HMAC_SHA256)


@pytest.mark.parametrize("seed", range(20))
def test_same_as_sign_and_hashlib_on_random_messages(seed):
    rng = random.Random(seed)
    value_chars = string.ascii_letters + string.digits + " &=<>]]!?中文支付€😀\t\n"
    fields = {}
    for _ in range(rng.randint(0, 30)):
        name = rng.choice(string.ascii_lowercase) + "".join(
            rng.choice(string.ascii_lowercase + "_0123456789") for _ in range(rng.randint(0, 12))
        )
        fields[name] = rng.choice(["", "0", "".join(rng.choice(value_chars) for _ in range(rng.randint(0, 40)))])
    fields.pop("sign_type", None)
    key = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
    md5, hmac = Signer(key, SignType.MD5), Signer(key.encode(), SignType.HMAC_SHA256)
    assert md5.sign(fields) == wxpay.sign(fields, key, SignType.MD5) == md5_sign(fields, key)
    assert hmac.sign(fields) == wxpay.sign(fields, key, SignType.HMAC_SHA256) == hmac_sign(fields, key)
    assert md5.verify(dict(fields, sign=md5_sign(fields, key))) is SignType.MD5
    assert hmac.verify(dict(fields, sign=hmac_sign(fields, key))) is SignType.HMAC_SHA256


def test_auto_follows_the_sign_type_field():
    signer = Signer(KEY)
    order = unified_order()
    assert signer.sign(order) == md5_sign(order)
    order["sign_type"] = "HMAC-SHA256"
    assert signer.sign(order) == hmac_sign(order)
    assert signer.verify(dict(order, sign=hmac_sign(order))) is SignType.HMAC_SHA256


def test_explicit_algorithm_disagreeing_with_the_field():
    with pytest.raises(SignatureError) as err:
        Signer(KEY, SignType.HMAC_SHA256).sign(dict(DOC_FIELDS, sign_type="MD5"))
    assert err.value.code_name == "WXPAY_RESULT_SIGN_TYPE_MISMATCH"
    with pytest.raises(SignatureError) as err:
        Signer(KEY, SignType.HMAC_SHA256).verify(dict(DOC_FIELDS, sign_type="MD5", sign=DOC_MD5))
    assert err.value.code_name == "WXPAY_RESULT_SIGN_TYPE_MISMATCH"


def test_the_callers_dict_is_left_as_it_was():
    order = unified_order()
    before = list(order.items())
    signer = Signer(KEY)
    signer.verify(dict(order, sign=signer.sign(order)))
    assert list(order.items()) == before


# --- verify / verify_xml failures --------------------------------------------


@pytest.mark.parametrize("change", [{"total_fee": "1"}, {"extra": "x"}, {"sign": DOC_MD5.lower()}, {"sign": "A" * 40}])
def test_forged_messages_are_refused(change):
    with pytest.raises(SignatureError) as err:
        Signer(KEY).verify({**DOC_FIELDS, "sign": DOC_MD5, **change})
    assert not isinstance(err.value, SignatureMissing)
    assert err.value.code_name == "WXPAY_RESULT_SIGNATURE_MISMATCH"


@pytest.mark.parametrize("fields", [DOC_FIELDS, dict(DOC_FIELDS, sign=""), {}])
def test_missing_signature(fields):
    with pytest.raises(SignatureMissing) as err:
        Signer(KEY).verify(fields)
    assert err.value.code == 200


def test_another_key_is_a_mismatch():
    with pytest.raises(SignatureError) as err:
        Signer(OTHER_KEY).verify(dict(DOC_FIELDS, sign=DOC_MD5))
    assert err.value.code_name == "WXPAY_RESULT_SIGNATURE_MISMATCH"


def signed_document(sign_type="MD5"):
    order = dict(unified_order(), sign_type=sign_type)
    order["sign"] = md5_sign(order) if sign_type == "MD5" else hmac_sign(order)
    return order, wxpay.build_xml(order)


@pytest.mark.parametrize("sign_type", ["MD5", "HMAC-SHA256"])
def test_verify_xml(sign_type):
    order, doc = signed_document(sign_type)
    signer = Signer(KEY)
    assert signer.verify_xml(doc) == order
    assert signer.verify_xml(doc.encode()) == order
    assert signer.verify_xml(bytearray(doc.encode()), max_size=len(doc.encode())) == order
    assert signer.verify_xml(doc) == wxpay.verify_xml(doc, KEY)


def test_verify_xml_failures():
    _, doc = signed_document()
    signer = Signer(KEY)
    with pytest.raises(SignatureError) as err:
        signer.verify_xml(doc.replace("<![CDATA[88]]>", "<![CDATA[89]]>"))
    assert err.value.code_name == "WXPAY_RESULT_SIGNATURE_MISMATCH"
    with pytest.raises(SignatureMissing):
        signer.verify_xml("<xml><a>1</a></xml>")
    with pytest.raises(XmlError) as err:
        signer.verify_xml("<xml><a>1</a><a>2</a></xml>")
    assert err.value.code_name == "WXPAY_RESULT_XML_DUPLICATE"
    with pytest.raises(XmlError) as err:
        signer.verify_xml(doc, max_size=100)
    assert err.value.code_name == "WXPAY_RESULT_XML_TOO_LARGE"
    with pytest.raises(XmlError) as err:
        signer.verify_xml('<!DOCTYPE x [<!ENTITY e "x">]><xml><a>&e;</a></xml>')
    with pytest.raises(SignatureError) as err:
        Signer(KEY, SignType.HMAC_SHA256).verify_xml(doc)
    assert err.value.code_name == "WXPAY_RESULT_SIGN_TYPE_MISMATCH"
    for bad in (0, -1, 1.5, "10"):
        with pytest.raises(InvalidInput, match="max_size"):
            signer.verify_xml(doc, max_size=bad)
    with pytest.raises(InvalidInput, match="xml must be str or bytes"):
        signer.verify_xml(None)


# --- bad arguments ------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "short", KEY[:31], KEY + "0", KEY[:31] + "-", KEY[:30] + "é", KEY[:31] + "\0"])
def test_bad_keys_are_refused_without_quoting_them(key):
    with pytest.raises(InvalidInput) as err:
        Signer(key)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_KEY"
    if key:
        assert key not in str(err.value) and key not in repr(err.value)


def test_unencodable_key_is_refused_without_quoting_it():
    with pytest.raises(InvalidInput) as err:
        Signer(KEY[:31] + "\udcff")
    assert err.value.code_name == "WXPAY_RESULT_INVALID_KEY"
    assert KEY[:31] not in str(err.value) and "udcff" not in repr(err.value)
    assert err.value.__context__ is None and err.value.__cause__ is None


@pytest.mark.parametrize("key", [None, 12345678901234567890123456789012, ["k"]])
def test_key_of_wrong_type(key):
    with pytest.raises(InvalidInput, match="API key must be str or bytes"):
        Signer(key)


@pytest.mark.parametrize("bad", [3, -1, 2**31 - 1])
def test_out_of_range_sign_type_number(bad):
    with pytest.raises(InvalidInput) as err:
        Signer(KEY, bad)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_ARGUMENT" and str(bad) in err.value.message


@pytest.mark.parametrize("bad", ["MD5", True, 1.0, 2**40])
def test_sign_type_of_wrong_type(bad):
    with pytest.raises(InvalidInput, match="sign_type must be"):
        Signer(KEY, bad)


def test_sign_type_none_and_plain_ints():
    assert Signer(KEY, None).sign_type is SignType.AUTO
    assert Signer(KEY, 2).sign(DOC_FIELDS) == DOC_HMAC


@pytest.mark.parametrize(
    "value, kind",
    [(None, "is None"), (88, "not int"), (b"88", "not bytes"), (8.8, "not float"), (True, "not bool")],
)
def test_values_must_be_str(value, kind):
    fields = dict(DOC_FIELDS, total_fee=value)
    signer = Signer(KEY)
    for call in (signer.sign, signer.verify):
        with pytest.raises(InvalidInput) as err:
            call(fields)
        assert "'total_fee'" in err.value.message and kind in err.value.message
        assert err.value.__cause__ is None and err.value.__suppress_context__


def test_other_bad_fields():
    signer = Signer(KEY)
    with pytest.raises(InvalidInput, match="names must be str"):
        signer.sign({1: "a"})
    for fields in ([("a", "b")], "a=b", None):
        with pytest.raises(InvalidInput, match="dict of str to str"):
            signer.sign(fields)
        with pytest.raises(InvalidInput, match="dict of str to str"):
            signer.verify(fields)
    with pytest.raises(InvalidInput, match="'body'.*not encodable as UTF-8"):
        signer.sign(dict(DOC_FIELDS, body="bad \udc80"))
    for fields in ({"body": "a\0b"}, {"bo\0dy": "ab"}, {"a\0": "1", "b": "2\0"}):
        with pytest.raises(InvalidInput) as err:
            signer.sign(fields)
        assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"
    with pytest.raises(InvalidInput) as err:
        signer.verify({"body": "a\0b", "sign": DOC_MD5})
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"
    with pytest.raises(InvalidInput) as err:
        signer.sign({"": "x"})
    assert err.value.code_name == "WXPAY_RESULT_INVALID_FIELD_NAME"
    with pytest.raises(InvalidInput) as err:
        signer.sign(dict(DOC_FIELDS, sign_type="SHA1"))
    assert err.value.code_name == "WXPAY_RESULT_UNKNOWN_SIGN_TYPE"


# --- life cycle ---------------------------------------------------------------


def test_close_twice_and_use_after_close():
    signer = Signer(KEY)
    assert not signer.closed
    signer.close()
    signer.close()
    assert signer.closed
    _, doc = signed_document()
    for call in (
        lambda: signer.sign(DOC_FIELDS),
        lambda: signer.verify(dict(DOC_FIELDS, sign=DOC_MD5)),
        lambda: signer.verify_xml(doc),
    ):
        with pytest.raises(SignerClosed) as err:
            call()
        assert err.value.code_name == "WXPAY_PYTHON_SIGNER_CLOSED"
    assert isinstance(err.value, ValueError) and isinstance(err.value, wxpay.WxPayError)
    with pytest.raises(SignerClosed):
        with signer:
            pass


def test_closed_check_comes_before_the_fields_are_looked_at():
    signer = Signer(KEY)
    signer.close()
    with pytest.raises(SignerClosed):
        signer.sign(None)


def test_with_block_closes_even_on_error():
    with pytest.raises(RuntimeError):
        with Signer(KEY) as signer:
            assert signer.sign(DOC_FIELDS) == DOC_MD5
            raise RuntimeError("boom")
    assert signer.closed


def test_repr_names_the_algorithm_and_state_never_the_key():
    signer = Signer(KEY, SignType.HMAC_SHA256)
    assert repr(signer) == "<wxpay.Signer HMAC_SHA256 open>"
    signer.close()
    assert repr(signer) == "<wxpay.Signer HMAC_SHA256 closed>"
    assert KEY not in repr(signer)
    assert not any(isinstance(v, (str, bytes)) and KEY in str(v) for v in vars_of(signer))


def vars_of(obj):
    return [getattr(obj, name, None) for name in type(obj).__slots__]


def test_cannot_be_pickled_or_copied():
    signer = Signer(KEY)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(signer)
    with pytest.raises(TypeError):
        copy.copy(signer)


def test_close_and_collection_drop_the_native_signer():
    # The native signer is freed by _NativeSigner.__del__; the weak reference
    # shows the moment it runs (test_memory shows that the memory comes back).
    signer = Signer(KEY)
    ref = weakref.ref(signer._native)
    signer.close()
    assert ref() is None
    signer = Signer(KEY)
    ref = weakref.ref(signer._native)
    del signer
    gc.collect()
    assert ref() is None


def test_a_call_in_flight_keeps_the_native_signer():
    # What a call does: it holds the native signer in a local while the library runs.
    signer = Signer(KEY)
    native = signer._native
    ref = weakref.ref(native)
    signer.close()
    assert ref() is native
    del native
    assert ref() is None


def test_threads_share_one_signer():
    signer = Signer(KEY)

    def worker(index):
        order = unified_order()
        wrong = 0
        for i in range(1_000):
            order["out_trade_no"] = f"{index}-{i}"
            order["sign_type"] = "MD5" if i % 2 else "HMAC-SHA256"
            expected = md5_sign(order) if i % 2 else hmac_sign(order)
            got = signer.sign(order)
            wrong += got != expected
            wrong += signer.verify(dict(order, sign=got)) is not (SignType.MD5 if i % 2 else SignType.HMAC_SHA256)
        return wrong

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(worker, range(8))) == [0] * 8


def test_close_while_other_threads_sign():
    signer = Signer(KEY)
    order = unified_order()
    expected = md5_sign(order)
    started = threading.Barrier(5)

    def worker(_):
        started.wait()
        results = {"ok": 0, "closed": 0, "wrong": 0}
        while True:  # until the close, which the main thread makes right after the barrier
            try:
                got = signer.sign(order)
            except SignerClosed:
                results["closed"] += 1
                break
            results["ok" if got == expected else "wrong"] += 1
        return results

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(worker, i) for i in range(4)]
        started.wait()
        signer.close()
        results = [f.result() for f in futures]
    assert all(r["wrong"] == 0 for r in results)
    assert all(r["closed"] == 1 for r in results)
    assert signer._native is None


# --- the one-call wxpay.sign / wxpay.verify, with many keys ------------------


def test_one_call_never_answers_for_another_key_or_algorithm():
    order = unified_order()
    del order["sign_type"]
    for _ in range(2):
        assert wxpay.sign(order, KEY) == md5_sign(order, KEY)
        assert wxpay.sign(order, OTHER_KEY) == md5_sign(order, OTHER_KEY)
        assert wxpay.sign(order, KEY, SignType.HMAC_SHA256) == hmac_sign(order, KEY)
        assert wxpay.sign(order, OTHER_KEY, SignType.HMAC_SHA256) == hmac_sign(order, OTHER_KEY)
        assert wxpay.sign(order, KEY.encode()) == md5_sign(order, KEY)
        assert wxpay.sign(order, OTHER_KEY.encode(), 2) == hmac_sign(order, OTHER_KEY)
    # An equal key in another object, and one differing in its last character only.
    assert wxpay.sign(order, "".join(list(KEY))) == md5_sign(order, KEY)
    near = KEY[:31] + ("e" if KEY[31] != "e" else "f")
    assert wxpay.sign(order, near) == md5_sign(order, near)
    with pytest.raises(SignatureError):
        wxpay.verify(dict(order, sign=md5_sign(order, KEY)), near)
    assert wxpay.verify(dict(order, sign=md5_sign(order, KEY)), KEY) is SignType.MD5


def test_a_bytearray_key_is_read_on_every_call():
    order = dict(DOC_FIELDS)
    key = bytearray(KEY.encode())
    assert wxpay.sign(order, key) == md5_sign(order, KEY)
    key[:] = OTHER_KEY.encode()
    assert wxpay.sign(order, key) == md5_sign(order, OTHER_KEY)
    assert wxpay.verify(dict(order, sign=md5_sign(order, OTHER_KEY)), key) is SignType.MD5
    assert wxpay.sign(order, memoryview(KEY.encode())) == md5_sign(order, KEY)


class FickleType(int):
    """An int whose __int__ changes its mind: the identity fast path must not trust it."""

    calls = 0

    def __int__(self):
        FickleType.calls += 1
        return 1 if FickleType.calls % 2 else 2


def test_a_sign_type_whose_number_changes_is_read_on_every_call():
    fickle = FickleType(0)
    fields = dict(DOC_FIELDS)
    got = {wxpay.sign(fields, KEY, fickle) for _ in range(4)}
    assert got == {DOC_MD5, DOC_HMAC}


def test_bad_keys_and_bad_fields_are_reported():
    wxpay.sign(DOC_FIELDS, KEY)
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(DOC_FIELDS, KEY[:31])
    assert err.value.code_name == "WXPAY_RESULT_INVALID_KEY"
    assert KEY[:31] not in str(err.value)
    assert err.value.__context__ is None
    # Bad fields are reported before a bad key, as the one-call functions always did.
    with pytest.raises(InvalidInput) as err:
        wxpay.sign({"a": "1\0"}, "short")
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"
    with pytest.raises(InvalidInput) as err:
        wxpay.sign(DOC_FIELDS, KEY, 3)
    assert err.value.code_name == "WXPAY_RESULT_INVALID_ARGUMENT"


def test_many_keys_under_threads():
    rng = random.Random(3)
    keys = ["".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32)) for _ in range(24)]

    def worker(index):
        local = random.Random(index)
        wrong = 0
        for i in range(1_500):
            key = local.choice(keys)
            algorithm = local.choice([SignType.MD5, SignType.HMAC_SHA256])
            fields = dict(DOC_FIELDS, nonce_str=f"{index}-{i}")
            expected = md5_sign(fields, key) if algorithm is SignType.MD5 else hmac_sign(fields, key)
            wrong += wxpay.sign(fields, key, algorithm) != expected
            wrong += wxpay.verify(dict(fields, sign=expected), key) is not algorithm
        return wrong

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(worker, range(6))) == [0] * 6
