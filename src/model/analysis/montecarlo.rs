//! Monte Carlo: levers drawn from distributions, N runs on every core, summarised as cash
//! percentiles per month, the cumulative probability of a breach, and the funding need.
//!
//! Reproducible from the seed whatever the thread count: run `i` draws from its own ChaCha8
//! stream (`seed`, stream `i`), runs are aggregated in index order, and the levers are drawn
//! in the spec's order. A drawn value is snapped to the lever's grid and clamped to its range
//! (see [`super::Axis`]), so every run validates.
//!
//! Only the sampler lives here: the spec and its distributions are data beside the scenario
//! (`model::MonteCarloSpec`), checked by validation (`validate::montecarlo`), whose check of
//! each drawn lever the sampler reuses when it prepares the draws.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use super::span::LeverSpan;
use super::{AnalysisError, Axis, Evaluator};
use crate::model::levers::{
    Lever, LeverKind, LeverValue, analysis_limits, lever, levers, plausible_range,
};
use crate::model::montecarlo_spec::{Distribution, MonteCarloSpec};
use crate::model::month::Month;
use crate::model::scenario::Scenario;
use crate::model::validate::{drawable_lever, montecarlo_issues};

/// Bins of the funding-need histogram.
pub const HISTOGRAM_BINS: usize = 20;
/// Percentiles reported for the funding need.
pub const FUNDING_PERCENTILES: [u8; 7] = [5, 10, 25, 50, 75, 90, 95];

/// Draws one value. Continuous draws go through `f64`; they are snapped to the lever's grid
/// afterwards, so the binary noise never reaches the model.
fn sample(distribution: &Distribution, rng: &mut ChaCha8Rng) -> Decimal {
    let u: f64 = rng.random();
    let float = |value: &Decimal| value.to_f64().unwrap_or(0.0);
    let drawn = match distribution {
        Distribution::Uniform { min, max } => float(min) + u * (float(max) - float(min)),
        Distribution::Triangular { min, mode, max } => {
            let (a, c, b) = (float(min), float(mode), float(max));
            if b <= a {
                a
            } else if u < (c - a) / (b - a) {
                a + (u * (b - a) * (c - a)).sqrt()
            } else {
                b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
            }
        }
        // Exact: one of `count` whole values, each with the same chance (`u` < 1).
        Distribution::Int { min, max } => {
            let count = (*max - *min + Decimal::ONE).to_f64().unwrap_or(1.0);
            return *min + Decimal::from(((u * count).floor() as i64).max(0));
        }
        Distribution::Discrete {
            values,
            probabilities,
        } => {
            let mut cumulative = 0.0;
            for (value, p) in values.iter().zip(probabilities) {
                cumulative += float(p);
                if u < cumulative {
                    return *value;
                }
            }
            return values.last().copied().unwrap_or_default();
        }
    };
    Decimal::from_f64(drawn).unwrap_or_default()
}

/// The distribution a lever is drawn from when none is given: over `span` if the analyst gave
/// one, else over the lever's plausible range ([`plausible_range`]); `int:LO:HI` for a
/// whole-number lever and for a month lever (a shift in months from its preset month),
/// `uniform:LO:HI` for any other number.
pub fn default_distribution(
    scenario: &Scenario,
    path: &str,
    span: Option<&LeverSpan>,
) -> Result<Distribution, AnalysisError> {
    let lever = lever(scenario, path)?;
    let (low, high) = match span {
        Some(span) => (span.low.clone(), span.high.clone()),
        None => {
            let range =
                plausible_range(scenario, &lever).ok_or_else(|| AnalysisError::Unsupported {
                    path: path.to_owned(),
                    message: "a choice lever cannot be drawn; set it with --set and run again"
                        .to_owned(),
                })?;
            (range.low, range.high)
        }
    };
    let int = |low: i64, high: i64| {
        Distribution::int_uniform(low, high).map_err(|message| AnalysisError::Unsupported {
            path: path.to_owned(),
            message,
        })
    };
    match (&lever.kind, &lever.value, low, high) {
        (
            LeverKind::Number { whole: true, .. },
            _,
            LeverValue::Number(low),
            LeverValue::Number(high),
        ) => int(
            low.ceil().to_i64().unwrap_or(0),
            high.floor().to_i64().unwrap_or(0),
        ),
        (LeverKind::Number { .. }, _, LeverValue::Number(min), LeverValue::Number(max)) => {
            Ok(Distribution::Uniform { min, max })
        }
        (_, LeverValue::Month(now), LeverValue::Month(low), LeverValue::Month(high)) => int(
            i64::from(low.index() - now.index()),
            i64::from(high.index() - now.index()),
        ),
        _ => Err(AnalysisError::Unsupported {
            path: path.to_owned(),
            message: "a choice lever cannot be drawn; set it with --set and run again".to_owned(),
        }),
    }
}

