//! The tornado: one KPI at each number or month lever's low and high value, the other levers
//! held, sorted by swing `|high − low|`, largest first.
//!
//! Choice levers are left out: a switch has no low and high, and its effect is read better
//! with the solver (which evaluates each choice). Levers run in parallel.

use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::kpi::Kpi;
use super::{AnalysisError, Axis, evaluate};
use crate::model::levers::{LeverValue, levers};
use crate::model::scenario::Scenario;

/// Where each lever's low and high values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TornadoSpan {
    /// The ends of the lever's range.
    RangeEnds,
    /// `current × (1 ∓ pct/100)` for number levers (a lever at 0 has no swing); `current ∓
    /// pct % of the horizon` (rounded, at least one month) for month levers. Clamped to the
    /// range and snapped to the step grid.
    Percent(Decimal),
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
    /// The KPI with the lever at `low` and at `high` (`None`: a covenant never tested).
    pub kpi_low: Option<Decimal>,
    pub kpi_high: Option<Decimal>,
    /// `|kpi_high − kpi_low|`; 0 when either is missing.
    pub swing: Decimal,
}

/// The tornado of `kpi` over every number and month lever of `base`.
///
/// Returns the KPI in the base scenario and the bars, by swing (largest first, then by path).
pub fn tornado(
    base: &Scenario,
    kpi: &Kpi,
    span: TornadoSpan,
) -> Result<(Option<Decimal>, Vec<TornadoBar>), AnalysisError> {
    kpi.check(base)?;
    if let TornadoSpan::Percent(pct) = span
        && pct < Decimal::ZERO
    {
        return Err(AnalysisError::BadArgument(format!(
            "the tornado percentage {} must not be negative",
            pct.normalize()
        )));
    }
    let axes: Vec<Axis> = levers(base)
        .into_iter()
        .map(Axis::from_lever)
        .filter(|axis| !axis.is_choice())
        .collect();
    let ends: Vec<(LeverValue, LeverValue)> = axes
        .iter()
        .map(|axis| {
            let (low, high) = match span {
                TornadoSpan::RangeEnds => (0, axis.len() - 1),
                TornadoSpan::Percent(pct) => percent_span(
                    axis,
                    axis.index_of(&axis.lever.value),
                    pct,
                    base.horizon_months,
                ),
            };
            (axis.value_at(low), axis.value_at(high))
        })
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
    let values: Vec<Option<Decimal>> = jobs
        .par_iter()
        .map(|job| {
            let outcome = match job {
                None => evaluate(base, &[])?,
                Some((axis, value)) => evaluate(base, &[(axis, (*value).clone())])?,
            };
            Ok(kpi.value(&outcome))
        })
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
    Ok((base_value, bars))
}

/// Grid indices of the low and high values `pct` % either side of the current value.
fn percent_span(axis: &Axis, current: usize, pct: Decimal, horizon: u32) -> (usize, usize) {
    let share = pct / Decimal::ONE_HUNDRED;
    match &axis.lever.value {
        LeverValue::Number(value) => {
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
        LeverValue::Month(_) => {
            let months = (Decimal::from(horizon) * share)
                .round()
                .to_usize()
                .unwrap_or(usize::MAX)
                .max(1);
            (
                current.saturating_sub(months),
                current.saturating_add(months).min(axis.len() - 1),
            )
        }
        LeverValue::Choice(_) => (current, current),
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
        let (low, high) = percent_span(&sofr, sofr.index_of(&sofr.lever.value), dec!(10), 72);
        let (LeverValue::Number(low), LeverValue::Number(high)) =
            (sofr.value_at(low), sofr.value_at(high))
        else {
            panic!("numbers");
        };
        assert!((low - value * dec!(0.9)).abs() <= dec!(0.025), "{low}");
        assert!((high - value * dec!(1.1)).abs() <= dec!(0.025), "{high}");
        let ipo = Axis::resolve(&base, "ipo.month").expect("lever");
        let current = ipo.index_of(&ipo.lever.value);
        assert_eq!(
            percent_span(&ipo, current, dec!(10), 72),
            (current - 7, current + 7)
        );
    }

    #[test]
    fn negative_percent_is_refused() {
        let base = default_scenario().into_scenario();
        let err = tornado(&base, &Kpi::MinCash, TornadoSpan::Percent(dec!(-5)))
            .expect_err("negative pct");
        assert!(err.to_string().contains("-5"), "{err}");
    }
}
