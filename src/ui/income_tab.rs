//! "Income & collateral": the income statement by quarter (revenue, adjusted operating income
//! and net income, with the P&L figures the company reported as hollow diamonds; spec §8.1),
//! and for each collateralised facility its collateral's value against its balance, with the
//! borrowing-base line the balance may not exceed at a test (spec §8.2).
//!
//! [`IncomeData`] is built from an outcome once per recompute; the `*_ui` functions only read it.

use eframe::egui::{self, RichText, Ui};
use egui_plot::{HoverPosition, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, Points};
use rust_decimal::Decimal;

use super::chart_legend::{Entry, Mark, legend_ui};
use super::charts::{self, REPORTED_NAME, Series, billions, billions_axis, billions_text_dp, line};
use super::document::Document;
use super::format::month_at;
use super::theme;
use super::view::{View, ViewContext};
use crate::model::{Outcome, ReportedFigure, Scenario};

/// The income chart's title (kittests find the chart by it).
pub const INCOME_CHART_TITLE: &str = "Income statement ($B a quarter, at the quarter's last month)";

/// A collateral chart's title for the facility named `name`.
pub fn collateral_chart_title(name: &str) -> String {
    format!("{name}: collateral against balance ($B)")
}

/// One collateralised facility's lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CollateralChart {
    pub facility_name: String,
    pub value: Series,
    pub balance: Series,
    /// `advance_pct × value`, when the facility has a borrowing base.
    pub borrowing_base: Option<Series>,
}

/// Everything the tab draws, derived from one outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncomeData {
    /// Whether the scenario has an income statement at all.
    pub has_income: bool,
    pub revenue: Series,
    pub adjusted_operating_income: Series,
    pub net_income: Series,
    /// The reported net income and adjusted operating income, `(figure, point)`, $B at the
    /// quarter's last month (the chart has no interest-expense line to set that one beside).
    pub reported: Vec<(ReportedFigure, PlotPoint)>,
    pub collateral: Vec<CollateralChart>,
    pub last_t: f64,
}

impl IncomeData {
    pub fn new(outcome: &Outcome, scenario: &Scenario) -> Self {
        let mut data = Self {
            has_income: !outcome.pnl.is_empty(),
            revenue: Series::new("Revenue"),
            adjusted_operating_income: Series::new("Adjusted operating income"),
            net_income: Series::new("Net income"),
            last_t: outcome.months.len().saturating_sub(1) as f64,
            ..Self::default()
        };
        // Whole quarters only: each point sums the quarter ending at it.
        for end in (2..outcome.months.len()).step_by(3) {
            let quarter = end - 2..=end;
            let x = end as f64;
            let revenue: Decimal = outcome.months[quarter.clone()]
                .iter()
                .map(|row| row.revenue)
                .sum();
            data.revenue
                .points
                .push(PlotPoint::new(x, billions(revenue)));
            if let Some(pnl) = outcome.pnl.get(quarter) {
                let adjusted: Decimal = pnl.iter().map(|m| m.adjusted_operating_income).sum();
                let net: Decimal = pnl.iter().map(|m| m.net_income).sum();
                data.adjusted_operating_income
                    .points
                    .push(PlotPoint::new(x, billions(adjusted)));
                data.net_income
                    .points
                    .push(PlotPoint::new(x, billions(net)));
            }
        }
        data.reported = outcome
            .backtest
            .iter()
            .filter(|row| {
                matches!(
                    row.figure,
                    ReportedFigure::NetIncomeQuarter
                        | ReportedFigure::AdjustedOperatingIncomeQuarter
                )
            })
            .map(|row| {
                (
                    row.figure,
                    PlotPoint::new(f64::from(row.month.index()), billions(row.reported)),
                )
            })
            .collect();
        for (k, id) in outcome.collateral_ids.iter().enumerate() {
            let Some(f) = outcome.facility_ids.iter().position(|other| other == id) else {
                continue;
            };
            let facility = &scenario.facilities[f];
            let advance = facility
                .collateral
                .as_ref()
                .and_then(|collateral| collateral.advance_pct);
            let mut chart = CollateralChart {
                facility_name: facility.name.clone(),
                value: Series::new("Collateral value"),
                balance: Series::new("Balance"),
                borrowing_base: advance.map(|_| Series::new("Borrowing base")),
            };
            for t in 0..outcome.months.len() {
                let x = t as f64;
                let value = outcome.collateral_month(t, k).value;
                chart.value.points.push(PlotPoint::new(x, billions(value)));
                chart
                    .balance
                    .points
                    .push(PlotPoint::new(x, billions(outcome.facility(t, f).balance)));
                if let (Some(base), Some(advance)) = (chart.borrowing_base.as_mut(), advance) {
                    let line = value * advance / Decimal::ONE_HUNDRED;
                    base.points.push(PlotPoint::new(x, billions(line)));
                }
            }
            data.collateral.push(chart);
        }
        data
    }
}

/// The tab: its data rebuilt only when the document's generation moves.
#[derive(Default)]
pub struct IncomeTab {
    data: IncomeData,
    generation: Option<u64>,
}

impl IncomeTab {
    fn refresh(&mut self, document: &Document) -> &IncomeData {
        let generation = document.generation();
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.data = match document.outcome() {
                Ok(outcome) => IncomeData::new(outcome, document.scenario()),
                Err(_) => IncomeData::default(),
            };
        }
        &self.data
    }
}

impl View for IncomeTab {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        let data = self.refresh(ctx.document).clone();
        income_ui(ui, &data);
    }
}

