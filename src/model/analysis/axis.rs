//! A lever resolved once, with the grid of values the analyses step through.
//!
//! - Number levers: `min`, every multiple of `step` strictly inside the range, and `max`
//!   (so both ends are always on the grid even when they are not multiples of the step).
//!   Whole levers use a step of at least 1, so every grid value is an integer.
//! - Month levers: every month from `min` to `max`.
//! - Choice levers: each choice, in registry order.

use std::sync::OnceLock;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::AnalysisError;
use crate::model::levers::{
    Lever, LeverKind, LeverValue, Place, analysis_limits, lever, set_lever_at,
};
use crate::model::month::Month;
use crate::model::scenario::Scenario;

/// Grids longer than this are treated as their two ends only (no registry lever comes near).
const MAX_POINTS: i64 = 100_000_000;

/// A lever and its value grid, indexed `0..len()` from the low end.
#[derive(Clone, Debug)]
pub struct Axis {
    pub lever: Lever,
    grid: Grid,
    /// Where the lever's field is, found in the first scenario this axis sets: the analyses
    /// set it thousands of times, each going straight there instead of searching the registry.
    place: OnceLock<Place>,
}

/// Where the field was found is a shortcut, not part of what an axis is.
impl PartialEq for Axis {
    fn eq(&self, other: &Self) -> bool {
        self.lever == other.lever && self.grid == other.grid
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Grid {
    /// `min`, then `(first + i) × step` for `i < interior`, then `max` (if above `min`).
    Number {
        min: Decimal,
        max: Decimal,
        step: Decimal,
        first: i64,
        interior: i64,
    },
    Month {
        min: Month,
        max: Month,
    },
    Choice {
        choices: &'static [&'static str],
    },
}

impl Axis {
    /// Resolves the lever at `path` of `scenario`.
    pub fn resolve(scenario: &Scenario, path: &str) -> Result<Self, AnalysisError> {
        Ok(Self::from_lever(lever(scenario, path)?))
    }

    /// The lever at `path` over the part of its range an analysis may use
    /// ([`analysis_limits`]: no flow dated before the model's first month).
    pub fn for_analysis(scenario: &Scenario, path: &str) -> Result<Self, AnalysisError> {
        Ok(Self::for_analysis_of(scenario, lever(scenario, path)?))
    }

    /// [`Axis::for_analysis`] for a lever already read from `scenario`'s registry (an analysis
    /// of every lever reads them all in one walk, rather than one walk per lever).
    pub fn for_analysis_of(scenario: &Scenario, lever: Lever) -> Self {
        match analysis_limits(scenario, &lever) {
            Some((low, high)) => Self::from_lever(narrowed(lever, &low, &high)),
            None => Self::from_lever(lever),
        }
    }

    /// This axis cut to `low..=high` (values of the lever's kind, inside its grid's range),
    /// on the same step grid; the ends are kept even when off the step.
    pub fn narrowed_to(&self, low: &LeverValue, high: &LeverValue) -> Self {
        Self {
            place: self.place.clone(),
            ..Self::from_lever(narrowed(self.lever.clone(), low, high))
        }
    }

    /// The lowest and highest values on the grid.
    pub fn ends(&self) -> (LeverValue, LeverValue) {
        (self.value_at(0), self.value_at(self.len() - 1))
    }

    /// The grid of a lever taken from the registry.
    pub fn from_lever(lever: Lever) -> Self {
        let grid = match &lever.kind {
            LeverKind::Number {
                min,
                max,
                step,
                whole,
            } => number_grid(*min, *max, *step, *whole),
            LeverKind::Month { min, max } => Grid::Month {
                min: *min,
                max: (*max).max(*min),
            },
            LeverKind::Choice { choices } => Grid::Choice { choices },
        };
        Self {
            lever,
            grid,
            place: OnceLock::new(),
        }
    }

    pub fn path(&self) -> &str {
        &self.lever.path
    }

