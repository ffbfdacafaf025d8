//! The Monte Carlo tab: N runs with levers drawn from distributions, on every core, in the
//! background with a progress bar and Cancel; then a P10/P50/P90 fan of cash, the probability
//! of any breach by each month and the funding need's histogram and percentiles.

use eframe::egui;
use eframe::egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints, Polygon};
use rust_decimal::Decimal;

use super::background::{JobKey, POLL_INTERVAL, Task};
use super::chart_legend::{Entry, Mark, legend_ui};
use super::charts::{billions_axis, billions_text_dp, month_axis, month_grid, value_grid};
use super::document::Document;
use super::format::plot_f64;
use super::theme;
use super::theme::Severity;
use super::view::{View, ViewContext};
use crate::model::analysis::{MonteCarloResult, monte_carlo};
use crate::model::{Distribution, LeverValue, MonteCarloSpec, Scenario, spec_warnings};
use crate::report::format::busd;

/// What a run was for: scenario generation and spec (its runs included).
pub type McKey = JobKey<MonteCarloSpec>;

/// Names in the Monte Carlo charts and their legends.
const FAN_BAND_NAME: &str = "P10 to P90 (eight runs in ten)";
const ANY_BREACH_NAME: &str = "Any covenant breach";
const NEGATIVE_CASH_NAME: &str = "Cash below zero";

/// The set-up used when the preset carries none: Core Scientific delay 0/3/6/12 months
/// (0.4/0.3/0.2/0.1), SOFR triangular ±1.5 points around its value, OpenAI ramp uniform
/// 3..12 months.
pub fn default_spec(scenario: &Scenario, runs: u32) -> MonteCarloSpec {
    let sofr = crate::model::levers(scenario)
        .into_iter()
        .find(|lever| lever.path == "rates.sofr_pct")
        .and_then(|lever| match lever.value {
            LeverValue::Number(value) => Some(value),
            _ => None,
        })
        .unwrap_or(Decimal::new(43, 1));
    let spread = Decimal::new(15, 1);
    MonteCarloSpec {
        seed: 2025,
        runs,
        levers: vec![
            (
                "core_scientific.delay_months".to_owned(),
                Distribution::Discrete {
                    values: vec![0, 3, 6, 12].into_iter().map(Decimal::from).collect(),
                    probabilities: vec![
                        Decimal::new(4, 1),
                        Decimal::new(3, 1),
                        Decimal::new(2, 1),
                        Decimal::new(1, 1),
                    ],
                },
            ),
            (
                "rates.sofr_pct".to_owned(),
                Distribution::Triangular {
                    min: (sofr - spread).max(Decimal::ZERO),
                    mode: sofr,
                    max: sofr + spread,
                },
            ),
            (
                "openai.ramp_months".to_owned(),
                Distribution::Int {
                    min: Decimal::from(3),
                    max: Decimal::from(12),
                },
            ),
        ],
    }
}

/// A distribution as short text: `discrete 0@0.4, 3@0.3`, `triangular 2.8/4.3/5.8`.
pub fn distribution_text(distribution: &Distribution) -> String {
    match distribution {
        Distribution::Uniform { min, max } => {
            format!("uniform {} to {}", min.normalize(), max.normalize())
        }
        Distribution::Int { min, max } => format!(
            "each whole value {} to {} equally likely",
            min.normalize(),
            max.normalize()
        ),
        Distribution::Triangular { min, mode, max } => format!(
            "triangular {} / {} / {} (min / mode / max)",
            min.normalize(),
            mode.normalize(),
            max.normalize()
        ),
        Distribution::Discrete {
            values,
            probabilities,
        } => {
            let parts: Vec<String> = values
                .iter()
                .zip(probabilities)
                .map(|(v, p)| format!("{} @ {}", v.normalize(), p.normalize()))
                .collect();
            format!("discrete {}", parts.join(", "))
        }
    }
}

#[derive(Default)]
pub struct MonteCarloTab {
    /// Runs chosen in the tab; `None` keeps the spec's own.
    runs: Option<u32>,
    task: Task<McKey, Result<MonteCarloResult, String>>,
    /// Set when the user pressed Cancel, until the next run.
    cancelled: bool,
    /// The set-up's warnings and what they are for: checked when the set-up changes, not
    /// every frame (each check walks the lever registry).
    warnings: Option<(McKey, Vec<String>)>,
}

