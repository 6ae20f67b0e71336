//! Gives libmprapi.so the SONAME `libmprapi.so.<major>`, as cargo-c and install.sh install it,
//! and puts a `libmprapi.so.<major>` link beside the cargo output so that a program linked with
//! `-L target/<profile> -lmprapi` (which records that SONAME) also finds it at run time there;
//! and marks the library not unloadable (`-z nodelete`).

use std::path::{Path, PathBuf};

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmprapi.so.{major}");
    // Never unloaded (dlclose leaves it mapped): the remote runtime's worker threads live as
    // long as the process and run this library's code, and there is no point at which they
    // could be stopped safely (a C caller may dlclose with calls in flight on other threads).
    // docs/c-api.md "fork, exec, threads, exit and dlclose".
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let Some(profile_dir) = profile_dir() else {
        println!(
            "cargo:warning=no profile directory above OUT_DIR; libmprapi.so.{major} link not created"
        );
        return;
    };
    let link = profile_dir.join(format!("libmprapi.so.{major}"));
    if let Err(e) = soname_link(&link) {
        println!("cargo:warning=cannot create {}: {e}", link.display());
    }
}

/// The directory cargo puts the final artifacts in (`target/<profile>`, or
/// `target/<triple>/<profile>`): OUT_DIR is `<that>/build/<pkg>-<hash>/out`. Cargo does not
/// promise this layout, so anything else is left alone.
fn profile_dir() -> Option<PathBuf> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR")?);
    let build = out.parent()?.parent()?;
    (build.file_name()? == "build").then(|| build.parent().map(Path::to_path_buf))?
}

/// A relative link `libmprapi.so.N -> libmprapi.so` (dangling until the library is linked,
/// which happens after this script; it then follows every rebuild).
fn soname_link(link: &Path) -> std::io::Result<()> {
    match std::fs::read_link(link) {
        Ok(target) if target == Path::new("libmprapi.so") => return Ok(()),
        Ok(_) => std::fs::remove_file(link)?,
        Err(_) if link.symlink_metadata().is_ok() => std::fs::remove_file(link)?,
        Err(_) => {}
    }
    std::os::unix::fs::symlink("libmprapi.so", link)
}
