//! The charts: cash and liquidity, covenant headroom, and a breakdown of revenue, debt and
//! capacity. X is the model's month index `t`; every chart's x axis is linked.
//!
//! [`ChartData`] is built from an outcome once per recompute ("state in, series out");
//! the `*_ui` functions only read it.

use eframe::egui;
use std::ops::RangeInclusive;

use eframe::egui::{Id, Ui};
use egui_plot::{
    Corner, GridInput, GridMark, HLine, HoverPosition, Legend, Line, LineStyle, MarkerShape, Plot,
    PlotPoint, PlotPoints, Points, Span, VLine,
};
use rust_decimal::Decimal;

use super::format::{month_at, month_axis_label, plot_f64};
use super::theme;
use crate::model::scenario::CovenantTerms;
use crate::model::{Outcome, Scenario};

/// A named line of points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<PlotPoint>,
}

impl Series {
    fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            points: Vec::new(),
        }
    }

    fn push(&mut self, t: usize, y: f64) {
        self.points.push(PlotPoint::new(t as f64, y));
    }
}

/// A ratio covenant's headroom line and its breach months.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeadroomSeries {
    pub line: Series,
    pub breaches: Vec<PlotPoint>,
}

/// Everything the charts draw, derived from one outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    /// Cash, $B.
    pub cash: Series,
    /// Liquidity, $B.
    pub liquidity: Series,
    /// The minimum-liquidity threshold, $B, over the months it is tested.
    pub min_liquidity: Option<Series>,
    /// Runs of months with cash below zero, as `(first t, last t)`.
    pub below_zero: Vec<(usize, usize)>,
    /// The runway month's index and cash ($B) there.
    pub runway: Option<PlotPoint>,
    /// Minimum-liquidity breach months on the cash chart, liquidity in $B.
    pub liquidity_breaches: Vec<PlotPoint>,
    /// One headroom line per ratio covenant (DSCR, leverage), %.
    pub headroom: Vec<HeadroomSeries>,
    /// Revenue by contract, $M a month.
    pub revenue: Vec<Series>,
    /// Closing balance by facility, $B.
    pub debt: Vec<Series>,
    /// Power online, MW.
    pub capacity: Series,
}

/// Headroom beyond this is drawn at it: a covenant with 2 000 % headroom is simply "safe",
/// and plotting it would flatten every line that matters.
const HEADROOM_CLIP_PCT: f64 = 300.0;

fn billions(value_musd: Decimal) -> f64 {
    plot_f64(value_musd) / 1000.0
}

