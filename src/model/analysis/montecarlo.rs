//! Monte Carlo: levers drawn from distributions, N runs on every core, summarised as cash
//! percentiles per month, the cumulative probability of a breach, and the funding need.
//!
//! Reproducible from the seed whatever the thread count: run `i` draws from its own ChaCha8
//! stream (`seed`, stream `i`), runs are aggregated in index order, and the levers are drawn
//! in the spec's order. A drawn value is snapped to the lever's grid and clamped to its range
//! (see [`super::Axis`]), so every run validates.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

pub use crate::model::montecarlo_spec::{DEFAULT_RUNS, Distribution, MonteCarloSpec};

use super::span::LeverSpan;
use super::{AnalysisError, Axis, Evaluator};
use crate::model::levers::{
    Lever, LeverError, LeverKind, LeverValue, analysis_limits, lever, levers, plausible_range,
};
use crate::model::money::{DecimalError, exact_decimal};
use crate::model::month::Month;
use crate::model::scenario::Scenario;
use crate::model::validate::Issue;

/// The most runs accepted: each run keeps its monthly cash until the percentiles are taken
/// (72 months × 16 bytes × 200,000 runs ≈ 230 MB).
pub const MAX_RUNS: u32 = 200_000;
/// Bins of the funding-need histogram.
pub const HISTOGRAM_BINS: usize = 20;
/// Percentiles reported for the funding need.
pub const FUNDING_PERCENTILES: [u8; 7] = [5, 10, 25, 50, 75, 90, 95];
/// How far probabilities may add up away from 1.
const PROBABILITY_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 6);

/// The most values an `int:LO:HI` distribution may take.
pub const MAX_INT_VALUES: i64 = 10_000;

impl Distribution {
    /// Each whole number `low..=high` equally likely (`int:LO:HI`).
    pub fn int_uniform(low: i64, high: i64) -> Result<Self, String> {
        let distribution = Self::Int {
            min: Decimal::from(low),
            max: Decimal::from(high),
        };
        match distribution.problems() {
            Some(problem) => Err(problem),
            None => Ok(distribution),
        }
    }

    /// `Some((low, high))` for an [`Distribution::Int`] whose ends are whole numbers.
    pub fn as_int_uniform(&self) -> Option<(i64, i64)> {
        match self {
            Self::Int { min, max } if min.fract().is_zero() && max.fract().is_zero() => {
                Some((min.to_i64()?, max.to_i64()?))
            }
            _ => None,
        }
    }

    /// What is wrong with the distribution itself, or `None` when it can be drawn from.
    pub fn problems(&self) -> Option<String> {
        match self {
            Self::Uniform { min, max } if min > max => Some(format!(
                "uniform min {} is above max {}",
                min.normalize(),
                max.normalize()
            )),
            Self::Triangular { min, mode, max } if !(min <= mode && mode <= max) => Some(format!(
                "triangular needs min <= mode <= max, got {}, {}, {}",
                min.normalize(),
                mode.normalize(),
                max.normalize()
            )),
            Self::Discrete {
                values,
                probabilities,
            } => {
                if values.is_empty() {
                    return Some("a discrete distribution needs at least one value".to_owned());
                }
                if values.len() != probabilities.len() {
                    return Some(format!(
                        "{} values but {} probabilities",
                        values.len(),
                        probabilities.len()
                    ));
                }
                if let Some(p) = probabilities.iter().find(|p| p.is_sign_negative()) {
                    return Some(format!("probability {} is negative", p.normalize()));
                }
                let total = probabilities
                    .iter()
                    .try_fold(Decimal::ZERO, |sum, p| sum.checked_add(*p));
                match total {
                    Some(total) if (total - Decimal::ONE).abs() <= PROBABILITY_TOLERANCE => None,
                    Some(total) => Some(format!(
                        "the probabilities add up to {}, not 1",
                        total.normalize()
                    )),
                    None => {
                        Some("the probabilities add up to more than a decimal holds".to_owned())
                    }
                }
            }
            Self::Int { min, max } => {
                if !min.fract().is_zero() || !max.fract().is_zero() {
                    return Some(format!(
                        "int takes whole numbers, got {} and {}",
                        min.normalize(),
                        max.normalize()
                    ));
                }
                if min > max {
                    return Some(format!(
                        "int low {} is above high {}",
                        min.normalize(),
                        max.normalize()
                    ));
                }
                let count = (*max - *min + Decimal::ONE).to_i64().unwrap_or(i64::MAX);
                (count > MAX_INT_VALUES).then(|| {
                    format!(
                        "int:{}:{} has {count} values; take at most {MAX_INT_VALUES}",
                        min.normalize(),
                        max.normalize()
                    )
                })
            }
            Self::Uniform { .. } | Self::Triangular { .. } => None,
        }
    }

