//! Issue 7's backtest in the app, driven headless with egui_kittest: the backtest KPI tile, the
//! reported markers' legend entries on the charts, and the memo's backtest table.

use coreweave_whatif::model::{ReportedFigure, run};
use coreweave_whatif::report::format::pct_text;
use coreweave_whatif::ui::{Tab, WhatIfApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::{harness, s1_base_reporting_file, scratch_dir, two_reported_quarters};

/// How many charts on screen have a "Reported" legend entry.
fn reported_legend_entries(harness: &Harness<'_, WhatIfApp>) -> usize {
    harness.query_all_by_label("Reported").count()
}

#[test]
fn reported_figures_show_a_backtest_tile_and_markers_on_their_charts() {
    let dir = scratch_dir("backtest-tile");
    let (path, valid) = s1_base_reporting_file(&dir, "reported.ron", two_reported_quarters());
    let expected_pct = run(&valid)
        .expect("s1-base with two reported quarters runs")
        .kpis
        .backtest_error_pct
        .expect("seven reported figures give a mean error");

    let mut harness = harness();
    harness.state_mut().open_path(&path);
    harness.state_mut().set_tab(Tab::Charts);
    harness.run();
    assert_eq!(harness.state().error(), None);

    let tile = harness
        .get_by_label_contains("Backtest error: ")
        .value()
        .unwrap_or_default();
    assert_eq!(
        tile,
        format!("Backtest error: {}", pct_text(expected_pct)),
        "s1-base reporting two quarters (seven figures)"
    );
    harness.get_by_label("vs 7 reported figures");

    let markers = &harness.state().chart_data().reported;
    for (figure, count) in [
        (ReportedFigure::RevenueQuarter, 2),
        (ReportedFigure::Cash, 1),
        (ReportedFigure::Debt, 2),
        (ReportedFigure::MwOnline, 2),
    ] {
        assert_eq!(markers.of(figure).len(), count, "{figure:?} markers");
    }
    assert_eq!(
        reported_legend_entries(&harness),
        1,
        "the cash chart shows the reported cash of 2025-03"
    );

    harness.state_mut().set_tab(Tab::Breakdown);
    harness.run();
    assert_eq!(
        reported_legend_entries(&harness),
        3,
        "quarterly revenue, debt and power online each show their reported figures"
    );
    harness.get_by_label("Quarterly revenue ($B, at the quarter's last month)");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn nothing_reported_means_no_backtest_tile_and_no_markers() {
    let dir = scratch_dir("backtest-none");
    let (path, _) = s1_base_reporting_file(&dir, "unreported.ron", Vec::new());
    let mut harness = harness();
    harness.state_mut().open_path(&path);
    harness.state_mut().set_tab(Tab::Charts);
    harness.run();
    assert_eq!(harness.state().error(), None);
    assert_eq!(
        harness.state().kpis().expect("runs").backtest_error_pct,
        None
    );

    harness.get_by_label_contains("Runway: ");
    assert!(
        harness.query_by_label_contains("Backtest error").is_none(),
        "s1-base with reported[] emptied has no backtest tile"
    );
    assert_eq!(reported_legend_entries(&harness), 0, "cash chart");
    harness.state_mut().set_tab(Tab::Breakdown);
    harness.run();
    assert_eq!(reported_legend_entries(&harness), 0, "breakdown charts");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_memo_has_a_backtest_table_with_a_row_per_reported_figure() {
    let dir = scratch_dir("backtest-memo");
    let (path, _) = s1_base_reporting_file(&dir, "reported.ron", two_reported_quarters());
    let mut harness = harness();
    harness.state_mut().open_path(&path);
    harness.run();

    let text = harness.state().memo().expect("the memo is written");
    let section = text
        .split("\n## Backtest\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_else(|| panic!("no backtest section in the memo of reported.ron:\n{text}"));
    assert!(
        section.contains("| Month | Figure | Reported | Model | Error | Source |"),
        "{section}"
    );
    let rows: Vec<&str> = section
        .lines()
        .filter(|line| line.starts_with("| 2025-"))
        .collect();
    for (month, figure, reported) in [
        ("2025-03", "Quarterly revenue", "$981.60M"),
        ("2025-03", "Cash", "$1,300.00M"),
        ("2025-03", "Debt", "$8,800.00M"),
        ("2025-03", "Power online", "420 MW"),
        ("2025-06", "Quarterly revenue", "$1,212.80M"),
        ("2025-06", "Debt", "$11,171.50M"),
        ("2025-06", "Power online", "470 MW"),
    ] {
        let prefix = format!("| {month} | {figure} | {reported} | ");
        assert!(
            rows.iter().any(|row| row.starts_with(&prefix)),
            "no row {prefix}… in {rows:?}"
        );
    }
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(section.contains("Mean absolute error: "), "{section}");
    let _ = std::fs::remove_dir_all(dir);
}