impl ChartData {
    /// The series of `outcome`; `scenario` says which covenant is which kind.
    pub fn new(outcome: &Outcome, scenario: &Scenario) -> Self {
        let mut data = Self {
            cash: Series::new("Cash"),
            liquidity: Series::new("Liquidity"),
            capacity: Series::new("Power online"),
            ..Self::default()
        };
        let mut run_start: Option<usize> = None;
        for (t, row) in outcome.months.iter().enumerate() {
            data.cash.push(t, billions(row.cash));
            data.liquidity.push(t, billions(row.liquidity));
            data.capacity.push(t, plot_f64(row.mw_online));
            let below = row.cash < Decimal::ZERO;
            match (below, run_start) {
                (true, None) => run_start = Some(t),
                (false, Some(start)) => {
                    data.below_zero.push((start, t - 1));
                    run_start = None;
                }
                _ => {}
            }
        }
        if let Some(start) = run_start {
            data.below_zero
                .push((start, outcome.months.len().saturating_sub(1)));
        }
        if let Some(runway) = outcome.kpis.runway_month {
            let t = runway.index();
            if let Ok(index) = usize::try_from(t)
                && let Some(row) = outcome.months.get(index)
            {
                data.runway = Some(PlotPoint::new(t as f64, billions(row.cash)));
            }
        }

        for (k, id) in outcome.covenant_ids.iter().enumerate() {
            let terms = scenario
                .covenants
                .iter()
                .find(|covenant| covenant.id == *id)
                .map(|covenant| (&covenant.terms, covenant.name.as_str()));
            let Some((terms, name)) = terms else {
                continue;
            };
            match terms {
                CovenantTerms::MinLiquidity { .. } => {
                    let mut line = Series::new(format!("{name} (threshold)"));
                    for t in 0..outcome.months.len() {
                        if let Some(test) = outcome.covenant(t, k) {
                            line.push(t, billions(test.threshold));
                            if test.breach {
                                data.liquidity_breaches.push(PlotPoint::new(
                                    t as f64,
                                    billions(outcome.months[t].liquidity),
                                ));
                            }
                        }
                    }
                    data.min_liquidity = Some(line);
                }
                CovenantTerms::Dscr { .. } | CovenantTerms::MaxLeverage { .. } => {
                    let mut series = HeadroomSeries {
                        line: Series::new(name),
                        breaches: Vec::new(),
                    };
                    for t in 0..outcome.months.len() {
                        if let Some(test) = outcome.covenant(t, k) {
                            let pct = plot_f64(test.headroom_pct)
                                .clamp(-HEADROOM_CLIP_PCT, HEADROOM_CLIP_PCT);
                            series.line.push(t, pct);
                            if test.breach {
                                series.breaches.push(PlotPoint::new(t as f64, pct));
                            }
                        }
                    }
                    data.headroom.push(series);
                }
            }
        }

        for (c, id) in outcome.revenue_ids.iter().enumerate() {
            let mut series = Series::new(id.clone());
            for t in 0..outcome.months.len() {
                series.push(t, plot_f64(outcome.stream_revenue(t, c)));
            }
            data.revenue.push(series);
        }
        for (f, id) in outcome.facility_ids.iter().enumerate() {
            let mut series = Series::new(id.clone());
            for t in 0..outcome.months.len() {
                series.push(t, billions(outcome.facility(t, f).balance));
            }
            data.debt.push(series);
        }
        data
    }

    /// The last month index plotted.
    fn last_t(&self) -> f64 {
        self.cash.points.last().map_or(0.0, |point| point.x)
    }
}

/// Grid marks at whole months: every 1, 3, 6 or 12 months, whichever keeps about 8 labels,
/// with years drawn strongest.
fn month_grid(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let span = (high - low).max(1.0);
    let step = [1.0, 3.0, 6.0, 12.0, 24.0, 60.0]
        .into_iter()
        .find(|step| span / step <= 10.0)
        .unwrap_or(120.0);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .take(200)
        .map(|k| {
            let value = k as f64 * step;
            let step_size = if value.rem_euclid(12.0) == 0.0 {
                step.max(12.0) * 2.0
            } else {
                step
            };
            GridMark { value, step_size }
        })
        .collect()
}

fn month_axis(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    month_axis_label(mark.value)
}

fn billions_axis(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    billions_text_dp(mark.value, 1)
}

/// `$1.5B`, `-$2.0B`: the sign before the currency.
fn billions_text_dp(value: f64, dp: usize) -> String {
    let sign = if value < 0.0 && (value * 10f64.powi(dp as i32)).round() != 0.0 {
        "-"
    } else {
        ""
    };
    format!("{sign}${:.*}B", dp, value.abs())
}

fn pct_axis(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    format!("{:.0} %", mark.value)
}

/// The hover text: series name, month, and the value in the chart's unit.
fn hover_label(position: &HoverPosition<'_>, unit: fn(f64) -> String) -> Option<String> {
    match position {
        HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => Some(format!(
            "{plot_name}\n{}: {}",
            month_at(position.x),
            unit(position.y)
        )),
        HoverPosition::Elsewhere { position } => Some(month_at(position.x).to_string()),
    }
}

fn billions_text(value: f64) -> String {
    billions_text_dp(value, 2)
}

fn pct_text(value: f64) -> String {
    if value >= HEADROOM_CLIP_PCT {
        format!("≥ {HEADROOM_CLIP_PCT:.0} %")
    } else {
        format!("{value:.1} %")
    }
}

fn musd_text(value: f64) -> String {
    format!("${value:.1}M")
}

fn mw_text(value: f64) -> String {
    format!("{value:.0} MW")
}

