//! The charts: cash and liquidity, covenant headroom, and a breakdown of revenue, debt and
//! capacity. X is the model's month index `t`; every chart's x axis is linked.
//!
//! Figures the company reported (the backtest, spec §6.6) are hollow markers on the chart of
//! their figure: cash on the cash chart, debt beside the total-debt line, quarterly revenue on
//! the quarterly revenue chart, power online on the power chart.
//!
//! [`ChartData`] is built from an outcome once per recompute ("state in, series out");
//! the `*_ui` functions only read it.

use eframe::egui;
use std::ops::RangeInclusive;

use eframe::egui::{Id, Ui};
use egui_plot::{
    GridInput, GridMark, HLine, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoint,
    PlotPoints, Points, Span, VLine,
};
use rust_decimal::Decimal;

use super::chart_legend::{Entry, Mark, legend_ui};
use super::format::{month_at, month_axis_label, plot_f64};
use super::theme;
use crate::model::{BacktestRow, CovenantTerms, Outcome, ReportedFigure, Scenario, figure_at};
use crate::report::format::error_pct_text;
// Headroom beyond this is drawn at it, in the app as in the memo; the chart says so.
use crate::report::HEADROOM_CLIP_PCT;
use crate::report::format::{covenant_test_text, figure_short_text, signed_pct};

/// The legend entry of every chart's reported markers.
pub const REPORTED_NAME: &str = "Reported";

/// Names of the cash and headroom charts' marks, in the plot (its hover) and in the legend.
const BELOW_ZERO_NAME: &str = "Cash < 0";
const LIQUIDITY_BREACH_NAME: &str = "Liquidity breach";
const RUNWAY_NAME: &str = "Runway";
const BREACH_LINE_NAME: &str = "0 % (breach below)";
const CLIPPED_NAME: &str = "Clipped (beyond: drawn here)";

/// A named line of points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<PlotPoint>,
}

impl Series {
    pub(super) fn new(name: impl Into<String>) -> Self {
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
    /// Each point's hover: the ratio against its limit and the headroom in %, unclipped.
    pub hovers: Vec<String>,
    /// The hover of each breach mark (the same text as its point's).
    pub breach_hovers: Vec<String>,
    /// Some month's headroom is beyond [`HEADROOM_CLIP_PCT`] and drawn at it.
    pub clipped: bool,
}

/// One reported figure, placed on its chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedMarker {
    /// The month index, and the reported value in the chart's unit ($B, or MW).
    pub point: PlotPoint,
    /// The hover text: the figure, the month and the comparison
    /// `reported $1.21B · model $1.18B · error -2.6 %`, then the entry's source if it has one.
    pub hover: String,
}

impl ReportedMarker {
    fn new(row: &BacktestRow) -> Self {
        let y = match row.figure {
            ReportedFigure::MwOnline => plot_f64(row.reported),
            _ => billions(row.reported),
        };
        let mut hover = format!(
            "{REPORTED_NAME} {}\n{}: reported {} · model {} · error {}",
            row.figure.label().to_lowercase(),
            row.month,
            figure_short_text(row.figure, row.reported),
            figure_short_text(row.figure, row.model),
            error_pct_text(row.error_pct),
        );
        // Last, as a source note can be long and names every figure of its entry.
        if !row.source.is_empty() {
            hover.push('\n');
            hover.push_str(&row.source);
        }
        Self {
            point: PlotPoint::new(f64::from(row.month.index()), y),
            hover,
        }
    }
}

/// The reported markers of each chart, in the backtest's order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportedMarkers {
    pub revenue_quarter: Vec<ReportedMarker>,
    pub cash: Vec<ReportedMarker>,
    pub debt: Vec<ReportedMarker>,
    pub mw_online: Vec<ReportedMarker>,
    /// The income statement's reported figures (drawn on the income chart).
    pub pnl: Vec<ReportedMarker>,
}

impl ReportedMarkers {
    fn new(rows: &[BacktestRow]) -> Self {
        let mut markers = Self::default();
        for row in rows {
            markers.of_mut(row.figure).push(ReportedMarker::new(row));
        }
        markers
    }

    /// The markers of one figure's chart.
    pub fn of(&self, figure: ReportedFigure) -> &[ReportedMarker] {
        match figure {
            ReportedFigure::RevenueQuarter => &self.revenue_quarter,
            ReportedFigure::Cash => &self.cash,
            ReportedFigure::Debt => &self.debt,
            ReportedFigure::MwOnline => &self.mw_online,
            _ => &self.pnl,
        }
    }