/// A lever ready to draw: its axis and, for a month lever, the grid index of its preset month.
struct DrawnLever<'a> {
    axis: Axis,
    distribution: &'a Distribution,
    month_origin: Option<usize>,
}

/// Prepares one drawn lever for drawing after the spec's checks (`registry` = `levers(scenario)`).
fn prepare_lever<'a>(
    scenario: &Scenario,
    registry: &[Lever],
    path: &str,
    distribution: &'a Distribution,
) -> Result<DrawnLever<'a>, String> {
    let lever = drawable_lever(registry, path, distribution)?;
    // Draws stay inside the analysis limits: none dates a flow before the model starts.
    let axis = match analysis_limits(scenario, lever) {
        Some((low, high)) => Axis::from_lever(lever.clone()).narrowed_to(&low, &high),
        None => Axis::from_lever(lever.clone()),
    };
    let month_origin = match &axis.lever.value {
        LeverValue::Month(_) => Some(axis.index_of(&axis.lever.value)),
        // `drawable_lever` refused a choice.
        LeverValue::Number(_) | LeverValue::Choice(_) => None,
    };
    Ok(DrawnLever {
        axis,
        distribution,
        month_origin,
    })
}

impl DrawnLever<'_> {
    fn draw(&self, rng: &mut ChaCha8Rng) -> LeverValue {
        let drawn = sample(self.distribution, rng);
        let index = match self.month_origin {
            Some(origin) => Decimal::from(origin).checked_add(drawn).map_or_else(
                || self.axis.len() - 1,
                |shifted| self.axis.snap_index(shifted),
            ),
            None => self.axis.snap_index(drawn),
        };
        self.axis.value_at(index)
    }
}

/// Histogram of a sample: `counts[k]` values fell in `[edges[k], edges[k+1])` (the last bin
/// includes its upper edge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Histogram {
    pub edges: Vec<Decimal>,
    pub counts: Vec<u32>,
}

/// The funding need over the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FundingNeedSummary {
    /// `(p, value)`: nearest-rank percentiles for `FUNDING_PERCENTILES`.
    pub percentiles: Vec<(u8, Decimal)>,
    pub mean: Decimal,
    /// Share of runs that need any funding.
    pub probability_positive: f64,
    pub histogram: Histogram,
}

/// One covenant's odds: the share of runs that breached it in each month or earlier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CovenantOdds {
    pub id: String,
    pub breach_probability: Vec<f64>,
}

/// When the first breach of any covenant falls, over the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirstBreachSummary {
    /// `(p, month)`: nearest-rank percentiles for `FUNDING_PERCENTILES`, a run with no breach
    /// counting as later than the horizon (`None`: no breach by the horizon at that rank).
    pub percentiles: Vec<(u8, Option<Month>)>,
    /// Share of runs with a breach in the horizon.
    pub probability: f64,
}

/// The chance of a breach by one month.
#[derive(Clone, Debug, PartialEq)]
pub struct OddsBy {
    pub month: Month,
    /// Share of runs with any covenant breached in `month` or earlier.
    pub any: f64,
    /// The same per covenant, in the scenario's order.
    pub covenants: Vec<(String, f64)>,
}

/// What [`monte_carlo`] returns. Per-month vectors are indexed by `t`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonteCarloResult {
    pub seed: u64,
    pub runs: usize,
    pub months: Vec<Month>,
    /// Month-end cash percentiles (nearest rank), $M.
    pub cash_p10: Vec<Decimal>,
    pub cash_p50: Vec<Decimal>,
    pub cash_p90: Vec<Decimal>,
    /// Share of runs with a covenant breach in this month or earlier.
    pub breach_probability: Vec<f64>,
    /// Share of runs with cash below zero in this month or earlier.
    pub negative_cash_probability: Vec<f64>,
    /// [`Self::breach_probability`] per covenant.
    pub covenants: Vec<CovenantOdds>,
    pub first_breach: FirstBreachSummary,
    pub funding_need: FundingNeedSummary,
}

