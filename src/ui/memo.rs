//! The scenario memo: one Markdown file with the inputs that matter and their sources, the KPIs,
//! the backtest against reported figures, the comparison with a pinned baseline, the tornado
//! table and the chart data.
//!
//! The charts go beside the memo as SVG files ([`memo_charts`]), which any Markdown viewer shows
//! and which stay sharp in a document; their data follows as tables.

use std::fmt::Write as _;

use super::charts::ChartData;
use super::kpi_text::{kpi_choices, kpi_label, kpi_value_text};
use super::overlay::{PinnedBaseline, comparison_rows};
use super::svg_chart::{SvgChart, SvgLine};
use super::theme;
use super::tornado_tab::TornadoResult;
use crate::model::analysis::{Kpi, TornadoSpan};
use crate::model::backtest::error_pct_text;
use crate::model::{Lever, Outcome, Scenario};
use crate::report::format::{figure_text, pct_text};

/// Everything the memo reads.
pub struct MemoInput<'a> {
    /// Where the scenario came from ("s1-base", "my-case.ron").
    pub origin: &'a str,
    pub scenario: &'a Scenario,
    pub levers: &'a [Lever],
    /// The loaded preset's levers, to list what changed.
    pub preset_levers: &'a [Lever],
    pub outcome: &'a Outcome,
    pub chart_data: &'a ChartData,
    pub baseline: Option<&'a PinnedBaseline>,
    /// The tornado, its KPI and span.
    pub tornado: Option<(&'a Kpi, TornadoSpan, &'a TornadoResult)>,
    /// The file stem the chart images are written under (`memo` → `memo-cash.svg`), if they are.
    pub image_stem: Option<&'a str>,
}

