//! The command-line interface: run presets headless and print ledgers, KPIs and the lever registry.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::cli_scenario::{ScenarioArgs, load_scenario, load_unvalidated};
use crate::model::backtest::{Figure, error_pct_text};
use crate::model::money::round_for_display;
use crate::model::outcome::Cell;
use crate::model::warnings::warnings;
use crate::model::{Kpis, LeverKind, Outcome, Scenario, levers, run, to_ron, validate};
use crate::preset_file;

#[derive(Debug, Parser)]
#[command(
    name = "coreweave-whatif",
    version,
    about = "Stress-test a debt-financed GPU cloud: cash and covenant headroom, month by month."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the monthly ledger (every column of spec §4).
    Run {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long, value_enum, default_value_t = LedgerFormat::Table)]
        format: LedgerFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the KPIs: runway, minimum cash, funding need, breaches, interest, peak debt.
    Kpis {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Set the model beside the figures the preset reports (`reported[]`): each figure, the
    /// model's, the error, and the mean absolute error.
    Backtest {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Print the resolved scenario (after `--set`).
    Show {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long, value_enum, default_value_t = ShowFormat::Ron)]
        format: ShowFormat,
    },
    /// Validate presets; the exit code is 0 only if all are valid. Warnings (inputs that do
    /// nothing or probably mean something else) follow each valid preset and do not fail it.
    Check {
        #[arg(required = true)]
        presets: Vec<String>,
    },
    /// List every lever of a preset: path, label, group, unit, range and source.
    Levers {
        /// A preset file, or `default` for the embedded S-1 base scenario (the default). Lever
        /// paths follow the preset's ids, so each preset has its own list.
        preset: Option<String>,
        /// The former spelling of the preset argument, kept so scripts that use it still work.
        #[arg(
            long = "preset",
            value_name = "PRESET",
            hide = true,
            conflicts_with = "preset"
        )]
        preset_option: Option<String>,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Find the lever value where a condition (no breach, solvent, KPI>=X) starts or stops holding.
    Solve(crate::cli_analysis::SolveArgs),
    /// A KPI at each lever's low and high value, sorted by swing.
    Tornado(crate::cli_analysis::TornadoArgs),
    /// A KPI over two levers, with the cells where a covenant is breached (CSV or JSON).
    Grid(crate::cli_analysis::GridArgs),
    /// Draw levers from distributions: cash percentiles, breach odds, funding need.
    Montecarlo(crate::cli_analysis::MonteCarloArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LedgerFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TextFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    Json,
    Ron,
}

/// An error as the CLI prints it: one line, the outermost message; a cause follows, indented,
/// only when the text so far does not already say it (error types that show their source in
/// their own message would otherwise print it once per layer).
pub fn error_report(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str("\n  caused by: ");
            text.push_str(&cause);
        }
    }
    text
}