impl MonteCarloTab {
    pub fn set_runs(&mut self, runs: u32) {
        self.runs = Some(runs.clamp(1, MonteCarloSpec::MAX_RUNS));
    }

    pub fn is_running(&self) -> bool {
        self.task.is_running()
    }

    pub fn was_cancelled(&self) -> bool {
        self.cancelled
    }

    /// The last finished result.
    pub fn result(&self) -> Option<&MonteCarloResult> {
        self.task
            .result()
            .and_then(|(_, result)| result.as_ref().ok())
    }

    /// The spec for the scenario: the preset's own when it carries one, else the default; the
    /// runs chosen in the tab replace the spec's.
    fn spec(&self, scenario: &Scenario) -> MonteCarloSpec {
        let mut spec = scenario
            .montecarlo
            .clone()
            .unwrap_or_else(|| default_spec(scenario, MonteCarloSpec::DEFAULT_RUNS));
        if let Some(runs) = self.runs {
            spec.runs = runs;
        }
        spec
    }

    /// Starts a run on the document as it is now.
    pub fn start(&mut self, ctx: &egui::Context, document: &Document) {
        let spec = self.spec(document.scenario());
        let scenario = document.scenario().clone();
        let total = spec.runs as usize;
        self.cancelled = false;
        let job_spec = spec.clone();
        self.task.start(
            ctx,
            JobKey::new(document.generation(), spec),
            total,
            move |progress| {
                monte_carlo(&scenario, &job_spec, &progress.done, &progress.cancel)
                    .map_err(|err| err.to_string())
            },
        );
    }

    pub fn cancel(&mut self) {
        if self.task.is_running() {
            self.task.cancel();
            self.cancelled = true;
        }
    }
}

impl View for MonteCarloTab {
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let document = view.document;
        let ctx = ui.ctx().clone();
        self.task.poll();
        let spec = self.spec(document.scenario());
        ui.horizontal(|ui| {
            let runs_label = ui.label("Runs");
            let mut runs = spec.runs;
            ui.add(
                egui::DragValue::new(&mut runs)
                    .range(1..=200_000)
                    .speed(100),
            )
            .labelled_by(runs_label.id);
            if runs != spec.runs {
                self.set_runs(runs);
            }
            let running = self.task.is_running();
            if ui
                .add_enabled(!running, egui::Button::new("Run Monte Carlo"))
                .clicked()
            {
                self.start(&ctx, document);
            }
            if running {
                ctx.request_repaint_after(POLL_INTERVAL);
                let fraction = self.task.fraction().unwrap_or(0.0);
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(220.0)
                        .show_percentage(),
                );
                if ui.button("Cancel").clicked() {
                    self.cancel();
                }
            } else if self.cancelled {
                ui.label(RichText::new("Cancelled").color(theme::CHANGED_MARK));
            }
        });
        let origin = if document.scenario().montecarlo.is_some() {
            "the preset's set-up"
        } else {
            "a default set-up (the preset carries none)"
        };
        ui.label(RichText::new(format!("Seed {} · {origin} · drawn levers:", spec.seed)).weak());
        for (path, distribution) in &spec.levers {
            // The lever's label for people; the path stays in the hover for the CLI.
            let label = crate::model::lever(document.scenario(), path)
                .map_or_else(|_| path.clone(), |lever| lever.label);
            ui.label(
                RichText::new(format!("  {label}: {}", distribution_text(distribution))).small(),
            )
            .on_hover_text(path);
        }
        self.warnings_ui(ui, document, &spec);
        ui.separator();
        let Some((key, result)) = self.task.result() else {
            ui.label("Press \"Run Monte Carlo\" to draw the runs.");
            return;
        };
        let result = match result {
            Ok(result) => result,
            Err(err) => {
                ui.label(RichText::new(err).color(theme::ERROR_TEXT));
                return;
            }
        };
        if key.generation != document.generation() {
            ui.label(
                RichText::new(
                    "These results are for an earlier version of the scenario; run again.",
                )
                .color(theme::CHANGED_MARK),
            );
        }
        results_ui(ui, result);
    }
}

