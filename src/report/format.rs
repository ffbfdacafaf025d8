//! How figures are written as text, on screen and in files: $M and $B amounts, percentages,
//! reported figures. No egui here: the app, the memo and the CLI all write numbers through this
//! module, so a figure reads the same wherever it appears.

use rust_decimal::Decimal;

use crate::model::backtest::Figure;
use crate::model::money::round_for_display;

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

/// A signed percentage (a margin, a headroom, an error): `+7.2 %`, `-8.0 %`. One decimal,
/// or as many more (up to six) as it takes for a value that is not zero to show a digit, so a
/// breach never reads `0.0 %` and its sign is never rounded away.
pub fn signed_pct(value: Decimal) -> String {
    let mut dp = 1;
    while dp < 6 && !value.is_zero() && value.round_dp(dp).is_zero() {
        dp += 1;
    }
    let rounded = value.round_dp(dp);
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else if value.is_zero() {
        ""
    } else {
        "+"
    };
    format!("{sign}{} %", grouped(rounded.abs(), dp))
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
    fn signed_percentages_never_round_a_breach_away() {
        for (value, text) in [
            (dec!(7.24), "+7.2 %"),
            (dec!(-8), "-8.0 %"),
            (dec!(0), "0.0 %"),
            (dec!(-0.035), "-0.04 %"),
            (dec!(0.0004), "+0.0004 %"),
            (dec!(-0.00000001), "-0.000000 %"),
            (dec!(-56164.4), "-56,164.4 %"),
        ] {
            assert_eq!(signed_pct(value), text, "{value}");
        }
    }
}
