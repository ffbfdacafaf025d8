//! The ledger and the KPIs as files and terminal text: an aligned table, CSV for spreadsheets,
//! JSON for scripts. Money is in $M, rounded to $0.01M unless [`Precision::Exact`] is asked for.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value, json};

use super::format::{cents_musd, pct_text, places_to_show, signed_pct};
use super::kpi_text::{KpiUnit, kpi_figure, kpi_unit};
use crate::model::analysis::{Kpi, funding_need_by_quarter};
use crate::model::{Cell, DISPLAY_DP, Outcome, Scenario, round_for_display};

/// How money is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Rounded to $0.01M, as people read it.
    Cents,
    /// Every digit the model holds, for checking a calculation to the last place.
    Exact,
}

impl Precision {
    /// `Exact` when the user asked for every digit (`--exact`), else `Cents`.
    pub fn exact_if(exact: bool) -> Self {
        if exact { Self::Exact } else { Self::Cents }
    }

    /// An amount in $M as plain digits: `654.45`, or every digit (`654.4500000001`).
    pub fn money(self, value: Decimal) -> String {
        match self {
            Self::Exact => value.normalize().to_string(),
            Self::Cents => format!("{:.*}", DISPLAY_DP as usize, round_for_display(value)),
        }
    }

    /// A ratio (dollars of cost per dollar of revenue) as plain digits: exact, or to four places.
    pub fn ratio(self, value: Decimal) -> String {
        match self {
            Self::Exact => value.normalize().to_string(),
            Self::Cents => value
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
                .normalize()
                .to_string(),
        }
    }

    /// A percentage as plain digits: exact, or with enough places that a value that is not
    /// zero shows a digit (a −0.035 % margin is never written `0.00`).
    pub fn pct(self, value: Decimal) -> String {
        match self {
            Self::Exact => value.normalize().to_string(),
            Self::Cents => {
                let dp = places_to_show(value, DISPLAY_DP);
                value
                    .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
                    .to_string()
            }
        }
    }
}

