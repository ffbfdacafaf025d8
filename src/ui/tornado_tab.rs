//! The tornado tab: for a chosen KPI and span, one horizontal bar per lever from the KPI at its
//! low value to the KPI at its high value, sorted by swing. Clicking a side of a bar sets the
//! lever to that side's value (an undoable [`Command`]). Computed in the background.

use eframe::egui;
use eframe::egui::{Color32, RichText, Sense, Stroke, Ui};
use rust_decimal::Decimal;

use super::background::{JobKey, POLL_INTERVAL, Task};
use super::command::Command;
use super::document::Document;
use super::format::plot_f64;
use super::kpi_text::kpi_combo_ui;
use super::theme;
use super::view::{View, ViewContext};
use crate::model::analysis::{Kpi, SpanRule, Tornado, TornadoBar, tornado_of};
use crate::report::{kpi_choices, kpi_label, kpi_value_text};

/// What a tornado is computed for, besides the scenario: the KPI and how far levers move.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TornadoSettings {
    pub kpi: Kpi,
    pub span: SpanRule,
}

/// A tornado job: the scenario generation and the settings.
pub type TornadoKey = JobKey<TornadoSettings>;

/// Computes a tornado now (the memo uses this when the tab has none for the scenario).
pub fn compute(
    scenario: &crate::model::Scenario,
    kpi: &Kpi,
    span: SpanRule,
) -> Result<Tornado, String> {
    tornado_of(scenario, kpi, &span.into()).map_err(|err| err.to_string())
}

/// How the tab's span control chooses the levers' low and high values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum SpanChoice {
    /// The registry's plausible range per lever (SOFR 3–6 %, a delay 0–12 months, …).
    #[default]
    Plausible,
    RangeEnds,
    Percent,
}

/// Width of the lever-name column as a share of the tab's width, and its bounds in points: the
/// names keep a third of a narrow window and at most 300 points of a wide one.
const NAME_SHARE: f32 = 0.32;
const NAME_WIDTH: std::ops::RangeInclusive<f32> = 150.0..=300.0;
/// Width of each value column beside the bars, in points.
const VALUE_WIDTH: f32 = 90.0;
const BAR_HEIGHT: f32 = 20.0;

pub struct TornadoTab {
    kpi: Kpi,
    span_choice: SpanChoice,
    percent: u32,
    task: Task<TornadoKey, Result<Tornado, String>>,
}

impl Default for TornadoTab {
    fn default() -> Self {
        Self {
            kpi: Kpi::FundingNeed,
            span_choice: SpanChoice::default(),
            percent: 20,
            task: Task::default(),
        }
    }
}

impl TornadoTab {
    pub fn kpi(&self) -> &Kpi {
        &self.kpi
    }

    pub fn span(&self) -> SpanRule {
        match self.span_choice {
            SpanChoice::Plausible => SpanRule::Plausible,
            SpanChoice::RangeEnds => SpanRule::RangeEnds,
            SpanChoice::Percent => SpanRule::Percent(Decimal::from(self.percent)),
        }
    }

    fn key(&self, document: &Document) -> TornadoKey {
        JobKey::new(
            document.generation(),
            TornadoSettings {
                kpi: self.kpi.clone(),
                span: self.span(),
            },
        )
    }

    /// The result for the document as it is now, if computed.
    pub fn current_result(&self, document: &Document) -> Option<&Tornado> {
        self.task
            .result_for(&self.key(document))
            .and_then(|result| result.as_ref().ok())
    }

    /// Any result held, with the key it was computed for.
    pub fn last_result(&self) -> Option<(&TornadoKey, &Result<Tornado, String>)> {
        self.task.result()
    }

    pub fn is_running(&self) -> bool {
        self.task.is_running()
    }

    /// Starts the computation for the document as it is now, if needed.
    pub fn request(&mut self, ctx: &egui::Context, document: &Document) {
        self.task.poll();
        let key = self.key(document);
        if self.task.result_for(&key).is_some() || self.task.running_key() == Some(&key) {
            return;
        }
        let scenario = document.scenario().clone();
        let (kpi, span) = (self.kpi.clone(), self.span());
        self.task
            .request(ctx, key, 0, move |_| compute(&scenario, &kpi, span));
    }
}

