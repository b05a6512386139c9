//! Structured logs through `tracing`; actix's request log is bridged in from the `log` crate.

use tracing_subscriber::EnvFilter;

/// The `highs` crate logs every non-error status of a HiGHS call as a warning, and a MIP stopped
/// by its time limit is one: an expected outcome that every roster already reports in its
/// `status`. So unless the filter says otherwise, only HiGHS's errors are logged.
fn with_quiet_solver(filter: &str) -> String {
    if filter.contains("highs") {
        filter.to_string()
    } else {
        format!("{filter},highs=error")
    }
}

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(with_quiet_solver(filter))
        .unwrap_or_else(|_| EnvFilter::new(with_quiet_solver("info")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::with_quiet_solver;

    #[test]
    fn solver_warnings_are_quiet_unless_asked_for() {
        assert_eq!(with_quiet_solver("info"), "info,highs=error");
        assert_eq!(
            with_quiet_solver("chatroster=debug,actix_web=info"),
            "chatroster=debug,actix_web=info,highs=error"
        );
        assert_eq!(with_quiet_solver("info,highs=warn"), "info,highs=warn");
    }
}
