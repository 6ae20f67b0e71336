//! Gives libmprapi.so the SONAME `libmprapi.so.<major>`, as cargo-c and install.sh install it.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmprapi.so.{major}");
    println!("cargo:rerun-if-changed=build.rs");
}
