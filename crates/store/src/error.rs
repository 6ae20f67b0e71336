//! The store's typed errors and the one place where they become Win32 codes.
//!
//! Inside the crate every fallible step returns [`StoreError`]; the `From<StoreError> for
//! mprconfig_core::Error` below is the only conversion point, so each SQLite or file-system
//! failure maps to exactly one documented code (see `docs/store.md`, "Error mapping").

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use mprconfig_core::{Error, WinError};
use rusqlite::ffi;

/// What the store was doing when a file-system call failed; picks read vs write codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IoOp {
    /// Reading (header check, backup source, directory listing).
    Read,
    /// Creating or writing (new store, temp files, fsync, rename).
    Write,
}

/// A failure inside the store, before it is turned into a Win32 [`Error`].
#[derive(Debug)]
pub(crate) enum StoreError {
    /// An SQLite call failed; `context` says which step.
    Sqlite {
        err: rusqlite::Error,
        context: String,
    },
    /// A file-system call failed.
    Io {
        err: io::Error,
        op: IoOp,
        path: PathBuf,
    },
    /// The file exists but is not a store (wrong magic, wrong application id, empty, a directory).
    NotAStore { path: PathBuf, why: String },
    /// The file looks like a store but its contents are damaged.
    Corrupt { path: PathBuf, why: String },
    /// The file was written by a newer schema than this build knows.
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// A write was attempted on a store opened read-only (or inside a read transaction).
    ReadOnly { why: String },
    /// A caller-supplied argument (path, name) is invalid.
    Invalid { why: String },
    /// A `mprconfig_core` error passed through unchanged (for example from `install`).
    Core(Error),
}

/// `Result` with [`StoreError`].
pub(crate) type StoreResult<T> = std::result::Result<T, StoreError>;

impl StoreError {
    /// An SQLite error with a context.
    pub(crate) fn sql(err: rusqlite::Error, context: impl fmt::Display) -> Self {
        StoreError::Sqlite {
            err,
            context: context.to_string(),
        }
    }

