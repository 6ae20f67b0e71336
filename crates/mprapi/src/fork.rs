//! `fork()` (docs/c-api.md "fork, exec, threads, exit and dlclose").
//!
//! A `pthread_atfork` child handler, registered on the first call into the library, only
//! raises a flag (it runs in the child before `fork()` returns, where little is allowed). The
//! next export in the child sees the flag and, before doing anything else, makes every
//! inherited handle stale ([`crate::handles::forget_inherited`]). The store cache and the
//! remote runtime notice the new process on their own (`mprconfig` and `mprconfig-remote`
//! compare the process id), so the child's own connections are new ones and nothing the
//! parent still uses is run, closed or woken from the child.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set in a child by the `pthread_atfork` handler; cleared by the first export after it.
static FORKED: AtomicBool = AtomicBool::new(false);

extern "C" fn in_child() {
    FORKED.store(true, Ordering::SeqCst);
}

/// Called first by every export (through `guard`): registers the handler once, and in a child
/// after `fork()` forgets what the parent's handles designated.
pub fn check() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: a plain function pointer with no state; glibc unregisters the handlers of a
        // library when it is unloaded (it never is: it is linked with -z nodelete).
        let rc = unsafe { libc::pthread_atfork(None, None, Some(in_child)) };
        if rc != 0 {
            eprintln!(
                "libmprapi: pthread_atfork failed ({rc}): a child after fork() must not use handles from its parent"
            );
        }
    });
    if FORKED.load(Ordering::Relaxed) && FORKED.swap(false, Ordering::SeqCst) {
        crate::handles::forget_inherited();
    }
}
