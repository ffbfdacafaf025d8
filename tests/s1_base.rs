//! The default scenario's story, pinned by figures derived by hand from `facts.md`.

use coreweave_whatif::model::{Month, default_scenario, run};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

mod common;
use common::shipped;

fn close(got: Decimal, want: Decimal, what: &str) {
    assert!(
        (got - want).abs() < dec!(0.01),
        "{what}: got {got}, derived {want}"
    );
}

#[test]
fn january_2025_by_hand() {
    // Revenue: Microsoft F = 15000 / (66/12 + 49) = 275.2294; January is k = 6 of its ramp,
    // w = 7/12 → 160.5505. Nvidia 1300/48 = 27.0833. Others 3000/48 = 62.5. Total 250.1338.
    // Cost of revenue 26 % = 65.0348; opex 12 % + 15 = 45.0161.
    // Capex: own_2025, 250 MW × 28 = 7000 over the 6 months before 2025-07 → 1166.6667.
    // Interest: DDTL1 2012.5 × (4.30 + 9.62)/1200 = 23.3450; DDTL2 3843.8 × 10.55/1200 = 33.7934;
    // term2024 1000 × 9.6/1200 = 8; OEM 1177.2 × 9.5/1200 = 9.3195 → 74.4579.
    // Draws: DDTL2 3756 / 6 = 626.
    // Cash: 1361 + 250.1338 − 65.0348 − 45.0161 − 1166.6667 − 74.4579 + 626 = 885.9583.
    let outcome = run(&default_scenario()).expect("runs");
    let jan = &outcome.months[0];
    close(jan.revenue, dec!(250.1338), "revenue");
    close(jan.opex, dec!(45.0161), "opex");
    close(jan.interest, dec!(74.4579), "interest");
    close(jan.cash, dec!(885.9583), "cash");
}

#[test]
fn committed_money_runs_out_during_2025() {
    // Debt peaks when DDTL 2.0's six draws are done (2025-06): opening 2012.5 + 3843.8 + 1000 +
    // 1177.2 = 8033.5; + 6 × 626 drawn; − 2 × 115 DDTL1 amortisation (March, June); − 1000
    // term loan repaid in April; + the 650 revolver, drawn in full in April.
    // = 8033.5 + 3756 − 230 − 1000 + 650 = 11209.5.
    // Cash: 2025-04 ends at the 250 revolver target less what the exhausted revolver could not
    // cover; May adds another ~2380 of capex against ~200 of EBITDA → first month below zero.
    let outcome = run(&default_scenario()).expect("runs");
    let kpis = &outcome.kpis;
    assert_eq!(kpis.peak_debt, dec!(11209.5));
    assert_eq!(kpis.peak_debt_month, Month::ym(2025, 6));
    assert_eq!(kpis.runway_month, Some(Month::ym(2025, 5)));
    assert_eq!(
        outcome.months[3].revolver_draw,
        dec!(650),
        "the revolver is drawn in full in April"
    );
    // The minimum-liquidity covenant fails first, in April (liquidity < 1 % of DDTL2's ~7,600).
    let first = kpis.first_breach.as_ref().expect("a breach");
    assert_eq!(
        (first.month, first.covenant.as_str()),
        (Month::ym(2025, 4), "liquidity")
    );
    // Funding need is well over $10B; at the worst month DDTL 2.0 is below 2,500, so the
    // threshold is the $25M floor and the need is exactly 25 − minimum cash.
    assert!(kpis.funding_need > dec!(10000), "{}", kpis.funding_need);
    assert_eq!(kpis.funding_need, dec!(25) - kpis.min_cash);
}

#[test]
fn the_management_plan_stays_solvent_with_covenants_whole() {
    let outcome =
        run(&coreweave_whatif::model::parse_preset(shipped("management-plan")).expect("valid"))
            .expect("runs");
    assert_eq!(outcome.kpis.runway_month, None);
    assert_eq!(outcome.kpis.first_breach, None);
    assert_eq!(outcome.kpis.funding_need, Decimal::ZERO);
}

#[test]
fn the_bear_case_is_worse_than_the_base() {
    let bear = shipped("bear-case");
    let base = run(&default_scenario()).expect("runs");
    let bear = run(&coreweave_whatif::model::parse_preset(bear).expect("valid")).expect("runs");
    assert!(bear.kpis.funding_need > base.kpis.funding_need);
    assert!(bear.kpis.runway_month.is_some() && bear.kpis.runway_month <= base.kpis.runway_month);
}
