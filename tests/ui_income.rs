//! The app's income statement and GPU collateral (spec §8.1, §8.2): the "Income & collateral"
//! tab draws the income chart and one collateral chart per collateralised facility, and the KPI
//! strip shows the year's net income and cost per revenue dollar.

use coreweave_whatif::model::{Outcome, parse_preset, run};
use coreweave_whatif::ui::Tab;
use coreweave_whatif::ui::document::{Document, Origin};
use coreweave_whatif::ui::income_tab::{INCOME_CHART_TITLE, IncomeTab, collateral_chart_title};
use coreweave_whatif::ui::kpi_strip::{KpiStrip, kpi_tiles};
use egui_kittest::kittest::Queryable;

mod common;
use common::{harness, shipped, view_harness};

fn document(stem: &str) -> Document {
    let valid = parse_preset(shipped(stem)).unwrap_or_else(|err| panic!("{stem}: {err}"));
    Document::new(valid, Origin::Shipped(stem.to_owned()))
}

#[test]
fn the_income_tab_draws_the_income_chart_and_the_collateral_chart() {
    let mut harness = view_harness(
        IncomeTab::default(),
        document("actual-2025"),
        [1200.0, 900.0],
    );
    harness.run();
    harness.get_by_label(INCOME_CHART_TITLE);
    harness.get_by_label(&collateral_chart_title("DDTL 1.0"));
}

#[test]
fn the_app_has_an_income_tab() {
    let mut harness = harness();
    harness.state_mut().set_tab(Tab::Income);
    harness.run();
    // The default scenario (the S-1 base) has an income statement and DDTL 1.0's collateral.
    harness.get_by_label(INCOME_CHART_TITLE);
    harness.get_by_label(&collateral_chart_title("DDTL 1.0"));
}

#[test]
fn a_scenario_without_accounting_says_what_to_add() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/v1/s1-base.ron"
    ))
    .expect("the v1 fixture");
    let valid = parse_preset(&text).expect("a v1 file");
    let document = Document::new(valid, Origin::Shipped("v1".to_owned()));
    let mut harness = view_harness(IncomeTab::default(), document, [1200.0, 600.0]);
    harness.run();
    harness.get_by_label_contains("no income statement");
    assert!(harness.query_by_label(INCOME_CHART_TITLE).is_none());
}

#[test]
fn the_kpi_strip_shows_net_income_and_cost_per_revenue_dollar() {
    let valid = parse_preset(shipped("actual-2025")).expect("valid");
    let outcome: Outcome = run(&valid).expect("runs");
    let tiles = kpi_tiles(&outcome, valid.scenario());
    let year = &outcome.kpis.years[0];
    let net = tiles
        .iter()
        .find(|tile| tile.title == "Net income")
        .expect("a net income tile");
    assert_eq!(net.detail, format!("in {}", year.year));
    let cost = tiles
        .iter()
        .find(|tile| tile.title == "Cost per revenue $")
        .expect("a cost per revenue dollar tile");
    let expected = year.cost_per_revenue_dollar.expect("revenue in 2025");
    assert_eq!(cost.value, format!("${expected:.2}"));

    let mut harness = view_harness(
        KpiStrip::default(),
        document("actual-2025"),
        [1600.0, 200.0],
    );
    harness.run();
    harness.get_by_label_contains("Net income: ");
    harness.get_by_label_contains("Cost per revenue $: ");
}