/// The income chart above the collateral charts, or a note on what the scenario lacks.
pub fn income_ui(ui: &mut Ui, data: &IncomeData) {
    if !data.has_income && data.collateral.is_empty() {
        ui.label(
            "This scenario has no income statement and no collateralised facility. Add an \
             `accounting` section (depreciation, stock compensation, tax) or a facility's \
             `collateral` to the preset file: see docs/format.md.",
        );
        return;
    }
    let charts = usize::from(data.has_income) + data.collateral.len();
    let height =
        ((ui.available_height() - 30.0 * charts as f32) / charts as f32).clamp(140.0, 420.0);
    egui::ScrollArea::vertical()
        .id_salt("income tab")
        .show(ui, |ui| {
            if data.has_income {
                income_chart_ui(ui, data, height);
            }
            for (k, chart) in data.collateral.iter().enumerate() {
                collateral_chart_ui(ui, chart, k, data.last_t, height);
            }
        });
}

/// The app's month plot ([`charts::month_plot`]) in $B, hovering the series, month and value.
fn billions_plot(id: &str, height: f32) -> Plot<'_> {
    charts::month_plot(id, height)
        .y_axis_formatter(billions_axis)
        .label_formatter(|hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{}: {}",
                month_at(position.x),
                billions_text_dp(position.y, 2)
            )),
            HoverPosition::Elsewhere { position } => Some(month_at(position.x).to_string()),
        })
}

/// Quarterly revenue, adjusted operating income and net income, with the reported figures.
fn income_chart_ui(ui: &mut Ui, data: &IncomeData, height: f32) {
    ui.label(RichText::new(INCOME_CHART_TITLE).strong());
    let series = [
        (&data.revenue, theme::REVENUE),
        (&data.adjusted_operating_income, theme::series(1)),
        (&data.net_income, theme::CASH),
    ];
    let mut entries: Vec<Entry> = series
        .iter()
        .map(|(series, color)| Entry::new(&series.name, *color, Mark::Line { width: 2.0 }))
        .collect();
    if !data.reported.is_empty() {
        entries.push(Entry::new(
            REPORTED_NAME,
            theme::REPORTED,
            Mark::Diamond { filled: false },
        ));
    }
    let height = height - legend_ui(ui, &entries);
    billions_plot("income_chart", height)
        .include_y(0.0)
        .include_x(data.last_t)
        .show(ui, |plot_ui| {
            for (series, color) in series {
                plot_ui.line(line(series).color(color).width(2.0));
                plot_ui.points(
                    Points::new(
                        series.name.as_str(),
                        PlotPoints::from(series.points.as_slice()),
                    )
                    .radius(2.5)
                    .color(color),
                );
            }
            if !data.reported.is_empty() {
                let points: Vec<PlotPoint> =
                    data.reported.iter().map(|(_, point)| *point).collect();
                plot_ui.points(
                    Points::new(REPORTED_NAME, PlotPoints::Owned(points))
                        .shape(MarkerShape::Diamond)
                        .filled(false)
                        .radius(7.0)
                        .color(theme::REPORTED),
                );
            }
        });
}

/// A facility's collateral value, its balance and its borrowing base, month by month.
fn collateral_chart_ui(ui: &mut Ui, chart: &CollateralChart, k: usize, last_t: f64, height: f32) {
    ui.label(RichText::new(collateral_chart_title(&chart.facility_name)).strong());
    let mut entries = vec![
        Entry::new(
            &chart.value.name,
            theme::LIQUIDITY,
            Mark::Line { width: 2.0 },
        ),
        Entry::new(&chart.balance.name, theme::CASH, Mark::Line { width: 2.0 }),
    ];
    if let Some(base) = &chart.borrowing_base {
        entries.push(Entry::new(&base.name, theme::THRESHOLD, Mark::Dashed));
    }
    let height = height - legend_ui(ui, &entries);
    let id = format!("collateral_chart_{k}");
    billions_plot(&id, height)
        .include_y(0.0)
        .include_x(last_t)
        .show(ui, |plot_ui| {
            plot_ui.line(line(&chart.value).color(theme::LIQUIDITY).width(2.0));
            plot_ui.line(line(&chart.balance).color(theme::CASH).width(2.0));
            if let Some(base) = &chart.borrowing_base {
                plot_ui.line(
                    line(base)
                        .color(theme::THRESHOLD)
                        .style(LineStyle::dashed_dense())
                        .width(1.5),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{parse_preset, run};

    #[test]
    fn the_income_data_sums_each_quarter_and_follows_each_collateralised_facility() {
        let valid = parse_preset(crate::model::SHIPPED_PRESETS[4].1).expect("actual-2025");
        let outcome = run(&valid).expect("runs");
        let data = IncomeData::new(&outcome, valid.scenario());
        assert!(data.has_income);
        let quarters = outcome.months.len() / 3;
        assert_eq!(data.revenue.points.len(), quarters);
        assert_eq!(data.net_income.points.len(), quarters);
        let first: Decimal = outcome.pnl[..3].iter().map(|m| m.net_income).sum();
        assert!((data.net_income.points[0].y - billions(first)).abs() < 1e-12);
        assert_eq!(
            data.net_income.points[0].x, 2.0,
            "at the quarter's last month"
        );
        assert_eq!(
            data.reported.len(),
            4,
            "net income and adjusted operating income in Q1 and Q2"
        );
        assert_eq!(data.collateral.len(), outcome.collateral_ids.len());
        let ddtl1 = &data.collateral[0];
        assert!(ddtl1.borrowing_base.is_some());
        assert_eq!(ddtl1.value.points.len(), outcome.months.len());
    }
}
