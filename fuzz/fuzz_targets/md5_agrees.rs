//! The library's MD5 agrees with the md-5 crate on any input, however it is
//! cut between `update` calls.
#![no_main]

use libfuzzer_sys::fuzz_target;
use md5_crate::Digest as _;
use wxpay::md5::Md5;

fuzz_target!(|input: (Vec<u16>, &[u8])| {
    let (cuts, data) = input;
    let mut hash = Md5::new();
    let mut at = 0;
    for cut in cuts {
        let end = (at + usize::from(cut) % 300).min(data.len());
        hash.update(&data[at..end]);
        at = end;
    }
    hash.update(&data[at..]);
    let expected: [u8; 16] = md5_crate::Md5::digest(data).into();
    assert_eq!(hash.finalize(), expected);
});
