//! The shared body of the three `…Enum` functions (spec §1.7, paging policy in
//! `mprconfig_core::page_range`).

use mprconfig_core::{Error, Page, Result};

use crate::alloc;
use crate::guard::put;
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

/// Fetches one page from the resume position in `*resume` (0 when `resume` is NULL), converts
/// it into an array of `T` in one new buffer (NULL for no entries) and writes the outputs.
///
/// # Safety
/// `buffer`, `entries_read`, `total` must be non-NULL and writable; `resume` NULL or
/// readable and writable.
pub unsafe fn run<E, T: Plain>(
    buffer: *mut *mut u8,
    pref_max_len: u32,
    entries_read: *mut u32,
    total: *mut u32,
    resume: *mut u32,
    fetch: impl FnOnce(u32, u32) -> Result<Page<E>>,
    mut convert: impl FnMut(&E) -> Result<T>,
) -> Result<()> {
    let entry = std::mem::size_of::<T>();
    // SAFETY: caller contract.
    let start = if resume.is_null() {
        0
    } else {
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
        .map(&mut convert)
        .collect::<Result<Vec<T>>>()?;
    let p = if items.is_empty() {
        std::ptr::null_mut()
    } else {
        let bytes = items
            .len()
            .checked_mul(entry)
            .ok_or_else(|| Error::invalid_parameter("too many entries"))?;
        let p = alloc::alloc(bytes)?;
        // SAFETY: `p` holds `items.len()` entries of T, 16-byte aligned.
        unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), p as *mut T, items.len()) };
        p
    };
    // SAFETY: caller contract.
    unsafe {
        put(buffer, p);
        put(entries_read, items.len() as u32);
        put(total, page.total_from_resume);
        if !resume.is_null() {
            put(resume, page.next_resume);
        }
    }
    Ok(())
}