    /// Number of grid values (at least 1).
    pub fn len(&self) -> usize {
        match &self.grid {
            Grid::Number {
                min, max, interior, ..
            } => {
                let ends = if max > min { 2 } else { 1 };
                usize::try_from(*interior).unwrap_or(0) + ends
            }
            Grid::Month { min, max } => usize::try_from(max.index() - min.index() + 1).unwrap_or(1),
            Grid::Choice { choices } => choices.len().max(1),
        }
    }

    /// Never true: every lever has at least one value. Here for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.grid, Grid::Choice { .. })
    }

    /// The `index`-th grid value from the low end; indices past the end give the high end.
    pub fn value_at(&self, index: usize) -> LeverValue {
        let index = index.min(self.len() - 1);
        match &self.grid {
            Grid::Number {
                min,
                max,
                step,
                first,
                interior,
            } => {
                let inner = i64::try_from(index).unwrap_or(i64::MAX);
                if index == 0 {
                    LeverValue::Number(*min)
                } else if inner <= *interior {
                    LeverValue::Number(Decimal::from(first + inner - 1) * step)
                } else {
                    LeverValue::Number(*max)
                }
            }
            Grid::Month { min, .. } => {
                LeverValue::Month(min.plus(i32::try_from(index).unwrap_or(i32::MAX)))
            }
            Grid::Choice { choices } => match choices.get(index) {
                Some(choice) => LeverValue::Choice(choice),
                None => self.lever.value.clone(),
            },
        }
    }

    /// The grid index nearest to `value` (0 for a value of another kind).
    pub fn index_of(&self, value: &LeverValue) -> usize {
        match (&self.grid, value) {
            (Grid::Number { .. }, LeverValue::Number(number)) => self.snap_index(*number),
            (Grid::Month { min, max }, LeverValue::Month(month)) => {
                let month = (*month).clamp(*min, *max);
                usize::try_from(month.index() - min.index()).unwrap_or(0)
            }
            (Grid::Choice { choices }, LeverValue::Choice(name)) => {
                choices.iter().position(|c| c == name).unwrap_or(0)
            }
            _ => 0,
        }
    }

    /// The grid index nearest to a number (clamped to the range). For month levers the number
    /// counts months from `min`; for choice levers it is the choice's position.
    pub fn snap_index(&self, number: Decimal) -> usize {
        let last = self.len() - 1;
        match &self.grid {
            Grid::Number {
                min,
                max,
                step,
                first,
                interior,
            } => {
                if number <= *min {
                    return 0;
                }
                if number >= *max {
                    return last;
                }
                // The grid value at or below `number`, then the nearer of it and the next one.
                let Some(k) = number
                    .checked_div(*step)
                    .and_then(|ratio| ratio.floor().to_i64())
                else {
                    return 0;
                };
                let below = if k < *first {
                    0
                } else {
                    usize::try_from((k - first + 1).min(*interior)).unwrap_or(0)
                };
                let above = (below + 1).min(last);
                match (self.value_at(below), self.value_at(above)) {
                    (LeverValue::Number(low), LeverValue::Number(high))
                        if high - number < number - low =>
                    {
                        above
                    }
                    _ => below,
                }
            }
            Grid::Month { .. } | Grid::Choice { .. } => number
                .round()
                .to_i64()
                .map_or(0, |k| usize::try_from(k.max(0)).unwrap_or(0))
                .min(last),
        }
    }

    /// Sets this lever of `scenario` to `value`, checked against the registry's range.
    pub fn apply(&self, scenario: &mut Scenario, value: &LeverValue) -> Result<(), AnalysisError> {
        let place = match self.place.get() {
            Some(place) => *place,
            None => {
                let found = Place::of(scenario, self.path())?;
                *self.place.get_or_init(|| found)
            }
        };
        Ok(set_lever_at(scenario, place, self.path(), value)?)
    }

