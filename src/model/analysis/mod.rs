//! Analyses over many runs of the one model (issue 4): the breach solver, the tornado, the
//! two-lever breach map and Monte Carlo. Pure: no egui, no I/O, no clock. Each analysis takes a
//! base [`Scenario`], changes levers through the registry, validates and runs; the results are
//! plain data for the app and the CLI to draw or print. See `docs/analysis.md`.
//!
//! Its modules are private; what callers use is exported here, one path each
//! (`model::analysis::Tornado`).

mod axis;
mod funding;
mod grid;
mod kpi;
mod montecarlo;
mod solve;
mod span;
mod tornado;

pub use axis::Axis;
pub use funding::{QuarterNeed, funding_need_by_quarter};
pub use grid::{BreachMap, DEFAULT_STEPS, MAX_STEPS, breach_map, breach_map_on};
pub use kpi::Kpi;
pub use montecarlo::{
    CovenantOdds, FirstBreachSummary, FundingNeedSummary, Histogram, MonteCarloResult, OddsBy,
    default_distribution, monte_carlo,
};
pub use solve::{
    Condition, Crossing, LeverRange, Margin, Side, Solution, SolveOutcome, breach_ranges,
    failing_ranges, failing_ranges_on, failing_ranges_with, solve, solve_on,
};
pub use span::{LeverSpan, axis_with_spans};
pub use tornado::{SpanRule, Tornado, TornadoBar, TornadoSpans, span_text, tornado_of};

use super::engine::{run, run_scenario_into};
use super::levers::{LeverError, LeverValue, check_value};
use super::outcome::Outcome;
use super::scenario::Scenario;
use super::validate::{ValidScenario, validate};

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

/// Clones `base`, sets each lever to its value, validates and runs. For one setting; an
/// analysis that runs many settings of one base keeps an [`Evaluator`], which validates once.
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
    let failed = |message: String| AnalysisError::Run {
        at: describe(assignments),
        message,
    };
    let valid = validate(scenario).map_err(|err| failed(err.to_string()))?;
    run(&valid).map_err(|err| failed(err.to_string()))
}

/// Many lever settings of one base scenario, run fast: the base is validated once; each
/// evaluation resets the levers, sets the new values after checking only their ranges
/// (the ranges are the validation bounds), and runs into an outcome whose buffers are reused.
/// A clone is a second evaluator of the same base, for another thread, without revalidating.
#[derive(Clone)]
pub struct Evaluator {
    base: ValidScenario,
    /// The base with this evaluation's levers set.
    scenario: Scenario,
    /// The paths of the levers set in `scenario` since it was last reset to the base.
    moved: Vec<String>,
    outcome: Outcome,
}

impl Evaluator {
    /// Validates `base` (without its Monte Carlo distributions: a run needs none, and checking
    /// them walks the registry).
    pub fn new(base: &Scenario) -> Result<Self, AnalysisError> {
        let mut scenario = base.clone();
        scenario.montecarlo = None;
        let base = validate(scenario).map_err(|err| AnalysisError::Run {
            at: "the base scenario".to_owned(),
            message: err.to_string(),
        })?;
        Ok(Self {
            scenario: base.scenario().clone(),
            base,
            moved: Vec::new(),
            outcome: Outcome::default(),
        })
    }

    /// The validated base scenario.
    pub fn base(&self) -> &Scenario {
        self.base.scenario()
    }

    /// Runs the base with each lever set to its value; the outcome is valid until the next call.
    pub fn evaluate(
        &mut self,
        assignments: &[(&Axis, LeverValue)],
    ) -> Result<&Outcome, AnalysisError> {
        // A lever writes one field. When every lever moved since the last reset is set again
        // now (a grid, a Monte Carlo draw, a solver's scan: the same levers each time), each
        // of their fields is overwritten below, so the scenario needs no reset to the base.
        let all_set_again = self
            .moved
            .iter()
            .all(|moved| assignments.iter().any(|(axis, _)| axis.path() == moved));
        if !all_set_again {
            self.scenario.clone_from(self.base.scenario());
            self.moved.clear();
        }
        for (axis, value) in assignments {
            check_value(&axis.lever.kind, axis.lever.unit, value).map_err(|err| {
                LeverError::BadValue {
                    path: axis.path().to_owned(),
                    message: err.to_string(),
                }
            })?;
            if !self.moved.iter().any(|moved| moved == axis.path()) {
                self.moved.push(axis.path().to_owned());
            }
            axis.apply(&mut self.scenario, value)?;
        }
        run_scenario_into(&self.scenario, &mut self.outcome).map_err(|err| AnalysisError::Run {
            at: describe(assignments),
            message: err.to_string(),
        })?;
        Ok(&self.outcome)
    }
}