    /// Draws one value. Continuous draws go through `f64`; they are snapped to the lever's
    /// grid afterwards, so the binary noise never reaches the model.
    fn sample(&self, rng: &mut ChaCha8Rng) -> Decimal {
        let u: f64 = rng.random();
        let float = |value: &Decimal| value.to_f64().unwrap_or(0.0);
        let drawn = match self {
            Self::Uniform { min, max } => float(min) + u * (float(max) - float(min)),
            Self::Triangular { min, mode, max } => {
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
            Self::Int { min, max } => {
                let count = (*max - *min + Decimal::ONE).to_f64().unwrap_or(1.0);
                return *min + Decimal::from(((u * count).floor() as i64).max(0));
            }
            Self::Discrete {
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
}

impl fmt::Display for Distribution {
    /// The CLI syntax: `uniform:3:6`, `int:0:6`, `triangular:0:3:12`, `discrete:0@0.4,3@0.6`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int { min, max } => write!(f, "int:{}:{}", min.normalize(), max.normalize()),
            Self::Uniform { min, max } => {
                write!(f, "uniform:{}:{}", min.normalize(), max.normalize())
            }
            Self::Triangular { min, mode, max } => write!(
                f,
                "triangular:{}:{}:{}",
                min.normalize(),
                mode.normalize(),
                max.normalize()
            ),
            Self::Discrete {
                values,
                probabilities,
            } => {
                let parts: Vec<String> = values
                    .iter()
                    .zip(probabilities)
                    .map(|(v, p)| format!("{}@{}", v.normalize(), p.normalize()))
                    .collect();
                write!(f, "discrete:{}", parts.join(","))
            }
        }
    }
}

/// Why the text of a distribution (`--lever PATH=uniform:3:6`) was refused; each names the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DistributionError {
    #[error(
        "`{text}`: expected uniform:MIN:MAX, int:LO:HI, triangular:MIN:MODE:MAX or discrete:V@P,V@P,…"
    )]
    Syntax { text: String },
    /// The right kind with the wrong number of parts: `uniform:3`.
    #[error("`{text}`: {kind} takes {expected}")]
    Parts {
        text: String,
        kind: &'static str,
        expected: &'static str,
    },
    #[error("`{text}`: {source}")]
    Number { text: String, source: DecimalError },
    /// Read, but not a distribution one can draw from (`uniform:6:3`, probabilities ≠ 1).
    #[error("`{text}`: {problem}")]
    Invalid { text: String, problem: String },
}

impl FromStr for Distribution {
    type Err = DistributionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || DistributionError::Syntax {
            text: text.to_owned(),
        };
        let parts = |kind, expected| DistributionError::Parts {
            text: text.to_owned(),
            kind,
            expected,
        };
        let number = |part: &str| {
            exact_decimal(part).map_err(|source| DistributionError::Number {
                text: text.to_owned(),
                source,
            })
        };
        let (kind, rest) = text.trim().split_once(':').ok_or_else(syntax)?;
        let numbers = |rest: &str| -> Result<Vec<Decimal>, DistributionError> {
            rest.split(':').map(number).collect()
        };
        let distribution = match kind.trim().to_ascii_lowercase().as_str() {
            "uniform" => match numbers(rest)?.as_slice() {
                [min, max] => Self::Uniform {
                    min: *min,
                    max: *max,
                },
                _ => return Err(parts("uniform", "MIN:MAX")),
            },
            "int" => match numbers(rest)?.as_slice() {
                [min, max] => Self::Int {
                    min: *min,
                    max: *max,
                },
                _ => return Err(parts("int", "two whole numbers LO:HI")),
            },
            "triangular" => match numbers(rest)?.as_slice() {
                [min, mode, max] => Self::Triangular {
                    min: *min,
                    mode: *mode,
                    max: *max,
                },
                _ => return Err(parts("triangular", "MIN:MODE:MAX")),
            },
            "discrete" => {
                let mut values = Vec::new();
                let mut probabilities = Vec::new();
                for part in rest.split(',') {
                    let (value, p) = part
                        .split_once('@')
                        .ok_or_else(|| parts("discrete", "VALUE@PROBABILITY,…"))?;
                    values.push(number(value)?);
                    probabilities.push(number(p)?);
                }
                Self::Discrete {
                    values,
                    probabilities,
                }
            }
            _ => return Err(syntax()),
        };
        match distribution.problems() {
            Some(problem) => Err(DistributionError::Invalid {
                text: text.to_owned(),
                problem,
            }),
            None => Ok(distribution),
        }
    }
}

