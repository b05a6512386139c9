//! The two things good_lp's HiGHS backend lacks, through HiGHS's C API: stopping a
//! running solve from another thread (a callback polls a flag the caller owns), and
//! writing a model to a file for an outside solver. The crate's only `unsafe` code.

use highs_sys::{
    kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt, kHighsStatusError, kHighsStatusOk,
    HighsCallbackDataIn, HighsCallbackDataOut, Highs_setCallback, Highs_startCallback,
    Highs_writeModel,
};
use std::ffi::{c_char, c_int, c_void, CString};
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

/// Write the model of the HiGHS instance behind `highs` to `path` (MPS, or LP when
/// the name ends in `.lp`).
///
/// # Safety
/// `highs` must point to a live HiGHS instance.
pub(crate) unsafe fn write_model(highs: *mut c_void, path: &str) -> Result<(), String> {
    let c_path = CString::new(path).map_err(|_| format!("bad path {path:?}"))?;
    // SAFETY: the caller guarantees `highs` is live; `c_path` outlives the call.
    let status = unsafe { Highs_writeModel(highs, c_path.as_ptr()) };
    // A warning (HiGHS names the unnamed columns itself) still writes the model.
    if status == kHighsStatusError {
        Err(format!("HiGHS could not write {path}"))
    } else {
        Ok(())
    }
}
