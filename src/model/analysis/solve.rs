//! The breach solver: the lever values where a condition (no covenant breached, cash never
//! negative, a KPI at least some figure) changes, the other levers held where they are, and
//! what decided it on each side (which covenant, which month, by how much).
//!
//! Algorithm: evaluate up to [`RANGE_POINTS`] grid values spread over the lever's analysis
//! range ([`Axis::for_analysis`], or the analyst's span), both ends included, in parallel; bisect
//! every change between neighbouring samples to two neighbouring grid values. Every crossing is
//! listed; the one nearest the lever's current value is *the* threshold. A flip and flip-back
//! that both fall between two samples can be missed, so "holds over the whole range" means: at
//! every sampled value.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::kpi::Kpi;
use super::{AnalysisError, Axis, Evaluator};
use crate::model::levers::LeverValue;
use crate::model::money::exact_decimal;
use crate::model::month::Month;
use crate::model::outcome::Outcome;
use crate::model::scenario::{CovenantTerms, Scenario};

/// Grid values the solver and [`failing_ranges`] sample before refining each change.
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
        let x = exact_decimal(x)
            .map_err(|err| AnalysisError::BadArgument(format!("condition `{text}`: {err}")))?;
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
    /// The crossing nearest the current value: the condition differs between two
    /// neighbouring grid values and holds on `holds_on`.
    Threshold {
        below: LeverValue,
        above: LeverValue,
        holds_on: Side,
    },
}

/// What decided the condition at one lever value, and by how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Margin {
    pub holds: bool,
    /// A covenant id, `cash`, or the KPI's name.
    pub what: String,
    /// The month of the first breach (or first negative cash) when it fails; of the lowest
    /// headroom (or cash) when it holds; `None` for a KPI with no month.
    pub month: Option<Month>,
    /// The covenant's headroom (%) in that month, the cash ($M), or the KPI less the
    /// condition's figure (in the KPI's unit); `None` when no covenant is tested at all.
    pub margin: Option<Decimal>,
    /// The margin's unit: `%`, `$M` or `months`.
    pub unit: &'static str,
}

/// Where the condition changes between two neighbouring grid values, and why on each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossing {
    pub below: LeverValue,
    pub above: LeverValue,
    pub holds_on: Side,
    pub at_below: Margin,
    pub at_above: Margin,
}

/// What [`solve`] found for one lever.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub path: String,
    pub condition: Condition,
    /// The lever's value in the base scenario, whether the condition holds there and why.
    pub current: LeverValue,
    pub holds_now: bool,
    pub now: Margin,
    /// The values searched, both ends included.
    pub low: LeverValue,
    pub high: LeverValue,
    pub outcome: SolveOutcome,
    /// Every crossing found, from the low end.
    pub crossings: Vec<Crossing>,
    /// Which of `crossings` is nearest the current value (the one `outcome` reports).
    pub nearest: Option<usize>,
    /// Model runs made.
    pub evaluations: usize,
}

