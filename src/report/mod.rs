//! What both front ends write: figures as text, the ledger and KPIs as files, the scenario memo
//! and its SVG charts. Pure: no egui, no I/O (files are written by [`crate::io`]).

mod backtest;
pub mod format;
mod kpi_text;
mod ledger;
mod memo;
mod svg_chart;

pub use backtest::{backtest_json, backtest_text};
pub use kpi_text::{
    ComparisonRow, KpiUnit, comparison_rows, kpi_choices, kpi_difference_text, kpi_figure,
    kpi_figure_text, kpi_label, kpi_unit, kpi_value_text,
};
pub use ledger::{
    Precision, exact_ledger_csv, kpis_json, kpis_text, ledger_csv, ledger_json, ledger_table,
};
pub use memo::{
    HEADROOM_CLIP_PCT, Memo, MemoBaseline, MemoChart, MemoInput, MemoTornado, chart_file_name,
    memo, palette,
};
pub use svg_chart::{ChartPoint, MonthRun, Rgb, SvgChart, SvgLine};
