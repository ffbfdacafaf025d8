//! The breach solver: the lever value where a condition (no covenant breached, cash never
//! negative, a KPI at least some figure) stops holding, the other levers held where they are.
//!
//! Algorithm: evaluate up to [`SCAN_POINTS`] grid values spread over the lever's range, both
//! ends included (in parallel); take the first sample, from the low end, whose verdict differs
//! from the low end's; bisect on the step grid between it and the sample before. So a monotone
//! lever gets its exact threshold, and a non-monotone one reports the *first* flip found from
//! the low end (a flip and flip-back that both fall between two samples can be missed; the
//! verdict "holds over the whole range" means: at every sampled value).

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::kpi::Kpi;
use super::{AnalysisError, Axis, evaluate};
use crate::model::levers::LeverValue;
use crate::model::money::parse_decimal;
use crate::model::outcome::Outcome;
use crate::model::scenario::Scenario;

/// Grid values the solver samples before bisecting.
pub const SCAN_POINTS: usize = 17;
/// Grid values [`failing_ranges`] samples before refining each edge.
pub const RANGE_POINTS: usize = 64;

/// What must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// No covenant is breached in any month of the horizon.
    NoBreach,
    /// Month-end cash is never below zero.
    Solvent,
    /// The KPI is at least `x` (a covenant never tested fails a `min_headroom` condition).
    KpiAtLeast { kpi: Kpi, x: Decimal },
}

impl Condition {
    pub fn holds(&self, outcome: &Outcome) -> bool {
        match self {
            Self::NoBreach => outcome.kpis.first_breach.is_none(),
            Self::Solvent => outcome.kpis.runway_month.is_none(),
            Self::KpiAtLeast { kpi, x } => kpi.value(outcome).is_some_and(|value| value >= *x),
        }
    }

    /// Checks the condition against `scenario` (a `min_headroom` KPI names one of its covenants).
    pub fn check(&self, scenario: &Scenario) -> Result<(), AnalysisError> {
        match self {
            Self::KpiAtLeast { kpi, .. } => kpi.check(scenario),
            Self::NoBreach | Self::Solvent => Ok(()),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoBreach => f.write_str("no-breach"),
            Self::Solvent => f.write_str("solvent"),
            Self::KpiAtLeast { kpi, x } => write!(f, "{kpi}>={}", x.normalize()),
        }
    }
}

impl FromStr for Condition {
    type Err = AnalysisError;

    /// `no-breach`, `solvent` or `<kpi>>=<number>` (e.g. `min_cash>=500`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        match text {
            "no-breach" | "no_breach" => return Ok(Self::NoBreach),
            "solvent" => return Ok(Self::Solvent),
            _ => {}
        }
        let Some((kpi, x)) = text.split_once(">=") else {
            return Err(AnalysisError::BadArgument(format!(
                "unknown condition `{text}`: expected no-breach, solvent or <kpi>>=<number> (e.g. min_cash>=0)"
            )));
        };
        let kpi = kpi.parse()?;
        let x = parse_decimal(x).map_err(|message| {
            AnalysisError::BadArgument(format!("condition `{text}`: {message}"))
        })?;
        Ok(Self::KpiAtLeast { kpi, x })
    }
}

/// Which side of the threshold the condition holds on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// At `below` and lower values.
    Low,
    /// At `above` and higher values.
    High,
}

/// The solver's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SolveOutcome {
    /// The condition held at every value tried, both ends included.
    HoldsEverywhere,
    /// The condition failed at every value tried, both ends included.
    FailsEverywhere,
    /// The condition differs between two neighbouring grid values: it holds on `holds_on`.
    Threshold {
        below: LeverValue,
        above: LeverValue,
        holds_on: Side,
    },
}

/// What [`solve`] found for one lever.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub path: String,
    pub condition: Condition,
    /// The lever's value in the base scenario, and whether the condition holds there.
    pub current: LeverValue,
    pub holds_now: bool,
    pub outcome: SolveOutcome,
    /// Model runs made.
    pub evaluations: usize,
}

/// An inclusive run of grid values of one lever.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeverRange {
    pub from: LeverValue,
    pub to: LeverValue,
    /// Grid indices of `from` and `to` (see [`Axis`]).
    pub from_index: usize,
    pub to_index: usize,
}

struct Probe<'a> {
    base: &'a Scenario,
    axis: &'a Axis,
    condition: &'a Condition,
}

impl Probe<'_> {
    fn holds(&self, index: usize) -> Result<bool, AnalysisError> {
        let outcome = evaluate(self.base, &[(self.axis, self.axis.value_at(index))])?;
        Ok(self.condition.holds(&outcome))
    }

    fn scan(&self, indices: &[usize]) -> Result<Vec<bool>, AnalysisError> {
        indices.par_iter().map(|&index| self.holds(index)).collect()
    }

    /// With `holds(low) == verdict` and `holds(high) != verdict`, narrows to neighbours.
    /// Returns the pair and the runs made.
    fn bisect(
        &self,
        mut low: usize,
        mut high: usize,
        verdict: bool,
    ) -> Result<(usize, usize, usize), AnalysisError> {
        let mut runs = 0;
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            runs += 1;
            if self.holds(mid)? == verdict {
                low = mid;
            } else {
                high = mid;
            }
        }
        Ok((low, high, runs))
    }
}

