//! The levers panel: every input of the registry, grouped, each with a slider, a typed entry,
//! a changed-from-preset mark, a reset button and its source note on hover.
//!
//! This panel only reads the document and emits [`Command`]s; `App::apply` changes the scenario.
//! It owns the breach shading of its sliders, computed in the background for the levers it
//! shows ([`LeversPanel::update_shading`]).

use eframe::egui;
use eframe::egui::{CollapsingHeader, RichText, Slider, SliderClamping, TextEdit, Ui};
use rust_decimal::Decimal;

use super::breach_shading::{BreachShading, LeverShading, Shown, track_fractions};
use super::command::Command;
use super::document::Document;
use super::theme;
use super::view::{View, ViewContext};
use crate::model::analysis::LeverRange;
use crate::model::{Group, Lever, LeverKind, LeverValue, Month, check_value, read_value};
use crate::report::format::lever_value_text;

/// Width of a lever's typed entry, in points.
const ENTRY_WIDTH: f32 = 84.0;

#[derive(Default)]
pub struct LeversPanel {
    rows: LeverRows,
    /// Shows only levers whose label or path contains this text.
    filter: String,
    /// The number and month levers drawn last frame (open groups), for the breach shading.
    visible: Vec<String>,
    /// Where each visible slider breaches, for the scenario as it is now.
    shading: BreachShading,
}

/// The state of the levers' rows: their typed entries.
#[derive(Default)]
struct LeverRows {
    /// The typed entry being edited, as `(lever path, text so far)`.
    editing: Option<(String, String)>,
    /// The last refused entry, as `(lever path, why)`; cleared by the next accepted edit.
    entry_error: Option<(String, String)>,
}

impl View for LeversPanel {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        let document = ctx.document;
        let commands = &mut *ctx.commands;
        let shading = &self.shading;
        ui.horizontal(|ui| {
            let label = ui.label("Filter");
            ui.add(
                TextEdit::singleline(&mut self.filter)
                    .hint_text("label or path")
                    .desired_width((ui.available_width() - 110.0).max(60.0)),
            )
            .labelled_by(label.id);
            if ui
                .add_enabled(document.is_dirty(), egui::Button::new("Reset all"))
                .on_hover_text("Set every lever back to the loaded preset's value")
                .clicked()
            {
                commands.push(Command::ResetAll);
            }
        });
        ui.separator();
        // Whether no lever alone avoids a breach is said once here rather than under every
        // slider; under a slider goes only how far its first breach month moves.
        let generation = document.generation();
        // From the shading held, fresh or not, so the note stays while a change is recomputed.
        let computed: Vec<&LeverShading> = self
            .visible
            .iter()
            .filter_map(|path| shading.shown(path, generation))
            .map(|shown| shown.shading)
            .collect();
        let all_breach = !computed.is_empty() && computed.iter().all(|s| s.breaches_everywhere());
        let some_breach = computed.iter().any(|s| s.breaches_everywhere());
        let note = if all_breach {
            Some(
                "No lever alone avoids a breach here: every track is red end to end. A tick on a \
                 track marks where the first breach month moves; the line under a slider says \
                 how far.",
            )
        } else if some_breach {
            Some(
                "A track red end to end: no value of that lever alone avoids a breach. A tick on \
                 it marks where the first breach month moves; the line under it says how far.",
            )
        } else {
            None
        };
        if let Some(note) = note {
            ui.label(RichText::new(note).small().color(theme::CHANGED_MARK));
        }
        self.visible.clear();
        let filter = self.filter.trim().to_lowercase();
        egui::ScrollArea::vertical()
            .id_salt("levers")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for group in Group::ALL {
                    let members: Vec<&Lever> = document
                        .levers()
                        .iter()
                        .filter(|lever| lever.group == group)
                        .filter(|lever| {
                            filter.is_empty()
                                || lever.label.to_lowercase().contains(&filter)
                                || lever.path.contains(&filter)
                        })
                        .collect();
                    if members.is_empty() {
                        continue;
                    }
                    let changed = members
                        .iter()
                        .filter(|lever| differs_from_baseline(document, lever))
                        .count();
                    let title = if changed > 0 {
                        format!("{}  •{changed}", group.label())
                    } else {
                        group.label().to_owned()
                    };
                    CollapsingHeader::new(RichText::new(title).strong())
                        .id_salt(group.label())
                        .default_open(group.is_primary())
                        .open(if filter.is_empty() { None } else { Some(true) })
                        .show(ui, |ui| {
                            for lever in members {
                                let shade = shading.shown(&lever.path, generation);
                                // An id from the path alone: what is drawn above a slider (a
                                // note, a line under another) must not change who it is mid-drag.
                                let row = ui.scope_builder(
                                    egui::UiBuilder::new()
                                        .scope_id(egui::Id::unique(("lever", &lever.path))),
                                    |ui| self.rows.lever_ui(ui, document, lever, shade, commands),
                                );
                                // Only sliders on screen are shaded; the others when scrolled to.
                                if !matches!(lever.kind, LeverKind::Choice { .. })
                                    && ui.is_rect_visible(row.response.rect)
                                {
                                    self.visible.push(lever.path.clone());
                                }
                                ui.add_space(4.0);
                            }
                        });
                }
            });
    }
}