    /// An I/O error on `path`.
    pub(crate) fn io(err: io::Error, op: IoOp, path: &Path) -> Self {
        StoreError::Io {
            err,
            op,
            path: path.to_path_buf(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Sqlite {
            err,
            context: String::new(),
        }
    }
}

impl From<Error> for StoreError {
    fn from(err: Error) -> Self {
        StoreError::Core(err)
    }
}

/// The Win32 code for an SQLite result code (primary and extended).
fn sqlite_code(e: &ffi::Error) -> WinError {
    use ffi::ErrorCode as C;
    match e.code {
        C::DatabaseBusy | C::DatabaseLocked => WinError::ERROR_BUSY,
        C::NotADatabase | C::DatabaseCorrupt => WinError::ERROR_BADDB,
        C::ReadOnly | C::PermissionDenied | C::AuthorizationForStatementDenied => {
            WinError::ERROR_ACCESS_DENIED
        }
        C::DiskFull => WinError::ERROR_DISK_FULL,
        C::OutOfMemory => WinError::ERROR_NOT_ENOUGH_MEMORY,
        C::CannotOpen => WinError::ERROR_CANTOPEN,
        C::TooBig => WinError::ERROR_INVALID_PARAMETER,
        C::SystemIoFailure => match e.extended_code {
            ffi::SQLITE_IOERR_READ
            | ffi::SQLITE_IOERR_SHORT_READ
            | ffi::SQLITE_IOERR_FSTAT
            | ffi::SQLITE_IOERR_ACCESS => WinError::ERROR_CANTREAD,
            _ => WinError::ERROR_CANTWRITE,
        },
        _ => WinError::ERROR_INTERNAL_ERROR,
    }
}

/// The Win32 code for an I/O error kind.
fn io_code(err: &io::Error, op: IoOp) -> WinError {
    use io::ErrorKind as K;
    match err.kind() {
        K::NotFound | K::NotADirectory => WinError::ERROR_PATH_NOT_FOUND,
        K::PermissionDenied | K::ReadOnlyFilesystem => WinError::ERROR_ACCESS_DENIED,
        K::StorageFull | K::QuotaExceeded => WinError::ERROR_DISK_FULL,
        K::IsADirectory => WinError::ERROR_ACCESS_DENIED,
        K::AlreadyExists => WinError::ERROR_ALREADY_EXISTS,
        K::InvalidFilename => WinError::ERROR_INVALID_NAME,
        K::OutOfMemory => WinError::ERROR_NOT_ENOUGH_MEMORY,
        _ => match op {
            IoOp::Read => WinError::ERROR_CANTREAD,
            IoOp::Write => WinError::ERROR_CANTWRITE,
        },
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Sqlite { err, context } => {
                let code = match &err {
                    rusqlite::Error::SqliteFailure(f, _) => sqlite_code(f),
                    // A column holding the wrong type or range means the file was altered
                    // outside this crate.
                    rusqlite::Error::FromSqlConversionFailure(..)
                    | rusqlite::Error::IntegralValueOutOfRange(..)
                    | rusqlite::Error::InvalidColumnType(..)
                    | rusqlite::Error::Utf8Error(..) => WinError::ERROR_BADDB,
                    rusqlite::Error::NulError(_) | rusqlite::Error::InvalidPath(_) => {
                        WinError::ERROR_INVALID_PARAMETER
                    }
                    _ => WinError::ERROR_INTERNAL_ERROR,
                };
                let detail = if context.is_empty() {
                    format!("SQLite: {err}")
                } else {
                    format!("{context}: SQLite: {err}")
                };
                Error::new(code, detail)
            }
            StoreError::Io { err, op, path } => {
                let verb = match op {
                    IoOp::Read => "reading",
                    IoOp::Write => "writing",
                };
                Error::new(
                    io_code(&err, op),
                    format!("{verb} {}: {err}", path.display()),
                )
            }
            StoreError::NotAStore { path, why } => Error::new(
                WinError::ERROR_BADDB,
                format!("{} is not an mprconfig store: {why}", path.display()),
            ),
            StoreError::Corrupt { path, why } => Error::new(
                WinError::ERROR_BADDB,
                format!("store {} is corrupt: {why}", path.display()),
            ),
            StoreError::NewerSchema {
                path,
                found,
                supported,
            } => Error::new(
                WinError::ERROR_ROUTER_CONFIG_INCOMPATIBLE,
                format!(
                    "store {} has schema version {found}, newer than the version {supported} this build supports",
                    path.display()
                ),
            ),
            StoreError::ReadOnly { why } => Error::new(WinError::ERROR_ACCESS_DENIED, why),
            StoreError::Invalid { why } => Error::new(WinError::ERROR_INVALID_PARAMETER, why),
            StoreError::Core(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(e: StoreError) -> WinError {
        Error::from(e).code
    }

    fn sqlite(code: i32) -> StoreError {
        StoreError::from(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None))
    }

    #[test]
    fn sqlite_codes_map_to_precise_win32_codes() {
        assert_eq!(code_of(sqlite(ffi::SQLITE_BUSY)), WinError::ERROR_BUSY);
        assert_eq!(code_of(sqlite(ffi::SQLITE_NOTADB)), WinError::ERROR_BADDB);
        assert_eq!(code_of(sqlite(ffi::SQLITE_CORRUPT)), WinError::ERROR_BADDB);
        assert_eq!(
            code_of(sqlite(ffi::SQLITE_READONLY)),
            WinError::ERROR_ACCESS_DENIED
        );
        assert_eq!(code_of(sqlite(ffi::SQLITE_FULL)), WinError::ERROR_DISK_FULL);
        assert_eq!(
            code_of(sqlite(ffi::SQLITE_IOERR_READ)),
            WinError::ERROR_CANTREAD
        );
        assert_eq!(
            code_of(sqlite(ffi::SQLITE_IOERR_FSYNC)),
            WinError::ERROR_CANTWRITE
        );
        assert_eq!(
            code_of(sqlite(ffi::SQLITE_IOERR_WRITE)),
            WinError::ERROR_CANTWRITE
        );
    }

    #[test]
    fn io_errors_map_by_kind_and_operation() {
        let p = Path::new("/x");
        let full = io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(
            code_of(StoreError::io(full, IoOp::Write, p)),
            WinError::ERROR_DISK_FULL
        );
        let denied = io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(
            code_of(StoreError::io(denied, IoOp::Write, p)),
            WinError::ERROR_ACCESS_DENIED
        );
        let rofs = io::Error::from_raw_os_error(libc::EROFS);
        assert_eq!(
            code_of(StoreError::io(rofs, IoOp::Write, p)),
            WinError::ERROR_ACCESS_DENIED
        );
        let eio = io::Error::from_raw_os_error(libc::EIO);
        assert_eq!(
            code_of(StoreError::io(eio, IoOp::Read, p)),
            WinError::ERROR_CANTREAD
        );
        let eio = io::Error::from_raw_os_error(libc::EIO);
        assert_eq!(
            code_of(StoreError::io(eio, IoOp::Write, p)),
            WinError::ERROR_CANTWRITE
        );
    }

    #[test]
    fn newer_schema_detail_names_both_versions() {
        let e = Error::from(StoreError::NewerSchema {
            path: "/s.db".into(),
            found: 7,
            supported: 1,
        });
        assert_eq!(e.code, WinError::ERROR_ROUTER_CONFIG_INCOMPATIBLE);
        assert!(
            e.detail.contains('7') && e.detail.contains('1'),
            "{}",
            e.detail
        );
    }
}