impl View for TornadoTab {
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let (document, commands) = (view.document, &mut *view.commands);
        let ctx = ui.ctx().clone();
        // Fall back to funding need when the KPI names a covenant the scenario no longer has.
        let choices = kpi_choices(document.scenario());
        if !choices.contains(&self.kpi) {
            self.kpi = Kpi::FundingNeed;
        }
        ui.horizontal_wrapped(|ui| {
            kpi_combo_ui(ui, "tornado_kpi", &mut self.kpi, choices);
            ui.separator();
            ui.label("Span");
            ui.radio_value(&mut self.span_choice, SpanChoice::Plausible, "Plausible")
                .on_hover_text(
                    "Each lever over its plausible range: SOFR 3–6 %, a delay 0–12 months, \
                     a date ±3 months, a spread ±100 bp, other figures ±25 % (docs/analysis.md)",
                );
            ui.radio_value(&mut self.span_choice, SpanChoice::RangeEnds, "Range ends")
                .on_hover_text("Each lever from the lowest to the highest value the model accepts");
            ui.radio_value(&mut self.span_choice, SpanChoice::Percent, "± %");
            let pct_label = ui.label("of each lever");
            ui.add_enabled(
                self.span_choice == SpanChoice::Percent,
                egui::DragValue::new(&mut self.percent)
                    .range(1..=100)
                    .suffix(" %"),
            )
            .labelled_by(pct_label.id);
            ui.separator();
            if ui
                .add_enabled(document.is_dirty(), egui::Button::new("Reset levers"))
                .on_hover_text("Set every lever back to the loaded preset (undoable)")
                .clicked()
            {
                commands.push(Command::ResetAll);
            }
        });
        self.request(&ctx, document);
        let horizon = document.scenario().horizon_months;
        let key = self.key(document);
        let running = self.task.is_running();
        if running {
            ctx.request_repaint_after(POLL_INTERVAL);
        }
        ui.horizontal_wrapped(|ui| {
            if running {
                super::background::busy_ui(ui);
                ui.label("Computing the tornado…");
            } else {
                ui.add(
                    egui::Label::new(
                        RichText::new(
                            "Each bar: the KPI with the lever at its low (blue) and high \
                             (orange) value, the others held. Click a side to set the lever \
                             there.",
                        )
                        .weak(),
                    )
                    .wrap(),
                );
            }
        });
        ui.separator();
        let Some((result_key, result)) = self.task.result() else {
            return;
        };
        let result = match result {
            Ok(result) => result,
            Err(err) => {
                ui.label(RichText::new(err).color(theme::ERROR_TEXT));
                return;
            }
        };
        let stale = *result_key != key;
        let kpi = &result_key.settings.kpi;
        ui.label(
            RichText::new(format!(
                "{} now: {}{}",
                kpi_label(kpi),
                kpi_value_text(kpi, result.base, horizon),
                if stale { "  (updating…)" } else { "" }
            ))
            .strong(),
        );
        bars_ui(ui, result, kpi, horizon, stale, commands);
    }
}

/// `(low, high)` of every bar end and the base value, for the shared scale.
fn value_span(result: &Tornado) -> Option<(f64, f64)> {
    let values = result
        .bars
        .iter()
        .flat_map(|bar| [bar.kpi_low, bar.kpi_high])
        .chain([result.base])
        .flatten()
        .map(plot_f64);
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() || !high.is_finite() {
        return None;
    }
    if (high - low).abs() < 1e-9 {
        return Some((low - 1.0, high + 1.0));
    }
    Some((low, high))
}

/// One end of a tornado bar: the KPI there and which end of the lever's span gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BarEnd {
    kpi: Option<Decimal>,
    lever_end: LeverEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LeverEnd {
    Low,
    High,
}

impl LeverEnd {
    fn color(self) -> Color32 {
        match self {
            Self::Low => theme::TORNADO_LOW,
            Self::High => theme::TORNADO_HIGH,
        }
    }
}