fn cell_text(cell: &Cell, precision: Precision) -> String {
    match cell {
        Cell::Month(month) => month.to_string(),
        Cell::Money(value) => precision.money(*value),
        Cell::Flag(flag) => flag.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Every column, values rounded to $0.01M, right-aligned under their names.
pub fn ledger_table(outcome: &Outcome) -> String {
    let names = outcome.column_names();
    let rows: Vec<Vec<String>> = (0..outcome.months.len())
        .map(|t| {
            outcome
                .row_cells(t)
                .iter()
                .map(|cell| cell_text(cell, Precision::Cents))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            rows.iter()
                .map(|row| row[i].len())
                .chain([name.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, text: &mut String| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect();
        text.push_str(parts.join("  ").trim_end());
        text.push('\n');
    };
    line(&mut names.iter().map(String::as_str), &mut text);
    for row in &rows {
        line(&mut row.iter().map(String::as_str), &mut text);
    }
    text
}

/// Every column as CSV, for spreadsheets.
pub fn ledger_csv(outcome: &Outcome, precision: Precision) -> String {
    let mut text = outcome.column_names().join(",");
    text.push('\n');
    for t in 0..outcome.months.len() {
        let cells: Vec<String> = outcome
            .row_cells(t)
            .iter()
            .map(|cell| cell_text(cell, precision))
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text
}

/// Every column as CSV with every digit: what the app exports for spreadsheets, and what golden
/// files compare to the last place.
pub fn exact_ledger_csv(outcome: &Outcome) -> String {
    ledger_csv(outcome, Precision::Exact)
}

/// One object per month; money as decimal strings, untested covenant cells as null.
pub fn ledger_json(outcome: &Outcome, precision: Precision) -> Value {
    let names = outcome.column_names();
    Value::Array(
        (0..outcome.months.len())
            .map(|t| {
                let object: Map<String, Value> = names
                    .iter()
                    .zip(outcome.row_cells(t))
                    .map(|(name, cell)| {
                        let value = match cell {
                            Cell::Month(month) => Value::String(month.to_string()),
                            Cell::Money(value) => Value::String(precision.money(value)),
                            Cell::Flag(flag) => Value::Bool(flag),
                            Cell::Empty => Value::Null,
                        };
                        (name.clone(), value)
                    })
                    .collect();
                Value::Object(object)
            })
            .collect(),
    )
}

/// The KPIs of `outcome` (a run of `scenario`) as JSON: the model's fields and names, money and
/// percentages as decimal strings written with `precision`, and the funding need by each
/// quarter end.
pub fn kpis_json(outcome: &Outcome, scenario: &Scenario, precision: Precision) -> Value {
    let kpis = &outcome.kpis;
    let money = |value: Decimal| precision.money(value);
    let by_quarter: Vec<Value> = funding_need_by_quarter(scenario, outcome)
        .into_iter()
        .map(|quarter| {
            json!({
                "quarter_end": quarter.quarter_end.to_string(),
                "need": money(quarter.need),
            })
        })
        .collect();
    let covenants: Vec<Value> = kpis
        .covenants
        .iter()
        .map(|covenant| {
            json!({
                "id": covenant.id,
                "first_breach": covenant.first_breach.map(|month| month.to_string()),
                "min_headroom_pct": covenant.min_headroom_pct.map(|pct| precision.pct(pct)),
                "breach_months": covenant.breach_months,
            })
        })
        .collect();
    // Spec §8.1: with an income statement, each calendar year's net income and cost per dollar.
    let years: Vec<Value> = kpis
        .years
        .iter()
        .map(|year| {
            json!({
                "year": year.year,
                "revenue": money(year.revenue),
                "net_income": money(year.net_income),
                "cost_per_revenue_dollar": year.cost_per_revenue_dollar.map(|cost| precision.ratio(cost)),
            })
        })
        .collect();
    json!({
        "runway_month": kpis.runway_month.map(|month| month.to_string()),
        "min_cash": money(kpis.min_cash),
        "min_cash_month": kpis.min_cash_month.to_string(),
        "first_breach": kpis.first_breach.as_ref().map(|breach| json!({
            "month": breach.month.to_string(),
            "covenant": breach.covenant,
        })),
        "covenants": covenants,
        "total_interest": money(kpis.total_interest),
        "peak_debt": money(kpis.peak_debt),
        "peak_debt_month": kpis.peak_debt_month.to_string(),
        "funding_need": money(kpis.funding_need),
        "funding_need_by_quarter": by_quarter,
        "ending_cash": money(kpis.ending_cash),
        "backtest_error_pct": kpis.backtest_error_pct.map(|pct| precision.pct(pct)),
        "years": years,
    })
}

/// `-$1,234.56M`, or every digit (`-$1234.5600000001M`); the sign before the currency.
fn money_text(value: Decimal, precision: Precision) -> String {
    match precision {
        Precision::Cents => cents_musd(value),
        Precision::Exact => {
            let sign = if value.is_sign_negative() && !value.is_zero() {
                "-"
            } else {
                ""
            };
            format!("{sign}${}M", value.abs().normalize())
        }
    }
}

/// The KPIs of `outcome` as a short report. A ratio covenant's headroom is a percentage with a
/// sign that rounding never hides; a minimum-liquidity covenant's is money, liquidity above the
/// threshold at its tightest month (a percentage of a small floor reads as −58,549 %).
pub fn kpis_text(outcome: &Outcome, scenario: &Scenario, precision: Precision) -> String {
    let kpis = &outcome.kpis;
    let money = |value: Decimal| money_text(value, precision);
    let mut text = String::new();
    let runway = kpis.runway_month.map_or_else(
        || "cash never goes below zero".to_owned(),
        |month| format!("cash goes below zero in {month}"),
    );
    let _ = writeln!(text, "runway_month     {runway}");
    let _ = writeln!(
        text,
        "min_cash         {} in {}",
        money(kpis.min_cash),
        kpis.min_cash_month
    );
    let _ = writeln!(text, "funding_need     {}", money(kpis.funding_need));
    // Cumulative, so only the quarters where it grows say something new.
    let mut previous = Decimal::ZERO;
    let mut label = "funding_need_by";
    for quarter in funding_need_by_quarter(scenario, outcome) {
        if quarter.need > previous {
            let _ = writeln!(
                text,
                "{label:<16} {} {}",
                quarter.quarter_end,
                money(quarter.need)
            );
            label = "";
            previous = quarter.need;
        }
    }
    let first = kpis.first_breach.as_ref().map_or_else(
        || "no covenant breached".to_owned(),
        |breach| format!("{} in {}", breach.covenant, breach.month),
    );
    let _ = writeln!(text, "first_breach     {first}");
    let _ = writeln!(text, "total_interest   {}", money(kpis.total_interest));
    let _ = writeln!(
        text,
        "peak_debt        {} in {}",
        money(kpis.peak_debt),
        kpis.peak_debt_month
    );
    let _ = writeln!(text, "ending_cash      {}", money(kpis.ending_cash));
    for year in &kpis.years {
        let cost = year.cost_per_revenue_dollar.map_or_else(
            || "no revenue".to_owned(),
            |cost| format!("${} of cost per revenue dollar", cost.round_dp(2)),
        );
        let _ = writeln!(
            text,
            "net_income       {} {} on {} of revenue: {cost}",
            year.year,
            money(year.net_income),
            money(year.revenue),
        );
    }
    if let Some(error) = kpis.backtest_error_pct {
        let _ = writeln!(
            text,
            "backtest_error   {} mean absolute error against reported figures",
            pct_text(error)
        );
    }
    for covenant in &kpis.covenants {
        let kpi = Kpi::MinHeadroom {
            covenant: covenant.id.clone(),
        };
        let headroom = match (kpi_unit(&kpi, scenario), covenant.min_headroom_pct) {
            (_, None) => "never tested".to_owned(),
            (KpiUnit::Money, Some(_)) => kpi_figure(&kpi, scenario, outcome).map_or_else(
                || "never tested".to_owned(),
                |headroom| format!("min headroom {}", money(headroom)),
            ),
            (_, Some(pct)) => format!("min headroom {}", signed_pct(pct)),
        };
        let breach = covenant.first_breach.map_or_else(
            || "never breached".to_owned(),
            |month| {
                let months = covenant.breach_months;
                let unit = if months == 1 { "month" } else { "months" };
                format!("first breach {month}, {months} {unit} in breach")
            },
        );
        let _ = writeln!(text, "covenant {:<8} {headroom}; {breach}", covenant.id);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_reads_to_the_cent_unless_exact() {
        let noisy = dec!(250.000000000048997888888888);
        assert_eq!(Precision::Cents.money(noisy), "250.00");
        assert_eq!(
            Precision::Exact.money(noisy),
            "250.000000000048997888888888"
        );
        assert_eq!(Precision::Cents.money(dec!(-1234.565)), "-1234.57");
        assert_eq!(
            money_text(dec!(-14612.324), Precision::Cents),
            "-$14,612.32M"
        );
        assert_eq!(money_text(dec!(-0.004), Precision::Cents), "$0.00M");
        assert_eq!(money_text(dec!(-0.004), Precision::Exact), "-$0.004M");
    }

    #[test]
    fn percentages_keep_a_digit_that_is_not_zero() {
        for (value, text) in [
            (dec!(7.249), "7.25"),
            (dec!(-0.035), "-0.04"),
            (dec!(-0.004), "-0.004"),
            (dec!(0.00004), "0.00004"),
            (dec!(0), "0"),
        ] {
            assert_eq!(Precision::Cents.pct(value), text, "{value}");
        }
    }
}