impl MonteCarloTab {
    /// What is doubtful in the set-up about to run (a `uniform` on a whole-number lever, …),
    /// in the app's warning colour, each lever named by its label (its path on hover).
    fn warnings_ui(&mut self, ui: &mut Ui, document: &Document, spec: &MonteCarloSpec) {
        let generation = document.generation();
        let stale = self
            .warnings
            .as_ref()
            .is_none_or(|(key, _)| key.generation != generation || key.settings != *spec);
        if stale {
            let warnings = spec_warnings(document.scenario(), spec);
            self.warnings = Some((JobKey::new(generation, spec.clone()), warnings));
        }
        let Some((_, warnings)) = &self.warnings else {
            return;
        };
        let color = Severity::Watch.color(ui.visuals().dark_mode);
        for warning in warnings {
            let (text, path) = warning_text(document.scenario(), spec, warning);
            let label = ui.label(RichText::new(text).small().color(color));
            if let Some(path) = path {
                label.on_hover_text(path);
            }
        }
    }
}

/// A set-up warning for people: the lever path it starts with (`path: …`) replaced by the
/// lever's label; the path, when there was one, to show on hover.
fn warning_text(
    scenario: &Scenario,
    spec: &MonteCarloSpec,
    warning: &str,
) -> (String, Option<String>) {
    spec.levers
        .iter()
        .find_map(|(path, _)| {
            let rest = warning.strip_prefix(path.as_str())?.strip_prefix(": ")?;
            let lever = crate::model::lever(scenario, path).ok()?;
            Some((
                format!("Warning ({}): {rest}", lever.label),
                Some(path.clone()),
            ))
        })
        .unwrap_or_else(|| (format!("Warning: {warning}"), None))
}