impl MonteCarloResult {
    /// The chance of a breach by `month` (`None`: the month is outside the horizon).
    pub fn odds_by(&self, month: Month) -> Option<OddsBy> {
        let t = self.months.iter().position(|m| *m == month)?;
        Some(OddsBy {
            month,
            any: *self.breach_probability.get(t)?,
            covenants: self
                .covenants
                .iter()
                .map(|odds| {
                    (
                        odds.id.clone(),
                        odds.breach_probability.get(t).copied().unwrap_or(0.0),
                    )
                })
                .collect(),
        })
    }
}

/// What one run leaves for the summary.
struct RunRecord {
    cash: Vec<Decimal>,
    first_breach: Option<usize>,
    /// The first breach of each covenant, in the scenario's order.
    covenant_firsts: Vec<Option<usize>>,
    runway: Option<usize>,
    funding_need: Decimal,
}

/// Runs `spec.runs` draws of `base` on the current rayon pool.
///
/// `progress` counts finished runs (for a progress bar); setting `cancel` stops the remaining
/// runs and returns [`AnalysisError::Cancelled`].
pub fn monte_carlo(
    base: &Scenario,
    spec: &MonteCarloSpec,
    progress: &AtomicUsize,
    cancel: &AtomicBool,
) -> Result<MonteCarloResult, AnalysisError> {
    if let Some(issue) = montecarlo_issues(base, spec).into_iter().next() {
        return Err(AnalysisError::BadArgument(issue.message));
    }
    let registry = levers(base);
    let drawn: Vec<DrawnLever<'_>> = spec
        .levers
        .iter()
        .map(|(path, distribution)| prepare_lever(base, &registry, path, distribution))
        .collect::<Result<_, _>>()
        .map_err(AnalysisError::BadArgument)?;
    let runs = spec.runs as usize;
    // Validated once; each of rayon's pieces of work runs a clone, and reuses one list of
    // assignments for its draws.
    let evaluator = Evaluator::new(base)?;
    let records: Vec<Option<Result<RunRecord, AnalysisError>>> = (0..runs)
        .into_par_iter()
        .map_init(
            || (evaluator.clone(), Vec::with_capacity(drawn.len())),
            |(evaluator, assignments), index| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let record = one_run(evaluator, assignments, &drawn, spec.seed, index);
                progress.fetch_add(1, Ordering::Relaxed);
                Some(record)
            },
        )
        .collect();
    let records: Vec<RunRecord> = records
        .into_iter()
        .map(|record| record.unwrap_or(Err(AnalysisError::Cancelled)))
        .collect::<Result<_, _>>()?;
    Ok(summarise(base, spec.seed, &records))
}

/// Run `index` of the simulation: its own random stream, each lever drawn in turn.
fn one_run<'a>(
    evaluator: &mut Evaluator,
    assignments: &mut Vec<(&'a Axis, LeverValue)>,
    drawn: &'a [DrawnLever<'_>],
    seed: u64,
    index: usize,
) -> Result<RunRecord, AnalysisError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    assignments.clear();
    assignments.extend(
        drawn
            .iter()
            .map(|lever| (&lever.axis, lever.draw(&mut rng))),
    );
    let outcome = evaluator.evaluate(assignments)?;
    let kpis = &outcome.kpis;
    Ok(RunRecord {
        cash: outcome.months.iter().map(|row| row.cash).collect(),
        first_breach: kpis
            .first_breach
            .as_ref()
            .and_then(|breach| usize::try_from(breach.month.index()).ok()),
        covenant_firsts: kpis
            .covenants
            .iter()
            .map(|kpi| {
                kpi.first_breach
                    .and_then(|month| usize::try_from(month.index()).ok())
            })
            .collect(),
        runway: kpis
            .runway_month
            .and_then(|month| usize::try_from(month.index()).ok()),
        funding_need: kpis.funding_need,
    })
}

/// Nearest-rank percentile `p` of `values` (reorders them): the value at rank `⌈p/100 × n⌉`.
fn percentile(values: &mut [Decimal], p: u8) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    let n = values.len();
    let rank = (usize::from(p) * n).div_ceil(100).clamp(1, n);
    *values.select_nth_unstable(rank - 1).1
}

fn cumulative_share(
    firsts: impl Iterator<Item = Option<usize>>,
    horizon: usize,
    runs: usize,
) -> Vec<f64> {
    let mut counts = vec![0_usize; horizon];
    for t in firsts.flatten() {
        if let Some(count) = counts.get_mut(t) {
            *count += 1;
        }
    }
    let mut total = 0;
    counts
        .into_iter()
        .map(|count| {
            total += count;
            total as f64 / runs.max(1) as f64
        })
        .collect()
}

