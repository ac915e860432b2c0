//! What a merchant certificate says about itself: names, serial, validity,
//! issuer kind, merchant ID, key, and whether a private key belongs to it.

use std::fmt;

use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::{X509, X509NameRef};

use super::time::{days_between, iso8601, unix_of};
use super::load::{corrupt, reason};
use crate::error::Result;

/// Issuer CN of certificates WeChat Pay issued itself.
pub const WECHATPAY_ISSUER: &str = "MmpaymchCA";
/// Issuer CN of certificates issued by the CA since 2018.
pub const CA_ISSUER: &str = "Tenpay.com Root CA";
/// WeChat starts announcing renewal this many days before expiry.
pub const RENEWAL_WINDOW_DAYS: i64 = 60;

/// Who issued a merchant certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerKind {
    /// Issued by WeChat Pay (`MmpaymchCA`): CN is the company name, serial
    /// shorter than 20 bytes.
    WechatPay,
    /// Issued by the CA (`Tenpay.com Root CA`): CN is the merchant ID,
    /// serial of 40 hex characters.
    Ca,
    /// Any other issuer (a test or private CA).
    Unknown,
}

impl IssuerKind {
    fn of(issuer_cn: &str) -> IssuerKind {
        match issuer_cn {
            WECHATPAY_ISSUER => IssuerKind::WechatPay,
            CA_ISSUER => IssuerKind::Ca,
            _ => IssuerKind::Unknown,
        }
    }

    /// `wechatpay`, `ca` or `unknown`: the form in packed fields and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerKind::WechatPay => "wechatpay",
            IssuerKind::Ca => "ca",
            IssuerKind::Unknown => "unknown",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            IssuerKind::WechatPay => "issued by WeChat Pay (MmpaymchCA)",
            IssuerKind::Ca => "issued by the CA (Tenpay.com Root CA)",
            IssuerKind::Unknown => "neither MmpaymchCA nor Tenpay.com Root CA",
        }
    }
}

/// Where a certificate stands in its validity period at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Valid for more than [`RENEWAL_WINDOW_DAYS`].
    Valid,
    /// Valid, but expires within [`RENEWAL_WINDOW_DAYS`]: renew it.
    Expiring,
    /// `not_after` has passed.
    Expired,
    /// `not_before` is still to come (a renewed certificate installed early,
    /// or a wrong clock).
    NotYetValid,
}

impl Expiry {
    /// `valid`, `expiring`, `expired`, `not_yet_valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expiry::Valid => "valid",
            Expiry::Expiring => "expiring",
            Expiry::Expired => "expired",
            Expiry::NotYetValid => "not_yet_valid",
        }
    }
}

/// The facts of one certificate (and optionally its key), in plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// The subject's common name ("" if it has none).
    pub subject_cn: String,
    /// The whole subject, e.g. `CN=1900000109, O=...`.
    pub subject: String,
    /// The issuer's common name ("" if it has none).
    pub issuer_cn: String,
    pub issuer_kind: IssuerKind,
    /// The serial number in uppercase hex of whole bytes, as
    /// `openssl x509 -serial` prints it (e.g. `0ABC`).
    pub serial_hex: String,
    /// Start and end of validity, unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// The merchant ID when the subject CN is one (8 to 10 digits).
    pub merchant_id: Option<String>,
    /// `RSA`, `EC`, `Ed25519`, ... of the certificate's public key.
    pub key_type: &'static str,
    pub key_bits: u32,
    /// Whether the private key given with the certificate belongs to it;
    /// `None` when no private key was given.
    pub key_matches: Option<bool>,
    /// SHA-256 of the DER certificate, uppercase hex with colons.
    pub sha256_fingerprint: String,
}

impl CertInfo {
    /// Reads a certificate and, if given, checks the private key against it.
    pub fn of(cert: &X509, key: Option<&PKey<Private>>) -> Result<CertInfo> {
        let public = cert
            .public_key()
            .map_err(|e| corrupt(format!("the certificate's public key cannot be read{}", reason(&e))))?;
        let subject_cn = common_name(cert.subject_name());
        let issuer_cn = common_name(cert.issuer_name());
        let serial_hex = cert
            .serial_number()
            .to_bn()
            .and_then(|b| b.to_hex_str().map(|s| s.to_string()))
            .map_err(|e| corrupt(format!("the certificate's serial number cannot be read{}", reason(&e))))?;
        let digest = cert
            .digest(MessageDigest::sha256())
            .map_err(|e| corrupt(format!("the certificate cannot be hashed{}", reason(&e))))?;
        let sha256_fingerprint = digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
        let is_merchant_id = (8..=10).contains(&subject_cn.len()) && subject_cn.bytes().all(|b| b.is_ascii_digit());
        Ok(CertInfo {
            merchant_id: is_merchant_id.then(|| subject_cn.clone()),
            issuer_kind: IssuerKind::of(&issuer_cn),
            subject: subject_line(cert.subject_name()),
            subject_cn,
            issuer_cn,
            serial_hex,
            not_before: unix_of(cert.not_before())?,
            not_after: unix_of(cert.not_after())?,
            key_type: key_type(public.id()),
            key_bits: public.bits(),
            key_matches: key.map(|k| public.public_eq(k)),
            sha256_fingerprint,
        })
    }

