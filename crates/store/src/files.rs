//! Whole-file reads and crash-safe whole-file writes, for backups and exports.
//!
//! A file written with [`write_file_atomic`] is either the old file or the complete new one
//! after a crash or power loss: the bytes go to a temporary file in the same directory, which
//! is fsynced, renamed over the target, and the directory fsynced.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use mprconfig_core::{Error, Result};

use crate::error::{IoOp, StoreError};
use crate::open::sync_dir;

/// Replaces (or creates) `path` with `bytes` atomically and durably; a new file gets mode 0600
/// (a backup holds the whole configuration). Errors carry the Win32 code of the failure
/// (`ERROR_PATH_NOT_FOUND` for a missing directory, `ERROR_ACCESS_DENIED`, `ERROR_DISK_FULL`, ...).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("backup.reg");
/// mprconfig_store::write_file_atomic(&path, b"first")?;
/// mprconfig_store::write_file_atomic(&path, b"second")?;
/// assert_eq!(std::fs::read(&path)?, b"second");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().ok_or_else(|| {
        Error::invalid_parameter(format!("{} does not name a file", path.display()))
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}-{}", std::process::id(), unique()));
    let tmp = dir.join(tmp_name);
    let write = || -> std::result::Result<(), StoreError> {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| StoreError::io(e, IoOp::Write, &tmp))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| StoreError::io(e, IoOp::Write, &tmp))?;
        fs::rename(&tmp, path).map_err(|e| StoreError::io(e, IoOp::Write, path))?;
        sync_dir(&dir)
    };
    let result = write();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(Error::from)
}

/// Reads a whole file, with the Win32 code of any failure (`ERROR_PATH_NOT_FOUND`,
/// `ERROR_ACCESS_DENIED`, `ERROR_CANTREAD`, ...).
///
/// ```
/// let err = mprconfig_store::read_file(std::path::Path::new("/nonexistent/backup.reg")).unwrap_err();
/// assert_eq!(err.code, mprconfig_core::WinError::ERROR_PATH_NOT_FOUND);
/// ```
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| StoreError::io(e, IoOp::Read, path).into())
}

/// A per-process counter, so two threads never pick the same temporary name.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mprconfig_core::WinError;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn atomic_write_leaves_no_temporary_files_and_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.reg");
        write_file_atomic(&path, b"x").unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b.reg"]);
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn writing_into_a_missing_directory_is_path_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_file_atomic(&dir.path().join("no/such/dir/b.reg"), b"x").unwrap_err();
        assert_eq!(e.code, WinError::ERROR_PATH_NOT_FOUND);
    }
}
