//! The command-line interface: run presets headless and print ledgers, KPIs and the lever registry.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::cli_scenario::{
    ScenarioArgs, load_scenario, load_unvalidated, load_with_preset, opened_name, pinned_name,
};
use crate::io;
use crate::model::analysis::{Kpi, SpanRule, tornado_of};
use crate::model::{LeverKind, Scenario, levers, run, to_ron, validate, warnings};
use crate::report::{
    MemoBaseline, MemoInput, MemoTornado, Precision, backtest_json, backtest_text, kpis_json,
    kpis_text, ledger_csv, ledger_json, ledger_table,
};

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
        /// Money with every digit the model holds (CSV and JSON), not rounded to $0.01M.
        #[arg(long)]
        exact: bool,
    },
    /// Print the KPIs: runway, minimum cash, funding need, breaches, interest, peak debt.
    Kpis {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
        /// Money and percentages with every digit the model holds, not rounded.
        #[arg(long)]
        exact: bool,
    },
    /// Write the scenario memo (Markdown) and its charts (SVG, beside it), as the app's
    /// Export memo does: inputs and sources, KPIs, backtest, baseline, tornado, chart data.
    Memo {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// A preset to compare with, as the app's pinned baseline: a file, or `default`.
        #[arg(long, value_name = "PRESET")]
        baseline: Option<String>,
        /// The memo file; the charts go beside it as `<stem>-cash.svg` and `<stem>-headroom.svg`.
        #[arg(long)]
        out: PathBuf,
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
            exact,
        } => {
            let valid = load_scenario(&scenario)?;
            let outcome = run(&valid)?;
            let precision = Precision::exact_if(exact);
            let text = match format {
                LedgerFormat::Table => ledger_table(&outcome),
                LedgerFormat::Csv => ledger_csv(&outcome, precision),
                LedgerFormat::Json => {
                    let doc = json!({
                        "scenario": valid.scenario(),
                        "months": ledger_json(&outcome, precision),
                        "kpis": kpis_json(&outcome, valid.scenario(), precision),
                    });
                    serde_json::to_string_pretty(&doc)? + "\n"
                }
            };
            match file {
                Some(path) => io::write_atomic(&path, text.as_bytes())?,
                None => out.write_all(text.as_bytes())?,
            }
        }
        Command::Kpis {
            scenario,
            format,
            exact,
        } => {
            let valid = load_scenario(&scenario)?;
            let outcome = run(&valid)?;
            let precision = Precision::exact_if(exact);
            let text = match format {
                TextFormat::Text => kpis_text(&outcome, valid.scenario(), precision),
                TextFormat::Json => {
                    let kpis = kpis_json(&outcome, valid.scenario(), precision);
                    serde_json::to_string_pretty(&kpis)? + "\n"
                }
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Memo {
            scenario,
            baseline,
            out: path,
        } => write_memo(&scenario, baseline.as_deref(), &path)?,
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

/// The memo of the scenario in `args`, against `baseline`, written to `path` with its charts.
/// Its tornado is the app's default one: funding need over each lever's plausible range.
fn write_memo(args: &ScenarioArgs, baseline: Option<&str>, path: &std::path::Path) -> Result<()> {
    let (preset, valid) = load_with_preset(args)?;
    let outcome = run(&valid)?;
    let baseline = match baseline {
        Some(name) => {
            let pinned = validate(load_unvalidated(name)?)?;
            let outcome = run(&pinned)
                .map_err(|err| anyhow::anyhow!("the baseline {name} does not run: {err}"))?;
            Some((pinned_name(name), outcome))
        }
        None => None,
    };
    // The app's tornado tab as it opens: funding need over each lever's plausible range.
    let (kpi, span) = (Kpi::FundingNeed, SpanRule::Plausible);
    // As in the app: a tornado that cannot be computed is said so in the memo, not an error.
    let tornado = tornado_of(valid.scenario(), &kpi, &span.into()).ok();
    let (levers_now, preset_levers) = (levers(valid.scenario()), levers(&preset));
    let origin = opened_name(&args.preset);
    let stem = io::memo_image_stem(path);
    let input = MemoInput {
        origin: &origin,
        scenario: valid.scenario(),
        levers: &levers_now,
        preset_levers: &preset_levers,
        outcome: &outcome,
        baseline: baseline
            .as_ref()
            .map(|(name, outcome)| MemoBaseline { name, outcome }),
        tornado: tornado.as_ref().map(|tornado| MemoTornado {
            kpi: &kpi,
            span,
            base: tornado.base,
            bars: &tornado.bars,
        }),
        image_stem: Some(&stem),
    };
    io::write_memo(path, &stem, &crate::report::memo(&input))?;
    Ok(())
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