impl MonteCarloSpec {
    /// Every problem of this spec against `scenario`, by path (`montecarlo.levers[0]`, …), for
    /// the scenario's validation.
    pub fn issues(&self, scenario: &Scenario) -> Vec<Issue> {
        let mut issues = Vec::new();
        // One walk of the registry for the whole spec.
        let registry = levers(scenario);
        if self.runs == 0 || self.runs > MAX_RUNS {
            issues.push(Issue {
                path: "montecarlo.runs".to_owned(),
                message: format!("{} runs: take 1..={MAX_RUNS}", self.runs),
            });
        }
        for (index, (path, distribution)) in self.levers.iter().enumerate() {
            let at = format!("montecarlo.levers[{index}]");
            if let Err(message) = prepare_lever(scenario, &registry, path, distribution) {
                issues.push(Issue {
                    path: at.clone(),
                    message,
                });
            }
            if self.levers[..index]
                .iter()
                .any(|(earlier, _)| earlier == path)
            {
                issues.push(Issue {
                    path: at,
                    message: format!("`{path}` is drawn twice"),
                });
            }
        }
        issues
    }
}

/// Warnings on a spec that runs but may not mean what it says: `uniform` on a whole-number or
/// month lever gives its two end values half the weight of the others once draws are rounded to
/// the grid (`uniform:0:6` makes "on time" 1/12, not 1/7).
pub fn spec_warnings(scenario: &Scenario, spec: &MonteCarloSpec) -> Vec<String> {
    let registry = levers(scenario);
    spec.levers
        .iter()
        .filter(|(_, distribution)| matches!(distribution, Distribution::Uniform { .. }))
        .filter_map(|(path, distribution)| {
            let lever = registry.iter().find(|lever| lever.path == *path)?;
            let whole = matches!(
                lever.kind,
                LeverKind::Number { whole: true, .. } | LeverKind::Month { .. }
            );
            let Distribution::Uniform { min, max } = distribution else {
                return None;
            };
            whole.then(|| {
                format!(
                    "{path}: `{distribution}` on a whole-number lever gives its end values half \
                     the weight of the others; `int:{}:{}` gives every value the same chance",
                    min.ceil().normalize(),
                    max.floor().normalize()
                )
            })
        })
        .collect()
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

/// Checks one drawn lever against the scenario's registry (`registry` = `levers(scenario)`).
fn prepare_lever<'a>(
    scenario: &Scenario,
    registry: &[Lever],
    path: &str,
    distribution: &'a Distribution,
) -> Result<DrawnLever<'a>, String> {
    let lever = registry
        .iter()
        .find(|lever| lever.path == path)
        .ok_or_else(|| {
            LeverError::UnknownPath {
                path: path.to_owned(),
            }
            .to_string()
        })?;
    // Draws stay inside the analysis limits: none dates a flow before the model starts.
    let axis = match analysis_limits(scenario, lever) {
        Some((low, high)) => Axis::from_lever(lever.clone()).narrowed_to(&low, &high),
        None => Axis::from_lever(lever.clone()),
    };
    if let Some(problem) = distribution.problems() {
        return Err(format!("{path}: {problem}"));
    }
    if path == "horizon_months" {
        return Err(format!(
            "{path}: the horizon cannot be drawn; every run must cover the same months"
        ));
    }
    let month_origin = match &axis.lever.value {
        LeverValue::Number(_) => None,
        LeverValue::Month(_) => Some(axis.index_of(&axis.lever.value)),
        LeverValue::Choice(_) => {
            return Err(format!(
                "{path}: a choice lever cannot be drawn; set it with --set and run again"
            ));
        }
    };
    Ok(DrawnLever {
        axis,
        distribution,
        month_origin,
    })
}

