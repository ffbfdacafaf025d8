//! Helpers shared by the integration tests (each test file uses what it needs).
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::PathBuf;

/// A fresh scratch directory for files one test writes, unique to this process.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coreweave-whatif-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// A shipped preset's text by file stem.
pub fn shipped(stem: &str) -> &'static str {
    coreweave_whatif::model::preset::SHIPPED_PRESETS
        .iter()
        .find(|(name, _)| *name == stem)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no shipped preset {stem}"))
}

/// The app on the embedded s1-base scenario, headless, after its first frames.
pub fn harness() -> egui_kittest::Harness<'static, coreweave_whatif::ui::WhatIfApp> {
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1440.0, 900.0])
        .build_eframe(|_cc| coreweave_whatif::ui::WhatIfApp::with_default_scenario());
    harness.run();
    harness
}