impl LeversPanel {
    /// Asks for the breach shading of the levers drawn last frame, for the document as it is
    /// now: call once a frame, after the panel's edits are applied.
    pub fn update_shading(&mut self, ctx: &egui::Context, document: &Document) {
        self.shading.update(ctx, document, &self.visible);
    }

    /// The breaching ranges of a lever's slider, if computed for the scenario at `generation`.
    pub fn breach_ranges(&self, path: &str, generation: u64) -> Option<&[LeverRange]> {
        self.shading.ranges(path, generation)
    }

    /// The whole shading of a lever's slider, if computed for the scenario at `generation`.
    pub fn lever_shading(&self, path: &str, generation: u64) -> Option<&LeverShading> {
        self.shading.shading(path, generation)
    }

    /// Whether every slider on screen last frame has its shading for the scenario at
    /// `generation` (or is known to have none).
    pub fn is_shading_settled(&self, generation: u64) -> bool {
        self.shading.is_settled(&self.visible, generation)
    }

    /// Shows a refusal under a lever (validation of the whole scenario said no).
    pub fn show_refusal(&mut self, path: &str, message: String) {
        self.rows.entry_error = Some((path.to_owned(), message));
    }

    /// Forgets a refusal once the lever was set.
    pub fn clear_refusal(&mut self, path: &str) {
        if self
            .rows
            .entry_error
            .as_ref()
            .is_some_and(|(p, _)| p == path)
        {
            self.rows.entry_error = None;
        }
    }
}