impl Condition {
    /// What decided the verdict in `outcome` (a run of `scenario`), and by how much: a
    /// liquidity covenant's margin in $M (liquidity less its threshold), a ratio's in % headroom.
    pub fn margin(&self, scenario: &Scenario, outcome: &Outcome) -> Margin {
        let holds = self.holds(outcome);
        let kpis = &outcome.kpis;
        match self {
            Self::NoBreach => {
                let count = outcome.covenant_ids.len().max(1);
                let test = |t: usize, k: usize| {
                    outcome
                        .covenants
                        .get(t * count + k)
                        .and_then(|test| test.as_ref())
                };
                let headroom = |t: usize, k: usize| test(t, k).map(|test| test.headroom_pct());
                // A liquidity margin as a share of a small floor reads as nonsense (issue 9).
                let in_terms = |t: usize, k: usize| -> (Option<Decimal>, &'static str) {
                    let liquidity = scenario.covenants.iter().any(|c| {
                        c.id == outcome.covenant_ids[k]
                            && matches!(c.terms, CovenantTerms::MinLiquidity { .. })
                    });
                    match test(t, k) {
                        Some(test) if liquidity => {
                            (test.value.map(|value| value - test.threshold), "$M")
                        }
                        Some(test) => (Some(test.headroom_pct()), "%"),
                        None => (None, "%"),
                    }
                };
                let month_of = |t: usize| Month::from_index(i32::try_from(t).unwrap_or(i32::MAX));
                if let Some(breach) = &kpis.first_breach {
                    let t = usize::try_from(breach.month.index()).unwrap_or(0);
                    let k = outcome
                        .covenant_ids
                        .iter()
                        .position(|id| *id == breach.covenant);
                    let (margin, unit) = k.map_or((None, "%"), |k| in_terms(t, k));
                    return Margin {
                        holds,
                        what: breach.covenant.clone(),
                        month: Some(breach.month),
                        margin,
                        unit,
                    };
                }
                // The tightest covenant: the lowest headroom of any covenant in any month.
                let tightest = (0..outcome.months.len())
                    .flat_map(|t| (0..outcome.covenant_ids.len()).map(move |k| (t, k)))
                    .filter_map(|(t, k)| headroom(t, k).map(|h| (h, t, k)))
                    .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
                match tightest {
                    Some((_, t, k)) => {
                        let (margin, unit) = in_terms(t, k);
                        Margin {
                            holds,
                            what: outcome.covenant_ids[k].clone(),
                            month: Some(month_of(t)),
                            margin,
                            unit,
                        }
                    }
                    None => Margin {
                        holds,
                        what: "no covenant tested".to_owned(),
                        month: None,
                        margin: None,
                        unit: "%",
                    },
                }
            }
            Self::Solvent => {
                let month = kpis.runway_month.unwrap_or(kpis.min_cash_month);
                let cash = usize::try_from(month.index())
                    .ok()
                    .and_then(|t| outcome.months.get(t))
                    .map_or(kpis.min_cash, |row| row.cash);
                Margin {
                    holds,
                    what: "cash".to_owned(),
                    month: Some(month),
                    margin: Some(cash),
                    unit: "$M",
                }
            }
            Self::KpiAtLeast { kpi, x } => Margin {
                holds,
                what: kpi.to_string(),
                month: matches!(kpi, Kpi::MinCash).then_some(kpis.min_cash_month),
                margin: kpi.value(outcome).map(|value| value - *x),
                unit: kpi.unit(),
            },
        }
    }
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
    /// The validated base; each rayon job runs on a copy of its own.
    evaluator: &'a Evaluator,
    axis: &'a Axis,
    condition: &'a Condition,
}

impl Probe<'_> {
    fn holds(&self, evaluator: &mut Evaluator, index: usize) -> Result<bool, AnalysisError> {
        let outcome = evaluator.evaluate(&[(self.axis, self.axis.value_at(index))])?;
        Ok(self.condition.holds(outcome))
    }

    fn scan(&self, indices: &[usize]) -> Result<Vec<bool>, AnalysisError> {
        indices
            .par_iter()
            .map_init(
                || self.evaluator.clone(),
                |evaluator, &index| self.holds(evaluator, index),
            )
            .collect()
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
        let mut evaluator = self.evaluator.clone();
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            runs += 1;
            if self.holds(&mut evaluator, mid)? == verdict {
                low = mid;
            } else {
                high = mid;
            }
        }
        Ok((low, high, runs))
    }

    /// Every change of verdict over the grid: `(low, high, verdict at low)` with `low`, `high`
    /// neighbours, from the low end; the verdict at the low end; the runs made.
    #[allow(clippy::type_complexity)]
    fn crossings(&self) -> Result<(Vec<(usize, usize, bool)>, bool, usize), AnalysisError> {
        let samples = self.axis.spread(RANGE_POINTS);
        let verdicts = self.scan(&samples)?;
        let changes: Vec<usize> = (0..samples.len().saturating_sub(1))
            .filter(|&k| verdicts[k] != verdicts[k + 1])
            .collect();
        let edges: Vec<(usize, usize, usize)> = changes
            .par_iter()
            .map(|&k| self.bisect(samples[k], samples[k + 1], verdicts[k]))
            .collect::<Result<_, _>>()?;
        let runs = samples.len() + edges.iter().map(|edge| edge.2).sum::<usize>();
        let edges = changes
            .iter()
            .zip(edges)
            .map(|(&k, (low, high, _))| (low, high, verdicts[k]))
            .collect();
        Ok((edges, verdicts.first().copied().unwrap_or(true), runs))
    }
}

