//! The analysis subcommands (issues 4 and 13): `solve`, `tornado`, `grid` and `montecarlo`.
//! Each parses its arguments, calls [`crate::model::analysis`] and writes text, CSV or JSON.
//! Money is rounded to $0.01M and percentages carry their sign unless `--exact` is given.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::cli_scenario::{ScenarioArgs, load_scenario};
use crate::model::analysis::{
    Axis, BreachMap, Condition, Crossing, DEFAULT_STEPS, Kpi, LeverRange, LeverSpan, Margin,
    MonteCarloResult, Side, Solution, SolveOutcome, SpanRule, Tornado, TornadoSpans,
    axis_with_spans, breach_map_on, default_distribution, failing_ranges_on, monte_carlo, solve_on,
    tornado_of,
};
use crate::model::{Distribution, MonteCarloSpec, Month, round_for_display, spec_warnings};
use crate::report::Precision;
use crate::report::format::{grouped, share_pct, signed_musd, signed_pct};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalysisFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GridFormat {
    /// A character map with axes and a legend, for a terminal.
    Text,
    Csv,
    Json,
}

/// `solve`: where a condition stops holding along one lever, and what broke.
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
    /// Search only `LO..=HI` of the lever, in its own unit: `--range rates.sofr_pct=3:8`.
    #[arg(long, value_name = "PATH=LO:HI")]
    pub range: Option<String>,
    /// Money and percentages in full precision instead of rounded.
    #[arg(long)]
    pub exact: bool,
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
}

/// `tornado`: a KPI at each lever's low and high value, sorted by swing.
#[derive(Debug, Args)]
pub struct TornadoArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    // The help is an attribute, not a doc comment: rustdoc would read `<covenant id>` as HTML.
    #[arg(
        long,
        value_name = "NAME",
        help = "funding_need, min_cash, min_headroom:<covenant id>, first_breach, total_interest, peak_debt or ending_cash"
    )]
    pub kpi: String,
    /// Move each number lever ±X % of its value (dates and levers at 0 keep their plausible
    /// range) instead of over its plausible range.
    #[arg(long, value_name = "X", conflicts_with = "range_ends")]
    pub pct: Option<Decimal>,
    /// Move each lever to the ends of its range (dates never before 2025-01).
    #[arg(long)]
    pub range_ends: bool,
    /// A lever's own span, in its unit (repeatable): `--range rates.sofr_pct=3:6`.
    #[arg(long = "range", value_name = "PATH=LO:HI")]
    pub ranges: Vec<String>,
    /// Money and percentages in full precision instead of rounded.
    #[arg(long)]
    pub exact: bool,
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
    /// Values per lever, spread evenly over its span, both ends included.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_STEPS)]
    pub steps: usize,
    /// The span of the lever across, in its unit: `--x-range 3:6` (default: its whole range).
    #[arg(long, value_name = "LO:HI")]
    pub x_range: Option<String>,
    /// The span of the lever down: `--y-range 0:12`.
    #[arg(long, value_name = "LO:HI")]
    pub y_range: Option<String>,
    /// Money and percentages in full precision instead of rounded.
    #[arg(long)]
    pub exact: bool,
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
    /// A lever and its distribution: `PATH=int:LO:HI`, `PATH=uniform:MIN:MAX`,
    /// `PATH=triangular:MIN:MODE:MAX` or `PATH=discrete:V@P,V@P,…`, or just `PATH` for the
    /// default (repeatable). Month levers draw a shift in months. Given, these replace the
    /// preset's own distributions.
    #[arg(long = "lever", value_name = "PATH[=DIST]")]
    pub levers: Vec<String>,
    /// The span a `--lever PATH` without a distribution is drawn over (default: its plausible
    /// range): `--range openai.start=2025-10:2026-04`.
    #[arg(long = "range", value_name = "PATH=LO:HI")]
    pub ranges: Vec<String>,
    /// Also print the probability of a breach, any and per covenant, by this month.
    #[arg(long, value_name = "YYYY-MM")]
    pub by: Option<Month>,
    /// Money in full precision instead of rounded.
    #[arg(long)]
    pub exact: bool,
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
}