impl LeverRows {
    fn lever_ui(
        &mut self,
        ui: &mut Ui,
        document: &Document,
        lever: &Lever,
        held: Option<Shown<'_>>,
        commands: &mut Vec<Command>,
    ) {
        let shade = held.map(|held| held.shading);
        let baseline = document.baseline_lever(&lever.path);
        let differs = differs_from_baseline(document, lever);
        let label = ui
            .horizontal(|ui| {
                let label = ui
                    .label(&lever.label)
                    .on_hover_text(hover_text(lever, baseline));
                if !lever.unit.is_empty() {
                    ui.label(RichText::new(lever.unit).weak());
                }
                if differs {
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let reset = ui.small_button("reset").on_hover_text(match baseline {
                            Some(base) => {
                                format!("Reset to the preset's {}", shown(&base.value))
                            }
                            None => "Not in the loaded preset".to_owned(),
                        });
                        if reset.clicked() {
                            commands.push(Command::ResetLever {
                                path: lever.path.clone(),
                            });
                        }
                        ui.label(RichText::new("•").color(theme::CHANGED_MARK).strong())
                            .on_hover_text("Differs from the loaded preset");
                    });
                }
                label
            })
            .inner;

        ui.horizontal(|ui| {
            // Leave slack for the entry's margins and spacing: a row wider than the panel would widen
            // the panel, and the next frame's row with it.
            ui.spacing_mut().slider_width = (ui.available_width() - ENTRY_WIDTH - 40.0).max(60.0);
            // Reserved before the slider so the shading is drawn under its rail and handle.
            let shade_slot = ui.painter().add(egui::Shape::Noop);
            let track = held.map(|held| BreachTrack {
                fractions: track_fractions(&lever.kind, &held.shading.ranges),
                moves: held.shading.change_fractions(&lever.kind),
                stale: held.stale,
            });
            let slider = match &lever.kind {
                LeverKind::Number { min, max, step, .. } => {
                    number_slider_ui(ui, lever, *min, *max, *step, label.id, commands)
                }
                LeverKind::Month { min, max } => {
                    month_slider_ui(ui, lever, *min, *max, label.id, commands)
                }
                LeverKind::Choice { choices } => {
                    for choice in *choices {
                        let selected = lever.value == LeverValue::Choice(choice);
                        if ui.selectable_label(selected, *choice).clicked() && !selected {
                            commands.push(Command::SetLever {
                                path: lever.path.clone(),
                                value: LeverValue::Choice(choice),
                                dragging: false,
                            });
                        }
                    }
                    return;
                }
            };
            paint_breach_track(
                ui,
                shade_slot,
                slider.as_ref().map(|response| response.rect),
                track.as_ref(),
            );
            // What broke at each end of the red, over the slider and its shading alike.
            if let (Some(slider), Some(shading)) = (slider, shade)
                && !shading.edges.is_empty()
            {
                slider.on_hover_ui(|ui| {
                    if let Some(text) = shading.edges_text(lever, document.scenario()) {
                        ui.label(text);
                    }
                });
            }
            self.entry_ui(ui, lever, label.id, commands);
        });
        // An all-red track says nothing (the panel's note above says why): say where the first
        // breach moves instead, when it does.
        let note = shade
            .and_then(|shading| shading.first_breach_moves(lever.unit))
            .map(|moves| format!("{}{}.", moves[..1].to_uppercase(), &moves[1..]));
        if let Some(note) = note {
            ui.label(RichText::new(note).small().weak());
        }
        if let Some((path, message)) = &self.entry_error
            && *path == lever.path
        {
            ui.label(RichText::new(message).color(theme::ERROR_TEXT).small());
        }
    }

    /// The typed entry: shows the value, and on Enter or leaving it, parses and checks the text.
    fn entry_ui(
        &mut self,
        ui: &mut Ui,
        lever: &Lever,
        label: egui::Id,
        commands: &mut Vec<Command>,
    ) {
        let is_editing = self
            .editing
            .as_ref()
            .is_some_and(|(path, _)| *path == lever.path);
        let mut text = match &self.editing {
            Some((_, text)) if is_editing => text.clone(),
            _ => shown(&lever.value),
        };
        let response = ui
            .add(TextEdit::singleline(&mut text).desired_width(ENTRY_WIDTH))
            .labelled_by(label);
        if response.has_focus() {
            self.editing = Some((lever.path.clone(), text.clone()));
        }
        if response.lost_focus() {
            if is_editing || response.changed() {
                self.commit_entry(lever, &text, commands);
            }
            if self
                .editing
                .as_ref()
                .is_some_and(|(path, _)| *path == lever.path)
            {
                self.editing = None;
            }
        }
    }

    fn commit_entry(&mut self, lever: &Lever, text: &str, commands: &mut Vec<Command>) {
        let parsed = read_value(&lever.kind, text)
            .and_then(|value| check_value(&lever.kind, lever.unit, &value).map(|()| value))
            .map_err(|err| err.to_string());
        match parsed {
            Ok(value) => {
                self.entry_error = None;
                if value != lever.value {
                    commands.push(Command::SetLever {
                        path: lever.path.clone(),
                        value,
                        dragging: false,
                    });
                }
            }
            Err(message) => self.entry_error = Some((lever.path.clone(), message)),
        }
    }
}

fn differs_from_baseline(document: &Document, lever: &Lever) -> bool {
    document
        .baseline_lever(&lever.path)
        .is_none_or(|base| base.value != lever.value)
}

/// A lever value as the panel writes it (months as `YYYY-MM`).
fn shown(value: &LeverValue) -> String {
    value.to_string()
}

fn hover_text(lever: &Lever, baseline: Option<&Lever>) -> String {
    let range = match &lever.kind {
        LeverKind::Number { min, max, step, .. } => format!(
            "{} to {} in steps of {}",
            lever_value_text(&LeverValue::Number(*min), lever.unit),
            lever_value_text(&LeverValue::Number(*max), lever.unit),
            lever_value_text(&LeverValue::Number(*step), lever.unit)
        ),
        LeverKind::Month { min, max } => format!("{min} to {max}"),
        LeverKind::Choice { choices } => choices.join(" or "),
    };
    let source = lever
        .source
        .as_deref()
        .unwrap_or("no source note in this preset");
    let preset = baseline.map_or_else(|| "—".to_owned(), |base| shown(&base.value));
    format!(
        "{}\n\nSource: {source}\nPreset value: {preset}\nRange: {range}",
        lever.path
    )
}

/// The exact value at slider position `position`: `min + k × step` with `k` a whole number of steps.
fn snapped(position: f64, min: Decimal, max: Decimal, step: Decimal) -> Option<Decimal> {
    let min_f = super::format::plot_f64(min);
    let step_f = super::format::plot_f64(step);
    if step_f <= 0.0 || !position.is_finite() {
        return None;
    }
    let steps = ((position - min_f) / step_f).round();
    if steps < 0.0 {
        return Some(min);
    }
    if steps > 1e9 {
        return Some(max);
    }
    let value = min.checked_add(step.checked_mul(Decimal::from(steps as i64))?)?;
    Some(value.min(max).normalize())
}

