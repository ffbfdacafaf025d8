//! The tornado: one KPI at each number or month lever's low and high value, the other levers
//! held, sorted by swing `|high − low|`, largest first.
//!
//! Choice levers are left out: a switch has no low and high, and its effect is read better
//! with the solver (which evaluates each choice). Levers run in parallel.

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::kpi::Kpi;
use super::span::LeverSpan;
use super::{AnalysisError, Axis, Evaluator};
use crate::model::levers::{Group, Lever, LeverValue, levers, plausible_range};
use crate::model::scenario::Scenario;

/// The rule that gives every lever without a span of its own its low and high value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SpanRule {
    /// The lever's plausible range from the registry ([`plausible_range`]): SOFR 3–6 %, a
    /// delay 0–12 months, a date ±3 months, a spread ±100 bp, an amount ±25 %, …
    #[default]
    Plausible,
    /// The ends of the part of the lever's range an analysis may use (dates never before the
    /// model starts: [`crate::model::levers::analysis_limits`]).
    RangeEnds,
    /// `current × (1 ∓ pct/100)` for number levers, snapped to the step grid and clamped. A
    /// date, or a lever at 0, has no "X % of its value": it uses its plausible range instead.
    Percent(Decimal),
}

/// The span of every lever: a rule, and spans the analyst gave for some levers (`--range`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TornadoSpans {
    pub rule: SpanRule,
    pub ranges: Vec<LeverSpan>,
}

impl From<SpanRule> for TornadoSpans {
    /// One rule for every lever, no span of the analyst's own.
    fn from(rule: SpanRule) -> Self {
        Self {
            rule,
            ranges: Vec::new(),
        }
    }
}

/// One bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornadoBar {
    pub path: String,
    pub label: String,
    pub unit: &'static str,
    pub current: LeverValue,
    pub low: LeverValue,
    pub high: LeverValue,
    /// How far the lever moved, in its own unit: `±3 months`, `±100 bp`, `-0/+12 months`.
    pub span: String,
    /// The KPI with the lever at `low` and at `high` (`None`: a covenant never tested).
    pub kpi_low: Option<Decimal>,
    pub kpi_high: Option<Decimal>,
    /// `|kpi_high − kpi_low|`; 0 when either is missing.
    pub swing: Decimal,
}

/// A tornado: the KPI in the base scenario and one bar per number or month lever, by swing
/// (largest first, then by path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tornado {
    pub base: Option<Decimal>,
    pub bars: Vec<TornadoBar>,
}

/// The tornado of `kpi` over every number and month lever of `base`.
pub fn tornado_of(
    base: &Scenario,
    kpi: &Kpi,
    spans: &TornadoSpans,
) -> Result<Tornado, AnalysisError> {
    kpi.check(base)?;
    if let SpanRule::Percent(pct) = spans.rule
        && pct < Decimal::ZERO
    {
        return Err(AnalysisError::BadArgument(format!(
            "the tornado percentage {} must not be negative",
            pct.normalize()
        )));
    }
    let mut axes: Vec<Axis> = Vec::new();
    for lever in levers(base) {
        if matches!(lever.value, LeverValue::Choice(_)) {
            continue;
        }
        axes.push(Axis::for_analysis_of(base, lever));
    }
    let ends: Vec<(LeverValue, LeverValue)> = axes
        .iter()
        .map(
            |axis| match spans.ranges.iter().find(|s| s.path == axis.path()) {
                Some(span) => (span.low.clone(), span.high.clone()),
                None => rule_ends(base, axis, spans.rule),
            },
        )
        .collect();
    // One job per run, the base run first, so the pool stays busy to the end. An end equal to
    // the lever's current value needs no run of its own: it is the base run.
    let mut jobs: Vec<Option<(&Axis, &LeverValue)>> = vec![None];
    let mut slots: Vec<[usize; 2]> = Vec::with_capacity(axes.len());
    for (axis, (low, high)) in axes.iter().zip(&ends) {
        let mut slot = [0; 2];
        for (job, value) in slot.iter_mut().zip([low, high]) {
            if *value != axis.lever.value {
                jobs.push(Some((axis, value)));
                *job = jobs.len() - 1;
            }
        }
        slots.push(slot);
    }
    // Validated once; each of rayon's pieces of work runs a clone.
    let evaluator = Evaluator::new(base)?;
    let values: Vec<Option<Decimal>> = jobs
        .par_iter()
        .map_init(
            || evaluator.clone(),
            |evaluator, job| {
                let outcome = match job {
                    None => evaluator.evaluate(&[])?,
                    Some((axis, value)) => evaluator.evaluate(&[(axis, (*value).clone())])?,
                };
                Ok(kpi.value(outcome))
            },
        )
        .collect::<Result<_, AnalysisError>>()?;
    let base_value = values.first().copied().flatten();
    let mut bars: Vec<TornadoBar> = axes
        .iter()
        .zip(ends)
        .zip(slots)
        .map(|((axis, (low, high)), [low_job, high_job])| {
            let kpi_low = values.get(low_job).copied().flatten();
            let kpi_high = values.get(high_job).copied().flatten();
            TornadoBar {
                path: axis.path().to_owned(),
                label: axis.lever.label.clone(),
                unit: axis.lever.unit,
                current: axis.lever.value.clone(),
                span: span_text(&axis.lever, &low, &high),
                low,
                high,
                kpi_low,
                kpi_high,
                swing: match (kpi_low, kpi_high) {
                    (Some(a), Some(b)) => (b - a).abs(),
                    _ => Decimal::ZERO,
                },
            }
        })
        .collect();
    bars.sort_by(|a, b| b.swing.cmp(&a.swing).then_with(|| a.path.cmp(&b.path)));
    Ok(Tornado {
        base: base_value,
        bars,
    })
}

