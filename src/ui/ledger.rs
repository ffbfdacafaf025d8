//! The ledger tab: every spec §4 column, month by month, values in $M rounded to $0.01M, with
//! the header row and the month column frozen while the rest scrolls. Only visible cells are drawn.

use eframe::egui;
use eframe::egui::{Align2, Color32, FontId, Rect, RichText, Sense, Ui, pos2, vec2};
use rust_decimal::Decimal;

use super::command::Command;
use super::theme;
use super::view::{View, ViewContext};
use crate::model::{Cell, DISPLAY_DP, Outcome, round_for_display};
use crate::report::format::grouped;

const ROW_HEIGHT: f32 = 20.0;
const HEADER_HEIGHT: f32 = 24.0;
const MONTH_WIDTH: f32 = 72.0;
const CELL_PADDING: f32 = 8.0;

/// How a cell is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    Plain,
    Negative,
    Breach,
}

/// The ledger's text, built from an outcome once per recompute and only while the tab is shown.
#[derive(Default)]
pub struct LedgerView {
    generation: Option<u64>,
    columns: Vec<String>,
    widths: Vec<f32>,
    months: Vec<String>,
    /// `rows[t][c]` for the columns after the month.
    rows: Vec<Vec<(String, Tone)>>,
}

fn cell_text(cell: &Cell) -> (String, Tone) {
    match cell {
        Cell::Month(month) => (month.to_string(), Tone::Plain),
        Cell::Money(value) => {
            let tone = if *value < Decimal::ZERO {
                Tone::Negative
            } else {
                Tone::Plain
            };
            (grouped(round_for_display(*value), DISPLAY_DP), tone)
        }
        Cell::Flag(true) => ("BREACH".to_owned(), Tone::Breach),
        Cell::Flag(false) => ("ok".to_owned(), Tone::Plain),
        Cell::Empty => (String::new(), Tone::Plain),
    }
}

