//! The canonical string `k1=v1&k2=v2...&key=KEY`, streamed into a hash
//! through a small stack buffer.
//!
//! Hashing each piece with its own `update` call costs more than copying
//! it; building the whole string costs a length pass and, for long
//! messages, an allocation. A buffer of a few blocks does neither: it is
//! handed to the hash whenever it fills, always in whole blocks.

use digest::Update;
use zeroize::Zeroize;

/// A multiple of the 64-byte block of MD5 and SHA-256.
const BUFFER: usize = 256;

/// Room past the buffer for one fixed-size store (see `field_within`).
const SLACK: usize = 32;

pub(super) struct Canonical<'h, H: Update> {
    hash: &'h mut H,
    buf: [u8; BUFFER + SLACK],
    /// Below `BUFFER` between calls: a full buffer is flushed at once.
    len: usize,
}

impl<'h, H: Update> Canonical<'h, H> {
    pub(super) fn new(hash: &'h mut H) -> Self {
        Canonical {
            hash,
            buf: [0; BUFFER + SLACK],
            len: 0,
        }
    }

    /// Appends `name=value&` where name is a span of `names` and value a
    /// span of `values` (the same buffer or two).
    ///
    /// Each piece is moved up to 32 bytes at a time, including whatever
    /// follows it in its buffer: the next write overwrites the excess. One
    /// fixed-size move is cheaper than choosing how to move a piece of any
    /// length.
    #[inline]
    pub(super) fn field_within(
        &mut self,
        names: &[u8],
        name: (usize, usize),
        values: &[u8],
        value: (usize, usize),
    ) {
        self.put_within(names, name);
        self.put_byte(b'=');
        self.put_within(values, value);
        self.put_byte(b'&');
    }

    #[inline(always)]
    fn put_within(&mut self, doc: &[u8], (at, end): (usize, usize)) {
        let n = end - at;
        if n <= SLACK
            && let Some(chunk) = doc.get(at..at + SLACK)
        {
            self.buf[self.len..self.len + SLACK].copy_from_slice(chunk);
            self.len += n;
            if self.len >= BUFFER {
                self.flush_overflow();
            }
        } else {
            self.put_within_long(doc, (at, end));
        }
    }

    /// `put_within` for long pieces, pieces that reach the end of the
    /// buffer or of the document.
    #[inline(never)]
    fn put_within_long(&mut self, doc: &[u8], (mut at, end): (usize, usize)) {
        while at < end {
            let n = (end - at).min(SLACK);
            match doc.get(at..at + SLACK) {
                Some(chunk) => self.buf[self.len..self.len + SLACK].copy_from_slice(chunk),
                None => copy(&mut self.buf[self.len..self.len + n], &doc[at..at + n]),
            }
            self.len += n;
            at += n;
            if self.len >= BUFFER {
                self.flush_overflow();
            }
        }
    }

    /// Hands the full buffer to the hash and moves what overflowed it into
    /// the slack to the front.
    #[inline(never)]
    fn flush_overflow(&mut self) {
        self.hash.update(&self.buf[..BUFFER]);
        self.buf.copy_within(BUFFER..self.len, 0);
        self.len -= BUFFER;
    }

    /// Appends `name=value&`.
    pub(super) fn field(&mut self, name: &[u8], value: &[u8]) {
        self.put(name);
        self.put_byte(b'=');
        self.put(value);
        self.put_byte(b'&');
    }

    /// Appends `key=KEY`, hands the rest to the hash and wipes the buffer,
    /// which held the key.
    pub(super) fn finish(&mut self, key: &[u8]) {
        self.put(b"key=");
        self.put(key);
        self.hash.update(&self.buf[..self.len]);
        // The key is the last thing written: it sits at the end of what the
        // buffer holds or, if a flush cut it, there and at the buffer's end.
        // No other secret passes through the buffer.
        let n = key.len().min(BUFFER);
        if self.len >= n {
            self.buf[self.len - n..self.len].zeroize();
        } else {
            self.buf[..self.len].zeroize();
            self.buf[BUFFER - (n - self.len)..BUFFER].zeroize();
        }
    }

    #[inline(always)]
    fn put_byte(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
        if self.len == BUFFER {
            self.flush();
        }
    }