/// A plot with the shared month axis, linked to the other charts.
fn month_plot<'a>(id: &'a str, height: f32) -> Plot<'a> {
    let group = Id::unique("coreweave-whatif.months");
    Plot::new(id)
        .height(height)
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .x_grid_spacer(month_grid)
        .x_axis_formatter(month_axis)
        .legend(
            Legend::default()
                .position(Corner::LeftTop)
                .text_style(egui::TextStyle::Small)
                .background_alpha(0.85),
        )
        .allow_scroll(false)
        .y_axis_min_width(48.0)
}

fn line<'a>(series: &'a Series) -> Line<'a> {
    Line::new(
        series.name.as_str(),
        PlotPoints::from(series.points.as_slice()),
    )
}

/// A faded copy of another outcome's lines drawn under the current ones: the pinned baseline,
/// or the curve from before a drag.
#[derive(Clone, Copy)]
pub struct Ghost<'a> {
    pub name: &'a str,
    pub data: &'a ChartData,
}

fn ghost_line<'a>(name: String, series: &'a Series) -> Line<'a> {
    Line::new(name, PlotPoints::from(series.points.as_slice()))
        .color(theme::GHOST.gamma_multiply(0.8))
        .style(LineStyle::dashed_dense())
        .width(1.5)
        .allow_hover(true)
}

