//! The CLI's income statement (spec §8.1): `kpis` and `run` carry each year's net income and
//! cost per revenue dollar, and the P&L and collateral columns, for a scenario with an
//! `accounting` section. Figures are derived by hand in the comments.

use serde_json::Value;

mod common;
use common::cli;

/// $100M a month of revenue for a year; $240M of opening book value over 24 months (10 a
/// month); $2M a month of stock compensation; a $100M loan at 0 % secured on $120M of opening
/// GPUs over 12 months (worth 120 × (1 − (t+1)/12)) with a 50 % borrowing base.
const BOOKS: &str = r#"(
    meta: (name: "books", format_version: 3),
    horizon_months: 12,
    opening: (cash: "1000", mw_online: "0"),
    rates: (sofr_pct: "0"),
    contracts: [(id: "c", customer: "C", total_value: "1200", start: "2025-01", term_months: 12)],
    opex: (cost_of_revenue_pct: "0", other_opex_pct: "0", fixed_monthly: "0"),
    facilities: [(id: "f", name: "GPU loan", kind: Term, opening_balance: "100", commitment: "100", rate: Fixed(coupon_pct: "0"), maturity: "2026-12",
        collateral: (sites: [], opening_value: "120", opening_life_months: 12, advance_pct: "50"))],
    accounting: (opening_book_value: "240", opening_life_left_months: 24, stock_comp_monthly: "2"),
)"#;

/// The scenario in a file of its own; removed when dropped.
struct ScenarioFile(std::path::PathBuf);

impl ScenarioFile {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("cw-income-{name}-{}.ron", std::process::id()));
        std::fs::write(&path, BOOKS).expect("written");
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 path")
    }
}

impl Drop for ScenarioFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn stdout(args: &[&str]) -> String {
    cli(args).unwrap_or_else(|err| panic!("{args:?}: {err}"))
}

#[test]
fn kpis_prints_each_years_net_income_and_cost_per_revenue_dollar() {
    let file = ScenarioFile::new("kpis");
    let text = stdout(&["kpis", file.path()]);
    // 100 − 10 − 2 = 88 a month, 1,056 in the year; (1200 − 1056) / 1200 = 0.12.
    assert!(
        text.contains(
            "net_income       2025 $1,056.00M on $1,200.00M of revenue: $0.12 of cost per revenue dollar"
        ),
        "{text}"
    );
    let json: Value =
        serde_json::from_str(&stdout(&["kpis", file.path(), "--format", "json"])).expect("json");
    let year = &json["years"][0];
    assert_eq!(year["year"], 2025);
    assert_eq!(year["net_income"], "1056.00");
    assert_eq!(year["revenue"], "1200.00");
    assert_eq!(year["cost_per_revenue_dollar"], "0.12");
}

#[test]
fn kpis_follow_the_useful_life_and_stock_comp_levers() {
    let file = ScenarioFile::new("levers");
    // Stock comp 12 a month: 100 − 10 − 12 = 78, 936 in the year: (1200 − 936) / 1200 = 0.22.
    let json: Value = serde_json::from_str(&stdout(&[
        "kpis",
        file.path(),
        "--format",
        "json",
        "--set",
        "accounting.stock_comp_monthly=12",
    ]))
    .expect("json");
    assert_eq!(json["years"][0]["net_income"], "936.00");
    assert_eq!(json["years"][0]["cost_per_revenue_dollar"], "0.22");
}

#[test]
fn run_carries_the_income_statement_and_collateral_columns() {
    let file = ScenarioFile::new("run");
    let csv = stdout(&["run", file.path(), "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let march: Vec<&str> = lines.nth(2).expect("2025-03").split(',').collect();
    let cell = |name: &str| {
        let k = header
            .iter()
            .position(|column| *column == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
        march[k]
    };
    assert_eq!(cell("month"), "2025-03");
    assert_eq!(cell("depreciation"), "10.00");
    assert_eq!(cell("net_income"), "88.00");
    // Opening 240 × (1 − 3/24) = 210.
    assert_eq!(cell("book_value"), "210.00");
    // 120 × (1 − 3/12) = 90; 100 − 50 % × 90 = 55 prepaid.
    assert_eq!(cell("f.collateral"), "90.00");
    assert_eq!(cell("f.collateral_prepay"), "55.00");
    assert_eq!(cell("f.balance"), "45.00");
}

#[test]
fn kpis_of_the_actual_2025_preset_print_2025_net_income() {
    let text = stdout(&[
        "kpis",
        concat!(env!("CARGO_MANIFEST_DIR"), "/presets/actual-2025.ron"),
    ]);
    let line = text
        .lines()
        .find(|line| line.starts_with("net_income       2025 "))
        .unwrap_or_else(|| panic!("no 2025 net income in\n{text}"));
    assert!(line.contains("of cost per revenue dollar"), "{line}");
    assert!(line.contains("-$"), "a loss in 2025: {line}");
}

#[test]
fn a_scenario_without_accounting_prints_no_income_kpis() {
    let text = stdout(&["kpis", "tests/fixtures/v1/s1-base.ron"]);
    assert!(!text.contains("net_income"), "{text}");
}
