//! Spec §6, subsection by subsection, on small scenarios whose figures are computed by hand in
//! the comments. Each assertion names its inputs.

use coreweave_whatif::model::{
    Outcome, PresetError, ReportedFigure, parse_preset, parse_scenario, run, set_lever_text,
    validate,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

mod common;
use common::{bare_v2 as scenario_text, bare_v2_error as issues, bare_v2_outcome as outcome};

fn column(
    outcome: &Outcome,
    f: impl Fn(&coreweave_whatif::model::MonthRow) -> Decimal,
) -> Vec<Decimal> {
    outcome.months.iter().map(f).collect()
}

fn decs(values: &[&str]) -> Vec<Decimal> {
    values
        .iter()
        .map(|v| v.parse().expect("test decimal"))
        .collect()
}

fn stream(outcome: &Outcome, id: &str) -> Vec<Decimal> {
    let i = outcome
        .revenue_ids
        .iter()
        .position(|s| s == id)
        .unwrap_or_else(|| panic!("no revenue.{id}"));
    (0..outcome.months.len())
        .map(|t| outcome.stream_revenue(t, i))
        .collect()
}

const SITE: &str = r#"sites: [(id: "s", mw: "10", online: "2025-03", capex_per_mw: "0", revenue_per_mw_month: "0.5", fill_months: 4)],"#;

#[test]
fn capacity_revenue_fills_over_its_fill_months() {
    // 10 MW × 0.5 = 5 a month when full; online t = 2; fill 4: 5 × 1/4, 2/4, 3/4, then 5.
    let o = outcome(SITE);
    let expected = decs(&[
        "0", "0", "1.25", "2.5", "3.75", "5", "5", "5", "5", "5", "5", "5",
    ]);
    assert_eq!(
        stream(&o, "s"),
        expected,
        "revenue.s, 10 MW × 0.5 from 2025-03, fill 4"
    );
    assert_eq!(column(&o, |r| r.revenue), expected, "revenue is the site's");
    assert_eq!(
        column(&o, |r| r.collections),
        expected,
        "collected in full, no prepayment"
    );
    assert!(o.column_names().contains(&"revenue.s".to_owned()));
}

#[test]
fn price_index_and_yearly_decline_scale_capacity_revenue_only() {
    // Full from 2025-01 at 10 × 0.5 = 5. Index 80 %: 4 in 2025; decline 25 %: 3 in 2026.
    // The 1200 contract (100 a month) is fixed-price and does not move.
    let o = outcome(
        r#"horizon_months: 24,
        contracts: [(id: "c", customer: "C", total_value: "2400", start: "2025-01", term_months: 24)],
        sites: [(id: "s", mw: "10", online: "2025-01", capex_per_mw: "0", revenue_per_mw_month: "0.5")],
        market: (price_index_pct: "80", price_decline_pct_per_year: "25"),"#
            .replace("horizon_months: 24,", "")
            .as_str(),
    );
    assert_eq!(stream(&o, "s")[0], dec!(4), "2025: 5 × 80 %");
    assert_eq!(stream(&o, "s")[11], dec!(4));
    assert_eq!(stream(&o, "c")[0], dec!(100), "contracts are not repriced");
}

#[test]
fn the_decline_compounds_each_model_year() {
    let text = scenario_text(
        r#"sites: [(id: "s", mw: "10", online: "2025-01", capex_per_mw: "0", revenue_per_mw_month: "0.5")],
        market: (price_index_pct: "80", price_decline_pct_per_year: "25"),"#,
    )
    .replace("horizon_months: 12", "horizon_months: 36");
    let o = run(&parse_preset(&text).expect("valid")).expect("runs");
    // 4, then 4 × 0.75 = 3, then 3 × 0.75 = 2.25.
    assert_eq!(
        [
            o.months[0].revenue,
            o.months[12].revenue,
            o.months[35].revenue
        ],
        [dec!(4), dec!(3), dec!(2.25)]
    );
}

#[test]
fn a_late_partner_site_earns_from_its_effective_online_month() {
    // Core Scientific site due 2025-03, delay 2: online and earning from t = 4, fill 1.
    let o = outcome(
        r#"core_scientific: (delay_months: 2),
        sites: [(id: "s", mw: "10", online: "2025-03", partner: CoreScientific, capex_per_mw: "0", revenue_per_mw_month: "0.5")],"#,
    );
    assert_eq!(
        stream(&o, "s"),
        decs(&["0", "0", "0", "0", "5", "5", "5", "5", "5", "5", "5", "5"])
    );
    assert_eq!(o.months[3].mw_online, dec!(0));
    assert_eq!(o.months[4].mw_online, dec!(10));
}

#[test]
fn capacity_costs_are_paid_on_every_mw_online() {
    // Opening 5 MW; site 10 MW from t = 2, earning 5 a month, cost of revenue 20 %;
    // 0.1 per MW online: 0.5 a month, then 1.5 + 20 % × 5 = 2.5 (fill 4 → revenue 1.25 at t = 2).
    let o = outcome(
        r#"sites: [(id: "s", mw: "10", online: "2025-03", capex_per_mw: "0", revenue_per_mw_month: "0.5", fill_months: 4)],"#,
    );
    assert_eq!(o.months[0].cost_of_revenue, dec!(0));
    let text = scenario_text(SITE)
        .replace(r#"mw_online: "0""#, r#"mw_online: "5""#)
        .replace(
            r#"cost_of_revenue_pct: "0""#,
            r#"cost_of_revenue_pct: "20", cost_per_mw_month: "0.1""#,
        );
    let o = run(&parse_preset(&text).expect("valid")).expect("runs");
    assert_eq!(
        column(&o, |r| r.cost_of_revenue)[..6],
        decs(&["0.5", "0.5", "1.75", "2.0", "2.25", "2.5"])[..],
        "0.1 × MW online + 20 % of revenue (1.25, 2.5, 3.75, 5 from 2025-03)"
    );
    assert_eq!(o.months[5].ebitda, dec!(2.5), "5 − 2.5");
}

const PROFILED: &str = r#"sites: [(id: "s", mw: "10", online: "2025-06", partner: CoreScientific, capex_per_mw: "28", reimbursement: "40")],
        capex: (lead_months: 6, profile: [(offset: -2, pct: "25"), (offset: 0, pct: "50"), (offset: 3, pct: "25")]),"#;

#[test]
fn the_capex_profile_pays_around_the_online_month() {
    // 10 MW × 28 = 280, online t = 5: 25 % (70) at t = 3, 50 % (140) at t = 5, 25 % at t = 8.
    // Reimbursement 40 likewise: 10, 20, 10. lead_months is ignored with a profile.
    let o = outcome(PROFILED);
    assert_eq!(
        column(&o, |r| r.capex),
        decs(&[
            "0", "0", "0", "70", "0", "140", "0", "0", "70", "0", "0", "0"
        ])
    );
    assert_eq!(
        column(&o, |r| r.reimbursement),
        decs(&[
            "0", "0", "0", "10", "0", "20", "0", "0", "10", "0", "0", "0"
        ])
    );
}

#[test]
fn the_profile_anchors_on_the_schedule_unless_capex_follows_the_delay() {
    // Delay 2: online t = 7. Capex stays on t = 3, 5, 8 (the scheduled anchor t = 5) …
    let delayed = PROFILED.replace(
        "sites:",
        "core_scientific: (delay_months: 2),\n        sites:",
    );
    let o = outcome(&delayed);
    assert_eq!(o.months[5].capex, dec!(140));
    // … or moves to t = 5, 7, 10 with follows_delay.
    let following = delayed.replace("lead_months: 6,", "lead_months: 6, follows_delay: true,");
    let o = outcome(&following);
    assert_eq!(
        column(&o, |r| r.capex),
        decs(&[
            "0", "0", "0", "0", "0", "70", "0", "140", "0", "0", "70", "0"
        ])
    );
}

#[test]
fn profile_parts_outside_the_model_are_dropped() {
    // Online 2025-01 (t = 0): the −2 part falls in 2024-11 (already paid, in opening cash);
    // online 2025-11 (t = 10): the +3 part falls in 2026-02, past the 12-month horizon.
    let early = PROFILED.replace("2025-06", "2025-01");
    assert_eq!(
        outcome(&early)
            .months
            .iter()
            .map(|r| r.capex)
            .sum::<Decimal>(),
        dec!(210),
        "280 − 70 before 2025"
    );
    let late = PROFILED.replace("2025-06", "2025-11");
    assert_eq!(
        outcome(&late)
            .months
            .iter()
            .map(|r| r.capex)
            .sum::<Decimal>(),
        dec!(210),
        "280 − 70 after 2025-12"
    );
}

fn funded(commitment: &str, advance: &str, draws: &str) -> String {
    format!(
        r#"{PROFILED}
        facilities: [(id: "loan", name: "Loan", kind: Term, opening_balance: "0", commitment: "{commitment}",
            rate: Fixed(coupon_pct: "0"), {draws} maturity: "2030-01",
            funds: (sites: ["s"], advance_pct: "{advance}"))],"#
    )
}

fn draws(outcome: &Outcome) -> Vec<Decimal> {
    column(outcome, |r| r.draws)
}

#[test]
fn a_funding_facility_draws_its_share_of_each_capex_invoice() {
    // 50 % of 70, 140, 70 (capex only, not the reimbursement): 35, 70, 35.
    let o = outcome(&funded("1000", "50", ""));
    assert_eq!(
        draws(&o),
        decs(&[
            "0", "0", "0", "35", "0", "70", "0", "0", "35", "0", "0", "0"
        ])
    );
    assert_eq!(o.facility(8, 0).balance, dec!(140));
}

#[test]
fn funded_draws_come_after_scheduled_draws_under_the_same_cap() {
    // Commitment 100, a scheduled 30 at t = 5: t = 3 funds 35; t = 5 draws 30, then
    // min(70, 100 − 35 − 30) = 35; t = 8 nothing is left.
    let o = outcome(&funded(
        "100",
        "50",
        r#"draws: (total: "30", from: "2025-06", months: 1),"#,
    ));
    assert_eq!(
        draws(&o),
        decs(&["0", "0", "0", "35", "0", "65", "0", "0", "0", "0", "0", "0"])
    );
}

#[test]
fn funded_draws_stop_at_maturity_and_feed_other_facilities_sweeps() {
    // The loan matures 2025-09 (t = 8): its t = 8 part is not drawn. A second facility that
    // sweeps 50 % of other draws is prepaid 17.5 and 35 from its 100.
    let text = funded("1000", "50", "")
        .replace(r#"maturity: "2030-01""#, r#"maturity: "2025-09""#)
        .replace(
            "advance_pct: \"50\"))],",
            r#"advance_pct: "50")),
            (id: "swept", name: "Swept", kind: Term, opening_balance: "100", commitment: "100",
             rate: Fixed(coupon_pct: "0"), maturity: "2030-01", sweep_pct: "50")],"#,
        );
    let o = outcome(&text);
    assert_eq!(o.facility(3, 0).draw, dec!(35));
    assert_eq!(
        o.facility(8, 0).draw,
        dec!(0),
        "no draw in the maturity month"
    );
    assert_eq!(o.facility(3, 1).principal, dec!(17.5));
    assert_eq!(o.facility(5, 1).principal, dec!(35));
}

#[test]
fn a_pledged_site_counts_in_its_facilitys_coverage() {
    // Site earns 5 a month from 2025-01, cost of revenue 20 %: pledged gross 12 a quarter.
    // Loan 1200 at 12 %: interest 12 a month, 36 a quarter → coverage 12 / 36 = 1/3.
    let text = scenario_text(
        r#"sites: [(id: "s", mw: "10", online: "2025-01", capex_per_mw: "0", revenue_per_mw_month: "0.5", pledged_to: "loan")],
        facilities: [(id: "loan", name: "Loan", kind: Term, opening_balance: "1200", commitment: "1200",
            rate: Fixed(coupon_pct: "12"), maturity: "2030-01")],
        covenants: [(id: "dscr", name: "Coverage", terms: Dscr(facility: "loan", min: "1.0"))],"#,
    )
    .replace(r#"cost_of_revenue_pct: "0""#, r#"cost_of_revenue_pct: "20""#);
    let o = run(&parse_preset(&text).expect("valid")).expect("runs");
    let value = o
        .covenant(2, 0)
        .and_then(|test| test.value)
        .expect("tested at the quarter end");
    assert_eq!(value.round_dp(20), (dec!(12) / dec!(36)).round_dp(20));
}

#[test]
fn the_backtest_sets_each_reported_figure_beside_the_model() {
    // 5 a month from 2025-03 with fill 4: Q1 revenue 1.25; cash at 2025-03 = 1000 + 1.25.
    let o = outcome(&format!(
        r#"{SITE}
        reported: [(month: "2025-03", revenue_quarter: "1", cash: "1001.25", mw_online: "20", source: "test")],"#
    ));
    let rows: Vec<_> = o
        .backtest
        .iter()
        .map(|r| (r.figure, r.reported, r.model, r.error_pct))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                ReportedFigure::RevenueQuarter,
                dec!(1),
                dec!(1.25),
                dec!(25)
            ),
            (ReportedFigure::Cash, dec!(1001.25), dec!(1001.25), dec!(0)),
            (ReportedFigure::MwOnline, dec!(20), dec!(10), dec!(-50)),
        ]
    );
    assert_eq!(
        o.kpis.backtest_error_pct,
        Some(dec!(25)),
        "(25 + 0 + 50) / 3"
    );
    assert_eq!(o.backtest[0].source, "test");
}

