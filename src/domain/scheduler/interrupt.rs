//! Stopping a running HiGHS solve from another thread. good_lp has no way to
//! interrupt a solve, so HiGHS's C API callback polls a flag that the caller owns;
//! this is the crate's only `unsafe` code.

use highs_sys::{
    kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt, kHighsStatusOk,
    HighsCallbackDataIn, HighsCallbackDataOut, Highs_setCallback, Highs_startCallback,
};
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

/// Called by HiGHS at its interrupt points (simplex iterations, MIP nodes and
/// heuristics); asks it to stop once the flag behind `user` is set.
unsafe extern "C" fn interrupt_when_set(
    _kind: c_int,
    _message: *const c_char,
    _out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    user: *mut c_void,
) {
    // SAFETY: `user` is the `&AtomicBool` passed to `interrupt_on`, which outlives the
    // solve; `data_in` is HiGHS's own input record for this call (checked for null).
    unsafe {
        let stop = &*(user as *const AtomicBool);
        if !data_in.is_null() && stop.load(Ordering::Relaxed) {
            (*data_in).user_interrupt = 1;
        }
    }
}

/// Make the HiGHS instance behind `highs` stop its next solve soon after `stop` is set.
///
/// # Safety
/// `highs` must point to a live HiGHS instance, and `stop` must outlive every solve
/// that instance runs (HiGHS keeps the pointer).
pub(crate) unsafe fn interrupt_on(highs: *mut c_void, stop: &AtomicBool) -> Result<(), String> {
    let user = stop as *const AtomicBool as *mut c_void;
    // SAFETY: the caller guarantees `highs` is live and `stop` outlives its solves.
    let ok = unsafe {
        Highs_setCallback(highs, Some(interrupt_when_set), user) == kHighsStatusOk
            && Highs_startCallback(highs, kHighsCallbackSimplexInterrupt) == kHighsStatusOk
            && Highs_startCallback(highs, kHighsCallbackMipInterrupt) == kHighsStatusOk
    };
    if ok {
        Ok(())
    } else {
        Err("HiGHS refused the interrupt callback".into())
    }
}
