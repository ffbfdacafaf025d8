//! Analyses over many runs of the one model (issue 4): the breach solver, the tornado, the
//! two-lever breach map and Monte Carlo. Pure: no egui, no I/O, no clock. Each analysis takes a
//! base [`Scenario`], changes levers through the registry, validates and runs; the results are
//! plain data for the app and the CLI to draw or print. See `docs/analysis.md`.

pub mod axis;
pub mod grid;
pub mod kpi;
pub mod montecarlo;
pub mod solve;
pub mod tornado;

pub use axis::Axis;
pub use grid::{BreachMap, breach_map};
pub use kpi::Kpi;
pub use montecarlo::{
    Distribution, FundingNeedSummary, Histogram, MonteCarloResult, MonteCarloSpec, monte_carlo,
};
pub use solve::{
    Condition, LeverRange, Side, Solution, SolveOutcome, breach_ranges, failing_ranges, solve,
};
pub use tornado::{TornadoBar, TornadoSpan, tornado};

use super::engine::run;
use super::levers::{LeverError, LeverValue};
use super::outcome::Outcome;
use super::scenario::Scenario;
use super::validate::validate;

/// Why an analysis could not be done. Every variant names the lever, KPI or argument at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Lever(#[from] LeverError),
    /// A lever that cannot be used the way it was asked for (a choice in a tornado, …).
    #[error("{path}: {message}")]
    Unsupported { path: String, message: String },
    #[error("{0}")]
    BadArgument(String),
    /// The scenario did not validate or run with these lever values.
    #[error("with {at}: {message}")]
    Run { at: String, message: String },
    #[error("cancelled")]
    Cancelled,
}

/// Clones `base`, sets each lever to its value, validates and runs.
///
/// Lever ranges are the validation bounds, so in-range values of a valid base always validate;
/// an error here names the lever values that were being tried.
pub fn evaluate(
    base: &Scenario,
    assignments: &[(&Axis, LeverValue)],
) -> Result<Outcome, AnalysisError> {
    let mut scenario = base.clone();
    // A run needs no distributions; checking them would walk the registry on every run.
    scenario.montecarlo = None;
    for (axis, value) in assignments {
        axis.apply(&mut scenario, value)?;
    }
    let at = || {
        if assignments.is_empty() {
            "the base scenario".to_owned()
        } else {
            assignments
                .iter()
                .map(|(axis, value)| format!("{} = {value}", axis.path()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let valid = validate(scenario).map_err(|err| AnalysisError::Run {
        at: at(),
        message: err.to_string(),
    })?;
    run(&valid).map_err(|err| AnalysisError::Run {
        at: at(),
        message: err.to_string(),
    })
}
