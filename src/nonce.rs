//! `nonce_str`: 32 characters from the operating system's secure random source.

use crate::error::{Error, ErrorKind, Result};

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The length of every nonce this library makes (WeChat's maximum).
pub const NONCE_LEN: usize = 32;

/// A fresh nonce of [`NONCE_LEN`] letters and digits, uniformly distributed.
pub fn nonce() -> Result<String> {
    let mut out = String::with_capacity(NONCE_LEN);
    let mut pool = [0u8; 64];
    while out.len() < NONCE_LEN {
        getrandom::fill(&mut pool)
            .map_err(|e| Error::new(ErrorKind::Random, format!("the OS random source failed: {e}")))?;
        // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
        for &b in pool.iter().filter(|&&b| b < 248) {
            if out.len() == NONCE_LEN {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(b % 62)]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_32_alphanumerics_and_differ() {
        let a = nonce().unwrap();
        let b = nonce().unwrap();
        assert_eq!(a.len(), NONCE_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn every_character_of_the_alphabet_shows_up() {
        let mut seen = [false; 128];
        for _ in 0..200 {
            for c in nonce().unwrap().bytes() {
                seen[usize::from(c)] = true;
            }
        }
        assert!(ALPHABET.iter().all(|&c| seen[usize::from(c)]));
    }
}
