//! The two things good_lp's HiGHS backend lacks, through HiGHS's C API: stopping a
//! running solve from another thread or at a work limit (a callback polls a flag the
//! caller owns and HiGHS's LP iteration count), and
//! writing a model to a file for an outside solver. The crate's only `unsafe` code.

use highs_sys::{
    kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt, kHighsStatusError, kHighsStatusOk,
    HighsCallbackDataIn, HighsCallbackDataOut, Highs_setCallback, Highs_startCallback,
    Highs_writeModel,
};
use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// When a HiGHS solve should stop early: once a flag is set (from another thread),
/// or once its work reaches a limit. Work is counted from what HiGHS reports at its
/// interrupt points, which come at the same points of the same search on every run,
/// so where a work limit stops it does not depend on the clock.
#[derive(Debug, Default)]
pub(crate) struct Interrupt<'a> {
    pub stop: Option<&'a AtomicBool>,
    pub work: Option<WorkLimit>,
}

/// A HiGHS run's work: `per_iteration` ticks per LP iteration and `per_check` per
/// check of its limits (a separation round or a node, each a pass over the model),
/// stopped at `limit` ticks.
#[derive(Debug, Default)]
pub(crate) struct WorkLimit {
    pub per_iteration: u64,
    pub per_check: u64,
    pub limit: u64,
    /// Checks of its limits seen so far.
    pub checks: AtomicU64,
}

impl WorkLimit {
    /// Ticks of `iterations` LP iterations and the checks seen so far.
    pub fn ticks(&self, iterations: u64) -> u64 {
        iterations
            .saturating_mul(self.per_iteration)
            .saturating_add(
                self.checks
                    .load(Ordering::Relaxed)
                    .saturating_mul(self.per_check),
            )
    }
}

/// Called by HiGHS at its interrupt points (simplex iterations, MIP nodes and
/// heuristics); asks it to stop once the [`Interrupt`] behind `user` says so.
unsafe extern "C" fn interrupt_when_due(
    kind: c_int,
    _message: *const c_char,
    out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    user: *mut c_void,
) {
    // SAFETY: `user` is the `&Interrupt` passed to `interrupt_on`, which outlives the
    // solve; `out` and `data_in` are HiGHS's own records for this call (checked for
    // null).
    unsafe {
        let when = &*(user as *const Interrupt);
        if data_in.is_null() {
            return;
        }
        let stopped = when.stop.is_some_and(|s| s.load(Ordering::Relaxed));
        let mip = kind == kHighsCallbackMipInterrupt;
        let iterations = if out.is_null() {
            0
        } else if mip {
            (*out).mip_total_lp_iterations
        } else {
            i64::from((*out).simplex_iteration_count)
        };
        let worked_out = when.work.as_ref().is_some_and(|w| {
            if mip {
                w.checks.fetch_add(1, Ordering::Relaxed);
            }
            w.ticks(iterations.unsigned_abs()) >= w.limit
        });
        if stopped || worked_out {
            (*data_in).user_interrupt = 1;
        }
    }
}

/// Make the HiGHS instance behind `highs` stop its next solve soon after `when` says so.
///
/// # Safety
/// `highs` must point to a live HiGHS instance, and `when` must outlive every solve
/// that instance runs (HiGHS keeps the pointer).
pub(crate) unsafe fn interrupt_on(highs: *mut c_void, when: &Interrupt) -> Result<(), String> {
    let user = when as *const Interrupt as *mut c_void;
    // SAFETY: the caller guarantees `highs` is live and `when` outlives its solves.
    let ok = unsafe {
        Highs_setCallback(highs, Some(interrupt_when_due), user) == kHighsStatusOk
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