/// A bar's two ends as drawn, left then right: the lever end giving the lower KPI sits on the
/// left, whichever it is (a lower lever value can raise the KPI). A side that did not run goes
/// where its lever end would.
fn ends_left_to_right(bar: &TornadoBar) -> [BarEnd; 2] {
    let low = BarEnd {
        kpi: bar.kpi_low,
        lever_end: LeverEnd::Low,
    };
    let high = BarEnd {
        kpi: bar.kpi_high,
        lever_end: LeverEnd::High,
    };
    match (bar.kpi_low, bar.kpi_high) {
        (Some(at_low), Some(at_high)) if at_high < at_low => [high, low],
        _ => [low, high],
    }
}

/// The KPI at one end of a bar, in that end's colour, against the bar (`toward` it).
fn end_label_ui(ui: &mut Ui, kpi: &Kpi, horizon: u32, end: BarEnd, toward: egui::Align) {
    let text = RichText::new(kpi_value_text(kpi, end.kpi, horizon))
        .color(end.lever_end.color())
        .small();
    let layout = if toward == egui::Align::RIGHT {
        egui::Layout::right_to_left(egui::Align::Center)
    } else {
        egui::Layout::left_to_right(egui::Align::Center)
    };
    ui.allocate_ui_with_layout(egui::vec2(VALUE_WIDTH, BAR_HEIGHT), layout, |ui| {
        ui.set_min_size(egui::vec2(VALUE_WIDTH, BAR_HEIGHT));
        ui.add(egui::Label::new(text).truncate());
    });
}

