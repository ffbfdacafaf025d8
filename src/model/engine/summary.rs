//! After the loop: the backtest against reported figures (spec §6.6) and the KPIs (spec §4).

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::exact::{add, cmp, lt, magnitude_below, max, sub};
use super::plan::{CovenantPlan, Plan};
use super::{DUST_EXPONENT, HUNDRED, ModelError, PLAIN_EXPONENT};
use crate::model::backtest::{BacktestRow, ReportedFigure, mean_absolute_error_pct};
use crate::model::month::Month;
use crate::model::outcome::{
    Breach, CovenantKind, CovenantKpi, CovenantTest, Kpis, MonthRow, PnlMonth, YearKpi, figure_at,
    pnl_figure_at,
};
use crate::model::scenario::{Reported, Scenario};

/// Every reported figure beside the ledger's (spec §6.6), in preset order and field order.
/// Validation keeps entries inside the horizon; one the ledger cannot reach is left out.
pub(super) fn backtest(
    reported: &[Reported],
    months: &[MonthRow],
    pnl: &[PnlMonth],
) -> Result<Vec<BacktestRow>, ModelError> {
    let mut rows = Vec::new();
    for entry in reported {
        let Ok(t) = usize::try_from(entry.month.index()) else {
            continue;
        };
        for figure in ReportedFigure::ALL {
            let model = if figure.is_pnl() {
                pnl_figure_at(pnl, figure, t)
            } else {
                figure_at(months, figure, t)
            };
            let (Some(reported), Some(model)) = (figure.reported_in(entry), model) else {
                continue;
            };
            // Spec §8.1: relative to the reported figure's size, so a loss reported as
            // negative reads as one (a positive figure is its own magnitude).
            let error_pct = (model - reported)
                .checked_div(reported.abs())
                .and_then(|ratio| ratio.checked_mul(HUNDRED))
                .ok_or_else(|| ModelError::BacktestOverflow {
                    what: format!("{} in {}", figure.field(), entry.month),
                })?;
            rows.push(BacktestRow {
                month: entry.month,
                figure,
                reported,
                model,
                error_pct,
                source: entry.source.clone(),
            });
        }
    }
    Ok(rows)
}

