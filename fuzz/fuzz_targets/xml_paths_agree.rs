//! The fast path for WeChat-shaped documents and the full parser agree.
//!
//! A comment before the root sends a document down the full parser, so
//! `parse(doc)` (fast path when the shape fits) and `parse(comment + doc)`
//! (always the full parser) must give the same fields, or both fail.
//! Documents that open with an XML declaration or a byte order mark are
//! left out: a comment may not come before those.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxpay::xml;

fuzz_target!(|doc: &[u8]| {
    let direct = xml::parse(doc);
    if doc.starts_with(b"<?") || doc.starts_with(b"\xEF\xBB\xBF") {
        return;
    }
    let mut commented = b"<!-- c -->".to_vec();
    commented.extend_from_slice(doc);
    let full = xml::parse(&commented);
    match (direct, full) {
        (Ok(a), Ok(b)) => assert_eq!(a.into_vec(), b.into_vec()),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("paths disagree: {a:?} vs {b:?}"),
    }
});
