//! How figures are written as text, on screen and in files: $M and $B amounts, percentages,
//! reported figures. No egui here: the app, the memo and the CLI all write numbers through this
//! module, so a figure reads the same wherever it appears.

use rust_decimal::Decimal;

use crate::model::{
    CovenantTerms, CovenantTest, DISPLAY_DP, LeverValue, ReportedFigure, round_for_display,
};

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
pub fn figure_text(figure: ReportedFigure, value: Decimal) -> String {
    match figure {
        ReportedFigure::MwOnline => mw_text(value),
        _ => cents_musd(value),
    }
}

/// An amount in $M to the cent, grouped, the sign before the currency: `-$1,234.56M`
/// (`$0.00M` for what rounds to zero).
pub fn cents_musd(value_musd: Decimal) -> String {
    let rounded = round_for_display(value_musd);
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${}M", grouped(rounded.abs(), DISPLAY_DP))
}

/// The decimal places that show `value`: `least`, or as many more (up to six) as it takes for
/// a value that is not zero to show a digit, so a breach never reads as zero.
pub fn places_to_show(value: Decimal, least: u32) -> u32 {
    let mut dp = least;
    while dp < 6 && !value.is_zero() && value.round_dp(dp).is_zero() {
        dp += 1;
    }
    dp
}

