//! Spec §7.1 (delivery partners) and §7.2 (covenant windows), and the flat minimum-liquidity
//! floor, on small scenarios whose figures are computed by hand in the comments.

use coreweave_whatif::model::{
    Group, Month, levers, parse_preset, parse_scenario, run, set_lever_text, to_ron, validate,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

mod common;
use common::{bare_v2 as text, bare_v2_error as error, bare_v2_outcome as outcome};

fn m(text: &str) -> Month {
    text.parse().expect("test month")
}

/// A 1200 contract over 12 months (100 a month) on `capacity`, from 2025-03, and a 10 MW site
/// built by `partner`, due 2025-03.
fn partnered(partners: &str, capacity: &str, partner: &str) -> String {
    format!(
        r#"{partners}
        contracts: [(id: "c", customer: "C", total_value: "1200", start: "2025-03", term_months: 12, capacity: {capacity})],
        sites: [(id: "s", mw: "10", online: "2025-03", partner: {partner}, capex_per_mw: "0")],"#
    )
}

const GALAXY: &str =
    r#"partners: [(id: "galaxy", name: "Galaxy Digital", delay_months: 3, delay_policy: Shift)],"#;

#[test]
fn a_partner_delays_its_own_sites_and_contracts() {
    // Galaxy is 3 months late: its site comes online at t = 2 + 3 = 5, and the contract on its
    // capacity earns 100 a month from t = 5 (Shift: all twelve months, the last ones past the
    // horizon).
    let o = outcome(&partnered(GALAXY, "galaxy", "galaxy"));
    let revenue: Vec<Decimal> = o.months.iter().map(|r| r.revenue).collect();
    assert_eq!(revenue[..5], [Decimal::ZERO; 5], "nothing before t = 5");
    assert!(revenue[5..].iter().all(|r| *r == dec!(100)), "{revenue:?}");
    assert_eq!(o.months[4].mw_online, dec!(0));
    assert_eq!(o.months[5].mw_online, dec!(10));
}

#[test]
fn a_partner_does_not_move_another_partners_or_own_items() {
    // Galaxy is late, but the site is Core Scientific's (no delay) and the contract is on
    // existing capacity: both start on time at t = 2.
    let o = outcome(&partnered(GALAXY, "Existing", "CoreScientific"));
    assert_eq!(o.months[2].revenue, dec!(100));
    assert_eq!(o.months[2].mw_online, dec!(10));
}

#[test]
fn truncate_loses_the_late_months_of_that_partners_contracts() {
    // Truncate: the contract still ends at t = 2 + 12 = 14, so from t = 5 it earns 9 months
    // (5 … 13), 7 of them in the horizon; Σw is unchanged, so each is still 100.
    let truncating = GALAXY.replace("Shift", "Truncate");
    let o = outcome(&partnered(&truncating, "galaxy", "Own"));
    let earning = o.months.iter().filter(|r| !r.revenue.is_zero()).count();
    assert_eq!(earning, 7);
    assert_eq!(o.months[11].revenue, dec!(100));
}

#[test]
fn core_scientific_is_a_partner_either_way() {
    // The v1 section, the same partner listed in `partners`, and its id written bare all give
    // the same ledger.
    let section = outcome(&format!(
        "core_scientific: (delay_months: 2),\n{}",
        partnered("", "CoreScientific", "CoreScientific")
    ));
    let listed = outcome(&partnered(
        r#"partners: [(id: "core_scientific", name: "Core Scientific", delay_months: 2)],"#,
        "core_scientific",
        "core_scientific",
    ));
    assert_eq!(section.months, listed.months);
    assert_eq!(section.months[4].revenue, dec!(100), "two months late");
    let both = error(&format!(
        "core_scientific: (delay_months: 2),\n{}",
        partnered(
            r#"partners: [(id: "core_scientific", name: "Core Scientific", delay_months: 2)],"#,
            "CoreScientific",
            "Own"
        )
    ));
    assert!(both.contains("Core Scientific is given twice"), "{both}");
}

#[test]
fn a_reference_must_name_a_listed_partner() {
    let err = error(&partnered(GALAXY, "helios", "Own"));
    assert!(
        err.contains("c.capacity: no delivery partner has the id `helios`"),
        "{err}"
    );
    let err = error(&partnered(GALAXY, "Existing", "helios"));
    assert!(
        err.contains("s.partner: no delivery partner has the id `helios`"),
        "{err}"
    );
}

#[test]
fn every_partners_delay_is_a_lever_under_delivery_partners_core_scientific_first() {
    let mut scenario =
        parse_scenario(&text(&partnered(GALAXY, "galaxy", "galaxy"))).expect("parses");
    let group: Vec<String> = levers(&scenario)
        .into_iter()
        .filter(|lever| lever.group == Group::DeliveryPartners)
        .map(|lever| lever.path)
        .collect();
    assert_eq!(
        group,
        [
            "core_scientific.delay_months",
            "core_scientific.delay_policy",
            "galaxy.delay_months",
            "galaxy.delay_policy"
        ]
    );
    set_lever_text(&mut scenario, "galaxy.delay_months", "0").expect("a lever");
    let o = run(&validate(scenario).expect("valid")).expect("runs");
    assert_eq!(o.months[2].revenue, dec!(100), "no longer late");
}

#[test]
fn partner_ids_are_written_bare_and_read_back() {
    let valid = parse_preset(&text(&partnered(GALAXY, "galaxy", "galaxy"))).expect("valid");
    let written = to_ron(valid.scenario()).expect("writes");
    assert!(written.contains("capacity: galaxy"), "{written}");
    assert!(written.contains("partner: galaxy"), "{written}");
    assert_eq!(parse_preset(&written).expect("reads back"), valid);
}

/// Cash 1000 falling 100 a month (fixed costs): 900, 800, … 0 at t = 9.
const FALLING: &str =
    r#"opex: (cost_of_revenue_pct: "0", other_opex_pct: "0", fixed_monthly: "100"),"#;

fn with_covenant(covenant: &str) -> String {
    text(&format!("covenants: [{covenant}],")).replace(
        r#"opex: (cost_of_revenue_pct: "0", other_opex_pct: "0", fixed_monthly: "0"),"#,
        FALLING,
    )
}

#[test]
fn a_flat_floor_needs_no_facility() {
    // Threshold 500 every month; liquidity 900, 800 … : first below at t = 5 (400).
    let o = run(&parse_preset(&with_covenant(
        r#"(id: "floor", name: "Floor", terms: MinLiquidity(floor: "500", pct: "0"))"#,
    ))
    .expect("valid"))
    .expect("runs");
    assert!(
        o.months
            .iter()
            .enumerate()
            .all(|(t, _)| o.covenant(t, 0).map(|c| c.threshold) == Some(dec!(500)))
    );
    assert_eq!(
        o.kpis.first_breach.as_ref().map(|b| b.month),
        Some(m("2025-06"))
    );
    // Funding need: the worst month, t = 11: 500 − (−200) = 700.
    assert_eq!(o.kpis.funding_need, dec!(700));
}

#[test]
fn a_covenant_is_tested_only_inside_its_window() {
    // Window 2025-03 … 2025-05 (t = 2 … 4): liquidity 700, 600, 500 against 650 → breach at
    // t = 3 and 4 only; later months (cash down to −200) are not tested and do not count in
    // the funding need (650 − 500 = 150).
    let o = run(&parse_preset(&with_covenant(
        r#"(id: "floor", name: "Floor", terms: MinLiquidity(floor: "650", pct: "0"), from: "2025-03", until: "2025-05")"#,
    ))
    .expect("valid"))
    .expect("runs");
    let tested: Vec<usize> = (0..12).filter(|&t| o.covenant(t, 0).is_some()).collect();
    assert_eq!(tested, [2, 3, 4]);
    assert_eq!(o.kpis.covenants[0].breach_months, 2);
    assert_eq!(o.kpis.funding_need, dec!(150));
    assert_eq!(o.kpis.covenants[0].first_breach, Some(m("2025-04")));
}

#[test]
fn window_ends_are_levers_and_an_empty_window_tests_nothing() {
    let mut scenario = parse_scenario(&with_covenant(
        r#"(id: "floor", name: "Floor", terms: MinLiquidity(floor: "650", pct: "0"))"#,
    ))
    .expect("parses");
    let from = coreweave_whatif::model::lever(&scenario, "floor.from").expect("a lever");
    assert_eq!(
        from.value.to_string(),
        "2025-01",
        "absent reads as the first month"
    );
    let until = coreweave_whatif::model::lever(&scenario, "floor.until").expect("a lever");
    assert_eq!(
        until.value.to_string(),
        "2025-12",
        "absent reads as the horizon's last month"
    );
    set_lever_text(&mut scenario, "floor.from", "2025-10").expect("set");
    set_lever_text(&mut scenario, "floor.until", "2025-09").expect("set");
    let o = run(&validate(scenario).expect("an empty window is valid")).expect("runs");
    assert!((0..12).all(|t| o.covenant(t, 0).is_none()));
    assert_eq!(o.kpis.first_breach, None);
}

#[test]
fn galaxy_helios_extends_actual_2025_with_a_second_partner_and_a_windowed_test() {
    let galaxy = coreweave_whatif::model::SHIPPED_PRESETS
        .iter()
        .find(|(stem, _)| *stem == "galaxy-helios-2026")
        .map(|(_, text)| *text)
        .expect("shipped");
    assert!(galaxy.lines().count() < 60, "written the short way");
    assert!(galaxy.contains("extends: \"actual-2025\""));
    let valid = parse_preset(galaxy).expect("resolves and validates");
    let scenario = valid.scenario();
    assert_eq!(
        scenario.partners.len(),
        1,
        "Galaxy, besides Core Scientific"
    );
    let helios: Vec<&str> = scenario
        .sites
        .iter()
        .filter(|site| site.partner.partner_id() == Some("galaxy"))
        .map(|site| site.id.as_str())
        .collect();
    assert_eq!(helios, ["helios_1", "helios_2", "helios_3"]);
    let o = run(&valid).expect("runs");
    let test = o
        .covenant_ids
        .iter()
        .position(|id| id == "ddtl4_liquidity")
        .expect("the new loan's test");
    assert!(
        o.covenant(0, test).is_none(),
        "not tested before the loan's first month"
    );
    assert!(o.covenant(13, test).is_some(), "tested from 2026-02");
    // Galaxy's own delay moves Helios and Meta, and nothing of Core Scientific's.
    let mut late = scenario.clone();
    set_lever_text(&mut late, "galaxy.delay_months", "6").expect("a lever");
    let late = run(&validate(late).expect("valid")).expect("runs");
    let meta = o
        .revenue_ids
        .iter()
        .position(|id| id == "meta_ai")
        .expect("meta");
    assert!(!o.stream_revenue(13, meta).is_zero() && late.stream_revenue(13, meta).is_zero());
    let openai = o
        .revenue_ids
        .iter()
        .position(|id| id == "openai")
        .expect("openai");
    assert_eq!(
        (0..o.months.len())
            .map(|t| o.stream_revenue(t, openai))
            .collect::<Vec<_>>(),
        (0..late.months.len())
            .map(|t| late.stream_revenue(t, openai))
            .collect::<Vec<_>>()
    );
}
