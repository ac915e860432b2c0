//! Sixteen bytes, each tested at once: the searches and checks of the XML
//! fast path and of field-list splitting without a loop per byte.
//!
//! On x86_64 the tests are SSE2 instructions (part of the architecture's
//! baseline, so always present); elsewhere they are integer arithmetic on
//! a `u128` ("SWAR"). Both give a mask with bit `i` for byte `i`. A test
//! checks that they agree.

/// The bytes that may appear in a name: ASCII letters, digits and `_`.
/// Exact.
pub(crate) fn name_bytes(c: &[u8; 16]) -> u16 {
    imp::name_bytes(c)
}

/// The bytes that end or interrupt a CDATA value: `]`, a control
/// character, 0xEF (the lead byte of U+FFFE and U+FFFF). The lowest set bit
/// is exact; bits above it may be set falsely.
pub(crate) fn cdata_stops(c: &[u8; 16]) -> u16 {
    imp::stops(c, [b']', b']', b']'])
}

/// As `cdata_stops` for a text value, which ends at `<` or needs the full
/// parser at `&` or `>`.
pub(crate) fn text_stops(c: &[u8; 16]) -> u16 {
    imp::stops(c, [b'<', b'&', b'>'])
}

/// The sixteen bytes from `at`, if that many remain.
pub(crate) fn at(bytes: &[u8], at: usize) -> Option<&[u8; 16]> {
    bytes.get(at..at.checked_add(16)?)?.try_into().ok()
}

/// The NUL bytes. Exact.
pub(crate) fn nul_bytes(c: &[u8; 16]) -> u16 {
    imp::equal(c, &[0; 16])
}

/// The bytes where `a` and `b` are equal. Exact.
pub(crate) fn equal(a: &[u8; 16], b: &[u8; 16]) -> u16 {
    imp::equal(a, b)
}

