//! The KPI picker the analysis tabs share. The KPI texts themselves live in the report layer
//! ([`crate::report`]), so the memo and the CLI write them the same way.

use eframe::egui::{ComboBox, Ui};

use crate::model::analysis::Kpi;
use crate::report::kpi_label;

/// A labelled drop-down choosing one of `choices` into `kpi`.
pub fn kpi_combo_ui(ui: &mut Ui, id: &str, kpi: &mut Kpi, choices: Vec<Kpi>) {
    let title = ui.label("KPI");
    ComboBox::from_id_salt(id)
        .selected_text(kpi_label(kpi))
        .show_ui(ui, |ui| {
            for choice in choices {
                let label = kpi_label(&choice);
                ui.selectable_value(kpi, choice, label);
            }
        })
        .response
        .labelled_by(title.id);
}
