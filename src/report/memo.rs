//! The scenario memo: one Markdown file with the inputs that matter and their sources, the KPIs,
//! the backtest against reported figures, the comparison with a baseline, the tornado table and
//! the chart data. The app's Export memo and the CLI's `memo` both write it from here.
//!
//! The charts go beside the memo as SVG files ([`Memo::charts`]), which any Markdown viewer
//! shows and which stay sharp in a document; their data follows as tables. Figures use the
//! app's units: money in $B, ratio headroom in %, liquidity headroom in $.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::format::error_pct_text;
use super::format::{figure_text, grouped, pct_text};
use super::kpi_text::{
    KpiUnit, comparison_rows, kpi_choices, kpi_figure_text, kpi_label, kpi_value_text,
};
use super::svg_chart::{ChartPoint, MonthRun, Rgb, SvgChart, SvgLine};
use crate::model::analysis::{Kpi, SpanRule, TornadoBar};
use crate::model::{CovenantTerms, Lever, Outcome, Scenario};

/// The memo's colours: the app's chart colours (`ui::theme`, which a test holds them equal to).
pub mod palette {
    use super::Rgb;

    pub const CASH: Rgb = Rgb(80, 160, 255);
    pub const LIQUIDITY: Rgb = Rgb(80, 200, 190);
    pub const THRESHOLD: Rgb = Rgb(240, 170, 60);
    pub const GHOST: Rgb = Rgb(170, 170, 190);
    /// Lines of one kind (covenants), cycled.
    pub const SERIES: [Rgb; 8] = [
        Rgb(80, 160, 255),
        Rgb(240, 140, 60),
        Rgb(120, 200, 100),
        Rgb(200, 110, 220),
        Rgb(230, 210, 80),
        Rgb(90, 210, 210),
        Rgb(240, 110, 140),
        Rgb(170, 170, 170),
    ];
}

/// Headroom beyond this is drawn at it (and the chart says so): a covenant with 2 000 %
/// headroom is simply "safe", and plotting it would flatten every line that matters.
pub const HEADROOM_CLIP_PCT: f64 = 300.0;

/// A baseline the memo compares with.
#[derive(Clone, Copy)]
pub struct MemoBaseline<'a> {
    /// The name it is shown under ("management-plan").
    pub name: &'a str,
    pub outcome: &'a Outcome,
}

/// A computed tornado: its KPI and span, the KPI in the scenario, and the bars by swing.
#[derive(Clone, Copy)]
pub struct MemoTornado<'a> {
    pub kpi: &'a Kpi,
    pub span: SpanRule,
    pub base: Option<Decimal>,
    pub bars: &'a [TornadoBar],
}

/// Everything the memo reads.
pub struct MemoInput<'a> {
    /// Where the scenario came from ("s1-base", "my-case.ron").
    pub origin: &'a str,
    pub scenario: &'a Scenario,
    pub levers: &'a [Lever],
    /// The loaded preset's levers, to list what changed.
    pub preset_levers: &'a [Lever],
    pub outcome: &'a Outcome,
    pub baseline: Option<MemoBaseline<'a>>,
    /// `None` when the tornado could not be computed.
    pub tornado: Option<MemoTornado<'a>>,
    /// The file stem the chart images are written under (`memo` → `memo-cash.svg`), if they are.
    pub image_stem: Option<&'a str>,
}

/// One chart image of the memo.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoChart {
    /// What follows the stem in its file name: `cash` → `memo-cash.svg`.
    pub suffix: &'static str,
    pub svg: String,
}

/// The memo: its Markdown and its chart images (the cash chart, then the headroom chart).
#[derive(Clone, Debug, PartialEq)]
pub struct Memo {
    pub markdown: String,
    pub charts: [MemoChart; 2],
}

/// The file name of a chart image written beside a memo: `<stem>-<suffix>.svg`.
pub fn chart_file_name(stem: &str, suffix: &str) -> String {
    format!("{stem}-{suffix}.svg")
}