/// How figures are written: rounded for reading (money to $0.01M) or in full (`--exact`).
#[derive(Clone, Copy)]
struct Numbers {
    precision: Precision,
}

impl Numbers {
    /// A decimal for a file (CSV, JSON): rounded to 0.01 unless exact.
    fn plain(self, value: Decimal) -> String {
        self.precision.money(value)
    }

    fn plain_or_null(self, value: Option<Decimal>) -> Value {
        value.map_or(Value::Null, |v| Value::String(self.plain(v)))
    }

    /// A KPI's value for reading: $M grouped to the cent, % signed, months whole.
    fn kpi(self, unit: &str, value: Option<Decimal>) -> String {
        let Some(value) = value else {
            return "n/a".to_owned();
        };
        if self.precision == Precision::Exact {
            return value.normalize().to_string();
        }
        match unit {
            "%" => signed_pct(value),
            "months" => value.round().normalize().to_string(),
            _ => grouped(round_for_display(value), 2),
        }
    }

    /// A margin in its unit, signed: `-8.0 %`, `+$12.30M`, `+3 months`.
    fn margin(self, unit: &str, value: Decimal) -> String {
        if self.precision == Precision::Exact {
            return format!("{} {unit}", value.normalize());
        }
        match unit {
            "%" => signed_pct(value),
            "$M" => signed_musd(value),
            _ => format!(
                "{}{} {unit}",
                if value > Decimal::ZERO { "+" } else { "" },
                value.normalize()
            ),
        }
    }
}

/// Both sides of a crossing, what decided each and by how much:
/// `holds at 2 months: dscr min +1.7 % (2025-12); fails at 3 months: dscr 2025-12 -4.6 %`.
fn sides_text(crossing: &Crossing, unit: &str, numbers: Numbers) -> String {
    format!(
        "{} at {}{unit}: {}; {} at {}{unit}: {}",
        verdict_word(&crossing.at_below),
        crossing.below,
        margin_text(&crossing.at_below, numbers),
        verdict_word(&crossing.at_above),
        crossing.above,
        margin_text(&crossing.at_above, numbers)
    )
}

/// `holds at 0: dscr min +7.2 % (2026-03)` / `fails at 1: dscr 2025-12 -8.0 %`, without the
/// `holds at …:` part.
fn margin_text(margin: &Margin, numbers: Numbers) -> String {
    let value = margin
        .margin
        .map_or_else(|| "n/a".to_owned(), |m| numbers.margin(margin.unit, m));
    match (margin.holds, margin.month) {
        (true, Some(month)) => format!("{} min {value} ({month})", margin.what),
        (false, Some(month)) => format!("{} {month} {value}", margin.what),
        (_, None) => format!("{} {value}", margin.what),
    }
}

