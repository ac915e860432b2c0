//! MD5 (RFC 1321), scheduled for the signature's critical path.
//!
//! MD5 is a chain of 64 dependent steps per block, so its speed is the
//! latency of one step: `a = b + rotl(a + f(b, c, d) + m + k, s)`. Only the
//! part of a step that needs the new `b` has to wait for the step before.
//! The `md-5` crate writes each step as one expression, and LLVM
//! reassociates it so that the message word and the constant are added
//! after `f(b, c, d)`: about 5.7 cycles a step where 4.5 are enough. Here
//! every part that does not depend on `b` (`a + m + k`, and the terms of `f`
//! that only read `c` and `d`) is computed first and hidden from the
//! optimizer behind an empty `asm!`, which keeps the order as written. On
//! the 502-byte string of the PHP binding's signing benchmark this is about
//! 640 ns against md-5's 800 and PHP's `md5()` at 740 (3.6 GHz AMD EPYC;
//! `md5_wxpay_hash` in benches/sign.rs measures it beside md-5).
//!
//! The output is checked against `md-5` in the tests, for every length
//! and every way of splitting the input between `update` calls.

use zeroize::Zeroize;

/// A running MD5. The buffered input and the chaining state are wiped on
/// drop: the signature's input ends with the API key.
#[derive(Clone)]
pub struct Md5 {
    state: [u32; 4],
    /// Bytes of an unfinished block, `buffered` of them.
    block: [u8; 64],
    buffered: usize,
    /// Bytes hashed so far, including the buffered ones.
    length: u64,
}

impl Md5 {
    const INITIAL: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