impl LedgerView {
    fn refresh(&mut self, outcome: &Outcome, generation: u64) {
        if self.generation == Some(generation) {
            return;
        }
        self.generation = Some(generation);
        self.columns = outcome.column_names().into_iter().skip(1).collect();
        self.months = outcome
            .months
            .iter()
            .map(|row| row.month.to_string())
            .collect();
        self.rows = (0..outcome.months.len())
            .map(|t| outcome.row_cells(t).iter().skip(1).map(cell_text).collect())
            .collect();
        // Monospace digits are ~7 pt wide at 12 pt; a column fits its name and its widest value.
        self.widths = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let widest = self
                    .rows
                    .iter()
                    .map(|row| row.get(c).map_or(0, |(text, _)| text.len()))
                    .max()
                    .unwrap_or(0)
                    .max(name.len());
                widest as f32 * 7.2 + 2.0 * CELL_PADDING
            })
            .collect();
    }

    fn table_ui(&self, ui: &mut Ui) {
        let visuals = ui.visuals().clone();
        let text_color = visuals.text_color();
        let strong = visuals.strong_text_color();
        let header_fill = visuals.faint_bg_color;
        let panel_fill = visuals.panel_fill;
        let stripe = visuals.faint_bg_color;
        let grid = visuals.widgets.noninteractive.bg_stroke;
        let font = FontId::monospace(12.0);
        let total_width = MONTH_WIDTH + self.widths.iter().sum::<f32>();
        let total_height = HEADER_HEIGHT + self.rows.len() as f32 * ROW_HEIGHT;

        // Its own id: each tab keeps its own scroll position.
        egui::ScrollArea::both()
            .id_salt("ledger")
            .auto_shrink([false, false])
            .show_viewport(ui, |ui, viewport| {
                let (rect, _) =
                    ui.allocate_exact_size(vec2(total_width, total_height), Sense::hover());
                let origin = rect.min;
                let painter = ui.painter();
                let visible_left = viewport.min.x + MONTH_WIDTH;
                let first_row = ((viewport.min.y - HEADER_HEIGHT) / ROW_HEIGHT)
                    .floor()
                    .max(0.0) as usize;
                let last_row = (((viewport.max.y - HEADER_HEIGHT) / ROW_HEIGHT)
                    .ceil()
                    .max(0.0) as usize)
                    .min(self.rows.len());
                let tone_color = |tone: Tone| -> Color32 {
                    match tone {
                        Tone::Plain => text_color,
                        Tone::Negative => theme::LEDGER_NEGATIVE,
                        Tone::Breach => theme::LEDGER_BREACH,
                    }
                };

                // Body: only the rows and columns in view.
                for t in first_row..last_row {
                    let y = origin.y + HEADER_HEIGHT + t as f32 * ROW_HEIGHT;
                    if t % 2 == 1 {
                        painter.rect_filled(
                            Rect::from_min_size(
                                pos2(origin.x + viewport.min.x, y),
                                vec2(viewport.width(), ROW_HEIGHT),
                            ),
                            0.0,
                            stripe,
                        );
                    }
                    let mut x = MONTH_WIDTH;
                    for (c, width) in self.widths.iter().enumerate() {
                        if x + width >= visible_left
                            && x <= viewport.max.x
                            && let Some((text, tone)) = self.rows[t].get(c)
                        {
                            painter.text(
                                pos2(origin.x + x + width - CELL_PADDING, y + ROW_HEIGHT / 2.0),
                                Align2::RIGHT_CENTER,
                                text,
                                font.clone(),
                                tone_color(*tone),
                            );
                        }
                        x += width;
                    }
                }

                // Frozen month column.
                let month_x = origin.x + viewport.min.x;
                painter.rect_filled(
                    Rect::from_min_size(
                        pos2(month_x, origin.y + viewport.min.y),
                        vec2(MONTH_WIDTH, viewport.height()),
                    ),
                    0.0,
                    panel_fill,
                );
                for t in first_row..last_row {
                    let y = origin.y + HEADER_HEIGHT + t as f32 * ROW_HEIGHT;
                    painter.text(
                        pos2(month_x + CELL_PADDING, y + ROW_HEIGHT / 2.0),
                        Align2::LEFT_CENTER,
                        &self.months[t],
                        font.clone(),
                        strong,
                    );
                }
                painter.vline(
                    month_x + MONTH_WIDTH,
                    (origin.y + viewport.min.y)..=(origin.y + viewport.max.y),
                    grid,
                );

                // Frozen header row.
                let header_y = origin.y + viewport.min.y;
                painter.rect_filled(
                    Rect::from_min_size(
                        pos2(origin.x + viewport.min.x, header_y),
                        vec2(viewport.width(), HEADER_HEIGHT),
                    ),
                    0.0,
                    panel_fill,
                );
                painter.rect_filled(
                    Rect::from_min_size(
                        pos2(origin.x + viewport.min.x, header_y),
                        vec2(viewport.width(), HEADER_HEIGHT),
                    ),
                    0.0,
                    header_fill,
                );
                let mut x = MONTH_WIDTH;
                for (name, width) in self.columns.iter().zip(&self.widths) {
                    if x + width >= visible_left && x <= viewport.max.x {
                        painter.text(
                            pos2(
                                origin.x + x + width - CELL_PADDING,
                                header_y + HEADER_HEIGHT / 2.0,
                            ),
                            Align2::RIGHT_CENTER,
                            name,
                            font.clone(),
                            strong,
                        );
                    }
                    x += width;
                }
                painter.rect_filled(
                    Rect::from_min_size(pos2(month_x, header_y), vec2(MONTH_WIDTH, HEADER_HEIGHT)),
                    0.0,
                    panel_fill,
                );
                painter.text(
                    pos2(month_x + CELL_PADDING, header_y + HEADER_HEIGHT / 2.0),
                    Align2::LEFT_CENTER,
                    "month",
                    font.clone(),
                    strong,
                );
                painter.hline(
                    (origin.x + viewport.min.x)..=(origin.x + viewport.max.x),
                    header_y + HEADER_HEIGHT,
                    grid,
                );
            });
    }
}

impl View for LedgerView {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        match ctx.document.outcome() {
            Ok(outcome) => self.refresh(outcome, ctx.document.generation()),
            // The app shows why the model cannot run above the tabs.
            Err(_) => return,
        }
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "{} months × {} columns; money in $M, rounded to $0.01M (CSV export is exact)",
                    self.months.len(),
                    self.columns.len() + 1
                ))
                .weak(),
            );
            if ui
                .button("Export CSV…")
                .on_hover_text("Write every column, unrounded, to a CSV file")
                .clicked()
            {
                ctx.send(Command::ExportCsv);
            }
        });
        self.table_ui(ui);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, run};

    #[test]
    fn the_ledger_has_every_column_and_month() {
        let outcome = run(&default_scenario()).expect("the base scenario runs");
        let mut view = LedgerView::default();
        view.refresh(&outcome, 1);
        assert_eq!(view.columns.len() + 1, outcome.column_names().len());
        assert_eq!(view.rows.len(), outcome.months.len());
        assert!(view.rows.iter().all(|row| row.len() == view.columns.len()));
        assert_eq!(view.months.first().map(String::as_str), Some("2025-01"));
    }

    #[test]
    fn money_cells_are_grouped_to_the_cent_of_a_million() {
        assert_eq!(
            cell_text(&Cell::Money(rust_decimal_macros::dec!(-1234.567))),
            ("-1,234.57".to_owned(), Tone::Negative)
        );
    }
}