fn margin_json(margin: &Margin, numbers: Numbers) -> Value {
    json!({
        "holds": margin.holds,
        "what": margin.what,
        "month": margin.month.map(|m| m.to_string()),
        "margin": numbers.plain_or_null(margin.margin),
        "unit": margin.unit,
    })
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

fn range_json(range: &LeverRange) -> Value {
    json!({"from": range.from.to_string(), "to": range.to.to_string()})
}

/// Reads `--range PATH=LO:HI` arguments against the scenario.
fn parse_spans(base: &crate::model::Scenario, args: &[String]) -> Result<Vec<LeverSpan>> {
    args.iter()
        .map(|arg| LeverSpan::parse(base, arg).map_err(|err| anyhow!("--range {arg}: {err}")))
        .collect()
}

pub fn execute_solve(args: &SolveArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let base = valid.scenario();
    let condition: Condition = args
        .until
        .parse()
        .map_err(|err| anyhow!("--until: {err}"))?;
    let spans = parse_spans(base, args.range.as_slice())?;
    if let Some(span) = spans.iter().find(|span| span.path != args.lever) {
        return Err(anyhow!(
            "--range {span}: the range is for `{}`, but the lever solved is `{}`",
            span.path,
            args.lever
        ));
    }
    let axis = axis_with_spans(base, &args.lever, &spans)?;
    let solution = solve_on(base, &axis, &condition)?;
    let failing = failing_ranges_on(base, &axis, &condition)?;
    let numbers = Numbers {
        precision: Precision::exact_if(args.exact),
    };
    let text = match args.format {
        AnalysisFormat::Text => solve_text(&axis, &solution, &failing, numbers)?,
        AnalysisFormat::Json => {
            serde_json::to_string_pretty(&solve_json(&solution, &failing, numbers))? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// `holds up to 5.35 %; fails from 5.4 %`, then what decided each side.
fn threshold_text(
    below: &impl std::fmt::Display,
    above: &impl std::fmt::Display,
    holds_on: Side,
    unit: &str,
) -> String {
    match holds_on {
        Side::Low => format!("holds up to {below}{unit}; fails from {above}{unit}"),
        Side::High => format!("fails up to {below}{unit}; holds from {above}{unit}"),
    }
}

fn solve_text(
    axis: &Axis,
    solution: &Solution,
    failing: &[LeverRange],
    numbers: Numbers,
) -> Result<String> {
    let unit = unit_suffix(axis.lever.unit);
    let mut text = String::new();
    writeln!(
        text,
        "lever      {} ({}), now {}{unit}",
        solution.path, axis.lever.label, solution.current
    )?;
    writeln!(
        text,
        "condition  {} ({} now: {})",
        solution.condition,
        if solution.holds_now { "holds" } else { "fails" },
        margin_text(&solution.now, numbers)
    )?;
    writeln!(
        text,
        "searched   {}..={}{unit}",
        solution.low, solution.high
    )?;
    let verdict = match &solution.outcome {
        SolveOutcome::HoldsEverywhere => "holds over the whole range searched".to_owned(),
        SolveOutcome::FailsEverywhere => "fails over the whole range searched".to_owned(),
        SolveOutcome::Threshold {
            below,
            above,
            holds_on,
        } => format!(
            "{} (the crossing nearest {}{unit})",
            threshold_text(below, above, *holds_on, &unit),
            solution.current
        ),
    };
    writeln!(text, "threshold  {verdict}")?;
    if let Some(crossing) = solution.nearest.and_then(|k| solution.crossings.get(k)) {
        writeln!(text, "broke      {}", sides_text(crossing, &unit, numbers))?;
    }
    writeln!(text, "crossings  {}", solution.crossings.len())?;
    for crossing in &solution.crossings {
        writeln!(
            text,
            "  {}: {}",
            threshold_text(&crossing.below, &crossing.above, crossing.holds_on, &unit),
            sides_text(crossing, &unit, numbers)
        )?;
    }
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

fn verdict_word(margin: &Margin) -> &'static str {
    if margin.holds { "holds" } else { "fails" }
}

fn solve_json(solution: &Solution, failing: &[LeverRange], numbers: Numbers) -> Value {
    let mut doc = json!({
        "lever": solution.path,
        "condition": solution.condition.to_string(),
        "current": solution.current.to_string(),
        "holds_now": solution.holds_now,
        "now": margin_json(&solution.now, numbers),
        "searched": {"from": solution.low.to_string(), "to": solution.high.to_string()},
        "crossings": solution.crossings.iter().map(|c| json!({
            "below": c.below.to_string(),
            "above": c.above.to_string(),
            "holds_on": c.holds_on,
            "at_below": margin_json(&c.at_below, numbers),
            "at_above": margin_json(&c.at_above, numbers),
        })).collect::<Vec<_>>(),
        "nearest": solution.nearest,
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
    let base = valid.scenario();
    let kpi: Kpi = args.kpi.parse().map_err(|err| anyhow!("--kpi: {err}"))?;
    let rule = match (args.pct, args.range_ends) {
        (Some(pct), _) => SpanRule::Percent(pct),
        (None, true) => SpanRule::RangeEnds,
        (None, false) => SpanRule::Plausible,
    };
    let spans = TornadoSpans {
        rule,
        ranges: parse_spans(base, &args.ranges)?,
    };
    let result = tornado_of(base, &kpi, &spans)?;
    let numbers = Numbers {
        precision: Precision::exact_if(args.exact),
    };
    let rule_text = match rule {
        SpanRule::Plausible => "plausible".to_owned(),
        SpanRule::RangeEnds => "range_ends".to_owned(),
        SpanRule::Percent(pct) => format!("{}%", pct.normalize()),
    };
    let text = match args.format {
        AnalysisFormat::Text => tornado_text(&kpi, &spans, &result, numbers)?,
        AnalysisFormat::Json => {
            let doc = json!({
                "kpi": kpi.to_string(),
                "unit": kpi.unit(),
                "span": rule_text,
                "ranges": spans.ranges.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "base": numbers.plain_or_null(result.base),
                "bars": result.bars.iter().map(|bar| json!({
                    "path": bar.path,
                    "label": bar.label,
                    "unit": bar.unit,
                    "current": bar.current.to_string(),
                    "low": bar.low.to_string(),
                    "high": bar.high.to_string(),
                    "span": bar.span,
                    "kpi_low": numbers.plain_or_null(bar.kpi_low),
                    "kpi_high": numbers.plain_or_null(bar.kpi_high),
                    "swing": numbers.plain(bar.swing),
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
    spans: &TornadoSpans,
    result: &Tornado,
    numbers: Numbers,
) -> Result<String> {
    let mut text = String::new();
    let mut span = match spans.rule {
        SpanRule::Plausible => "each lever over its plausible range".to_owned(),
        SpanRule::RangeEnds => "each lever at its range ends".to_owned(),
        SpanRule::Percent(pct) => format!("each lever ±{} %", pct.normalize()),
    };
    for range in &spans.ranges {
        let _ = write!(span, ", {range}");
    }
    let unit = kpi.unit();
    writeln!(
        text,
        "tornado of {kpi} ({unit}), base {}; {span}",
        numbers.kpi(unit, result.base)
    )?;
    let column = |values: &mut dyn Iterator<Item = usize>, title: &str| {
        values.max().unwrap_or(0).max(title.len())
    };
    let bars = &result.bars;
    let width = column(&mut bars.iter().map(|bar| bar.path.len()), "path");
    let span_width = column(&mut bars.iter().map(|bar| bar.span.chars().count()), "span");
    let value_width = column(
        &mut bars
            .iter()
            .map(|bar| bar.low.to_string().len().max(bar.high.to_string().len())),
        "high",
    );
    let figures: Vec<[String; 3]> = bars
        .iter()
        .map(|bar| {
            [
                numbers.kpi(unit, bar.kpi_low),
                numbers.kpi(unit, bar.kpi_high),
                numbers.kpi(unit, Some(bar.swing)),
            ]
        })
        .collect();
    let figure_width = column(
        &mut figures.iter().flatten().map(|f| f.chars().count()),
        "at high",
    );
    let pad = |s: &str, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(s.chars().count())));
    writeln!(
        text,
        "{:<width$}  {}  {}  {}  {}  {}  {}",
        "path",
        pad("span", span_width),
        pad("low", value_width),
        pad("high", value_width),
        pad("at low", figure_width),
        pad("at high", figure_width),
        pad("swing", figure_width),
    )?;
    for (bar, [low, high, swing]) in bars.iter().zip(&figures) {
        writeln!(
            text,
            "{:<width$}  {}  {}  {}  {}  {}  {}",
            bar.path,
            pad(&bar.span, span_width),
            pad(&bar.low.to_string(), value_width),
            pad(&bar.high.to_string(), value_width),
            pad(low, figure_width),
            pad(high, figure_width),
            pad(swing, figure_width),
        )?;
    }
    Ok(text)
}

pub fn execute_grid(args: &GridArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let base = valid.scenario();
    let kpi: Kpi = args.kpi.parse().map_err(|err| anyhow!("--kpi: {err}"))?;
    let axis = |path: &str, range: &Option<String>, flag: &str| -> Result<Axis> {
        match range {
            Some(ends) => Ok(LeverSpan::parse_ends(base, path, ends)
                .map_err(|err| anyhow!("{flag} {ends}: {err}"))?
                .axis(base)?),
            None => Ok(Axis::for_analysis(base, path)?),
        }
    };
    let x_axis = axis(&args.x, &args.x_range, "--x-range")?;
    let y_axis = axis(&args.y, &args.y_range, "--y-range")?;
    let map = breach_map_on(base, &x_axis, &y_axis, &kpi, args.steps)?;
    let numbers = Numbers {
        precision: Precision::exact_if(args.exact),
    };
    let text = match args.format {
        GridFormat::Text => grid_text(&map, &x_axis, &y_axis, numbers),
        GridFormat::Csv => grid_csv(&map, numbers),
        GridFormat::Json => serde_json::to_string_pretty(&grid_json(&map, numbers))? + "\n",
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// One row per cell: `<x path>,<y path>,<kpi>,breached`, x varying fastest.
fn grid_csv(map: &BreachMap, numbers: Numbers) -> String {
    let mut text = format!("{},{},{},breached\n", map.x_path, map.y_path, map.kpi);
    for (j, y) in map.y_values.iter().enumerate() {
        for (i, x) in map.x_values.iter().enumerate() {
            if let Some((value, breached)) = map.cell(i, j) {
                let value = value.map(|v| numbers.plain(v)).unwrap_or_default();
                let _ = writeln!(text, "{x},{y},{value},{breached}");
            }
        }
    }
    text
}

/// `values[j][i]` and `breached[j][i]` for `y.values[j]`, `x.values[i]`.
fn grid_json(map: &BreachMap, numbers: Numbers) -> Value {
    let width = map.x_values.len().max(1);
    json!({
        "kpi": map.kpi.to_string(),
        "unit": map.kpi.unit(),
        "x": {"path": map.x_path, "values": map.x_values.iter().map(ToString::to_string).collect::<Vec<_>>()},
        "y": {"path": map.y_path, "values": map.y_values.iter().map(ToString::to_string).collect::<Vec<_>>()},
        "values": map.values.chunks(width).map(|row| row.iter().map(|v| numbers.plain_or_null(*v)).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "breached": map.breached.chunks(width).map(<[bool]>::to_vec).collect::<Vec<_>>(),
    })
}

/// The map as characters: the y lever down (high values at the top), the x lever across, one
/// character a cell with a space between, then the axes and a legend. A cell shows the KPI's
/// tenth of its range over the map: a digit `0`-`9` where no covenant is breached, a letter
/// `a`-`j` where one is (`a` = the lowest tenth), `?` where the KPI has no value.
fn grid_text(map: &BreachMap, x_axis: &Axis, y_axis: &Axis, numbers: Numbers) -> String {
    let width = map.x_values.len();
    let unit = map.kpi.unit();
    let low = map.values.iter().flatten().min().copied();
    let high = map.values.iter().flatten().max().copied();
    let mark = |value: Option<Decimal>, breached: bool| -> char {
        let Some(value) = value else { return '?' };
        let tenth = match (low, high) {
            (Some(lo), Some(hi)) if hi > lo => ((value - lo) * Decimal::TEN / (hi - lo))
                .floor()
                .to_string()
                .parse::<u8>()
                .unwrap_or(0)
                .min(9),
            _ => 0,
        };
        if breached {
            char::from(b'a' + tenth)
        } else {
            char::from(b'0' + tenth)
        }
    };
    let y_labels: Vec<String> = map.y_values.iter().map(ToString::to_string).collect();
    let label_width = y_labels.iter().map(String::len).max().unwrap_or(0);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} of {} ({}) down and {} ({}) across",
        map.kpi, map.y_path, y_axis.lever.label, map.x_path, x_axis.lever.label
    );
    for j in (0..map.y_values.len()).rev() {
        let row: Vec<String> = (0..width)
            .map(|i| {
                let (value, breached) = map.cell(i, j).unwrap_or((None, false));
                mark(value, breached).to_string()
            })
            .collect();
        let _ = writeln!(text, "{:>label_width$} | {}", y_labels[j], row.join(" "));
    }
    let _ = writeln!(
        text,
        "{} +-{}",
        " ".repeat(label_width),
        "-".repeat(2 * width)
    );
    // The x axis: its first, middle and last values under their columns.
    let mut axis_line = vec![' '; label_width + 3 + 2 * width + 16];
    for i in [0, width / 2, width.saturating_sub(1)] {
        let Some(value) = map.x_values.get(i) else {
            continue;
        };
        let start = label_width + 3 + 2 * i;
        for (k, c) in value.to_string().chars().enumerate() {
            if let Some(slot) = axis_line.get_mut(start + k) {
                *slot = c;
            }
        }
    }
    let _ = writeln!(text, "{}", axis_line.iter().collect::<String>().trim_end());
    let breached = map.breached.iter().filter(|b| **b).count();
    let _ = writeln!(
        text,
        "legend: 0-9 no covenant breached, a-j a covenant breached ({breached} of {} cells); \
         the digit or letter is {}'s tenth of its range, 0/a = {} to 9/j = {} ({unit}); ? = no value",
        map.breached.len(),
        map.kpi,
        numbers.kpi(unit, low),
        numbers.kpi(unit, high)
    );
    text
}

/// Parses `--lever PATH[=DIST]` arguments; a bare `PATH` takes its default distribution.
pub fn parse_lever_distributions(
    base: &crate::model::Scenario,
    args: &[String],
    spans: &[LeverSpan],
) -> Result<Vec<(String, Distribution)>> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((path, dist)) => {
                let dist: Distribution = dist
                    .parse()
                    .map_err(|message| anyhow!("--lever {}: {message}", path.trim()))?;
                Ok((path.trim().to_owned(), dist))
            }
            None => {
                let path = arg.trim();
                let span = spans.iter().find(|span| span.path == path);
                let dist = default_distribution(base, path, span)
                    .map_err(|err| anyhow!("--lever {path}: {err}"))?;
                Ok((path.to_owned(), dist))
            }
        })
        .collect()
}

pub fn execute_montecarlo(args: &MonteCarloArgs, out: &mut dyn Write) -> Result<()> {
    let valid = load_scenario(&args.scenario)?;
    let base = valid.scenario();
    let spans = parse_spans(base, &args.ranges)?;
    if let Some(span) = spans
        .iter()
        .find(|span| !args.levers.iter().any(|arg| arg.trim() == span.path))
    {
        return Err(anyhow!(
            "--range {span}: only a `--lever {}` given without a distribution is drawn over a range",
            span.path
        ));
    }
    let levers = parse_lever_distributions(base, &args.levers, &spans)?;
    let preset = base.montecarlo.clone().unwrap_or_default();
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
    let result = monte_carlo(base, &spec, &AtomicUsize::new(0), &AtomicBool::new(false))?;
    let by = match args.by {
        Some(month) => Some(result.odds_by(month).ok_or_else(|| {
            anyhow!(
                "--by {month}: the horizon runs {} to {}",
                result
                    .months
                    .first()
                    .map_or_else(String::new, ToString::to_string),
                result
                    .months
                    .last()
                    .map_or_else(String::new, ToString::to_string)
            )
        })?),
        None => None,
    };
    let warnings = spec_warnings(base, &spec);
    let numbers = Numbers {
        precision: Precision::exact_if(args.exact),
    };
    let text = match args.format {
        AnalysisFormat::Text => montecarlo_text(&spec, &result, by.as_ref(), &warnings, numbers)?,
        AnalysisFormat::Json => {
            let mut result_json = serde_json::to_value(&result)?;
            if !args.exact {
                round_decimal_strings(&mut result_json);
            }
            let doc = json!({
                "levers": spec.levers.iter().map(|(path, dist)| json!({"path": path, "distribution": dist.to_string()})).collect::<Vec<_>>(),
                "warnings": warnings,
                "by": by.as_ref().map(|odds| json!({
                    "month": odds.month.to_string(),
                    "any": odds.any,
                    "covenants": odds.covenants.iter().map(|(id, p)| json!({"id": id, "probability": p})).collect::<Vec<_>>(),
                })),
                "result": result_json,
            });
            serde_json::to_string_pretty(&doc)? + "\n"
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// Rounds every decimal written as a string (the model's exact amounts) to 0.01.
fn round_decimal_strings(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Ok(decimal) = text.parse::<Decimal>() {
                *text = format!("{:.2}", round_for_display(decimal));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(round_decimal_strings),
        Value::Object(fields) => fields.values_mut().for_each(round_decimal_strings),
        _ => {}
    }
}

fn montecarlo_text(
    spec: &MonteCarloSpec,
    result: &MonteCarloResult,
    by: Option<&crate::model::analysis::OddsBy>,
    warnings: &[String],
    numbers: Numbers,
) -> Result<String> {
    let money = |value: Decimal| numbers.kpi("$M", Some(value));
    let mut text = String::new();
    writeln!(
        text,
        "monte carlo: {} runs, seed {}",
        result.runs, result.seed
    )?;
    for (path, dist) in &spec.levers {
        writeln!(text, "  {path} ~ {dist}")?;
    }
    for warning in warnings {
        writeln!(text, "warning: {warning}")?;
    }
    if let Some(odds) = by {
        writeln!(text, "P(breach by {}) {}", odds.month, share_pct(odds.any))?;
        for (id, share) in &odds.covenants {
            writeln!(text, "  {id:<16} {}", share_pct(*share))?;
        }
    }
    let first = &result.first_breach;
    writeln!(
        text,
        "first breach  P(any in the horizon) {}",
        share_pct(first.probability)
    )?;
    for (p, month) in &first.percentiles {
        let month = month.map_or_else(|| "none in the horizon".to_owned(), |m| m.to_string());
        writeln!(text, "  P{p:<2} {month}")?;
    }
    let need = &result.funding_need;
    writeln!(
        text,
        "funding_need ($M)  mean {}  P(need > 0) {}",
        money(need.mean),
        share_pct(need.probability_positive)
    )?;
    for (p, value) in &need.percentiles {
        writeln!(text, "  P{p:<2} {:>12}", money(*value))?;
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
            money(*from),
            money(*to)
        )?;
    }
    writeln!(
        text,
        "{:<7}  {:>12}  {:>12}  {:>12}  {:>9}  {:>9}",
        "month", "cash P10", "cash P50", "cash P90", "P(breach)", "P(cash<0)"
    )?;
    for (t, month) in result.months.iter().enumerate() {
        let share = |shares: &[f64]| share_pct(shares.get(t).copied().unwrap_or(0.0));
        let cash = |column: &[Decimal]| {
            column
                .get(t)
                .copied()
                .map_or_else(|| "n/a".to_owned(), money)
        };
        writeln!(
            text,
            "{month}  {:>12}  {:>12}  {:>12}  {:>9}  {:>9}",
            cash(&result.cash_p10),
            cash(&result.cash_p50),
            cash(&result.cash_p90),
            share(&result.breach_probability),
            share(&result.negative_cash_probability)
        )?;
    }
    Ok(text)
}
