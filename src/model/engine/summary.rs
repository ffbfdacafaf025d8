//! After the loop: the backtest against reported figures (spec §6.6) and the KPIs (spec §4).

use rust_decimal::Decimal;

use super::plan::{CovenantPlan, Plan};
use super::{HUNDRED, ModelError};
use crate::model::backtest::{BacktestRow, Figure, mean_absolute_error_pct};
use crate::model::month::Month;
use crate::model::outcome::{Breach, CovenantKpi, CovenantTest, Kpis, MonthRow, figure_at};
use crate::model::scenario::{Reported, Scenario};

/// Every reported figure beside the ledger's (spec §6.6), in preset order and field order.
/// Validation keeps entries inside the horizon; one the ledger cannot reach is left out.
pub(super) fn backtest(
    reported: &[Reported],
    months: &[MonthRow],
) -> Result<Vec<BacktestRow>, ModelError> {
    let mut rows = Vec::new();
    for entry in reported {
        let Ok(t) = usize::try_from(entry.month.index()) else {
            continue;
        };
        for figure in Figure::ALL {
            let (Some(reported), Some(model)) =
                (figure.reported_in(entry), figure_at(months, figure, t))
            else {
                continue;
            };
            let error_pct = (model - reported)
                .checked_div(reported)
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
        if row.cash < min_cash {
            (min_cash, min_cash_month) = (row.cash, row.month);
        }
        if row.debt > peak_debt {
            (peak_debt, peak_debt_month) = (row.debt, row.month);
        }
        total_interest += row.interest;
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
            let tested = tests.iter().skip(k).step_by(covenant_count).zip(months);
            for (test, row) in tested {
                let Some(test) = test else { continue };
                if test.breach {
                    kpi.first_breach.get_or_insert(row.month);
                    kpi.breach_months += 1;
                }
                if kpi
                    .min_headroom_pct
                    .is_none_or(|lowest| test.headroom_pct < lowest)
                {
                    kpi.min_headroom_pct = Some(test.headroom_pct);
                }
            }
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
                liquidity_covenants
                    .iter()
                    .filter_map(|&k| {
                        tests[t * covenant_count + k]
                            .map(|test| test.threshold - months[t].liquidity)
                    })
                    .max()
                    .unwrap_or(Decimal::ZERO)
            }
        })
        .fold(Decimal::ZERO, Decimal::max);

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
    }
}
