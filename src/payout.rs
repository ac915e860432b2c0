//! Payouts to a bank card (`mmpaysptrans/pay_bank`): the card number and the
//! holder's name travel encrypted with WeChat's RSA public key, which
//! `risk/getpublickey` hands out (PKCS#1 PEM), under RSA-OAEP with SHA-1 and
//! MGF1-SHA-1 (Java's `RSA/ECB/OAEPWITHSHA-1ANDMGF1PADDING`), base64.

use base64::Engine;
use openssl::pkey::Public;
use openssl::rsa::{Padding, Rsa};

use crate::error::{Error, ErrorKind, Result};

/// WeChat's payout public key, parsed once.
pub struct PublicKey(Rsa<Public>);

impl PublicKey {
    /// Reads `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1, what
    /// `risk/getpublickey` returns) or `-----BEGIN PUBLIC KEY-----` (SPKI).
    pub fn from_pem(pem: &[u8]) -> Result<PublicKey> {
        Rsa::public_key_from_pem_pkcs1(pem)
            .or_else(|_| Rsa::public_key_from_pem(pem))
            .map(PublicKey)
            .map_err(|_| {
                Error::new(ErrorKind::InvalidArgument, "the payout public key is not an RSA public key in PEM")
            })
    }

    /// Encrypts `text` (a card number or a name, UTF-8) for `enc_bank_no` /
    /// `enc_true_name`. Each call gives a different ciphertext (OAEP is
    /// randomized); WeChat decrypts them all. The text is never quoted in
    /// errors.
    pub fn encrypt(&self, text: &str) -> Result<String> {
        // OAEP with SHA-1 leaves the modulus size less 42 bytes for the message.
        let room = (self.0.size() as usize).saturating_sub(42);
        if text.is_empty() || text.len() > room {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("a payout field must be 1 to {room} bytes to encrypt under this key, not {}", text.len()),
            ));
        }
        let mut out = vec![0; self.0.size() as usize];
        let n = self
            .0
            .public_encrypt(text.as_bytes(), &mut out, Padding::PKCS1_OAEP)
            .map_err(|_| Error::new(ErrorKind::InvalidArgument, "RSA-OAEP encryption failed under this key"))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(&out[..n]))
    }
}

#[cfg(test)]
mod tests;
