import pytest
from reference import KEY, hmac_sign, md5_sign, unified_order

import wxpay
from wxpay import InvalidInput, SignatureError, SignatureMissing, SignType, XmlError

MIB = 1024 * 1024


def billion_laughs_entity(i: int) -> str:
    """Entity lol<i> expands to ten of lol<i-1> (lol0 being plain "lol")."""
    return (f"&lol{i - 1};" if i > 1 else "&lol;") * 10


def test_parse_text_cdata_entities_in_document_order():
    doc = (
        "<xml><return_code><![CDATA[SUCCESS]]></return_code>"
        "<total_fee>88</total_fee><body>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</body>"
        "<attach><![CDATA[深圳分店]]></attach><empty></empty><self/></xml>"
    )
    parsed = wxpay.parse_xml(doc)
    assert parsed == {
        "return_code": "SUCCESS",
        "total_fee": "88",
        "body": "a & b <c> \"d\" 'e'",
        "attach": "深圳分店",
        "empty": "",
        "self": "",
    }
    assert list(parsed) == ["return_code", "total_fee", "body", "attach", "empty", "self"]


def test_parse_accepts_bytes_str_and_buffers_alike():
    doc = "<xml><a>中文</a></xml>"
    expected = {"a": "中文"}
    assert wxpay.parse_xml(doc) == expected
    assert wxpay.parse_xml(doc.encode()) == expected
    assert wxpay.parse_xml(bytearray(doc.encode())) == expected
    assert wxpay.parse_xml(memoryview(doc.encode())) == expected


def test_parse_empty_root():
    assert wxpay.parse_xml("<xml></xml>") == {}


@pytest.mark.parametrize(
    "doc, code_name",
    [
        # XXE: an external entity would read a local file.
        (
            ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>'),
            "WXPAY_RESULT_XML_DOCTYPE",
        ),
        # Billion laughs: nested entity expansion.
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{billion_laughs_entity(i)}">' for i in range(1, 10))
            + "]><xml><a>&lol9;</a></xml>",
            "WXPAY_RESULT_XML_DOCTYPE",
        ),
        ("<!DOCTYPE xml><xml><a>1</a></xml>", "WXPAY_RESULT_XML_DOCTYPE"),
        ("<xml><a>&undefined;</a></xml>", "WXPAY_RESULT_XML_ENTITY"),
        ("<root><a>1</a></root>", "WXPAY_RESULT_XML_ROOT"),
        ("<xml><a><b>1</b></a></xml>", "WXPAY_RESULT_XML_NESTED"),
        ("<xml><a>1</a><a>2</a></xml>", "WXPAY_RESULT_XML_DUPLICATE"),
        ("<xml>" + "".join(f"<f{i}>v</f{i}>" for i in range(1025)) + "</xml>", "WXPAY_RESULT_XML_TOO_MANY_FIELDS"),
        (b"<xml><a>\xff\xfe</a></xml>", "WXPAY_RESULT_XML_INVALID_UTF8"),
        (b"<xml><a>\xe4\xb8</a></xml>", "WXPAY_RESULT_XML_INVALID_UTF8"),
        ("<xml><a>1</b></xml>", "WXPAY_RESULT_XML_MALFORMED"),
        ("<xml><a>1</a>", "WXPAY_RESULT_XML_MALFORMED"),
        ("not xml at all", "WXPAY_RESULT_XML_MALFORMED"),
        ("", "WXPAY_RESULT_XML_MALFORMED"),
    ],
)
def test_refused_documents(doc, code_name):
    with pytest.raises(XmlError) as err:
        wxpay.parse_xml(doc)
    assert err.value.code_name == code_name
    assert 300 <= err.value.code < 400
    assert err.value.message
    # The same refusal comes out of verify_xml, before any signature is looked at.
    with pytest.raises(XmlError) as err:
        wxpay.verify_xml(doc, KEY)
    assert err.value.code_name == code_name


def test_huge_document_is_refused_by_default_and_accepted_with_a_larger_limit():
    value = "x" * (10 * MIB)
    doc = f"<xml><big>{value}</big></xml>".encode()
    with pytest.raises(XmlError) as err:
        wxpay.parse_xml(doc)
    assert err.value.code_name == "WXPAY_RESULT_XML_TOO_LARGE"
    parsed = wxpay.parse_xml(doc, max_size=11 * MIB)
    assert parsed["big"] == value


def test_max_size_is_checked_exactly():
    doc = b"<xml><a>1</a></xml>"
    assert wxpay.parse_xml(doc, max_size=len(doc)) == {"a": "1"}
    with pytest.raises(XmlError) as err:
        wxpay.parse_xml(doc, max_size=len(doc) - 1)
    assert err.value.code_name == "WXPAY_RESULT_XML_TOO_LARGE"


@pytest.mark.parametrize("max_size", [0, -1, 1.5, "10", True])
def test_bad_max_size(max_size):
    with pytest.raises(InvalidInput, match="max_size"):
        wxpay.parse_xml("<xml/>", max_size=max_size)


@pytest.mark.parametrize("doc", [None, 5, ["<xml/>"]])
def test_xml_of_wrong_type(doc):
    with pytest.raises(InvalidInput, match="xml must be str or bytes"):
        wxpay.parse_xml(doc)


# --- build ------------------------------------------------------------------


def test_build_keeps_order_and_wraps_values_in_cdata():
    assert wxpay.build_xml({"b": "2", "a": "1"}) == "<xml><b><![CDATA[2]]></b><a><![CDATA[1]]></a></xml>"
    assert wxpay.build_xml({}) in ("<xml></xml>", "<xml/>")


