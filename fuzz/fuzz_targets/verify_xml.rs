//! Any document: `verify_xml` answers without panicking, and what it
//! accepts, `verify` over the same fields accepts too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxpay::sign::{self, ApiKey};
use wxpay::xml;

fuzz_target!(|doc: &[u8]| {
    let key = ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").expect("a valid key");
    if let Ok((fields, used)) = sign::verify_xml(doc, xml::DEFAULT_MAX_SIZE, &key, None) {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        assert_eq!(sign::verify(&pairs, &key, None).expect("verify agrees"), used);
    }
});