/// Cash and liquidity in $B, the minimum-liquidity threshold, zero, months below zero shaded,
/// and the runway month marked; `ghosts` are drawn faded underneath.
pub fn cash_chart_ui(ui: &mut Ui, data: &ChartData, ghosts: &[Ghost<'_>], height: f32) {
    let last_t = data.last_t();
    month_plot("cash_chart", height)
        .y_axis_formatter(billions_axis)
        .include_y(0.0)
        .include_x(-0.5)
        .include_x(last_t + 0.5)
        .label_formatter(|position| hover_label(position, billions_text))
        .show(ui, |plot_ui| {
            for (i, (first, last)) in data.below_zero.iter().enumerate() {
                let name = if i == 0 { "Cash < 0" } else { "" };
                plot_ui.span(
                    Span::new(name, (*first as f64 - 0.5)..=(*last as f64 + 0.5))
                        .fill(theme::BELOW_ZERO_FILL)
                        .border_width(0.0),
                );
            }
            plot_ui.hline(
                HLine::new("", 0.0)
                    .color(theme::ZERO_LINE)
                    .width(1.0)
                    .allow_hover(false),
            );
            for ghost in ghosts {
                plot_ui.line(ghost_line(
                    format!("{}: cash", ghost.name),
                    &ghost.data.cash,
                ));
            }
            if let Some(threshold) = &data.min_liquidity {
                plot_ui.line(
                    line(threshold)
                        .color(theme::THRESHOLD)
                        .style(LineStyle::dashed_loose())
                        .width(1.5),
                );
            }
            plot_ui.line(line(&data.liquidity).color(theme::LIQUIDITY).width(1.5));
            plot_ui.line(line(&data.cash).color(theme::CASH).width(2.5));
            if !data.liquidity_breaches.is_empty() {
                plot_ui.points(
                    Points::new(
                        "Liquidity breach",
                        PlotPoints::from(data.liquidity_breaches.as_slice()),
                    )
                    .shape(MarkerShape::Cross)
                    .radius(3.0)
                    .color(theme::ALARM),
                );
            }
            if let Some(runway) = data.runway {
                plot_ui.vline(
                    VLine::new("Runway", runway.x)
                        .color(theme::ALARM)
                        .style(LineStyle::dashed_dense())
                        .width(1.5),
                );
                plot_ui.points(
                    Points::new("Runway", PlotPoints::from(vec![[runway.x, runway.y]]))
                        .shape(MarkerShape::Diamond)
                        .filled(true)
                        .radius(6.0)
                        .color(theme::ALARM),
                );
            }
        });
}

/// Headroom of each ratio covenant in %, the 0 % line and breach months marked; `ghosts` are
/// drawn faded underneath.
pub fn headroom_chart_ui(ui: &mut Ui, data: &ChartData, ghosts: &[Ghost<'_>], height: f32) {
    let last_t = data.last_t();
    month_plot("headroom_chart", height)
        .y_axis_formatter(pct_axis)
        .include_y(0.0)
        .include_y(50.0)
        .include_x(-0.5)
        .include_x(last_t + 0.5)
        .label_formatter(|position| hover_label(position, pct_text))
        .show(ui, |plot_ui| {
            plot_ui.hline(
                HLine::new("0 % (breach below)", 0.0)
                    .color(theme::ALARM)
                    .style(LineStyle::dashed_loose())
                    .width(1.0),
            );
            for ghost in ghosts {
                for covenant in &ghost.data.headroom {
                    plot_ui.line(ghost_line(
                        format!("{}: {}", ghost.name, covenant.line.name),
                        &covenant.line,
                    ));
                }
            }
            for (i, covenant) in data.headroom.iter().enumerate() {
                let color = theme::series(i);
                plot_ui.line(line(&covenant.line).color(color).width(2.0));
                plot_ui.points(
                    Points::new(
                        covenant.line.name.as_str(),
                        PlotPoints::from(covenant.line.points.as_slice()),
                    )
                    .radius(2.5)
                    .color(color),
                );
                if !covenant.breaches.is_empty() {
                    plot_ui.points(
                        Points::new(
                            format!("{} breach", covenant.line.name),
                            PlotPoints::from(covenant.breaches.as_slice()),
                        )
                        .shape(MarkerShape::Cross)
                        .radius(5.0)
                        .color(theme::ALARM),
                    );
                }
            }
        });
}

/// Revenue by contract, debt by facility and power online, stacked vertically.
pub fn breakdown_ui(ui: &mut Ui, data: &ChartData) {
    let height = ((ui.available_height() - 3.0 * 24.0) / 3.0).max(120.0);
    let last_t = data.last_t();
    ui.label(egui::RichText::new("Revenue by contract ($M a month)").strong());
    month_plot("revenue_chart", height)
        .y_axis_formatter(|mark, _| format!("${:.0}M", mark.value))
        .include_y(0.0)
        .include_x(last_t)
        .label_formatter(|position| hover_label(position, musd_text))
        .show(ui, |plot_ui| {
            for (i, series) in data.revenue.iter().enumerate() {
                plot_ui.line(line(series).color(theme::series(i)).width(1.5));
            }
        });
    ui.label(egui::RichText::new("Debt by facility ($B, closing balance)").strong());
    month_plot("debt_chart", height)
        .y_axis_formatter(billions_axis)
        .include_y(0.0)
        .include_x(last_t)
        .label_formatter(|position| hover_label(position, billions_text))
        .show(ui, |plot_ui| {
            for (i, series) in data.debt.iter().enumerate() {
                plot_ui.line(line(series).color(theme::series(i)).width(1.5));
            }
        });
    ui.label(egui::RichText::new("Power online (MW)").strong());
    month_plot("capacity_chart", height)
        .y_axis_formatter(|mark, _| format!("{:.0}", mark.value))
        .include_y(0.0)
        .include_x(last_t)
        .label_formatter(|position| hover_label(position, mw_text))
        .show(ui, |plot_ui| {
            plot_ui.line(line(&data.capacity).color(theme::CASH).width(2.0));
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, run};

    #[test]
    fn month_grid_labels_whole_months_only() {
        let marks = month_grid(GridInput {
            bounds: (-0.5, 71.5),
            base_step_size: 1.0,
        });
        assert!(!marks.is_empty());
        assert!(marks.iter().all(|mark| mark.value.fract() == 0.0));
        assert!(marks.len() <= 12, "{} marks", marks.len());
    }

    #[test]
    fn chart_data_has_one_point_per_month_and_a_line_per_ratio_covenant() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("the base scenario runs");
        let data = ChartData::new(&outcome, valid.scenario());
        assert_eq!(data.cash.points.len(), outcome.months.len());
        let ratio_covenants = valid
            .scenario()
            .covenants
            .iter()
            .filter(|covenant| !matches!(covenant.terms, CovenantTerms::MinLiquidity { .. }))
            .count();
        assert_eq!(data.headroom.len(), ratio_covenants);
        assert_eq!(data.revenue.len(), outcome.revenue_ids.len());
    }
}