fn results_ui(ui: &mut Ui, result: &MonteCarloResult) {
    let funding = &result.funding_need;
    let percentile = |p: u8| {
        funding
            .percentiles
            .iter()
            .find(|(q, _)| *q == p)
            .map_or_else(|| "—".to_owned(), |(_, v)| busd(*v))
    };
    ui.label(
        RichText::new(format!(
            "{} runs · funding need P10 {} · P50 {} · P90 {} · mean {} · {:.1} % of runs need funding",
            result.runs,
            percentile(10),
            percentile(50),
            percentile(90),
            busd(funding.mean),
            funding.probability_positive * 100.0
        ))
        .strong(),
    );
    let height = ((ui.available_height() - 60.0) / 2.0).max(120.0);
    ui.columns(2, |columns| {
        columns[0].label(RichText::new("Cash ($B): P10 / P50 / P90 by month").strong());
        let fan = |values: &[Decimal]| -> Vec<[f64; 2]> {
            values
                .iter()
                .enumerate()
                .map(|(t, v)| [t as f64, plot_f64(*v) / 1000.0])
                .collect()
        };
        let (p90, p50, p10) = (
            fan(&result.cash_p90),
            fan(&result.cash_p50),
            fan(&result.cash_p10),
        );
        let entries = [
            Entry::new(
                FAN_BAND_NAME,
                theme::FAN_EDGE.gamma_multiply(0.35),
                Mark::Fill,
            ),
            Entry::new("P50 (median)", theme::FAN_MEDIAN, Mark::Line { width: 2.5 }),
        ];
        let fan_height = (height - legend_ui(&mut columns[0], &entries)).max(80.0);
        Plot::new("mc_fan")
            .height(fan_height)
            .x_grid_spacer(month_grid)
            .x_axis_formatter(month_axis)
            .y_grid_spacer(value_grid)
            .y_axis_formatter(billions_axis)
            .allow_scroll(false)
            .show(&mut columns[0], |plot_ui| {
                // The band one month at a time: each piece is convex, as egui fills only those.
                for (low, high) in p10.windows(2).zip(p90.windows(2)) {
                    plot_ui.polygon(
                        Polygon::new(
                            FAN_BAND_NAME,
                            PlotPoints::from(vec![low[0], low[1], high[1], high[0]]),
                        )
                        .fill_color(theme::FAN_EDGE.gamma_multiply(0.35))
                        .stroke(egui::Stroke::NONE),
                    );
                }
                plot_ui.line(
                    Line::new("P90", PlotPoints::from(p90))
                        .color(theme::FAN_EDGE)
                        .width(1.0),
                );
                plot_ui.line(
                    Line::new("P50 (median)", PlotPoints::from(p50))
                        .color(theme::FAN_MEDIAN)
                        .width(2.5),
                );
                plot_ui.line(
                    Line::new("P10", PlotPoints::from(p10))
                        .color(theme::FAN_EDGE)
                        .width(1.0),
                );
            });
        columns[1].label(RichText::new("Probability of any breach by each month (%)").strong());
        let breach: Vec<[f64; 2]> = result
            .breach_probability
            .iter()
            .enumerate()
            .map(|(t, p)| [t as f64, p * 100.0])
            .collect();
        let negative: Vec<[f64; 2]> = result
            .negative_cash_probability
            .iter()
            .enumerate()
            .map(|(t, p)| [t as f64, p * 100.0])
            .collect();
        let entries = [
            Entry::new(ANY_BREACH_NAME, theme::ALARM, Mark::Line { width: 2.0 }),
            Entry::new(
                NEGATIVE_CASH_NAME,
                theme::THRESHOLD,
                Mark::Line { width: 1.5 },
            ),
        ];
        let breach_height = (height - legend_ui(&mut columns[1], &entries)).max(80.0);
        Plot::new("mc_breach")
            .height(breach_height)
            .include_y(0.0)
            .include_y(100.0)
            .x_grid_spacer(month_grid)
            .x_axis_formatter(month_axis)
            .y_axis_formatter(|mark, _| format!("{:.0} %", mark.value))
            .allow_scroll(false)
            .show(&mut columns[1], |plot_ui| {
                plot_ui.line(
                    Line::new(ANY_BREACH_NAME, PlotPoints::from(breach))
                        .color(theme::ALARM)
                        .width(2.0),
                );
                plot_ui.line(
                    Line::new(NEGATIVE_CASH_NAME, PlotPoints::from(negative))
                        .color(theme::THRESHOLD)
                        .width(1.5),
                );
            });
    });
    ui.columns(2, |columns| {
        columns[0].label(RichText::new("Funding need: histogram of the runs ($B)").strong());
        let edges = &funding.histogram.edges;
        let bars: Vec<Bar> = funding
            .histogram
            .counts
            .iter()
            .enumerate()
            .filter_map(|(k, count)| {
                let (low, high) = (edges.get(k)?, edges.get(k + 1)?);
                let (low, high) = (plot_f64(*low) / 1000.0, plot_f64(*high) / 1000.0);
                Some(
                    Bar::new((low + high) / 2.0, f64::from(*count))
                        .width((high - low).max(1e-6) * 0.95),
                )
            })
            .collect();
        Plot::new("mc_histogram")
            .height(height)
            .x_axis_formatter(|mark, _| billions_text_dp(mark.value, 2))
            .allow_scroll(false)
            .show(&mut columns[0], |plot_ui| {
                plot_ui.bar_chart(BarChart::new("Runs", bars).color(theme::CASH));
            });
        columns[1].label(RichText::new("Funding need percentiles").strong());
        egui::Grid::new("mc_percentiles")
            .striped(true)
            .show(&mut columns[1], |ui| {
                ui.label(RichText::new("Percentile").strong());
                ui.label(RichText::new("Funding need").strong());
                ui.end_row();
                for (p, value) in &funding.percentiles {
                    ui.label(format!("P{p}"));
                    ui.label(busd(*value));
                    ui.end_row();
                }
                ui.label("Mean");
                ui.label(busd(funding.mean));
                ui.end_row();
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, montecarlo_issues};

    #[test]
    fn the_default_spec_is_valid_for_the_shipped_scenario() {
        let valid = default_scenario();
        let spec = default_spec(valid.scenario(), 50);
        assert_eq!(spec.runs, 50);
        assert!(
            montecarlo_issues(valid.scenario(), &spec).is_empty(),
            "{:?}",
            montecarlo_issues(valid.scenario(), &spec)
        );
        assert_eq!(
            distribution_text(&spec.levers[0].1),
            "discrete 0 @ 0.4, 3 @ 0.3, 6 @ 0.2, 12 @ 0.1"
        );
    }
}
