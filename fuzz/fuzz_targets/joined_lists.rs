//! Fields given as two joined lists sign exactly as the same fields given
//! as pairs, and bad lists are errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxpay::sign::{self, ApiKey, Joined, SignType};

fuzz_target!(|input: (u8, u8, &str, &str)| {
    let (count, hmac, names, values) = input;
    let key = ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").expect("a valid key");
    let t = if hmac & 1 == 1 { SignType::HmacSha256 } else { SignType::Md5 };
    let Ok(joined) = Joined::split(names, values, usize::from(count)) else { return };
    let pairs: Vec<(&str, &str)> = joined.pairs().collect();
    assert_eq!(pairs.len(), usize::from(count));
    match (sign::sign_joined(&joined, &key, Some(t)), sign::sign(&pairs, &key, Some(t))) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind()),
        (a, b) => panic!("joined {a:?} vs pairs {b:?}"),
    }
});
