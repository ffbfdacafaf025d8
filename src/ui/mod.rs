//! The desktop app (issue #3): levers on the left, KPIs and charts in the middle, presets in the
//! File menu. Built on [`crate::model`]; it only draws what the model returns.

pub mod app;
pub mod background;
pub mod baseline;
pub mod breach_map_tab;
pub mod breach_shading;
pub mod chart_legend;
pub mod charts;
pub mod charts_tab;
mod chrome;
pub mod command;
pub mod document;
pub mod file_dialog;
pub mod file_menu;
pub mod files;
pub mod format;
pub mod income_tab;
pub mod kpi_strip;
pub mod kpi_text;
pub mod ledger;
pub mod levers_panel;
pub mod memo;
pub mod montecarlo_tab;
pub mod overlay;
pub mod story;
pub mod theme;
pub mod tornado_tab;
pub mod undo;
pub mod view;
pub mod warnings_strip;

use eframe::egui;

pub use app::{AppOptions, WhatIfApp};
pub use command::{BaselineSource, Command};
pub use view::Tab;

/// The window and taskbar icon (the same picture the `.desktop` entry installs).
const WINDOW_ICON: &[u8] = include_bytes!("../../assets/coreweave-whatif.png");

/// Opens the window and runs until it is closed.
pub fn run_app(options: AppOptions) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("coreweave-whatif")
        .with_app_id("coreweave-whatif")
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([960.0, 620.0])
        .with_drag_and_drop(true);
    match eframe::icon_data::from_png_bytes(WINDOW_ICON) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        // The embedded file is checked by a test; a window without its icon still works.
        Err(err) => eprintln!("coreweave-whatif: the window icon did not decode: {err}"),
    }
    let native_options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "coreweave-whatif",
        native_options,
        Box::new(move |cc| Ok(Box::new(WhatIfApp::new(cc, options)))),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_decodes() {
        let icon = eframe::icon_data::from_png_bytes(super::WINDOW_ICON).expect("a PNG");
        assert!(
            icon.width >= 32 && icon.width == icon.height,
            "{}x{}",
            icon.width,
            icon.height
        );
    }
}