/// The memo of `input`.
pub fn memo(input: &MemoInput<'_>) -> Memo {
    let series = MemoSeries::new(input.outcome, input.scenario);
    let baseline_cash = input
        .baseline
        .map(|baseline| MemoSeries::new(baseline.outcome, input.scenario).cash);
    Memo {
        markdown: markdown(input, &series),
        charts: charts(input, &series, baseline_cash.as_deref()),
    }
}

/// A ratio covenant's headroom, month by month where it is tested.
struct HeadroomLine {
    name: String,
    /// `(t, headroom %)`, exact.
    points: Vec<(usize, Decimal)>,
}

/// What the memo's charts and chart tables draw, derived from one outcome.
struct MemoSeries {
    /// Cash, $B.
    cash: Vec<ChartPoint>,
    /// Liquidity, $B.
    liquidity: Vec<ChartPoint>,
    /// The minimum-liquidity threshold, $B, over the months it is tested.
    min_liquidity: Option<Vec<ChartPoint>>,
    below_zero: Vec<MonthRun>,
    headroom: Vec<HeadroomLine>,
}

/// A plotted amount: $M in, $B out (the one place the memo gives up exactness).
fn billions(value_musd: Decimal) -> f64 {
    value_musd.to_f64().unwrap_or(0.0) / 1000.0
}

fn point(t: usize, y: f64) -> ChartPoint {
    ChartPoint { t: t as f64, y }
}

impl MemoSeries {
    fn new(outcome: &Outcome, scenario: &Scenario) -> Self {
        let mut series = Self {
            cash: Vec::new(),
            liquidity: Vec::new(),
            min_liquidity: None,
            below_zero: Vec::new(),
            headroom: Vec::new(),
        };
        let mut run_start: Option<usize> = None;
        for (t, row) in outcome.months.iter().enumerate() {
            series.cash.push(point(t, billions(row.cash)));
            series.liquidity.push(point(t, billions(row.liquidity)));
            match (row.cash < Decimal::ZERO, run_start) {
                (true, None) => run_start = Some(t),
                (false, Some(first)) => {
                    series.below_zero.push(MonthRun { first, last: t - 1 });
                    run_start = None;
                }
                _ => {}
            }
        }
        if let Some(first) = run_start {
            let last = outcome.months.len().saturating_sub(1);
            series.below_zero.push(MonthRun { first, last });
        }
        for (k, id) in outcome.covenant_ids.iter().enumerate() {
            let Some(covenant) = scenario.covenants.iter().find(|c| c.id == *id) else {
                continue;
            };
            let tests = (0..outcome.months.len())
                .filter_map(|t| outcome.covenant(t, k).map(|test| (t, test)));
            match covenant.terms {
                CovenantTerms::MinLiquidity { .. } => {
                    series.min_liquidity = Some(
                        tests
                            .map(|(t, test)| point(t, billions(test.threshold)))
                            .collect(),
                    );
                }
                _ => {
                    series.headroom.push(HeadroomLine {
                        name: covenant.name.clone(),
                        points: tests.map(|(t, test)| (t, test.headroom_pct())).collect(),
                    });
                }
            }
        }
        series
    }
}

