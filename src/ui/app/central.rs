//! The central panel: the story, the KPI strip, the tab row and the tab on show.

use eframe::egui::{RichText, Ui};

use super::WhatIfApp;
use crate::ui::charts::{self, Ghost};
use crate::ui::view::{Tab, View, ViewContext};
use crate::ui::{chrome, overlay, theme};

impl WhatIfApp {
    pub(super) fn central_ui(&mut self, ui: &mut Ui) {
        chrome::error_banner_ui(ui, &mut self.error);
        let outcome = match self.document.outcome() {
            Ok(outcome) => outcome,
            Err(err) => {
                ui.label(
                    RichText::new(format!("The model cannot run this scenario: {err}"))
                        .color(theme::ERROR_TEXT),
                );
                return;
            }
        };
        let mut view = ViewContext {
            document: &self.document,
            commands: &mut self.commands,
        };
        self.story.ui(ui, &mut view);
        self.kpi_strip.ui(ui, &mut view);
        self.warnings_strip.ui(ui, &mut view);
        ui.add_space(4.0);
        // Wrapped: in a narrow window the last tabs and the pin button go to a second row
        // rather than off the edge.
        ui.horizontal_wrapped(|ui| {
            for (tab, label) in Tab::ALL {
                ui.selectable_value(&mut self.tab, tab, label);
            }
            ui.separator();
            overlay::pin_controls_ui(
                ui,
                self.pinned.as_ref().map(|pinned| pinned.name.as_str()),
                view.commands,
            );
        });
        ui.separator();
        let mut ghosts = Vec::new();
        if let Some(pinned) = &self.pinned {
            ghosts.push(Ghost {
                name: &pinned.name,
                data: &pinned.chart_data,
            });
        }
        if let Some(before) = &self.drag_ghost {
            ghosts.push(Ghost {
                name: "before the drag",
                data: before,
            });
        }
        match self.tab {
            Tab::Charts => {
                let title_height = 22.0;
                let available = ui.available_height() - 2.0 * title_height - 8.0;
                let cash_height = (available * 0.58).max(140.0);
                let headroom_height = (available - cash_height).max(110.0);
                ui.label(
                    RichText::new("Cash and liquidity ($B) — minimum-liquidity threshold dashed")
                        .strong(),
                );
                charts::cash_chart_ui(ui, &self.chart_data, &ghosts, cash_height);
                ui.label(RichText::new("Covenant headroom (%) — below 0 % is a breach").strong());
                charts::headroom_chart_ui(ui, &self.chart_data, &ghosts, headroom_height);
            }
            Tab::Breakdown => charts::breakdown_ui(ui, &self.chart_data),
            Tab::Ledger => self.ledger.ui(ui, &mut view),
            Tab::Compare => {
                overlay::comparison_ui(ui, self.pinned.as_ref(), view.document.scenario(), outcome);
            }
            Tab::Tornado => self.tornado.ui(ui, &mut view),
            Tab::BreachMap => self.breach_map.ui(ui, &mut view),
            Tab::MonteCarlo => self.montecarlo.ui(ui, &mut view),
        }
    }
}