    fn of_mut(&mut self, figure: ReportedFigure) -> &mut Vec<ReportedMarker> {
        match figure {
            ReportedFigure::RevenueQuarter => &mut self.revenue_quarter,
            ReportedFigure::Cash => &mut self.cash,
            ReportedFigure::Debt => &mut self.debt,
            ReportedFigure::MwOnline => &mut self.mw_online,
            _ => &mut self.pnl,
        }
    }
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
    /// Revenue by stream (contracts, then earning sites), $M a month.
    pub revenue: Vec<Series>,
    /// Revenue of each complete quarter, $B, at its last month: what a reported
    /// `revenue_quarter` is compared with.
    pub quarterly_revenue: Series,
    /// Closing balance by facility, $B.
    pub debt: Vec<Series>,
    /// Every facility's closing balance, the revolver included, $B.
    pub total_debt: Series,
    /// Power online, MW.
    pub capacity: Series,
    /// The figures the company reported, one list per chart.
    pub reported: ReportedMarkers,
}

/// $M as $B, for a plot.
pub(super) fn billions(value_musd: Decimal) -> f64 {
    plot_f64(value_musd) / 1000.0
}

impl ChartData {
    /// The series of `outcome`; `scenario` says which covenant is which kind.
    pub fn new(outcome: &Outcome, scenario: &Scenario) -> Self {
        let mut data = Self {
            cash: Series::new("Cash"),
            liquidity: Series::new("Liquidity"),
            quarterly_revenue: Series::new("Model"),
            total_debt: Series::new("Total debt"),
            capacity: Series::new("Power online"),
            reported: ReportedMarkers::new(&outcome.backtest),
            ..Self::default()
        };
        let mut run_start: Option<usize> = None;
        for (t, row) in outcome.months.iter().enumerate() {
            data.cash.push(t, billions(row.cash));
            data.liquidity.push(t, billions(row.liquidity));
            data.total_debt.push(t, billions(row.debt));
            data.capacity.push(t, plot_f64(row.mw_online));
            // The backtest's own sum, so the line and the reported quarters agree by construction.
            if row.month.month_of_year() % 3 == 0
                && let Some(quarter) = figure_at(&outcome.months, ReportedFigure::RevenueQuarter, t)
            {
                data.quarterly_revenue.push(t, billions(quarter));
            }
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
                _ => {
                    let mut series = HeadroomSeries {
                        line: Series::new(name),
                        ..HeadroomSeries::default()
                    };
                    for t in 0..outcome.months.len() {
                        if let Some(test) = outcome.covenant(t, k) {
                            let headroom = test.headroom_pct();
                            let exact = plot_f64(headroom);
                            let pct = exact.clamp(-HEADROOM_CLIP_PCT, HEADROOM_CLIP_PCT);
                            series.clipped |= pct != exact;
                            series.line.push(t, pct);
                            let hover = format!(
                                "{}\n{}: {} (headroom {})",
                                name,
                                outcome.months[t].month,
                                covenant_test_text(terms, &test),
                                signed_pct(headroom)
                            );
                            if test.breach {
                                series.breaches.push(PlotPoint::new(t as f64, pct));
                                series.breach_hovers.push(hover.clone());
                            }
                            series.hovers.push(hover);
                        }
                    }
                    data.headroom.push(series);
                }
            }
        }