/// The KPIs of spec §4. Ties go to the earliest month, then to the covenant listed first.
pub(super) fn summarise(
    scenario: &Scenario,
    plan: &Plan,
    months: &[MonthRow],
    tests: &[Option<CovenantTest>],
    backtest: &[BacktestRow],
) -> Kpis {
    let covenant_count = plan.covenants.len();
    // One pass over the ledger; strict comparisons keep the earliest month on a tie.
    let mut runway_month = None;
    let (mut min_cash, mut min_cash_month) = (Decimal::MAX, Month::from_index(0));
    let (mut peak_debt, mut peak_debt_month) = (Decimal::MIN, Month::from_index(0));
    let mut total_interest = Decimal::ZERO;
    for row in months {
        if runway_month.is_none() && row.cash < Decimal::ZERO {
            runway_month = Some(row.month);
        }
        if lt(row.cash, min_cash) {
            (min_cash, min_cash_month) = (row.cash, row.month);
        }
        if lt(peak_debt, row.debt) {
            (peak_debt, peak_debt_month) = (row.debt, row.month);
        }
        total_interest = add(total_interest, row.interest);
    }

    // One pass over each covenant's tests (`tests[t * covenant_count + k]`).
    let covenants: Vec<CovenantKpi> = scenario
        .covenants
        .iter()
        .enumerate()
        .map(|(k, covenant)| {
            let mut kpi = CovenantKpi {
                id: covenant.id.clone(),
                first_breach: None,
                min_headroom_pct: None,
                breach_months: 0,
            };
            // The test with the lowest headroom, the earliest of equals; its headroom is the
            // only one divided out.
            let mut lowest: Option<&CovenantTest> = None;
            let tested = tests.iter().skip(k).step_by(covenant_count).zip(months);
            for (test, row) in tested {
                let Some(test) = test else { continue };
                if test.breach {
                    kpi.first_breach.get_or_insert(row.month);
                    kpi.breach_months += 1;
                }
                if lowest.is_none_or(|lowest| lower_headroom(test, lowest)) {
                    lowest = Some(test);
                }
            }
            kpi.min_headroom_pct = lowest.map(CovenantTest::headroom_pct);
            kpi
        })
        .collect();
    let first_breach = covenants
        .iter()
        .filter_map(|kpi| {
            kpi.first_breach.map(|month| Breach {
                month,
                covenant: kpi.id.clone(),
            })
        })
        .min_by_key(|breach| breach.month);

    // Against the minimum-liquidity threshold(s); with none, against zero liquidity.
    let liquidity_covenants: Vec<usize> = (0..covenant_count)
        .filter(|&k| matches!(plan.covenants[k], CovenantPlan::MinLiquidity { .. }))
        .collect();
    let funding_need = (0..months.len())
        .map(|t| {
            if liquidity_covenants.is_empty() {
                -months[t].liquidity
            } else {
                // `Iterator::max`, whose tie goes to the last, without `Decimal`'s slow compare.
                liquidity_covenants
                    .iter()
                    .filter_map(|&k| {
                        tests[t * covenant_count + k]
                            .map(|test| sub(test.threshold, months[t].liquidity))
                    })
                    .reduce(|highest, shortfall| {
                        if lt(shortfall, highest) {
                            highest
                        } else {
                            shortfall
                        }
                    })
                    .unwrap_or(Decimal::ZERO)
            }
        })
        .fold(Decimal::ZERO, max);

    Kpis {
        runway_month,
        min_cash: if months.is_empty() {
            Decimal::ZERO
        } else {
            min_cash
        },
        min_cash_month,
        first_breach,
        covenants,
        total_interest,
        peak_debt: if months.is_empty() {
            Decimal::ZERO
        } else {
            peak_debt
        },
        peak_debt_month,
        funding_need,
        ending_cash: months.last().map_or(scenario.opening.cash, |row| row.cash),
        backtest_error_pct: mean_absolute_error_pct(backtest),
        years: Vec::new(),
    }
}

/// The yearly income-statement KPIs (spec §8.1): each calendar year's revenue and net
/// income, and `(revenue − net_income) / revenue`. A year the horizon ends inside counts
/// the months it holds. Nothing without an income statement.
pub(super) fn income_years(months: &[MonthRow], pnl: &[PnlMonth], years: &mut Vec<YearKpi>) {
    years.clear();
    for (months, pnl) in months.chunks(12).zip(pnl.chunks(12)) {
        let Some(first) = months.first() else {
            continue;
        };
        let revenue = months
            .iter()
            .fold(Decimal::ZERO, |sum, row| add(sum, row.revenue));
        let net_income = pnl
            .iter()
            .fold(Decimal::ZERO, |sum, month| add(sum, month.net_income));
        let cost_per_revenue_dollar = if revenue.is_zero() {
            None
        } else {
            (revenue - net_income).checked_div(revenue)
        };
        years.push(YearKpi {
            year: first.month.year(),
            revenue,
            net_income,
            cost_per_revenue_dollar,
        });
    }
}