    pub fn new() -> Md5 {
        Md5 {
            state: Md5::INITIAL,
            block: [0; 64],
            buffered: 0,
            length: 0,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let take = data.len().min(64 - self.buffered);
            self.block[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < 64 {
                return;
            }
            compress(&mut self.state, std::slice::from_ref(&self.block));
            self.buffered = 0;
        }
        let (blocks, rest) = data.as_chunks::<64>();
        compress(&mut self.state, blocks);
        self.block[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    pub fn finalize(mut self) -> [u8; 16] {
        let bits = self.length.wrapping_mul(8);
        let used = self.buffered;
        self.block[used] = 0x80;
        self.block[used + 1..].fill(0);
        if used >= 56 {
            compress(&mut self.state, std::slice::from_ref(&self.block));
            self.block.fill(0);
        }
        self.block[56..].copy_from_slice(&bits.to_le_bytes());
        compress(&mut self.state, std::slice::from_ref(&self.block));
        let mut out = [0u8; 16];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// The digest of `data`.
    pub fn digest(data: &[u8]) -> [u8; 16] {
        let mut hash = Md5::new();
        hash.update(data);
        hash.finalize()
    }
}

impl Default for Md5 {
    fn default() -> Md5 {
        Md5::new()
    }
}

impl std::fmt::Debug for Md5 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Md5 { .. }")
    }
}

impl digest::Update for Md5 {
    fn update(&mut self, data: &[u8]) {
        Md5::update(self, data);
    }
}

impl Drop for Md5 {
    fn drop(&mut self) {
        self.state.zeroize();
        self.block.zeroize();
    }
}

/// `x`, which the optimizer may no longer take apart: the sums computed
/// before it stay as written.
#[inline(always)]
fn settled(x: u32) -> u32 {
    #[cfg(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64"))]
    {
        let mut x = x;
        // SAFETY: an empty template: no instruction, no memory, no flags.
        unsafe {
            std::arch::asm!("/* {0:e} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags));
        }
        x
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")))]
    {
        std::hint::black_box(x)
    }
}

const K: [u32; 64] = [
    0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
    0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
    0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
    0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
    0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
    0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
    0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
    0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
];

/// One step of each round. `t` is everything that does not wait for `b`;
/// what is left after it is the step's critical path.
macro_rules! step {
    // f = (b & c) | (!b & d), written d ^ (b & (c ^ d)): and, xor, add.
    (F, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $k:expr, $s:expr) => {
        let t = settled($a.wrapping_add($m).wrapping_add($k));
        let cd = settled($c ^ $d);
        $a = t.wrapping_add($d ^ ($b & cd)).rotate_left($s).wrapping_add($b);
    };
    // g = (b & d) | (c & !d): the two halves never overlap, so the
    // or is an addition and the half without b joins t.
    (G, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $k:expr, $s:expr) => {
        let t = settled($a.wrapping_add($m).wrapping_add($k).wrapping_add($c & !$d));
        $a = t.wrapping_add($b & $d).rotate_left($s).wrapping_add($b);
    };
    // h = b ^ c ^ d, with c ^ d first.
    (H, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $k:expr, $s:expr) => {
        let t = settled($a.wrapping_add($m).wrapping_add($k));
        let cd = settled($c ^ $d);
        $a = t.wrapping_add($b ^ cd).rotate_left($s).wrapping_add($b);
    };
    // i = c ^ (b | !d), with !d first.
    (I, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $k:expr, $s:expr) => {
        let t = settled($a.wrapping_add($m).wrapping_add($k));
        let not_d = settled(!$d);
        $a = t.wrapping_add($c ^ ($b | not_d)).rotate_left($s).wrapping_add($b);
    };
}

/// Sixteen steps: the message word of each (`order`), the constants from
/// `K[first..]`, and the round's four rotations.
macro_rules! round {
    ($f:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:ident, $order:expr, $first:expr, $r:expr) => {
        let order: [usize; 16] = $order;
        let r: [u32; 4] = $r;
        let mut i = 0;
        while i < 16 {
            step!($f, $a, $b, $c, $d, $m.word(order[i]), K[$first + i], r[0]);
            step!($f, $d, $a, $b, $c, $m.word(order[i + 1]), K[$first + i + 1], r[1]);
            step!($f, $c, $d, $a, $b, $m.word(order[i + 2]), K[$first + i + 2], r[2]);
            step!($f, $b, $c, $d, $a, $m.word(order[i + 3]), K[$first + i + 3], r[3]);
            i += 4;
        }
    };
}

/// A block's sixteen little-endian words.
struct Words<'a>(&'a [[u8; 4]]);

impl Words<'_> {
    #[inline(always)]
    fn word(&self, i: usize) -> u32 {
        u32::from_le_bytes(self.0[i])
    }
}

fn compress(state: &mut [u32; 4], blocks: &[[u8; 64]]) {
    let [mut a, mut b, mut c, mut d] = *state;
    for block in blocks {
        // Words are read from the block where each step needs them: a copy
        // on the stack would hold the key's bytes and need wiping too.
        let m = Words(block.as_chunks::<4>().0);
        let (a0, b0, c0, d0) = (a, b, c, d);
        round!(F, a, b, c, d, m, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 0, [7, 12, 17, 22]);
        round!(G, a, b, c, d, m, [1, 6, 11, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12], 16, [5, 9, 14, 20]);
        round!(H, a, b, c, d, m, [5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2], 32, [4, 11, 16, 23]);
        round!(I, a, b, c, d, m, [0, 7, 14, 5, 12, 3, 10, 1, 8, 15, 6, 13, 4, 11, 2, 9], 48, [6, 10, 15, 21]);
        a = a.wrapping_add(a0);
        b = b.wrapping_add(b0);
        c = c.wrapping_add(c0);
        d = d.wrapping_add(d0);
    }
    *state = [a, b, c, d];
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5_crate::Digest as _;
    use proptest::prelude::*;

    fn reference(data: &[u8]) -> [u8; 16] {
        md5_crate::Md5::digest(data).into()
    }

    fn hex(digest: [u8; 16]) -> String {
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_1321_test_suite() {
        let cases = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(hex(Md5::digest(input.as_bytes())), expected, "{input:?}");
        }
    }

    #[test]
    fn every_length_and_every_split_agree_with_md5_crate() {
        let data: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(151) >> 3) as u8).collect();
        for len in 0..=data.len() {
            let input = &data[..len];
            let expected = reference(input);
            assert_eq!(Md5::digest(input), expected, "length {len}");
            for cut in (0..=len).step_by(if len > 140 { 7 } else { 1 }) {
                let mut hash = Md5::new();
                hash.update(&input[..cut]);
                hash.update(&[]);
                hash.update(&input[cut..]);
                assert_eq!(hash.finalize(), expected, "length {len}, cut at {cut}");
            }
        }
    }

    proptest! {
        #[test]
        fn any_input_in_any_pieces_agrees_with_md5_crate(
            pieces in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..8),
        ) {
            let mut hash = Md5::new();
            let mut whole = Vec::new();
            for piece in &pieces {
                hash.update(piece);
                whole.extend_from_slice(piece);
            }
            prop_assert_eq!(hash.finalize(), reference(&whole));
        }
    }

    #[test]
    fn a_clone_continues_independently() {
        let mut hash = Md5::new();
        hash.update(b"appid=wx");
        let mut other = hash.clone();
        hash.update(b"1");
        other.update(b"2");
        assert_eq!(hash.finalize(), reference(b"appid=wx1"));
        assert_eq!(other.finalize(), reference(b"appid=wx2"));
    }

    #[test]
    fn debug_output_shows_no_state() {
        let mut hash = Md5::new();
        hash.update(b"key=192006250b4c09247ec02edce69f6a2d");
        assert_eq!(format!("{hash:?}"), "Md5 { .. }");
    }
}
