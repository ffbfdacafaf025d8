//! The breach map tab: a KPI over two chosen levers as a heatmap, the boundary where a covenant
//! starts to breach drawn between cells, and the current point marked. Clicking a cell sets both
//! levers in one undo step. Computed in the background.

use eframe::egui;
use eframe::egui::{ComboBox, Pos2, Rect, RichText, Sense, Stroke, Ui};

use super::background::{JobKey, POLL_INTERVAL, Task};
use super::command::Command;
use super::document::Document;
use super::format::plot_f64;
use super::kpi_text::kpi_combo_ui;
use super::theme;
use super::view::{View, ViewContext};
use crate::model::analysis::{BreachMap, DEFAULT_STEPS, Kpi, breach_map};
use crate::model::{Lever, LeverKind, LeverValue};
use crate::report::{kpi_choices, kpi_label, kpi_value_text};

/// What a map was computed for: generation, x path, y path, KPI, steps.
/// What a breach map is computed for, besides the scenario: its two levers, KPI and size.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MapSettings {
    pub x_path: String,
    pub y_path: String,
    pub kpi: Kpi,
    pub steps: usize,
}

/// A breach-map job: the scenario generation and the settings.
pub type MapKey = JobKey<MapSettings>;

pub const DEFAULT_X: &str = "rates.sofr_pct";
pub const DEFAULT_Y: &str = "core_scientific.delay_months";
/// Room left of and below the map for the axis labels, in points.
const AXIS_MARGIN: f32 = 64.0;
/// Room right of the map for its colour scale and the scale's labels, in points.
const SCALE_MARGIN: f32 = 110.0;

pub struct BreachMapTab {
    x_path: String,
    y_path: String,
    kpi: Kpi,
    steps: usize,
    task: Task<MapKey, Result<BreachMap, String>>,
}

impl Default for BreachMapTab {
    fn default() -> Self {
        Self {
            x_path: DEFAULT_X.to_owned(),
            y_path: DEFAULT_Y.to_owned(),
            kpi: Kpi::FundingNeed,
            steps: DEFAULT_STEPS,
            task: Task::default(),
        }
    }
}

/// The cell under `pos` in a map drawn in `rect` with `nx × ny` cells (`j = 0` at the bottom).
pub fn cell_at(rect: Rect, nx: usize, ny: usize, pos: Pos2) -> Option<(usize, usize)> {
    if nx == 0 || ny == 0 || !rect.contains(pos) {
        return None;
    }
    let fx = (pos.x - rect.left()) / rect.width();
    let fy = (rect.bottom() - pos.y) / rect.height();
    let i = ((fx * nx as f32) as usize).min(nx - 1);
    let j = ((fy * ny as f32) as usize).min(ny - 1);
    Some((i, j))
}

/// The rectangle of cell `(i, j)`.
pub fn cell_rect(rect: Rect, nx: usize, ny: usize, i: usize, j: usize) -> Rect {
    let w = rect.width() / nx.max(1) as f32;
    let h = rect.height() / ny.max(1) as f32;
    Rect::from_min_size(
        egui::pos2(
            rect.left() + i as f32 * w,
            rect.bottom() - (j + 1) as f32 * h,
        ),
        egui::vec2(w, h),
    )
}

/// A lever value as a position on its axis (months by index).
fn numeric(value: &LeverValue) -> Option<f64> {
    match value {
        LeverValue::Number(number) => Some(plot_f64(*number)),
        LeverValue::Month(month) => Some(f64::from(month.index())),
        LeverValue::Choice(_) => None,
    }
}

/// Where `value` falls among `values` (sorted), as a fraction of the cell centres' span mapped
/// onto `0..=1` of the map: cell centres sit at `(k + 0.5) / n`.
fn fraction_of(values: &[LeverValue], value: &LeverValue) -> Option<f32> {
    let value = numeric(value)?;
    let n = values.len();
    let first = numeric(values.first()?)?;
    let last = numeric(values.last()?)?;
    if n < 2 || (last - first).abs() < f64::EPSILON {
        return Some(0.5);
    }
    let k = ((value - first) / (last - first)).clamp(0.0, 1.0) * (n - 1) as f64;
    Some(((k + 0.5) / n as f64) as f32)
}

impl BreachMapTab {
    /// Cells per side (tests use small maps).
    pub fn set_steps(&mut self, steps: usize) {
        self.steps = steps.clamp(2, crate::model::analysis::MAX_STEPS);
    }

    fn key(&self, document: &Document) -> MapKey {
        JobKey::new(
            document.generation(),
            MapSettings {
                x_path: self.x_path.clone(),
                y_path: self.y_path.clone(),
                kpi: self.kpi.clone(),
                steps: self.steps,
            },
        )
    }