/// Whether `a`'s headroom is strictly below `b`'s (two tests of one covenant): decided from
/// their figures where the order is certain, from the headrooms themselves where it is not.
/// Headroom rises with the figure against a fixed floor or minimum and falls with it against
/// a maximum; figures `DUST` apart (below $1e14M) are far more than a rounding of the quotient
/// apart, and ratios a billionth (and 1e-20) apart are far more than `f64`'s error and the
/// quotient's rounding apart.
fn lower_headroom(a: &CovenantTest, b: &CovenantTest) -> bool {
    if let (Some(value_a), Some(value_b)) = (a.value, b.value)
        && magnitude_below(value_a, PLAIN_EXPONENT)
        && magnitude_below(value_b, PLAIN_EXPONENT)
    {
        if cmp(a.threshold, b.threshold) == Ordering::Equal {
            let (lower, higher) = match a.kind {
                CovenantKind::MaxLeverage | CovenantKind::MaxLtv => (value_b, value_a),
                CovenantKind::MinLiquidity
                | CovenantKind::Dscr
                | CovenantKind::MinInterestCoverage => (value_a, value_b),
            };
            if !lt(lower, higher) {
                return false;
            }
            if !magnitude_below(higher - lower, DUST_EXPONENT) {
                return true;
            }
        } else if a.kind == CovenantKind::MinLiquidity {
            // Thresholds that move with a facility's balance: compare liquidity / threshold.
            // Headroom is that ratio less one, divided out to 28 places: ratios 1e-20 apart
            // (as well as a billionth apart) stay apart once rounded.
            let ratio_a = approximate(value_a) / approximate(a.threshold);
            let ratio_b = approximate(value_b) / approximate(b.threshold);
            let tolerance = 1e-9 * (ratio_a.abs() + ratio_b.abs()) + 1e-20;
            if ratio_a < ratio_b - tolerance {
                return true;
            }
            if ratio_a > ratio_b + tolerance {
                return false;
            }
        }
    }
    a.headroom_pct() < b.headroom_pct()
}

/// `value` to within a few parts in 1e16: enough to order ratios a billionth apart. Built
/// from the mantissa's two 64-bit halves (`i128 as f64` is a library call).
fn approximate(value: Decimal) -> f64 {
    const POWERS_OF_TEN: [f64; 29] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28,
    ];
    const TWO_TO_THE_64: f64 = 18_446_744_073_709_551_616.0;
    let magnitude = value.mantissa().unsigned_abs();
    let approximate = (magnitude >> 64) as u64 as f64 * TWO_TO_THE_64 + magnitude as u64 as f64;
    let approximate = approximate / POWERS_OF_TEN[value.scale() as usize];
    if value.is_sign_negative() {
        -approximate
    } else {
        approximate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn test(kind: CovenantKind, value: Option<Decimal>, threshold: Decimal) -> CovenantTest {
        CovenantTest {
            kind,
            value,
            threshold,
            breach: false,
        }
    }

    /// Every pair, both ways: the order read from the figures is the order of the headrooms.
    #[test]
    fn the_lower_headroom_is_read_from_the_figures_as_from_the_headrooms() {
        let liquidity = |value: Decimal, threshold: Decimal| {
            test(CovenantKind::MinLiquidity, Some(value), threshold)
        };
        let groups = [
            vec![
                liquidity(dec!(100), dec!(25)),
                liquidity(dec!(100.0000001), dec!(25)),
                liquidity(dec!(100.00000000000000000000001), dec!(25)),
                liquidity(dec!(50), dec!(12.5)),
                liquidity(dec!(50.000000000000000001), dec!(12.5)),
                liquidity(dec!(-3), dec!(40)),
                liquidity(dec!(120), dec!(30.5)),
                // Ratios 2e-30 apart: both headrooms round to exactly -100 %.
                liquidity(dec!(0.0000000000000000000000000001), dec!(25)),
                liquidity(dec!(0.0000000000000000000000000001), dec!(50)),
            ],
            vec![
                test(CovenantKind::Dscr, Some(dec!(1.2)), dec!(1.25)),
                test(CovenantKind::Dscr, Some(dec!(1.2000000000001)), dec!(1.25)),
                test(CovenantKind::Dscr, Some(dec!(3)), dec!(1.25)),
            ],
            vec![
                test(CovenantKind::MaxLeverage, Some(dec!(4)), dec!(6)),
                test(
                    CovenantKind::MaxLeverage,
                    Some(dec!(4.00000000000000001)),
                    dec!(6),
                ),
                test(CovenantKind::MaxLeverage, Some(dec!(9)), dec!(6)),
                test(CovenantKind::MaxLeverage, None, dec!(6)),
            ],
        ];
        for group in &groups {
            for a in group {
                for b in group {
                    assert_eq!(
                        lower_headroom(a, b),
                        a.headroom_pct() < b.headroom_pct(),
                        "{a:?} against {b:?}"
                    );
                }
            }
        }
    }
}