/// A reported or modelled figure short, for a chart's hover: `$1.21B` or `470 MW`.
pub fn figure_short_text(figure: ReportedFigure, value: Decimal) -> String {
    match figure {
        ReportedFigure::MwOnline => mw_text(value),
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
    let dp = places_to_show(value, 1);
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

/// A signed amount in $M written in $B: `+$0.40B`, `-$56.14B` (a headroom, a difference).
pub fn signed_busd(value_musd: Decimal) -> String {
    let text = busd(value_musd);
    if text.starts_with('-') || (value_musd / Decimal::ONE_THOUSAND).round_dp(2).is_zero() {
        text
    } else {
        format!("+{text}")
    }
}

/// An amount in $M under $1B, in $B from there: a $25M floor does not read `$0.03B`.
fn money_short(value_musd: Decimal) -> String {
    if value_musd.abs() < Decimal::ONE_THOUSAND {
        musd(value_musd)
    } else {
        busd(value_musd)
    }
}

/// A coverage or leverage ratio to two decimals: `1.25×`.
pub fn ratio_text(value: Decimal) -> String {
    format!("{}×", grouped(value, 2))
}

/// A covenant test in the covenant's own terms, never as a share of a small floor: liquidity
/// as money above (+) or below (−) its threshold, a ratio against its limit.
/// `$400M above the $25M minimum`, `1.10× against a minimum of 1.25×`.
pub fn covenant_test_text(terms: &CovenantTerms, test: &CovenantTest) -> String {
    match terms {
        CovenantTerms::MinLiquidity { .. } => match test.value {
            Some(value) => {
                let headroom = value - test.threshold;
                let side = if headroom < Decimal::ZERO {
                    "below"
                } else {
                    "above"
                };
                format!(
                    "{} {side} the {} minimum",
                    money_short(headroom.abs()),
                    money_short(test.threshold)
                )
            }
            None => format!(
                "not measurable against the {} minimum",
                money_short(test.threshold)
            ),
        },
        CovenantTerms::Dscr { .. } => format!(
            "{} against a minimum of {}",
            test.value
                .map_or_else(|| "not finite".to_owned(), ratio_text),
            ratio_text(test.threshold)
        ),
        CovenantTerms::MaxLeverage { .. } => format!(
            "{} against a maximum of {}",
            test.value
                .map_or_else(|| "not finite (EBITDA ≤ 0)".to_owned(), ratio_text),
            ratio_text(test.threshold)
        ),
        CovenantTerms::MinInterestCoverage { .. } => format!(
            "{} against a minimum of {}",
            test.value
                .map_or_else(|| "not finite".to_owned(), ratio_text),
            ratio_text(test.threshold)
        ),
        CovenantTerms::MaxLtv { .. } => format!(
            "{} % against a maximum of {} %",
            test.value.map_or_else(
                || "not finite (no collateral value)".to_owned(),
                |value| value.round_dp(1).normalize().to_string()
            ),
            test.threshold.round_dp(1).normalize()
        ),
    }
}

/// A signed amount in $M to the cent, grouped: `+$1,234.56M`, `-$8.00M` (a margin over a
/// limit, a month's cash against zero).
pub fn signed_musd(value_musd: Decimal) -> String {
    let text = cents_musd(value_musd);
    if round_for_display(value_musd) > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

/// A signed amount in $M under $1B, in $B from there: `+$120.00M`, `-$14.02B` (a margin the
/// app shows beside $B figures without writing a small one as `$0.01B`).
pub fn signed_money(value_musd: Decimal) -> String {
    if value_musd.abs() < Decimal::ONE_THOUSAND {
        signed_musd(value_musd)
    } else {
        signed_busd(value_musd)
    }
}

/// A margin in its unit, signed, for reading: `-4.6 %` (never `0.0 %` for a breach),
/// `+$120.00M`, `-$14.02B`, `+3 months`.
pub fn signed_margin(value: Decimal, unit: &str) -> String {
    match unit {
        "%" => signed_pct(value),
        "$M" => signed_money(value),
        _ => {
            let sign = if value > Decimal::ZERO { "+" } else { "" };
            let number = value.round_dp(2).normalize();
            if unit.is_empty() {
                format!("{sign}{number}")
            } else {
                format!("{sign}{number} {unit}")
            }
        }
    }
}

/// A lever's value with its unit, as people write it: `5.35 %`, `3 months`, `$400M`,
/// `$12.5M/MW`, `2026-03`.
pub fn lever_value_text(value: &LeverValue, unit: &str) -> String {
    let LeverValue::Number(number) = value else {
        return value.to_string();
    };
    let number = number.normalize();
    let digits = grouped(number, number.scale());
    match unit {
        "" => digits,
        "$M" => format!("${digits}M"),
        "$M/MW" => format!("${digits}M/MW"),
        "months" if number == Decimal::ONE => "1 month".to_owned(),
        _ => format!("{digits} {unit}"),
    }
}

/// A share of runs as a percentage with one decimal, or two below 1 % so a rare outcome does
/// not read `0.0 %`: `34.5 %`, `0.25 %`, `0.0 %` (none).
pub fn share_pct(share: f64) -> String {
    let pct = share * 100.0;
    if pct > 0.0 && pct < 1.0 {
        format!("{pct:.2} %")
    } else {
        format!("{pct:.1} %")
    }
}

/// An error as the backtest writes it, one decimal with its sign: `-2.6 %`, `+0.4 %`
/// (an error that rounds to zero is `+0.0 %`).
pub fn error_pct_text(error_pct: Decimal) -> String {
    let shown = error_pct.round_dp(1);
    let sign = if shown.is_sign_negative() && !shown.is_zero() {
        '-'
    } else {
        '+'
    };
    format!("{sign}{:.1} %", shown.abs())
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
    use crate::model::CovenantKind;
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
            (
                ReportedFigure::RevenueQuarter,
                dec!(1212.8),
                "$1,212.80M",
                "$1.21B",
            ),
            (ReportedFigure::Cash, dec!(-250.125), "-$250.13M", "-$0.25B"),
            (ReportedFigure::MwOnline, dec!(470.00), "470 MW", "470 MW"),
            (
                ReportedFigure::MwOnline,
                dec!(412.46),
                "412.5 MW",
                "412.5 MW",
            ),
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
    fn signed_amounts_and_shares_read_as_people_write_them() {
        assert_eq!(signed_musd(dec!(1234.567)), "+$1,234.57M");
        assert_eq!(signed_musd(dec!(-8)), "-$8.00M");
        assert_eq!(signed_musd(dec!(0.001)), "$0.00M");
        assert_eq!(share_pct(0.345), "34.5 %");
        assert_eq!(share_pct(0.0025), "0.25 %");
        assert_eq!(share_pct(0.0), "0.0 %");
    }

    #[test]
    fn margins_and_lever_values_read_in_their_units() {
        assert_eq!(signed_margin(dec!(-0.035), "%"), "-0.04 %");
        assert_eq!(signed_margin(dec!(120), "$M"), "+$120.00M");
        assert_eq!(signed_margin(dec!(-14016), "$M"), "-$14.02B");
        assert_eq!(signed_margin(dec!(3), "months"), "+3 months");
        assert_eq!(signed_margin(dec!(-2.5), ""), "-2.5");
        assert_eq!(
            lever_value_text(&LeverValue::Number(dec!(5.350)), "%"),
            "5.35 %"
        );
        assert_eq!(
            lever_value_text(&LeverValue::Number(dec!(1250)), "$M"),
            "$1,250M"
        );
        assert_eq!(
            lever_value_text(&LeverValue::Number(dec!(3)), "months"),
            "3 months"
        );
        assert_eq!(
            lever_value_text(&LeverValue::Month(crate::model::Month::ym(2026, 3)), ""),
            "2026-03"
        );
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

    #[test]
    fn covenant_tests_read_in_their_own_terms() {
        let test = |value: Option<Decimal>, threshold: Decimal| CovenantTest {
            kind: CovenantKind::MinLiquidity,
            value,
            threshold,
            breach: false,
        };
        let liquidity = CovenantTerms::MinLiquidity {
            floor: dec!(25),
            pct: dec!(0),
            of_facility: None,
        };
        let dscr = CovenantTerms::Dscr {
            facility: "ddtl".to_owned(),
            min: dec!(1.25),
        };
        let leverage = CovenantTerms::MaxLeverage { max: dec!(6) };
        for (terms, value, threshold, text) in [
            (
                &liquidity,
                Some(dec!(-14016)),
                dec!(25),
                "$14.04B below the $25M minimum",
            ),
            (
                &liquidity,
                Some(dec!(425)),
                dec!(25),
                "$400M above the $25M minimum",
            ),
            (
                &dscr,
                Some(dec!(1.104)),
                dec!(1.25),
                "1.10× against a minimum of 1.25×",
            ),
            (
                &leverage,
                None,
                dec!(6),
                "not finite (EBITDA ≤ 0) against a maximum of 6.00×",
            ),
        ] {
            assert_eq!(covenant_test_text(terms, &test(value, threshold)), text);
        }
        assert_eq!(signed_busd(dec!(400)), "+$0.40B");
        assert_eq!(signed_busd(dec!(-56140)), "-$56.14B");
        assert_eq!(signed_busd(dec!(1)), "$0.00B");
    }

    #[test]
    fn errors_are_written_with_their_sign_to_one_decimal() {
        for (value, text) in [
            (dec!(-2.64), "-2.6 %"),
            (dec!(0.44), "+0.4 %"),
            (dec!(-0.04), "+0.0 %"),
            (dec!(12), "+12.0 %"),
        ] {
            assert_eq!(error_pct_text(value), text, "{value}");
        }
    }
}