#[cfg(target_arch = "x86_64")]
use sse2 as imp;
#[cfg(not(target_arch = "x86_64"))]
use swar as imp;

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    // SAFETY (every `unsafe` below): the function called needs SSE2, which
    // every x86_64 processor has; the target enables it by default.

    pub(crate) fn name_bytes(c: &[u8; 16]) -> u16 {
        unsafe { name_bytes_sse2(c) }
    }

    pub(crate) fn stops(c: &[u8; 16], wanted: [u8; 3]) -> u16 {
        unsafe { stops_sse2(c, wanted) }
    }

    pub(crate) fn equal(a: &[u8; 16], b: &[u8; 16]) -> u16 {
        unsafe { equal_sse2(a, b) }
    }

    #[target_feature(enable = "sse2")]
    fn vector(c: &[u8; 16]) -> __m128i {
        // SAFETY: `c` is sixteen readable bytes, and the load takes any
        // alignment.
        unsafe { _mm_loadu_si128(c.as_ptr().cast()) }
    }

    #[target_feature(enable = "sse2")]
    fn splat(b: u8) -> __m128i {
        _mm_set1_epi8(b as i8)
    }

    #[target_feature(enable = "sse2")]
    fn mask(v: __m128i) -> u16 {
        _mm_movemask_epi8(v) as u16
    }

    #[target_feature(enable = "sse2")]
    fn name_bytes_sse2(c: &[u8; 16]) -> u16 {
        let x = vector(c);
        // Signed comparisons: bytes from 0x80 up are negative, so no range
        // below takes them in.
        let between = |v: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, splat(lo - 1)),
                _mm_cmplt_epi8(v, splat(hi + 1)),
            )
        };
        let digit = between(x, b'0', b'9');
        let letter = between(_mm_or_si128(x, splat(0x20)), b'a', b'z');
        let underscore = _mm_cmpeq_epi8(x, splat(b'_'));
        mask(_mm_or_si128(_mm_or_si128(digit, letter), underscore))
    }

    #[target_feature(enable = "sse2")]
    fn stops_sse2(c: &[u8; 16], wanted: [u8; 3]) -> u16 {
        let x = vector(c);
        let control = _mm_cmpeq_epi8(_mm_min_epu8(x, splat(0x1F)), x);
        let mut hit = _mm_or_si128(control, _mm_cmpeq_epi8(x, splat(0xEF)));
        for w in wanted {
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, splat(w)));
        }
        mask(hit)
    }

    #[target_feature(enable = "sse2")]
    fn equal_sse2(a: &[u8; 16], b: &[u8; 16]) -> u16 {
        mask(_mm_cmpeq_epi8(vector(a), vector(b)))
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod swar {
    // Each test leaves 0x80 in the bytes that pass; `bits` gathers those
    // into a mask. A borrow in `has_byte`/`below` runs upwards only, so a
    // byte above a passing one may pass falsely and the lowest never does.

    const ONES: u128 = u128::MAX / 0xFF;
    const HIGHS: u128 = ONES * 0x80;

    fn word(c: &[u8; 16]) -> u128 {
        u128::from_le_bytes(*c)
    }

    fn bits(flags: u128) -> u16 {
        let gather = |half: u64| {
            ((half >> 7) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56
        };
        (gather(flags as u64) | gather((flags >> 64) as u64) << 8) as u16
    }

    fn has_byte(x: u128, b: u8) -> u128 {
        let y = x ^ (ONES * u128::from(b));
        y.wrapping_sub(ONES) & !y & HIGHS
    }

    pub(crate) fn name_bytes(c: &[u8; 16]) -> u16 {
        let x = word(c);
        let ascii = !x & HIGHS;
        let y = x & (ONES * 0x7F);
        // `y + k` sets a byte's high bit exactly when `y >= 0x80 - k`; no
        // byte can carry into the next.
        let digit = (y + ONES * (0x80 - 0x30)) & !(y + ONES * (0x7F - 0x39));
        let lower = y | (ONES * 0x20);
        let letter = (lower + ONES * (0x80 - 0x61)) & !(lower + ONES * (0x7F - 0x7A));
        let underscore = !((y ^ (ONES * 0x5F)) + ONES * 0x7F);
        bits((digit | letter | underscore) & ascii & HIGHS)
    }

    pub(crate) fn stops(c: &[u8; 16], wanted: [u8; 3]) -> u16 {
        let x = word(c);
        let below = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
        let hits = wanted
            .iter()
            .fold(below | has_byte(x, 0xEF), |acc, &w| acc | has_byte(x, w));
        bits(hits)
    }

    pub(crate) fn equal(a: &[u8; 16], b: &[u8; 16]) -> u16 {
        let d = word(a) ^ word(b);
        // Exact: a byte of `d` is zero exactly when its low seven bits add
        // nothing to 0x7F and its high bit is clear.
        bits(!(((d & (ONES * 0x7F)) + ONES * 0x7F) | d) & HIGHS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowest(mask: u16) -> Option<u32> {
        (mask != 0).then(|| mask.trailing_zeros())
    }

    fn chunks() -> Vec<[u8; 16]> {
        let mut all = Vec::new();
        for b in 0..=255u8 {
            for pos in 0..16 {
                for fill in [b'a', b'Z', b'_', b'5', 0x00, 0xFF, 0xEF, b']'] {
                    let mut c = [fill; 16];
                    c[pos] = b;
                    all.push(c);
                }
            }
        }
        all
    }

    #[test]
    fn name_bytes_is_exact() {
        for c in chunks() {
            let want = (0..16)
                .filter(|&i| c[i].is_ascii_alphanumeric() || c[i] == b'_')
                .fold(0u16, |m, i| m | 1 << i);
            assert_eq!(name_bytes(&c), want, "{c:?}");
            assert_eq!(swar::name_bytes(&c), want, "{c:?}");
        }
    }

    #[test]
    fn the_lowest_stop_is_exact() {
        let first =
            |c: &[u8; 16], stop: &dyn Fn(u8) -> bool| (0..16u32).find(|&i| stop(c[i as usize]));
        let common = |b: u8| b < 0x20 || b == 0xEF;
        for c in chunks() {
            let cdata = first(&c, &|b| common(b) || b == b']');
            let text = first(&c, &|b| common(b) || matches!(b, b'<' | b'&' | b'>'));
            assert_eq!(lowest(cdata_stops(&c)), cdata, "{c:?}");
            assert_eq!(lowest(swar::stops(&c, [b']'; 3])), cdata, "{c:?}");
            assert_eq!(lowest(text_stops(&c)), text, "{c:?}");
            assert_eq!(lowest(swar::stops(&c, [b'<', b'&', b'>'])), text, "{c:?}");
        }
    }

    #[test]
    fn equal_is_exact() {
        let base = *b"0123456789abcdef";
        for c in chunks() {
            let want = (0..16)
                .filter(|&i| c[i] == base[i])
                .fold(0u16, |m, i| m | 1 << i);
            assert_eq!(equal(&c, &base), want);
            assert_eq!(swar::equal(&c, &base), want);
        }
    }
}
