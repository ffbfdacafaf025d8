//! How figures are written on screen: $M and $B amounts, reported figures and their errors,
//! months on a plot axis.
//!
//! The model's exact `Decimal`s become text here; they become `f64` only where a point is plotted.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::model::Month;
use crate::model::backtest::Figure;
use crate::model::money::round_for_display;

/// A plotted value: money in $M as `f64` (plots are the only place exactness is given up).
pub fn plot_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// `$1,234.56M`-style text of an amount in $M, rounded in the model's one rounding place.
pub fn musd(value_musd: Decimal) -> String {
    format!("${}M", grouped(round_for_display(value_musd), 0))
}

/// An amount in $M written in $B with two decimals: `$3.75B`.
pub fn busd(value_musd: Decimal) -> String {
    let billions = (value_musd / Decimal::ONE_THOUSAND).round_dp(2);
    if billions.is_sign_negative() && !billions.is_zero() {
        format!("-${:.2}B", billions.abs())
    } else {
        format!("${:.2}B", billions.abs())
    }
}

/// A reported or modelled figure in full, as the CLI's backtest writes it but grouped:
/// `$1,212.80M` or `470 MW`.
pub fn figure_text(figure: Figure, value: Decimal) -> String {
    match figure {
        Figure::MwOnline => mw_text(value),
        _ => {
            let rounded = round_for_display(value);
            let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
                "-"
            } else {
                ""
            };
            format!("{sign}${}M", grouped(rounded.abs(), 2))
        }
    }
}

/// A reported or modelled figure short, for a chart's hover: `$1.21B` or `470 MW`.
pub fn figure_short_text(figure: Figure, value: Decimal) -> String {
    match figure {
        Figure::MwOnline => mw_text(value),
        _ => busd(value),
    }
}

/// Megawatts to one decimal, trailing zeros dropped: `470 MW`, `412.5 MW`.
fn mw_text(value: Decimal) -> String {
    format!("{} MW", value.round_dp(1).normalize())
}

/// A percentage with no sign, one decimal: `4.1 %` (a mean absolute error).
pub fn pct_text(value: Decimal) -> String {
    format!("{} %", grouped(value, 1))
}

/// Digits grouped by thousands with `dp` decimals: `12,345.6`.
pub fn grouped(value: Decimal, dp: u32) -> String {
    let rounded = value.round_dp(dp);
    let text = format!("{:.*}", dp as usize, rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.insert(0, '-');
    }
    out
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
    use rust_decimal_macros::dec;

    #[test]
    fn groups_thousands_and_keeps_the_sign() {
        for (value, dp, text) in [
            (dec!(0), 0, "0"),
            (dec!(999), 0, "999"),
            (dec!(1000), 0, "1,000"),
            (dec!(-1234567.891), 1, "-1,234,567.9"),
            (dec!(-0.01), 0, "0"),
        ] {
            assert_eq!(grouped(value, dp), text, "{value} at {dp} dp");
        }
    }

    #[test]
    fn billions_have_two_decimals() {
        assert_eq!(busd(dec!(3756)), "$3.76B");
        assert_eq!(busd(dec!(-250)), "-$0.25B");
    }

    #[test]
    fn figures_read_in_full_and_short() {
        for (figure, value, full, short) in [
            (Figure::RevenueQuarter, dec!(1212.8), "$1,212.80M", "$1.21B"),
            (Figure::Cash, dec!(-250.125), "-$250.13M", "-$0.25B"),
            (Figure::MwOnline, dec!(470.00), "470 MW", "470 MW"),
            (Figure::MwOnline, dec!(412.46), "412.5 MW", "412.5 MW"),
        ] {
            assert_eq!(figure_text(figure, value), full, "{figure:?} {value}");
            assert_eq!(
                figure_short_text(figure, value),
                short,
                "{figure:?} {value}"
            );
        }
        assert_eq!(pct_text(dec!(4.125)), "4.1 %");
    }

    #[test]
    fn months_label_whole_positions_only() {
        assert_eq!(month_axis_label(0.0), "2025-01");
        assert_eq!(month_axis_label(13.0), "2026-02");
        assert_eq!(month_axis_label(0.5), "");
    }
}