#[test]
fn reported_figures_do_not_change_the_ledger() {
    let plain = outcome(SITE);
    let reported = outcome(&format!(
        r#"{SITE} reported: [(month: "2025-06", debt: "5")],"#
    ));
    assert_eq!(plain.months, reported.months);
    assert_eq!(plain.kpis.backtest_error_pct, None);
    assert_eq!(
        reported.backtest[0].model,
        dec!(0),
        "no debt in this scenario"
    );
}

#[test]
fn new_numbers_are_levers() {
    let text = funded("1000", "50", "").replace(
        "capex_per_mw: \"28\"",
        "capex_per_mw: \"28\", revenue_per_mw_month: \"0.5\"",
    );
    let mut scenario = parse_scenario(&scenario_text(&text)).expect("parses");
    for (path, value) in [
        ("s.revenue_per_mw_month", "0.8"),
        ("s.fill_months", "6"),
        ("opex.cost_per_mw_month", "0.12"),
        ("loan.funds.advance_pct", "70"),
        ("market.price_index_pct", "90"),
        ("market.price_decline_pct_per_year", "30"),
    ] {
        set_lever_text(&mut scenario, path, value).unwrap_or_else(|err| panic!("{path}: {err}"));
    }
    assert_eq!(scenario.sites[0].fill_months, 6);
    assert_eq!(
        scenario.facilities[0].funds.as_ref().map(|f| f.advance_pct),
        Some(dec!(70))
    );
    assert_eq!(scenario.market.price_decline_pct_per_year, dec!(30));
    assert!(validate(scenario).is_ok());
}