/// The memo's chart images.
fn charts(
    input: &MemoInput<'_>,
    series: &MemoSeries,
    baseline_cash: Option<&[ChartPoint]>,
) -> [MemoChart; 2] {
    let months = input.outcome.months.len();
    // Liquidity first, so cash stays visible where the two coincide (revolver fully drawn).
    let mut cash_lines = vec![
        SvgLine {
            name: "Liquidity",
            color: palette::LIQUIDITY,
            points: &series.liquidity,
            dashed: false,
        },
        SvgLine {
            name: "Cash",
            color: palette::CASH,
            points: &series.cash,
            dashed: false,
        },
    ];
    if let Some(threshold) = &series.min_liquidity {
        cash_lines.push(SvgLine {
            name: "Minimum liquidity",
            color: palette::THRESHOLD,
            points: threshold,
            dashed: true,
        });
    }
    if let Some(baseline) = baseline_cash {
        cash_lines.push(SvgLine {
            name: "Baseline cash",
            color: palette::GHOST,
            points: baseline,
            dashed: true,
        });
    }
    let cash = SvgChart {
        title: "Cash and liquidity ($B)",
        y_unit: "",
        lines: cash_lines,
        shaded: &series.below_zero,
        months,
    };
    let clipped: Vec<Vec<ChartPoint>> = series
        .headroom
        .iter()
        .map(|line| {
            line.points
                .iter()
                .map(|&(t, pct)| {
                    let pct = pct.to_f64().unwrap_or(0.0);
                    point(t, pct.clamp(-HEADROOM_CLIP_PCT, HEADROOM_CLIP_PCT))
                })
                .collect()
        })
        .collect();
    let is_clipped = series
        .headroom
        .iter()
        .flat_map(|line| &line.points)
        .any(|(_, pct)| pct.to_f64().is_none_or(|pct| pct.abs() > HEADROOM_CLIP_PCT));
    let title = if is_clipped {
        format!("Covenant headroom (%, below 0 is a breach; clipped at ±{HEADROOM_CLIP_PCT} %)")
    } else {
        "Covenant headroom (%, below 0 is a breach)".to_owned()
    };
    let headroom = SvgChart {
        title: &title,
        y_unit: "%",
        lines: series
            .headroom
            .iter()
            .zip(&clipped)
            .enumerate()
            .map(|(i, (line, points))| SvgLine {
                name: &line.name,
                color: palette::SERIES[i % palette::SERIES.len()],
                points,
                dashed: false,
            })
            .collect(),
        shaded: &[],
        months,
    };
    [
        MemoChart {
            suffix: "cash",
            svg: cash.to_svg(),
        },
        MemoChart {
            suffix: "headroom",
            svg: headroom.to_svg(),
        },
    ]
}

/// Escapes the characters that would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The backtest section: every reported figure beside the model's, and the mean absolute
/// error. Nothing when the scenario reports no figures.
/// The income statement by year (spec §8.1), when the scenario has one.
fn income_markdown(out: &mut String, outcome: &Outcome) {
    if outcome.kpis.years.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Income statement\n");
    let _ = writeln!(
        out,
        "Net income after GPU depreciation, stock compensation, interest expense and tax; cost \
         per revenue dollar = (revenue − net income) / revenue.\n"
    );
    let _ = writeln!(
        out,
        "| Year | Revenue | Net income | Cost per revenue dollar |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for year in &outcome.kpis.years {
        let cost = year
            .cost_per_revenue_dollar
            .map_or_else(|| "—".to_owned(), |cost| format!("${cost:.2}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {cost} |",
            year.year,
            super::format::cents_musd(year.revenue),
            super::format::cents_musd(year.net_income),
        );
    }
}

fn backtest_markdown(out: &mut String, outcome: &Outcome) {
    let (rows, Some(mean_pct)) = (&outcome.backtest, outcome.kpis.backtest_error_pct) else {
        return;
    };
    let _ = writeln!(out, "\n## Backtest\n");
    let _ = writeln!(
        out,
        "Each figure the company reported beside the model's for the same month (quarterly \
         revenue sums the quarter's three months; cash, debt and power online are month-end \
         values; P&L figures sum the quarter); error = (model − reported) / |reported|.\n"
    );
    let _ = writeln!(
        out,
        "| Month | Figure | Reported | Model | Error | Source |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for row in rows {
        let source = if row.source.is_empty() {
            "—".to_owned()
        } else {
            cell(&row.source)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {source} |",
            row.month,
            row.figure.label(),
            figure_text(row.figure, row.reported),
            figure_text(row.figure, row.model),
            error_pct_text(row.error_pct),
        );
    }
    let _ = writeln!(
        out,
        "\nMean absolute error: {} over {} figures.",
        pct_text(mean_pct),
        rows.len()
    );
}

/// The inputs section: every lever that differs from the loaded preset, then the key levers.
fn inputs_markdown(out: &mut String, input: &MemoInput<'_>) {
    let _ = writeln!(out, "## Inputs\n");
    let _ = writeln!(
        out,
        "Every lever that differs from the loaded preset, then the key levers. \
         \"Changed\" marks a lever moved from the preset.\n"
    );
    let _ = writeln!(out, "| Lever | Path | Value | Preset | Changed | Source |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    let preset_value = |lever: &Lever| {
        input
            .preset_levers
            .iter()
            .find(|preset| preset.path == lever.path)
            .map(|preset| preset.value.clone())
    };
    let changed: Vec<&Lever> = input
        .levers
        .iter()
        .filter(|lever| preset_value(lever).as_ref() != Some(&lever.value))
        .collect();
    let key: Vec<&Lever> = input
        .levers
        .iter()
        .filter(|lever| lever.group.is_primary())
        .filter(|lever| !changed.iter().any(|c| c.path == lever.path))
        .collect();
    for lever in changed.iter().chain(key.iter()) {
        let preset = preset_value(lever).map_or_else(|| "—".to_owned(), |v| v.to_string());
        let is_changed = changed.iter().any(|c| c.path == lever.path);
        let _ = writeln!(
            out,
            "| {} | `{}` | {} {} | {} | {} | {} |",
            cell(&lever.label),
            lever.path,
            lever.value,
            lever.unit,
            preset,
            if is_changed { "yes" } else { "" },
            cell(lever.source.as_deref().unwrap_or("—"))
        );
    }
}

/// The tornado section. The KPI columns hold the model's values; the swing is in their unit.
fn tornado_markdown(out: &mut String, tornado: Option<MemoTornado<'_>>, horizon: u32) {
    let _ = writeln!(out, "\n## Tornado\n");
    let Some(tornado) = tornado else {
        let _ = writeln!(out, "The tornado could not be computed.");
        return;
    };
    let kpi = tornado.kpi;
    let span_text = match tornado.span {
        SpanRule::Plausible => "each lever's plausible range".to_owned(),
        SpanRule::RangeEnds => "each lever's range ends".to_owned(),
        SpanRule::Percent(pct) => format!("±{} % of each lever", pct.normalize()),
    };
    let _ = writeln!(
        out,
        "{} over {span_text}, the other levers held; now {}. Sorted by swing.\n",
        kpi_label(kpi),
        kpi_value_text(kpi, tornado.base, horizon)
    );
    let _ = writeln!(
        out,
        "| Lever | Span | Low | KPI at low | High | KPI at high | Swing |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    let unit = KpiUnit::of(kpi);
    for bar in tornado.bars.iter().filter(|bar| !bar.swing.is_zero()) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&bar.label),
            cell(&bar.span),
            bar.low,
            kpi_value_text(kpi, bar.kpi_low, horizon),
            bar.high,
            kpi_value_text(kpi, bar.kpi_high, horizon),
            unit.magnitude_text(bar.swing)
        );
    }
}