fn bars_ui(
    ui: &mut Ui,
    result: &Tornado,
    kpi: &Kpi,
    horizon: u32,
    stale: bool,
    commands: &mut Vec<Command>,
) {
    let Some((low, high)) = value_span(result) else {
        ui.label("No lever moves this KPI.");
        return;
    };
    let (moving, flat): (Vec<&TornadoBar>, Vec<&TornadoBar>) =
        result.bars.iter().partition(|bar| !bar.swing.is_zero());
    let text_color = ui.visuals().text_color();
    let name_width =
        (ui.available_width() * NAME_SHARE).clamp(*NAME_WIDTH.start(), *NAME_WIDTH.end());
    egui::ScrollArea::vertical()
        .id_salt("tornado bars")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for bar in moving {
                ui.horizontal(|ui| {
                    ui.add_sized(
                        [name_width, BAR_HEIGHT],
                        egui::Label::new(RichText::new(&bar.label)).truncate(),
                    )
                    .on_hover_text(format!(
                        "{} ({})\nfrom {} to {}: {} moves from {} to {}",
                        bar.label,
                        bar.span,
                        bar.low,
                        bar.high,
                        kpi_label(kpi),
                        kpi_value_text(kpi, bar.kpi_low, horizon),
                        kpi_value_text(kpi, bar.kpi_high, horizon)
                    ));
                    let [left_end, right_end] = ends_left_to_right(bar);
                    end_label_ui(ui, kpi, horizon, left_end, egui::Align::RIGHT);
                    let width = (ui.available_width() - VALUE_WIDTH - 8.0).max(40.0);
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(width, BAR_HEIGHT), Sense::hover());
                    let x_of = |value: f64| {
                        rect.left() + ((value - low) / (high - low)) as f32 * rect.width()
                    };
                    let base_x = result.base.map_or(rect.center().x, |b| x_of(plot_f64(b)));
                    let sides = [
                        (bar.kpi_low, &bar.low, theme::TORNADO_LOW, "low"),
                        (bar.kpi_high, &bar.high, theme::TORNADO_HIGH, "high"),
                    ];
                    for (value, lever_value, color, side) in sides {
                        let Some(value) = value else {
                            continue;
                        };
                        let x = x_of(plot_f64(value));
                        let (mut left, mut right) = (base_x.min(x), base_x.max(x));
                        if right - left < 4.0 {
                            // A side with no effect still gets a sliver to click.
                            left -= 2.0;
                            right += 2.0;
                        }
                        let side_rect = egui::Rect::from_x_y_ranges(
                            left..=right,
                            rect.top() + 2.0..=rect.bottom() - 2.0,
                        );
                        let id = ui.make_persistent_id((&bar.path, side));
                        let response = ui.interact(side_rect, id, Sense::click());
                        let shown = format!("{} {side}: {lever_value}", bar.label);
                        response.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &shown)
                        });
                        let fill = if stale {
                            color.gamma_multiply(0.45)
                        } else if response.hovered() {
                            color.gamma_multiply(1.2)
                        } else {
                            color
                        };
                        ui.painter().rect_filled(side_rect, 2.0, fill);
                        let response = response.on_hover_text(format!(
                            "Set {} to {lever_value} ({} {}: {})",
                            bar.label,
                            kpi_label(kpi),
                            side,
                            kpi_value_text(kpi, Some(value), horizon)
                        ));
                        if response.clicked() {
                            commands.push(Command::SetLever {
                                path: bar.path.clone(),
                                value: lever_value.clone(),
                                dragging: false,
                            });
                        }
                    }
                    ui.painter().line_segment(
                        [
                            egui::pos2(base_x, rect.top()),
                            egui::pos2(base_x, rect.bottom()),
                        ],
                        Stroke::new(1.0, text_color),
                    );
                    end_label_ui(ui, kpi, horizon, right_end, egui::Align::LEFT);
                });
            }
            if !flat.is_empty() {
                ui.add_space(6.0);
                let names: Vec<&str> = flat.iter().map(|bar| bar.label.as_str()).collect();
                ui.label(
                    RichText::new(format!(
                        "{} levers do not move this KPI: {}",
                        flat.len(),
                        names.join(", ")
                    ))
                    .weak()
                    .color(Color32::GRAY),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_scale_covers_every_bar_end_and_the_base() {
        let result = compute(
            crate::model::default_scenario().scenario(),
            &Kpi::MinCash,
            SpanRule::RangeEnds,
        )
        .expect("a tornado");
        let (low, high) = value_span(&result).expect("values");
        for bar in &result.bars {
            for value in [bar.kpi_low, bar.kpi_high].into_iter().flatten() {
                let value = plot_f64(value);
                assert!(low <= value && value <= high, "{}: {value}", bar.path);
            }
        }
        let flat = Tornado {
            base: Some(dec!(5)),
            bars: Vec::new(),
        };
        assert_eq!(
            value_span(&flat),
            Some((4.0, 6.0)),
            "a flat tornado still has a scale"
        );
    }

    #[test]
    fn each_end_label_sits_at_the_end_it_describes() {
        let bar = |at_low: Option<Decimal>, at_high: Option<Decimal>| TornadoBar {
            path: "p".to_owned(),
            label: "P".to_owned(),
            unit: "",
            current: crate::model::LeverValue::Number(dec!(1)),
            low: crate::model::LeverValue::Number(dec!(0)),
            high: crate::model::LeverValue::Number(dec!(2)),
            span: String::new(),
            kpi_low: at_low,
            kpi_high: at_high,
            swing: Decimal::ZERO,
        };
        let sides = |bar: &TornadoBar| ends_left_to_right(bar).map(|end| (end.kpi, end.lever_end));
        // A higher lever value lowers the KPI: its end goes left, in the high end's colour.
        assert_eq!(
            sides(&bar(Some(dec!(16770)), Some(dec!(12510)))),
            [
                (Some(dec!(12510)), LeverEnd::High),
                (Some(dec!(16770)), LeverEnd::Low)
            ]
        );
        assert_eq!(
            sides(&bar(Some(dec!(5)), Some(dec!(9)))),
            [
                (Some(dec!(5)), LeverEnd::Low),
                (Some(dec!(9)), LeverEnd::High)
            ]
        );
        assert_eq!(
            sides(&bar(None, Some(dec!(9)))),
            [(None, LeverEnd::Low), (Some(dec!(9)), LeverEnd::High)]
        );
    }
}