#[test]
fn the_profile_must_add_up_to_exactly_100_with_distinct_offsets_in_range() {
    let profile = |parts: &str| issues(&format!("capex: (lead_months: 6, profile: [{parts}]),"));
    assert!(
        profile(r#"(offset: 0, pct: "60"), (offset: 1, pct: "30")"#).contains("add up to 90 %")
    );
    assert!(
        profile(r#"(offset: 0, pct: "50"), (offset: 0, pct: "50")"#)
            .contains("capex.profile[1].offset: offset 0 appears twice")
    );
    assert!(profile(r#"(offset: -37, pct: "100")"#).contains("capex.profile[0].offset"));
    assert!(profile(r#"(offset: 13, pct: "100")"#).contains("outside -36..=12"));
    assert!(
        profile(r#"(offset: 0, pct: "110"), (offset: 1, pct: "-10")"#)
            .contains("capex.profile[1].pct: every part must be above 0 %")
    );
}

#[test]
fn funds_name_existing_sites_and_never_the_revolver() {
    let bad_site = funded("1000", "50", "").replace(r#"sites: ["s"]"#, r#"sites: ["nowhere"]"#);
    assert!(issues(&bad_site).contains("loan.funds.sites: no site has the id `nowhere`"));
    let revolver = funded("1000", "50", "").replace("kind: Term", "kind: Revolver");
    assert!(issues(&revolver).contains("loan.funds: a revolver cannot fund capex"));
}

#[test]
fn reported_entries_lie_in_the_horizon_on_quarter_ends_and_report_something_positive() {
    let reported = |entry: &str| issues(&format!("reported: [{entry}],"));
    assert!(
        reported(r#"(month: "2026-03", cash: "1")"#)
            .contains("reported[0].month: 2026-03 is outside the horizon")
    );
    assert!(reported(r#"(month: "2024-12", cash: "1")"#).contains("outside the horizon"));
    assert!(
        reported(r#"(month: "2025-05", revenue_quarter: "1")"#)
            .contains("reported[0].revenue_quarter: 2025-05 is not a quarter end")
    );
    assert!(reported(r#"(month: "2025-06")"#).contains("reported[0]: reports no figure"));
    assert!(
        reported(r#"(month: "2025-06", debt: "0")"#)
            .contains("reported[0].debt: a reported figure must be above 0")
    );
}

#[test]
fn a_pledged_site_names_an_existing_facility() {
    let text = SITE.replace("fill_months: 4", r#"fill_months: 4, pledged_to: "ddtl9""#);
    assert!(issues(&text).contains("s.pledged_to: no facility has the id `ddtl9`"));
}

#[test]
fn a_file_that_uses_v2_fields_must_say_format_2() {
    let text = scenario_text(SITE).replace("format_version: 2", "format_version: 1");
    assert_eq!(
        parse_preset(&text).expect_err("v1 file with v2 fields"),
        PresetError::OlderFormat {
            found: 1,
            needed: 2
        }
    );
}