/// Runs one command, writing what it prints to `out`. Returns whether it succeeded as a check.
pub fn execute(command: Command, out: &mut dyn Write) -> Result<bool> {
    match command {
        Command::Run {
            scenario,
            format,
            out: file,
        } => {
            let valid = load_scenario(&scenario)?;
            let outcome = run(&valid)?;
            let text = match format {
                LedgerFormat::Table => ledger_table(&outcome),
                LedgerFormat::Csv => ledger_csv(&outcome),
                LedgerFormat::Json => {
                    let doc = json!({
                        "scenario": valid.scenario(),
                        "months": ledger_json(&outcome),
                        "kpis": outcome.kpis,
                    });
                    serde_json::to_string_pretty(&doc)? + "\n"
                }
            };
            match file {
                Some(path) => preset_file::write_atomic(&path, text.as_bytes())?,
                None => out.write_all(text.as_bytes())?,
            }
        }
        Command::Kpis { scenario, format } => {
            let valid = load_scenario(&scenario)?;
            let outcome = run(&valid)?;
            let text = match format {
                TextFormat::Text => kpis_text(&outcome.kpis),
                TextFormat::Json => serde_json::to_string_pretty(&outcome.kpis)? + "\n",
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Backtest { scenario, format } => {
            let valid = load_scenario(&scenario)?;
            let outcome = run(&valid)?;
            let text = match format {
                TextFormat::Text => backtest_text(&valid.scenario().meta.name, &outcome),
                TextFormat::Json => serde_json::to_string_pretty(&backtest_json(&outcome))? + "\n",
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Show { scenario, format } => {
            let valid = load_scenario(&scenario)?;
            let text = match format {
                ShowFormat::Json => serde_json::to_string_pretty(valid.scenario())? + "\n",
                ShowFormat::Ron => to_ron(valid.scenario())? + "\n",
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Check { presets } => {
            let mut all_valid = true;
            for preset in presets {
                match load_unvalidated(&preset).and_then(|scenario| Ok(validate(scenario)?)) {
                    Ok(valid) => {
                        writeln!(out, "ok   {preset}: {}", valid.scenario().meta.name)?;
                        for warning in warnings(valid.scenario()) {
                            writeln!(out, "  warning: {warning}")?;
                        }
                    }
                    Err(err) => {
                        all_valid = false;
                        writeln!(out, "FAIL {}", error_report(&err))?;
                    }
                }
            }
            return Ok(all_valid);
        }
        Command::Levers {
            preset,
            preset_option,
            format,
        } => {
            let preset = preset.or(preset_option);
            let scenario = load_unvalidated(preset.as_deref().unwrap_or("default"))?;
            let text = match format {
                TextFormat::Text => levers_text(&scenario),
                TextFormat::Json => serde_json::to_string_pretty(&levers_json(&scenario))? + "\n",
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Solve(args) => crate::cli_analysis::execute_solve(&args, out)?,
        Command::Tornado(args) => crate::cli_analysis::execute_tornado(&args, out)?,
        Command::Grid(args) => crate::cli_analysis::execute_grid(&args, out)?,
        Command::Montecarlo(args) => crate::cli_analysis::execute_montecarlo(&args, out)?,
    }
    Ok(true)
}

fn cell_text(cell: &Cell, exact: bool) -> String {
    match cell {
        Cell::Month(month) => month.to_string(),
        Cell::Money(value) if exact => value.normalize().to_string(),
        Cell::Money(value) => format!("{:.2}", round_for_display(*value)),
        Cell::Flag(flag) => flag.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Every column, values rounded to $0.01M, right-aligned under their names.
pub fn ledger_table(outcome: &Outcome) -> String {
    let names = outcome.column_names();
    let rows: Vec<Vec<String>> = (0..outcome.months.len())
        .map(|t| {
            outcome
                .row_cells(t)
                .iter()
                .map(|cell| cell_text(cell, false))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            rows.iter()
                .map(|row| row[i].len())
                .chain([name.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, text: &mut String| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect();
        text.push_str(parts.join("  ").trim_end());
        text.push('\n');
    };
    line(&mut names.iter().map(String::as_str), &mut text);
    for row in &rows {
        line(&mut row.iter().map(String::as_str), &mut text);
    }
    text
}

/// Every column with exact values, for spreadsheets.
pub fn ledger_csv(outcome: &Outcome) -> String {
    let mut text = outcome.column_names().join(",");
    text.push('\n');
    for t in 0..outcome.months.len() {
        let cells: Vec<String> = outcome
            .row_cells(t)
            .iter()
            .map(|cell| cell_text(cell, true))
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text
}

/// One object per month; money as exact decimal strings, untested covenant cells as null.
pub fn ledger_json(outcome: &Outcome) -> Value {
    let names = outcome.column_names();
    Value::Array(
        (0..outcome.months.len())
            .map(|t| {
                let object: Map<String, Value> = names
                    .iter()
                    .zip(outcome.row_cells(t))
                    .map(|(name, cell)| {
                        let value = match cell {
                            Cell::Month(month) => Value::String(month.to_string()),
                            Cell::Money(value) => Value::String(value.normalize().to_string()),
                            Cell::Flag(flag) => Value::Bool(flag),
                            Cell::Empty => Value::Null,
                        };
                        (name.clone(), value)
                    })
                    .collect();
                Value::Object(object)
            })
            .collect(),
    )
}

fn money(value: Decimal) -> String {
    format!("${:.2}M", round_for_display(value))
}

/// The KPIs as a short report.
pub fn kpis_text(kpis: &Kpis) -> String {
    let mut text = String::new();
    let runway = kpis.runway_month.map_or_else(
        || "cash never goes below zero".to_owned(),
        |month| format!("cash goes below zero in {month}"),
    );
    let _ = writeln!(text, "runway_month     {runway}");
    let _ = writeln!(
        text,
        "min_cash         {} in {}",
        money(kpis.min_cash),
        kpis.min_cash_month
    );
    let _ = writeln!(text, "funding_need     {}", money(kpis.funding_need));
    let first = kpis.first_breach.as_ref().map_or_else(
        || "no covenant breached".to_owned(),
        |breach| format!("{} in {}", breach.covenant, breach.month),
    );
    let _ = writeln!(text, "first_breach     {first}");
    let _ = writeln!(text, "total_interest   {}", money(kpis.total_interest));
    let _ = writeln!(
        text,
        "peak_debt        {} in {}",
        money(kpis.peak_debt),
        kpis.peak_debt_month
    );
    let _ = writeln!(text, "ending_cash      {}", money(kpis.ending_cash));
    if let Some(error) = kpis.backtest_error_pct {
        let _ = writeln!(
            text,
            "backtest_error   {:.1} % mean absolute error against reported figures",
            error.round_dp(1)
        );
    }
    for covenant in &kpis.covenants {
        let headroom = covenant.min_headroom_pct.map_or_else(
            || "never tested".to_owned(),
            |pct| format!("min headroom {:.1} %", pct.round_dp(1)),
        );
        let breach = covenant.first_breach.map_or_else(
            || "never breached".to_owned(),
            |month| {
                format!(
                    "first breach {month}, {} months in breach",
                    covenant.breach_months
                )
            },
        );
        let _ = writeln!(text, "covenant {:<8} {headroom}; {breach}", covenant.id);
    }
    text
}

/// A figure in its unit: `$1,212.80M` or `470 MW`.
pub fn figure_text(figure: Figure, value: Decimal) -> String {
    match figure {
        Figure::MwOnline => format!("{} MW", value.round_dp(1).normalize()),
        _ => money(value),
    }
}

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
        let _ = writeln!(text, "mean absolute error {:.1} %", mean.round_dp(1));
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

fn kind_text(kind: &LeverKind) -> String {
    match kind {
        LeverKind::Number { min, max, step, .. } => format!(
            "{}..={} step {}",
            min.normalize(),
            max.normalize(),
            step.normalize()
        ),
        LeverKind::Month { min, max } => format!("{min}..={max}"),
        LeverKind::Choice { choices } => choices.join(" | "),
    }
}

fn levers_text(scenario: &Scenario) -> String {
    let all = levers(scenario);
    let width = all.iter().map(|lever| lever.path.len()).max().unwrap_or(0);
    let mut text = String::new();
    for group in crate::model::Group::ALL {
        let in_group: Vec<_> = all.iter().filter(|lever| lever.group == group).collect();
        if in_group.is_empty() {
            continue;
        }
        let _ = writeln!(text, "{group}");
        for lever in in_group {
            let unit = if lever.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", lever.unit)
            };
            let _ = writeln!(
                text,
                "  {:<width$}  {}{unit}  [{}]  {}",
                lever.path,
                lever.value,
                kind_text(&lever.kind),
                lever.label
            );
        }
    }
    text
}

/// The registry as `{path, label, group, unit, kind, min, max, step, source}` objects.
pub fn levers_json(scenario: &Scenario) -> Value {
    let items = levers(scenario)
        .into_iter()
        .map(|lever| {
            let mut object = json!({
                "path": lever.path,
                "label": lever.label,
                "group": lever.group.label(),
                "unit": lever.unit,
                "value": lever.value.to_string(),
                "source": lever.source,
            });
            let extra = match &lever.kind {
                LeverKind::Number { min, max, step, whole } => json!({
                    "kind": "number", "min": min.normalize().to_string(), "max": max.normalize().to_string(),
                    "step": step.normalize().to_string(), "whole": whole,
                }),
                LeverKind::Month { min, max } => json!({"kind": "month", "min": min.to_string(), "max": max.to_string(), "step": 1}),
                LeverKind::Choice { choices } => json!({"kind": "choice", "choices": choices}),
            };
            if let (Value::Object(object), Value::Object(extra)) = (&mut object, extra) {
                object.extend(extra);
            }
            object
        })
        .collect();
    Value::Array(items)
}