/// The memo's chart images, as `(file suffix, SVG)`: the cash chart and the headroom chart.
pub type MemoCharts = [(&'static str, String); 2];

/// The chart images of the memo.
pub fn memo_charts(input: &MemoInput<'_>) -> MemoCharts {
    let data = input.chart_data;
    let months = input.outcome.months.len();
    // Liquidity first, so cash stays visible where the two coincide (revolver fully drawn).
    let mut cash_lines = vec![
        SvgLine {
            name: "Liquidity",
            color: theme::LIQUIDITY,
            points: &data.liquidity.points,
            dashed: false,
        },
        SvgLine {
            name: "Cash",
            color: theme::CASH,
            points: &data.cash.points,
            dashed: false,
        },
    ];
    if let Some(threshold) = &data.min_liquidity {
        cash_lines.push(SvgLine {
            name: "Minimum liquidity",
            color: theme::THRESHOLD,
            points: &threshold.points,
            dashed: true,
        });
    }
    if let Some(baseline) = input.baseline {
        cash_lines.push(SvgLine {
            name: "Baseline cash",
            color: theme::GHOST,
            points: &baseline.chart_data.cash.points,
            dashed: true,
        });
    }
    let cash = SvgChart {
        title: "Cash and liquidity ($B)",
        y_unit: "",
        lines: cash_lines,
        shaded: &data.below_zero,
        months,
    };
    let headroom_lines = data
        .headroom
        .iter()
        .enumerate()
        .map(|(i, series)| SvgLine {
            name: &series.line.name,
            color: theme::series(i),
            points: &series.line.points,
            dashed: false,
        })
        .collect();
    let headroom = SvgChart {
        title: "Covenant headroom (%, below 0 is a breach)",
        y_unit: "%",
        lines: headroom_lines,
        shaded: &[],
        months,
    };
    [("cash", cash.to_svg()), ("headroom", headroom.to_svg())]
}

/// Escapes the characters that would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The backtest section: every reported figure beside the model's, and the mean absolute
/// error. Nothing when the scenario reports no figures.
fn backtest_markdown(out: &mut String, outcome: &Outcome) {
    let (rows, Some(mean_pct)) = (&outcome.backtest, outcome.kpis.backtest_error_pct) else {
        return;
    };
    let _ = writeln!(out, "\n## Backtest\n");
    let _ = writeln!(
        out,
        "Each figure the company reported beside the model's for the same month (quarterly \
         revenue sums the quarter's three months; cash, debt and power online are month-end \
         values); error = (model − reported) / reported.\n"
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

/// The memo as Markdown.
pub fn memo_markdown(input: &MemoInput<'_>) -> String {
    let mut out = String::new();
    let scenario = input.scenario;
    let horizon = scenario.horizon_months;
    let _ = writeln!(out, "# Scenario memo: {}\n", scenario.meta.name);
    let _ = writeln!(out, "Source: `{}`.\n", input.origin);
    if !scenario.meta.description.is_empty() {
        let _ = writeln!(out, "{}\n", scenario.meta.description);
    }

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

    let _ = writeln!(out, "\n## KPIs\n");
    let _ = writeln!(out, "| KPI | Value |");
    let _ = writeln!(out, "|---|---|");
    for kpi in kpi_choices(scenario) {
        let _ = writeln!(
            out,
            "| {} | {} |",
            kpi_label(&kpi),
            kpi_value_text(&kpi, kpi.value(input.outcome), horizon)
        );
    }

    backtest_markdown(&mut out, input.outcome);

    let _ = writeln!(out, "\n## Comparison with the baseline\n");
    match input.baseline {
        Some(baseline) => {
            let _ = writeln!(out, "Baseline: {}.\n", baseline.name);
            let _ = writeln!(out, "| KPI | Baseline | Current | Difference |");
            let _ = writeln!(out, "|---|---|---|---|");
            for row in comparison_rows(scenario, &baseline.outcome, input.outcome) {
                let [label, base, now, difference] = row.texts(horizon);
                let _ = writeln!(out, "| {label} | {base} | {now} | {difference} |");
            }
        }
        None => {
            let _ = writeln!(out, "No baseline was pinned.");
        }
    }

    let _ = writeln!(out, "\n## Tornado\n");
    match input.tornado {
        Some((kpi, span, result)) => {
            let span_text = match span {
                TornadoSpan::RangeEnds => "each lever's range ends".to_owned(),
                TornadoSpan::Percent(pct) => format!("±{} % of each lever", pct.normalize()),
            };
            let _ = writeln!(
                out,
                "{} over {span_text}, the other levers held; now {}. Sorted by swing.\n",
                kpi_label(kpi),
                kpi_value_text(kpi, result.base, horizon)
            );
            let _ = writeln!(
                out,
                "| Lever | Low | KPI at low | High | KPI at high | Swing |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|");
            for bar in result.bars.iter().filter(|bar| !bar.swing.is_zero()) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    cell(&bar.label),
                    bar.low,
                    kpi_value_text(kpi, bar.kpi_low, horizon),
                    bar.high,
                    kpi_value_text(kpi, bar.kpi_high, horizon),
                    bar.swing.round_dp(2).normalize()
                );
            }
        }
        None => {
            let _ = writeln!(out, "The tornado could not be computed.");
        }
    }

    let _ = writeln!(out, "\n## Charts\n");
    match input.image_stem {
        Some(stem) => {
            let _ = writeln!(out, "![Cash and liquidity]({stem}-cash.svg)\n");
            let _ = writeln!(out, "![Covenant headroom]({stem}-headroom.svg)\n");
            let _ = writeln!(out, "The charts' data, one row per quarter end:\n");
        }
        None => {
            let _ = writeln!(out, "The charts' data, one row per quarter end:\n");
        }
    }
    let _ = writeln!(out, "### Cash and liquidity ($B)\n");
    let mut header = "| Month | Cash | Liquidity |".to_owned();
    let mut rule = "|---|---|---|".to_owned();
    if input.baseline.is_some() {
        header.push_str(" Baseline cash |");
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let data = input.chart_data;
    for (t, point) in data.cash.points.iter().enumerate() {
        if t % 3 != 2 && t + 1 != data.cash.points.len() {
            continue;
        }
        let month = input
            .outcome
            .months
            .get(t)
            .map_or_else(String::new, |row| row.month.to_string());
        let liquidity = data.liquidity.points.get(t).map_or(f64::NAN, |p| p.y);
        let _ = write!(out, "| {month} | {:.2} | {liquidity:.2} |", point.y);
        if let Some(baseline) = input.baseline {
            match baseline.chart_data.cash.points.get(t) {
                Some(p) => {
                    let _ = write!(out, " {:.2} |", p.y);
                }
                None => out.push_str(" — |"),
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "\n### Covenant headroom (%)\n");
    if data.headroom.is_empty() {
        let _ = writeln!(out, "No ratio covenant is tested.");
    } else {
        let names: Vec<String> = data.headroom.iter().map(|h| cell(&h.line.name)).collect();
        let _ = writeln!(out, "| Month | {} |", names.join(" | "));
        let _ = writeln!(out, "|---|{}", "---|".repeat(names.len()));
        let mut months: Vec<f64> = data
            .headroom
            .iter()
            .flat_map(|h| h.line.points.iter().map(|p| p.x))
            .collect();
        months.sort_by(f64::total_cmp);
        months.dedup();
        for x in months {
            let month = super::format::month_at(x);
            let values: Vec<String> = data
                .headroom
                .iter()
                .map(|h| {
                    h.line
                        .points
                        .iter()
                        .find(|p| p.x == x)
                        .map_or_else(|| "—".to_owned(), |p| format!("{:.1}", p.y))
                })
                .collect();
            let _ = writeln!(out, "| {month} | {} |", values.join(" | "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ValidScenario, default_scenario, levers, run};
    use crate::ui::test_support::{s1_base_reporting, two_reported_quarters};
    use crate::ui::tornado_tab::compute;

    /// The memo of `valid` with no baseline and no tornado.
    fn plain_memo(valid: &ValidScenario) -> (String, Outcome) {
        let outcome = run(valid).expect("runs");
        let chart_data = ChartData::new(&outcome, valid.scenario());
        let all = levers(valid.scenario());
        let input = MemoInput {
            origin: "test",
            scenario: valid.scenario(),
            levers: &all,
            preset_levers: &all,
            outcome: &outcome,
            chart_data: &chart_data,
            baseline: None,
            tornado: None,
            image_stem: None,
        };
        (memo_markdown(&input), outcome)
    }

    #[test]
    fn the_backtest_section_lists_every_reported_figure_and_the_mean_error() {
        let (text, outcome) = plain_memo(&s1_base_reporting(two_reported_quarters()));
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
        assert!(
            rows.iter()
                .any(|row| row.starts_with("| 2025-06 | Debt | $11,171.50M | $")),
            "{rows:?}"
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
        let (text, _) = plain_memo(&s1_base_reporting(Vec::new()));
        assert!(
            !text.contains("## Backtest"),
            "s1-base with no reported figures"
        );
        assert!(text.contains("## KPIs"));
    }

    #[test]
    fn the_memo_has_every_section_and_the_tornado_rows() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("runs");
        let chart_data = ChartData::new(&outcome, valid.scenario());
        let all = levers(valid.scenario());
        let tornado = compute(valid.scenario(), &Kpi::FundingNeed, TornadoSpan::RangeEnds)
            .expect("a tornado");
        let input = MemoInput {
            origin: "s1-base",
            scenario: valid.scenario(),
            levers: &all,
            preset_levers: &all,
            outcome: &outcome,
            chart_data: &chart_data,
            baseline: None,
            tornado: Some((&Kpi::FundingNeed, TornadoSpan::RangeEnds, &tornado)),
            image_stem: Some("memo"),
        };
        let text = memo_markdown(&input);
        assert!(
            text.contains("![Cash and liquidity](memo-cash.svg)"),
            "the charts are embedded"
        );
        let [(cash_suffix, cash), (headroom_suffix, headroom)] = memo_charts(&input);
        assert_eq!((cash_suffix, headroom_suffix), ("cash", "headroom"));
        assert!(
            cash.contains(">Cash<") && cash.contains(">Minimum liquidity<"),
            "cash chart legend"
        );
        let headroom_lines = headroom
            .lines()
            .filter(|line| line.starts_with("<polyline"))
            .count();
        assert_eq!(
            headroom_lines,
            chart_data.headroom.len(),
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
        assert!(text.contains("No baseline was pinned."));
        let moving = tornado.bars.iter().filter(|b| !b.swing.is_zero()).count();
        assert!(moving > 0);
        let first = &tornado.bars[0].label;
        assert!(
            text.contains(&format!("| {first} |")),
            "the top tornado bar is listed"
        );
    }
}