fn histogram(values: &[Decimal]) -> Histogram {
    let (Some(low), Some(high)) = (values.iter().min(), values.iter().max()) else {
        return Histogram {
            edges: Vec::new(),
            counts: Vec::new(),
        };
    };
    if low == high {
        return Histogram {
            edges: vec![*low, *high],
            counts: vec![u32::try_from(values.len()).unwrap_or(u32::MAX)],
        };
    }
    let width = (high - low) / Decimal::from(HISTOGRAM_BINS);
    let edges = (0..=HISTOGRAM_BINS)
        .map(|k| {
            if k == HISTOGRAM_BINS {
                *high
            } else {
                low + width * Decimal::from(k)
            }
        })
        .collect();
    let mut counts = vec![0_u32; HISTOGRAM_BINS];
    for value in values {
        let bin = (value - low)
            .checked_div(width)
            .and_then(|ratio| ratio.floor().to_usize())
            .unwrap_or(HISTOGRAM_BINS - 1)
            .min(HISTOGRAM_BINS - 1);
        counts[bin] = counts[bin].saturating_add(1);
    }
    Histogram { edges, counts }
}

fn first_breach_summary(records: &[RunRecord]) -> FirstBreachSummary {
    // A run with no breach sorts after every month.
    let mut firsts: Vec<usize> = records
        .iter()
        .map(|record| record.first_breach.unwrap_or(usize::MAX))
        .collect();
    firsts.sort_unstable();
    let n = firsts.len();
    let percentiles = FUNDING_PERCENTILES
        .iter()
        .map(|&p| {
            let rank = (usize::from(p) * n).div_ceil(100).clamp(1, n.max(1));
            let month = firsts
                .get(rank - 1)
                .filter(|&&t| t != usize::MAX)
                .map(|&t| Month::from_index(i32::try_from(t).unwrap_or(i32::MAX)));
            (p, month)
        })
        .collect();
    let breached = firsts.iter().filter(|&&t| t != usize::MAX).count();
    FirstBreachSummary {
        percentiles,
        probability: breached as f64 / n.max(1) as f64,
    }
}

