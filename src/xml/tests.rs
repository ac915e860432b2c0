use proptest::prelude::*;

use super::*;

fn kind(doc: &str) -> ErrorKind {
    parse(doc.as_bytes()).unwrap_err().kind()
}

#[test]
fn parses_text_cdata_and_entities_in_order() {
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml>\n  <return_code><![CDATA[SUCCESS]]></return_code>\n  \
               <total_fee>1</total_fee>\n  <body>a &amp; b &lt;c&gt; &#x4E2D;&#25991;</body><!-- note -->\n  <empty/><blank></blank>\n</xml>\n";
    let f = parse(doc.as_bytes()).unwrap();
    let got: Vec<_> = f.iter().collect();
    assert_eq!(
        got,
        vec![("return_code", "SUCCESS"), ("total_fee", "1"), ("body", "a & b <c> 中文"), ("empty", ""), ("blank", "")]
    );
}

#[test]
fn mixed_cdata_and_text_concatenate() {
    let f = parse(b"<xml><a>x<![CDATA[<y>]]>z</a></xml>").unwrap();
    assert_eq!(f.get("a"), Some("x<y>z"));
}

#[test]
fn raw_carriage_returns_are_read_as_line_feeds() {
    let f = parse(b"<xml><a>x\r\ny\rz</a><b><![CDATA[1\r\n2]]></b><c>3\n4</c></xml>").unwrap();
    assert_eq!(f.iter().collect::<Vec<_>>(), vec![("a", "x\ny\nz"), ("b", "1\n2"), ("c", "3\n4")]);
    // A character reference is how a document keeps one.
    assert_eq!(parse(b"<xml><a>x&#13;y</a></xml>").unwrap().get("a"), Some("x\ry"));
}

#[test]
fn names_may_be_followed_by_whitespace_and_need_not_be_ascii() {
    let f = parse("<xml><a >1</a ><字段\t>2</字段></xml>".as_bytes()).unwrap();
    assert_eq!(f.iter().collect::<Vec<_>>(), vec![("a", "1"), ("字段", "2")]);
}

#[test]
fn a_utf8_bom_is_accepted() {
    assert_eq!(parse(b"\xEF\xBB\xBF<xml><a>1</a></xml>").unwrap().get("a"), Some("1"));
}

#[test]
fn doctype_and_entity_declarations_are_refused() {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>"#;
    assert_eq!(kind(xxe), ErrorKind::XmlDoctype);
    let laughs = r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><a>&lol2;</a></xml>"#;
    assert_eq!(kind(laughs), ErrorKind::XmlDoctype);
}

#[test]
fn undefined_entities_are_refused() {
    assert_eq!(kind("<xml><a>&xxe;</a></xml>"), ErrorKind::XmlEntity);
}

#[test]
fn structure_errors_have_their_own_kinds() {
    assert_eq!(kind("<root><a>1</a></root>"), ErrorKind::XmlRoot);
    assert_eq!(kind("<xml><a><b>1</b></a></xml>"), ErrorKind::XmlNested);
    assert_eq!(kind("<xml><a>1</a><a>2</a></xml>"), ErrorKind::XmlDuplicate);
    assert_eq!(kind("<xml><a>1</a>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml><a>1</b></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind(""), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml></xml><xml></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml>stray<a>1</a></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml><a x=\"1\">1</a></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<?php echo 1; ?><xml></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml><a>&#1;</a></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml><a>\u{1}</a></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml><a\u{0}>1</a\u{0}></xml>"), ErrorKind::XmlMalformed);
    assert_eq!(kind("<xml><a\u{1}b>1</a\u{1}b></xml>"), ErrorKind::XmlMalformed);
}

#[test]
fn values_with_characters_xml_refuses() {
    for bad in ["\u{1f}", "ok\u{0b}", "\u{FFFE}", "x\u{FFFF}y", "<![CDATA[\u{FFFF}]]>", "&#xFFFE;"] {
        assert_eq!(kind(&format!("<xml><a>{bad}</a></xml>")), ErrorKind::XmlMalformed, "{bad:?}");
    }
    // Other characters encoded from a 0xEF byte, and tab, LF, CR, are allowed.
    for good in ["\u{FFFD}", "\u{F000}", "\u{FF01}全角", "a\tb\nc"] {
        let doc = format!("<xml><a>{good}</a></xml>");
        assert_eq!(parse(doc.as_bytes()).unwrap().get("a"), Some(good), "{good:?}");
    }
}