/// The chart data, one row per quarter end (and the last month).
fn chart_tables_markdown(out: &mut String, input: &MemoInput<'_>, series: &MemoSeries) {
    let _ = writeln!(out, "\n## Charts\n");
    if let Some(stem) = input.image_stem {
        let _ = writeln!(
            out,
            "![Cash and liquidity]({})\n",
            chart_file_name(stem, "cash")
        );
        let _ = writeln!(
            out,
            "![Covenant headroom]({})\n",
            chart_file_name(stem, "headroom")
        );
    }
    let _ = writeln!(out, "The charts' data, one row per quarter end:\n");
    let _ = writeln!(out, "### Cash and liquidity ($B)\n");
    let mut header = "| Month | Cash | Liquidity |".to_owned();
    let mut rule = "|---|---|---|".to_owned();
    if input.baseline.is_some() {
        header.push_str(" Baseline cash |");
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let months = &input.outcome.months;
    let in_billions =
        |value_musd: Decimal| format!("{:.2}", (value_musd / Decimal::ONE_THOUSAND).round_dp(2));
    for (t, row) in months.iter().enumerate() {
        if t % 3 != 2 && t + 1 != months.len() {
            continue;
        }
        let _ = write!(
            out,
            "| {} | {} | {} |",
            row.month,
            in_billions(row.cash),
            in_billions(row.liquidity)
        );
        if let Some(baseline) = input.baseline {
            match baseline.outcome.months.get(t) {
                Some(row) => {
                    let _ = write!(out, " {} |", in_billions(row.cash));
                }
                None => out.push_str(" — |"),
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "\n### Covenant headroom (%)\n");
    if series.headroom.is_empty() {
        let _ = writeln!(out, "No ratio covenant is tested.");
        return;
    }
    let names: Vec<String> = series.headroom.iter().map(|h| cell(&h.name)).collect();
    let _ = writeln!(out, "| Month | {} |", names.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(names.len()));
    let mut tested: Vec<usize> = series
        .headroom
        .iter()
        .flat_map(|h| h.points.iter().map(|&(t, _)| t))
        .collect();
    tested.sort_unstable();
    tested.dedup();
    for t in tested {
        let month = months
            .get(t)
            .map_or_else(String::new, |row| row.month.to_string());
        let values: Vec<String> = series
            .headroom
            .iter()
            .map(|h| {
                h.points
                    .iter()
                    .find(|&&(at, _)| at == t)
                    .map_or_else(|| "—".to_owned(), |&(_, pct)| grouped(pct, 1))
            })
            .collect();
        let _ = writeln!(out, "| {month} | {} |", values.join(" | "));
    }
}

/// The memo as Markdown.
fn markdown(input: &MemoInput<'_>, series: &MemoSeries) -> String {
    let mut out = String::new();
    let scenario = input.scenario;
    let horizon = scenario.horizon_months;
    let _ = writeln!(out, "# Scenario memo: {}\n", scenario.meta.name);
    let _ = writeln!(out, "Source: `{}`.\n", input.origin);
    if !scenario.meta.description.is_empty() {
        let _ = writeln!(out, "{}\n", scenario.meta.description);
    }
    inputs_markdown(&mut out, input);

    let _ = writeln!(out, "\n## KPIs\n");
    let _ = writeln!(out, "| KPI | Value |");
    let _ = writeln!(out, "|---|---|");
    for kpi in kpi_choices(scenario) {
        let _ = writeln!(
            out,
            "| {} | {} |",
            kpi_label(&kpi),
            kpi_figure_text(&kpi, scenario, input.outcome)
        );
    }

    income_markdown(&mut out, input.outcome);
    backtest_markdown(&mut out, input.outcome);

    let _ = writeln!(out, "\n## Comparison with the baseline\n");
    match input.baseline {
        Some(baseline) => {
            let _ = writeln!(out, "Baseline: {}.\n", baseline.name);
            let _ = writeln!(out, "| KPI | Baseline | Current | Difference |");
            let _ = writeln!(out, "|---|---|---|---|");
            for row in comparison_rows(scenario, baseline.outcome, input.outcome) {
                let [label, base, now, difference] = row.texts(horizon);
                let _ = writeln!(out, "| {label} | {base} | {now} | {difference} |");
            }
        }
        None => {
            let _ = writeln!(out, "No baseline was pinned.");
        }
    }

    tornado_markdown(&mut out, input.tornado, horizon);
    chart_tables_markdown(&mut out, input, series);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::analysis::{Tornado, tornado_of};
    use crate::model::{ValidScenario, default_scenario, levers, run};
    use crate::test_support::{s1_base_reporting, two_reported_quarters};

    /// The memo of `valid` with no baseline and no tornado.
    fn plain_memo(valid: &ValidScenario) -> (Memo, Outcome) {
        let outcome = run(valid).expect("runs");
        let all = levers(valid.scenario());
        let input = MemoInput {
            origin: "test",
            scenario: valid.scenario(),
            levers: &all,
            preset_levers: &all,
            outcome: &outcome,
            baseline: None,
            tornado: None,
            image_stem: None,
        };
        (memo(&input), outcome)
    }

    #[test]
    fn the_backtest_section_lists_every_reported_figure_and_the_mean_error() {
        let (memo, outcome) = plain_memo(&s1_base_reporting(two_reported_quarters()));
        let text = memo.markdown;
        let section = text
            .split("\n## Backtest\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("a backtest section for s1-base with two reported quarters");
        assert!(
            text.find("## KPIs") < text.find("## Backtest"),
            "the backtest follows the KPIs"
        );
        let rows: Vec<&str> = section
            .lines()
            .filter(|line| line.starts_with("| 2025-"))
            .collect();
        assert_eq!(rows.len(), 7, "seven reported figures: {rows:?}");
        assert!(
            rows[0].starts_with("| 2025-03 | Quarterly revenue | $981.60M | $")
                && rows[0].ends_with(" | Q1 2025 10-Q |"),
            "{}",
            rows[0]
        );
        assert!(
            rows.iter().any(|row| {
                row.starts_with("| 2025-06 | Power online | 470 MW | ") && row.ends_with(" | — |")
            }),
            "the 2025-06 entry has no source: {rows:?}"
        );
        let mean = outcome.kpis.backtest_error_pct.expect("a mean error");
        assert!(
            section.contains(&format!(
                "Mean absolute error: {} over 7 figures.",
                pct_text(mean)
            )),
            "{section}"
        );
    }

    #[test]
    fn no_backtest_section_when_nothing_is_reported() {
        let (memo, _) = plain_memo(&s1_base_reporting(Vec::new()));
        assert!(
            !memo.markdown.contains("## Backtest"),
            "s1-base with no reported figures"
        );
        assert!(memo.markdown.contains("## KPIs"));
    }

    #[test]
    fn the_memo_has_every_section_the_tornado_rows_and_app_units() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("runs");
        let all = levers(valid.scenario());
        let Tornado { base, bars } = tornado_of(
            valid.scenario(),
            &Kpi::FundingNeed,
            &SpanRule::Plausible.into(),
        )
        .expect("a tornado");
        let input = MemoInput {
            origin: "s1-base",
            scenario: valid.scenario(),
            levers: &all,
            preset_levers: &all,
            outcome: &outcome,
            baseline: Some(MemoBaseline {
                name: "itself",
                outcome: &outcome,
            }),
            tornado: Some(MemoTornado {
                kpi: &Kpi::FundingNeed,
                span: SpanRule::Plausible,
                base,
                bars: &bars,
            }),
            image_stem: Some("memo"),
        };
        let Memo {
            markdown: text,
            charts,
        } = memo(&input);
        assert!(
            text.contains("![Cash and liquidity](memo-cash.svg)"),
            "the charts are embedded"
        );
        let [cash, headroom] = charts;
        assert_eq!((cash.suffix, headroom.suffix), ("cash", "headroom"));
        assert!(
            cash.svg.contains(">Cash<")
                && cash.svg.contains(">Minimum liquidity<")
                && cash.svg.contains(">Baseline cash<"),
            "cash chart legend"
        );
        let ratio_covenants = valid
            .scenario()
            .covenants
            .iter()
            .filter(|c| !matches!(c.terms, CovenantTerms::MinLiquidity { .. }))
            .count();
        let headroom_lines = headroom
            .svg
            .lines()
            .filter(|line| line.starts_with("<polyline"))
            .count();
        assert_eq!(
            headroom_lines, ratio_covenants,
            "one line per ratio covenant"
        );
        for heading in [
            "## Inputs",
            "## KPIs",
            "## Comparison with the baseline",
            "## Tornado",
            "## Charts",
            "### Cash and liquidity",
        ] {
            assert!(text.contains(heading), "missing {heading}");
        }
        assert!(text.contains("`rates.sofr_pct`"), "SOFR is a key lever");
        let first = bars
            .iter()
            .find(|b| !b.swing.is_zero())
            .expect("a moving bar");
        let tornado_section = text.split("## Tornado").nth(1).expect("a tornado section");
        let row = tornado_section
            .lines()
            .find(|line| line.starts_with(&format!("| {} |", first.label)))
            .expect("the top tornado bar is listed");
        assert!(
            row.ends_with(&format!(
                "| {} |",
                KpiUnit::Money.magnitude_text(first.swing)
            )),
            "the swing is in $B like the KPI columns: {row}"
        );
        let liquidity = valid
            .scenario()
            .covenants
            .iter()
            .find(|c| matches!(c.terms, CovenantTerms::MinLiquidity { .. }))
            .expect("s1-base has a liquidity covenant");
        let kpi_row = text
            .lines()
            .find(|line| line.starts_with(&format!("| Min headroom: {} |", liquidity.id)))
            .expect("a liquidity headroom KPI");
        assert!(
            kpi_row.contains('$') && !kpi_row.contains('%'),
            "liquidity headroom is money: {kpi_row}"
        );
    }
}