fn summarise(base: &Scenario, seed: u64, records: &[RunRecord]) -> MonteCarloResult {
    let runs = records.len();
    let horizon = base.horizon_months as usize;
    let cash_percentiles: Vec<(Decimal, Decimal, Decimal)> = (0..horizon)
        .into_par_iter()
        .map(|t| {
            let mut column: Vec<Decimal> = records
                .iter()
                .filter_map(|record| record.cash.get(t).copied())
                .collect();
            (
                percentile(&mut column, 10),
                percentile(&mut column, 50),
                percentile(&mut column, 90),
            )
        })
        .collect();
    let mut needs: Vec<Decimal> = records.iter().map(|record| record.funding_need).collect();
    let total_need: Decimal = needs.iter().sum();
    let positive = needs
        .iter()
        .filter(|need| need.is_sign_positive() && !need.is_zero())
        .count();
    let funding_need = FundingNeedSummary {
        histogram: histogram(&needs),
        mean: if runs == 0 {
            Decimal::ZERO
        } else {
            total_need / Decimal::from(runs)
        },
        probability_positive: positive as f64 / runs.max(1) as f64,
        percentiles: FUNDING_PERCENTILES
            .iter()
            .map(|&p| (p, percentile(&mut needs, p)))
            .collect(),
    };
    MonteCarloResult {
        seed,
        runs,
        months: (0..horizon)
            .map(|t| Month::from_index(i32::try_from(t).unwrap_or(i32::MAX)))
            .collect(),
        cash_p10: cash_percentiles.iter().map(|p| p.0).collect(),
        cash_p50: cash_percentiles.iter().map(|p| p.1).collect(),
        cash_p90: cash_percentiles.iter().map(|p| p.2).collect(),
        breach_probability: cumulative_share(
            records.iter().map(|record| record.first_breach),
            horizon,
            runs,
        ),
        negative_cash_probability: cumulative_share(
            records.iter().map(|record| record.runway),
            horizon,
            runs,
        ),
        covenants: base
            .covenants
            .iter()
            .enumerate()
            .map(|(k, covenant)| CovenantOdds {
                id: covenant.id.clone(),
                breach_probability: cumulative_share(
                    records
                        .iter()
                        .map(|record| record.covenant_firsts.get(k).copied().flatten()),
                    horizon,
                    runs,
                ),
            })
            .collect(),
        first_breach: first_breach_summary(records),
        funding_need,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;
    use crate::model::spec_warnings;
    use rust_decimal_macros::dec;

    #[test]
    fn draws_stay_inside_the_distribution_and_hit_discrete_values() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let triangular: Distribution = "triangular:0:3:12".parse().expect("parses");
        let discrete: Distribution = "discrete:0@0.5,12@0.5".parse().expect("parses");
        let mut hits = [0, 0];
        for _ in 0..2000 {
            let t = sample(&triangular, &mut rng);
            assert!(t >= dec!(0) && t <= dec!(12), "{t}");
            let d = sample(&discrete, &mut rng);
            assert!(d == dec!(0) || d == dec!(12), "{d}");
            hits[usize::from(d == dec!(12))] += 1;
        }
        assert!(hits[0] > 800 && hits[1] > 800, "{hits:?}");
    }

    #[test]
    fn nearest_rank_percentiles_and_histogram_cover_every_value() {
        let mut values: Vec<Decimal> = (1..=10).rev().map(Decimal::from).collect();
        assert_eq!(percentile(&mut values, 10), dec!(1));
        assert_eq!(percentile(&mut values, 50), dec!(5));
        assert_eq!(percentile(&mut values, 90), dec!(9));
        assert_eq!(percentile(&mut values, 95), dec!(10));
        let hist = histogram(&values);
        assert_eq!(hist.edges.len(), HISTOGRAM_BINS + 1);
        assert_eq!(hist.counts.iter().sum::<u32>(), 10);
        assert_eq!(hist.edges.last(), Some(&dec!(10)));
        let flat = histogram(&[dec!(0), dec!(0)]);
        assert_eq!(flat.counts, vec![2]);
    }

    #[test]
    fn int_uniform_gives_every_whole_value_the_same_chance() {
        let int: Distribution = "int:0:6".parse().expect("parses");
        assert_eq!(int.to_string(), "int:0:6");
        assert_eq!(int.as_int_uniform(), Some((0, 6)));
        let back: Distribution = int.to_string().parse().expect("reads back");
        assert_eq!(back, int);
        for bad in ["int:6:0", "int:0.5:3", "int:0", "int:0:100000"] {
            assert!(
                bad.parse::<Distribution>().is_err(),
                "{bad} should not parse"
            );
        }
        // Drawn through a whole-number lever's grid, each of the 7 values comes up ~1/7 of the
        // time; `uniform:0:6` rounded to the grid gives the two ends half that.
        let base = default_scenario().into_scenario();
        let registry = levers(&base);
        let uniform: Distribution = "uniform:0:6".parse().expect("parses");
        let count = |distribution: &Distribution| {
            let lever = prepare_lever(
                &base,
                &registry,
                "core_scientific.delay_months",
                distribution,
            )
            .expect("a lever to draw");
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            let mut counts = [0_u32; 7];
            for _ in 0..7000 {
                let LeverValue::Number(value) = lever.draw(&mut rng) else {
                    panic!("a number");
                };
                counts[value.to_usize().expect("0..=6")] += 1;
            }
            counts
        };
        let even = count(&int);
        assert!(even.iter().all(|&n| (850..=1150).contains(&n)), "{even:?}");
        let skewed = count(&uniform);
        assert!(skewed[0] < 700 && skewed[6] < 700, "{skewed:?}");
        let spec = MonteCarloSpec {
            levers: vec![("core_scientific.delay_months".to_owned(), uniform)],
            ..MonteCarloSpec::default()
        };
        let warnings = spec_warnings(&base, &spec);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("int:0:6"), "{warnings:?}");
    }

    #[test]
    fn default_distributions_come_from_the_plausible_range() {
        let base = default_scenario().into_scenario();
        let delay =
            default_distribution(&base, "core_scientific.delay_months", None).expect("a default");
        assert_eq!(delay.to_string(), "int:0:12");
        // A month lever draws a shift from its preset month: ±3 months.
        let start = default_distribution(&base, "openai.start", None).expect("a default");
        assert_eq!(start.to_string(), "int:-3:3");
        let sofr = default_distribution(&base, "rates.sofr_pct", None).expect("a default");
        assert_eq!(sofr.to_string(), "uniform:3:6");
        let span = LeverSpan::parse(&base, "openai.start=2025-10:2026-04").expect("span");
        let shifted = default_distribution(&base, "openai.start", Some(&span)).expect("span");
        assert_eq!(shifted.to_string(), "int:0:6");
        let err = default_distribution(&base, "core_scientific.delay_policy", None)
            .expect_err("a choice");
        assert!(err.to_string().contains("choice"), "{err}");
    }
}
