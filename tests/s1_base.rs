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
    // Cost of revenue 8 % = 20.0107 plus 0.12 × 360 MW online = 43.2 → 63.2107;
    // opex 12 % + 15 = 45.0161.
    // Capex: own_2025, 250 MW × 28 = 7000, online 2025-07: the profile's 20 % six months
    // ahead falls in January → 1400 (Denton's falls in April).
    // Interest: DDTL1 2012.5 × (4.30 + 9.62)/1200 = 23.3450; DDTL2 3843.8 × 10.55/1200 = 33.7934;
    // term2024 1000 × 9.6/1200 = 8; OEM 1177.2 × 9.5/1200 = 9.3195 → 74.4579.
    // Draws: DDTL2 3756 / 6 = 626.
    // Cash: 1361 + 250.1338 − 63.2107 − 45.0161 − 1400 − 74.4579 + 626 = 654.4491.
    let outcome = run(&default_scenario()).expect("runs");
    let jan = &outcome.months[0];
    close(jan.revenue, dec!(250.1338), "revenue");
    close(jan.cost_of_revenue, dec!(63.2107), "cost of revenue");
    close(jan.opex, dec!(45.0161), "opex");
    close(jan.capex, dec!(1400), "capex");
    close(jan.interest, dec!(74.4579), "interest");
    close(jan.cash, dec!(654.4491), "cash");
}

#[test]
fn committed_money_runs_out_when_denton_is_delivered() {
    // DDTL 2.0 draws its 3756 in six parts by June; DDTL1 pays 115 in March, June and
    // September; the term loan is repaid in April. September's debt: 1667.5 + 7599.8 + 1177.2
    // = 10444.5. In October DDTL 2.0's level repayments start (7599.8 / 15 quarters =
    // 506.6533) and the 650 revolver is drawn in full: 10444.5 − 506.6533 + 650 = 10587.8467,
    // the peak. October also pays 30 % of own_2025's 7000 (vendor terms, three months after
    // July) and 50 % of Denton's 260 × 28 = 7280 on delivery: 5740 of capex against ~550 of
    // cash → the first month below zero.
    let outcome = run(&default_scenario()).expect("runs");
    let kpis = &outcome.kpis;
    let october = &outcome.months[9];
    assert_eq!(october.capex, dec!(5740));
    assert_eq!(
        october.revolver_draw,
        dec!(650),
        "the revolver is drawn in full in October"
    );
    assert_eq!(kpis.peak_debt, dec!(10587.8466666667));
    assert_eq!(kpis.peak_debt_month, Month::ym(2025, 10));
    assert_eq!(kpis.runway_month, Some(Month::ym(2025, 10)));
    let first = kpis.first_breach.as_ref().expect("a breach");
    assert_eq!(
        (first.month, first.covenant.as_str()),
        (Month::ym(2025, 10), "liquidity")
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
