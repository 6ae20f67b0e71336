//! The shared body of the three `…Enum` functions (spec §1.7, paging policy in
//! `mprconfig_core::page_range`).

use mprconfig_core::{Error, Page, Result};

use crate::alloc::Owned;
use crate::guard::not_null;
use crate::out::{Buf, Out, Val};
use crate::types::Plain;

/// Checks `dwPrefMaxLen` against one entry of `T` (smaller → `ERROR_INVALID_PARAMETER`).
pub fn check_pref_max_len<T>(pref_max_len: u32) -> Result<()> {
    let entry = std::mem::size_of::<T>();
    if (pref_max_len as usize) < entry {
        return Err(Error::invalid_parameter(format!(
            "dwPrefMaxLen {pref_max_len} is smaller than one {entry}-byte entry"
        )));
    }
    Ok(())
}

/// The out-parameters of an `…Enum` function: `lplpBuffer`, `lpdwEntriesRead`,
/// `lpdwTotalEntries` (required) and `lpdwResumeHandle` (optional, also read by [`page`]).
/// On failure `*lplpBuffer` is NULL and the others are untouched.
#[derive(Clone, Copy)]
pub struct Outs {
    buffer: Buf<u8>,
    entries_read: Val<u32>,
    total: Val<u32>,
    resume: Val<u32>,
    /// The raw pointers, for the NULL checks.
    raw: (*mut *mut u8, *mut u32, *mut u32),
}

impl Outs {
    /// Names the out-parameters.
    ///
    /// # Safety
    /// Each pointer NULL or writable while this value is used.
    #[allow(non_snake_case)] // the C parameter names
    pub unsafe fn new(
        lplpBuffer: *mut *mut u8,
        lpdwEntriesRead: *mut u32,
        lpdwTotalEntries: *mut u32,
        lpdwResumeHandle: *mut u32,
    ) -> Outs {
        // SAFETY: forwarded.
        unsafe {
            Outs {
                buffer: Buf::new(lplpBuffer),
                entries_read: Val::new(lpdwEntriesRead),
                total: Val::new(lpdwTotalEntries),
                resume: Val::new(lpdwResumeHandle),
                raw: (lplpBuffer, lpdwEntriesRead, lpdwTotalEntries),
            }
        }
    }

    /// `ERROR_INVALID_PARAMETER` for a NULL required pointer.
    pub fn check(&self) -> Result<()> {
        not_null(self.raw.0, "lplpBuffer")?;
        not_null(self.raw.1, "lpdwEntriesRead")?;
        not_null(self.raw.2, "lpdwTotalEntries")
    }
}

/// One page of entries, ready for [`Outs`].
pub struct Entries {
    /// The array of entries, `None` (NULL) when there are none.
    buffer: Option<Owned>,
    /// Entries in it.
    read: u32,
    /// Entries from the resume position to the end.
    total: u32,
    /// Where the next call starts (0: done).
    next_resume: u32,
}

impl Out for Outs {
    type Value = Entries;
    fn set(self, v: Entries) {
        self.buffer.set(v.buffer);
        self.entries_read.set(v.read);
        self.total.set(v.total);
        self.resume.set(v.next_resume);
    }
    fn reset(self) {
        self.buffer.reset();
    }
}

/// Fetches one page from the resume position in `*resume` (0 when `resume` is NULL) and
/// converts it into an array of `T` in one new buffer.
///
/// # Safety
/// `resume` NULL or readable.
pub unsafe fn page<E, T: Plain>(
    resume: *const u32,
    pref_max_len: u32,
    fetch: impl FnOnce(u32, u32) -> Result<Page<E>>,
    convert: impl FnMut(&E) -> Result<T>,
) -> Result<Entries> {
    let entry = std::mem::size_of::<T>();
    let start = if resume.is_null() {
        0
    } else {
        // SAFETY: caller contract.
        unsafe { resume.read_unaligned() }
    };
    let max_entries = if pref_max_len == u32::MAX {
        u32::MAX
    } else {
        (pref_max_len as usize / entry) as u32
    };
    let page = fetch(start, max_entries)?;
    let items = page
        .entries
        .iter()
        .map(convert)
        .collect::<Result<Vec<T>>>()?;
    let buffer = if items.is_empty() {
        None
    } else {
        Some(Owned::slice(&items)?)
    };
    Ok(Entries {
        buffer,
        read: items.len() as u32,
        total: page.total_from_resume,
        next_resume: page.next_resume,
    })
}