    /// The last map computed, whichever scenario it was for.
    pub fn result(&self) -> Option<&BreachMap> {
        self.task
            .result()
            .and_then(|(_, result)| result.as_ref().ok())
    }

    /// Whether the held map is for the scenario as it is now.
    pub fn is_current(&self, document: &Document) -> bool {
        self.task.result_for(&self.key(document)).is_some()
    }

    fn request(&mut self, ctx: &egui::Context, document: &Document) {
        self.task.poll();
        let key = self.key(document);
        if self.task.result_for(&key).is_some() || self.task.running_key() == Some(&key) {
            return;
        }
        let scenario = document.scenario().clone();
        let (x, y, kpi, steps) = (
            self.x_path.clone(),
            self.y_path.clone(),
            self.kpi.clone(),
            self.steps,
        );
        self.task.request(ctx, key, 0, move |_| {
            breach_map(&scenario, &x, &y, &kpi, steps).map_err(|err| err.to_string())
        });
    }
}

impl View for BreachMapTab {
    fn ui(&mut self, ui: &mut Ui, view: &mut ViewContext<'_>) {
        let (document, commands) = (view.document, &mut *view.commands);
        let ctx = ui.ctx().clone();
        let choices = kpi_choices(document.scenario());
        if !choices.contains(&self.kpi) {
            self.kpi = Kpi::FundingNeed;
        }
        let axes: Vec<&Lever> = document
            .levers()
            .iter()
            .filter(|lever| !matches!(lever.kind, LeverKind::Choice { .. }))
            .collect();
        // Wraps in a narrow window, so "Cells per side" is never cut off.
        ui.horizontal_wrapped(|ui| {
            lever_combo_ui(ui, "map_x", "X", &mut self.x_path, &axes);
            lever_combo_ui(ui, "map_y", "Y", &mut self.y_path, &axes);
            kpi_combo_ui(ui, "map_kpi", &mut self.kpi, choices);
            // Kept whole: a label that does not fit moves to the next row.
            let steps_label = ui.add(egui::Label::new("Cells per side").extend());
            ui.add(egui::DragValue::new(&mut self.steps).range(2..=200))
                .labelled_by(steps_label.id);
        });
        if self.x_path == self.y_path {
            ui.label(RichText::new("Pick two different levers.").color(theme::ERROR_TEXT));
            return;
        }
        self.request(&ctx, document);
        let key = self.key(document);
        let running = self.task.is_running();
        ui.horizontal_wrapped(|ui| {
            if running {
                ctx.request_repaint_after(POLL_INTERVAL);
                super::background::busy_ui(ui);
                ui.label(format!("Computing {} × {} cells…", self.steps, self.steps));
            } else {
                ui.label(
                    RichText::new(
                        "Colour: the KPI (green is better). White line: where a covenant starts \
                         to breach (darker cells breach). Yellow: the scenario now. Click a cell \
                         to set both levers.",
                    )
                    .weak(),
                );
            }
        });
        let Some((result_key, result)) = self.task.result() else {
            return;
        };
        let map = match result {
            Ok(map) => map,
            Err(err) => {
                ui.label(RichText::new(err).color(theme::ERROR_TEXT));
                return;
            }
        };
        let stale = *result_key != key;
        map_ui(ui, document, map, stale, commands);
    }
}

fn lever_combo_ui(ui: &mut Ui, id: &str, title: &str, path: &mut String, axes: &[&Lever]) {
    let title = ui.label(title);
    let selected = axes
        .iter()
        .find(|lever| lever.path == *path)
        .map_or_else(|| path.clone(), |lever| lever.label.clone());
    ComboBox::from_id_salt(id)
        .selected_text(selected)
        .width(190.0)
        .show_ui(ui, |ui| {
            for lever in axes {
                ui.selectable_value(path, lever.path.clone(), &lever.label)
                    .on_hover_text(&lever.path);
            }
        })
        .response
        .labelled_by(title.id);
}

fn label_of(document: &Document, path: &str) -> String {
    document
        .levers()
        .iter()
        .find(|lever| lever.path == path)
        .map_or_else(
            || path.to_owned(),
            |lever| format!("{} ({})", lever.label, lever.unit),
        )
}

