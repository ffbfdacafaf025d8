//! The central panel: the story, the KPI strip, the tab row and the tab on show.

use eframe::egui::{RichText, Ui};

use super::WhatIfApp;
use crate::ui::view::{Tab, View, ViewContext};
use crate::ui::{chrome, overlay, theme};

impl WhatIfApp {
    pub(super) fn central_ui(&mut self, ui: &mut Ui) {
        chrome::error_banner_ui(ui, &mut self.error);
        if let Err(err) = self.document.outcome() {
            ui.label(
                RichText::new(format!("The model cannot run this scenario: {err}"))
                    .color(theme::ERROR_TEXT),
            );
            return;
        }
        let mut view = ViewContext {
            document: &self.document,
            baseline: self.pinned.as_ref(),
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
                view.baseline.map(|pinned| pinned.name.as_str()),
                view.commands,
            );
        });
        ui.separator();
        match self.tab {
            Tab::Charts => self.charts.ui(ui, &mut view),
            Tab::Breakdown => self.breakdown.ui(ui, &mut view),
            Tab::Income => self.income.ui(ui, &mut view),
            Tab::Ledger => self.ledger.ui(ui, &mut view),
            Tab::Compare => self.compare.ui(ui, &mut view),
            Tab::Tornado => self.tornado.ui(ui, &mut view),
            Tab::BreachMap => self.breach_map.ui(ui, &mut view),
            Tab::MonteCarlo => self.montecarlo.ui(ui, &mut view),
        }
    }
}