/// Finds where `condition` changes along the lever at `path` over its analysis range
/// ([`Axis::for_analysis`]), the other levers held.
pub fn solve(
    base: &Scenario,
    path: &str,
    condition: &Condition,
) -> Result<Solution, AnalysisError> {
    solve_on(base, &Axis::for_analysis(base, path)?, condition)
}

/// [`solve`] over the values of `axis` (an analysis axis, perhaps cut to the analyst's span).
pub fn solve_on(
    base: &Scenario,
    axis: &Axis,
    condition: &Condition,
) -> Result<Solution, AnalysisError> {
    condition.check(base)?;
    let evaluator = Evaluator::new(base)?;
    let probe = Probe {
        evaluator: &evaluator,
        axis,
        condition,
    };
    let current = axis.lever.value.clone();
    // The base run goes alongside the scan: it is one more job for the pool, not one more round.
    let (now, scanned) = rayon::join(
        || {
            let mut evaluator = evaluator.clone();
            Ok::<_, AnalysisError>(condition.margin(base, evaluator.evaluate(&[])?))
        },
        || probe.crossings(),
    );
    let now = now?;
    let (edges, low_verdict, mut evaluations) = scanned?;
    evaluations += 1;
    let crossings: Vec<Crossing> = edges
        .par_iter()
        .map_init(
            || evaluator.clone(),
            |evaluator, &(low, high, verdict)| {
                let (below, above) = (axis.value_at(low), axis.value_at(high));
                let at_below =
                    condition.margin(base, evaluator.evaluate(&[(axis, below.clone())])?);
                let at_above =
                    condition.margin(base, evaluator.evaluate(&[(axis, above.clone())])?);
                Ok(Crossing {
                    below,
                    above,
                    holds_on: if verdict { Side::Low } else { Side::High },
                    at_below,
                    at_above,
                })
            },
        )
        .collect::<Result<_, AnalysisError>>()?;
    evaluations += 2 * crossings.len();
    let here = axis.index_of(&current);
    let nearest = edges
        .iter()
        .enumerate()
        .min_by_key(|(_, (low, high, _))| {
            if here <= *low {
                *low - here
            } else {
                here.saturating_sub(*high)
            }
        })
        .map(|(k, _)| k);
    let outcome = match nearest.and_then(|k| crossings.get(k)) {
        Some(crossing) => SolveOutcome::Threshold {
            below: crossing.below.clone(),
            above: crossing.above.clone(),
            holds_on: crossing.holds_on,
        },
        None if low_verdict => SolveOutcome::HoldsEverywhere,
        None => SolveOutcome::FailsEverywhere,
    };
    let (low, high) = axis.ends();
    Ok(Solution {
        path: axis.path().to_owned(),
        condition: condition.clone(),
        current,
        holds_now: now.holds,
        now,
        low,
        high,
        outcome,
        crossings,
        nearest,
        evaluations,
    })
}

/// The sub-ranges of the lever at `path` where `condition` fails, the other levers held, over
/// the lever's whole registry range (the app shades its slider with it).
///
/// Samples up to `RANGE_POINTS` grid values, then bisects each change between neighbouring
/// samples to the exact grid edge. A failing stretch narrower than the sample spacing that
/// starts and ends between two samples is not seen.
pub fn failing_ranges(
    base: &Scenario,
    path: &str,
    condition: &Condition,
) -> Result<Vec<LeverRange>, AnalysisError> {
    failing_ranges_on(base, &Axis::resolve(base, path)?, condition)
}

/// [`failing_ranges`] over the values of `axis`.
pub fn failing_ranges_on(
    base: &Scenario,
    axis: &Axis,
    condition: &Condition,
) -> Result<Vec<LeverRange>, AnalysisError> {
    failing_ranges_with(&Evaluator::new(base)?, axis, condition)
}

/// [`failing_ranges_on`] with the base already validated: for a caller that runs the same base
/// again (the app's slider shading measures the margins at each range's ends).
pub fn failing_ranges_with(
    evaluator: &Evaluator,
    axis: &Axis,
    condition: &Condition,
) -> Result<Vec<LeverRange>, AnalysisError> {
    condition.check(evaluator.base())?;
    let probe = Probe {
        evaluator,
        axis,
        condition,
    };
    let (edges, low_verdict, _) = probe.crossings()?;
    let mut ranges = Vec::new();
    let mut start = (!low_verdict).then_some(0);
    for &(low, high, verdict) in &edges {
        if verdict {
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
