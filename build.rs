//! Regenerates `include/wxpay.h` from `src/ffi` with cbindgen, and gives the
//! shared library its SONAME.
//!
//! The header is committed; CI rebuilds and fails if it changed.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    // `libwxpay.so.MAJOR`: programs linked against one major version keep
    // loading it across compatible releases (`make install` adds the links).
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwxpay.so.{major}");
    // Never unmapped by dlclose: PHP's FFI::cdef, made anew by every PHP-FPM
    // request without preloading, would otherwise map and relocate the whole
    // library per request (about 1.3 ms), and Rust's thread-local destructors
    // must not outlive their code.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(&dir).join("cbindgen.toml")).expect("cbindgen.toml is readable");
    match cbindgen::generate_with_config(&dir, config) {
        Ok(bindings) => {
            bindings.write_to_file(Path::new(&dir).join("include/wxpay.h"));
        }
        // A syntax error is reported by rustc itself, with a better message.
        Err(e) => println!("cargo:warning=cbindgen could not generate include/wxpay.h: {e}"),
    }
}
