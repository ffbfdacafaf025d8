//! The backtest as the CLI prints it: every reported figure beside the model's, with its
//! error, as a table or JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::format::{error_pct_text, figure_text, pct_text};
use crate::model::{Outcome, round_for_display};

/// The backtest as a table: every reported figure beside the model's, then the mean error.
pub fn backtest_text(name: &str, outcome: &Outcome) -> String {
    let rows = &outcome.backtest;
    let mut text = String::new();
    if rows.is_empty() {
        let _ = writeln!(
            text,
            "{name}: no reported figures to compare (add a `reported` section to the preset)"
        );
        return text;
    }
    let _ = writeln!(
        text,
        "{name}: the model beside {} reported figures",
        rows.len()
    );
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                row.month.to_string(),
                row.figure.label().to_owned(),
                figure_text(row.figure, row.reported),
                figure_text(row.figure, row.model),
                error_pct_text(row.error_pct),
            ]
        })
        .collect();
    let header = ["month", "figure", "reported", "model", "error"];
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut line = |cells: [&str; 5]| {
        let _ = writeln!(
            text,
            "{:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {:>w4$}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
        );
    };
    line(header);
    for row in &cells {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    if let Some(mean) = outcome.kpis.backtest_error_pct {
        let _ = writeln!(text, "mean absolute error {}", pct_text(mean));
    }
    text
}

/// The backtest as `{rows: [{month, figure, label, unit, reported, model, error_pct, source}],
/// mean_absolute_error_pct}`; the model's figure and the errors rounded to 0.01.
pub fn backtest_json(outcome: &Outcome) -> Value {
    let rows: Vec<Value> = outcome
        .backtest
        .iter()
        .map(|row| {
            json!({
                "month": row.month.to_string(),
                "figure": row.figure.field(),
                "label": row.figure.label(),
                "unit": row.figure.unit(),
                "reported": row.reported.normalize().to_string(),
                "model": round_for_display(row.model).normalize().to_string(),
                "error_pct": round_for_display(row.error_pct).normalize().to_string(),
                "source": row.source,
            })
        })
        .collect();
    json!({
        "rows": rows,
        "mean_absolute_error_pct": outcome
            .kpis
            .backtest_error_pct
            .map(|mean| round_for_display(mean).normalize().to_string()),
    })
}