@pytest.mark.parametrize(
    "value",
    ["", "0", "]]>", "a]]>b]]]]>", "line\r\nbreak\rcr", "<&>\"'", "中文€😀", "\t\n", " padded "],
)
def test_build_then_parse_round_trips_values_unchanged(value):
    fields = {"a": "1", "v": value, "z": "last"}
    assert wxpay.parse_xml(wxpay.build_xml(fields)) == fields


def test_build_unified_order_round_trip():
    order = unified_order()
    order["sign"] = wxpay.sign(order, KEY)
    assert wxpay.parse_xml(wxpay.build_xml(order)) == order


@pytest.mark.parametrize("name", ["1abc", "a b", "a<b", "中文", "-x", "a&b"])
def test_build_refuses_names_that_are_not_xml_names(name):
    with pytest.raises(InvalidInput) as err:
        wxpay.build_xml({name: "v"})
    assert err.value.code_name == "WXPAY_RESULT_INVALID_FIELD_NAME"


@pytest.mark.parametrize("value", ["\x01", "a\x0bb", "\ufffe", "\x1f"])
def test_build_refuses_characters_xml_cannot_carry(value):
    with pytest.raises(InvalidInput) as err:
        wxpay.build_xml({"a": value})
    assert err.value.code_name == "WXPAY_RESULT_INVALID_FIELD_VALUE"


def test_build_refuses_nul():
    with pytest.raises(InvalidInput) as err:
        wxpay.build_xml({"a": "x\0y"})
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"


# --- verify_xml -------------------------------------------------------------


def signed_order_xml(sign_type: str = "MD5") -> bytes:
    order = dict(unified_order(), sign_type=sign_type)
    order["sign"] = md5_sign(order) if sign_type == "MD5" else hmac_sign(order)
    return wxpay.build_xml(order).encode()


def test_verify_xml_returns_all_fields():
    doc = signed_order_xml()
    fields = wxpay.verify_xml(doc, KEY)
    assert fields == wxpay.parse_xml(doc)
    assert fields["sign"] == md5_sign(unified_order())
    assert wxpay.verify_xml(signed_order_xml("HMAC-SHA256"), KEY, SignType.HMAC_SHA256)["sign_type"] == "HMAC-SHA256"
    assert wxpay.verify_xml(doc.decode(), KEY.encode()) == fields


def test_verify_xml_refuses_a_forged_document():
    doc = signed_order_xml().replace(b"<![CDATA[88]]>", b"<![CDATA[1]]>")
    with pytest.raises(SignatureError) as err:
        wxpay.verify_xml(doc, KEY)
    assert err.value.code_name == "WXPAY_RESULT_SIGNATURE_MISMATCH"


def test_verify_xml_refuses_an_unsigned_document():
    with pytest.raises(SignatureMissing):
        wxpay.verify_xml(wxpay.build_xml(unified_order()), KEY)


def test_verify_xml_with_the_wrong_algorithm():
    with pytest.raises(SignatureError) as err:
        wxpay.verify_xml(signed_order_xml("MD5"), KEY, SignType.HMAC_SHA256)
    assert err.value.code_name == "WXPAY_RESULT_SIGN_TYPE_MISMATCH"


def test_verify_xml_respects_max_size():
    doc = signed_order_xml()
    with pytest.raises(XmlError) as err:
        wxpay.verify_xml(doc, KEY, max_size=100)
    assert err.value.code_name == "WXPAY_RESULT_XML_TOO_LARGE"
    assert wxpay.verify_xml(doc, KEY, max_size=len(doc))["sign_type"] == "MD5"


@pytest.mark.parametrize("doc", [b"<xml><a>\x00</a></xml>", b"<xml><a>&#0;</a></xml>"])
def test_nul_inside_a_document_is_refused(doc):
    with pytest.raises(XmlError) as err:
        wxpay.parse_xml(doc)
    assert err.value.code_name == "WXPAY_RESULT_XML_MALFORMED"


def test_declared_foreign_encoding_is_refused():
    with pytest.raises(XmlError) as err:
        wxpay.parse_xml('<?xml version="1.0" encoding="GBK"?><xml><a>1</a></xml>')
    assert err.value.code_name == "WXPAY_RESULT_XML_INVALID_UTF8"


def test_character_references_and_bom_are_accepted():
    assert wxpay.parse_xml(b"\xef\xbb\xbf<xml><a>&#x1F600;&#65;</a></xml>") == {"a": "😀A"}


def test_unencodable_str_document_is_refused_before_the_library():
    with pytest.raises(InvalidInput, match="xml is not encodable as UTF-8"):
        wxpay.parse_xml("<xml><a>\udc80</a></xml>")


def test_numbered_fields_as_lists_per_the_shared_vectors():
    import json
    from pathlib import Path

    groups = json.loads((Path(__file__).resolve().parents[3] / "tests" / "vectors" / "indexed.json").read_text())
    checked = 0
    for group in groups:
        fields = dict(group["fields"])
        for case in group["cases"]:
            if "values" in case:
                assert wxpay.indexed(fields, case["index"]) == case["values"], case["index"]
            else:
                with pytest.raises(InvalidInput) as e:
                    wxpay.indexed(fields, case["index"])
                assert case["error"] in str(e.value), case["index"]
            checked += 1
    assert checked == 12
    with pytest.raises(InvalidInput):
        wxpay.indexed(fields, None)
    # Non-ASCII digits are no field number: not this list's.
    assert wxpay.indexed({"a_\u0661": "x"}, "a") == []