/// Finds where `condition` flips along the lever at `path`, the other levers held.
pub fn solve(
    base: &Scenario,
    path: &str,
    condition: &Condition,
) -> Result<Solution, AnalysisError> {
    condition.check(base)?;
    let axis = Axis::resolve(base, path)?;
    let probe = Probe {
        base,
        axis: &axis,
        condition,
    };
    let current = axis.lever.value.clone();
    let samples = axis.spread(SCAN_POINTS);
    // The base run goes alongside the scan: it is one more job for the pool, not one more round.
    let (now, verdicts) = rayon::join(|| evaluate(base, &[]), || probe.scan(&samples));
    let holds_now = condition.holds(&now?);
    let verdicts = verdicts?;
    let mut evaluations = 1 + samples.len();
    let low_verdict = verdicts.first().copied().unwrap_or(holds_now);
    let flip = verdicts.iter().position(|&v| v != low_verdict);
    let outcome = match flip {
        None if low_verdict => SolveOutcome::HoldsEverywhere,
        None => SolveOutcome::FailsEverywhere,
        Some(j) => {
            let (low, high, runs) = probe.bisect(samples[j - 1], samples[j], low_verdict)?;
            evaluations += runs;
            SolveOutcome::Threshold {
                below: axis.value_at(low),
                above: axis.value_at(high),
                holds_on: if low_verdict { Side::Low } else { Side::High },
            }
        }
    };
    Ok(Solution {
        path: path.to_owned(),
        condition: condition.clone(),
        current,
        holds_now,
        outcome,
        evaluations,
    })
}

/// The sub-ranges of the lever at `path` where `condition` fails, the other levers held.
///
/// Samples up to [`RANGE_POINTS`] grid values, then bisects each change between neighbouring
/// samples to the exact grid edge. A failing stretch narrower than the sample spacing that
/// starts and ends between two samples is not seen.
pub fn failing_ranges(
    base: &Scenario,
    path: &str,
    condition: &Condition,
) -> Result<Vec<LeverRange>, AnalysisError> {
    condition.check(base)?;
    let axis = Axis::resolve(base, path)?;
    let probe = Probe {
        base,
        axis: &axis,
        condition,
    };
    let samples = axis.spread(RANGE_POINTS);
    let verdicts = probe.scan(&samples)?;
    // Each change between samples k and k+1, refined to neighbouring grid indices.
    let changes: Vec<usize> = (0..samples.len().saturating_sub(1))
        .filter(|&k| verdicts[k] != verdicts[k + 1])
        .collect();
    let edges: Vec<(usize, usize)> = changes
        .par_iter()
        .map(|&k| {
            probe
                .bisect(samples[k], samples[k + 1], verdicts[k])
                .map(|(low, high, _)| (low, high))
        })
        .collect::<Result<_, _>>()?;

    let mut ranges = Vec::new();
    let mut start = (!verdicts.first().copied().unwrap_or(true)).then_some(0);
    for (&k, &(low, high)) in changes.iter().zip(&edges) {
        if verdicts[k] {
            start = Some(high);
        } else if let Some(from) = start.take() {
            ranges.push((from, low));
        }
    }
    if let Some(from) = start {
        ranges.push((from, axis.len() - 1));
    }
    Ok(ranges
        .into_iter()
        .map(|(from_index, to_index)| LeverRange {
            from: axis.value_at(from_index),
            to: axis.value_at(to_index),
            from_index,
            to_index,
        })
        .collect())
}

/// The sub-ranges of a lever where some covenant is breached: for the app's red slider track.
pub fn breach_ranges(base: &Scenario, path: &str) -> Result<Vec<LeverRange>, AnalysisError> {
    failing_ranges(base, path, &Condition::NoBreach)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

    #[test]
    fn conditions_parse_and_print_back() {
        for text in [
            "no-breach",
            "solvent",
            "min_cash>=500",
            "min_headroom:dscr>=-2.5",
        ] {
            let condition: Condition = text.parse().expect(text);
            assert_eq!(condition.to_string(), text);
        }
        for bad in [
            "",
            "breach",
            "min_cash>=",
            "min_cash>=x",
            "cash>=3",
            "min_cash>3",
        ] {
            assert!(bad.parse::<Condition>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn a_kpi_condition_on_an_unknown_covenant_names_it() {
        let base = default_scenario().into_scenario();
        let condition: Condition = "min_headroom:nope>=0".parse().expect("parses");
        let err = solve(&base, "rates.sofr_pct", &condition).expect_err("no such covenant");
        assert!(err.to_string().contains("nope"), "{err}");
        let err = solve(&base, "rates.nope", &Condition::Solvent).expect_err("no such lever");
        assert!(err.to_string().contains("rates.nope"), "{err}");
    }

    #[test]
    fn a_condition_that_cannot_fail_holds_everywhere() {
        let base = default_scenario().into_scenario();
        let condition: Condition = "first_breach>=0".parse().expect("parses");
        let solution = solve(&base, "rates.sofr_pct", &condition).expect("solves");
        assert_eq!(solution.outcome, SolveOutcome::HoldsEverywhere);
        assert!(
            failing_ranges(&base, "rates.sofr_pct", &condition)
                .expect("ranges")
                .is_empty()
        );
        let never: Condition = "first_breach>=10000".parse().expect("parses");
        let solution = solve(&base, "rates.sofr_pct", &never).expect("solves");
        assert_eq!(solution.outcome, SolveOutcome::FailsEverywhere);
        let ranges = failing_ranges(&base, "rates.sofr_pct", &never).expect("ranges");
        assert_eq!(ranges.len(), 1);
        assert_eq!(ranges[0].from_index, 0);
    }
}