impl DrawnLever<'_> {
    fn draw(&self, rng: &mut ChaCha8Rng) -> LeverValue {
        let drawn = self.distribution.sample(rng);
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
    /// `(p, value)`: nearest-rank percentiles for [`FUNDING_PERCENTILES`].
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
    /// `(p, month)`: nearest-rank percentiles for [`FUNDING_PERCENTILES`], a run with no breach
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
    if let Some(issue) = spec.issues(base).into_iter().next() {
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
    let records: Vec<Option<Result<RunRecord, AnalysisError>>> = (0..runs)
        .into_par_iter()
        .map_init(
            || Evaluator::new(base),
            |evaluator, index| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let record = match evaluator {
                    Ok(evaluator) => one_run(evaluator, &drawn, spec.seed, index),
                    Err(err) => Err(err.clone()),
                };
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

fn one_run(
    evaluator: &mut Evaluator,
    drawn: &[DrawnLever<'_>],
    seed: u64,
    index: usize,
) -> Result<RunRecord, AnalysisError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    let values: Vec<LeverValue> = drawn.iter().map(|lever| lever.draw(&mut rng)).collect();
    let assignments: Vec<(&Axis, LeverValue)> =
        drawn.iter().map(|lever| &lever.axis).zip(values).collect();
    let outcome = evaluator.evaluate(&assignments)?;
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
    use rust_decimal_macros::dec;

    #[test]
    fn distributions_parse_print_back_and_refuse_nonsense() {
        for text in [
            "uniform:3:6",
            "triangular:0:3:12",
            "discrete:0@0.4,3@0.3,6@0.2,12@0.1",
        ] {
            let distribution: Distribution = text.parse().expect(text);
            assert_eq!(distribution.to_string(), text);
        }
        for bad in [
            "uniform:6:3",
            "uniform:3",
            "triangular:0:13:12",
            "discrete:0@0.5,3@0.4",
            "discrete:0@-0.5,3@1.5",
            "discrete:0",
            "normal:0:1",
            "uniform:a:b",
            "",
        ] {
            assert!(
                bad.parse::<Distribution>().is_err(),
                "{bad} should not parse"
            );
        }
    }

    #[test]
    fn the_spec_round_trips_through_ron_with_quoted_decimals() {
        let spec = MonteCarloSpec {
            seed: 7,
            runs: 500,
            levers: vec![
                (
                    "core_scientific.delay_months".to_owned(),
                    "discrete:0@0.4,3@0.3,6@0.2,12@0.1".parse().expect("parses"),
                ),
                (
                    "rates.sofr_pct".to_owned(),
                    "triangular:3.5:4.3:6".parse().expect("parses"),
                ),
            ],
        };
        let text = ron::to_string(&spec).expect("serialises");
        assert!(
            text.contains("\"0.4\"") && text.contains("\"4.3\""),
            "{text}"
        );
        let back: MonteCarloSpec = ron::from_str(&text).expect("reads back");
        assert_eq!(back, spec);
        let defaults: MonteCarloSpec = ron::from_str("()").expect("all fields default");
        assert_eq!(defaults, MonteCarloSpec::default());
    }

    #[test]
    fn draws_stay_inside_the_distribution_and_hit_discrete_values() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let triangular: Distribution = "triangular:0:3:12".parse().expect("parses");
        let discrete: Distribution = "discrete:0@0.5,12@0.5".parse().expect("parses");
        let mut hits = [0, 0];
        for _ in 0..2000 {
            let t = triangular.sample(&mut rng);
            assert!(t >= dec!(0) && t <= dec!(12), "{t}");
            let d = discrete.sample(&mut rng);
            assert!(d == dec!(0) || d == dec!(12), "{d}");
            hits[usize::from(d == dec!(12))] += 1;
        }
        assert!(hits[0] > 800 && hits[1] > 800, "{hits:?}");
    }

    #[test]
    fn spec_issues_name_the_lever() {
        let base = default_scenario().into_scenario();
        let uniform: Distribution = "uniform:0:1".parse().expect("parses");
        let spec = MonteCarloSpec {
            seed: 0,
            runs: 0,
            levers: vec![
                ("rates.nope".to_owned(), uniform.clone()),
                ("core_scientific.delay_policy".to_owned(), uniform.clone()),
                ("horizon_months".to_owned(), uniform.clone()),
                ("rates.sofr_pct".to_owned(), uniform.clone()),
                ("rates.sofr_pct".to_owned(), uniform),
            ],
        };
        let issues = spec.issues(&base);
        let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert_eq!(issues.len(), 5, "{text:?}");
        assert!(text[0].contains("montecarlo.runs"), "{text:?}");
        assert!(text[1].contains("rates.nope"), "{text:?}");
        assert!(text[2].contains("core_scientific.delay_policy"), "{text:?}");
        assert!(text[3].contains("horizon_months"), "{text:?}");
        assert!(text[4].contains("drawn twice"), "{text:?}");
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
