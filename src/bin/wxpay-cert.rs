//! `wxpay-cert`: inspect, convert and check WeChat Pay merchant certificates.
//!
//! All certificate work is the library's ([`wxpay::cert`]); this file only
//! parses arguments, reads and writes files, and prints.

use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wxpay::cert::{self, CertInfo, Expiry};
use zeroize::Zeroizing;

const USAGE: &str = "\
wxpay-cert: inspect, convert and check WeChat Pay merchant certificates

usage:
  wxpay-cert inspect FILE [--key KEYFILE] [PASSWORD OPTION] [--json]
  wxpay-cert convert P12 --out-cert CERT.pem --out-key KEY.pem [PASSWORD OPTION] [--force]
  wxpay-cert check FILE --days N [--key KEYFILE] [PASSWORD OPTION]
  wxpay-cert help

FILE is apiclient_cert.p12, or apiclient_cert.pem (give apiclient_key.pem
with --key to check that the key belongs to it), or a DER certificate.

inspect  prints subject and issuer CN, issuer kind (WeChat Pay-issued
         MmpaymchCA or CA-issued Tenpay.com Root CA), merchant ID, serial,
         validity (ISO 8601 UTC and unix seconds), days until expiry, key type
         and size, and whether the private key matches; --json for machines.
convert  writes the certificate (and chain) of a .p12 as PEM and its private
         key as unencrypted PKCS#8 PEM, readable by its owner only (0600).
         Existing files are kept unless --force.
check    for cron and monitoring: exit status 1 when the certificate expires
         within N days (or has expired), 4 when --key does not match it.

PASSWORD OPTION (the .p12 password, or an encrypted PEM key's password):
  --password-env VAR   read it from the environment variable VAR
  --password-stdin     read it from the first line of standard input
  --password P         give it on the command line
Prefer the first two: a command line is visible to every user of the machine
(ps, /proc) and is kept in shell history. Without one, a .p12 is tried with
the empty password; WeChat's default password is the merchant ID (mch_id).
Passwords are never printed.

exit status: 0 fine; 1 check: expires within N days or expired; 2 usage
error; 3 a file cannot be read, written or is not a certificate; 4 check:
the key does not match.
";

const EXIT_EXPIRING: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_FILE: u8 = 3;
const EXIT_KEY_MISMATCH: u8 = 4;

/// A failure: what to print and the exit status.
struct Failure(u8, String);

fn usage(message: impl Into<String>) -> Failure {
    Failure(EXIT_USAGE, format!("{}\nrun `wxpay-cert help` for usage", message.into()))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(Failure(code, message)) => {
            eprintln!("wxpay-cert: {message}");
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<u8, Failure> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(EXIT_USAGE);
    };
    match command.as_str() {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(0)
        }
        "inspect" => inspect(&Options::parse(rest, &["--key"], &["--json"])?),
        "convert" => convert(&Options::parse(rest, &["--out-cert", "--out-key"], &["--force"])?),
        "check" => check(&Options::parse(rest, &["--key", "--days"], &[])?),
        other => Err(usage(format!("unknown command `{other}`"))),
    }
}

/// The parsed command line of one command.
struct Options {
    file: PathBuf,
    values: Vec<(String, String)>,
    flags: Vec<String>,
    password: Option<Zeroizing<String>>,
}

impl Options {
    /// `valued` options take a value; `flags` do not. The password options
    /// are known to every command.
    fn parse(args: &[String], valued: &[&str], flags: &[&str]) -> Result<Options, Failure> {
        let mut file = None;
        let mut values = Vec::new();
        let mut seen_flags = Vec::new();
        let mut password: Option<Zeroizing<String>> = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value_of = |name: &str| it.next().cloned().ok_or_else(|| usage(format!("{name} needs a value")));
            match arg.as_str() {
                "--password" | "--password-env" | "--password-stdin" if password.is_some() => {
                    return Err(usage("give the password only once"));
                }
                "--password" => password = Some(Zeroizing::new(value_of("--password")?)),
                "--password-env" => {
                    let var = value_of("--password-env")?;
                    let value = std::env::var(&var)
                        .map_err(|_| usage(format!("the environment variable {var} is not set (or not UTF-8)")))?;
                    password = Some(Zeroizing::new(value));
                }
                "--password-stdin" => password = Some(read_stdin_line()?),
                a if valued.contains(&a) => {
                    if values.iter().any(|(n, _)| n == a) {
                        return Err(usage(format!("{a} given twice")));
                    }
                    let v = value_of(a)?;
                    values.push((a.to_owned(), v));
                }
                a if flags.contains(&a) => seen_flags.push(a.to_owned()),
                a if a.starts_with("--") => return Err(usage(format!("unknown option `{a}`"))),
                a if file.is_none() => file = Some(PathBuf::from(a)),
                a => return Err(usage(format!("unexpected argument `{a}`"))),
            }
        }
        let file = file.ok_or_else(|| usage("no certificate file given"))?;
        Ok(Options { file, values, flags: seen_flags, password })
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    fn password(&self) -> Option<&str> {
        self.password.as_deref().map(String::as_str)
    }
}

fn read_stdin_line() -> Result<Zeroizing<String>, Failure> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure(EXIT_FILE, format!("cannot read the password from standard input: {e}")))?;
    let trimmed = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed);
    Ok(line)
}

fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, Failure> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| Failure(EXIT_FILE, format!("cannot read `{}`: {e}", path.display())))
}

fn library_error(path: &Path, e: wxpay::Error) -> Failure {
    Failure(EXIT_FILE, format!("{}: {e}", path.display()))
}

