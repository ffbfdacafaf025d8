//! The desktop app (issue #3): levers on the left, KPIs and charts in the middle, presets in the
//! File menu. Built on [`crate::model`]; it only draws what the model returns.

pub mod app;
pub mod background;
pub mod breach_map_tab;
pub mod breach_shading;
pub mod charts;
pub mod command;
pub mod document;
pub mod format;
pub mod kpi_strip;
pub mod kpi_text;
pub mod ledger;
pub mod levers_panel;
pub mod memo;
pub mod montecarlo_tab;
pub mod overlay;
pub mod presets;
pub mod svg_chart;
#[cfg(test)]
mod test_support;
pub mod theme;
pub mod tornado_tab;
pub mod undo;
pub mod warnings_strip;

use eframe::egui;

pub use app::{AppOptions, Tab, WhatIfApp};
pub use command::{BaselineSource, Command};

/// Opens the window and runs until it is closed.
pub fn run_app(options: AppOptions) -> eframe::Result {
    let native_options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("coreweave-whatif")
            .with_app_id("coreweave-whatif")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([960.0, 620.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "coreweave-whatif",
        native_options,
        Box::new(move |cc| Ok(Box::new(WhatIfApp::new(cc, options)))),
    )
}
