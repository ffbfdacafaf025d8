//! Where figures meet the screen's geometry: money as plotted `f64`s and months on a plot axis.
//! Figures written as text live in [`crate::report::format`].
//!
//! The model's exact `Decimal`s become `f64` only where a point is plotted.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::model::Month;

/// A plotted value: money in $M as `f64` (plots are the only place exactness is given up).
pub fn plot_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The month at a plot x position (x is the model's month index `t`), if it is a whole month.
pub fn month_at(x: f64) -> Month {
    Month::from_index(x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32)
}

/// Axis text for a month-index position: `YYYY-MM` at whole months, nothing between them.
pub fn month_axis_label(x: f64) -> String {
    if (x - x.round()).abs() > 1e-6 {
        return String::new();
    }
    month_at(x).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_label_whole_positions_only() {
        assert_eq!(month_axis_label(0.0), "2025-01");
        assert_eq!(month_axis_label(13.0), "2026-02");
        assert_eq!(month_axis_label(0.5), "");
    }
}