/// Reads and inspects FILE (with --key), and warns on stderr about a key
/// file others can read.
fn load(o: &Options) -> Result<(CertInfo, &'static str, Option<String>), Failure> {
    let data = read(&o.file)?;
    let key_path = o.value("--key").map(PathBuf::from);
    let key = key_path.as_deref().map(read).transpose()?;
    let info = cert::inspect(&data, key.as_ref().map(|k| k.as_slice()), o.password()).map_err(|e| library_error(&o.file, e))?;
    let format = if cert::is_pem(&data) {
        "pem"
    } else if openssl::x509::X509::from_der(&data).is_ok() {
        "der"
    } else {
        "p12"
    };
    // The file holding the private key: the .p12, the key file, or a PEM with its key inside.
    let private = match (&key_path, format) {
        (Some(k), _) => Some((k.as_path(), "private key")),
        (None, "p12") => Some((o.file.as_path(), ".p12 certificate")),
        (None, "pem") if info.key_matches.is_some() => Some((o.file.as_path(), "certificate and private key")),
        _ => None,
    };
    let exposure = match private {
        Some((path, what)) => cert::check_private_file(path, what).map_err(|e| library_error(path, e))?,
        None => None,
    };
    let warning = exposure.map(|e| e.message().to_owned());
    if let Some(w) = &warning {
        eprintln!("wxpay-cert: warning: {w}");
    }
    Ok((info, format, warning))
}

fn inspect(o: &Options) -> Result<u8, Failure> {
    let (info, format, permission_warning) = load(o)?;
    if o.flag("--json") {
        println!("{}", json(&o.file, format, &info, permission_warning.as_deref()));
    } else {
        println!("file:           {} ({format})", o.file.display());
        println!("{info}");
    }
    Ok(0)
}

fn check(o: &Options) -> Result<u8, Failure> {
    let days: i64 = o
        .value("--days")
        .ok_or_else(|| usage("check needs --days N"))?
        .parse()
        .ok()
        .filter(|d| *d >= 0)
        .ok_or_else(|| usage("--days needs a whole number of days, 0 or more"))?;
    let (info, _, _) = load(o)?;
    let now = cert::now_unix();
    let left = info.days_until_expiry(now);
    let what = format!("{} (serial {}, expires {})", o.file.display(), info.serial_hex, info.not_after_iso());
    if info.key_matches == Some(false) {
        println!("KEY MISMATCH: {what}: the private key does not belong to the certificate");
        return Ok(EXIT_KEY_MISMATCH);
    }
    if info.expiry(now) == Expiry::Expired {
        println!("EXPIRED: {what}");
        return Ok(EXIT_EXPIRING);
    }
    if left < days {
        println!("EXPIRING: {what}: {left} days left, fewer than {days}");
        return Ok(EXIT_EXPIRING);
    }
    println!("OK: {what}: {left} days left");
    Ok(0)
}

fn convert(o: &Options) -> Result<u8, Failure> {
    let out_cert = PathBuf::from(o.value("--out-cert").ok_or_else(|| usage("convert needs --out-cert FILE"))?);
    let out_key = PathBuf::from(o.value("--out-key").ok_or_else(|| usage("convert needs --out-key FILE"))?);
    if out_cert == out_key {
        return Err(usage("--out-cert and --out-key must be different files"));
    }
    let force = o.flag("--force");
    for path in [&out_cert, &out_key] {
        if !force && path.exists() {
            return Err(usage(format!("`{}` exists; add --force to replace it", path.display())));
        }
    }
    let der = read(&o.file)?;
    let (cert_pem, key_pem) = cert::p12_to_pem(&der, o.password()).map_err(|e| library_error(&o.file, e))?;
    write_new(&out_key, &key_pem, 0o600)?;
    write_new(&out_cert, &cert_pem, 0o644)?;
    println!("wrote {} (certificate) and {} (private key, mode 0600)", out_cert.display(), out_key.display());
    Ok(0)
}

/// Writes a file whole with `mode` from its first byte: a temporary file
/// created with that mode beside it, renamed over the target, so that the
/// key is never readable by others, not even for a moment.
fn write_new(path: &Path, data: &[u8], mode: u32) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure(EXIT_FILE, format!("cannot write `{}`: {e}", path.display()));
    let name = path.file_name().ok_or_else(|| usage(format!("`{}` is not a file name", path.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let result = options.open(&tmp).and_then(|mut f| {
        f.write_all(data)?;
        f.sync_all()
    });
    if let Err(e) = result.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// The inspection as one JSON object: the library's named facts, with
/// numbers as numbers, `key_matches` as true/false/null and an absent
/// merchant ID as null.
fn json(file: &Path, format: &str, info: &CertInfo, permission_warning: Option<&str>) -> String {
    let mut members = vec![
        format!("\"file\":{}", json_string(&file.to_string_lossy())),
        format!("\"format\":{}", json_string(format)),
    ];
    for (name, value) in info.to_pairs(cert::now_unix()) {
        let v = match name {
            "not_before_unix" | "not_after_unix" | "days_until_expiry" | "key_bits" => value,
            "key_matches" if value == "unknown" => "null".to_owned(),
            "key_matches" => value,
            "merchant_id" if value.is_empty() => "null".to_owned(),
            _ => json_string(&value),
        };
        members.push(format!("{}:{v}", json_string(name)));
    }
    members.push(format!("\"permission_warning\":{}", permission_warning.map_or("null".to_owned(), json_string)));
    format!("{{{}}}", members.join(","))
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
