//! The breach map: a KPI over two levers on an N×N grid of their values, with, per cell,
//! whether any covenant is breached (so the app can draw the boundary). Cells run in parallel.

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::kpi::Kpi;
use super::{AnalysisError, Axis, Evaluator};
use crate::model::levers::LeverValue;
use crate::model::scenario::Scenario;

/// Cells per side unless the caller asks otherwise.
pub const DEFAULT_STEPS: usize = 40;
/// The most cells per side accepted (a 500×500 map is 250,000 runs).
pub const MAX_STEPS: usize = 500;

/// A KPI over two levers. Cell `(i, j)` has `x_values[i]` and `y_values[j]`; the cells are
/// stored row by row: `values[j * x_values.len() + i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreachMap {
    pub x_path: String,
    pub y_path: String,
    pub kpi: Kpi,
    pub x_values: Vec<LeverValue>,
    pub y_values: Vec<LeverValue>,
    /// The KPI per cell (`None`: a covenant never tested).
    pub values: Vec<Option<Decimal>>,
    /// Whether any covenant is breached in any month, per cell.
    pub breached: Vec<bool>,
}

impl BreachMap {
    pub fn cell(&self, i: usize, j: usize) -> Option<(Option<Decimal>, bool)> {
        let index = j.checked_mul(self.x_values.len())?.checked_add(i)?;
        if i >= self.x_values.len() {
            return None;
        }
        Some((*self.values.get(index)?, *self.breached.get(index)?))
    }
}

/// `kpi` over `steps` values of each lever, spread evenly over its analysis range
/// ([`Axis::for_analysis`]), both ends included (fewer when the lever has fewer values: a
/// choice, a short whole range).
pub fn breach_map(
    base: &Scenario,
    x_path: &str,
    y_path: &str,
    kpi: &Kpi,
    steps: usize,
) -> Result<BreachMap, AnalysisError> {
    let x_axis = Axis::for_analysis(base, x_path)?;
    let y_axis = Axis::for_analysis(base, y_path)?;
    breach_map_on(base, &x_axis, &y_axis, kpi, steps)
}

/// [`breach_map`] over the values of two axes (perhaps cut to the analyst's spans).
pub fn breach_map_on(
    base: &Scenario,
    x_axis: &Axis,
    y_axis: &Axis,
    kpi: &Kpi,
    steps: usize,
) -> Result<BreachMap, AnalysisError> {
    let (x_path, y_path) = (x_axis.path(), y_axis.path());
    if !(2..=MAX_STEPS).contains(&steps) {
        return Err(AnalysisError::BadArgument(format!(
            "steps {steps}: a breach map has 2..={MAX_STEPS} values per lever"
        )));
    }
    if x_path == y_path {
        return Err(AnalysisError::BadArgument(format!(
            "the map's two levers are both `{x_path}`; pick two different levers"
        )));
    }
    kpi.check(base)?;
    let x_values: Vec<LeverValue> = x_axis
        .spread(steps)
        .into_iter()
        .map(|i| x_axis.value_at(i))
        .collect();
    let y_values: Vec<LeverValue> = y_axis
        .spread(steps)
        .into_iter()
        .map(|j| y_axis.value_at(j))
        .collect();
    let width = x_values.len();
    // Validated once; each of rayon's pieces of work runs a clone.
    let evaluator = Evaluator::new(base)?;
    let cells: Vec<(Option<Decimal>, bool)> = (0..width * y_values.len())
        .into_par_iter()
        .map_init(
            || evaluator.clone(),
            |evaluator, cell| {
                let (x, y) = (&x_values[cell % width], &y_values[cell / width]);
                let outcome = evaluator.evaluate(&[(x_axis, x.clone()), (y_axis, y.clone())])?;
                Ok((kpi.value(outcome), outcome.kpis.first_breach.is_some()))
            },
        )
        .collect::<Result<_, AnalysisError>>()?;
    let (values, breached) = cells.into_iter().unzip();
    Ok(BreachMap {
        x_path: x_path.to_owned(),
        y_path: y_path.to_owned(),
        kpi: kpi.clone(),
        x_values,
        y_values,
        values,
        breached,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

    #[test]
    fn bad_arguments_are_named() {
        let base = default_scenario().into_scenario();
        let err = breach_map(&base, "rates.sofr_pct", "rates.sofr_pct", &Kpi::MinCash, 4)
            .expect_err("same lever twice");
        assert!(err.to_string().contains("rates.sofr_pct"), "{err}");
        let err = breach_map(&base, "rates.sofr_pct", "ipo.month", &Kpi::MinCash, 1)
            .expect_err("one step");
        assert!(err.to_string().contains("steps 1"), "{err}");
        let err = breach_map(&base, "rates.sofr_pct", "ipo.nope", &Kpi::MinCash, 3)
            .expect_err("unknown lever");
        assert!(err.to_string().contains("ipo.nope"), "{err}");
    }

    #[test]
    fn a_choice_axis_has_one_value_per_choice() {
        let base = default_scenario().into_scenario();
        let map = breach_map(
            &base,
            "core_scientific.delay_policy",
            "core_scientific.delay_months",
            &Kpi::MinCash,
            3,
        )
        .expect("map");
        assert_eq!(map.x_values.len(), 2);
        assert_eq!(map.y_values.len(), 3);
        assert_eq!(map.values.len(), 6);
        assert!(map.cell(1, 2).is_some() && map.cell(2, 0).is_none());
    }
}