        for (c, id) in outcome.revenue_ids.iter().enumerate() {
            let mut series = Series::new(revenue_name(scenario, id));
            for t in 0..outcome.months.len() {
                series.push(t, plot_f64(outcome.stream_revenue(t, c)));
            }
            data.revenue.push(series);
        }
        for (f, id) in outcome.facility_ids.iter().enumerate() {
            let name = scenario
                .facilities
                .iter()
                .find(|facility| facility.id == *id)
                .map_or_else(|| id.clone(), |facility| facility.name.clone());
            let mut series = Series::new(name);
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

/// A revenue stream as a legend names it: a contract by its customer (with its id when the
/// customer has two), a site's capacity revenue by the site.
fn revenue_name(scenario: &Scenario, id: &str) -> String {
    let Some(contract) = scenario.contracts.iter().find(|contract| contract.id == id) else {
        return format!("Site {id} capacity");
    };
    let shared = scenario
        .contracts
        .iter()
        .filter(|other| other.customer == contract.customer)
        .count()
        > 1;
    if shared {
        format!("{} ({id})", contract.customer)
    } else {
        contract.customer.clone()
    }
}

/// Grid marks at whole months: every 1, 3, 6 or 12 months, whichever keeps about 8 labels
/// and leaves a label's width between two, with years drawn strongest. No tick so near
/// either end of the plot that its label would be cut at the window's edge.
pub fn month_grid(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let span = (high - low).max(1.0);
    let pixels_per_month = if input.base_step_size > 0.0 {
        GRID_MIN_SPACING / input.base_step_size
    } else {
        f64::INFINITY
    };
    let step = [1.0, 3.0, 6.0, 12.0, 24.0, 60.0]
        .into_iter()
        .find(|step| span / step <= 10.0 && step * pixels_per_month >= MONTH_LABEL_SPACING)
        .unwrap_or(120.0);
    let margin = (MONTH_LABEL_SPACING / 2.0 / pixels_per_month).min(span / 4.0);
    let first = ((low + margin) / step).ceil() as i64;
    let last = ((high - margin) / step).floor() as i64;
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

/// Pixels a month label (`2031-01`) needs, with a gap to the next.
const MONTH_LABEL_SPACING: f64 = 64.0;

/// A month axis's tick text (`YYYY-MM`); pair it with [`month_grid`].
pub fn month_axis(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    month_axis_label(mark.value)
}

/// A money axis in $B, the sign before the currency: `-$1.0B`; as many decimals as the
/// grid's step needs (at least one), so two ticks never read the same.
pub fn billions_axis(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    billions_text_dp(mark.value, step_decimals(mark.step_size).max(1))
}

/// Decimals that tell ticks `step` apart: 0 for 1 and up, 1 for 0.1 or 0.5, 2 for 0.25…
fn step_decimals(step: f64) -> usize {
    (0..6)
        .find(|&dp| {
            let scaled = step * 10f64.powi(dp as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs()
        })
        .unwrap_or(6)
}

/// Pixels between grid lines egui_plot's `base_step_size` stands for (its default spacing).
const GRID_MIN_SPACING: f64 = 8.0;

/// Pixels between two labelled value ticks: egui_plot draws a y label at full strength from 30.
const VALUE_TICK_SPACING: f64 = 30.0;

/// Grid marks on a value axis: one evenly spaced set (every label equally strong) at a round
/// step (1, 2, 2.5 or 5 times a power of ten) about 30 pixels apart, and never
/// fewer than three inside the plot, however short the range.
pub fn value_grid(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let span = high - low;
    if !(span > 0.0 && span.is_finite()) || input.base_step_size <= 0.0 {
        return Vec::new();
    }
    let pixels_per_unit = GRID_MIN_SPACING / input.base_step_size;
    let nice = |at_least: f64| {
        let power = 10f64.powf(at_least.log10().floor());
        [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|step| *step >= at_least * (1.0 - 1e-9))
            .unwrap_or(10.0 * power)
    };
    let marks = |step: f64| {
        let first = (low / step).ceil() as i64;
        let last = (high / step).floor() as i64;
        (first..=last)
            .take(100)
            .map(|k| GridMark {
                value: k as f64 * step,
                step_size: step,
            })
            .collect::<Vec<_>>()
    };
    let mut step = nice(VALUE_TICK_SPACING / pixels_per_unit);
    let mut shown = marks(step);
    // A short plot or a narrow range: smaller steps until three ticks fit.
    for _ in 0..8 {
        if shown.len() >= 3 {
            break;
        }
        step = nice(step / 2.5);
        shown = marks(step);
    }
    shown
}

/// `$1.5B`, `-$2.0B`: the sign before the currency.
pub fn billions_text_dp(value: f64, dp: usize) -> String {
    let sign = if value < 0.0 && (value * 10f64.powi(dp as i32)).round() != 0.0 {
        "-"
    } else {
        ""
    };
    format!("{sign}${:.*}B", dp, value.abs())
}

fn pct_axis(mark: GridMark, _range: &RangeInclusive<f64>) -> String {
    if mark.value.abs() >= HEADROOM_CLIP_PCT {
        format!(
            "{}{HEADROOM_CLIP_PCT:.0} %",
            if mark.value > 0.0 { "≥ " } else { "≤ -" }
        )
    } else {
        format!("{:.*} %", step_decimals(mark.step_size), mark.value)
    }
}

/// The hover text: a reported marker's comparison with the model, or the series name, month,
/// and the value in the chart's unit.
fn hover_label(
    position: &HoverPosition<'_>,
    unit: fn(f64) -> String,
    reported: &[ReportedMarker],
) -> Option<String> {
    // The markers are one item, so the hovered point's index is the marker's.
    if let HoverPosition::NearDataPoint {
        plot_name, index, ..
    } = position
        && *plot_name == REPORTED_NAME
        && let Some(marker) = reported.get(*index)
    {
        return Some(marker.hover.clone());
    }
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
    } else if value <= -HEADROOM_CLIP_PCT {
        format!("≤ -{HEADROOM_CLIP_PCT:.0} %")
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

/// A plot with the shared month axis, linked to the other charts; its legend is a row above
/// it ([`legend_ui`]).
pub(super) fn month_plot(id: &str, height: f32) -> Plot<'_> {
    let group = Id::unique("coreweave-whatif.months");
    Plot::new(id)
        .height(height.max(MIN_PLOT_HEIGHT))
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .x_grid_spacer(month_grid)
        .x_axis_formatter(month_axis)
        .y_grid_spacer(value_grid)
        .allow_scroll(false)
        .y_axis_min_width(48.0)
}

/// The least height of a plot once its legend row is taken off, in points.
const MIN_PLOT_HEIGHT: f32 = 80.0;

/// The legend entries of faded `ghosts` of one series (`what`: "cash").
fn ghost_entries(ghosts: &[Ghost<'_>], what: &str) -> Vec<Entry> {
    ghosts
        .iter()
        .map(|ghost| {
            Entry::new(
                format!("{}: {what}", ghost.name),
                theme::GHOST,
                Mark::Dashed,
            )
        })
        .collect()
}

pub(super) fn line<'a>(series: &'a Series) -> Line<'a> {
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
    let mut entries = vec![
        Entry::new(&data.cash.name, theme::CASH, Mark::Line { width: 2.5 }),
        Entry::new(
            &data.liquidity.name,
            theme::LIQUIDITY,
            Mark::Line { width: 1.5 },
        ),
    ];
    if let Some(threshold) = &data.min_liquidity {
        entries.push(Entry::new(&threshold.name, theme::THRESHOLD, Mark::Dashed));
    }
    if !data.below_zero.is_empty() {
        entries.push(Entry::new(
            BELOW_ZERO_NAME,
            theme::BELOW_ZERO_FILL,
            Mark::Fill,
        ));
    }
    if !data.liquidity_breaches.is_empty() {
        entries.push(Entry::new(LIQUIDITY_BREACH_NAME, theme::ALARM, Mark::Cross));
    }
    if data.runway.is_some() {
        entries.push(Entry::new(
            RUNWAY_NAME,
            theme::ALARM,
            Mark::Diamond { filled: true },
        ));
    }
    entries.extend(ghost_entries(ghosts, "cash"));
    entries.extend(reported_entry(&data.reported.cash));
    let height = height - legend_ui(ui, &entries);
    month_plot("cash_chart", height)
        .y_axis_formatter(billions_axis)
        .include_y(0.0)
        .include_x(-0.5)
        .include_x(last_t + 0.5)
        .label_formatter(|position| hover_label(position, billions_text, &data.reported.cash))
        .show(ui, |plot_ui| {
            for (i, (first, last)) in data.below_zero.iter().enumerate() {
                let name = if i == 0 { BELOW_ZERO_NAME } else { "" };
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
                        LIQUIDITY_BREACH_NAME,
                        PlotPoints::from(data.liquidity_breaches.as_slice()),
                    )
                    .shape(MarkerShape::Cross)
                    .radius(3.0)
                    .color(theme::ALARM),
                );
            }
            if let Some(runway) = data.runway {
                plot_ui.vline(
                    VLine::new(RUNWAY_NAME, runway.x)
                        .color(theme::ALARM)
                        .style(LineStyle::dashed_dense())
                        .width(1.5),
                );
                plot_ui.points(
                    Points::new(RUNWAY_NAME, PlotPoints::from(vec![[runway.x, runway.y]]))
                        .shape(MarkerShape::Diamond)
                        .filled(true)
                        .radius(6.0)
                        .color(theme::ALARM),
                );
            }
            reported_ui(plot_ui, &data.reported.cash);
        });
}

/// The note a headroom chart shows when it clips some month's headroom, else `None`.
pub fn headroom_clip_note(data: &ChartData) -> Option<String> {
    data.headroom.iter().any(|series| series.clipped).then(|| {
        format!(
            "Clipped at ±{HEADROOM_CLIP_PCT:.0} %: headroom beyond it is drawn on the dotted \
             line; hover a point for its exact ratio."
        )
    })
}

/// A headroom chart's hover: a covenant point's ratio against its limit (a breach mark's
/// too), else the plain hover.
fn headroom_hover(position: &HoverPosition<'_>, data: &ChartData) -> Option<String> {
    if let HoverPosition::NearDataPoint {
        plot_name, index, ..
    } = position
    {
        let hover = data.headroom.iter().find_map(|series| {
            if series.line.name == *plot_name {
                series.hovers.get(*index)
            } else if breach_name(&series.line.name) == *plot_name {
                series.breach_hovers.get(*index)
            } else {
                None
            }
        });
        if let Some(hover) = hover {
            return Some(hover.clone());
        }
    }
    hover_label(position, pct_text, &[])
}

/// The legend name of a covenant's breach marks.
fn breach_name(covenant: &str) -> String {
    format!("{covenant} breach")
}

/// Headroom of each ratio covenant in %, the 0 % line and breach months marked; `ghosts` are
/// drawn faded underneath. When a line is clipped the chart says so, above it and on a line.
pub fn headroom_chart_ui(ui: &mut Ui, data: &ChartData, ghosts: &[Ghost<'_>], height: f32) {
    let last_t = data.last_t();
    let clip_note = headroom_clip_note(data);
    let height = match &clip_note {
        Some(note) => {
            ui.label(egui::RichText::new(note).small().weak());
            height - ui.text_style_height(&egui::TextStyle::Small) - ui.spacing().item_spacing.y
        }
        None => height,
    };
    let mut entries: Vec<Entry> = data
        .headroom
        .iter()
        .enumerate()
        .map(|(i, covenant)| {
            Entry::new(
                &covenant.line.name,
                theme::series(i),
                Mark::Line { width: 2.0 },
            )
        })
        .collect();
    entries.push(Entry::new(BREACH_LINE_NAME, theme::ALARM, Mark::Dashed));
    if data
        .headroom
        .iter()
        .any(|covenant| !covenant.breaches.is_empty())
    {
        entries.push(Entry::new("Breach", theme::ALARM, Mark::Cross));
    }
    if clip_note.is_some() {
        entries.push(Entry::new(CLIPPED_NAME, theme::GHOST, Mark::Dotted));
    }
    for ghost in ghosts {
        for covenant in &ghost.data.headroom {
            entries.push(Entry::new(
                format!("{}: {}", ghost.name, covenant.line.name),
                theme::GHOST,
                Mark::Dashed,
            ));
        }
    }
    let height = height - legend_ui(ui, &entries);
    month_plot("headroom_chart", height)
        .y_axis_formatter(pct_axis)
        .include_y(0.0)
        .include_y(50.0)
        .include_x(-0.5)
        .include_x(last_t + 0.5)
        .label_formatter(|position| headroom_hover(position, data))
        .show(ui, |plot_ui| {
            plot_ui.hline(
                HLine::new(BREACH_LINE_NAME, 0.0)
                    .color(theme::ALARM)
                    .style(LineStyle::dashed_loose())
                    .width(1.0),
            );
            if clip_note.is_some() {
                let on = |y: f64| {
                    data.headroom
                        .iter()
                        .flat_map(|series| &series.line.points)
                        .any(|point| point.y == y)
                };
                for y in [HEADROOM_CLIP_PCT, -HEADROOM_CLIP_PCT]
                    .into_iter()
                    .filter(|y| on(*y))
                {
                    plot_ui.hline(
                        HLine::new(CLIPPED_NAME, y)
                            .color(theme::GHOST)
                            .style(LineStyle::dotted_dense())
                            .width(1.0),
                    );
                }
            }
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
                            breach_name(&covenant.line.name),
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

/// The reported markers of a chart: hollow diamonds over the model's lines, one legend entry.
fn reported_ui(plot_ui: &mut egui_plot::PlotUi<'_>, markers: &[ReportedMarker]) {
    if markers.is_empty() {
        return;
    }
    let points: Vec<PlotPoint> = markers.iter().map(|marker| marker.point).collect();
    plot_ui.points(
        Points::new(REPORTED_NAME, PlotPoints::Owned(points))
            .shape(MarkerShape::Diamond)
            .filled(false)
            .radius(7.0)
            .color(theme::REPORTED),
    );
}

/// The legend entry of a chart's reported markers, when it has any.
fn reported_entry(markers: &[ReportedMarker]) -> Option<Entry> {
    (!markers.is_empty()).then(|| {
        Entry::new(
            REPORTED_NAME,
            theme::REPORTED,
            Mark::Diamond { filled: false },
        )
    })
}

/// A chart's title above it.
fn chart_title_ui(ui: &mut Ui, title: &str) {
    ui.label(egui::RichText::new(title).strong());
}

/// Height of a chart's title row in the breakdown grid.
const TITLE_HEIGHT: f32 = 24.0;

/// Revenue by stream and by quarter, debt and power online, in a 2 × 2 grid so each chart keeps
/// a readable height.
pub fn breakdown_ui(ui: &mut Ui, data: &ChartData) {
    let spacing = ui.spacing().item_spacing.y;
    let height = ((ui.available_height() - 2.0 * TITLE_HEIGHT - 3.0 * spacing) / 2.0).max(120.0);
    let dark_mode = ui.visuals().dark_mode;
    // Scrolls when the charts' least heights do not fit the window.
    egui::ScrollArea::vertical()
        .id_salt("breakdown tab")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.columns(2, |columns| {
                revenue_chart_ui(&mut columns[0], data, height);
                quarterly_revenue_chart_ui(&mut columns[1], data, height);
            });
            ui.columns(2, |columns| {
                debt_chart_ui(&mut columns[0], data, height, dark_mode);
                capacity_chart_ui(&mut columns[1], data, height);
            });
        });
}

/// Revenue by stream, $M a month.
fn revenue_chart_ui(ui: &mut Ui, data: &ChartData, height: f32) {
    chart_title_ui(ui, "Revenue by contract and site ($M a month)");
    let entries: Vec<Entry> = data
        .revenue
        .iter()
        .enumerate()
        .map(|(i, series)| Entry::new(&series.name, theme::series(i), Mark::Line { width: 1.5 }))
        .collect();
    let height = height - legend_ui(ui, &entries);
    month_plot("revenue_chart", height)
        .y_axis_formatter(|mark, _| format!("${:.0}M", mark.value))
        .include_y(0.0)
        .include_x(data.last_t())
        .label_formatter(|position| hover_label(position, musd_text, &[]))
        .show(ui, |plot_ui| {
            for (i, series) in data.revenue.iter().enumerate() {
                plot_ui.line(line(series).color(theme::series(i)).width(1.5));
            }
        });
}

/// The model's revenue by quarter in $B, a point at each quarter's last month, and the
/// quarters the company reported.
fn quarterly_revenue_chart_ui(ui: &mut Ui, data: &ChartData, height: f32) {
    let reported = &data.reported.revenue_quarter;
    chart_title_ui(ui, "Quarterly revenue ($B, at the quarter's last month)");
    let mut entries = vec![Entry::new(
        &data.quarterly_revenue.name,
        theme::REVENUE,
        Mark::Line { width: 2.0 },
    )];
    entries.extend(reported_entry(reported));
    let height = height - legend_ui(ui, &entries);
    month_plot("quarterly_revenue_chart", height)
        .y_axis_formatter(billions_axis)
        .include_y(0.0)
        .include_x(data.last_t())
        .label_formatter(|position| hover_label(position, billions_text, reported))
        .show(ui, |plot_ui| {
            plot_ui.line(
                line(&data.quarterly_revenue)
                    .color(theme::REVENUE)
                    .width(2.0),
            );
            plot_ui.points(
                Points::new(
                    data.quarterly_revenue.name.as_str(),
                    PlotPoints::from(data.quarterly_revenue.points.as_slice()),
                )
                .radius(2.5)
                .color(theme::REVENUE),
            );
            reported_ui(plot_ui, reported);
        });
}

/// Closing balance by facility and in total, $B, with the debt the company reported.
fn debt_chart_ui(ui: &mut Ui, data: &ChartData, height: f32, dark_mode: bool) {
    let reported = &data.reported.debt;
    chart_title_ui(ui, "Debt ($B, closing balance)");
    let mut entries: Vec<Entry> = data
        .debt
        .iter()
        .enumerate()
        .map(|(i, series)| Entry::new(&series.name, theme::series(i), Mark::Line { width: 1.5 }))
        .collect();
    entries.push(Entry::new(
        &data.total_debt.name,
        theme::total(dark_mode),
        Mark::Line { width: 2.5 },
    ));
    entries.extend(reported_entry(reported));
    let height = height - legend_ui(ui, &entries);
    month_plot("debt_chart", height)
        .y_axis_formatter(billions_axis)
        .include_y(0.0)
        .include_x(data.last_t())
        .label_formatter(|position| hover_label(position, billions_text, reported))
        .show(ui, |plot_ui| {
            for (i, series) in data.debt.iter().enumerate() {
                plot_ui.line(line(series).color(theme::series(i)).width(1.5));
            }
            plot_ui.line(
                line(&data.total_debt)
                    .color(theme::total(dark_mode))
                    .width(2.5),
            );
            reported_ui(plot_ui, reported);
        });
}

/// Power online, MW, with what the company reported.
fn capacity_chart_ui(ui: &mut Ui, data: &ChartData, height: f32) {
    let reported = &data.reported.mw_online;
    chart_title_ui(ui, "Power online (MW)");
    let mut entries = vec![Entry::new(
        &data.capacity.name,
        theme::CASH,
        Mark::Line { width: 2.0 },
    )];
    entries.extend(reported_entry(reported));
    let height = height - legend_ui(ui, &entries);
    month_plot("capacity_chart", height)
        .y_axis_formatter(|mark, _| format!("{:.0}", mark.value))
        .include_y(0.0)
        .include_x(data.last_t())
        .label_formatter(|position| hover_label(position, mw_text, reported))
        .show(ui, |plot_ui| {
            plot_ui.line(line(&data.capacity).color(theme::CASH).width(2.0));
            reported_ui(plot_ui, reported);
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Month, default_scenario, run};
    use crate::test_support::{s1_base_reporting, two_reported_quarters};

    #[test]
    fn every_value_axis_has_three_labelled_ticks_or_more() {
        // (low, high, plot height in pixels): a flat cash line, a short chart, a huge range.
        for (low, high, pixels) in [
            (-0.02, 0.01, 150.0),
            (0.0, 0.5, 80.0),
            (-300.0, 300.0, 120.0),
            (0.0, 51.0, 200.0),
            (-58_549.0, 50.0, 400.0),
            (0.98, 1.02, 90.0),
        ] {
            let base_step_size = GRID_MIN_SPACING * (high - low) / pixels;
            let marks = value_grid(GridInput {
                bounds: (low, high),
                base_step_size,
            });
            assert!(marks.len() >= 3, "{low}..{high} in {pixels} px: {marks:?}");
            assert!(marks.iter().all(|mark| (low..=high).contains(&mark.value)));
            let step = marks[1].value - marks[0].value;
            assert!(
                marks
                    .iter()
                    .all(|mark| mark.step_size == marks[0].step_size),
                "every label as strong as the next"
            );
            // egui_plot draws no label closer than 20 px to the next.
            assert!(step * pixels / (high - low) > 20.0, "{low}..{high}: {step}");
            let labels: Vec<String> = marks
                .iter()
                .map(|mark| billions_axis(*mark, &(low..=high)))
                .collect();
            let mut unique = labels.clone();
            unique.dedup();
            assert_eq!(unique, labels, "no two ticks read the same");
        }
    }

    #[test]
    fn month_labels_never_run_together_nor_off_the_edge() {
        // 72 months across 300 pixels (a narrow breakdown chart) and across 1,000.
        for pixels in [300.0, 1000.0] {
            let (low, high) = (-0.5, 71.5);
            let base_step_size = GRID_MIN_SPACING * (high - low) / pixels;
            let marks = month_grid(GridInput {
                bounds: (low, high),
                base_step_size,
            });
            assert!(marks.len() >= 2, "{pixels}: {marks:?}");
            let per_month = pixels / (high - low);
            for pair in marks.windows(2) {
                let gap = (pair[1].value - pair[0].value) * per_month;
                assert!(gap >= MONTH_LABEL_SPACING, "{pixels} px: {gap} px apart");
            }
            for mark in &marks {
                let room = (mark.value - low).min(high - mark.value) * per_month;
                assert!(
                    room >= MONTH_LABEL_SPACING / 2.0 - 1e-9,
                    "{mark:?} at {pixels} px"
                );
            }
        }
    }

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

    #[test]
    fn each_reported_figure_is_a_marker_on_its_chart_at_its_month() {
        let valid = s1_base_reporting(two_reported_quarters());
        let outcome = run(&valid).expect("s1-base with two reported quarters runs");
        let data = ChartData::new(&outcome, valid.scenario());
        let (march, june) = (
            f64::from(Month::ym(2025, 3).index()),
            f64::from(Month::ym(2025, 6).index()),
        );
        for (figure, expected) in [
            (
                ReportedFigure::RevenueQuarter,
                vec![(march, 0.9816), (june, 1.2128)],
            ),
            (ReportedFigure::Cash, vec![(march, 1.3)]),
            (ReportedFigure::Debt, vec![(march, 8.8), (june, 11.1715)]),
            (
                ReportedFigure::MwOnline,
                vec![(march, 420.0), (june, 470.0)],
            ),
        ] {
            let placed: Vec<(f64, f64)> = data
                .reported
                .of(figure)
                .iter()
                .map(|marker| (marker.point.x, marker.point.y))
                .collect();
            assert_eq!(placed.len(), expected.len(), "{figure:?}: {placed:?}");
            for ((x, y), (want_x, want_y)) in placed.iter().zip(&expected) {
                assert_eq!(x, want_x, "{figure:?} month");
                assert!(
                    (y - want_y).abs() < 1e-9,
                    "{figure:?} at {x}: {y} ≠ {want_y}"
                );
            }
        }
    }

    #[test]
    fn legends_name_debt_and_revenue_as_the_preset_does_not_by_id() {
        let valid = crate::model::default_scenario();
        let scenario = valid.scenario();
        let outcome = run(&valid).expect("s1-base runs");
        let data = ChartData::new(&outcome, scenario);
        let debt: Vec<&str> = data
            .debt
            .iter()
            .map(|series| series.name.as_str())
            .collect();
        let names: Vec<&str> = scenario
            .facilities
            .iter()
            .map(|facility| facility.name.as_str())
            .collect();
        assert_eq!(debt, names);
        for contract in &scenario.contracts {
            assert!(
                data.revenue
                    .iter()
                    .any(|series| series.name.starts_with(&contract.customer)),
                "{} by its customer",
                contract.id
            );
        }
        let mut twice = scenario.clone();
        let mut copy = twice.contracts[0].clone();
        copy.id = "again".to_owned();
        twice.contracts.push(copy);
        assert_eq!(
            revenue_name(&twice, "again"),
            format!("{} (again)", twice.contracts[0].customer)
        );
        assert_eq!(revenue_name(&twice, "denton"), "Site denton capacity");
    }

    #[test]
    fn a_breach_marks_hover_gives_the_ratio_against_its_limit() {
        let valid = crate::model::default_scenario();
        let outcome = run(&valid).expect("s1-base runs");
        let data = ChartData::new(&outcome, valid.scenario());
        let series = data
            .headroom
            .iter()
            .find(|series| !series.breaches.is_empty())
            .expect("s1-base breaches a ratio covenant");
        let first = series.breaches[0];
        let name = breach_name(&series.line.name);
        let hover = headroom_hover(
            &HoverPosition::NearDataPoint {
                plot_name: &name,
                position: first,
                index: 0,
            },
            &data,
        )
        .expect("a hover");
        let point = series
            .line
            .points
            .iter()
            .position(|point| point.x == first.x)
            .expect("the breach is a point of the line");
        assert_eq!(
            hover, series.hovers[point],
            "the same text as the line's point"
        );
        assert!(hover.contains("headroom"), "{hover}");
    }

    #[test]
    fn a_markers_hover_compares_reported_model_and_error() {
        let valid = s1_base_reporting(two_reported_quarters());
        let outcome = run(&valid).expect("s1-base with two reported quarters runs");
        let data = ChartData::new(&outcome, valid.scenario());
        let row = outcome
            .backtest
            .iter()
            .find(|row| {
                row.figure == ReportedFigure::RevenueQuarter && row.month == Month::ym(2025, 6)
            })
            .expect("a 2025-06 quarterly revenue row");
        let comparison = format!(
            "reported $1.21B · model {} · error {}",
            figure_short_text(ReportedFigure::RevenueQuarter, row.model),
            error_pct_text(row.error_pct)
        );
        let hover = hover_label(
            &HoverPosition::NearDataPoint {
                plot_name: REPORTED_NAME,
                position: PlotPoint::new(5.0, 1.2128),
                index: 1,
            },
            billions_text,
            &data.reported.revenue_quarter,
        )
        .expect("a hover text");
        assert_eq!(
            hover,
            format!("Reported quarterly revenue\n2025-06: {comparison}"),
            "the second quarterly marker (2025-06, reported 1212.8)"
        );
        let cash = &data.reported.cash[0].hover;
        assert!(
            cash.starts_with("Reported cash\n2025-03: reported $1.30B · model ")
                && cash.ends_with(" %\nQ1 2025 10-Q"),
            "the cash marker names its source: {cash}"
        );
        let line = hover_label(
            &HoverPosition::NearDataPoint {
                plot_name: "Model",
                position: PlotPoint::new(5.0, 1.2),
                index: 1,
            },
            billions_text,
            &data.reported.revenue_quarter,
        );
        assert_eq!(
            line.as_deref(),
            Some("Model\n2025-06: $1.20B"),
            "a line point keeps the plain hover"
        );
    }

    #[test]
    fn quarterly_revenue_sums_each_complete_quarter_and_total_debt_follows_the_ledger() {
        let valid = default_scenario();
        let outcome = run(&valid).expect("the base scenario runs");
        let data = ChartData::new(&outcome, valid.scenario());
        assert_eq!(
            data.quarterly_revenue.points.len(),
            outcome.months.len() / 3,
            "one point per quarter of a {}-month horizon",
            outcome.months.len()
        );
        let first = data.quarterly_revenue.points[0];
        let january_to_march: rust_decimal::Decimal =
            outcome.months[..3].iter().map(|row| row.revenue).sum();
        assert_eq!(first.x, 2.0, "the first quarter ends in 2025-03");
        assert!((first.y - billions(january_to_march)).abs() < 1e-12);
        assert_eq!(data.total_debt.points.len(), outcome.months.len());
        let peak = data
            .total_debt
            .points
            .iter()
            .map(|point| point.y)
            .fold(f64::MIN, f64::max);
        assert!(
            (peak - billions(outcome.kpis.peak_debt)).abs() < 1e-9,
            "the total-debt line peaks at the peak-debt KPI"
        );
    }

    #[test]
    fn a_scenario_reporting_nothing_has_no_markers() {
        let valid = s1_base_reporting(Vec::new());
        let outcome = run(&valid).expect("s1-base without reported figures runs");
        let data = ChartData::new(&outcome, valid.scenario());
        for figure in ReportedFigure::ALL {
            assert!(data.reported.of(figure).is_empty(), "{figure:?}");
        }
    }
}
