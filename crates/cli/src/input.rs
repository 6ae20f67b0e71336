//! Standard input, read at most once per process and shared: with several routers
//! (`import-reg -` on a fleet) every router gets the same bytes, and no two threads race to
//! read the one stream.

use std::io::Read;
use std::sync::OnceLock;

use mprconfig::{Error, Result, WinError};

static STDIN: OnceLock<Result<Vec<u8>>> = OnceLock::new();

/// Everything on standard input (read on first use, then the same bytes every time).
pub fn stdin() -> Result<Vec<u8>> {
    STDIN
        .get_or_init(|| {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map(|_| buf)
                .map_err(|e| {
                    Error::new(
                        WinError::ERROR_CANTREAD,
                        format!("reading standard input: {e}"),
                    )
                })
        })
        .clone()
}

/// The bytes of `file`, or of standard input for `-`.
pub fn read(file: &str) -> Result<Vec<u8>> {
    if file == "-" {
        return stdin();
    }
    mprconfig::store::read_file(std::path::Path::new(file))
}