#[test]
fn encoding_must_be_utf8() {
    assert_eq!(parse(b"<xml><a>\xff</a></xml>").unwrap_err().kind(), ErrorKind::XmlInvalidUtf8);
    assert_eq!(kind("<?xml version=\"1.0\" encoding=\"GBK\"?><xml/>"), ErrorKind::XmlInvalidUtf8);
}

#[test]
fn at_most_max_fields_fields_are_accepted() {
    let body = |n: usize| {
        let fields: Vec<(String, String)> = (0..n).map(|i| (format!("f{i}"), "v".to_owned())).collect();
        build(&fields).unwrap()
    };
    assert_eq!(parse(body(MAX_FIELDS).as_bytes()).unwrap().len(), MAX_FIELDS);
    let e = parse(body(MAX_FIELDS + 1).as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::XmlTooManyFields);
    assert!(e.message().contains("1024"), "{}", e.message());
    // Verification parses with the same limit, before any signature work.
    let key = crate::sign::ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").unwrap();
    let e = crate::sign::verify_xml(body(MAX_FIELDS + 1).as_bytes(), DEFAULT_MAX_SIZE, &key, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::XmlTooManyFields);
}

#[test]
fn size_limit_is_checked_and_configurable() {
    let doc = format!("<xml><a>{}</a></xml>", "x".repeat(2000));
    assert_eq!(parse_with_limit(doc.as_bytes(), 1000).unwrap_err().kind(), ErrorKind::XmlTooLarge);
    assert!(parse_with_limit(doc.as_bytes(), doc.len()).is_ok());
    let big = vec![b' '; DEFAULT_MAX_SIZE + 1];
    assert_eq!(parse(&big).unwrap_err().kind(), ErrorKind::XmlTooLarge);
}

#[test]
fn build_writes_cdata_and_survives_cdata_terminators() {
    let fields = [("a", "1"), ("b", "x]]>y"), ("c", "")];
    let doc = build(&fields).unwrap();
    assert_eq!(doc, "<xml><a><![CDATA[1]]></a><b><![CDATA[x]]]]><![CDATA[>y]]></b><c><![CDATA[]]></c></xml>");
    let back = parse(doc.as_bytes()).unwrap();
    assert_eq!(back.iter().collect::<Vec<_>>(), fields.to_vec());
}

#[test]
fn build_refuses_bad_names_values_and_duplicates() {
    assert_eq!(build(&[("a b", "1")]).unwrap_err().kind(), ErrorKind::InvalidFieldName);
    assert_eq!(build(&[("", "1")]).unwrap_err().kind(), ErrorKind::InvalidFieldName);
    assert_eq!(build(&[("1a", "1")]).unwrap_err().kind(), ErrorKind::InvalidFieldName);
    assert_eq!(build(&[("a", "\u{0}")]).unwrap_err().kind(), ErrorKind::InvalidFieldValue);
    assert_eq!(build(&[("a", "1"), ("a", "2")]).unwrap_err().kind(), ErrorKind::DuplicateField);
}

fn xml_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("]]>".to_string()),
            Just("<".to_string()),
            Just("&".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            "[\\t\\n -~]{0,8}",
            "\\PC{0,8}",
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn parse_of_build_is_identity(map in prop::collection::btree_map("[A-Za-z_][A-Za-z0-9_.-]{0,16}", xml_text(), 0..16)) {
        let fields: Vec<(String, String)> = map.into_iter().filter(|(k, _)| k != "xml").collect();
        let doc = build(&fields).unwrap();
        let back = parse(doc.as_bytes()).unwrap();
        prop_assert_eq!(back.into_vec(), fields);
    }

    #[test]
    fn arbitrary_bytes_never_panic(doc in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse(&doc);
    }

    #[test]
    fn arbitrary_xmlish_text_never_panics(doc in "[<>/!?&;#a-z\\[\\]CDATA \"=x]{0,120}") {
        let _ = parse(doc.as_bytes());
    }
}