    /// Keeps `len < BUFFER` between calls: a full buffer is flushed at once.
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if end < BUFFER {
            copy(&mut self.buf[self.len..end], bytes);
            self.len = end;
        } else {
            self.put_across(bytes);
        }
    }

    /// `put` for bytes that fill the buffer.
    #[cold]
    fn put_across(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let n = bytes.len().min(BUFFER - self.len);
            copy(&mut self.buf[self.len..self.len + n], &bytes[..n]);
            self.len += n;
            bytes = &bytes[n..];
            if self.len == BUFFER {
                self.flush();
            }
        }
    }

    #[inline(never)]
    fn flush(&mut self) {
        self.hash.update(&self.buf[..BUFFER]);
        self.len = 0;
    }
}

/// `dst.copy_from_slice(src)` for slices of equal length, with the short
/// lengths that field names and values usually have done by two
/// overlapping fixed-size moves instead of a `memcpy` call.
fn copy(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..].copy_from_slice(&src[n - 4..]);
        }
        8..=16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..].copy_from_slice(&src[n - 8..]);
        }
        17..=32 => {
            dst[..16].copy_from_slice(&src[..16]);
            dst[n - 16..].copy_from_slice(&src[n - 16..]);
        }
        _ => dst.copy_from_slice(src),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects what the hash is given.
    #[derive(Default)]
    struct Record(Vec<u8>, Vec<usize>);

    impl Update for Record {
        fn update(&mut self, data: &[u8]) {
            self.0.extend_from_slice(data);
            self.1.push(data.len());
        }
    }

    #[test]
    fn the_key_is_wiped_wherever_a_flush_cut_it() {
        // Fill the buffer to every position before the key, so that the key
        // lands whole, at the end, or split across a flush.
        let key = [b'K'; 32];
        for before in 200..BUFFER + 40 {
            let mut record = Record::default();
            let mut c = Canonical::new(&mut record);
            c.field(&vec![b'n'; before - 2], b"");
            c.finish(&key);
            assert!(
                !c.buf.windows(1).any(|w| w[0] == b'K'),
                "key bytes left with {before} bytes before it"
            );
        }
    }

    #[test]
    fn copy_is_exact_for_every_length() {
        let src: Vec<u8> = (0..80u8).collect();
        for n in 0..=src.len() {
            let mut dst = vec![0xAAu8; n + 2];
            copy(&mut dst[1..n + 1], &src[..n]);
            assert_eq!(&dst[1..n + 1], &src[..n], "length {n}");
            assert_eq!(
                (dst[0], dst[n + 1]),
                (0xAA, 0xAA),
                "length {n} wrote outside"
            );
        }
    }

    #[test]
    fn fields_within_a_document_give_the_same_string() {
        let long = "v".repeat(300);
        let doc = format!("<a>1</a><long>{long}</long><z>末</z><n>0123456789abcdefghij</n>");
        let span = |s: &str| {
            let start = doc.find(s).unwrap();
            (start, start + s.len())
        };
        let fields = [
            ("a", "1"),
            ("long", long.as_str()),
            ("z", "末"),
            ("n", "0123456789abcdefghij"),
        ];
        for cut in [doc.len(), doc.len() - 4] {
            // Fields near the end of the document (no sixteen bytes left) too.
            let doc = &doc.as_bytes()[..cut];
            let (mut within, mut plain) = (Record::default(), Record::default());
            let mut a = Canonical::new(&mut within);
            let mut b = Canonical::new(&mut plain);
            for (k, v) in fields {
                if span(v).1 <= cut {
                    a.field_within(doc, span(k), doc, span(v));
                    b.field(k.as_bytes(), v.as_bytes());
                }
            }
            a.finish(b"KEY");
            b.finish(b"KEY");
            assert_eq!(
                String::from_utf8(within.0).unwrap(),
                String::from_utf8(plain.0).unwrap()
            );
            assert!(
                within
                    .1
                    .split_last()
                    .unwrap()
                    .1
                    .iter()
                    .all(|&n| n == BUFFER)
            );
        }
    }

    #[test]
    fn the_hash_sees_the_exact_string_in_whole_buffers() {
        let mut record = Record::default();
        let mut c = Canonical::new(&mut record);
        let long = "v".repeat(700);
        let fields = [("a", "1"), ("long", long.as_str()), ("z", "末")];
        for (k, v) in fields {
            c.field(k.as_bytes(), v.as_bytes());
        }
        c.finish(b"KEY");
        assert_eq!(
            record.0,
            format!("a=1&long={long}&z=末&key=KEY").into_bytes()
        );
        let (last, whole) = record.1.split_last().unwrap();
        assert!(whole.iter().all(|&n| n == BUFFER), "{:?}", record.1);
        assert!(*last <= BUFFER);
    }
}
