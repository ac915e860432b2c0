//! Whether a private key file is exposed to other users.
//!
//! WeChat's guidance: key files must not be readable by anyone but the
//! service. A key or `.p12` readable by the file's group or by everyone is
//! reported; the client logs it, or refuses it with `strict_permissions`.

use std::path::Path;

use crate::error::{Error, ErrorKind, Result, truncate};

/// A private file that group or others may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// The file's permission bits, e.g. `0o644`.
    pub mode: u32,
    message: String,
}

impl Exposure {
    /// Names the file, the mode and the fix; never the contents.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// As an error, for `strict_permissions`.
    pub fn into_error(self) -> Error {
        Error::new(ErrorKind::CertificatePermissions, format!("{} (strict_permissions refuses it)", self.message))
    }
}

/// Checks the file holding a private key (`apiclient_key.pem` or
/// `apiclient_cert.p12`; `what` names it). `None` when only its owner can
/// read it, and on platforms without Unix permissions.
pub fn check_private_file(path: &Path, what: &str) -> Result<Option<Exposure>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(
            ErrorKind::CertificateFile,
            format!("cannot read the {what} file `{}`: {e}", truncate(&path.to_string_lossy(), 256)),
        )
    })?;
    Ok(exposure(&meta, path, what))
}

#[cfg(unix)]
fn exposure(meta: &std::fs::Metadata, path: &Path, what: &str) -> Option<Exposure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o044 == 0 {
        return None;
    }
    let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (true, true) => "its group and all users",
        (true, false) => "its group",
        _ => "all users",
    };
    Some(Exposure {
        mode,
        message: format!(
            "the {what} file `{}` is readable by {who} (mode {mode:04o}); restrict it to its owner (chmod 600)",
            truncate(&path.to_string_lossy(), 256)
        ),
    })
}

#[cfg(not(unix))]
fn exposure(_meta: &std::fs::Metadata, _path: &Path, _what: &str) -> Option<Exposure> {
    None
}