    /// At most `count` indices spread evenly over the grid, both ends included, ascending.
    pub fn spread(&self, count: usize) -> Vec<usize> {
        let len = self.len();
        let count = count.max(2);
        if len <= count {
            return (0..len).collect();
        }
        let span = len - 1;
        let mut indices: Vec<usize> = (0..count)
            .map(|k| {
                // Round `k × span / (count − 1)` to the nearest index without floating point.
                let scaled = k as u128 * span as u128;
                let parts = (count - 1) as u128;
                usize::try_from((scaled + parts / 2) / parts).unwrap_or(span)
            })
            .collect();
        indices.dedup();
        indices
    }
}

/// `lever` with its range cut to `low..=high` (each clamped into the range; a value of
/// another kind leaves that end as it was).
fn narrowed(mut lever: Lever, low: &LeverValue, high: &LeverValue) -> Lever {
    match (&mut lever.kind, low, high) {
        (LeverKind::Number { min, max, .. }, LeverValue::Number(low), LeverValue::Number(high)) => {
            let (lo, hi) = ((*low).clamp(*min, *max), (*high).clamp(*min, *max));
            (*min, *max) = (lo.min(hi), hi.max(lo));
        }
        (LeverKind::Month { min, max }, LeverValue::Month(low), LeverValue::Month(high)) => {
            let (lo, hi) = ((*low).clamp(*min, *max), (*high).clamp(*min, *max));
            (*min, *max) = (lo.min(hi), hi.max(lo));
        }
        _ => {}
    }
    lever
}