#[test]
fn every_truncation_of_a_document_is_an_error() {
    let long = "x".repeat(70);
    let fields = [("a", "1"), ("long_name_of_twelve", long.as_str()), ("b", "]]"), ("c", "中文")];
    let doc = build(&fields).unwrap();
    let plain_text = doc.replace("<![CDATA[", "").replace("]]></", "</").replace("]]", "");
    for doc in [doc, plain_text] {
        assert!(parse(doc.as_bytes()).is_ok(), "{doc}");
        for end in 0..doc.len() {
            assert!(parse(&doc.as_bytes()[..end]).is_err(), "{}", String::from_utf8_lossy(&doc.as_bytes()[..end]));
        }
    }
}

const HB: Records = Records { list: "hblist", item: "hbinfo" };

#[test]
fn records_come_out_as_numbered_fields() {
    let doc = "<xml><return_code><![CDATA[SUCCESS]]></return_code><status>RECEIVED</status>\n<hblist>\n\
               <hbinfo><openid><![CDATA[o1]]></openid><amount>100</amount><rcv_time>2015-04-21 20:00:00</rcv_time></hbinfo>\n\
               <hbinfo><openid>o2</openid><amount>200</amount><rcv_time/></hbinfo>\n\
               </hblist><total_num>2</total_num></xml>";
    let f = parse_records(doc.as_bytes(), DEFAULT_MAX_SIZE, HB).unwrap();
    let got: Vec<(&str, &str)> = f.iter().collect();
    assert_eq!(
        got,
        [
            ("return_code", "SUCCESS"),
            ("status", "RECEIVED"),
            ("openid_0", "o1"),
            ("amount_0", "100"),
            ("rcv_time_0", "2015-04-21 20:00:00"),
            ("openid_1", "o2"),
            ("amount_1", "200"),
            ("rcv_time_1", ""),
            ("total_num", "2"),
        ]
    );
    // An empty list, and an empty record, add nothing.
    let f = parse_records(b"<xml><a>1</a><hblist/></xml>", DEFAULT_MAX_SIZE, HB).unwrap();
    assert_eq!(f.len(), 1);
    let f = parse_records(b"<xml><hblist><hbinfo/><hbinfo><amount>5</amount></hbinfo></hblist></xml>", DEFAULT_MAX_SIZE, HB).unwrap();
    assert_eq!(f.get("amount_1"), Some("5"));
}

#[test]
fn records_allow_no_other_nesting() {
    for (doc, what) in [
        ("<xml><hblist><other><a>1</a></other></hblist></xml>", "a list holding something other than records"),
        ("<xml><hblist><hbinfo><amount><x>1</x></amount></hbinfo></hblist></xml>", "a record's field holding an element"),
        ("<xml><hbinfo><amount>1</amount></hbinfo></xml>", "a record outside the list"),
        ("<xml><detail><hblist><hbinfo/></hblist></detail></xml>", "the list inside another field"),
    ] {
        let e = parse_records(doc.as_bytes(), DEFAULT_MAX_SIZE, HB).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::XmlNested, "{what}: {e}");
    }
    // Without the endpoint's records, the same list is refused as any nesting is.
    let doc = b"<xml><hblist><hbinfo><amount>1</amount></hbinfo></hblist></xml>";
    assert_eq!(parse(doc).unwrap_err().kind(), ErrorKind::XmlNested);
    assert!(parse_records(doc, DEFAULT_MAX_SIZE, HB).is_ok());
}

#[test]
fn numbered_record_fields_obey_the_duplicate_and_field_limits() {
    let doc = b"<xml><amount_0>9</amount_0><hblist><hbinfo><amount>1</amount></hbinfo></hblist></xml>";
    assert_eq!(parse_records(doc, DEFAULT_MAX_SIZE, HB).unwrap_err().kind(), ErrorKind::XmlDuplicate);
    let doc = b"<xml><a>1</a><hblist><hbinfo><amount>1</amount><openid>o</openid></hbinfo></hblist></xml>";
    let limits = Limits { max_size: DEFAULT_MAX_SIZE, max_fields: 2 };
    assert_eq!(parse_records(doc, limits, HB).unwrap_err().kind(), ErrorKind::XmlTooManyFields);
}