fn map_ui(
    ui: &mut Ui,
    document: &Document,
    map: &BreachMap,
    stale: bool,
    commands: &mut Vec<Command>,
) {
    let (nx, ny) = (map.x_values.len(), map.y_values.len());
    if nx == 0 || ny == 0 {
        return;
    }
    let horizon = document.scenario().horizon_months;
    let available = ui.available_size();
    let side = (available.x - AXIS_MARGIN - SCALE_MARGIN - 16.0)
        .min(available.y - AXIS_MARGIN - 8.0)
        .max(120.0);
    let (outer, _) = ui.allocate_exact_size(
        egui::vec2(side + AXIS_MARGIN + SCALE_MARGIN, side + AXIS_MARGIN),
        Sense::hover(),
    );
    let rect = Rect::from_min_size(
        egui::pos2(outer.left() + AXIS_MARGIN, outer.top()),
        egui::vec2(side, side),
    );
    let response = ui.interact(
        rect,
        ui.make_persistent_id("breach_map_cells"),
        Sense::click(),
    );
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Breach map cells"));
    let painter = ui.painter_at(outer);
    let numbers: Vec<f64> = map.values.iter().flatten().map(|v| plot_f64(*v)).collect();
    let low = numbers.iter().copied().fold(f64::INFINITY, f64::min);
    let high = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Larger is better for every KPI but funding need, peak debt and interest.
    let higher_is_better = !matches!(
        map.kpi,
        Kpi::FundingNeed | Kpi::PeakDebt | Kpi::TotalInterest
    );
    for j in 0..ny {
        for i in 0..nx {
            let Some((value, breached)) = map.cell(i, j) else {
                continue;
            };
            let fraction = match value.map(plot_f64) {
                Some(v) if high > low => {
                    let f = ((v - low) / (high - low)) as f32;
                    if higher_is_better { f } else { 1.0 - f }
                }
                Some(_) => 1.0,
                None => 0.5,
            };
            let mut color = theme::heat(fraction, breached);
            if stale {
                color = color.gamma_multiply(0.5);
            }
            painter.rect_filled(cell_rect(rect, nx, ny, i, j).expand(0.5), 0.0, color);
        }
    }
    // The scale's ends are the map's exact values, not the plotted `f64`s.
    let exact = map.values.iter().flatten();
    let (best, worst) = if higher_is_better {
        (exact.clone().max(), exact.min())
    } else {
        (exact.clone().min(), exact.max())
    };
    scale_ui(
        &painter,
        rect,
        ScaleEnds {
            best: kpi_value_text(&map.kpi, best.copied(), horizon),
            worst: kpi_value_text(&map.kpi, worst.copied(), horizon),
        },
        ui.visuals().text_color(),
    );
    let boundary = Stroke::new(2.5, theme::MAP_BOUNDARY);
    for j in 0..ny {
        for i in 0..nx {
            let here = map.cell(i, j).map(|(_, b)| b);
            let cell = cell_rect(rect, nx, ny, i, j);
            if i + 1 < nx && here != map.cell(i + 1, j).map(|(_, b)| b) {
                painter.line_segment([cell.right_top(), cell.right_bottom()], boundary);
            }
            if j + 1 < ny && here != map.cell(i, j + 1).map(|(_, b)| b) {
                painter.line_segment([cell.left_top(), cell.right_top()], boundary);
            }
        }
    }
    // The scenario now.
    let current = |path: &str| {
        document
            .levers()
            .iter()
            .find(|lever| lever.path == path)
            .map(|lever| lever.value.clone())
    };
    if let (Some(x), Some(y)) = (current(&map.x_path), current(&map.y_path))
        && let (Some(fx), Some(fy)) = (
            fraction_of(&map.x_values, &x),
            fraction_of(&map.y_values, &y),
        )
    {
        let point = egui::pos2(
            rect.left() + fx * rect.width(),
            rect.bottom() - fy * rect.height(),
        );
        painter.circle(
            point,
            6.0,
            theme::MAP_CURRENT,
            Stroke::new(2.0, egui::Color32::BLACK),
        );
    }
    // Axes: the first, middle and last values of each lever.
    let text_color = ui.visuals().text_color();
    let font = egui::FontId::proportional(12.0);
    for k in [0, nx / 2, nx - 1] {
        if let Some(value) = map.x_values.get(k) {
            let x = cell_rect(rect, nx, ny, k, 0).center().x;
            painter.text(
                egui::pos2(x, rect.bottom() + 4.0),
                egui::Align2::CENTER_TOP,
                value.to_string(),
                font.clone(),
                text_color,
            );
        }
    }
    for k in [0, ny / 2, ny - 1] {
        if let Some(value) = map.y_values.get(k) {
            let y = cell_rect(rect, nx, ny, 0, k).center().y;
            painter.text(
                egui::pos2(rect.left() - 6.0, y),
                egui::Align2::RIGHT_CENTER,
                value.to_string(),
                font.clone(),
                text_color,
            );
        }
    }
    painter.text(
        egui::pos2(rect.center().x, rect.bottom() + 24.0),
        egui::Align2::CENTER_TOP,
        format!("X: {}", label_of(document, &map.x_path)),
        font,
        text_color,
    );
    let y_title = painter.layout_no_wrap(
        format!("Y: {}", label_of(document, &map.y_path)),
        egui::FontId::proportional(12.0),
        text_color,
    );
    // Rotated a quarter turn, reading upwards, centred on the map's left edge.
    let y_title_pos = egui::pos2(outer.left() + 4.0, rect.center().y + y_title.size().x / 2.0);
    painter.add(
        egui::epaint::TextShape::new(y_title_pos, y_title, text_color)
            .with_angle(-std::f32::consts::FRAC_PI_2),
    );

    if let Some(pos) = response.hover_pos()
        && let Some((i, j)) = cell_at(rect, nx, ny, pos)
        && let (Some(x), Some(y), Some((value, breached))) =
            (map.x_values.get(i), map.y_values.get(j), map.cell(i, j))
    {
        painter.rect_stroke(
            cell_rect(rect, nx, ny, i, j),
            0.0,
            Stroke::new(1.5, egui::Color32::BLACK),
            egui::StrokeKind::Inside,
        );
        let text = format!(
            "{}: {x}\n{}: {y}\n{}: {}{}\nClick to set both levers",
            label_of(document, &map.x_path),
            label_of(document, &map.y_path),
            kpi_label(&map.kpi),
            kpi_value_text(&map.kpi, value, horizon),
            if breached {
                "\nA covenant is breached"
            } else {
                ""
            }
        );
        response.clone().on_hover_text_at_pointer(text);
    }
    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
        && let Some((i, j)) = cell_at(rect, nx, ny, pos)
        && let (Some(x), Some(y)) = (map.x_values.get(i), map.y_values.get(j))
    {
        commands.push(Command::SetLevers {
            values: vec![
                (map.x_path.clone(), x.clone()),
                (map.y_path.clone(), y.clone()),
            ],
        });
    }
}

