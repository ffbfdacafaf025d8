//! The analysis subcommands (issue 4): `solve`, `tornado`, `grid` and `montecarlo`. Each parses
//! its arguments, calls [`crate::model::analysis`] and writes text, CSV or JSON.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::cli_scenario::{ScenarioArgs, load_scenario};
use crate::model::analysis::grid::DEFAULT_STEPS;
use crate::model::analysis::{
    Axis, BreachMap, Condition, Distribution, Kpi, LeverRange, MonteCarloResult, MonteCarloSpec,
    Side, Solution, SolveOutcome, TornadoBar, TornadoSpan, breach_map, failing_ranges, monte_carlo,
    solve, tornado,
};
use crate::model::money::round_for_display;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalysisFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GridFormat {
    Csv,
    Json,
}

/// `solve`: the lever value where a condition stops holding, the other levers held.
#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The lever to move, e.g. `rates.sofr_pct` (see `levers`).
    #[arg(long, value_name = "PATH")]
    pub lever: String,
    /// What must hold: `no-breach`, `solvent` (cash never below 0) or `KPI>=X` (e.g. `min_cash>=500`).
    #[arg(long, value_name = "CONDITION", default_value = "no-breach")]
    pub until: String,
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
}

/// `tornado`: a KPI at each lever's low and high value, sorted by swing.
#[derive(Debug, Args)]
pub struct TornadoArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// funding_need, min_cash, min_headroom:<covenant id>, first_breach, total_interest, peak_debt or ending_cash.
    #[arg(long, value_name = "NAME")]
    pub kpi: String,
    /// Move each lever ±X % of its value (month levers: ±X % of the horizon) instead of to its range ends.
    #[arg(long, value_name = "X")]
    pub pct: Option<Decimal>,
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
}

/// `grid`: a KPI over two levers, with the cells where a covenant is breached.
#[derive(Debug, Args)]
pub struct GridArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The lever across (columns).
    #[arg(long, value_name = "PATH")]
    pub x: String,
    /// The lever down (rows).
    #[arg(long, value_name = "PATH")]
    pub y: String,
    #[arg(long, value_name = "NAME")]
    pub kpi: String,
    /// Values per lever, spread evenly over its range, both ends included.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_STEPS)]
    pub steps: usize,
    #[arg(long, value_enum, default_value_t = GridFormat::Csv)]
    pub format: GridFormat,
}

/// `montecarlo`: levers drawn from distributions; cash percentiles, breach odds, funding need.
#[derive(Debug, Args)]
pub struct MonteCarloArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Runs (default: the preset's `montecarlo.runs`, else 10,000).
    #[arg(long, value_name = "N")]
    pub runs: Option<u32>,
    /// The same seed gives the same result on any number of cores (default: the preset's, else 0).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// A lever and its distribution: `PATH=uniform:MIN:MAX`, `PATH=triangular:MIN:MODE:MAX` or
    /// `PATH=discrete:V@P,V@P,…` (repeatable). Month levers draw a shift in months. Given, these
    /// replace the preset's own distributions.
    #[arg(long = "lever", value_name = "PATH=DIST")]
    pub levers: Vec<String>,
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
}

/// A decimal as text: exact in JSON and CSV.
fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

fn exact_or_null(value: Option<Decimal>) -> Value {
    value.map_or(Value::Null, |v| Value::String(exact(v)))
}

/// A decimal rounded for reading, or `n/a`.
fn shown(value: Option<Decimal>) -> String {
    value.map_or_else(
        || "n/a".to_owned(),
        |v| format!("{:.2}", round_for_display(v)),
    )
}

fn range_json(range: &LeverRange) -> Value {
    json!({"from": range.from.to_string(), "to": range.to.to_string()})
}