/// The low and high value `rule` gives the lever of `axis`, on its grid.
fn rule_ends(base: &Scenario, axis: &Axis, rule: SpanRule) -> (LeverValue, LeverValue) {
    let plausible = || match plausible_range(base, &axis.lever) {
        Some(range) => (
            axis.value_at(axis.index_of(&range.low)),
            axis.value_at(axis.index_of(&range.high)),
        ),
        None => (axis.lever.value.clone(), axis.lever.value.clone()),
    };
    match (rule, &axis.lever.value) {
        (SpanRule::RangeEnds, _) => axis.ends(),
        (SpanRule::Percent(pct), LeverValue::Number(value)) if !value.is_zero() => {
            let (low, high) = percent_span(axis, *value, pct);
            (axis.value_at(low), axis.value_at(high))
        }
        _ => plausible(),
    }
}

/// Grid indices of the low and high values `pct` % either side of `value`.
fn percent_span(axis: &Axis, value: Decimal, pct: Decimal) -> (usize, usize) {
    let share = pct / Decimal::ONE_HUNDRED;
    // A share too large to represent moves the lever to its range ends.
    let Some(delta) = value.checked_mul(share).map(|delta| delta.abs()) else {
        return (0, axis.len() - 1);
    };
    let low = value.checked_sub(delta).map_or(0, |v| axis.snap_index(v));
    let high = value
        .checked_add(delta)
        .map_or(axis.len() - 1, |v| axis.snap_index(v));
    (low, high)
}

/// How far a lever moves from its value to `low` and to `high`, in its own unit: `±3 months`,
/// `±100 bp`, `±500 $M`, or `-0/+12 months` when the two sides differ.
pub fn span_text(lever: &Lever, low: &LeverValue, high: &LeverValue) -> String {
    let (down, up, unit) = match (&lever.value, low, high) {
        (LeverValue::Number(now), LeverValue::Number(low), LeverValue::Number(high)) => {
            let (down, up) = (*now - *low, *high - *now);
            if lever.group == Group::InterestRates && lever.unit == "%" {
                (down * Decimal::ONE_HUNDRED, up * Decimal::ONE_HUNDRED, "bp")
            } else {
                (down, up, lever.unit)
            }
        }
        (LeverValue::Month(now), LeverValue::Month(low), LeverValue::Month(high)) => (
            Decimal::from(now.index() - low.index()),
            Decimal::from(high.index() - now.index()),
            "months",
        ),
        _ => return String::new(),
    };
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    let number = |d: Decimal| d.round_dp(4).normalize().to_string();
    if down == up {
        format!("±{}{unit}", number(down))
    } else {
        format!("-{}/+{}{unit}", number(down), number(up))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;
    use rust_decimal_macros::dec;

    #[test]
    fn percent_span_is_symmetric_snapped_and_clamped() {
        let base = default_scenario().into_scenario();
        let sofr = Axis::resolve(&base, "rates.sofr_pct").expect("lever");
        let LeverValue::Number(value) = sofr.lever.value else {
            panic!("a number lever");
        };
        let (low, high) = percent_span(&sofr, value, dec!(10));
        let (LeverValue::Number(low), LeverValue::Number(high)) =
            (sofr.value_at(low), sofr.value_at(high))
        else {
            panic!("numbers");
        };
        assert!((low - value * dec!(0.9)).abs() <= dec!(0.025), "{low}");
        assert!((high - value * dec!(1.1)).abs() <= dec!(0.025), "{high}");
    }

    #[test]
    fn dates_and_levers_at_zero_use_their_plausible_range_under_a_percentage() {
        let base = default_scenario().into_scenario();
        let ipo = Axis::for_analysis(&base, "ipo.month").expect("lever");
        let (low, high) = rule_ends(&base, &ipo, SpanRule::Percent(dec!(10)));
        let LeverValue::Month(now) = ipo.lever.value else {
            panic!("a month lever");
        };
        assert_eq!(high, LeverValue::Month(now.plus(3)));
        // 2025-03 less three months would be 2024-12: the IPO's proceeds would leave the model.
        assert_eq!(
            low,
            LeverValue::Month(now.plus(-3).max(crate::model::Month::ym(2025, 1)))
        );
        let delay = Axis::for_analysis(&base, "core_scientific.delay_months").expect("lever");
        assert_eq!(
            rule_ends(&base, &delay, SpanRule::Percent(dec!(10))),
            (LeverValue::Number(dec!(0)), LeverValue::Number(dec!(12)))
        );
        assert_eq!(
            span_text(
                &delay.lever,
                &LeverValue::Number(dec!(0)),
                &LeverValue::Number(dec!(12))
            ),
            "-0/+12 months"
        );
    }

    #[test]
    fn spans_read_in_the_lever_s_own_unit() {
        let base = default_scenario().into_scenario();
        let spread = Axis::resolve(&base, "ddtl2.spread_pct").expect("lever");
        let LeverValue::Number(now) = spread.lever.value else {
            panic!("a number lever");
        };
        let text = span_text(
            &spread.lever,
            &LeverValue::Number(now - dec!(1)),
            &LeverValue::Number(now + dec!(1)),
        );
        assert_eq!(text, "±100 bp");
    }

    #[test]
    fn negative_percent_is_refused() {
        let base = default_scenario().into_scenario();
        let err = tornado_of(&base, &Kpi::MinCash, &SpanRule::Percent(dec!(-5)).into())
            .expect_err("negative pct");
        assert!(err.to_string().contains("-5"), "{err}");
    }
}
