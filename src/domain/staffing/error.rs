//! Errors returned by the staffing calculations.

use thiserror::Error;

/// Everything that can go wrong is an invalid input or a search that would
/// leave the supported range; the numerics themselves never panic.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StaffingError {
    /// A numeric input is NaN, infinite or outside its documented range.
    #[error("invalid input `{field}` = {value}: {reason}")]
    InvalidInput {
        field: &'static str,
        value: f64,
        reason: &'static str,
    },
    /// The handle-time list is empty.
    #[error("at least one AHT value is required")]
    NoHandleTime,
    /// Offered load above [`super::MAX_LOAD_ERLANGS`].
    #[error(
        "offered load {0:.2} Erlangs exceeds the supported maximum of {max} Erlangs",
        max = super::MAX_LOAD_ERLANGS
    )]
    LoadTooLarge(f64),
    /// No server count up to [`super::MAX_SERVERS`] meets the targets.
    #[error("targets cannot be met with at most {0} servers")]
    TargetUnreachable(u32),
    /// A special-function evaluation did not converge (should not happen
    /// inside the validated input ranges; reported instead of returning junk).
    #[error("numerical evaluation did not converge: {0}")]
    NoConvergence(&'static str),
}

pub(super) fn check_range(
    field: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    reason: &'static str,
) -> Result<f64, StaffingError> {
    // `contains` is false for NaN, so NaN is rejected too.
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(StaffingError::InvalidInput {
            field,
            value,
            reason,
        })
    }
}
