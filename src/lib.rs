//! wxpay: the WeChat Pay API v2 merchant protocol, done once, behind a C ABI.
//!
//! The core modules ([`sign`], [`xml`], [`nonce`], [`fields`], [`endpoints`],
//! [`client`], [`log`], certificates: [`cert`], [`mcc`], and the merchant's
//! flows: [`notify`], [`pay_params`], [`micropay`], [`bill`], [`payout`]) are plain Rust
//! and know nothing of C; [`ffi`] converts and delegates.

pub mod bill;
pub mod cert;
pub mod client;
pub mod endpoints;
pub mod error;
pub mod fields;
pub mod log;
pub mod mcc;
pub mod native;
pub mod micropay;
pub mod nonce;
pub mod notify;
pub mod papay;
pub mod pay_params;
pub mod payout;
pub mod sign;
pub mod xml;

pub mod ffi;

pub use client::{Client, Config};
pub use error::{Error, ErrorKind, Result};
pub use fields::Fields;
pub use sign::{ApiKey, SignType, Signature};

/// The library version; wrappers compare it with their own at load time.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