pub fn execute_solve(args: &SolveArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let base = valid.scenario();
    let condition: Condition = args
        .until
        .parse()
        .map_err(|err| anyhow!("--until: {err}"))?;
    let solution = solve(base, &args.lever, &condition)?;
    let failing = failing_ranges(base, &args.lever, &condition)?;
    let text = match args.format {
        AnalysisFormat::Text => solve_text(base, &solution, &failing)?,
        AnalysisFormat::Json => {
            serde_json::to_string_pretty(&solve_json(&solution, &failing))? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn solve_text(
    base: &crate::model::Scenario,
    solution: &Solution,
    failing: &[LeverRange],
) -> Result<String> {
    let axis = Axis::resolve(base, &solution.path)?;
    let unit = if axis.lever.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", axis.lever.unit)
    };
    let mut text = String::new();
    writeln!(
        text,
        "lever      {} ({}), now {}{unit}",
        solution.path, axis.lever.label, solution.current
    )?;
    writeln!(
        text,
        "condition  {} ({} now)",
        solution.condition,
        if solution.holds_now { "holds" } else { "fails" }
    )?;
    let low = axis.value_at(0);
    let high = axis.value_at(axis.len() - 1);
    let verdict = match &solution.outcome {
        SolveOutcome::HoldsEverywhere => {
            format!("holds over the whole range {low}..={high}{unit}")
        }
        SolveOutcome::FailsEverywhere => {
            format!("fails over the whole range {low}..={high}{unit}")
        }
        SolveOutcome::Threshold {
            below,
            above,
            holds_on: Side::Low,
        } => format!("holds up to {below}{unit}; fails from {above}{unit}"),
        SolveOutcome::Threshold {
            below,
            above,
            holds_on: Side::High,
        } => format!("fails up to {below}{unit}; holds from {above}{unit}"),
    };
    writeln!(text, "threshold  {verdict}")?;
    let ranges: Vec<String> = failing
        .iter()
        .map(|range| format!("{}..={}", range.from, range.to))
        .collect();
    writeln!(
        text,
        "fails on   {}",
        if ranges.is_empty() {
            "nothing".to_owned()
        } else {
            ranges.join(", ")
        }
    )?;
    writeln!(text, "runs       {}", solution.evaluations)?;
    Ok(text)
}

fn solve_json(solution: &Solution, failing: &[LeverRange]) -> Value {
    let mut doc = json!({
        "lever": solution.path,
        "condition": solution.condition.to_string(),
        "current": solution.current.to_string(),
        "holds_now": solution.holds_now,
        "failing_ranges": failing.iter().map(range_json).collect::<Vec<_>>(),
        "evaluations": solution.evaluations,
    });
    let result = match &solution.outcome {
        SolveOutcome::HoldsEverywhere => json!({"result": "holds_everywhere"}),
        SolveOutcome::FailsEverywhere => json!({"result": "fails_everywhere"}),
        SolveOutcome::Threshold {
            below,
            above,
            holds_on,
        } => json!({
            "result": "threshold",
            "below": below.to_string(),
            "above": above.to_string(),
            "holds_on": holds_on,
        }),
    };
    if let (Value::Object(doc), Value::Object(result)) = (&mut doc, result) {
        doc.extend(result);
    }
    doc
}

pub fn execute_tornado(args: &TornadoArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let kpi: Kpi = args.kpi.parse().map_err(|err| anyhow!("--kpi: {err}"))?;
    let span = args
        .pct
        .map_or(TornadoSpan::RangeEnds, TornadoSpan::Percent);
    let (base_value, bars) = tornado(valid.scenario(), &kpi, span)?;
    let text = match args.format {
        AnalysisFormat::Text => tornado_text(&kpi, span, base_value, &bars)?,
        AnalysisFormat::Json => {
            let doc = json!({
                "kpi": kpi.to_string(),
                "unit": kpi.unit(),
                "span": match span {
                    TornadoSpan::RangeEnds => "range_ends".to_owned(),
                    TornadoSpan::Percent(pct) => format!("{}%", pct.normalize()),
                },
                "base": exact_or_null(base_value),
                "bars": bars.iter().map(|bar| json!({
                    "path": bar.path,
                    "label": bar.label,
                    "unit": bar.unit,
                    "current": bar.current.to_string(),
                    "low": bar.low.to_string(),
                    "high": bar.high.to_string(),
                    "kpi_low": exact_or_null(bar.kpi_low),
                    "kpi_high": exact_or_null(bar.kpi_high),
                    "swing": exact(bar.swing),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&doc)? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn tornado_text(
    kpi: &Kpi,
    span: TornadoSpan,
    base_value: Option<Decimal>,
    bars: &[TornadoBar],
) -> Result<String> {
    let mut text = String::new();
    let span = match span {
        TornadoSpan::RangeEnds => "each lever at its range ends".to_owned(),
        TornadoSpan::Percent(pct) => format!("each lever ±{} %", pct.normalize()),
    };
    writeln!(
        text,
        "tornado of {kpi} ({}), base {}; {span}",
        kpi.unit(),
        shown(base_value)
    )?;
    let width = bars
        .iter()
        .map(|bar| bar.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let value_width = bars
        .iter()
        .map(|bar| bar.low.to_string().len().max(bar.high.to_string().len()))
        .max()
        .unwrap_or(3)
        .max(4);
    writeln!(
        text,
        "{:<width$}  {:>value_width$}  {:>value_width$}  {:>14}  {:>14}  {:>14}",
        "path", "low", "high", "at low", "at high", "swing"
    )?;
    for bar in bars {
        writeln!(
            text,
            "{:<width$}  {:>value_width$}  {:>value_width$}  {:>14}  {:>14}  {:>14}",
            bar.path,
            bar.low.to_string(),
            bar.high.to_string(),
            shown(bar.kpi_low),
            shown(bar.kpi_high),
            shown(Some(bar.swing))
        )?;
    }
    Ok(text)
}

pub fn execute_grid(args: &GridArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let kpi: Kpi = args.kpi.parse().map_err(|err| anyhow!("--kpi: {err}"))?;
    let map = breach_map(valid.scenario(), &args.x, &args.y, &kpi, args.steps)?;
    let text = match args.format {
        GridFormat::Csv => grid_csv(&map),
        GridFormat::Json => serde_json::to_string_pretty(&grid_json(&map))? + "\n",
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// One row per cell: `<x path>,<y path>,<kpi>,breached`, x varying fastest; exact values.
fn grid_csv(map: &BreachMap) -> String {
    let mut text = format!("{},{},{},breached\n", map.x_path, map.y_path, map.kpi);
    for (j, y) in map.y_values.iter().enumerate() {
        for (i, x) in map.x_values.iter().enumerate() {
            if let Some((value, breached)) = map.cell(i, j) {
                let value = value.map(exact).unwrap_or_default();
                let _ = writeln!(text, "{x},{y},{value},{breached}");
            }
        }
    }
    text
}

/// `values[j][i]` and `breached[j][i]` for `y.values[j]`, `x.values[i]`.
fn grid_json(map: &BreachMap) -> Value {
    let width = map.x_values.len().max(1);
    json!({
        "kpi": map.kpi.to_string(),
        "unit": map.kpi.unit(),
        "x": {"path": map.x_path, "values": map.x_values.iter().map(ToString::to_string).collect::<Vec<_>>()},
        "y": {"path": map.y_path, "values": map.y_values.iter().map(ToString::to_string).collect::<Vec<_>>()},
        "values": map.values.chunks(width).map(|row| row.iter().map(|v| exact_or_null(*v)).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "breached": map.breached.chunks(width).map(<[bool]>::to_vec).collect::<Vec<_>>(),
    })
}

/// Parses `--lever PATH=DIST` arguments.
pub fn parse_lever_distributions(args: &[String]) -> Result<Vec<(String, Distribution)>> {
    args.iter()
        .map(|arg| {
            let (path, dist) = arg
                .split_once('=')
                .ok_or_else(|| anyhow!("--lever `{arg}`: expected PATH=DIST, e.g. core_scientific.delay_months=discrete:0@0.5,6@0.5"))?;
            let dist: Distribution = dist
                .parse()
                .map_err(|message| anyhow!("--lever {}: {message}", path.trim()))?;
            Ok((path.trim().to_owned(), dist))
        })
        .collect()
}

pub fn execute_montecarlo(args: &MonteCarloArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let levers = parse_lever_distributions(&args.levers)?;
    let preset = valid.scenario().montecarlo.clone().unwrap_or_default();
    let levers = if levers.is_empty() {
        preset.levers
    } else {
        levers
    };
    if levers.is_empty() {
        return Err(anyhow!(
            "the preset has no `montecarlo` distributions and no --lever was given: name at least one lever and its distribution, e.g. --lever core_scientific.delay_months=discrete:0@0.4,3@0.3,6@0.2,12@0.1"
        ));
    }
    let spec = MonteCarloSpec {
        seed: args.seed.unwrap_or(preset.seed),
        runs: args.runs.unwrap_or(preset.runs),
        levers,
    };
    let result = monte_carlo(
        valid.scenario(),
        &spec,
        &AtomicUsize::new(0),
        &AtomicBool::new(false),
    )?;
    let text = match args.format {
        AnalysisFormat::Text => montecarlo_text(&spec, &result)?,
        AnalysisFormat::Json => {
            let doc = json!({
                "levers": spec.levers.iter().map(|(path, dist)| json!({"path": path, "distribution": dist.to_string()})).collect::<Vec<_>>(),
                "result": result,
            });
            serde_json::to_string_pretty(&doc)? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn montecarlo_text(spec: &MonteCarloSpec, result: &MonteCarloResult) -> Result<String> {
    let mut text = String::new();
    writeln!(
        text,
        "monte carlo: {} runs, seed {}",
        result.runs, result.seed
    )?;
    for (path, dist) in &spec.levers {
        writeln!(text, "  {path} ~ {dist}")?;
    }
    let need = &result.funding_need;
    writeln!(
        text,
        "funding_need ($M)  mean {}  P(need > 0) {:.1} %",
        shown(Some(need.mean)),
        need.probability_positive * 100.0
    )?;
    for (p, value) in &need.percentiles {
        writeln!(text, "  P{p:<2} {:>12}", shown(Some(*value)))?;
    }
    writeln!(text, "funding_need histogram ($M)")?;
    for (k, count) in need.histogram.counts.iter().enumerate() {
        let (Some(from), Some(to)) = (need.histogram.edges.get(k), need.histogram.edges.get(k + 1))
        else {
            continue;
        };
        writeln!(
            text,
            "  {:>12} .. {:>12}  {count:>7}",
            shown(Some(*from)),
            shown(Some(*to))
        )?;
    }
    writeln!(
        text,
        "{:<7}  {:>12}  {:>12}  {:>12}  {:>9}  {:>9}",
        "month", "cash P10", "cash P50", "cash P90", "P(breach)", "P(cash<0)"
    )?;
    for (t, month) in result.months.iter().enumerate() {
        let pct = |shares: &[f64]| shares.get(t).map_or(0.0, |share| share * 100.0);
        writeln!(
            text,
            "{month}  {:>12}  {:>12}  {:>12}  {:>8.1}%  {:>8.1}%",
            shown(result.cash_p10.get(t).copied()),
            shown(result.cash_p50.get(t).copied()),
            shown(result.cash_p90.get(t).copied()),
            pct(&result.breach_probability),
            pct(&result.negative_cash_probability)
        )?;
    }
    Ok(text)
}