    pub fn not_before_iso(&self) -> String {
        iso8601(self.not_before)
    }

    pub fn not_after_iso(&self) -> String {
        iso8601(self.not_after)
    }

    /// Whole days from `now` (unix seconds) until expiry, rounded down;
    /// negative once expired.
    pub fn days_until_expiry(&self, now: i64) -> i64 {
        days_between(now, self.not_after)
    }

    /// Where the certificate stands at `now` (unix seconds).
    pub fn expiry(&self, now: i64) -> Expiry {
        if now >= self.not_after {
            Expiry::Expired
        } else if now < self.not_before {
            Expiry::NotYetValid
        } else if self.not_after - now <= RENEWAL_WINDOW_DAYS * 86_400 {
            Expiry::Expiring
        } else {
            Expiry::Valid
        }
    }

    /// A sentence for logs and status queries when the certificate needs
    /// attention at `now`; `None` while it is valid.
    pub fn warning(&self, now: i64) -> Option<String> {
        let days = self.days_until_expiry(now);
        let which = format!("the merchant certificate (serial {}, {})", self.serial_hex, self.subject);
        match self.expiry(now) {
            Expiry::Valid => None,
            Expiry::Expiring => Some(format!(
                "{which} expires in {days} day{} ({}); renew it on the merchant platform (Account Center > API Security) and replace the files",
                if days == 1 { "" } else { "s" },
                self.not_after_iso()
            )),
            Expiry::Expired => Some(format!(
                "{which} expired on {}; requests to certificate endpoints are refused until it is replaced",
                self.not_after_iso()
            )),
            Expiry::NotYetValid => Some(format!(
                "{which} is not valid before {}; check the system clock",
                self.not_before_iso()
            )),
        }
    }

    /// Every fact as a named text value, in a fixed order: the packed form
    /// of the C ABI and the CLI's JSON use these names.
    ///
    /// `merchant_id` is "" when the CN is not one; `key_matches` is `true`,
    /// `false` or `unknown` (no key given).
    pub fn to_pairs(&self, now: i64) -> Vec<(&'static str, String)> {
        vec![
            ("subject_cn", self.subject_cn.clone()),
            ("subject", self.subject.clone()),
            ("issuer_cn", self.issuer_cn.clone()),
            ("issuer_kind", self.issuer_kind.as_str().to_owned()),
            ("serial", self.serial_hex.clone()),
            ("not_before", self.not_before_iso()),
            ("not_before_unix", self.not_before.to_string()),
            ("not_after", self.not_after_iso()),
            ("not_after_unix", self.not_after.to_string()),
            ("days_until_expiry", self.days_until_expiry(now).to_string()),
            ("expiry", self.expiry(now).as_str().to_owned()),
            ("merchant_id", self.merchant_id.clone().unwrap_or_default()),
            ("key_type", self.key_type.to_owned()),
            ("key_bits", self.key_bits.to_string()),
            (
                "key_matches",
                match self.key_matches {
                    Some(true) => "true",
                    Some(false) => "false",
                    None => "unknown",
                }
                .to_owned(),
            ),
            ("sha256_fingerprint", self.sha256_fingerprint.clone()),
        ]
    }
}

impl fmt::Display for CertInfo {
    /// The human-readable report of `wxpay-cert inspect`, as of now.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let now = super::time::now_unix();
        writeln!(f, "subject:        {}", self.subject)?;
        writeln!(f, "issuer:         {}", self.issuer_cn)?;
        writeln!(f, "issuer kind:    {} ({})", self.issuer_kind.as_str(), self.issuer_kind.describe())?;
        writeln!(f, "merchant ID:    {}", self.merchant_id.as_deref().unwrap_or("(not in the CN)"))?;
        writeln!(f, "serial:         {}", self.serial_hex)?;
        writeln!(f, "not before:     {} ({})", self.not_before_iso(), self.not_before)?;
        writeln!(f, "not after:      {} ({})", self.not_after_iso(), self.not_after)?;
        writeln!(f, "expires in:     {} days ({})", self.days_until_expiry(now), self.expiry(now).as_str())?;
        writeln!(f, "key:            {} {} bits", self.key_type, self.key_bits)?;
        let matches = match self.key_matches {
            Some(true) => "yes",
            Some(false) => "NO: the private key belongs to another certificate",
            None => "not checked (no private key given)",
        };
        writeln!(f, "key matches:    {matches}")?;
        write!(f, "SHA-256:        {}", self.sha256_fingerprint)?;
        if let Some(w) = self.warning(now) {
            write!(f, "\nwarning:        {w}")?;
        }
        Ok(())
    }
}

fn common_name(name: &X509NameRef) -> String {
    name.entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
        .unwrap_or_default()
}

fn subject_line(name: &X509NameRef) -> String {
    name.entries()
        .filter_map(|e| {
            let key = e.object().nid().short_name().ok()?;
            let value = e.data().to_string().ok()?;
            Some(format!("{key}={value}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_type(id: Id) -> &'static str {
    match id {
        Id::RSA => "RSA",
        Id::RSA_PSS => "RSA-PSS",
        Id::EC => "EC",
        Id::DSA => "DSA",
        Id::ED25519 => "Ed25519",
        Id::ED448 => "Ed448",
        _ => "unknown",
    }
}