fn number_slider_ui(
    ui: &mut Ui,
    lever: &Lever,
    min: Decimal,
    max: Decimal,
    step: Decimal,
    label: egui::Id,
    commands: &mut Vec<Command>,
) -> Option<egui::Response> {
    let LeverValue::Number(current) = lever.value else {
        return None;
    };
    let mut position = super::format::plot_f64(current);
    let response = ui
        .add(
            Slider::new(
                &mut position,
                super::format::plot_f64(min)..=super::format::plot_f64(max),
            )
            .step_by(super::format::plot_f64(step))
            // Snapping on every frame would rewrite a preset's off-step values (2012.5 on a
            // step of 10): clamp and snap only what the user moves.
            .clamping(SliderClamping::Edits)
            .show_value(false),
        )
        .labelled_by(label);
    if response.changed()
        && let Some(value) = snapped(position, min, max, step)
        && value != current
    {
        commands.push(Command::SetLever {
            path: lever.path.clone(),
            value: LeverValue::Number(value),
            dragging: response.dragged(),
        });
    }
    Some(response)
}

fn month_slider_ui(
    ui: &mut Ui,
    lever: &Lever,
    min: Month,
    max: Month,
    label: egui::Id,
    commands: &mut Vec<Command>,
) -> Option<egui::Response> {
    let LeverValue::Month(current) = lever.value else {
        return None;
    };
    let mut index = current.index();
    let response = ui
        .add(
            Slider::new(&mut index, min.index()..=max.index())
                .step_by(1.0)
                .clamping(SliderClamping::Edits)
                .show_value(false),
        )
        .labelled_by(label);
    let month = Month::from_index(index).clamp(min, max);
    if response.changed() && month != current {
        commands.push(Command::SetLever {
            path: lever.path.clone(),
            value: LeverValue::Month(month),
            dragging: response.dragged(),
        });
    }
    Some(response)
}

/// What a slider's track shows: the breaching fractions of its range, shaded, and where the
/// first breach month changes when every value breaches, ticked.
struct BreachTrack {
    fractions: Vec<(f32, f32)>,
    moves: Vec<f32>,
    /// Computed for the scenario before the last change: drawn faded until the new one comes.
    stale: bool,
}

/// Shades a slider's rail (drawn in `rect`) into `slot`.
fn paint_breach_track(
    ui: &Ui,
    slot: egui::layers::ShapeIdx,
    rect: Option<egui::Rect>,
    track: Option<&BreachTrack>,
) {
    let (Some(rect), Some(track)) = (rect, track) else {
        return;
    };
    if track.fractions.is_empty() {
        return;
    }
    // egui's slider keeps the handle inside the rect: positions run between handle radii.
    let handle_radius = rect.height() / 2.5;
    let (left, right) = (rect.left() + handle_radius, rect.right() - handle_radius);
    let half_height = ui.spacing().slider_rail_height / 2.0 + 2.0;
    let fade = if track.stale { 0.35 } else { 1.0 };
    let fill = theme::BREACH_TRACK.gamma_multiply(fade);
    let y_range = rect.center().y - half_height..=rect.center().y + half_height;
    let mut shapes: Vec<egui::Shape> = track
        .fractions
        .iter()
        .map(|(from, to)| {
            let x0 = left + from * (right - left);
            let x1 = left + to * (right - left);
            egui::Shape::rect_filled(
                egui::Rect::from_x_y_ranges(x0..=x1.max(x0 + 2.0), y_range.clone()),
                2.0,
                fill,
            )
        })
        .collect();
    let tick = egui::Stroke::new(2.0, ui.visuals().strong_text_color().gamma_multiply(fade));
    shapes.extend(track.moves.iter().map(|fraction| {
        let x = left + fraction * (right - left);
        egui::Shape::line_segment(
            [
                egui::pos2(x, y_range.start() - 2.0),
                egui::pos2(x, y_range.end() + 2.0),
            ],
            tick,
        )
    }));
    ui.painter().set(slot, egui::Shape::Vec(shapes));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn slider_positions_become_exact_multiples_of_the_step() {
        for (position, min, max, step, expected) in [
            (4.35, dec!(0), dec!(15), dec!(0.05), dec!(4.35)),
            (4.349_999_9, dec!(0), dec!(15), dec!(0.05), dec!(4.35)),
            (2012.5, dec!(0), dec!(60000), dec!(50), dec!(2000)),
            (-3.0, dec!(0), dec!(100), dec!(1), dec!(0)),
            (1e12, dec!(0), dec!(100), dec!(1), dec!(100)),
        ] {
            assert_eq!(
                snapped(position, min, max, step),
                Some(expected),
                "position {position} in {min}..={max} step {step}"
            );
        }
    }
}