/// `path = value, …`, or the base scenario when no lever moved: where a run failed.
fn describe(assignments: &[(&Axis, LeverValue)]) -> String {
    if assignments.is_empty() {
        return "the base scenario".to_owned();
    }
    assignments
        .iter()
        .map(|(axis, value)| format!("{} = {value}", axis.path()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use rust_decimal::Decimal;

    use super::*;
    use crate::model::levers::{LeverKind, levers};
    use crate::model::preset::{SHIPPED_PRESETS, parse_preset};

    #[test]
    fn an_out_of_range_lever_is_refused_by_name_and_leaves_no_trace() {
        let base = parse_preset(SHIPPED_PRESETS[0].1)
            .expect("shipped")
            .into_scenario();
        let axis = Axis::resolve(&base, "rates.sofr_pct").expect("a lever");
        let LeverKind::Number { max, .. } = axis.lever.kind else {
            panic!("SOFR is a number");
        };
        let mut evaluator = Evaluator::new(&base).expect("a shipped preset validates");
        let too_high = LeverValue::Number(max + Decimal::ONE);
        let err = evaluator
            .evaluate(&[(&axis, too_high)])
            .expect_err("above the range");
        assert!(
            matches!(&err, AnalysisError::Lever(LeverError::BadValue { path, .. }) if path == "rates.sofr_pct"),
            "{err}"
        );
        let after = evaluator.evaluate(&[]).expect("the base runs").clone();
        assert_eq!(after, evaluate(&base, &[]).expect("the base runs"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// In-range levers of a valid base always validate, so checking only their ranges
        /// runs exactly what full validation (`evaluate`) would: one evaluator, reused
        /// across settings, so a lever set for one setting must not leak into the next.
        #[test]
        fn the_evaluator_runs_what_validation_would(
            preset in 0usize..SHIPPED_PRESETS.len(),
            settings in prop::collection::vec(
                prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..4),
                1..4,
            ),
        ) {
            let base = parse_preset(SHIPPED_PRESETS[preset].1).expect("shipped").into_scenario();
            let axes: Vec<Axis> = levers(&base).into_iter().map(Axis::from_lever).collect();
            let mut evaluator = Evaluator::new(&base).expect("a shipped preset validates");
            for setting in &settings {
                let assignments: Vec<(&Axis, LeverValue)> = setting
                    .iter()
                    .map(|(lever, point)| {
                        let axis = lever.get(&axes);
                        (axis, axis.value_at(point.index(axis.len())))
                    })
                    .collect();
                // `evaluate` validates the whole scenario with the levers set.
                let expected = evaluate(&base, &assignments).map_err(|err| TestCaseError::fail(err.to_string()))?;
                let got = evaluator.evaluate(&assignments).map_err(|err| TestCaseError::fail(err.to_string()))?;
                prop_assert_eq!(got, &expected, "{}", describe(&assignments));
            }
        }

        /// The same few levers set again and again, all of them or some (as a grid, a Monte
        /// Carlo draw or a tornado's bars do): the evaluator skips its reset when every lever
        /// moved before is set again, and must still run exactly the base with these values.
        #[test]
        fn levers_set_again_run_what_validation_would(
            preset in 0usize..SHIPPED_PRESETS.len(),
            pool in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
            settings in prop::collection::vec(
                prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..4),
                2..8,
            ),
        ) {
            let base = parse_preset(SHIPPED_PRESETS[preset].1).expect("shipped").into_scenario();
            let axes: Vec<Axis> = levers(&base).into_iter().map(Axis::from_lever).collect();
            let pool: Vec<&Axis> = pool.iter().map(|lever| lever.get(&axes)).collect();
            let mut evaluator = Evaluator::new(&base).expect("a shipped preset validates");
            for setting in &settings {
                let mut assignments: Vec<(&Axis, LeverValue)> = Vec::new();
                for (lever, point) in setting {
                    let axis = *lever.get(&pool);
                    if assignments.iter().all(|(set, _)| set.path() != axis.path()) {
                        assignments.push((axis, axis.value_at(point.index(axis.len()))));
                    }
                }
                let expected = evaluate(&base, &assignments).map_err(|err| TestCaseError::fail(err.to_string()))?;
                let got = evaluator.evaluate(&assignments).map_err(|err| TestCaseError::fail(err.to_string()))?;
                prop_assert_eq!(got, &expected, "{}", describe(&assignments));
            }
        }
    }
}