fn number_grid(min: Decimal, max: Decimal, step: Decimal, whole: bool) -> Grid {
    let max = max.max(min);
    let step = if whole {
        step.ceil().max(Decimal::ONE)
    } else {
        step
    };
    let ends_only = Grid::Number {
        min,
        max,
        step: Decimal::ONE,
        first: 0,
        interior: 0,
    };
    if step <= Decimal::ZERO {
        return ends_only;
    }
    // Multiples strictly inside (min, max): k from ⌊min/step⌋ + 1 to ⌈max/step⌉ − 1.
    let (Some(low), Some(high)) = (min.checked_div(step), max.checked_div(step)) else {
        return ends_only;
    };
    let (Some(first), Some(last)) = (
        low.floor().to_i64().and_then(|k| k.checked_add(1)),
        high.ceil().to_i64().and_then(|k| k.checked_sub(1)),
    ) else {
        return ends_only;
    };
    let interior = (last - first + 1).max(0);
    if interior > MAX_POINTS {
        return ends_only;
    }
    Grid::Number {
        min,
        max,
        step,
        first,
        interior,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;
    use crate::model::levers::{Group, LeverError, levers, set_lever, visit_fields};
    use crate::model::month::Month;
    use crate::model::preset::{SHIPPED_PRESETS, parse_preset};
    use rust_decimal_macros::dec;

    fn number_axis(min: Decimal, max: Decimal, step: Decimal, whole: bool) -> Axis {
        Axis::from_lever(Lever {
            path: "test.x".to_owned(),
            label: "x".to_owned(),
            group: Group::Opening,
            unit: "",
            kind: LeverKind::Number {
                min,
                max,
                step,
                whole,
            },
            value: LeverValue::Number(min),
            source: None,
        })
    }

    fn numbers(axis: &Axis) -> Vec<Decimal> {
        (0..axis.len())
            .map(|i| match axis.value_at(i) {
                LeverValue::Number(value) => value,
                other => panic!("not a number: {other}"),
            })
            .collect()
    }

    #[test]
    fn number_grid_holds_both_ends_and_the_multiples_between() {
        let axis = number_axis(dec!(0.1), dec!(1), dec!(0.25), false);
        assert_eq!(
            numbers(&axis),
            vec![dec!(0.1), dec!(0.25), dec!(0.5), dec!(0.75), dec!(1)]
        );
        let axis = number_axis(dec!(-10), dec!(10), dec!(10), false);
        assert_eq!(numbers(&axis), vec![dec!(-10), dec!(0), dec!(10)]);
        let axis = number_axis(dec!(5), dec!(5), dec!(1), true);
        assert_eq!(numbers(&axis), vec![dec!(5)]);
    }

    #[test]
    fn snapping_finds_the_nearest_grid_value_and_clamps() {
        let axis = number_axis(dec!(0.1), dec!(1), dec!(0.25), false);
        for (input, expected) in [
            (dec!(-3), dec!(0.1)),
            (dec!(0.16), dec!(0.1)),
            (dec!(0.2), dec!(0.25)),
            (dec!(0.6), dec!(0.5)),
            (dec!(0.9), dec!(1)),
            (dec!(0.8), dec!(0.75)),
            (dec!(7), dec!(1)),
        ] {
            assert_eq!(
                axis.value_at(axis.snap_index(input)),
                LeverValue::Number(expected),
                "snap {input}"
            );
        }
    }

    #[test]
    fn every_registry_grid_value_is_in_range_and_settable() {
        let base = default_scenario().into_scenario();
        for lever in levers(&base) {
            let axis = Axis::from_lever(lever);
            for index in axis.spread(9).into_iter().chain([axis.len() - 1]) {
                let value = axis.value_at(index);
                let mut scenario = base.clone();
                let set = axis.apply(&mut scenario, &value);
                assert!(set.is_ok(), "{} = {value}: {set:?}", axis.path());
                assert_eq!(axis.index_of(&value), index, "{} = {value}", axis.path());
            }
        }
    }

    #[test]
    fn spread_keeps_both_ends_and_never_repeats() {
        let axis = number_axis(dec!(0), dec!(100), dec!(1), true);
        let picks = axis.spread(5);
        assert_eq!(picks, vec![0, 25, 50, 75, 100]);
        let small = number_axis(dec!(0), dec!(3), dec!(1), true);
        assert_eq!(small.spread(64), vec![0, 1, 2, 3]);
    }

    /// How a lever was set before places: walk every field, write each one at `path`.
    fn set_by_full_walk(
        scenario: &mut Scenario,
        path: &str,
        value: &LeverValue,
    ) -> Result<(), LeverError> {
        let mut outcome = Err(LeverError::UnknownPath {
            path: path.to_owned(),
        });
        visit_fields(scenario, &mut |mut field| {
            if field.is_at(path) {
                outcome = field
                    .slot
                    .set(&field.kind, field.unit, value)
                    .map_err(|err| LeverError::BadValue {
                        path: path.to_owned(),
                        message: err.to_string(),
                    });
            }
        });
        outcome
    }

    /// Its own value, both ends, one step past each end, a value of the wrong kind, and for a
    /// number a fraction: every way a set can go, right and wrong.
    fn trial_values(lever: &Lever) -> Vec<LeverValue> {
        let mut values = vec![lever.value.clone()];
        match &lever.kind {
            LeverKind::Number { min, max, .. } => {
                values.extend(
                    [
                        *min,
                        *max,
                        *min - Decimal::ONE,
                        *max + Decimal::ONE,
                        *min + dec!(0.5),
                    ]
                    .map(LeverValue::Number),
                );
                values.push(LeverValue::Month(Month::ym(2025, 1)));
            }
            LeverKind::Month { min, max } => {
                values.extend([*min, *max, min.plus(-1), max.plus(1)].map(LeverValue::Month));
                values.push(LeverValue::Number(Decimal::ONE));
            }
            LeverKind::Choice { choices } => {
                values.extend(choices.iter().map(|choice| LeverValue::Choice(choice)));
                values.push(LeverValue::Choice("Sometimes"));
            }
        }
        values
    }

    fn shipped_scenarios() -> impl Iterator<Item = (&'static str, Scenario)> {
        SHIPPED_PRESETS.iter().map(|(name, text)| {
            let scenario = parse_preset(text).expect("shipped").into_scenario();
            (*name, scenario)
        })
    }

    /// Every lever of every shipped preset, every kind of value: an axis (its place found once,
    /// then reused) and `set_lever` leave the scenario and the error the full walk did.
    #[test]
    fn a_set_through_an_axis_does_what_the_full_walk_did() {
        for (preset, base) in shipped_scenarios() {
            for lever in levers(&base) {
                let path = lever.path.clone();
                let axis = Axis::from_lever(lever.clone());
                for value in trial_values(&lever) {
                    let mut expected = base.clone();
                    let expected_result = set_by_full_walk(&mut expected, &path, &value);
                    let mut through_axis = base.clone();
                    assert_eq!(
                        axis.apply(&mut through_axis, &value),
                        expected_result.clone().map_err(AnalysisError::Lever),
                        "{preset}: {path} = {value}"
                    );
                    assert_eq!(through_axis, expected, "{preset}: {path} = {value}");
                    let mut through_path = base.clone();
                    assert_eq!(
                        set_lever(&mut through_path, &path, &value),
                        expected_result,
                        "{preset}: {path} = {value}"
                    );
                    assert_eq!(through_path, expected, "{preset}: {path} = {value}");
                }
            }
        }
    }

    /// A place that does not hold the lever (another item's, one past a list's end) is never
    /// written through: the set finds the lever again and does what the full walk did.
    #[test]
    fn a_set_at_any_other_place_does_what_the_full_walk_did() {
        for (preset, base) in shipped_scenarios() {
            let lever_list = levers(&base);
            let mut every_place: Vec<Place> = lever_list
                .iter()
                .map(|lever| Place::of(&mut base.clone(), &lever.path).expect("a lever"))
                .collect();
            every_place.dedup();
            every_place.extend([
                Place::Contract(base.contracts.len()),
                Place::Covenant(usize::MAX),
            ]);
            for lever in &lever_list {
                // Its own value, then both ends: at least one is a change.
                for value in trial_values(lever).iter().take(3) {
                    let mut expected = base.clone();
                    let expected_result = set_by_full_walk(&mut expected, &lever.path, value);
                    for &place in &every_place {
                        let mut got = base.clone();
                        assert_eq!(
                            set_lever_at(&mut got, place, &lever.path, value),
                            expected_result,
                            "{preset}: {} = {value} at {place:?}",
                            lever.path
                        );
                        assert_eq!(
                            got, expected,
                            "{preset}: {} = {value} at {place:?}",
                            lever.path
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_paths_are_refused_as_the_full_walk_did() {
        let sofr =
            Axis::resolve(&default_scenario().into_scenario(), "rates.sofr_pct").expect("a lever");
        for (preset, base) in shipped_scenarios() {
            for path in [
                "",
                "horizon_months.x",
                "rates",
                "rates.",
                ".rates.sofr_pct",
                "rates.sofr_pctx",
                "rates.sofr_pct.x",
                "openai",
                "openai.",
                "openai.total_valu",
                "openai.total_value.x",
                "nosuch.spread_pct",
                "opening.opening.cash",
            ] {
                let value = LeverValue::Number(Decimal::ONE);
                let unknown = Err(LeverError::UnknownPath {
                    path: path.to_owned(),
                });
                assert_eq!(set_by_full_walk(&mut base.clone(), path, &value), unknown);
                let mut got = base.clone();
                assert_eq!(
                    set_lever(&mut got, path, &value),
                    unknown,
                    "{preset}: {path}"
                );
                let mut lever = sofr.lever.clone();
                lever.path = path.to_owned();
                assert_eq!(
                    Axis::from_lever(lever).apply(&mut got, &value),
                    unknown.map_err(AnalysisError::Lever),
                    "{preset}: {path}"
                );
                assert_eq!(got, base, "{preset}: {path} changes nothing");
            }
        }
    }
}
