//! What every view receives: the document to read, the pinned baseline, and the queue to push
//! [`Command`]s on (rerun's `ViewerContext`, narrowed). Views never change the scenario themselves; the app
//! drains the queue in one place.

use eframe::egui::{self, Ui};
use serde::{Deserialize, Serialize};

use super::baseline::PinnedBaseline;
use super::command::Command;
use super::document::Document;

/// The central area's tabs: which view it shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Charts,
    Breakdown,
    /// The income statement and GPU collateral (spec §8.1, §8.2).
    Income,
    Ledger,
    Compare,
    Tornado,
    BreachMap,
    MonteCarlo,
}

impl Tab {
    /// Every tab, in the order of the tab bar, with its label.
    pub const ALL: [(Self, &'static str); 8] = [
        (Self::Charts, "Cash & covenants"),
        (Self::Breakdown, "Revenue, debt & capacity"),
        (Self::Income, "Income & collateral"),
        (Self::Ledger, "Ledger"),
        (Self::Compare, "Compare"),
        (Self::Tornado, "Tornado"),
        (Self::BreachMap, "Breach map"),
        (Self::MonteCarlo, "Monte Carlo"),
    ];
}

/// The context a view draws with.
pub struct ViewContext<'a> {
    pub document: &'a Document,
    /// The scenario pinned to compare against, if any (the app owns it; commands pin it).
    pub baseline: Option<&'a PinnedBaseline>,
    pub commands: &'a mut Vec<Command>,
}

impl ViewContext<'_> {
    /// Asks for `command`; it is applied after the view has drawn.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// A menu item for `command` with its label and first shortcut ([`Command::label`]);
    /// sends the command when clicked. `hover` explains it; disabled items are greyed out.
    pub fn command_button(
        &mut self,
        ui: &mut Ui,
        command: Command,
        enabled: bool,
        hover: Option<&str>,
    ) {
        // Every command a menu offers has a label (a test in `command.rs` holds them to it).
        let label = command
            .label()
            .map_or_else(|| format!("{command:?}"), str::to_owned);
        let mut button = egui::Button::new(label);
        if let Some(shortcut) = command.shortcuts().first() {
            button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
        }
        let mut response = ui.add_enabled(enabled, button);
        if let Some(hover) = hover {
            response = response.on_hover_text(hover);
        }
        if response.clicked() {
            self.send(command);
        }
    }
}

/// A component of the app window: a state struct that draws itself (egui's demo `View`).
pub trait View {
    fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewContext<'_>);
}