/// The texts at the two ends of the colour scale.
struct ScaleEnds {
    best: String,
    worst: String,
}

/// The colour scale right of the map: best at the top, worst at the bottom, and a swatch for
/// the darker shade of a breaching cell.
fn scale_ui(painter: &egui::Painter, map_rect: Rect, ends: ScaleEnds, text_color: egui::Color32) {
    const SLICES: usize = 32;
    let font = egui::FontId::proportional(11.0);
    let bar = Rect::from_min_size(
        egui::pos2(map_rect.right() + 14.0, map_rect.top() + 16.0),
        egui::vec2(14.0, (map_rect.height() - 64.0).max(40.0)),
    );
    let slice = bar.height() / SLICES as f32;
    for k in 0..SLICES {
        let fraction = 1.0 - (k as f32 + 0.5) / SLICES as f32;
        painter.rect_filled(
            Rect::from_min_size(
                egui::pos2(bar.left(), bar.top() + k as f32 * slice),
                egui::vec2(bar.width(), slice + 0.5),
            ),
            0.0,
            theme::heat(fraction, false),
        );
    }
    painter.text(
        egui::pos2(bar.left(), bar.top() - 2.0),
        egui::Align2::LEFT_BOTTOM,
        format!("{} (best)", ends.best),
        font.clone(),
        text_color,
    );
    painter.text(
        egui::pos2(bar.left(), bar.bottom() + 2.0),
        egui::Align2::LEFT_TOP,
        format!("{} (worst)", ends.worst),
        font.clone(),
        text_color,
    );
    let swatch = Rect::from_min_size(
        egui::pos2(bar.left(), map_rect.bottom() - 14.0),
        egui::vec2(14.0, 14.0),
    );
    painter.rect_filled(swatch, 0.0, theme::heat(0.5, true));
    painter.text(
        egui::pos2(swatch.right() + 4.0, swatch.center().y),
        egui::Align2::LEFT_CENTER,
        "breached",
        font,
        text_color,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn a_cell_is_found_at_its_own_centre() {
        let rect = Rect::from_min_size(egui::pos2(10.0, 20.0), egui::vec2(400.0, 400.0));
        for (i, j) in [(0, 0), (39, 39), (5, 30), (39, 0)] {
            let centre = cell_rect(rect, 40, 40, i, j).center();
            assert_eq!(cell_at(rect, 40, 40, centre), Some((i, j)), "cell {i},{j}");
        }
        assert_eq!(cell_at(rect, 40, 40, egui::pos2(0.0, 0.0)), None);
        assert_eq!(
            cell_at(rect, 4, 4, egui::pos2(11.0, 419.0)),
            Some((0, 0)),
            "j = 0 is the bottom row"
        );
    }

    #[test]
    fn the_current_point_falls_on_its_cell_centre() {
        let values: Vec<LeverValue> = (0..5)
            .map(|k| LeverValue::Number(Decimal::from(k * 2)))
            .collect();
        assert_eq!(fraction_of(&values, &values[0]), Some(0.1));
        assert_eq!(fraction_of(&values, &values[4]), Some(0.9));
        assert_eq!(
            fraction_of(&values, &LeverValue::Number(Decimal::from(99))),
            Some(0.9),
            "clamped"
        );
    }
}
