//! What happened in 2025: the actual-2025 preset against the figures CoreWeave reported, and
//! the GPU price crash built on it.

use coreweave_whatif::model::{Month, Outcome, ReportedFigure, parse_preset, run};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

mod common;
use common::shipped;

fn outcome(stem: &str) -> Outcome {
    run(&parse_preset(shipped(stem)).unwrap_or_else(|err| panic!("{stem}: {err}"))).expect("runs")
}

#[test]
fn actual_2025_backtests_h1_within_ten_percent() {
    let o = outcome("actual-2025");
    assert_eq!(
        o.backtest.len(),
        13,
        "Q1 and Q2 2025: revenue, cash, debt, power, net income, adjusted operating income, interest expense"
    );
    let mean = o.kpis.backtest_error_pct.expect("reports figures");
    assert!(mean < dec!(10), "mean absolute error {mean} %");
    for row in &o.backtest {
        assert!(
            row.error_pct.abs() < dec!(25),
            "{} {} reported {} model {} error {} %",
            row.month,
            row.figure.field(),
            row.reported,
            row.model,
            row.error_pct
        );
    }
}

#[test]
fn actual_2025_is_calibrated_only_on_what_was_reported_by_august_2025() {
    // The Q2 2025 results (published in August) are the last figures it may know.
    let o = outcome("actual-2025");
    assert!(o.backtest.iter().all(|row| row.month <= Month::ym(2025, 6)));
}

#[test]
fn actual_2025_stays_solvent_through_2025() {
    let o = outcome("actual-2025");
    let year: Vec<_> = o.months.iter().take(12).collect();
    for row in &year {
        assert!(
            row.cash >= Decimal::ZERO,
            "cash {} in {}",
            row.cash,
            row.month
        );
    }
    // Revenue grows through the year as the new capacity fills and OpenAI starts on Denton.
    let q = |quarter: usize| -> Decimal {
        year[quarter * 3..quarter * 3 + 3]
            .iter()
            .map(|r| r.revenue)
            .sum()
    };
    assert!(
        q(3) > q(2) && q(2) > q(1) && q(1) > q(0),
        "quarterly revenue grows"
    );
    assert!(
        o.kpis
            .runway_month
            .is_none_or(|month| month > Month::ym(2025, 12))
    );
}

#[test]
fn actual_2025_earns_on_the_capacity_it_brings() {
    // Power online matches what was reported because the sites bring it; their capacity
    // revenue is in the ledger as its own column.
    let o = outcome("actual-2025");
    let mw = |figure: ReportedFigure| o.backtest.iter().filter(move |row| row.figure == figure);
    assert!(mw(ReportedFigure::MwOnline).all(|row| row.error_pct.is_zero()));
    let site = o
        .revenue_ids
        .iter()
        .position(|id| id == "own_q1")
        .expect("own_q1 earns");
    assert_eq!(
        o.stream_revenue(0, site),
        Decimal::ZERO,
        "online from February"
    );
    assert!(o.stream_revenue(2, site) > Decimal::ZERO);
}

#[test]
fn a_gpu_price_crash_keeps_2025_and_reprices_capacity_from_2026() {
    let actual = outcome("actual-2025");
    let crash = outcome("gpu-price-crash");
    assert_eq!(
        crash.backtest, actual.backtest,
        "2025 prices are the observed ones"
    );
    let site = crash
        .revenue_ids
        .iter()
        .position(|id| id == "own_q1")
        .expect("own_q1 earns");
    // Full from April 2025; 40 % a year off from 2026: December 2025 × 0.6 = January 2026.
    assert_eq!(
        crash.stream_revenue(12, site),
        crash.stream_revenue(11, site) * dec!(0.6)
    );
    assert!(crash.kpis.ending_cash < actual.kpis.ending_cash);
    assert!(crash.kpis.funding_need > actual.kpis.funding_need);
}

#[test]
fn actual_2025_backtests_h1_net_loss_and_adjusted_operating_income_within_fifteen_percent() {
    let o = outcome("actual-2025");
    for figure in [
        ReportedFigure::NetIncomeQuarter,
        ReportedFigure::AdjustedOperatingIncomeQuarter,
    ] {
        let rows: Vec<_> = o
            .backtest
            .iter()
            .filter(|row| row.figure == figure)
            .collect();
        assert_eq!(rows.len(), 2, "{figure:?} in Q1 and Q2 2025");
        for row in rows {
            assert!(
                row.error_pct.abs() <= dec!(15),
                "{} {}: reported {} model {} error {} %",
                row.month,
                row.figure.field(),
                row.reported,
                row.model,
                row.error_pct
            );
        }
    }
    // A loss in 2025, and every dollar of revenue cost more than a dollar.
    let year = &o.kpis.years[0];
    assert_eq!(year.year, 2025);
    assert!(year.net_income < Decimal::ZERO);
    assert!(
        year.cost_per_revenue_dollar
            .is_some_and(|cost| cost > Decimal::ONE)
    );
}

#[test]
fn short_lived_gpus_deepen_the_loss_and_the_borrowing_base_takes_cash() {
    let actual = outcome("actual-2025");
    let short = outcome("short-lived-gpus");
    assert!(short.kpis.years[0].net_income < actual.kpis.years[0].net_income);
    let k = short
        .collateral_ids
        .iter()
        .position(|id| id == "ddtl1")
        .expect("DDTL 1.0 is secured");
    let prepaid = |o: &Outcome| -> Decimal {
        (0..o.months.len())
            .map(|t| o.collateral_month(t, k).prepay)
            .sum()
    };
    assert!(
        prepaid(&short) > prepaid(&actual),
        "the collateral test bites"
    );
    // 2025-03 is the first test: DDTL 1.0's GPUs are worth less than its balance over 85 %.
    assert!(short.collateral_month(2, k).prepay > Decimal::ZERO);
}

#[test]
fn on_short_lived_gpus_the_price_decline_moves_debt_service() {
    use coreweave_whatif::model::{set_lever_text, validate};
    let mut scenario = parse_preset(shipped("short-lived-gpus"))
        .expect("valid")
        .into_scenario();
    let base = run(&validate(scenario.clone()).expect("valid")).expect("runs");
    set_lever_text(&mut scenario, "market.price_decline_pct_per_year", "50").expect("lever");
    let steeper = run(&validate(scenario).expect("valid")).expect("runs");
    let principal =
        |o: &Outcome| -> Decimal { o.months.iter().map(|row| row.principal).take(24).sum() };
    assert!(
        principal(&steeper) > principal(&base),
        "faster price falls shrink the borrowing base and force repayment in 2026"
    );
}
