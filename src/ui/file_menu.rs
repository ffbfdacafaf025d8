//! The File menu: the shipped presets, then Open, Save, Save As, Save As changes and the
//! exports. Each item sends its [`Command`], with the label and shortcut the command carries;
//! the dialogs and file jobs behind them are in [`super::files`].

use eframe::egui::{self, Ui};

use super::command::Command;
use super::view::{View, ViewContext};
use crate::model::SHIPPED_PRESETS;

/// The File menu. It holds no state of its own: what it offers follows the document.
#[derive(Default)]
pub struct FileMenu;

impl View for FileMenu {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>) {
        let can_save_in_place = ctx.document.origin().path().is_some();
        let base_name = ctx.document.origin().display_name();
        ui.menu_button("File", |ui| {
            ui.label(egui::RichText::new("Shipped presets").weak().small());
            for (stem, _) in SHIPPED_PRESETS {
                if ui.button(stem).clicked() {
                    ctx.send(Command::OpenShipped(stem.to_owned()));
                }
            }
            ui.separator();
            ctx.command_button(ui, Command::OpenDialog, true, None);
            let save_hover = if can_save_in_place {
                "Write the scenario back to its file"
            } else {
                "Shipped presets are never overwritten: choose a file"
            };
            ctx.command_button(ui, Command::Save, true, Some(save_hover));
            ctx.command_button(ui, Command::SaveAsDialog, true, None);
            let changes_hover = format!(
                "A small preset that extends {base_name}: the levers that differ from it, and \
                 the items removed or added"
            );
            ctx.command_button(ui, Command::SaveChangesAsDialog, true, Some(&changes_hover));
            ui.separator();
            ctx.command_button(ui, Command::ExportCsv, true, None);
            ctx.command_button(
                ui,
                Command::ExportMemo,
                true,
                Some("A Markdown memo: inputs and sources, KPIs, baseline, tornado, charts"),
            );
        });
    }
}
